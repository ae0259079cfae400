"""Pulling changes: cursor-based, idempotent, only what the user may hold, with removals."""

from __future__ import annotations

import uuid

from tests.helpers import demo_user_id, headers_for, visit_body
from tests.integration.cases.test_cases import case_body, create_case


async def pull(client, headers, cursor=None):
    url = "/api/sync/changes" + (f"?since={cursor}" if cursor else "")
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def pull_all(client, headers, cursor=None):
    pages = [await pull(client, headers, cursor)]
    while pages[-1]["more"]:
        pages.append(await pull(client, headers, pages[-1]["cursor"]))
    return pages


async def test_the_first_sync_brings_every_assigned_case_and_the_forms(client):
    headers = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, headers)
    pages = await pull_all(client, headers)
    held = {case["id"] for page in pages for case in page["cases"]}
    assert str(case_id) in held
    assigned = (await client.get("/api/cases?mine=true&limit=500", headers=headers)).json()
    assert held == {case["id"] for case in assigned}
    assert {form["key"] for form in pages[0]["forms"]} >= {"keukentafelgesprek"}


async def test_pulling_again_with_the_cursor_brings_nothing_new_and_the_same_answer(client):
    headers = await headers_for(client, "fieldworker")
    cursor = (await pull_all(client, headers))[-1]["cursor"]
    first = await pull(client, headers, cursor)
    second = await pull(client, headers, cursor)
    assert first["cases"] == [] and first["removed_case_ids"] == []
    assert first == second


async def test_an_edit_and_a_visit_travel_after_the_cursor(client):
    headers = await headers_for(client, "fieldworker")
    case_id, created = await create_case(client, headers)
    cursor = (await pull_all(client, headers))[-1]["cursor"]
    edit = case_body(base_version=created["version"], process_step="contact_attempts")
    assert (
        await client.put(f"/api/cases/{case_id}", headers=headers, json=edit)
    ).status_code == 200
    visit_id = uuid.uuid4()
    await client.put(f"/api/visits/{visit_id}", headers=headers, json=visit_body(case_id))
    changes = await pull(client, headers, cursor)
    assert [case["id"] for case in changes["cases"]] == [str(case_id)]
    assert changes["cases"][0]["process_step"] == "contact_attempts"
    assert [visit["id"] for visit in changes["visits"]] == [str(visit_id)]
    assert (await pull(client, headers, changes["cursor"]))["cases"] == []


async def test_an_unassigned_case_is_removed_from_the_device(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    cursor = (await pull_all(client, worker))[-1]["cursor"]
    supervisor = await headers_for(client, "supervisor")
    ended = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=supervisor,
        json={"user_id": str(demo_user_id("fieldworker")), "assigned": False},
    )
    assert ended.status_code == 200, ended.text
    changes = await pull(client, worker, cursor)
    assert changes["removed_case_ids"] == [str(case_id)]
    assert str(case_id) not in {case["id"] for case in changes["cases"]}
    assert (await pull(client, worker, changes["cursor"]))["removed_case_ids"] == []


async def test_another_organisations_worker_never_receives_the_case(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    ggd = await headers_for(client, "ggd")
    held = {case["id"] for page in await pull_all(client, ggd) for case in page["cases"]}
    assert str(case_id) not in held


async def test_a_cursor_this_server_did_not_give_out_is_a_bad_parameter(client):
    headers = await headers_for(client, "fieldworker")
    response = await client.get("/api/sync/changes?since=12'; drop", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
