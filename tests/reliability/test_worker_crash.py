"""A worker killed mid-job: the job runs again, and its effect happens once.

Real `keukentafel worker` processes on the session's database are SIGKILLed while they push an
alert or render and seal reports. The killed worker's lease is then made to run out (see
`expire_leases`) and another worker finishes the job. A report is made once because its id is
derived from the visit and a ready report is left alone; a push can be sent twice (a crash after
the push service took the message but before its answer is written down cannot be told from a
crash before the send), so delivery is at least once, and the same `Topic` on both sends makes
the push service hand the tablet one message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.push_service import FakePushService
from tests.helpers import headers_for
from tests.integration.notifications.flows import inbox, new_person, notify, subscribe
from tests.integration.reports.flows import review, submitted_visit
from tests.reliability.worker_processes import (
    WorkerProcess,
    Workers,
    eventually,
    expire_leases,
    jobs,
)

pytestmark = pytest.mark.database

# The report run: visits approved at once, then up to KILLS workers each killed at a random
# moment: after it finished 0 to 2 of the jobs left, plus up to KILL_WITHIN seconds.
# KEUKENTAFEL_CRASH_SEED repeats a run's choices (where they land still depends on timing).
VISITS = 3
KILLS = 8
KILL_WITHIN = 0.4
SEED = int(os.environ.get("KEUKENTAFEL_CRASH_SEED", random.randrange(2**32)))


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
async def push_service(client: Any) -> AsyncIterator[FakePushService]:
    answer = await client.get(
        "/api/push/vapid-public-key", headers=await headers_for(client, "fieldworker")
    )
    assert answer.status_code == 200, answer.text
    service = FakePushService(application_server_key=answer.json()["public_key"])
    await service.start()
    yield service
    await service.stop()


async def not_done(keys: list[str]) -> list[str]:
    rows = await jobs(keys)
    assert set(rows) == set(keys)
    return sorted(key for key, row in rows.items() if row["state"] != "done")


async def all_done(keys: list[str]) -> bool:
    return not await not_done(keys)


async def deliveries(notification_id: uuid.UUID) -> list[dict[str, Any]]:
    from api.notifications.tables import PushDelivery

    return await (
        PushDelivery.select().where(PushDelivery.notification == notification_id).run(in_pool=False)
    )


# A push --------------------------------------------------------------------------------------
async def test_a_push_cut_off_by_a_killed_worker_is_sent_again_and_the_tablet_gets_it_once(
    client: Any, push_service: FakePushService, workers: Workers
) -> None:
    from api.jobs.worker import LEASE
    from api.lib.db import now

    person = await new_person(client)
    tablet, subscription = await subscribe(client, person.headers, push_service)
    hold = push_service.hold(tablet)
    await notify(client, [person.id])
    [note] = await inbox(client, person.headers)
    notification_id = uuid.UUID(note["id"])
    key = f"push:{notification_id}"

    first = workers.start()

    async def arrived() -> bool:
        assert first.alive(), first.log()
        return hold.arrived.is_set()

    await eventually(arrived, "the push reached the push service")
    await first.kill()  # the message is taken, the 201 never read

    job = (await jobs([key]))[key]
    assert (job["state"], job["attempts"]) == ("running", 1)
    # The dead worker holds the production lease: nobody takes the job for five minutes.
    assert job["leased_until"] > now() + LEASE - dt.timedelta(minutes=1)
    assert await deliveries(notification_id) == []  # the send was never written down
    assert len(push_service.messages(tablet)) == 1

    hold.release()
    second = workers.start()
    await second.started()
    await asyncio.sleep(1.5)  # more than one round of its loop (it polls every second)
    assert push_service.attempts[tablet.token] == 1, "a lease held by a dead worker was taken"

    assert await expire_leases([key]) == [key]

    async def done() -> bool:
        assert second.alive(), second.log()
        return await all_done([key])

    await eventually(done, "the second worker finished the push job")
    await second.stop()

    # At least once: the push service was sent the message twice, under one topic ...
    assert push_service.errors == []
    assert push_service.attempts[tablet.token] == 2
    sent = push_service.messages(tablet)
    assert [item.message["id"] for item in sent] == [note["id"], note["id"]]
    assert [item.topic for item in sent] == [notification_id.hex, notification_id.hex]
    # ... and the tablet, coming online, gets it once: the repeat replaced the waiting copy.
    assert hold.held == 1
    [waiting] = push_service.device_messages(tablet)
    assert waiting is sent[-1]
    [shown] = push_service.connect(tablet)
    assert shown.message["id"] == note["id"]
    job = (await jobs([key]))[key]
    assert (job["state"], job["attempts"], job["last_error"]) == ("done", 2, "")
    [delivery] = await deliveries(notification_id)
    assert (str(delivery["subscription"]), delivery["outcome"]) == (subscription["id"], "delivered")


# Reports -------------------------------------------------------------------------------------
async def stage_of(key: str, push_service: FakePushService) -> str:
    """Where in its job the killed worker was, for a job it left running."""
    from api.reports.tables import VisitReport, report_id

    kind, _, rest = key.partition(":")
    if kind == "report":
        report_kind, _, visit = rest.partition(":")
        row = await (
            VisitReport.select(VisitReport.state)
            .where(VisitReport.id == report_id(uuid.UUID(visit), report_kind))
            .first()
            .run(in_pool=False)
        )
        assert row is not None
        return f"report {report_kind}: " + (
            "after the report was stored" if row["state"] == "ready" else "rendering or sealing"
        )
    notification = rest
    if await deliveries(uuid.UUID(notification)):
        return "push: after it was written down"
    if any(item.message["id"] == notification for item in push_service.received):
        return "push: after the push service took it"
    return "push: before it reached the push service"


async def test_workers_killed_at_random_moments_leave_one_sealed_report_per_visit_and_one_alert(
    client: Any, push_service: FakePushService, workers: Workers
) -> None:
    from api.reports.tables import VisitReport, report_id

    rng = random.Random(SEED)
    person = await new_person(client, "thuisbasis")
    tablet, _ = await subscribe(client, person.headers, push_service)
    supervisor = await headers_for(client, "supervisor")
    visits: list[uuid.UUID] = []
    for _ in range(VISITS):
        visit_id, _ = await submitted_visit(client, person.headers)
        decided = await review(client, supervisor, visit_id, "approve")
        assert decided.status_code == 200, decided.text
        visits.append(visit_id)
    notes = await inbox(client, person.headers)
    assert sorted(note["object_id"] for note in notes) == sorted(map(str, visits))
    keys = [f"report:{kind}:{visit}" for visit in visits for kind in ("draft", "final")]
    keys += [f"push:{note['id']}" for note in notes]
    assert set(await jobs(keys)) == set(keys)

    interrupted: Counter[str] = Counter()
    kills: list[str] = []
    for _ in range(KILLS):
        remaining = await not_done(keys)
        if not remaining:
            break
        # Let this worker finish none, one or two of the jobs left, then kill it a random
        # moment later: at a cold start, in a render or a seal, around a push, or between an
        # effect and its job's "done".
        let_finish = rng.randrange(min(len(remaining), 3))
        delay = rng.uniform(0, KILL_WITHIN)
        worker = workers.start()
        await worker.started()

        async def progressed(worker: WorkerProcess = worker, goal: int = let_finish) -> bool:
            assert worker.alive(), worker.log()
            return len(remaining) - len(await not_done(keys)) >= goal

        await eventually(progressed, f"the worker finished {let_finish} jobs")
        await asyncio.sleep(delay)
        await worker.kill()
        assert not workers.any_alive()
        left_running = await expire_leases(keys)
        for key in left_running:
            interrupted[await stage_of(key, push_service)] += 1
        kills.append(
            f"after {let_finish} jobs + {delay * 1000:.0f} ms: "
            + (", ".join(left_running) or "between jobs")
        )
    story = f"seed {SEED}; kills: {kills}; interrupted: {dict(interrupted)}"
    print(story)
    assert interrupted, f"no kill landed inside a job: {story}"

    final = workers.start()

    async def finished() -> bool:
        assert final.alive(), final.log()
        return await all_done(keys)

    await eventually(finished, "the last worker finished every job", within=120)
    await final.stop()

    rows = await jobs(keys)
    assert {key: row["state"] for key, row in rows.items()} == dict.fromkeys(keys, "done"), story
    assert all(row["last_error"] == "" for row in rows.values()), story
    reports = await VisitReport.select().where(VisitReport.visit.is_in(visits)).run(in_pool=False)
    assert sorted((row["visit"], row["kind"]) for row in reports) == sorted(
        (visit, kind) for visit in visits for kind in ("draft", "final")
    ), story
    for row in reports:
        assert row["id"] == report_id(row["visit"], row["kind"])
        assert (row["state"], row["failure"]) == ("ready", ""), story
        assert row["sha256"] == hashlib.sha256(row["content"]).hexdigest()
    for visit_id in visits:
        [sealed] = [row for row in reports if (row["visit"], row["kind"]) == (visit_id, "final")]
        assert sealed["certificate_sha256"]
        served = await client.get(f"/api/visits/{visit_id}/report.pdf", headers=supervisor)
        assert served.status_code == 200, served.text
        assert served.headers["x-report-kind"] == "final"
        assert served.content == sealed["content"]
        verdict = await client.post(
            "/api/reports/verify",
            content=sealed["content"],
            headers={"Content-Type": "application/pdf"},
        )
        answer = verdict.json()
        assert (answer["verdict"], answer["reasons"]) == ("intact", []), story
        assert answer["visit_id"] == str(visit_id)
        assert answer["sealed_by"] == "Woonstichting Thuisbasis"

    # The approval alerts went through the same kills: one message per alert on the tablet.
    assert push_service.errors == []
    shown = push_service.connect(tablet)
    assert sorted(item.message["id"] for item in shown) == sorted(note["id"] for note in notes)
    assert all(item.topic == uuid.UUID(item.message["id"]).hex for item in shown)
    for note in notes:
        assert len(await deliveries(uuid.UUID(note["id"]))) == 1
