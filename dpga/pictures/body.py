"""Pictures inside a Markdown body: library pictures placed, other addresses made links.

Runs on HTML the sanitiser has already cleaned (dpga/rendering.py), so every ``<img>``
seen here has at most the allow-listed attributes. What holds for the result:

- ``![label](picture:42)`` alone in its paragraph becomes a ``<figure>`` with the
  library picture's renditions (``<picture>``: WebP ``<source>``, ``<img srcset
  sizes width height alt>``) and a ``<figcaption>`` holding its caption and credit;
  inside a sentence it is the ``<picture>`` alone. Everything written here comes from
  the library row and is escaped; the editor's own text adds no attribute.
- An unknown library picture is left out.
- An image from another site (the site's pictures only, by its Content Security
  Policy) becomes a link to that address, with the label as its text; a picture of this
  site (a relative address, or one under an absolute ``MEDIA_URL``) stays as written.

``image_problems(markdown)`` says, before saving, which images of a body would not be
shown: other sites' addresses and unknown library pictures.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
from django.apps import apps
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

# An <img> tag as the sanitiser writes it (quoted values may hold ">").
IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
IMG_ALONE = re.compile(r"<p>\s*(" + IMG.pattern + r")\s*</p>")
SCHEME = "picture"
REFERENCE = re.compile(SCHEME + r":([0-9]{1,18})")
SIZES = "(min-width: 48rem) 42rem, 100vw"


class _Attributes(HTMLParser):
    def handle_starttag(self, tag, attrs):
        self.attributes = dict(attrs)


def img_attributes(tag):
    parser = _Attributes(convert_charrefs=True)
    parser.attributes = {}
    parser.feed(tag)
    parser.close()
    return parser.attributes


def library_id(src):
    match = REFERENCE.fullmatch(src or "")
    return int(match.group(1)) if match else None


def is_other_site(src):
    """An http(s) address of another site (not under an absolute MEDIA_URL). Anything
    else is this site's (relative) or has a scheme the sanitiser has already dropped."""
    media = settings.MEDIA_URL
    if media.startswith(("https://", "http://")) and src.startswith(media):
        return False
    return src.startswith("//") or urlsplit(src).scheme.lower() in ("http", "https")


def _library():
    return apps.get_model("dpga", "LibraryPicture")


def place_pictures(html):
    """Cleaned HTML with library pictures placed and other sites' images made links."""
    if "<img" not in html:
        return html
    ids = {library_id(img_attributes(tag).get("src")) for tag in IMG.findall(html)} - {None}
    pictures = _library().objects.in_bulk(ids) if ids else {}

    def replace(match, alone):
        attributes = img_attributes(match.group(1) if alone else match.group(0))
        src, label = attributes.get("src") or "", attributes.get("alt") or ""
        number = library_id(src)
        if number is not None:
            picture = pictures.get(number)
            return _placed(picture, alone) if picture else ""
        if is_other_site(src):
            link = format_html('<a href="{}" rel="noopener noreferrer">{}</a>', src, label or src)
            return format_html("<p>{}</p>", link) if alone else link
        return match.group(0)

    html = IMG_ALONE.sub(lambda match: replace(match, alone=True), html)
    return IMG.sub(lambda match: replace(match, alone=False), html)


def _placed(picture, alone):
    shown = picture.picture_set
    if shown is None:
        return ""
    sizes = SIZES if shown.srcset else ""
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((s.type, s.srcset, sizes) for s in shown.sources),
    )
    img = format_html(
        '<img src="{}"{} width="{}" height="{}" alt="{}" loading="lazy" decoding="async">',
        shown.src,
        format_html(' srcset="{}" sizes="{}"', shown.srcset, sizes) if shown.srcset else "",
        shown.width,
        shown.height,
        picture.picture_alt_text,
    )
    element = format_html("<picture>{}{}</picture>", sources, img)
    if not alone:
        return element
    words = format_html_join(
        " ",
        '<span class="{}">{}</span>',
        (
            (name, text)
            for name, text in (("caption", picture.caption), ("credit", picture.credit))
            if text
        ),
    )
    caption = format_html("<figcaption>{}</figcaption>", words) if words else ""
    return format_html('<figure class="body-picture">{}{}</figure>', element, caption)


def image_sources(text):
    """The address of every image a Markdown body shows (before any cleaning)."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return [img_attributes(tag).get("src") or "" for tag in IMG.findall(html)]


def image_problems(text):
    """What an editor must change for every picture of this body to be shown."""
    problems = []
    sources = image_sources(text)
    ids = {library_id(src) for src in sources} - {None}
    known = set(_library().objects.filter(pk__in=ids).values_list("pk", flat=True))
    for src in sources:
        number = library_id(src)
        if number is not None and number not in known:
            problems.append(
                _("There is no picture %(reference)s in the picture library.") % {"reference": src}
            )
        elif number is None and is_other_site(src):
            problems.append(
                _(
                    "The picture at %(address)s is on another site, so it would be shown "
                    "as a link only. Upload it to the picture library and insert it with "
                    "the picture button, or write it as a link: [text](address)."
                )
                % {"address": src}
            )
    return problems
