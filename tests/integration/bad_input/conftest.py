"""A live server for the tests that must see the wire: `keukentafel serve` (uvicorn) on a free
port, on this session's database (SQLite file or PostgreSQL test database) and keys, so a token
from the in-process `client` works there too."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.helpers import headers_for
from tests.integration.cases.test_cases import create_case


@dataclass
class LiveServer:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="package")
def live_server(
    prepared_database: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("bad-input-server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(port, process, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"the server stopped:\n{server.log_text()}"
            try:
                if httpx.get(f"{server.url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"no answer in 30 s:\n{server.log_text()}"
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
async def worker(client: object) -> dict[str, str]:
    """One login for the package: a login costs more than most refusals (password hashing)."""
    return await headers_for(client, "fieldworker")


@pytest.fixture(scope="package")
async def case_id(client: object, worker: dict[str, str]) -> uuid.UUID:
    """The fieldworker's case the visits here belong to."""
    created, _ = await create_case(client, worker)
    return created


@pytest.fixture
def app_log() -> Iterator[list[logging.LogRecord]]:
    """Every record the app's loggers write during the test, whatever their propagation."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("", "keukentafel", "litestar")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def log_text(records: list[logging.LogRecord]) -> str:
    import traceback

    lines = []
    for record in records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.extend(traceback.format_exception(*record.exc_info))
    return "\n".join(lines)
