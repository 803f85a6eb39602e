"""{% route_url 'route' slug=... %}: {% url %} for the public pages, remembered (dpga.routes)."""

from django import template

from dpga.routes import route_url as remembered

register = template.Library()


@register.simple_tag
def route_url(viewname, **kwargs):
    return remembered(viewname, **kwargs)
