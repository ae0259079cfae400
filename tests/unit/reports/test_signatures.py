"""A drawn signature is checked by content and size before it goes on a report, and cropped."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image, ImageDraw, ImageFile
from PIL.PngImagePlugin import PngInfo

from api.lib.errors import BadSignatureImage
from api.reports.signatures import MARGIN, MAX_BYTES, ink_box, normalise_signature
from tests.unit.reports.report_samples import photo_jpeg, signature_png


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=["PNG"])
    image.load()
    return image


def png_bytes(image: Image.Image, **save: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def declared_png(width: int, height: int) -> bytes:
    """An honest 1-bit PNG of a blank width x height canvas, compressed row by row.

    40,000 x 40,000 fits in a few hundred kilobytes but would take Pillow 1.6 GB to decode.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte, then white pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def test_a_signature_is_cropped_to_its_ink_with_a_transparent_margin():
    original = opened(signature_png())
    ink = ink_box(original.convert("RGBA"))
    assert ink is not None

    result = opened(normalise_signature(signature_png()))

    assert result.format == "PNG"
    assert result.mode == "RGBA"
    left, top, right, bottom = ink
    assert result.size == (right - left + 2 * MARGIN, bottom - top + 2 * MARGIN)
    assert result.width < original.width
    assert result.height < original.height
    for corner in [(0, 0), (result.width - 1, 0), (0, result.height - 1)]:
        assert result.getpixel(corner)[3] == 0
    # The ink itself is all still there.
    assert ink_box(result) == (MARGIN, MARGIN, result.width - MARGIN, result.height - MARGIN)


def test_ink_at_the_edge_is_not_cut_off():
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(0, 0), (120, 40)], fill=(0, 0, 0, 255), width=3)

    result = opened(normalise_signature(png_bytes(image)))

    assert ink_box(result) is not None
    assert result.getpixel((0, 0))[3] == 255


def test_a_signature_on_a_white_canvas_without_alpha_is_cropped_to_the_dark_strokes():
    data = signature_png(mode="RGB")

    result = opened(normalise_signature(data))

    assert result.mode == "RGBA"
    assert result.width < opened(data).width


def test_metadata_in_the_upload_does_not_survive():
    info = PngInfo()
    info.add_text("Comment", "drawn at Lindenlaan 12")
    image = opened(signature_png())

    result = opened(normalise_signature(png_bytes(image, pnginfo=info)))

    assert "Comment" not in result.info


@pytest.mark.parametrize(
    "data",
    [
        photo_jpeg((300, 100)),
        b"Noor Voorbeeld",
        b"<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0 L10 10'/></svg>",
        b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"",
    ],
    ids=["jpeg", "text", "svg", "html", "gif", "empty"],
)
def test_anything_but_a_png_is_refused(data):
    with pytest.raises(BadSignatureImage, match="not a PNG"):
        normalise_signature(data)


def test_png_magic_in_front_of_something_else_is_refused():
    with pytest.raises(BadSignatureImage, match="cannot be read"):
        normalise_signature(b"\x89PNG\r\n\x1a\n<svg xmlns='http://www.w3.org/2000/svg'/>")


def test_a_truncated_png_is_refused():
    data = signature_png()

    with pytest.raises(BadSignatureImage, match="cannot be read"):
        normalise_signature(data[: len(data) // 2])


def test_a_signature_without_any_ink_is_refused():
    transparent = png_bytes(Image.new("RGBA", (600, 200), (0, 0, 0, 0)))
    white = png_bytes(Image.new("RGB", (600, 200), (255, 255, 255)))

    for data in (transparent, white):
        with pytest.raises(BadSignatureImage, match="no ink") as refused:
            normalise_signature(data)
        assert refused.value.code == "bad_signature_image"


def test_a_signature_too_wide_or_with_too_many_pixels_is_refused():
    too_wide = png_bytes(Image.new("L", (5000, 800), 255))
    too_many = png_bytes(Image.new("L", (3000, 3000), 255))

    for data in (too_wide, too_many):
        with pytest.raises(BadSignatureImage, match="at most 4000 pixels a side") as refused:
            normalise_signature(data)
        assert refused.value.extra["width"] in (5000, 3000)


def test_a_signature_file_over_the_byte_limit_is_refused():
    noise = Image.frombytes("L", (1500, 1500), os.urandom(1500 * 1500))
    data = png_bytes(noise)
    assert len(data) > MAX_BYTES

    with pytest.raises(BadSignatureImage, match="larger than 2 MB"):
        normalise_signature(data)


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(monkeypatch):
    bomb = declared_png(40_000, 40_000)
    assert len(bomb) < MAX_BYTES  # small enough to pass the byte limit
    decoded = []
    original_load = ImageFile.ImageFile.load

    def spy_load(self):
        decoded.append(self.size)
        return original_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)

    with pytest.raises(BadSignatureImage, match="pixels"):
        normalise_signature(bomb)
    assert decoded == []

    # The same spy sees an ordinary signature being decoded, so the check above can fail.
    normalise_signature(signature_png())
    assert decoded
