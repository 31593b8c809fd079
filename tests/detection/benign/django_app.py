# A Django app answering requests through its test client.
import django
from django.conf import settings

settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], SECRET_KEY="benign",
                   INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
                   TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
django.setup()

from django.http import JsonResponse  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request, name):
    return JsonResponse({"greeting": Template("Hello {{ name }}").render(Context({"name": name}))})


urlpatterns = [path("hello/<str:name>", hello)]
assert Client().get("/hello/world").json() == {"greeting": "Hello world"}
