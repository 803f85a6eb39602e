"""What the admin shows about a stored picture: a preview and the files served."""

from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _


def picture_summary(picture, data, share_image=None):
    if picture is None:
        return "—"
    preview = format_html(
        '<img class="picture-preview" src="{}" alt="" width="{}" height="{}">',
        picture.src,
        picture.width,
        picture.height,
    )
    facts = ""
    if data.get("source"):
        facts = format_html(
            "<p>{}</p>",
            _("Stored original: %(width)s×%(height)s, %(size)s, %(type)s, no metadata.")
            % {
                "width": data["width"],
                "height": data["height"],
                "size": filesizeformat(data["bytes"]),
                "type": data["type"],
            },
        )
    sizes = format_html_join(
        ", ",
        "{}×{} {}",
        (
            (item["width"], item["height"], fmt["type"].removeprefix("image/"))
            for formats in data.get("sets", {}).values()
            for fmt in formats
            for item in fmt["items"]
        ),
    )
    renditions = format_html("<p>{} {}</p>", _("Renditions:"), sizes) if sizes else ""
    card = ""
    if share_image is not None:
        card = format_html(
            '<p>{} <a href="{}">{}×{}</a></p>',
            _("Share card:"),
            share_image.url,
            share_image.width,
            share_image.height,
        )
    return format_html("{}{}{}{}", preview, facts, renditions, card)
