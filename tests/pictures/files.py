"""Generated picture files for the picture tests (nothing is downloaded)."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 22.0, 37.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (4.0, 53.0, 42.0),
}
CAMERA_MAKE = "SecretPhoneMaker"
CAMERA_SERIAL = "SN-0042-PRIVATE"


def two_tone(size, top=(220, 20, 20), bottom=(20, 20, 220)):
    """Top half one colour, bottom half another: shows which way is up."""
    width, height = size
    image = Image.new("RGB", size, bottom)
    image.paste(Image.new("RGB", (width, height // 2), top), (0, 0))
    return image


def photo(size=(1600, 1200)):
    """Something photo-like (a gradient with detail), so JPEG sizes are realistic."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    return Image.merge(
        "RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )


def phone_jpeg(image=None, orientation=1, quality=92):
    """A JPEG the way phones write them: GPS position, camera make and serial, a comment."""
    image = image or photo()
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = CAMERA_SERIAL
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=quality, comment=b"Taken at home")
    return buffer.getvalue()


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_with_text():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 1 Secret Lane")
    info.add_text("Author", "Jane Private")
    return encode(Image.new("RGB", (300, 200), (10, 120, 60)), "PNG", pnginfo=info)


def animated_gif(size=(120, 80)):
    frames = [Image.new("RGB", size, colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def transparent_logo(size=(300, 100)):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste(Image.new("RGBA", (size[0] // 2, size[1] // 2), (200, 0, 0, 255)), (10, 10))
    return encode(image, "PNG")


def png_claiming_size(width, height):
    """A tiny valid-looking PNG whose header claims the given dimensions (a bomb)."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    ihdr = 8 + 8  # signature, then length + type of the IHDR chunk
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13])) & 0xFFFFFFFF
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def upload(data, name="picture.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def open_image(storage, name):
    with storage.open(name, "rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


def all_files(storage, directory=""):
    """Every file name in a storage, found through the storage API only."""
    directories, files = storage.listdir(directory)
    names = {f"{directory}/{name}".lstrip("/") for name in files}
    for sub in directories:
        names |= all_files(storage, f"{directory}/{sub}".lstrip("/"))
    return names


def has_location_or_camera(data):
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return bool(
        exif.get_ifd(ExifTags.IFD.GPSInfo)
        or exif.get(ExifTags.Base.Make)
        or "exif" in image.info
        or CAMERA_MAKE.encode() in data
        or CAMERA_SERIAL.encode() in data
        or b"Taken at home" in data
        or b"Secret Lane" in data
    )
