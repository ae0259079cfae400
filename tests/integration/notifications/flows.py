"""Steps the notification tests share: a person with tablets, alerts, the worker's push jobs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.fakes.push_service import Browser, FakePushService
from tests.helpers import bearer, headers_for, in_app, login, new_user


@dataclass
class Person:
    id: uuid.UUID
    username: str
    display_name: str
    password: str
    headers: dict[str, str]


async def new_person(client: Any, organisation: str = "thuisbasis") -> Person:
    """A throwaway field worker, so pushes and inboxes of one test never meet another's."""
    admin = await headers_for(client, "admin")
    user = await new_user(client, admin, organisation, ["field_worker"])
    tokens = await login(client, user["username"], user["password"])
    return Person(
        uuid.UUID(user["id"]),
        user["username"],
        user["display_name"],
        user["password"],
        bearer(tokens),
    )


async def another_tablet(client: Any, person: Person) -> dict[str, str]:
    """The same person logged in on a second device."""
    return bearer(await login(client, person.username, person.password))


async def subscribe(
    client: Any, headers: dict[str, str], service: FakePushService
) -> tuple[Browser, dict]:
    browser = service.subscribe()
    response = await client.post(
        "/api/push/subscriptions", headers=headers, json=browser.subscription_json()
    )
    assert response.status_code == 201, response.text
    return browser, response.json()


async def _notify_in_a_transaction(
    user_ids: list[uuid.UUID], kind: str, object_type: str, object_id: uuid.UUID
) -> None:
    from api.lib.db import write_transaction
    from api.notifications.services import notify

    async with write_transaction():
        await notify(user_ids, kind, object_type, object_id)


async def notify(
    client: Any,
    user_ids: list[uuid.UUID],
    kind: str = "followup_new",
    object_type: str = "followup",
    object_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """What a follow-up's change does: alert these users about an object; its id."""
    object_id = object_id or uuid.uuid4()
    await in_app(client, _notify_in_a_transaction, user_ids, kind, object_type, object_id)
    return object_id


async def run_jobs(client: Any, clock: Any = None) -> int:
    """What the worker does between requests: every due job, in the app's loop."""
    from api.jobs.worker import run_due
    from api.lib.db import now

    return int(await in_app(client, run_due, clock or now))


async def inbox(client: Any, headers: dict[str, str], query: str = "") -> list[dict]:
    response = await client.get(f"/api/notifications{query}", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


async def push_job(notification_id: str) -> dict:
    from api.jobs.tables import Job

    row = await (
        Job.select().where(Job.dedupe_key == f"push:{notification_id}").first().run(in_pool=False)
    )
    assert row is not None
    return row
