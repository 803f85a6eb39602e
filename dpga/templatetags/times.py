"""{{ moment|time_element }}: a moment as visitors read it, inside a machine-readable <time>.

A filter rather than an include: it is on every card of every list page.
"""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime

from dpga import seo

register = template.Library()


@register.filter
def time_element(when):
    """<time datetime="2026-11-27T14:00:00+00:00">27 November 2026 14:00 UTC</time>"""
    shown = template_localtime(when)
    return format_html(
        '<time datetime="{}">{} {}</time>',
        seo.w3c_datetime(when),
        date_format(shown, "DATETIME_FORMAT"),
        date_format(shown, "T"),
    )
