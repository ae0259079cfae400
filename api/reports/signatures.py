"""Check a drawn signature PNG and normalise it for the report: cropped to the ink, RGBA, clean.

The file is judged by content (magic bytes, then Pillow reading it as PNG and nothing else) and
its size is read from the header before any pixel is decoded, so a small file that declares a
huge canvas (a decompression bomb) is refused without the memory it asks for. What comes out is
a fresh RGBA PNG: the ink with a small margin, the transparent background kept, no metadata.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageChops

from api.lib.errors import BadSignatureImage

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
# A signature pad is wide and low; a full 4000 x 4000 canvas is not a signature.
MAX_PIXELS = 8_000_000
# Transparent margin kept around the ink, so strokes are not clipped at the edge.
MARGIN = 8
# A pixel is ink when it is at least this opaque ...
INK_MIN_ALPHA = 24
# ... and darker than this (0-255 luminance): a white canvas background is not ink.
INK_MAX_LUMINANCE = 235


def normalise_signature(data: bytes) -> bytes:
    """The signature as a fresh RGBA PNG cropped to its ink; BadSignatureImage if unusable."""
    image = _open_checked(data)
    rgba = image.convert("RGBA")
    box = ink_box(rgba)
    if box is None:
        raise BadSignatureImage("The signature has no ink on it.")
    left, top, right, bottom = box
    cropped = rgba.crop(
        (
            max(0, left - MARGIN),
            max(0, top - MARGIN),
            min(rgba.width, right + MARGIN),
            min(rgba.height, bottom + MARGIN),
        )
    )
    # Built from the pixels alone, so no text chunk, ICC profile or EXIF survives.
    fresh = Image.frombytes("RGBA", cropped.size, cropped.tobytes())
    out = io.BytesIO()
    fresh.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ink_box(rgba: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of pixels that are both opaque enough and dark enough, or None.

    Both conditions, so that one rule serves a pad that exports a transparent background and
    one that fills it white (or has no alpha channel at all).
    """
    opaque = rgba.getchannel("A").point(lambda alpha: 255 if alpha >= INK_MIN_ALPHA else 0)
    dark = rgba.convert("L").point(lambda value: 255 if value <= INK_MAX_LUMINANCE else 0)
    return ImageChops.multiply(opaque, dark).getbbox()


def _open_checked(data: bytes) -> Image.Image:
    if len(data) > MAX_BYTES:
        raise BadSignatureImage(
            f"The signature is larger than {MAX_BYTES // (1024 * 1024)} MB.",
            size=len(data),
            max_size=MAX_BYTES,
        )
    if not data.startswith(PNG_MAGIC):
        raise BadSignatureImage("The signature is not a PNG image.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice that; a warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG"])
            _check_size(*image.size)
            image.load()
    except BadSignatureImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise BadSignatureImage("The signature declares too many pixels.") from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # Truncated data, a broken chunk, or a text chunk that inflates too far.
        raise BadSignatureImage("The signature PNG cannot be read.") from error
    return image


def _check_size(width: int, height: int) -> None:
    """Refuse from the header's dimensions, before the pixels are decoded."""
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise BadSignatureImage(
            f"The signature may be at most {MAX_SIDE} pixels a side "
            f"and {MAX_PIXELS:,} pixels in all.",
            width=width,
            height=height,
        )
