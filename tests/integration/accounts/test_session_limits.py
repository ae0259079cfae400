"""A session ends after 12 hours without a request or refresh from its device (idle), and 7 days
after its login however active (absolute); the device logs in again and keeps its data. The
sessions' clock is moved forward by hand (tests/integration/accounts/instances.py)."""

import uuid

from api.accounts.tables import Device
from api.settings import get_settings
from tests.helpers import audit_rows, headers_for, new_user
from tests.integration.accounts.instances import Instance


async def _person(client) -> dict:
    return await new_user(client, await headers_for(client, "admin"), "welzijn", ["field_worker"])


async def _log_in(api: Instance, person: dict, **extra) -> dict:
    response = await api.log_in(person["username"], person["password"], **extra)
    assert response.status_code == 200, response.text
    return response.json()


def _ended(response) -> bool:
    return (response.status_code, response.json()["code"]) == (401, "session_ended")


async def test_the_limits_by_default(client):
    settings = get_settings()
    assert settings.session_idle_seconds == 12 * 3600
    assert settings.session_max_seconds == 7 * 24 * 3600


async def test_a_session_idle_for_twelve_hours_ends_at_its_next_refresh(client):
    api = Instance(client)
    person = await _person(client)
    tokens = await _log_in(api, person)
    api.clock.advance(hours=11, minutes=59)
    response = await api.refresh(tokens)
    assert response.status_code == 200, response.text
    tokens = response.json()
    api.clock.advance(hours=12)
    refused = await api.refresh(tokens)
    assert _ended(refused)
    assert "idle for 12 hours" in refused.json()["detail"]
    # Not a wipe: the device logs in again under its own id.
    again = await _log_in(api, person, device_id=tokens["device_id"])
    assert again["device_id"] == tokens["device_id"]
    assert (await api.me(again)).status_code == 200


async def test_requests_keep_a_session_alive_and_idleness_ends_it_at_the_next_request(client):
    """With long-lived access tokens every request is what counts as activity."""
    api = Instance(client, access_token_seconds=3 * 24 * 3600)
    person = await _person(client)
    tokens = await _log_in(api, person)
    for _ in range(3):  # 33 hours since login, never 12 without a request
        api.clock.advance(hours=11)
        assert (await api.me(tokens)).status_code == 200
    api.clock.advance(hours=12, seconds=1)
    assert _ended(await api.me(tokens))
    # The end is recorded: the device row says so, and the audit trail says why.
    device_id = uuid.UUID(tokens["device_id"])
    device = await Device.select().where(Device.id == device_id).first().run(in_pool=False)
    assert device["session_active"] is False and device["revoked_at"] is None
    ends = await audit_rows(action="session_end", object_id=str(device_id))
    assert [row["detail"] for row in ends] == ["the device was idle for 12 hours"]
    # It stays ended, also once the clock is read again.
    assert _ended(await api.refresh(tokens))


async def test_a_session_ends_seven_days_after_login_however_active(client):
    api = Instance(client)
    person = await _person(client)
    tokens = await _log_in(api, person)
    elapsed = 0
    while elapsed + 11 < 7 * 24:  # a refresh every 11 hours: never idle
        api.clock.advance(hours=11)
        elapsed += 11
        response = await api.refresh(tokens)
        assert response.status_code == 200, f"{elapsed} h: {response.text}"
        tokens = response.json()
    assert (await api.me(tokens)).status_code == 200
    api.clock.advance(hours=7 * 24 - elapsed, minutes=1)
    refused = await api.refresh(tokens)
    assert _ended(refused)
    assert "older than 7 days" in refused.json()["detail"]
    # A new login starts a new session of its own seven days.
    again = await _log_in(api, person, device_id=tokens["device_id"])
    api.clock.advance(hours=11)
    assert (await api.refresh(again)).status_code == 200


async def test_the_limits_are_configurable(client):
    api = Instance(
        client, session_idle_seconds=600, session_max_seconds=3600, access_token_seconds=3600
    )
    person = await _person(client)
    tokens = await _log_in(api, person)
    api.clock.advance(minutes=9)
    assert (await api.me(tokens)).status_code == 200
    api.clock.advance(minutes=10, seconds=1)
    # The access token has an hour to go: the idle limit is what ends the session.
    assert _ended(await api.me(tokens))
    tokens = await _log_in(api, person, device_id=tokens["device_id"])
    for _ in range(6):  # 54 minutes, never 10 idle
        api.clock.advance(minutes=9)
        response = await api.refresh(tokens)
        assert response.status_code == 200
        tokens = response.json()
    api.clock.advance(minutes=7)
    refused = await api.refresh(tokens)
    assert _ended(refused)
    assert "older than 1 hour" in refused.json()["detail"]
