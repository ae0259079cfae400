"""The fake push service the delivery tests send to: one per module, on a free loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.push_service import FakePushService
from tests.helpers import headers_for


@pytest.fixture(scope="module")
async def push_service(client) -> AsyncIterator[FakePushService]:
    # The key the browsers subscribe with comes from the API, as in the app.
    answer = await client.get(
        "/api/push/vapid-public-key", headers=await headers_for(client, "fieldworker")
    )
    assert answer.status_code == 200, answer.text
    service = FakePushService(application_server_key=answer.json()["public_key"])
    await service.start()
    yield service
    await service.stop()
