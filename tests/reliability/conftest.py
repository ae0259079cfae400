"""Deployments for the fault tests: real server processes on a database of their own."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import _pg_admin, _pg_url
from tests.reliability.processes import Deployment, PostgresCluster, postgres_binaries


def _without_postgres(reason: str) -> None:
    """CI (KEUKENTAFEL_REQUIRE_POSTGRES=1) fails; a laptop without PostgreSQL skips."""
    if os.environ.get("KEUKENTAFEL_REQUIRE_POSTGRES", "0") == "1":
        pytest.fail(reason)
    pytest.skip(reason)  # not in CI: scripts/test.sh requires PostgreSQL there


@pytest.fixture
def postgres_deployment() -> Iterator[Deployment]:
    """A fresh database on the shared PostgreSQL server, prepared as `make run` does."""
    database = f"keukentafel_rel_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{database}"'))
    except OSError as exc:
        _without_postgres(f"PostgreSQL not reachable: {exc}")
    deployment = Deployment(database_url=_pg_url(database), embedded_worker=False)
    try:
        deployment.prepare()
        yield deployment
    finally:
        deployment.destroy()
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture
def own_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of the test's own, which it may crash: never the shared server."""
    if postgres_binaries() is None:
        _without_postgres("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster = PostgresCluster()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()
