"""Login, device enrolment, token rotation with its grace window, logout and revocation."""

import asyncio
import dataclasses
import uuid

from tests.conftest import DEMO_PASSWORD
from tests.helpers import bearer, headers_for, login, new_user
from tests.integration.accounts.instances import Instance


async def test_logging_in_enrols_a_device_and_returns_a_token_pair(client):
    tokens = await login(client, "fieldworker")
    assert tokens["token_type"] == "Bearer"
    assert tokens["user"]["username"] == "fieldworker"
    assert tokens["user"]["organisation"]["kind"] == "housing_corporation"
    me = await client.get("/api/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["device"]["id"] == tokens["device_id"]
    assert me.json()["user"]["roles"] == ["field_worker"]


async def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client):
    wrong = await client.post(
        "/api/auth/login",
        json={"username": "ggd", "password": "not the password", "device_name": "x"},
    )
    unknown = await client.post(
        "/api/auth/login",
        json={"username": "nobody-here", "password": "not the password", "device_name": "x"},
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"
    assert wrong.headers["content-type"].startswith("application/problem+json")


async def test_repeated_failures_for_one_account_are_throttled(client):
    """More in test_login_throttling.py; from an address of its own (instances.py), so that these
    failures do not add up with other tests' from the session client's."""
    api = Instance(client)
    username = f"throttled-{uuid.uuid4().hex[:8]}"
    statuses = [(await api.log_in(username, "wrong")).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    throttled = await api.log_in(username, "wrong")
    assert throttled.json()["code"] == "too_many_attempts"
    assert int(throttled.headers["retry-after"]) > 0


async def test_a_username_longer_than_any_account_fails_like_any_other(client):
    """Counted against the first 100 characters (no account has a longer name): on PostgreSQL
    the failure row once overflowed its column, a 500."""
    body = {"username": "x" * 150, "password": "wrong", "device_name": "x"}
    response = await client.post("/api/auth/login", json=body)
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")


async def test_refresh_rotates_the_pair_and_the_new_access_token_works(client):
    tokens = await login(client, "socialwork")
    response = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["device_id"] == tokens["device_id"]
    assert (await client.get("/api/me", headers=bearer(rotated))).status_code == 200


async def test_a_refresh_repeated_within_the_grace_window_gets_the_same_pair(client):
    """The response to the first refresh got lost on a bad connection; the tablet asks again."""
    tokens = await login(client, "socialwork")
    body = {"refresh_token": tokens["refresh_token"]}
    first = (await client.post("/api/auth/refresh", json=body)).json()
    second = await client.post("/api/auth/refresh", json=body)
    assert second.status_code == 200
    assert second.json()["refresh_token"] == first["refresh_token"]
    assert second.json()["access_token"] == first["access_token"]
    # The pair handed out twice is one live session: it keeps rotating.
    third = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert third.status_code == 200


async def test_two_refreshes_at_the_same_moment_get_one_pair(client):
    tokens = await login(client, "debtcounsel")
    body = {"refresh_token": tokens["refresh_token"]}
    responses = await asyncio.gather(
        *(client.post("/api/auth/refresh", json=body) for _ in range(3))
    )
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len({r.json()["refresh_token"] for r in responses}) == 1


async def test_a_refresh_token_reused_after_the_grace_window_ends_the_session(client):
    tokens = await login(client, "police")
    body = {"refresh_token": tokens["refresh_token"]}
    rotated = (await client.post("/api/auth/refresh", json=body)).json()
    state = client.app.state
    original = state.session_context
    state.session_context = dataclasses.replace(
        original, settings=dataclasses.replace(original.settings, refresh_grace_seconds=0)
    )
    try:
        await asyncio.sleep(0.01)
        reused = await client.post("/api/auth/refresh", json=body)
    finally:
        state.session_context = original
    assert reused.status_code == 401
    assert reused.json()["code"] == "session_ended"
    # Both the thief's and the owner's tokens stop working; the owner logs in again and keeps
    # the same device (and so its unsent visits), which was not revoked.
    me = await client.get("/api/me", headers=bearer(rotated))
    assert me.json()["code"] == "session_ended"
    again = await login(client, "police", device_id=tokens["device_id"])
    assert again["device_id"] == tokens["device_id"]


async def test_logout_ends_the_session_but_keeps_the_device(client):
    tokens = await login(client, "ggd")
    assert (await client.post("/api/auth/logout", headers=bearer(tokens))).status_code == 204
    me = await client.get("/api/me", headers=bearer(tokens))
    assert me.status_code == 401
    assert me.json()["code"] == "session_ended"
    refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.json()["code"] == "session_ended"


async def test_a_revoked_device_is_told_to_wipe_itself(client):
    admin = await headers_for(client, "admin")
    tokens = await login(client, "fieldworker")
    revoke = await client.post(f"/api/admin/devices/{tokens['device_id']}/revoke", headers=admin)
    assert revoke.status_code == 200
    assert revoke.json()["revoked_at"] is not None
    me = await client.get("/api/me", headers=bearer(tokens))
    assert (me.status_code, me.json()["code"]) == (401, "device_revoked")
    refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.json()["code"] == "device_revoked"
    # Logging in again from the revoked tablet is refused, so that it wipes itself; once wiped
    # it logs in without the id and is enrolled as a new device. The revoked one stays revoked.
    refused = await client.post(
        "/api/auth/login",
        json={
            "username": "fieldworker",
            "password": DEMO_PASSWORD,
            "device_name": "x",
            "device_id": tokens["device_id"],
        },
    )
    assert (refused.status_code, refused.json()["code"]) == (401, "device_revoked")
    # Only after the right password: a wrong one says nothing about the device.
    wrong = await client.post(
        "/api/auth/login",
        json={
            "username": "fieldworker",
            "password": "not the password",
            "device_name": "x",
            "device_id": tokens["device_id"],
        },
    )
    assert wrong.json()["code"] == "invalid_credentials"
    again = await login(client, "fieldworker")
    assert again["device_id"] != tokens["device_id"]


async def test_a_disabled_user_is_logged_out_not_wiped(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "ggd", ["field_worker"])
    tokens = await login(client, person["username"], person["password"])
    disabled = await client.post(f"/api/admin/users/{person['id']}/disable", headers=admin)
    assert disabled.json()["active"] is False
    me = await client.get("/api/me", headers=bearer(tokens))
    assert (me.status_code, me.json()["code"]) == (401, "account_disabled")
    relogin = await client.post(
        "/api/auth/login",
        json={"username": person["username"], "password": person["password"], "device_name": "x"},
    )
    assert relogin.json()["code"] == "invalid_credentials"
    await client.post(f"/api/admin/users/{person['id']}/enable", headers=admin)
    assert (await login(client, person["username"], person["password"]))["access_token"]


async def test_a_password_reset_ends_every_session_of_that_user(client):
    admin = await headers_for(client, "admin")
    person = await new_user(client, admin, "welzijn", ["field_worker"])
    tokens = await login(client, person["username"], person["password"])
    reset = await client.post(
        f"/api/admin/users/{person['id']}/reset-password",
        headers=admin,
        json={"new_password": "another-long-password"},
    )
    assert reset.status_code == 200
    assert (await client.get("/api/me", headers=bearer(tokens))).json()["code"] == "session_ended"
    assert await login(client, person["username"], "another-long-password")


async def test_requests_without_a_valid_bearer_token_are_refused(client):
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer nonsense"}):
        response = await client.get("/api/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


async def test_a_login_naming_another_users_device_enrols_a_new_one(client):
    """A device id is not a credential: someone else's tablet id gives no access to its session."""
    owner = await login(client, "socialwork")
    other = await login(client, "debtcounsel", device_id=owner["device_id"])
    assert other["device_id"] != owner["device_id"]
    assert (await client.get("/api/me", headers=bearer(owner))).status_code == 200
