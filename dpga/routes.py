"""The addresses of the site's routes, worked out once per process.

Django's ``reverse()`` walks the URL patterns on every call (15-20 µs); a list
page asks for some forty addresses (each card's, each of its tags', the
header's). A route's address for given arguments never changes while the
process runs, except with what is part of the key here: the active language
(the ``/fr/`` prefix), the script prefix and the URL configuration.

``route_url(name, **kwargs)`` in Python and in templates (``reverse()`` with
keyword arguments only).
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def route_url(viewname, **kwargs):
    """reverse(viewname, kwargs=kwargs), remembered."""
    key = tuple(sorted(kwargs.items()))
    return _address(viewname, key, get_language(), get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=16384)
def _address(viewname, kwargs, language, prefix, urlconf):
    return reverse(viewname, kwargs=dict(kwargs), urlconf=urlconf)


@receiver(setting_changed)
def forget_addresses(setting, **kwargs):
    """Tests that change the URL configuration or the languages start afresh."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"}:
        _address.cache_clear()
