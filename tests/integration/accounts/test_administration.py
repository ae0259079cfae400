"""What an administrator does to a person takes effect at that person's next request: ending
all their sessions (without wiping a device), and changing their roles or organisation, which
the tokens they already hold do not carry."""

import uuid

from tests.helpers import (
    audit_rows,
    bearer,
    demo_org_id,
    demo_user_id,
    headers_for,
    login,
    new_user,
)
from tests.integration.reports.flows import review, submitted_visit


async def test_an_administrator_ends_every_session_of_a_user_and_wipes_nothing(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "schuldhulp", ["field_worker"])
    tablet = await login(client, person["username"], person["password"])
    laptop = await login(client, person["username"], person["password"])
    bystander = await login(client, "debtcounsel")

    response = await client.post(f"/api/admin/users/{person['id']}/end-sessions", headers=admin)
    assert response.status_code == 200, response.text
    devices = {device["id"]: device for device in response.json()}
    assert set(devices) == {tablet["device_id"], laptop["device_id"]}
    assert all(not d["session_active"] and d["revoked_at"] is None for d in devices.values())

    for tokens in (tablet, laptop):
        # `session_ended`, not `device_revoked`: the app logs in again and keeps its data.
        me = await client.get("/api/me", headers=bearer(tokens))
        assert (me.status_code, me.json()["code"]) == (401, "session_ended")
        body = {"refresh_token": tokens["refresh_token"]}
        refresh = await client.post("/api/auth/refresh", json=body)
        assert (refresh.status_code, refresh.json()["code"]) == (401, "session_ended")
    device_id = tablet["device_id"]
    again = await login(client, person["username"], person["password"], device_id=device_id)
    assert again["device_id"] == tablet["device_id"]
    assert (await client.get("/api/me", headers=bearer(again))).status_code == 200
    # Nobody else's session was touched.
    assert (await client.get("/api/me", headers=bearer(bystander))).status_code == 200

    ordered = await audit_rows(action="end_sessions", object_id=person["id"])
    assert [(row["actor_user"], row["outcome"]) for row in ordered] == [
        (demo_user_id("admin"), "allowed")
    ]
    for device_id in devices:
        ends = await audit_rows(action="session_end", object_id=device_id)
        assert [row["detail"] for row in ends] == ["ended by an administrator"]


async def test_ending_the_sessions_of_nobody_is_not_found(client):
    admin = await headers_for(client, "admin")
    response = await client.post(f"/api/admin/users/{uuid.uuid4()}/end-sessions", headers=admin)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


async def test_a_supervisor_demoted_to_worker_loses_the_review_queue_at_the_next_request(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "thuisbasis", ["supervisor"])
    # One token for the whole test: it was issued while the person was a supervisor.
    supervisor = bearer(await login(client, person["username"], person["password"]))
    visit_id, _ = await submitted_visit(client, await headers_for(client, "fieldworker"))
    queue = await client.get(
        "/api/visits?state=submitted&order=newest&limit=500", headers=supervisor
    )
    assert str(visit_id) in {visit["id"] for visit in queue.json()}

    demoted = await client.patch(
        f"/api/admin/users/{person['id']}", headers=admin, json={"roles": ["field_worker"]}
    )
    assert demoted.status_code == 200, demoted.text
    assert demoted.json()["roles"] == ["field_worker"]

    me = await client.get("/api/me", headers=supervisor)
    assert me.json()["user"]["roles"] == ["field_worker"]
    queue = await client.get(
        "/api/visits?state=submitted&order=newest&limit=500", headers=supervisor
    )
    assert queue.status_code == 200
    assert str(visit_id) not in {visit["id"] for visit in queue.json()}
    refused = await review(client, supervisor, visit_id, "approve")
    assert refused.status_code in (403, 404), refused.text
    shown = await client.get(f"/api/visits/{visit_id}", headers=supervisor)
    assert shown.status_code == 404
    changes = await audit_rows(action="update", object_id=person["id"])
    assert [row["detail"] for row in changes] == ["roles"]


async def test_a_user_moved_to_another_organisation_acts_for_it_at_the_next_request(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "ggd", ["field_worker"])
    tokens = bearer(await login(client, person["username"], person["password"]))
    moved = await client.patch(
        f"/api/admin/users/{person['id']}",
        headers=admin,
        json={"organisation_id": str(demo_org_id("welzijn")), "display_name": "Verhuisd"},
    )
    assert moved.status_code == 200, moved.text
    me = (await client.get("/api/me", headers=tokens)).json()["user"]
    assert me["organisation"]["id"] == str(demo_org_id("welzijn"))
    assert me["display_name"] == "Verhuisd"


async def test_a_disabled_user_is_refused_at_the_next_request_with_the_token_it_has(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "politie", ["field_worker"])
    tokens = bearer(await login(client, person["username"], person["password"]))
    assert (await client.get("/api/me", headers=tokens)).status_code == 200
    await client.post(f"/api/admin/users/{person['id']}/disable", headers=admin)
    me = await client.get("/api/me", headers=tokens)
    assert (me.status_code, me.json()["code"]) == (401, "account_disabled")


async def test_changing_a_user_checks_what_it_names(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "ggd", ["field_worker"])
    nowhere = await client.patch(
        f"/api/admin/users/{person['id']}",
        headers=admin,
        json={"organisation_id": str(uuid.uuid4())},
    )
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "not_found")
    nobody = await client.patch(
        f"/api/admin/users/{uuid.uuid4()}", headers=admin, json={"display_name": "Niemand"}
    )
    assert nobody.status_code == 404
    unknown_role = await client.patch(
        f"/api/admin/users/{person['id']}", headers=admin, json={"roles": ["director"]}
    )
    assert unknown_role.status_code == 400
    # An administrator cannot lock themselves out of administration.
    own = await client.patch(
        f"/api/admin/users/{demo_user_id('admin')}", headers=admin, json={"roles": ["supervisor"]}
    )
    assert (own.status_code, own.json()["code"]) == (403, "forbidden")
    assert (await client.get("/api/admin/users", headers=admin)).status_code == 200
