"""The fake push service the retention tests deliver to (so a case has push deliveries too), and
on PostgreSQL the application's role as scripts/postgres-roles.sql makes it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.conftest import REPO
from tests.fakes.push_service import FakePushService
from tests.helpers import headers_for
from tests.integration.audit.test_postgres_roles import psql


@pytest.fixture(scope="module")
async def push_service(client) -> AsyncIterator[FakePushService]:
    answer = await client.get(
        "/api/push/vapid-public-key", headers=await headers_for(client, "fieldworker")
    )
    assert answer.status_code == 200, answer.text
    service = FakePushService(application_server_key=answer.json()["public_key"])
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def app_role(prepared_database) -> AsyncIterator[str]:
    import asyncpg

    role = f"keukentafel_app_test_{uuid.uuid4().hex[:8]}"
    made = psql("-v", f"app_role={role}", "-f", str(REPO / "scripts" / "postgres-roles.sql"))
    assert made.returncode == 0, made.stderr
    try:
        yield role
    finally:
        owner = await asyncpg.connect(os.environ["DATABASE_URL"])
        try:
            await owner.execute(f'DROP OWNED BY "{role}"')
            await owner.execute(f'DROP ROLE "{role}"')
        finally:
            await owner.close()
