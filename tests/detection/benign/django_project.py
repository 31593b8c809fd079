# A Django project made the way developers start one: django-admin
# startproject and startapp, a model, makemigrations, migrate, the test
# runner on a test database, check, and a management command's output.
import os, subprocess, sys

workdir = os.environ["BENIGN_WORKDIR"]
environment = dict(os.environ, HOME=workdir, PYTHONDONTWRITEBYTECODE="1")
environment.pop("DJANGO_SETTINGS_MODULE", None)


def run(*arguments, cwd):
    return subprocess.run([sys.executable, *arguments], cwd=cwd, env=environment, capture_output=True, text=True,
                          check=True, timeout=60).stdout


run("-m", "django", "startproject", "mysite", cwd=workdir)
site = os.path.join(workdir, "mysite")
run("manage.py", "startapp", "polls", cwd=site)
with open(os.path.join(site, "polls", "models.py"), "w") as out:
    out.write("from django.db import models\n\n\nclass Question(models.Model):\n"
              "    text = models.CharField(max_length=200)\n    published = models.DateTimeField(auto_now_add=True)\n\n"
              "    def __str__(self):\n        return self.text\n")
with open(os.path.join(site, "polls", "tests.py"), "w") as out:
    out.write("from django.test import TestCase\nfrom django.urls import reverse\nfrom .models import Question\n\n\n"
              "class QuestionTests(TestCase):\n    def test_create(self):\n"
              "        Question.objects.create(text='Why?')\n        self.assertEqual(Question.objects.count(), 1)\n\n"
              "    def test_admin_login_page(self):\n"
              "        self.assertEqual(self.client.get(reverse('admin:login')).status_code, 200)\n")
settings = os.path.join(site, "mysite", "settings.py")
with open(settings) as handle:
    text = handle.read()
with open(settings, "w") as out:
    out.write(text.replace("INSTALLED_APPS = [", "INSTALLED_APPS = [\n    'polls',"))
run("manage.py", "makemigrations", "polls", cwd=site)
run("manage.py", "check", cwd=site)
run("manage.py", "migrate", "-v", "0", cwd=site)
assert "CREATE TABLE" in run("manage.py", "sqlmigrate", "polls", "0001", cwd=site)
subprocess.run([sys.executable, "manage.py", "test", "-v", "0", "--noinput"], cwd=site, env=environment, check=True,
               capture_output=True, timeout=60)
assert "Why?" in run("manage.py", "shell", "-c",
                     "from polls.models import Question; print(Question.objects.create(text='Why?'))", cwd=site)
