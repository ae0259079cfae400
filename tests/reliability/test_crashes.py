"""The API process killed with SIGKILL at random moments during 1,000 uploads, and the database
server crashed once, on a PostgreSQL cluster of the test's own. Every upload the server
acknowledged is there afterwards, no visit is stored by halves, and the outbox carries on: each
complete visit gets its draft report."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import pytest

from tests.reliability.devices import Tablet, kitchen_table_visit
from tests.reliability.processes import Deployment, PostgresCluster

pytestmark = pytest.mark.reliability

DEVICES = 10
# A kitchen-table visit is three uploads: the visit and its two signatures.
VISITS_PER_DEVICE = 34
UPLOADS = DEVICES * VISITS_PER_DEVICE * 3


@dataclass
class Acknowledged:
    visits: set[uuid.UUID] = field(default_factory=set)
    attachments: set[tuple[uuid.UUID, str]] = field(default_factory=set)

    @property
    def uploads(self) -> int:
        return len(self.visits) + len(self.attachments)


async def upload_visits(tablet: Tablet, case_id: uuid.UUID, acknowledged: Acknowledged) -> None:
    for _ in range(VISITS_PER_DEVICE):
        visit_id = uuid.uuid4()
        body, files = kitchen_table_visit(case_id)
        await tablet.upload_visit(visit_id, body)
        acknowledged.visits.add(visit_id)
        for name, data in files.items():
            answer = await tablet.until_answered(
                "PUT",
                f"/api/visits/{visit_id}/attachments/{name}",
                content=data,
                content_type="image/png",
            )
            if answer.status not in (200, 201):
                tablet.unexpected.append(f"{visit_id}/{name}: {answer.status} {answer.body}")
            acknowledged.attachments.add((visit_id, name))


async def kill_at_random(
    deployment: Deployment,
    cluster: PostgresCluster,
    acknowledged: Acknowledged,
    done: asyncio.Event,
    rng: random.Random,
) -> dict[str, int]:
    """SIGKILL the API every now and then; crash the database once, half-way."""
    kills = database_crashes = 0
    while not done.is_set():
        await asyncio.sleep(rng.uniform(0.5, 2.5))
        if done.is_set():
            break
        if database_crashes == 0 and acknowledged.uploads >= UPLOADS // 2:
            await asyncio.to_thread(cluster.crash_and_restart)
            database_crashes += 1
            continue
        deployment.kill_server()
        kills += 1
        await asyncio.to_thread(deployment.restart_server)
    return {"kills": kills, "database_crashes": database_crashes}


async def test_acknowledged_uploads_survive_killed_processes_and_a_database_crash(
    own_cluster: PostgresCluster,
):
    deployment = Deployment(
        database_url=own_cluster.url,
        embedded_worker=False,
        # A claim whose answer the crash swallowed leaves its job leased: the lease, not the
        # default 5 minutes, decides when it runs again.
        settings={"KEUKENTAFEL_JOB_LEASE_SECONDS": "20"},
    )
    try:
        await asyncio.to_thread(deployment.prepare)
        await asyncio.to_thread(deployment.add_server)
        deployment.start_worker()
        acknowledged = Acknowledged()
        async with contextlib.AsyncExitStack() as stack:
            # Logged in and with a case each before the killing starts: the faults fall on
            # the uploads.
            tablets = [
                await stack.enter_async_context(
                    Tablet(f"crash tablet {index}", deployment.url(), random.Random(index))
                )
                for index in range(DEVICES)
            ]
            cases = [await tablet.open_case() for tablet in tablets]
            done = asyncio.Event()
            killer = asyncio.create_task(
                kill_at_random(deployment, own_cluster, acknowledged, done, random.Random(8))
            )
            uploading = asyncio.gather(
                *(upload_visits(t, case, acknowledged) for t, case in zip(tablets, cases))
            )
            try:
                # A killer that fails (a server that does not come back) ends the test at once.
                await asyncio.wait([uploading, killer], return_when=asyncio.FIRST_COMPLETED)
                if killer.done():
                    uploading.cancel()
                    killer.result()
                await uploading
            finally:
                done.set()
            faults = await killer
        print(
            f"{faults['kills']} API kills, {faults['database_crashes']} database crash; "
            f"{sum(t.resends for t in tablets)} sends again, "
            f"{sum(t.unavailable for t in tablets)} answered 503"
        )
        assert faults["kills"] >= 5 and faults["database_crashes"] == 1, faults
        problems = [problem for tablet in tablets for problem in tablet.unexpected]
        assert problems == [], problems[:5]
        assert acknowledged.uploads == UPLOADS

        await check_stored(own_cluster.url, acknowledged)
        await wait_for_draft_reports(own_cluster.url, acknowledged.visits, deployment)
    except BaseException:
        print(deployment.log()[-20_000:])
        raise
    finally:
        deployment.destroy()


async def check_stored(database_url: str, acknowledged: Acknowledged) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        visit_ids = list(acknowledged.visits)
        states = await connection.fetch(
            "SELECT state, count(*) AS n FROM visit WHERE id = ANY($1::uuid[]) GROUP BY state",
            visit_ids,
        )
        # Every acknowledged visit is there, and with both signatures in it is complete.
        assert {row["state"]: row["n"] for row in states} == {"submitted": len(visit_ids)}
        attachments = await connection.fetch(
            "SELECT visit, name, received_at IS NOT NULL AS received, "
            "content IS NOT NULL AS has_content FROM visit_attachment "
            "WHERE visit = ANY($1::uuid[])",
            visit_ids,
        )
        stored = {(row["visit"], row["name"]) for row in attachments if row["received"]}
        assert stored == acknowledged.attachments
        assert all(row["has_content"] == row["received"] for row in attachments)
        # Nothing half-stored anywhere: no visit without its declared attachments, no
        # attachment without its visit, no received attachment without its bytes.
        incomplete = await connection.fetchval(
            "SELECT count(*) FROM visit v WHERE v.form_key = 'keukentafelgesprek' AND "
            "(SELECT count(*) FROM visit_attachment a WHERE a.visit = v.id) <> 2"
        )
        orphaned = await connection.fetchval(
            "SELECT count(*) FROM visit_attachment a "
            "WHERE NOT EXISTS (SELECT 1 FROM visit v WHERE v.id = a.visit) "
            "OR (a.received_at IS NULL) <> (a.content IS NULL)"
        )
        stuck = await connection.fetchval(
            "SELECT count(*) FROM visit v WHERE v.state = 'awaiting_attachments' AND NOT EXISTS "
            "(SELECT 1 FROM visit_attachment a WHERE a.visit = v.id AND a.received_at IS NULL)"
        )
        assert (incomplete, orphaned, stuck) == (0, 0, 0)
        audited = await connection.fetchval(
            "SELECT count(DISTINCT object_id) FROM audit_event WHERE action = 'create' "
            "AND object_type = 'visit' AND outcome = 'allowed' AND object_id = ANY($1::text[])",
            [str(visit_id) for visit_id in visit_ids],
        )
        assert audited == len(visit_ids)
    finally:
        await connection.close()


async def wait_for_draft_reports(
    database_url: str, visit_ids: set[uuid.UUID], deployment: Deployment
) -> None:
    """The worker lived through the database crash and makes every draft report, once."""
    connection = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + 240
        while True:
            ready = await connection.fetchval(
                "SELECT count(*) FROM visit_report WHERE visit = ANY($1::uuid[]) "
                "AND kind = 'draft' AND state = 'ready'",
                list(visit_ids),
            )
            if ready == len(visit_ids) or time.monotonic() > deadline:
                break
            assert deployment.worker is not None and deployment.worker.poll() is None
            await asyncio.sleep(1)
        jobs = await connection.fetch("SELECT state, count(*) AS n FROM job GROUP BY state")
        reports = await connection.fetchval(
            "SELECT count(*) FROM visit_report WHERE visit = ANY($1::uuid[])", list(visit_ids)
        )
    finally:
        await connection.close()
    assert ready == len(visit_ids), {row["state"]: row["n"] for row in jobs}
    assert reports == len(visit_ids)
    assert "failed" not in {row["state"] for row in jobs}
