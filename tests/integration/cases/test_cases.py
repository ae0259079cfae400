"""Cases: create on the device's id, update with versions, stale edits kept, need-to-know reads."""

import uuid

from tests.helpers import audit_rows, demo_case_id, demo_org_id, demo_user_id, headers_for


def case_body(**overrides):
    body = {
        "address": {
            "street": "Vlierstraat",
            "house_number": "8",
            "postcode": "7411 XZ",
            "city": "Rivierstad",
        },
        "members": [
            {
                "member_id": str(uuid.uuid4()),
                "name": "Kees Verzonnen",
                "relation": "tenant",
                "birth_year": 1971,
            }
        ],
        "signal": {"arrears_cents": 84_000, "arrears_months": 2, "signal_date": "2026-10-01"},
        "process_step": "signal",
    }
    body.update(overrides)
    return body


async def create_case(client, headers, **overrides):
    case_id = uuid.uuid4()
    response = await client.put(
        f"/api/cases/{case_id}", headers=headers, json=case_body(**overrides)
    )
    assert response.status_code == 201, response.text
    return case_id, response.json()


async def test_a_worker_creates_a_case_under_the_id_made_on_the_tablet(client):
    worker = await headers_for(client, "fieldworker")
    case_id, case = await create_case(client, worker)
    assert case["id"] == str(case_id)
    assert case["version"] == 1
    assert case["assigned_to_me"] is True
    assert case["director"]["id"] == str(demo_user_id("fieldworker"))
    assert [p["kind"] for p in case["participants"]] == ["housing_corporation"]
    assert case["signal"]["source_organisation_id"] == str(demo_org_id("thuisbasis"))
    assert [entry["kind"] for entry in case["timeline"]][:2] == ["created", "director_set"]


