"""{{ moment|time_element }}: a moment as visitors read it, inside a machine-readable <time>."""

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime

from dpga import seo


def time_element(when):
    """<time datetime="2026-11-27T14:00:00+00:00">27 November 2026 14:00 UTC</time>"""
    shown = dateformat.format(template_localtime(when), get_format("DATETIME_FORMAT") + " T")
    return format_html('<time datetime="{}">{}</time>', seo.w3c_datetime(when), shown)
