"""A real application: Django's test client, request loop (python3-django)."""
import django
from django.conf import settings

settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], SECRET_KEY="bench",
                   MIDDLEWARE=["django.middleware.common.CommonMiddleware"], INSTALLED_APPS=[])
django.setup()

from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402


def greet(request):
    return JsonResponse({"hello": request.GET.get("name", "world")})


urlpatterns = [path("greet/", greet)]

client = Client()
for i in range(300):
    assert client.get("/greet/", {"name": str(i)}).status_code == 200
print("ok")
