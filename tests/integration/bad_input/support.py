"""What the bad-input tests share: the problem check, what is stored, hostile files, raw HTTP.

The live server (conftest.py) is the real `keukentafel serve` on this session's database; the
raw-socket helpers talk to it byte by byte, so a test decides what is sent and what is not.
"""

from __future__ import annotations

import functools
import http.client
import socket
import struct
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.lib.errors import catalogue

PROBLEM_TYPE = "application/problem+json"


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """A problem+json with this status and a code from the catalogue; never a 500."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_TYPE), response.headers
    problem: dict[str, Any] = response.json()
    assert (problem["status"], problem["code"]) == (status, code), problem
    assert code in catalogue(), f"{code} is not in api/lib/errors.py"
    assert problem["detail"], problem
    return problem


# What is stored ------------------------------------------------------------------------------
async def visit_stored(visit_id: uuid.UUID) -> bool:
    from api.visits.tables import Visit

    return bool(await Visit.exists().where(Visit.id == visit_id).run(in_pool=False))


async def attachment_row(visit_id: uuid.UUID, name: str) -> dict[str, Any] | None:
    from api.visits.tables import VisitAttachment

    row: dict[str, Any] | None = (
        await VisitAttachment.select(
            VisitAttachment.received_at, VisitAttachment.content, VisitAttachment.width
        )
        .where((VisitAttachment.visit == visit_id) & (VisitAttachment.name == name))
        .first()
        .run(in_pool=False)
    )
    return row


async def assert_attachment_not_received(visit_id: uuid.UUID, name: str) -> None:
    row = await attachment_row(visit_id, name)
    assert row is not None, f"{name} should still be declared"
    assert (row["received_at"], row["content"], row["width"]) == (None, None, None), name


async def attachment_names(visit_id: uuid.UUID) -> set[str]:
    from api.visits.tables import VisitAttachment

    rows = await (
        VisitAttachment.select(VisitAttachment.name)
        .where(VisitAttachment.visit == visit_id)
        .run(in_pool=False)
    )
    return {row["name"] for row in rows}


async def row_counts() -> dict[str, int]:
    """Rows in every table: a refusal decided before any rule ran changes none of them."""
    from piccolo.conf.apps import Finder

    return {
        table._meta.tablename: await table.count().run(in_pool=False)
        for table in Finder().get_table_classes()
    }


# Hostile content -----------------------------------------------------------------------------
def deep_json(depth: int, kind: str = "array") -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@functools.cache
def gzip_bomb(inflated: int = 64 * 1024 * 1024) -> bytes:
    """A gzip member of `inflated` zeros in about a thousandth of that (see zero_rows_zlib)."""
    block = bytes(1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    unit = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated // len(block)):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no time
    trailer = struct.pack("<II", crc, inflated & 0xFFFFFFFF)
    return header + unit * (inflated // len(block)) + packer.flush() + trailer


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def zero_rows_zlib(row_bytes: int, rows: int) -> bytes:
    """A zlib stream of `rows` x `row_bytes` zero bytes, made in milliseconds: about 1 MiB of
    rows is compressed once and its bytes repeated (a full flush resets the compressor, so the
    same input packs to the same bytes every time); Adler-32 of n zeros is (n << 16) | 1."""
    per_unit = max(1, (1 << 20) // row_bytes)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate, framed below
    unit = packer.compress(bytes(row_bytes * per_unit)) + packer.flush(zlib.Z_FULL_FLUSH)
    units, rest = divmod(rows, per_unit)
    tail = packer.compress(bytes(row_bytes * rest)) + packer.flush()
    checksum = (((row_bytes * rows) % 65521) << 16) | 1
    return b"\x78\xda" + unit * units + tail + checksum.to_bytes(4, "big")


def png_declaring(width: int, height: int, rows: int | None = None, mode: str = "RGBA") -> bytes:
    """A well-formed PNG of width x height with `rows` rows of zeros as its data (all of them
    when None): a small file that takes width x height pixels, and memory, when decoded."""
    colour_type, channels = {"L": (0, 1), "RGB": (2, 3), "RGBA": (6, 4)}[mode]
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    # Each row: filter byte 0, then black (or transparent) pixels.
    data = zero_rows_zlib(1 + width * channels, height if rows is None else rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>fetch("/api/me")</script><rect width="10" height="10"/></svg>'
)
HTML = b"<!doctype html><html><body><img src=x onerror=alert(document.cookie)></body></html>"


# Raw HTTP ------------------------------------------------------------------------------------
@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    # The server closed the connection after answering (it did not wait for the rest).
    closed: bool

    def json(self) -> Any:
        import json

        return json.loads(self.body)


def raw_exchange(port: int, head: bytes, parts: list[bytes], timeout: float = 5) -> RawAnswer:
    """Send the head and the parts as given (nothing more), then read the answer; a server that
    waited for the rest of the body would run into `timeout` (socket.timeout, a failure).
    `closed` says whether the server hung up after answering (looked at for a second)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # One write: nothing arrives after the server has answered and hung up (a reset then
        # could cost the answer before it is read).
        sock.sendall(head + b"".join(parts))
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
        headers = {key.lower(): value for key, value in response.getheaders()}
        sock.settimeout(1)
        try:
            closed = sock.recv(1) == b""
        except ConnectionResetError:  # hung up on bytes it never read: closed all the same
            closed = True
        except TimeoutError:
            closed = False
        return RawAnswer(response.status, headers, body, closed)


def request_head(method: str, target: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"{method} {target} HTTP/1.1",
        "Host: 127.0.0.1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# The server's memory (Linux /proc) -----------------------------------------------------------
def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak_rss(pid: int) -> int:
    """Set the process's peak resident size (VmHWM) back to what it uses now; that, in KiB."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _status_kib(pid, "VmHWM")


def peak_rss_kib(pid: int) -> int:
    return _status_kib(pid, "VmHWM")
