"""{% picture %}: one responsive <picture> element, the same everywhere.

    {% load pictures %}
    {% picture announcement.picture_set alt=announcement.picture_alt_text sizes="..." %}

The first picture a page renders is loaded eagerly with high fetch priority (it
is usually the largest thing above the fold); every later one is lazy. Pass
``eager=True`` or ``eager=False`` to decide yourself.
"""

from django import template

register = template.Library()


def _first_on_page(context):
    request = context.get("request")
    if request is None:
        return False
    count = getattr(request, "_pictures_rendered", 0)
    request._pictures_rendered = count + 1
    return count == 0


@register.inclusion_tag("includes/_picture.html", takes_context=True)
def picture(context, picture, alt="", sizes="100vw", css_class="", eager=None):
    if picture is None:
        return {"picture": None}
    first = _first_on_page(context)
    return {
        "picture": picture,
        "alt": alt,
        "sizes": sizes,
        "css_class": css_class,
        "eager": first if eager is None else eager,
    }
