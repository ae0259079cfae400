"""Bad input gets a problem+json with a stable code, and nothing is stored."""

import uuid

from tests.helpers import headers_for
from tests.integration.cases.test_cases import case_body


async def put(client, case_id, body, headers, **kwargs):
    return await client.put(f"/api/cases/{case_id}", headers=headers, json=body, **kwargs)


async def assert_not_stored(case_id):
    from api.cases.tables import HouseholdCase

    assert not await HouseholdCase.exists().where(HouseholdCase.id == case_id).run(in_pool=False)


async def test_an_unknown_field_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    case_id = uuid.uuid4()
    response = await put(client, case_id, {**case_body(), "favourite_colour": "blue"}, worker)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_body")
    assert "favourite_colour" in response.text
    await assert_not_stored(case_id)


async def test_wrong_types_and_broken_values_are_refused(client):
    worker = await headers_for(client, "fieldworker")
    bad_bodies = [
        case_body(signal={"arrears_cents": "lots", "arrears_months": 1}),
        case_body(signal={"arrears_cents": -5, "arrears_months": 1}),
        case_body(address={"street": "X", "house_number": "1", "postcode": "12345", "city": "Y"}),
        case_body(process_step="moon_landing"),
        case_body(members=[{"member_id": "not-a-uuid", "name": "A", "relation": "tenant"}]),
    ]
    for body in bad_bodies:
        case_id = uuid.uuid4()
        response = await put(client, case_id, body, worker)
        assert (response.status_code, response.json()["code"]) == (400, "invalid_body"), body
        await assert_not_stored(case_id)


async def test_a_malformed_case_id_is_a_parameter_error(client):
    worker = await headers_for(client, "fieldworker")
    for response in (
        await client.get("/api/cases/not-a-uuid", headers=worker),
        await client.put("/api/cases/12345", headers=worker, json=case_body()),
    ):
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "invalid_parameter"
        assert response.json()["errors"][0]["key"] == "case_id"


async def test_a_body_in_another_content_type_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    case_id = uuid.uuid4()
    response = await client.put(
        f"/api/cases/{case_id}",
        headers={**worker, "content-type": "application/x-www-form-urlencoded"},
        content=b"street=x",
    )
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    await assert_not_stored(case_id)


async def test_a_body_over_the_route_limit_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    case_id = uuid.uuid4()
    body = case_body()
    body["address"]["street"] = "x" * 100_000
    response = await put(client, case_id, body, worker)
    assert (response.status_code, response.json()["code"]) == (413, "body_too_large")
    await assert_not_stored(case_id)


async def test_a_body_that_is_not_json_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    case_id = uuid.uuid4()
    response = await client.put(
        f"/api/cases/{case_id}",
        headers={**worker, "content-type": "application/json"},
        content=b"{not json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_body")
    await assert_not_stored(case_id)


async def test_a_signal_naming_an_unknown_organisation_is_refused(client):
    worker = await headers_for(client, "fieldworker")
    case_id = uuid.uuid4()
    body = case_body(
        signal={
            "arrears_cents": 1,
            "arrears_months": 1,
            "source_organisation_id": str(uuid.uuid4()),
        }
    )
    response = await put(client, case_id, body, worker)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    await assert_not_stored(case_id)


async def test_text_the_database_cannot_hold_is_refused(client):
    """Refused before it reaches the database: a city over its column's 100 characters and a NUL
    in any text (PostgreSQL stores none). On PostgreSQL both were 500s."""
    worker = await headers_for(client, "fieldworker")
    long_city = {"street": "Vlierstraat", "house_number": "8", "postcode": "7411 XZ"}
    bad_bodies = [
        case_body(address={**long_city, "city": "R" * 101}),
        case_body(address={**long_city, "city": "Rivier\x00stad"}),
        case_body(step_note="belde\x00niet op"),
        case_body(
            members=[{"member_id": str(uuid.uuid4()), "name": "K\x00", "relation": "tenant"}]
        ),
    ]
    for body in bad_bodies:
        case_id = uuid.uuid4()
        response = await put(client, case_id, body, worker)
        assert (response.status_code, response.json()["code"]) == (400, "invalid_body"), body
        await assert_not_stored(case_id)


async def test_an_offset_past_what_a_database_integer_holds_is_a_parameter_error(client):
    worker = await headers_for(client, "fieldworker")
    for path in ("/api/cases", "/api/visits", "/api/followups", "/api/notifications"):
        response = await client.get(path, headers=worker, params={"offset": 10**20})
        assert (response.status_code, response.json()["code"]) == (400, "invalid_parameter"), path
        # Far past the last row is an empty page.
        response = await client.get(path, headers=worker, params={"offset": 1_000_000})
        assert (response.status_code, response.json()) == (200, []), path