async def test_sending_the_same_create_again_is_not_a_second_case(client):
    worker = await headers_for(client, "fieldworker")
    case_id, body = uuid.uuid4(), case_body()
    first = await client.put(f"/api/cases/{case_id}", headers=worker, json=body)
    again = await client.put(f"/api/cases/{case_id}", headers=worker, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["version"] == 1
    assert again.json()["timeline"] == first.json()["timeline"]


async def test_an_update_on_the_current_version_is_applied_and_the_step_is_on_the_timeline(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    body = case_body(
        base_version=1, process_step="contact_attempts", step_note="Brief gestuurd, geen reactie"
    )
    response = await client.put(f"/api/cases/{case_id}", headers=worker, json=body)
    assert response.status_code == 200
    case = response.json()
    assert (case["version"], case["process_step"]) == (2, "contact_attempts")
    step = [e for e in case["timeline"] if e["kind"] == "step_changed"]
    assert step[0]["data"] == {"from": "signal", "to": "contact_attempts"}
    assert step[0]["note"] == "Brief gestuurd, geen reactie"
    assert step[0]["actor"]["id"] == str(demo_user_id("fieldworker"))


async def test_a_stale_edit_is_kept_as_a_conflict_and_changes_nothing(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    ok = await client.put(
        f"/api/cases/{case_id}",
        headers=worker,
        json=case_body(base_version=1, process_step="contact_attempts"),
    )
    assert ok.status_code == 200
    stale = await client.put(
        f"/api/cases/{case_id}", headers=worker, json=case_body(base_version=1, process_step="plan")
    )
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["code"] == "case_conflict"
    assert problem["current_version"] == 2
    case = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert (case["version"], case["process_step"]) == (2, "contact_attempts")

    from api.cases.tables import CaseConflict

    kept = (
        await CaseConflict.select()
        .where(CaseConflict.id == problem["conflict_id"])
        .first()
        .run(in_pool=False)
    )
    assert kept["body"] and '"plan"' in kept["body"]


async def test_the_case_director_sees_a_case_an_uninvolved_colleague_does_not(client):
    case_id = demo_case_id("Familie Tjoeng-Aarts")
    director = await headers_for(client, "municipality")
    assert (await client.get(f"/api/cases/{case_id}", headers=director)).status_code == 200
    ggd = await headers_for(client, "ggd")
    refused = await client.get(f"/api/cases/{case_id}", headers=ggd)
    assert refused.status_code == 404
    assert refused.json()["code"] == "case_not_found"
    unknown = await client.get(f"/api/cases/{uuid.uuid4()}", headers=ggd)
    assert unknown.json() == refused.json()


async def test_my_list_holds_only_cases_i_may_see(client):
    ggd = await headers_for(client, "ggd")
    cases = (await client.get("/api/cases", headers=ggd)).json()
    addresses = {c["address"]["street"] for c in cases}
    assert {"Oeverweg", "Bergweg", "Lindelaan", "Havenkade", "Stationsweg"} <= addresses
    assert "Wilgenlaan" not in addresses
    mine = (await client.get("/api/cases?mine=true", headers=ggd)).json()
    assert all(c["assigned_to_me"] for c in mine)
    supervisor = await headers_for(client, "ggd-supervisor")
    everything = (await client.get("/api/cases", headers=supervisor)).json()
    assert {c["id"] for c in cases} <= {c["id"] for c in everything}


async def test_the_list_filters_by_process_step(client):
    director = await headers_for(client, "municipality")
    plans = (await client.get("/api/cases?step=plan", headers=director)).json()
    assert plans and {c["process_step"] for c in plans} == {"plan"}


async def test_an_administrator_sees_no_case_data(client):
    admin = await headers_for(client, "admin")
    response = await client.get("/api/cases", headers=admin)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


async def test_a_supervisor_assigns_a_worker_of_their_own_organisation(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    supervisor = await headers_for(client, "supervisor")
    unassign = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=supervisor,
        json={"user_id": str(demo_user_id("fieldworker")), "assigned": False},
    )
    assert unassign.status_code == 200
    assert unassign.json()["assigned"] == []
    # No longer assigned, no longer director-free access for the worker? She still directs it.
    outsider = await client.post(
        f"/api/cases/{case_id}/assignments",
        headers=supervisor,
        json={"user_id": str(demo_user_id("ggd")), "assigned": True},
    )
    assert outsider.status_code == 403


async def test_handing_over_the_case_director_role_is_recorded(client):
    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    handover = await client.post(
        f"/api/cases/{case_id}/director",
        headers=worker,
        json={"user_id": str(demo_user_id("municipality")), "note": "Gemeente neemt regie"},
    )
    assert handover.status_code == 200
    case = handover.json()
    assert case["director"]["id"] == str(demo_user_id("municipality"))
    assert "municipality" in {p["kind"] for p in case["participants"]}
    entry = next(e for e in case["timeline"] if e["kind"] == "director_handover")
    assert entry["data"]["from_user_id"] == str(demo_user_id("fieldworker"))
    assert entry["note"] == "Gemeente neemt regie"
    # The new director now sees it; the old one can no longer hand it over again.
    director = await headers_for(client, "municipality")
    assert (await client.get(f"/api/cases/{case_id}", headers=director)).status_code == 200
    again = await client.post(
        f"/api/cases/{case_id}/director",
        headers=worker,
        json={"user_id": str(demo_user_id("fieldworker"))},
    )
    assert again.status_code == 403
    refusals = await audit_rows(object_id=str(case_id), outcome="refused")
    assert [r["action"] for r in refusals] == ["handover"]


async def test_two_edits_of_the_same_version_give_one_winner_and_one_kept_conflict(client):
    import asyncio

    worker = await headers_for(client, "fieldworker")
    director = await headers_for(client, "supervisor")
    case_id, _ = await create_case(client, worker)
    responses = await asyncio.gather(
        client.put(
            f"/api/cases/{case_id}",
            headers=worker,
            json=case_body(base_version=1, process_step="contact_attempts"),
        ),
        client.put(
            f"/api/cases/{case_id}",
            headers=director,
            json=case_body(base_version=1, process_step="kitchen_table_visit"),
        ),
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409).json()
    case = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert case["version"] == 2
    winner = next(r for r in responses if r.status_code == 200).json()
    assert case["process_step"] == winner["process_step"]

    from api.cases.tables import CaseConflict

    assert (
        await CaseConflict.exists()
        .where(CaseConflict.id == loser["conflict_id"])
        .run(in_pool=False)
    )


async def test_an_edit_overtaken_between_its_read_and_its_write_is_not_applied(client):
    """The version check sits in the UPDATE itself: an edit whose read is overtaken by another
    commit (PostgreSQL does not serialise the two like SQLite's immediate transactions) loses."""
    import asyncio

    from api.cases.schemas import CaseWrite
    from api.cases.services import _apply_update
    from api.cases.tables import HouseholdCase
    from api.lib.actor import Actor

    worker = await headers_for(client, "fieldworker")
    case_id, _ = await create_case(client, worker)
    read_before = await (
        HouseholdCase.select().where(HouseholdCase.id == case_id).first().run(in_pool=False)
    )
    overtaking = await client.put(
        f"/api/cases/{case_id}", headers=worker, json=case_body(base_version=1, process_step="plan")
    )
    assert overtaking.status_code == 200
    me = (await client.get("/api/me", headers=worker)).json()
    actor = Actor(
        user_id=uuid.UUID(me["user"]["id"]),
        username="fieldworker",
        display_name="x",
        organisation_id=uuid.UUID(me["user"]["organisation"]["id"]),
        organisation_name="x",
        organisation_kind="housing_corporation",
        roles=frozenset(),
        device_id=uuid.UUID(me["device"]["id"]),
    )
    import msgspec

    late = msgspec.convert(case_body(base_version=1, process_step="court"), CaseWrite)
    applied = await asyncio.to_thread(
        client.blocking_portal.call, _apply_update, actor, case_id, read_before, late
    )
    assert applied is False
    case = (await client.get(f"/api/cases/{case_id}", headers=worker)).json()
    assert (case["version"], case["process_step"]) == (2, "plan")
