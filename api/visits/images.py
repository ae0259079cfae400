"""Check attachment bytes by content and keep a cleaned copy: re-encoded, metadata stripped.

A file is judged by its magic bytes and its header before any pixel is decoded, so a PNG that
declares 50,000 x 50,000 pixels is refused without the memory to hold it, and so is a
decompression bomb: a small file that declares far more pixels than its size can honestly
describe (22 kB of zeros that decode to 23 million pixels, and three times that to re-encode).
EXIF (with the location), text chunks and ICC profiles are dropped; a photo is turned upright
first.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from api.lib.errors import BadImage, UnsupportedMediaType

MAX_SIDE = 6000
MAX_PIXELS = 24_000_000
# Up to this many pixels any file goes: a signature pad (600 x 200), a photo the tablet scaled
# down (1600 a side). Above it a file must carry a byte per MAX_PIXELS_PER_BYTE pixels: a real
# photo is 3 to 20 pixels a byte as JPEG, while zlib packs up to about 1,000 bytes into one.
FREE_PIXELS = 4_000_000
MAX_PIXELS_PER_BYTE = 64
# Refuse, do not merely warn, above our own limit (Pillow's default allows far more).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True, slots=True)
class CleanImage:
    content: bytes
    content_type: str
    width: int
    height: int


def clean(data: bytes, content_type: str) -> CleanImage:
    if content_type not in MAGIC:
        raise UnsupportedMediaType("Attachments are PNG or JPEG images.")
    if not data.startswith(MAGIC[content_type]):
        raise BadImage(f"The bytes are not a {FORMATS[content_type]} image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Reads the header only; Pillow itself refuses above twice MAX_PIXELS.
            image = Image.open(io.BytesIO(data), formats=[FORMATS[content_type]])
            _check_size(*image.size, len(data))
            image.load()
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise BadImage(_too_many_pixels()) from error
    except (OSError, ValueError, SyntaxError, EOFError, Warning) as error:
        # Truncated data, a broken chunk, a text chunk that inflates too far.
        raise BadImage("The image cannot be read.") from error
    return _reencode(image, content_type)


def _too_many_pixels() -> str:
    return f"The image declares more pixels than {MAX_SIDE} a side and {MAX_PIXELS:,} in all."


def _check_size(width: int, height: int, size: int) -> None:
    """Refuse from the header's dimensions, before any pixel is decoded."""
    pixels = width * height
    if width > MAX_SIDE or height > MAX_SIDE or pixels > MAX_PIXELS:
        raise BadImage(_too_many_pixels(), width=width, height=height)
    if pixels > FREE_PIXELS and pixels > MAX_PIXELS_PER_BYTE * size:
        raise BadImage(
            f"The image declares {pixels:,} pixels in {size:,} bytes, more than "
            f"{MAX_PIXELS_PER_BYTE} pixels a byte: a decompression bomb, not a photo.",
            width=width,
            height=height,
        )


def _reencode(image: Image.Image, content_type: str) -> CleanImage:
    out = io.BytesIO()
    if content_type == "image/png":
        # A signature keeps its transparent background.
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        fresh = _pixels_only(image.convert(mode))
        fresh.save(out, format="PNG", optimize=True)
    else:
        upright = ImageOps.exif_transpose(image) or image
        fresh = _pixels_only(upright.convert("RGB"))
        fresh.save(out, format="JPEG", quality=85, optimize=True)
    return CleanImage(out.getvalue(), content_type, fresh.width, fresh.height)


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image from the pixels alone: no EXIF, no text chunks, no ICC profile survive."""
    return Image.frombytes(image.mode, image.size, image.tobytes())
