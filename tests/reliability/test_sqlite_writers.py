"""The embedded default under concurrent writers: two server processes on one SQLite file, each
with its embedded worker rendering draft reports, and twenty tablets uploading visits and
signatures at once. SQLite allows one writer at a time; every writer must wait its turn, so no
client ever sees "database is locked" (nor a 503 standing in for it)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import uuid
from collections.abc import Iterator

import pytest

from tests.reliability.devices import Tablet, kitchen_table_visit
from tests.reliability.processes import Deployment

pytestmark = pytest.mark.reliability

DEVICES = 20
VISITS_PER_DEVICE = 12


@pytest.fixture
def sqlite_deployment() -> Iterator[Deployment]:
    deployment = Deployment(database_url="", embedded_worker=True)
    try:
        deployment.prepare()
        deployment.add_server()
        deployment.add_server()
        yield deployment
    finally:
        deployment.destroy()


async def one_device(tablet: Tablet) -> tuple[Tablet, list[uuid.UUID]]:
    visit_ids: list[uuid.UUID] = []
    case_id = await tablet.open_case()
    for _ in range(VISITS_PER_DEVICE):
        visit_id = uuid.uuid4()
        body, files = kitchen_table_visit(case_id)
        await tablet.upload_visit(visit_id, body)
        for name, data in files.items():
            answer = await tablet.until_answered(
                "PUT",
                f"/api/visits/{visit_id}/attachments/{name}",
                content=data,
                content_type="image/png",
            )
            if answer.status not in (200, 201):
                tablet.unexpected.append(f"{visit_id}/{name}: {answer.status} {answer.body}")
        visit_ids.append(visit_id)
    return tablet, visit_ids


async def test_concurrent_writers_on_sqlite_never_see_a_locked_database(
    sqlite_deployment: Deployment,
):
    deployment = sqlite_deployment
    async with contextlib.AsyncExitStack() as stack:
        # Half the tablets talk to each process: two writers' pools on one file.
        fleet = [
            await stack.enter_async_context(
                Tablet(f"sqlite tablet {index}", deployment.url(index % 2), random.Random(index))
            )
            for index in range(DEVICES)
        ]
        results = await asyncio.gather(*(one_device(tablet) for tablet in fleet))
    tablets = [tablet for tablet, _ in results]
    visit_ids = [visit_id for _, ids in results for visit_id in ids]

    problems = [problem for tablet in tablets for problem in tablet.unexpected]
    assert problems == [], problems[:5]
    assert sum(tablet.unavailable for tablet in tablets) == 0
    assert sum(tablet.resends for tablet in tablets) == 0
    assert "database is locked" not in deployment.log()

    database = sqlite3.connect(deployment.root / "var" / "keukentafel.sqlite")
    try:
        marks = ",".join("?" * len(visit_ids))
        ids = [str(visit_id) for visit_id in visit_ids]
        states = dict(
            database.execute(
                f"SELECT state, count(*) FROM visit WHERE id IN ({marks}) GROUP BY state", ids
            ).fetchall()
        )
        received = database.execute(
            f"SELECT count(*) FROM visit_attachment WHERE visit IN ({marks}) "
            "AND received_at IS NOT NULL AND content IS NOT NULL",
            ids,
        ).fetchone()[0]
    finally:
        database.close()
    assert states == {"submitted": DEVICES * VISITS_PER_DEVICE}
    assert received == 2 * DEVICES * VISITS_PER_DEVICE
