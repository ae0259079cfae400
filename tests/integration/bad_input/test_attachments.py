"""Attachment bytes and names the server refuses, storing nothing when it does.

Already in tests/integration/sync/test_visit_upload.py: an SVG sent as image/png (422
bad_image), other bytes than declared (409 attachment_conflict), an undeclared name (404
attachment_not_declared). Here: the other disguises, files that ask for far more memory than
their size (the server's own memory is measured), compressed uploads, names that look like
paths, and the per-visit limits.
"""

from __future__ import annotations

import hashlib
import io
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from PIL import Image

from api.visits.schemas import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_VISIT_ATTACHMENT_BYTES
from tests.helpers import example_answers, kitchen_table_files, png_bytes, visit_body
from tests.integration.bad_input.support import (
    HTML,
    SVG,
    assert_attachment_not_received,
    assert_problem,
    attachment_names,
    gzip_bomb,
    peak_rss_kib,
    png_declaring,
    raw_exchange,
    request_head,
    reset_peak_rss,
    visit_stored,
)

SIGNATURE = "signature_resident.png"


def jpeg_bytes(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def content_type_of(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"


def kitchen_table_v2(case_id: uuid.UUID, photos: dict[str, bytes]) -> dict[str, Any]:
    """Version 2 of the kitchen-table form takes photos (`debt_letters`) beside the signatures;
    every file is declared with the SHA-256 and size of exactly these bytes."""
    answers = {
        **example_answers("keukentafelgesprek"),
        "debt_letters": [{"attachment": name} for name in photos],
    }
    files = {**kitchen_table_files(), **photos}
    return {**visit_body(case_id, "keukentafelgesprek", answers, files), "form_version": 2}


async def visit_declaring(client, worker, case_id, photos: dict[str, bytes]) -> uuid.UUID:
    """A stored visit declaring these files, so an upload of exactly them gets past the
    declaration to the checks of their content."""
    visit_id = uuid.uuid4()
    response = await client.put(
        f"/api/visits/{visit_id}", headers=worker, json=kitchen_table_v2(case_id, photos)
    )
    assert response.status_code == 201, response.text
    return visit_id


def upload_url(visit_id: uuid.UUID, name: str) -> str:
    return f"/api/visits/{visit_id}/attachments/{name}"


async def upload(client, headers, visit_id, name, data, content_type=None, **more):
    return await client.put(
        upload_url(visit_id, name),
        headers={**headers, "content-type": content_type or content_type_of(name), **more},
        content=data,
    )


# Disguises -----------------------------------------------------------------------------------
# Declared under their name (.png is image/png, .jpg image/jpeg) and sent as declared.
DISGUISES = {
    "jpeg-as-png.png": jpeg_bytes(),
    "png-as-jpeg.jpg": png_bytes(),
    "svg-as-jpeg.jpg": SVG,
    "html-as-png.png": HTML,
    "html-as-jpeg.jpg": HTML,
    "gzip-bomb-as-png.png": gzip_bomb(),
    "gzip-bomb-behind-png-magic.png": b"\x89PNG\r\n\x1a\n" + gzip_bomb(),
    "png-magic-then-html.png": b"\x89PNG\r\n\x1a\n" + HTML,
    "jpeg-magic-then-svg.jpg": b"\xff\xd8\xff\xe0" + SVG,
    "truncated.png": png_bytes(60, 30)[:-30],
}


@pytest.fixture(scope="module")
async def disguised(client, worker, case_id) -> uuid.UUID:
    return await visit_declaring(client, worker, case_id, DISGUISES)


@pytest.mark.parametrize("name", DISGUISES)
async def test_bytes_that_are_not_the_declared_image_are_refused_and_not_stored(
    client, worker, disguised, name
):
    response = await upload(client, worker, disguised, name, DISGUISES[name])
    assert_problem(response, 422, "bad_image")
    await assert_attachment_not_received(disguised, name)


# 50,000 x 50,000 (2.5 GB of grey pixels) in 198 kB; its first 4,000 rows alone take 200 MB
# once decoding starts (Pillow without limits: peak RSS +197 MB).
HUGE_CANVAS = png_declaring(50_000, 50_000, rows=4_000, mode="L")
# 4,800 x 4,800 is within the side and pixel limits, but 23 million pixels in 22 kB: before
# the fix the server took it (201) and its peak RSS rose by 264 MB.
BOMB = png_declaring(4_800, 4_800, mode="L")
HOSTILE = {"svg.png": SVG, "gzip.png": gzip_bomb(), "canvas.png": HUGE_CANVAS, "bomb.png": BOMB}


@pytest.fixture(scope="module")
async def hostile(client, worker, case_id) -> uuid.UUID:
    return await visit_declaring(client, worker, case_id, HOSTILE)


async def test_an_image_sent_as_another_type_than_declared_is_refused(client, worker, hostile):
    for content_type in ("image/svg+xml", "text/html", "image/jpeg", "application/octet-stream"):
        response = await upload(client, worker, hostile, "svg.png", SVG, content_type)
        assert_problem(response, 415, "unsupported_media_type")
    await assert_attachment_not_received(hostile, "svg.png")


async def test_a_compressed_upload_is_refused_not_inflated(client, worker, hostile):
    response = await upload(
        client, worker, hostile, "gzip.png", gzip_bomb(), **{"content-encoding": "gzip"}
    )
    assert_problem(response, 415, "unsupported_content_encoding")
    assert response.headers["accept-encoding"] == "identity"
    await assert_attachment_not_received(hostile, "gzip.png")


# Files that ask for far more memory than their size ------------------------------------------
@contextmanager
def peak_growth(pid: int) -> Iterator[dict[str, int]]:
    """How far the process's peak resident memory (VmHWM) rose meanwhile, in KiB."""
    figures = {"before": reset_peak_rss(pid)}
    yield figures
    figures["peak"] = peak_rss_kib(pid)
    figures["growth"] = figures["peak"] - figures["before"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for memory")
@pytest.mark.parametrize("name", ["canvas.png", "bomb.png"])
async def test_a_png_that_asks_for_too_many_pixels_is_refused_from_its_header(
    worker, hostile, live_server, name
):
    """On the live server, whose own peak memory is measured around the upload."""
    async with httpx.AsyncClient(base_url=live_server.url, headers=worker, timeout=30) as http:
        await http.get("/api/health")  # the connection and the first request are behind us
        with peak_growth(live_server.pid) as memory:
            response = await http.put(
                upload_url(hostile, name),
                headers={"content-type": "image/png"},
                content=HOSTILE[name],
            )
    print(f"{name}: {len(HOSTILE[name]):,} bytes; server peak RSS {memory}")
    problem = assert_problem(response, 422, "bad_image")
    assert "pixels" in problem["detail"], problem
    # Refused from the header: the peak grows by a few MB at most (the request itself).
    assert memory["growth"] < 16 * 1024, memory
    await assert_attachment_not_received(hostile, name)
    assert "Traceback" not in live_server.log_text()


async def test_an_announced_upload_over_the_limit_is_refused_before_it_is_read(
    worker, hostile, live_server
):
    head = request_head(
        "PUT",
        upload_url(hostile, SIGNATURE),
        {**worker, "Content-Type": "image/png", "Content-Length": str(50 * 1024 * 1024)},
    )
    answer = raw_exchange(live_server.port, head, [png_bytes()[:100]], timeout=5)
    assert answer.status == 413, answer.body
    problem = answer.json()
    assert (problem["code"], problem["max_bytes"]) == ("body_too_large", MAX_ATTACHMENT_BYTES)
    assert answer.closed
    await assert_attachment_not_received(hostile, SIGNATURE)


# Names ---------------------------------------------------------------------------------------
PATH_TRICKS = {
    # as sent in the URL: (status, code). A `/` makes another route: the router's 404.
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd": (404, "not_found"),  # ../../etc/passwd
    "%2e%2e%2fsignature_resident.png": (404, "not_found"),
    "%2fetc%2fpasswd.png": (404, "not_found"),  # an absolute path
    "%7e%2f.ssh%2fid_rsa.png": (404, "not_found"),
    "..%5c..%5cwindows%5cwin.png": (400, "invalid_parameter"),  # backslashes
    "C:%5ctemp%5cx.png": (400, "invalid_parameter"),
    "%2e%2e": (400, "invalid_parameter"),
    "..png": (400, "invalid_parameter"),
    "signature_resident.png%00.jpg": (400, "invalid_parameter"),  # NUL
    "x%00.png": (400, "invalid_parameter"),
    "SIGNATURE_RESIDENT.PNG": (400, "invalid_parameter"),
    "signature_resident.png.exe": (400, "invalid_parameter"),
    "x" * 90 + ".png": (400, "invalid_parameter"),
}

_AUDIT: dict[str, list[tuple[str, str]] | None] = {"sink": None}
_WATCHED = ("open", "os.", "shutil.", "pathlib.")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    sink = _AUDIT["sink"]
    if sink is not None and event.startswith(_WATCHED):
        sink.append((event, repr(args)))


sys.addaudithook(_audit)  # for good (hooks cannot be removed); it records only when asked


@contextmanager
def filesystem_events() -> Iterator[list[tuple[str, str]]]:
    """Every file operation this process audits meanwhile (the app runs in it)."""
    seen: list[tuple[str, str]] = []
    _AUDIT["sink"] = seen
    try:
        yield seen
    finally:
        _AUDIT["sink"] = None


async def test_names_that_look_like_paths_are_refused_and_touch_no_file(client, worker, hostile):
    png = png_bytes(60, 30)
    with filesystem_events() as touched:
        for name, (status, code) in PATH_TRICKS.items():
            response = await upload(client, worker, hostile, name, png, "image/png")
            assert_problem(response, status, code)
    suspicious = [
        (event, args)
        for event, args in touched
        if any(part in args for part in ("passwd", "win", "temp", ".ssh", "..", "\\\\", "\\x00"))
    ]
    assert suspicious == [], suspicious
    assert await attachment_names(hostile) == {*kitchen_table_files(), *HOSTILE}
    for name in kitchen_table_files():
        await assert_attachment_not_received(hostile, name)


async def test_path_tricks_on_the_wire_are_refused(worker, hostile, live_server):
    """The same with nothing in between to tidy the URL: literal dot segments, raw escapes."""
    png = png_bytes(60, 30)
    base = f"/api/visits/{hostile}/attachments"
    targets = {
        f"{base}/../../../../etc/passwd": (404, "not_found"),
        f"{base}/..%2F..%2Fetc%2Fpasswd": (404, "not_found"),
        f"{base}/%2E%2E%5C%2E%2E%5Cboot.png": (400, "invalid_parameter"),
        f"{base}/a%00.png": (400, "invalid_parameter"),
    }
    for target, (status, code) in targets.items():
        headers = {**worker, "Content-Type": "image/png", "Content-Length": str(len(png))}
        head = request_head("PUT", target, {**headers, "Connection": "close"})
        answer = raw_exchange(live_server.port, head, [png])
        assert (answer.status, answer.json()["code"]) == (status, code), (target, answer.body)
    for name in kitchen_table_files():
        await assert_attachment_not_received(hostile, name)


# Per-visit limits ----------------------------------------------------------------------------
def declared(name: str, size: int) -> dict[str, Any]:
    return {
        "name": name,
        "sha256": hashlib.sha256(name.encode()).hexdigest(),
        "content_type": content_type_of(name),
        "size": size,
    }


async def test_declared_attachments_over_the_visit_quota_are_refused(client, worker, case_id):
    body = kitchen_table_v2(case_id, {f"letter-{n}.jpg": b"x" for n in range(1, 5)})
    # Six files of the largest size one may have: 48 MiB, over the 40 MiB of a visit.
    body["attachments"] = [declared(a["name"], MAX_ATTACHMENT_BYTES) for a in body["attachments"]]
    assert sum(a["size"] for a in body["attachments"]) > MAX_VISIT_ATTACHMENT_BYTES
    visit_id = uuid.uuid4()
    response = await client.put(f"/api/visits/{visit_id}", headers=worker, json=body)
    assert_problem(response, 413, "attachment_quota")
    assert not await visit_stored(visit_id)
    # The same visit within the quota is taken.
    body["attachments"] = [declared(a["name"], 1024) for a in body["attachments"]]
    response = await client.put(f"/api/visits/{visit_id}", headers=worker, json=body)
    assert response.status_code == 201, response.text


async def test_more_attachments_than_a_visit_may_declare_are_refused(client, worker, case_id):
    body = kitchen_table_v2(case_id, {})
    body["attachments"] = [declared(f"extra-{n}.png", 1) for n in range(MAX_ATTACHMENTS + 1)]
    visit_id = uuid.uuid4()
    response = await client.put(f"/api/visits/{visit_id}", headers=worker, json=body)
    problem = assert_problem(response, 400, "invalid_body")
    assert f"length <= {MAX_ATTACHMENTS}" in problem["detail"] + str(problem.get("errors"))
    assert not await visit_stored(visit_id)
