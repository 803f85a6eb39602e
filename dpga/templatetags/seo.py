"""Template tags that print what ``dpga.seo`` builds: canonical URL, share tags, JSON-LD."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from dpga import seo

register = template.Library()


def _page_number(context):
    page = context.get("page_obj")
    return page.number if page is not None else 1


@register.simple_tag(takes_context=True)
def canonical_url(context):
    return seo.canonical_url(context["request"], _page_number(context))


@register.simple_tag
def site_description():
    return seo.site_description()


@register.inclusion_tag("includes/_share_tags.html", takes_context=True)
def share_tags(context, title=None, description=None, announcement=None, member=None):
    """Open Graph and Twitter card tags; the image is the page's own or the site's card."""
    request = context["request"]
    if announcement is not None:
        image = seo.announcement_share_image(request, announcement)
    elif member is not None:
        image = seo.member_share_image(request, member)
    else:
        image = seo.site_share_image(request)
    return {
        "site_name": settings.SITE_NAME,
        "title": title or settings.SITE_NAME,
        "description": description or seo.site_description(),
        "url": seo.canonical_url(request, _page_number(context)),
        "locale": to_locale(get_language() or settings.LANGUAGE_CODE),
        "image": image,
        "announcement": announcement,
        "modified": seo.modified_at(announcement) if announcement is not None else None,
        "tags": announcement.tag_list if announcement is not None else [],
        "og_type": "article" if announcement is not None else "website",
        "large_card": bool(image.width and image.width >= 600),
    }


@register.simple_tag(takes_context=True)
def site_structured_data(context):
    """The alliance and the web site: for the home page."""
    request = context["request"]
    return seo.ld_json_script(seo.graph(seo.alliance_ld(request), seo.website_ld(request)))


@register.simple_tag(takes_context=True)
def announcement_structured_data(context, announcement, members=()):
    request = context["request"]
    return seo.ld_json_script(seo.graph(seo.news_article_ld(request, announcement, members)))


@register.simple_tag(takes_context=True)
def member_structured_data(context, member):
    request = context["request"]
    return seo.ld_json_script(seo.graph(seo.member_ld(request, member)))


@register.inclusion_tag("includes/_breadcrumbs.html", takes_context=True)
def breadcrumbs(context, *parts):
    """A visible breadcrumb trail and its BreadcrumbList.

    ``parts``: label, url, label, url, ..., and last the current page's label;
    the home page comes first by itself and the current page's address is this
    page's canonical URL.
    """
    request = context["request"]
    *ancestors, current = parts
    if len(ancestors) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label/url pairs, then a label")
    trail = [(_("Home"), reverse("home"))]
    trail += list(zip(ancestors[::2], ancestors[1::2], strict=True))
    trail.append((current, seo.canonical_url(request, _page_number(context))))
    return {
        "ancestors": trail[:-1],
        "current": current,
        "structured_data": seo.ld_json_script(seo.graph(seo.breadcrumb_ld(request, trail))),
    }


@register.filter
def w3c_datetime(value):
    return seo.w3c_datetime(value)
