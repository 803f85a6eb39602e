"""What a page tells search engines and social networks about itself.

Canonical addresses, the share image (Open Graph / Twitter cards) and the
schema.org JSON-LD (Organization, WebSite, NewsArticle, BreadcrumbList) are
all built here, in Python, from the models; templates only print them through
the functions ``dpga.templating`` gives them.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SCHEMA_CONTEXT = "https://schema.org"

# The site's own pictures (drawn for this site; see dpga/static/img/).
SITE_LOGO = {"path": "img/logo.png", "width": 512, "height": 512, "type": "image/png"}
SITE_SHARE_CARD = {"path": "img/share-card.png", "width": 1200, "height": 630, "type": "image/png"}

# Characters that could end a <script> data block or open a comment in it;
# the same escapes as Django's json_script filter.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int | None
    height: int | None
    alt: str
    type: str = ""


def site_description():
    return _(
        "News and members of the %(site_name)s, a multi-stakeholder initiative for open-source "
        "digital public goods."
    ) % {"site_name": settings.SITE_NAME}


def modified_at(announcement):
    """When an announcement last changed as the public sees it."""
    return max(announcement.updated_at, announcement.publish_at)


def w3c_datetime(value):
    """An aware datetime as 2026-11-27T09:30:00+01:00 (site time zone, whole seconds):
    valid in <time datetime>, Open Graph, JSON-LD and sitemaps alike."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def absolute(request, url):
    return request.build_absolute_uri(url)


def canonical_url(request, page_number=1):
    """This page's one address: scheme, host and path, plus the page number past page 1."""
    url = request.build_absolute_uri(request.path)
    if page_number and int(page_number) > 1:
        url += f"?page={int(page_number)}"
    return url


def ld_json_script(data):
    """A ``<script type="application/ld+json">`` data block that nothing in ``data`` can end.

    A data block is never executed (so a strict Content-Security-Policy does not
    apply to it), but a ``</script>`` or ``<!--`` inside a title would still end
    the element and let markup through: ``<``, ``>`` and ``&`` are escaped as
    JSON unicode escapes, as Django's ``json_script`` does.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


# Share images ---------------------------------------------------------------


def site_share_image(request):
    return ShareImage(
        url=absolute(request, static(SITE_SHARE_CARD["path"])),
        width=SITE_SHARE_CARD["width"],
        height=SITE_SHARE_CARD["height"],
        alt=_("The name of the %(site)s on a blue and green background.")
        % {"site": settings.SITE_NAME},
        type=SITE_SHARE_CARD["type"],
    )


def announcement_share_image(request, announcement):
    """The announcement's own 1200×630 share card (its picture cropped to fit, or its
    title on the alliance's colours: see dpga.pictures.renditions); until that card exists,
    its picture, or the site's card."""
    card = announcement.share_image
    if card is None:
        return announcement_picture_image(request, announcement)
    return ShareImage(
        url=absolute(request, card.url),
        width=card.width,
        height=card.height,
        alt=card.alt,
        type=card.type,
    )


def announcement_picture_image(request, announcement):
    """The stored picture itself, uncropped (for JSON-LD); without one, the share card."""
    if not announcement.picture:
        if announcement.share_image is not None:
            return announcement_share_image(request, announcement)
        return site_share_image(request)
    return ShareImage(
        url=absolute(request, announcement.picture.url),
        width=announcement.picture_width,
        height=announcement.picture_height,
        alt=announcement.picture_alt_text or announcement.title,
        type=announcement.picture_type,
    )


def member_share_image(request, member):
    tile = member.share_image
    if tile is not None:
        return ShareImage(
            url=absolute(request, tile.url),
            width=tile.width,
            height=tile.height,
            alt=tile.alt,
            type=tile.type,
        )
    if member.picture:
        return ShareImage(
            url=absolute(request, member.picture.url),
            width=None,
            height=None,
            alt=member.default_picture_alt(),
        )
    return site_share_image(request)


# JSON-LD --------------------------------------------------------------------


def alliance_id(request):
    return absolute(request, reverse("home")) + "#organization"


def alliance_ld(request, *, full=True):
    """The alliance as a schema.org Organization (a reference when ``full`` is false)."""
    data = {"@type": "Organization", "@id": alliance_id(request), "name": settings.SITE_NAME}
    if full:
        data.update(
            url=absolute(request, reverse("home")),
            logo={
                "@type": "ImageObject",
                "url": absolute(request, static(SITE_LOGO["path"])),
                "width": SITE_LOGO["width"],
                "height": SITE_LOGO["height"],
            },
            description=_(
                "A multi-stakeholder initiative for open-source software, open data, open AI "
                "models and open content that adhere to privacy best practices, do no harm and "
                "help attain the Sustainable Development Goals."
            ),
        )
    return data


def website_ld(request):
    """The site, with the search box search engines may offer for it."""
    search = absolute(request, reverse("search"))
    return {
        "@type": "WebSite",
        "@id": absolute(request, reverse("home")) + "#website",
        "url": absolute(request, reverse("home")),
        "name": settings.SITE_NAME,
        "publisher": {"@id": alliance_id(request)},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def member_ld(request, member):
    """A member organisation: its profile here, its own website as sameAs."""
    data = {
        "@type": "Organization",
        "@id": absolute(request, member.get_absolute_url()) + "#organization",
        "name": member.name,
        "url": absolute(request, member.get_absolute_url()),
        "memberOf": {"@id": alliance_id(request)},
    }
    if member.short_name and member.short_name != member.name:
        data["alternateName"] = member.short_name
    if member.picture:
        data["logo"] = absolute(request, member.picture.url)
    if member.website:
        data["sameAs"] = [member.website]
    description = strip_tags(member.description_html).strip()
    if description:
        data["description"] = description
    if member.country:
        data["address"] = {"@type": "PostalAddress", "addressCountry": member.country}
    return data


def news_article_ld(request, announcement, members=()):
    """An announcement as a schema.org NewsArticle."""
    image = announcement_picture_image(request, announcement)
    url = absolute(request, announcement.get_absolute_url())
    if announcement.byline:
        author = {"@type": "Person", "name": announcement.byline}
    else:
        author = alliance_ld(request, full=False)
    data = {
        "@type": "NewsArticle",
        "@id": url + "#article",
        "mainEntityOfPage": url,
        "url": url,
        "headline": announcement.title[:110],
        "description": announcement.summary,
        "datePublished": w3c_datetime(announcement.publish_at),
        "dateModified": w3c_datetime(modified_at(announcement)),
        "image": [
            {
                "@type": "ImageObject",
                "url": image.url,
                **({"width": image.width, "height": image.height} if image.width else {}),
                "caption": image.alt,
            }
        ],
        "author": [author],
        "publisher": alliance_ld(request),
        "inLanguage": get_language() or settings.LANGUAGE_CODE,
    }
    keywords = [tag.name for tag in announcement.tag_list]
    if keywords:
        data["keywords"] = keywords
    if members:
        data["about"] = [
            {
                "@type": "Organization",
                "@id": absolute(request, m.get_absolute_url()) + "#organization",
                "name": m.name,
            }
            for m in members
        ]
    return data


def breadcrumb_ld(request, trail):
    """``trail``: (name, url) pairs from the home page down to this page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(name),
                "item": absolute(request, url),
            }
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def graph(*nodes):
    """Several schema.org nodes in one JSON-LD document."""
    return {"@context": SCHEMA_CONTEXT, "@graph": [node for node in nodes if node]}
