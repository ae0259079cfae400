"""Devices forget an anonymised case at their next pull, though no row of it is left."""

from __future__ import annotations

import uuid

from tests.integration.retention.flows import backdate, retention, small_case
from tests.integration.sync.test_pull import pull, pull_all


async def test_an_anonymised_case_travels_as_a_removal_in_the_next_pull(client):
    seeded = await small_case(client, f"KANARIE-SYNC-{uuid.uuid4().hex[:8]}", closed=True)
    headers = seeded.headers
    pages = await pull_all(client, headers)
    assert str(seeded.case_id) in {case["id"] for page in pages for case in page["cases"]}
    cursor = pages[-1]["cursor"]

    await backdate(seeded.case_id)
    await retention(client)

    changes = await pull(client, headers, cursor)
    assert str(seeded.case_id) in changes["removed_case_ids"]
    assert str(seeded.case_id) not in {case["id"] for case in changes["cases"]}
    assert str(seeded.visit_ids[0]) not in {visit["id"] for visit in changes["visits"]}
    # Told once: the next pull after it does not say it again, nor does a first sync.
    assert (
        str(seeded.case_id)
        not in (await pull(client, headers, changes["cursor"]))["removed_case_ids"]
    )
    fresh = await pull_all(client, headers)
    held = {case["id"] for page in fresh for case in page["cases"]}
    assert str(seeded.case_id) not in held
    gone = await client.get(f"/api/cases/{seeded.case_id}", headers=headers)
    assert gone.status_code == 404


async def test_the_worker_runs_retention_daily():
    from api.jobs import worker
    from api.retention.jobs import DAILY, apply_retention

    worker._load_handlers()
    assert (DAILY, apply_retention) in worker._periodic
    assert DAILY == 24 * 3600


def test_the_command_counts_in_a_dry_run(prepared_database):
    from tests.conftest import keukentafel

    result = keukentafel("retention", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "closed cases due:" in result.stdout and "would be cut" in result.stdout
