"""Stale case edits: kept whole, listed for a person, resolved either way, never lost."""

from __future__ import annotations

from tests.helpers import headers_for
from tests.integration.cases.test_cases import case_body, create_case


async def stale_edit(client, headers):
    case_id, created = await create_case(client, headers)
    fresh = case_body(base_version=created["version"], process_step="contact_attempts")
    assert (
        await client.put(f"/api/cases/{case_id}", headers=headers, json=fresh)
    ).status_code == 200
    stale = case_body(base_version=created["version"], process_step="kitchen_table_visit")
    response = await client.put(f"/api/cases/{case_id}", headers=headers, json=stale)
    assert response.status_code == 409
    return case_id, response.json()["conflict_id"]


async def test_a_stale_edit_is_listed_with_its_whole_body(client):
    headers = await headers_for(client, "fieldworker")
    case_id, conflict_id = await stale_edit(client, headers)
    listed = (await client.get("/api/conflicts", headers=headers)).json()
    mine = next(conflict for conflict in listed if conflict["id"] == conflict_id)
    assert mine["case_id"] == str(case_id)
    assert mine["body"]["process_step"] == "kitchen_table_visit"
    other = (await client.get("/api/conflicts", headers=await headers_for(client, "ggd"))).json()
    assert conflict_id not in {conflict["id"] for conflict in other}


async def test_applying_the_kept_edit_puts_it_on_top_of_the_current_case(client):
    headers = await headers_for(client, "fieldworker")
    _case_id, conflict_id = await stale_edit(client, headers)
    response = await client.post(
        f"/api/conflicts/{conflict_id}/resolve",
        headers=headers,
        json={"decision": "apply_mine", "note": "Keukentafelgesprek is gepland."},
    )
    assert response.status_code == 200, response.text
    assert response.json()["process_step"] == "kitchen_table_visit"
    kinds = [entry["kind"] for entry in response.json()["timeline"]]
    assert "conflict_resolved" in kinds
    again = await client.post(
        f"/api/conflicts/{conflict_id}/resolve", headers=headers, json={"decision": "keep_current"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "conflict_already_resolved")
    listed = (await client.get("/api/conflicts", headers=headers)).json()
    assert conflict_id not in {conflict["id"] for conflict in listed}


async def test_keeping_the_current_case_leaves_it_as_it_is(client):
    headers = await headers_for(client, "fieldworker")
    _case_id, conflict_id = await stale_edit(client, headers)
    response = await client.post(
        f"/api/conflicts/{conflict_id}/resolve", headers=headers, json={"decision": "keep_current"}
    )
    assert response.status_code == 200
    assert response.json()["process_step"] == "contact_attempts"


async def test_a_stale_edit_sent_again_after_a_lost_answer_is_kept_once(client):
    headers = await headers_for(client, "fieldworker")
    case_id, created = await create_case(client, headers)
    fresh = case_body(base_version=created["version"], process_step="contact_attempts")
    await client.put(f"/api/cases/{case_id}", headers=headers, json=fresh)
    stale = case_body(base_version=created["version"], process_step="kitchen_table_visit")
    first = await client.put(f"/api/cases/{case_id}", headers=headers, json=stale)
    again = await client.put(f"/api/cases/{case_id}", headers=headers, json=stale)
    assert again.status_code == first.status_code == 409
    assert again.json()["conflict_id"] == first.json()["conflict_id"]
    listed = (await client.get("/api/conflicts", headers=headers)).json()
    assert [c["id"] for c in listed if c["case_id"] == str(case_id)] == [
        first.json()["conflict_id"]
    ]
