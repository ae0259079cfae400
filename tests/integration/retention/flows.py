"""A case with something in every table that can hold case data, made through the real API and
the worker's jobs (pushes go to the fake push service), and the steps retention tests share:
closing, backdating, running the daily job, reading every table."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.push_service import FakePushService
from tests.helpers import demo_user_id, headers_for, in_app
from tests.integration.cases.test_cases import case_body, create_case
from tests.integration.followups.test_followups import action, canary_answers, hand_over
from tests.integration.reports.flows import review, run_jobs, submitted_visit

SIX_YEARS = dt.timedelta(days=6 * 365)


@dataclass
class SeededCase:
    case_id: uuid.UUID
    canary: str
    headers: dict[str, str]
    visit_ids: list[uuid.UUID] = field(default_factory=list)
    followup_ids: list[uuid.UUID] = field(default_factory=list)
    notification_ids: list[uuid.UUID] = field(default_factory=list)

    def ids(self) -> list[str]:
        return [
            str(i)
            for i in (self.case_id, *self.visit_ids, *self.followup_ids, *self.notification_ids)
        ]


def _body(canary: str, **overrides: Any) -> dict[str, Any]:
    body = case_body(**overrides)
    body["address"]["street"] = f"Kanariestraat {canary}"
    body["members"][0]["name"] = f"Kees {canary}"
    return body


async def _put_case(client, headers, case_id, body, expected=200) -> dict:
    response = await client.put(f"/api/cases/{case_id}", headers=headers, json=body)
    assert response.status_code == expected, response.text
    return response.json()


async def small_case(client, canary: str, closed: bool) -> SeededCase:
    """A case with a submitted visit and a consent note: enough to see that it is untouched."""
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker, **_body(canary))
    await _consent(client, worker, case_id, canary)
    visit_id, _ = await submitted_visit(client, worker, case_id=case_id)
    if closed:
        await _put_case(
            client, worker, case_id, _body(canary, base_version=1, process_step="closed")
        )
    return SeededCase(case_id, canary, worker, [visit_id])


async def _consent(client, headers, case_id, canary: str) -> None:
    response = await client.put(
        f"/api/cases/{case_id}/consent",
        headers=headers,
        json={
            "decisions": [
                {"category": "debts", "recipient_kind": "debt_counselling", "decision": "given"}
            ],
            "source": "phone",
            "note": f"Gebeld {canary}",
        },
    )
    assert response.status_code == 200, response.text


async def full_case(client, canary: str, push_service: FakePushService) -> SeededCase:
    """A closed case with rows in every table that can hold case data."""
    worker = await headers_for(client, "fieldworker")
    # The worker's tablet takes pushes: the approval below is delivered (push_delivery).
    browser = push_service.subscribe()
    subscribed = await client.post(
        "/api/push/subscriptions", headers=worker, json=browser.subscription_json()
    )
    assert subscribed.status_code == 201, subscribed.text
    supervisor = await headers_for(client, "supervisor")
    ggd = await headers_for(client, "ggd")
    case_id, _ = await create_case(client, worker, **_body(canary))
    seeded = SeededCase(case_id, canary, worker)
    # case_event with a note; then a stale edit kept as a case_conflict.
    await _put_case(
        client,
        worker,
        case_id,
        _body(canary, base_version=1, process_step="contact_attempts", step_note=canary),
    )
    stale = _body(canary, base_version=1, process_step="plan", step_note=f"oud {canary}")
    await _put_case(client, worker, case_id, stale, expected=409)
    await _consent(client, worker, case_id, canary)
    # A kitchen-table visit with signatures (visit_attachment) and canaries in its answers.
    answers = canary_answers()
    answers["housing_notes"] = f"Netjes. {canary}"
    visit_id, _ = await submitted_visit(client, worker, case_id=case_id, answers=answers)
    seeded.visit_ids.append(visit_id)
    approved = await review(client, supervisor, visit_id, "approve")
    assert approved.status_code == 200, approved.text
    # A follow-up for the GGD, claimed and worked on (followup_action), told by notification.
    followup_id, _ = await hand_over(client, worker, case_id, visit_id, "ggd", need=canary)
    seeded.followup_ids.append(uuid.UUID(followup_id))
    for name in ("claim", "progress"):
        done = await action(client, ggd, followup_id, name, text=f"{name} {canary}")
        assert done.status_code == 200, done.text
    # Reports rendered and sealed (visit_report), pushes tried (job).
    await run_jobs(client)
    seeded.notification_ids = await _notifications(seeded)
    assert seeded.notification_ids, "the visit and the follow-up told nobody"
    assert push_service.messages(browser), "the approval was not pushed"
    # Closed.
    case = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    await _put_case(
        client,
        worker,
        case_id,
        _body(canary, base_version=case["version"], process_step="closed", step_note=canary),
    )
    return seeded


async def _notifications(seeded: SeededCase) -> list[uuid.UUID]:
    from api.notifications.tables import Notification

    about = [seeded.case_id, *seeded.visit_ids, *seeded.followup_ids]
    rows = await (
        Notification.select(Notification.id)
        .where(Notification.object_id.is_in(about))
        .run(in_pool=False)
    )
    return [row["id"] for row in rows]


async def backdate(case_id: uuid.UUID, by: dt.timedelta = SIX_YEARS) -> None:
    """As if the case was made and closed `by` ago: its creation and its timeline."""
    from api.cases.tables import CaseEvent, HouseholdCase

    await (
        HouseholdCase.update({HouseholdCase.created_at: HouseholdCase.created_at - by})
        .where(HouseholdCase.id == case_id)
        .run(in_pool=False)
    )
    await (
        CaseEvent.update({CaseEvent.at: CaseEvent.at - by})
        .where(CaseEvent.household_case == case_id)
        .run(in_pool=False)
    )


async def retention(client, dry_run: bool = False) -> Any:
    """The worker's daily run, in the app's loop."""
    from api.lib.db import now
    from api.retention.jobs import run_retention

    return await in_app(client, run_retention, now, dry_run)


def registry_tables() -> list[Any]:
    from api.piccolo_conf import APP_REGISTRY

    return [table for app in APP_REGISTRY.app_configs.values() for table in app.table_classes]


async def every_row() -> dict[str, list[str]]:
    """Every row of every table, as text (bytes included), by table name."""
    return {
        table._meta.tablename: [repr(row) for row in await table.select().run(in_pool=False)]
        for table in registry_tables()
    }


def mentioning(rows: dict[str, list[str]], needles: list[str]) -> dict[str, list[str]]:
    return {
        name: [row for row in texts if any(needle in row for needle in needles)]
        for name, texts in rows.items()
        if any(needle in row for row in texts for needle in needles)
    }


def user(username: str) -> uuid.UUID:
    return demo_user_id(username)
