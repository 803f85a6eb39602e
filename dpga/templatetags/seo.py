"""{{ moment|w3c_datetime }} for the sitemap (Django's template; the site's pages use Jinja2)."""

from django import template

from dpga import seo

register = template.Library()


@register.filter
def w3c_datetime(value):
    return seo.w3c_datetime(value)
