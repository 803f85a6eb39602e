"""The site's URLs, plus uploaded files served for the live server (DEBUG is off in tests)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from dpga.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.+)$", media), *site_urlpatterns]
