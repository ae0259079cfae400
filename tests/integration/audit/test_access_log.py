"""Who accessed a case: `GET /api/cases/{id}/access-log`, for the supervisors of the
organisations taking part; reads, prints, writes and refusals on the case and its visits, newest
first, with person, organisation and device. Reading it is audited too."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import audit_rows, bearer, demo_user_id, login, visit_body

CASE = {
    "address": {
        "street": "Logboekstraat",
        "house_number": "7",
        "postcode": "7411 LB",
        "city": "Rivierstad",
    },
    "signal": {"arrears_cents": 81_000, "arrears_months": 3},
    "process_step": "signal",
}


@pytest.fixture(scope="module")
async def logged_case(client) -> dict:
    """A case of its own: made, read and given a visit by `fieldworker`, refused to `police`."""
    fieldworker = await login(client, "fieldworker")
    police = await login(client, "police")
    case_id = uuid.uuid4()
    made = await client.put(f"/api/cases/{case_id}", headers=bearer(fieldworker), json=CASE)
    assert made.status_code == 201, made.text
    for _ in range(2):
        answer = await client.get(f"/api/cases/{case_id}", headers=bearer(fieldworker))
        assert answer.is_success
    refused = await client.get(f"/api/cases/{case_id}", headers=bearer(police))
    assert refused.status_code == 404
    visit_id = uuid.uuid4()
    visit = await client.put(
        f"/api/visits/{visit_id}", headers=bearer(fieldworker), json=visit_body(case_id)
    )
    assert visit.status_code == 201, visit.text
    assert (await client.get(f"/api/visits/{visit_id}", headers=bearer(fieldworker))).is_success
    return {"case_id": case_id, "visit_id": visit_id, "fieldworker": fieldworker, "police": police}


async def access_log(client, tokens: dict, case_id: uuid.UUID, **params):
    return await client.get(
        f"/api/cases/{case_id}/access-log", headers=bearer(tokens), params=params
    )


async def test_a_supervisor_sees_who_did_what_on_the_case_and_its_visits(client, logged_case):
    supervisor = await login(client, "supervisor")
    answer = await access_log(client, supervisor, logged_case["case_id"])
    assert answer.status_code == 200, answer.text
    entries = answer.json()
    case_id, visit_id = str(logged_case["case_id"]), str(logged_case["visit_id"])
    seen = [(e["action"], e["object_type"], e["object_id"], e["outcome"]) for e in entries]
    for expected in [
        ("create", "case", case_id, "allowed"),
        ("read", "case", case_id, "allowed"),
        ("read", "case", case_id, "refused"),
        ("create", "visit", visit_id, "allowed"),
        ("read", "visit", visit_id, "allowed"),
    ]:
        assert expected in seen, expected
    # Newest first.
    times = [e["at"] for e in entries]
    assert times == sorted(times, reverse=True)
    assert seen.index(("read", "visit", visit_id, "allowed")) < seen.index(
        ("create", "case", case_id, "allowed")
    )
    # Who, for which organisation, from which device.
    made = entries[seen.index(("create", "case", case_id, "allowed"))]
    assert made["actor_user_id"] == str(demo_user_id("fieldworker"))
    assert made["actor_name"] == "Sanne Veldhoven"
    assert made["organisation_name"] == "Woonstichting Thuisbasis"
    assert made["device_id"] == logged_case["fieldworker"]["device_id"]
    assert made["device_name"] == "test tablet"
    refusal = entries[seen.index(("read", "case", case_id, "refused"))]
    assert refusal["organisation_name"] == "Politie Basisteam Rivierstad"
    assert refusal["detail"] == "organisation does not take part in the case"
    # Nothing about other cases.
    assert {e["object_id"] for e in entries} <= {case_id, visit_id}


async def test_reading_the_access_log_is_audited_and_shows_in_it(client, logged_case):
    supervisor = await login(client, "supervisor")
    case_id = logged_case["case_id"]
    assert (await access_log(client, supervisor, case_id)).status_code == 200
    rows = await audit_rows(device=supervisor["device_id"], object_id=str(case_id))
    assert [(r["action"], r["object_type"], r["outcome"]) for r in rows] == [
        ("read", "case_access_log", "allowed")
    ]
    newest = (await access_log(client, supervisor, case_id, limit=1)).json()
    assert [(e["action"], e["object_type"], e["device_id"]) for e in newest] == [
        ("read", "case_access_log", supervisor["device_id"])
    ]


async def test_the_log_is_paged(client, logged_case):
    supervisor = await login(client, "supervisor")
    case_id = logged_case["case_id"]
    whole = (await access_log(client, supervisor, case_id, limit=500)).json()
    # Each read adds one entry at the top; pages count from the newest, so read the pages and
    # compare them with the whole log read before them, shifted by the reads in between.
    first = (await access_log(client, supervisor, case_id, limit=3, offset=1)).json()
    second = (await access_log(client, supervisor, case_id, limit=3, offset=5)).json()
    key = [(e["at"], e["action"], e["object_id"], e["outcome"]) for e in whole]
    assert [(e["at"], e["action"], e["object_id"], e["outcome"]) for e in first] == key[0:3]
    assert [(e["at"], e["action"], e["object_id"], e["outcome"]) for e in second] == key[3:6]
    past_the_end = await access_log(client, supervisor, case_id, offset=10_000)
    assert past_the_end.status_code == 200 and past_the_end.json() == []


@pytest.mark.parametrize(
    ("username", "status", "reason"),
    [
        # Assigned to the case (they made it): sees the case, not who looked at it.
        ("fieldworker", 403, "the access log is for supervisors of the organisations taking part"),
        # A supervisor of an organisation that does not take part: no case to speak of.
        ("ggd-supervisor", 404, "organisation does not take part in the case"),
        ("police", 404, "organisation does not take part in the case"),
        ("admin", 404, "no case role"),
    ],
)
async def test_everyone_else_is_refused_and_the_refusal_audited(
    client, logged_case, username, status, reason
):
    tokens = await login(client, username)
    answer = await access_log(client, tokens, logged_case["case_id"])
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    rows = await audit_rows(device=tokens["device_id"], object_id=str(logged_case["case_id"]))
    assert [(r["action"], r["outcome"], r["detail"]) for r in rows] == [
        ("read_access_log", "refused", reason)
    ]


async def test_the_case_director_of_another_organisation_is_refused(client, logged_case):
    """Directing a case is no supervision of the organisations taking part."""
    fieldworker = bearer(logged_case["fieldworker"])
    case_id = logged_case["case_id"]
    handover = await client.post(
        f"/api/cases/{case_id}/director",
        headers=fieldworker,
        json={"user_id": str(demo_user_id("municipality"))},
    )
    assert handover.status_code == 200, handover.text
    director = await login(client, "municipality")
    assert (await client.get(f"/api/cases/{case_id}", headers=bearer(director))).is_success
    assert (await access_log(client, director, case_id)).status_code == 403
    # The director's organisation takes part now: its supervisor may read the log.
    municipal_supervisor = await login(client, "municipality-supervisor")
    assert (await access_log(client, municipal_supervisor, case_id)).status_code == 200


async def test_an_unknown_case_is_a_404(client):
    supervisor = await login(client, "supervisor")
    assert (await access_log(client, supervisor, uuid.uuid4())).status_code == 404
