"""Bare Django, `make bench`'s floor: settings, URL and view of a whole project.

No apps, no middleware, no database, no templates: one view answering "hello" in
plain text at `/`. bench/run.py serves it next to the site, with the site's gunicorn
options, as

    DJANGO_SETTINGS_MODULE=bench.bare.settings \\
        python -m gunicorn 'django.core.wsgi:get_wsgi_application()' ...
"""

import os
import secrets

from django.http import HttpResponse
from django.urls import path

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
ROOT_URLCONF = __name__


def hello(request):
    return HttpResponse(b"hello\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]
