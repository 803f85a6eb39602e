"""Markdown to safe HTML: the one place editor markup becomes HTML.

Editors write Markdown; it is rendered once, on save, and cleaned with an
allow-list sanitiser (nh3). Templates mark nothing else safe. Pictures are placed
after cleaning (dpga/pictures/body.py): a library picture (``picture:<id>``, the one
address scheme kept only on images) becomes a <figure> built from the library's own
data, another site's image a link.
"""

import re

import markdown
import nh3

from .pictures.body import SCHEME, place_pictures

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "picture"}

_MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]


def sanitise_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_library_pictures_on_images_only,
    )


def _library_pictures_on_images_only(element, attribute, value):
    """``picture:`` addresses name library pictures: kept on an image's src only."""
    if value.lower().lstrip().startswith(SCHEME + ":") and (element, attribute) != ("img", "src"):
        return None
    return value


def render_markdown(text: str) -> str:
    """Render editor Markdown to sanitised HTML.

    Body headings start at <h2> (the page's single <h1> is the title) and never
    skip a level: see ``_normalise_headings``.
    """
    if not text:
        return ""
    html = markdown.markdown(text, extensions=_MARKDOWN_EXTENSIONS, output_format="html")
    html = _normalise_headings(html)
    return place_pictures(sanitise_html(html))


_HEADING = re.compile(r"<h([1-6])(\b[^>]*)>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)


def _normalise_headings(html: str) -> str:
    """The body's highest heading level becomes <h2>, the next <h3> and so on, and no
    heading is more than one level below the one before it ("## A" then "#### B"
    gives h2 then h3), so the page's outline has no gaps."""
    levels = sorted({int(level) for level, _attrs, _text in _HEADING.findall(html)})
    rank = {level: index for index, level in enumerate(levels)}
    previous = 1

    def replace(match):
        nonlocal previous
        level = min(2 + rank[int(match.group(1))], previous + 1, 6)
        previous = level
        return f"<h{level}{match.group(2)}>{match.group(3)}</h{level}>"

    return _HEADING.sub(replace, html)
