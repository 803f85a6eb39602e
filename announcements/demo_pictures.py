"""Simple pictures drawn with Pillow for the demo content (nothing is downloaded)."""

import io

from PIL import Image, ImageDraw, ImageFont


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without scalable default font
        return ImageFont.load_default()


def logo_png(text, colour, size=256):
    """A square logo: initials on a coloured disc, transparent around it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=colour)
    font = _font(size // (3 if len(text) <= 3 else 4))
    draw.text((size / 2, size / 2), text, fill="white", font=font, anchor="mm")
    return _encode(image, "PNG")


def banner_jpeg(title, colours=((11, 83, 148), (0, 128, 96)), size=(1600, 900)):
    """A wide picture: a two-colour gradient with the title set on it."""
    width, height = size
    image = Image.new("RGB", size, colours[0])
    draw = ImageDraw.Draw(image)
    (r1, g1, b1), (r2, g2, b2) = colours
    for x in range(width):
        t = x / (width - 1)
        draw.line(
            [(x, 0), (x, height)],
            fill=(round(r1 + (r2 - r1) * t), round(g1 + (g2 - g1) * t), round(b1 + (b2 - b1) * t)),
        )
    draw.text((80, height / 2), title, fill="white", font=_font(72), anchor="lm")
    return _encode(image, "JPEG", quality=85)


def _encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
