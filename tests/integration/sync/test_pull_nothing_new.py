"""An incremental pull that finds nothing of the user's numbered after the cursor answers early
(api.sync.services). Each change here reaches the device at its next pull all the same,
also the ones that take no change number of the user's own."""

from __future__ import annotations

import uuid

from tests.helpers import bearer, demo_org_id, headers_for, in_app, login, new_user
from tests.integration.cases.test_cases import case_body, create_case
from tests.integration.reports.flows import review, submitted_visit
from tests.integration.sync.test_pull import pull, pull_all


async def assigned_worker(client):
    """A new field worker of the housing corporation, assigned to a case the supervisor opened
    (so that the worker does not direct it): the worker's headers, the case, its version."""
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "thuisbasis", ["field_worker"])
    worker = bearer(await login(client, person["username"], person["password"]))
    supervisor = await headers_for(client, "supervisor")
    case_id, created = await create_case(client, supervisor)
    assigned = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=supervisor,
        json={"user_id": person["id"], "assigned": True},
    )
    assert assigned.status_code == 200, assigned.text
    return person, worker, case_id, created["version"]


async def cursor_of(client, headers):
    return (await pull_all(client, headers))[-1]["cursor"]


async def test_nothing_new_is_an_empty_answer_with_the_cursor_of_everything_committed(client):
    _, worker, _, _ = await assigned_worker(client)
    cursor = await cursor_of(client, worker)
    # Other users' changes move the counter on, not this worker's answer.
    await create_case(client, await headers_for(client, "supervisor"))
    answer = await pull(client, worker, cursor)
    assert (answer["cases"], answer["removed_case_ids"], answer["visits"]) == ([], [], [])
    assert answer["more"] is False
    assert int(answer["cursor"].removeprefix("c1.")) > int(cursor.removeprefix("c1."))
    assert answer["forms"] == (await pull(client, worker))["forms"]


async def test_a_case_assigned_after_the_cursor_arrives(client):
    person, worker, _, _ = await assigned_worker(client)
    cursor = await cursor_of(client, worker)
    supervisor = await headers_for(client, "supervisor")
    case_id, _ = await create_case(client, supervisor)
    assigned = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=supervisor,
        json={"user_id": person["id"], "assigned": True},
    )
    assert assigned.status_code == 200, assigned.text
    answer = await pull(client, worker, cursor)
    assert [case["id"] for case in answer["cases"]] == [str(case_id)]


async def test_an_edit_by_someone_else_arrives(client):
    _, worker, case_id, version = await assigned_worker(client)
    cursor = await cursor_of(client, worker)
    supervisor = await headers_for(client, "supervisor")
    edit = case_body(base_version=version, process_step="contact_attempts")
    edited = await client.put(f"/api/cases/{case_id}", headers=supervisor, json=edit)
    assert edited.status_code == 200, edited.text
    answer = await pull(client, worker, cursor)
    assert [case["process_step"] for case in answer["cases"]] == ["contact_attempts"]
    assert (await pull(client, worker, answer["cursor"]))["cases"] == []


async def test_an_unassignment_by_the_supervisor_removes_the_case(client):
    person, worker, case_id, _ = await assigned_worker(client)
    cursor = await cursor_of(client, worker)
    ended = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=await headers_for(client, "supervisor"),
        json={"user_id": person["id"], "assigned": False},
    )
    assert ended.status_code == 200, ended.text
    answer = await pull(client, worker, cursor)
    assert answer["removed_case_ids"] == [str(case_id)]


async def test_a_review_of_the_workers_visit_arrives(client):
    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)
    cursor = await cursor_of(client, worker)
    returned = await review(
        client,
        await headers_for(client, "supervisor"),
        visit_id,
        "return",
        "De handtekening ontbreekt.",
    )
    assert returned.status_code == 200, returned.text
    answer = await pull(client, worker, cursor)
    assert [(v["id"], v["state"]) for v in answer["visits"]] == [(str(visit_id), "returned")]


async def test_a_worker_moved_to_another_organisation_is_told_to_forget_at_every_pull(client):
    # Moving a user numbers no change: the assignments stay, the policy no longer lets the
    # user hold the case, and each pull says so for as long as that lasts.
    person, worker, case_id, _ = await assigned_worker(client)
    cursor = await cursor_of(client, worker)
    moved = await client.patch(
        f"/api/admin/users/{person['id']}",
        headers=await headers_for(client, "admin"),
        json={"organisation_id": str(demo_org_id("welzijn"))},
    )
    assert moved.status_code == 200, moved.text
    first = await pull(client, worker, cursor)
    again = await pull(client, worker, first["cursor"])
    for answer in (first, again):
        assert (answer["cases"], answer["removed_case_ids"]) == ([], [str(case_id)])


async def _drop_participant(case_id: uuid.UUID, organisation_id: uuid.UUID) -> None:
    from api.cases.tables import CaseParticipant

    await (
        CaseParticipant.delete()
        .where(
            (CaseParticipant.household_case == case_id)
            & (CaseParticipant.organisation == organisation_id)
        )
        .run()
    )


async def test_an_organisation_no_longer_taking_part_takes_the_case_off_its_workers(client):
    # No request removes a participant today and none would number it; the pull must not
    # depend on a number for it.
    _, worker, case_id, _ = await assigned_worker(client)
    cursor = await cursor_of(client, worker)
    await in_app(client, _drop_participant, case_id, demo_org_id("thuisbasis"))
    answer = await pull(client, worker, cursor)
    assert (answer["cases"], answer["removed_case_ids"]) == ([], [str(case_id)])
