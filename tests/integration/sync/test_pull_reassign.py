"""A case taken off a worker and given back before their next pull stays on the device."""

from __future__ import annotations

from tests.helpers import demo_user_id, headers_for
from tests.integration.cases.test_cases import create_case
from tests.integration.sync.test_pull import pull, pull_all


async def test_a_case_unassigned_and_reassigned_between_pulls_is_not_removed(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    cursor = (await pull_all(client, worker))[-1]["cursor"]
    supervisor = await headers_for(client, "supervisor")
    for assigned in (False, True):
        response = await client.post(
            f"/api/cases/{case_id}/assignments",
            headers=supervisor,
            json={"user_id": str(demo_user_id("fieldworker")), "assigned": assigned},
        )
        assert response.status_code == 200, response.text
    changes = await pull(client, worker, cursor)
    assert str(case_id) not in changes["removed_case_ids"]
    assert str(case_id) in {case["id"] for case in changes["cases"]}
