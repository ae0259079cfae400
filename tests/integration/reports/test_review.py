"""A supervisor's review: four eyes, one decision, and the worker hears of it."""

from __future__ import annotations

import asyncio
import uuid

from tests.helpers import audit_rows, bearer, headers_for, login, new_user
from tests.integration.cases.test_cases import create_case
from tests.integration.reports.flows import review, run_jobs, submitted_visit


async def test_a_supervisor_approves_a_submitted_visit_and_the_sealed_report_follows(client):
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    visit_id, _ = await submitted_visit(client, worker)

    approved = await review(client, supervisor, visit_id, "approve")

    assert approved.status_code == 200, approved.text
    visit = approved.json()
    assert visit["state"] == "approved"
    assert visit["review"]["decision"] == "approve"
    assert visit["review"]["reviewer"]["display_name"] == "Ruud Kampstra"
    assert visit["report"]["kind"] == "final"
    assert visit["report"]["state"] == "pending"
    await run_jobs(client)
    ready = (await client.get(f"/api/visits/{visit_id}", headers=worker)).json()
    assert (ready["report"]["kind"], ready["report"]["state"]) == ("final", "ready")
    assert len(ready["report"]["sha256"]) == 64


async def test_a_returned_visit_carries_the_comment_to_the_workers_tablet(client):
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    visit_id, _ = await submitted_visit(client, worker)
    cursor = (await client.get("/api/sync/changes", headers=worker)).json()["cursor"]

    returned = await review(client, supervisor, visit_id, "return", "  Vul de afspraken aan.  ")

    assert returned.status_code == 200, returned.text
    assert returned.json()["state"] == "returned"
    assert returned.json()["review"]["comment"] == "Vul de afspraken aan."
    pulled = (await client.get(f"/api/sync/changes?since={cursor}", headers=worker)).json()[
        "visits"
    ]
    assert [(v["id"], v["state"], v["review_comment"]) for v in pulled] == [
        (str(visit_id), "returned", "Vul de afspraken aan.")
    ]


async def test_returning_without_saying_what_to_correct_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    visit_id, _ = await submitted_visit(client, worker)
    response = await review(client, supervisor, visit_id, "return", "   ")
    assert response.status_code == 422
    assert response.json()["code"] == "comment_required"
    visit = (await client.get(f"/api/visits/{visit_id}", headers=worker)).json()
    assert (visit["state"], visit["review"]) == ("submitted", None)


async def test_a_worker_cannot_review_and_another_organisation_cannot_see(client):
    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)

    own = await review(client, worker, visit_id, "approve")
    other_org = await review(
        client, await headers_for(client, "municipality-supervisor"), visit_id, "approve"
    )

    assert (own.status_code, own.json()["code"]) == (403, "forbidden")
    assert (other_org.status_code, other_org.json()["code"]) == (404, "visit_not_found")
    refusals = await audit_rows(object_id=str(visit_id), action="review", outcome="refused")
    assert len(refusals) == 2
    state = (await client.get(f"/api/visits/{visit_id}", headers=worker)).json()["state"]
    assert state == "submitted"


async def test_nobody_approves_their_own_visit_not_even_a_supervisor(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "thuisbasis", ["supervisor"])
    own_headers = bearer(await login(client, person["username"], person["password"]))
    case_id, _ = await create_case(client, own_headers)
    assigned = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=own_headers,
        json={"user_id": person["id"], "assigned": True},
    )
    assert assigned.status_code == 200, assigned.text
    visit_id, _ = await submitted_visit(client, own_headers, case_id=case_id)

    own = await review(client, own_headers, visit_id, "approve")
    colleague = await review(client, await headers_for(client, "supervisor"), visit_id, "approve")

    assert own.status_code == 403
    assert "own visit" in own.json()["detail"]
    assert colleague.status_code == 200


async def test_a_decision_is_final_but_the_same_decision_again_is_answered_alike(client):
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    visit_id, _ = await submitted_visit(client, worker)
    first = await review(client, supervisor, visit_id, "approve")

    again = await review(client, supervisor, visit_id, "approve")
    change_of_mind = await review(client, supervisor, visit_id, "return", "Toch niet.")

    assert again.status_code == 200
    assert again.json()["review"] == first.json()["review"]
    assert change_of_mind.status_code == 409
    assert change_of_mind.json()["code"] == "visit_not_reviewable"
    decisions = await audit_rows(object_id=str(visit_id), action="review", outcome="allowed")
    assert [row["detail"] for row in decisions] == ["approve"]


async def test_two_supervisors_deciding_at_once_get_one_winner(client):
    admin = await headers_for(client, "admin")
    second = await new_user(client, admin, "thuisbasis", ["supervisor"])
    second_headers = bearer(await login(client, second["username"], second["password"]))
    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)

    responses = await asyncio.gather(
        review(client, await headers_for(client, "supervisor"), visit_id, "approve"),
        review(client, second_headers, visit_id, "return", "Handtekening ontbreekt."),
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = (await client.get(f"/api/visits/{visit_id}", headers=worker)).json()
    assert stored["state"] == winner["state"]
    assert stored["review"] == winner["review"]


async def test_a_visit_still_waiting_for_its_signatures_is_not_reviewed(client):
    from tests.helpers import example_answers, kitchen_table_files, visit_body

    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    body = visit_body(
        case_id,
        "keukentafelgesprek",
        example_answers("keukentafelgesprek"),
        kitchen_table_files(),
    )
    visit_id = uuid.uuid4()
    await client.put(f"/api/visits/{visit_id}", headers=worker, json=body)

    response = await review(client, await headers_for(client, "supervisor"), visit_id, "approve")

    assert response.status_code == 409
    assert response.json()["state"] == "awaiting_attachments"


async def test_a_returned_visit_is_corrected_as_a_new_revision_and_reviewed_again(client):
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    first_id, body = await submitted_visit(client, worker)
    await review(client, supervisor, first_id, "return", "De tweede afspraak mist een datum.")

    corrected_id, _ = await submitted_visit(
        client, worker, case_id=uuid.UUID(body["case_id"]), replaces=str(first_id)
    )
    approved = await review(client, supervisor, corrected_id, "approve")
    await run_jobs(client)

    assert approved.status_code == 200, approved.text
    first = (await client.get(f"/api/visits/{first_id}", headers=worker)).json()
    assert first["state"] == "replaced"
    assert first["review"]["comment"] == "De tweede afspraak mist een datum."
    queue = (
        await client.get("/api/visits?state=submitted&order=oldest&limit=500", headers=supervisor)
    ).json()
    assert str(corrected_id) not in {v["id"] for v in queue}
    assert str(first_id) not in {v["id"] for v in queue}


async def test_the_queue_lists_waiting_visits_oldest_first_with_their_address(client):
    worker = await headers_for(client, "fieldworker")
    supervisor = await headers_for(client, "supervisor")
    older, _ = await submitted_visit(client, worker)
    newer, _ = await submitted_visit(client, worker)

    queue = (
        await client.get("/api/visits?state=submitted&order=oldest&limit=500", headers=supervisor)
    ).json()

    ids = [item["id"] for item in queue]
    assert ids.index(str(older)) < ids.index(str(newer))
    received = [item["received_at"] for item in queue]
    assert received == sorted(received)
    assert all(item["state"] == "submitted" for item in queue)
    assert all(item["address"] for item in queue)
