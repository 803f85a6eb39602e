"""{{ moment|time_element }}: a moment as visitors read it, inside a machine-readable <time>.

Formatting a moment with Django's localized formats costs some 40 µs (month
names through gettext, the time zone's name, the format parsed each time): a
list page shows ten. The result depends only on the moment, the language, the
time zone and the formats, none of which changes while the process runs, so
it is remembered per process like addresses (dpga.routes).
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language

from dpga import seo


def time_element(when):
    """<time datetime="2026-11-27T14:00:00+00:00">27 November 2026, 14:00 UTC</time>"""
    return _time_element(when, get_language(), get_current_timezone_name())


@functools.lru_cache(maxsize=16384)
def _time_element(when, language, time_zone):
    shown = dateformat.format(template_localtime(when), get_format("DATETIME_FORMAT") + " T")
    return mark_safe(f'<time datetime="{seo.w3c_datetime(when)}">{escape(shown)}</time>')  # noqa: S308


@receiver(setting_changed)
def forget_times(setting, **kwargs):
    """Tests that change how moments are shown start afresh."""
    if setting in {"TIME_ZONE", "USE_TZ", "FORMAT_MODULE_PATH", "DATETIME_FORMAT", "LANGUAGES"}:
        _time_element.cache_clear()
