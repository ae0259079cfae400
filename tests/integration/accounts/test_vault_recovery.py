"""The tablet vault's recovery secret: handed out by a password login only, bound to the user
and the device, and derived rather than stored (the same for the same pair every time)."""

import base64

from tests.conftest import DEMO_PASSWORD
from tests.helpers import bearer, login


def secret_bytes(tokens: dict) -> bytes:
    text = tokens["vault_recovery_key"]
    assert "=" not in text and "+" not in text and "/" not in text  # base64url, unpadded
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def test_a_password_login_hands_the_device_its_recovery_secret(client):
    first = await login(client, "fieldworker")
    assert len(secret_bytes(first)) == 32
    # The same user on the same device gets the same secret at every login: the wrap made
    # with it at the first login still opens after the next.
    again = await login(client, "fieldworker", device_id=first["device_id"])
    assert again["device_id"] == first["device_id"]
    assert again["vault_recovery_key"] == first["vault_recovery_key"]


async def test_the_secret_differs_per_device_and_per_user(client):
    mine = await login(client, "socialwork")
    other_tablet = await login(client, "socialwork")
    assert other_tablet["device_id"] != mine["device_id"]
    assert other_tablet["vault_recovery_key"] != mine["vault_recovery_key"]
    # Another user logging in on this tablet is enrolled as a device of their own, with a
    # secret of their own that cannot open the first user's vault.
    colleague = await login(client, "debtcounsel", device_id=mine["device_id"])
    assert colleague["vault_recovery_key"] not in {
        mine["vault_recovery_key"],
        other_tablet["vault_recovery_key"],
    }


async def test_a_refresh_never_carries_the_secret(client):
    tokens = await login(client, "fieldworker")
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    assert "vault_recovery_key" not in refreshed.json()
    assert "vault_recovery_key" not in refreshed.text
    me = await client.get("/api/me", headers=bearer(refreshed.json()))
    assert tokens["vault_recovery_key"] not in me.text


async def test_a_revoked_device_gets_no_secret(client):
    """Its login is refused (the app wipes itself); logged in afresh it is a new device, whose
    secret opens no wrap made under the revoked one's."""
    admin = bearer(await login(client, "admin"))
    tokens = await login(client, "fieldworker")
    revoke = await client.post(f"/api/admin/devices/{tokens['device_id']}/revoke", headers=admin)
    assert revoke.status_code == 200
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
    assert "vault_recovery_key" not in refused.text
    again = await login(client, "fieldworker")
    assert again["device_id"] != tokens["device_id"]
    assert again["vault_recovery_key"] != tokens["vault_recovery_key"]
