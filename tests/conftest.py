"""Test set-up: a fresh database per run on the chosen backend, migrated by the real command.

KEUKENTAFEL_TEST_BACKEND=sqlite (default) uses a temporary SQLite file;
KEUKENTAFEL_TEST_BACKEND=postgres creates a throwaway database on the server named by
KEUKENTAFEL_TEST_POSTGRES_URL and drops it afterwards. Environment is set here, before any
`api` module is imported, because the Piccolo engine is made at import.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

BACKEND = os.environ.get("KEUKENTAFEL_TEST_BACKEND", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get(
    "KEUKENTAFEL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
DEMO_PASSWORD = "demo-password-for-tests"
REPO = Path(__file__).resolve().parent.parent

_tmp = tempfile.mkdtemp(prefix="keukentafel-test-")
os.environ.update(
    {
        "KEUKENTAFEL_VAR_DIR": _tmp,
        "KEUKENTAFEL_ENV": "test",
        "KEUKENTAFEL_DEMO_PASSWORD": DEMO_PASSWORD,
        "KEUKENTAFEL_PWA_DIST": str(Path(_tmp) / "no-pwa"),
        "PICCOLO_CONF": "api.piccolo_conf",
        # Tests drain the outbox themselves (`run_due`), so what a job did is known when asserted.
        "KEUKENTAFEL_EMBEDDED_WORKER": "0",
        # The fake push service (tests/fakes/push_service.py) listens on http://127.0.0.1.
        "KEUKENTAFEL_PUSH_ALLOW_LOOPBACK": "1",
    }
)
os.environ.pop("DATABASE_URL", None)
_pg_database: str | None = None


def _pg_url(database: str) -> str:
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


if BACKEND == "postgres":
    _pg_database = f"keukentafel_test_{uuid.uuid4().hex[:10]}"
    # A failure here is an error, never a skip: CI must know the PostgreSQL run happened.
    asyncio.run(_pg_admin(f'CREATE DATABASE "{_pg_database}"'))
    os.environ["DATABASE_URL"] = _pg_url(_pg_database)
elif BACKEND != "sqlite":
    raise RuntimeError(f"unknown KEUKENTAFEL_TEST_BACKEND {BACKEND!r}")


def pytest_report_header() -> str:
    return f"keukentafel database backend: {BACKEND}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _pg_database:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{_pg_database}" WITH (FORCE)'))
    shutil.rmtree(_tmp, ignore_errors=True)


def keukentafel(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as `make run` does."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def prepared_database() -> None:
    # The order of scripts/prepare-data.sh: the development seals need the organisations.
    for command in (["migrate"], ["seed-demo"], ["keys"]):
        result = keukentafel(*command)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
async def client(prepared_database: None) -> AsyncIterator[object]:
    from litestar.testing import AsyncTestClient

    from api.app import create_app

    async with AsyncTestClient(app=create_app()) as test_client:
        yield test_client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Everything under tests/integration talks to the database and runs on both backends.
    for item in items:
        if "integration" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.database)
