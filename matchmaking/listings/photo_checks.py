"""What an uploaded photo must be before it is kept, and what is kept of it (issue #16).

A farmer photographs the problem (rotting kiwis, a broken sorting line) rather than describing
it. The browser shrinks each photo to at most 200 KB before sending (static/js/photos.js); the
server trusts none of that and judges what arrives by its content:

- at most UPLOAD_MAX_BYTES, like every upload;
- not also something else: no web page, script, archive or PDF hidden in it (a polyglot);
- a JPEG, PNG or WebP picture by its bytes, whatever its name says, as Pillow identifies it;
- at most MAX_SIDE pixels a side and MAX_PIXELS in all, read from the header *before* any
  pixel is decoded, so a small file declaring 30000 × 30000 pixels (a decompression bomb) is
  refused without the memory it asks for. A JPEG may be larger (a 24 MP camera photo sent
  without JavaScript) because it is decoded at 1/2, 1/4 or 1/8 of its size straight away
  (a progressive one still holds its coefficients, ~3 bytes a pixel, while it is decoded);
  PNG and WebP are decoded whole, so their cap is lower;
- decoded whole (a truncated or corrupt file is refused), turned upright by its EXIF
  orientation, then drawn onto a new image and re-encoded as JPEG: no EXIF (GPS position,
  phone model, time), XMP or other metadata of the original is kept. The stored photo is at
  most STORED_SIDE a side and STORED_MAX_BYTES; its thumbnail THUMB_SIDE.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_SIDE = 8192
# Pixels at most: a JPEG of 25 MP is decoded at 1/4 (~1.6 MP), though a progressive one holds
# ~75 MB of coefficients meanwhile; a PNG or WebP of 16.8 MP takes ~67 MB as RGBA.
MAX_PIXELS = {"JPEG": 25_000_000, "PNG": 4096 * 4096, "WEBP": 4096 * 4096}
STORED_SIDE = 1280
STORED_MAX_BYTES = 200_000
THUMB_SIDE = 320
QUALITIES = (82, 74, 66, 58, 50, 42)
CHUNK = 64 * 1024
# What makes a picture also a web page, a script or a server page when something sniffs it.
# Markers long enough that compressed pixels do not hold one by chance (a 10 MB photo of noise
# has about a one in 50,000 chance of any of them).
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta)[\s/>]|<\?php|javascript:",
    re.I,
)


@dataclass(frozen=True)
class Photo:
    """A photo as kept: JPEG bytes without metadata, and its thumbnail."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _named(upload, message: str) -> str:
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:60]
    return f"“{name}”: {message}" if name else message


def check_photo(upload) -> Photo:
    """The photo to keep from an upload; a ValidationError saying what is wrong otherwise."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _named(
                upload,
                _("the photo is %(size)s; at most %(limit)s is accepted.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            ),
            code="too_large",
        )
    not_a_photo = ValidationError(
        _named(upload, _("this is not a photo. Send a JPEG, PNG or WebP picture.")),
        code="not_image",
    )
    _check_nothing_hidden(upload)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(upload, None, 0) from error
    except Exception as error:  # Pillow raises many kinds on what is not a picture
        raise not_a_photo from error
    with image:
        width, height = image.size
        cap = MAX_PIXELS[image.format]
        if width > MAX_SIDE or height > MAX_SIDE or width * height > cap:
            raise _too_many_pixels(upload, (width, height), cap)
        try:
            return _reencode(image)
        except Exception as error:  # truncated, corrupt or odd data inside a valid header
            raise ValidationError(
                _named(upload, _("this picture is damaged or incomplete. Send it again.")),
                code="damaged",
            ) from error
        finally:
            upload.seek(0)


def _too_many_pixels(upload, size, cap: int) -> ValidationError:
    message = _("the picture is too large: at most %(side)s pixels a side are accepted.") % {
        "side": MAX_SIDE
    }
    if size:
        message = _(
            "the picture is %(width)s × %(height)s pixels; at most %(side)s pixels a side "
            "(%(megapixels)s million pixels) are accepted."
        ) % {
            "width": size[0],
            "height": size[1],
            "side": MAX_SIDE,
            "megapixels": f"{cap / 1e6:.1f}",
        }
    return ValidationError(_named(upload, message), code="too_many_pixels")


def _check_nothing_hidden(upload) -> None:
    """Refuse a polyglot: a picture that is also a web page or script (markup anywhere in its
    bytes), an archive (a zip's directory, as a JAR or DOCX has) or a PDF (its header in the
    first KB, where readers look). Read in chunks, with an overlap for a marker cut in two."""
    hidden = ValidationError(
        _named(
            upload,
            _(
                "this file holds something else besides a picture (a web page, a script or "
                "an archive). Send the photo itself."
            ),
        ),
        code="polyglot",
    )
    upload.seek(0)
    tail = b""
    first = True
    while chunk := upload.read(CHUNK):
        data = tail + chunk
        if (first and b"%PDF-" in data[:1024]) or _MARKUP.search(data):
            raise hidden
        first = False
        tail = data[-32:]
    upload.seek(0)
    try:
        archive = zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)
    if archive:
        raise hidden


def _load_whole(image: Image.Image) -> None:
    """Decode every pixel, so that a cut or corrupt file raises. Some libraries switch Pillow's
    LOAD_TRUNCATED_IMAGES on for the whole process when they are imported (WeasyPrint does,
    for the monthly report's PDF), which would pad a cut photo with grey and keep it."""
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _reencode(image: Image.Image) -> Photo:
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 of the size straight away when the photo is far larger
        # than what is kept: less memory and time for a 12 MP photo.
        image.draft("RGB", (STORED_SIDE, STORED_SIDE))
    _load_whole(image)
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode.startswith("I"):  # 16- or 32-bit grey
        flat = image.point(lambda value: value / 256).convert("L").convert("RGB")
    else:
        flat = image.convert("RGB")
    flat.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    # A new image holds the pixels only: nothing of the original's info (EXIF, XMP, ICC,
    # comments) can follow it into the file written.
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)
    stored = _jpeg_within(clean, STORED_MAX_BYTES)
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Photo(
        image=stored[0],
        thumbnail=_encode(thumb, 72),
        width=stored[1][0],
        height=stored[1][1],
    )


def _encode(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _jpeg_within(image: Image.Image, budget: int) -> tuple[bytes, tuple[int, int]]:
    """The image as JPEG of at most `budget` bytes: lower quality first, then smaller."""
    while True:
        for quality in QUALITIES:
            data = _encode(image, quality)
            if len(data) <= budget:
                return data, image.size
        width, height = image.size
        if max(width, height) <= 64:
            return data, image.size
        image = image.resize(
            (max(1, int(width * 0.8)), max(1, int(height * 0.8))), Image.Resampling.LANCZOS
        )
