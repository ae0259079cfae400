"""50 tablets x 40 visits against one API process on PostgreSQL, with every kind of repeat a
tablet's outbox makes: two sends at once, a late send, and responses lost after (or before) the
server's commit. Exactly one visit per id must be stored, and every answer to one id must
describe the same stored visit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid

import asyncpg
import pytest

from tests.reliability.devices import Tablet, kitchen_table_visit, receipt_view
from tests.reliability.processes import Deployment

pytestmark = pytest.mark.reliability

DEVICES = 50
VISITS_PER_DEVICE = 40
# How each visit is sent; every plan sends it at most three times.
PLANS = (
    "once",
    "twice_at_once",
    "late",
    "twice_at_once_then_late",
    "dropped_after_commit",
    "dropped_before_commit",
)


async def one_device(tablet: Tablet, plans: dict[uuid.UUID, str]) -> Tablet:
    rng = tablet.rng
    case_id = await tablet.open_case()
    late: list[tuple[uuid.UUID, dict]] = []
    for _ in range(VISITS_PER_DEVICE):
        visit_id = uuid.uuid4()
        body, _files = kitchen_table_visit(case_id)
        plan = rng.choice(PLANS)
        plans[visit_id] = plan
        path = f"/api/visits/{visit_id}"
        if plan.startswith("dropped_"):
            await tablet.dropped("PUT", path, json.dumps(body).encode(), plan.split("_")[1])
            await tablet.upload_visit(visit_id, body)
        elif plan.startswith("twice_at_once"):
            await asyncio.gather(
                tablet.upload_visit(visit_id, body), tablet.upload_visit(visit_id, body)
            )
        else:
            await tablet.upload_visit(visit_id, body)
        if plan.endswith("late"):
            late.append((visit_id, body))
    # The late copies: the outbox was restored from a backup, or a reload re-sent them.
    for visit_id, body in late:
        await tablet.upload_visit(visit_id, body)
    return tablet


async def stored_counts(database_url: str, visit_ids: list[uuid.UUID]) -> dict[str, int]:
    connection = await asyncpg.connect(database_url)
    try:
        visits = await connection.fetchval(
            "SELECT count(*) FROM visit WHERE id = ANY($1::uuid[])", visit_ids
        )
        all_visits = await connection.fetchval("SELECT count(*) FROM visit")
        declared = await connection.fetchval(
            "SELECT count(*) FROM visit_attachment WHERE visit = ANY($1::uuid[])", visit_ids
        )
        audited = await connection.fetch(
            "SELECT object_id, count(*) AS n FROM audit_event WHERE action = 'create' "
            "AND object_type = 'visit' AND outcome = 'allowed' GROUP BY object_id"
        )
        refused = await connection.fetchval(
            "SELECT count(*) FROM audit_event WHERE object_type = 'visit' AND outcome = 'refused'"
        )
    finally:
        await connection.close()
    wanted = {str(visit_id) for visit_id in visit_ids}
    per_visit = [row["n"] for row in audited if row["object_id"] in wanted]
    return {
        "visits": visits,
        "all_visits": all_visits,
        "declared_attachments": declared,
        "audited_visits": len(per_visit),
        "audited_twice": sum(1 for n in per_visit if n != 1),
        "refusals": refused,
    }


async def test_every_visit_is_stored_once_whatever_the_tablets_repeat(
    postgres_deployment: Deployment,
):
    deployment = postgres_deployment
    deployment.add_server()
    plans: dict[uuid.UUID, str] = {}
    async with contextlib.AsyncExitStack() as stack:
        # Each tablet's random plan is seeded by its number: a run can be repeated exactly.
        fleet = [
            await stack.enter_async_context(
                Tablet(f"load tablet {index}", deployment.url(), random.Random(index))
            )
            for index in range(DEVICES)
        ]
        tablets = await asyncio.gather(*(one_device(tablet, plans) for tablet in fleet))

    problems = [problem for tablet in tablets for problem in tablet.unexpected]
    assert problems == [], problems[:5]
    answers = {visit_id: got for tablet in tablets for visit_id, got in tablet.answers.items()}
    assert len(answers) == DEVICES * VISITS_PER_DEVICE
    for visit_id, got in answers.items():
        plan = plans[visit_id]
        views = [receipt_view(answer) for answer in got]
        assert all(view == views[0] for view in views), (plan, visit_id)
        assert views[0]["id"] == str(visit_id)
        created = [answer for answer in got if answer.body["outcome"] == "created"]
        # Where no response was lost, exactly one answer says "created" and the rest "duplicate";
        # the answer to a request reset after the commit is the "created" one, lost for good.
        if plan == "dropped_after_commit":
            assert created == [], (plan, visit_id)
        elif plan == "dropped_before_commit":
            assert len(created) <= 1, (plan, visit_id)
        else:
            assert len(created) == 1, (plan, visit_id, [a.body["outcome"] for a in got])
            assert created[0].status == 201
    assert {plan for plan in plans.values()} == set(PLANS)

    counts = await stored_counts(deployment.database_url, list(answers))
    assert counts["visits"] == DEVICES * VISITS_PER_DEVICE
    # Nothing else was stored: the demo's visits plus ours.
    demo_visits = counts["all_visits"] - counts["visits"]
    assert 0 <= demo_visits < 50
    assert counts["declared_attachments"] == 2 * DEVICES * VISITS_PER_DEVICE
    # One audited creation per visit: a repeat is answered from what is stored, not stored again.
    assert counts["audited_visits"] == DEVICES * VISITS_PER_DEVICE
    assert counts["audited_twice"] == 0
    assert counts["refusals"] == 0


async def test_tablets_sending_visits_for_one_household_at_once_never_wait_on_each_other(
    postgres_deployment: Deployment,
):
    # A visit's row and its consent rows hold the case's row for KEY SHARE (their foreign key
    # checks), and recording consent queues on that row. Two visits for one household at once
    # once deadlocked there: PostgreSQL broke it after a second with a 500, and the tablet sent
    # again. No answer may be a 5xx, so no tablet resends.
    deployment = postgres_deployment
    deployment.add_server()
    async with contextlib.AsyncExitStack() as stack:
        fleet = [
            await stack.enter_async_context(
                Tablet(f"household tablet {index}", deployment.url(), random.Random(index))
            )
            for index in range(10)
        ]
        case_id = await fleet[0].open_case()

        async def send(tablet: Tablet) -> list[uuid.UUID]:
            sent = [uuid.uuid4() for _ in range(10)]
            for visit_id in sent:
                await tablet.upload_visit(visit_id, kitchen_table_visit(case_id)[0])
            return sent

        sent = [visit_id for ids in await asyncio.gather(*map(send, fleet)) for visit_id in ids]
    assert [tablet.unexpected for tablet in fleet] == [[]] * len(fleet)
    assert [tablet.resends for tablet in fleet] == [0] * len(fleet)
    counts = await stored_counts(deployment.database_url, sent)
    assert counts["visits"] == counts["audited_visits"] == len(sent) == 100
