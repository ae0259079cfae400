"""Push subscriptions: the key the browser subscribes with, storing, moving, removing, refusing."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.fakes.push_service import b64url
from tests.helpers import audit_rows
from tests.integration.notifications.flows import another_tablet, new_person, subscribe


async def subscriptions_of(user_id) -> list[dict]:
    from api.notifications.tables import PushSubscription

    return await (
        PushSubscription.select()
        .where(PushSubscription.user == user_id)
        .order_by(PushSubscription.created_at)
        .run(in_pool=False)
    )


def browser_keys() -> dict[str, str]:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


async def test_the_vapid_public_key_is_the_uncompressed_point_of_the_servers_key(client):
    from api.keys import load_vapid_key
    from api.settings import get_settings

    person = await new_person(client)
    response = await client.get("/api/push/vapid-public-key", headers=person.headers)

    assert response.status_code == 200
    text = response.json()["public_key"]
    assert "=" not in text
    point = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    expected = (
        load_vapid_key(get_settings().keys_dir)
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    assert (len(point), point[0], point) == (65, 4, expected)


async def test_the_same_endpoint_again_updates_the_subscription(client, push_service):
    person = await new_person(client)
    browser, first = await subscribe(client, person.headers, push_service)
    renewed = {**browser.subscription_json(), "keys": browser_keys()}

    again = await client.post("/api/push/subscriptions", headers=person.headers, json=renewed)

    assert again.status_code == 200, again.text
    assert again.json()["id"] == first["id"]
    [stored] = await subscriptions_of(person.id)
    assert (stored["p256dh"], stored["auth"]) == (
        renewed["keys"]["p256dh"],
        renewed["keys"]["auth"],
    )
    assert len(await audit_rows(action="subscribe", object_id=first["id"])) == 2


async def test_sending_the_same_subscription_on_every_start_is_one_row(client, push_service):
    person = await new_person(client)
    browser, first = await subscribe(client, person.headers, push_service)
    for _ in range(2):
        response = await client.post(
            "/api/push/subscriptions", headers=person.headers, json=browser.subscription_json()
        )
        assert response.status_code == 200
    assert len(await subscriptions_of(person.id)) == 1
    assert len(await audit_rows(action="subscribe", object_id=first["id"])) == 1


async def test_a_subscription_is_kept_per_device(client, push_service):
    person = await new_person(client)
    _, on_first = await subscribe(client, person.headers, push_service)
    _, on_second = await subscribe(client, await another_tablet(client, person), push_service)
    assert on_first["device_id"] != on_second["device_id"]
    assert len(await subscriptions_of(person.id)) == 2


async def test_a_browser_used_by_someone_else_now_alerts_them(client, push_service):
    before, after = await new_person(client), await new_person(client)
    browser, first = await subscribe(client, before.headers, push_service)

    moved = await client.post(
        "/api/push/subscriptions", headers=after.headers, json=browser.subscription_json()
    )

    assert moved.status_code == 200
    assert moved.json()["id"] == first["id"]
    assert await subscriptions_of(before.id) == []
    assert len(await subscriptions_of(after.id)) == 1


async def test_unsubscribing_removes_only_my_own_and_may_be_repeated(client, push_service):
    owner, other = await new_person(client), await new_person(client)
    browser, _ = await subscribe(client, owner.headers, push_service)
    body = {"endpoint": browser.endpoint}

    not_mine = await client.request(
        "DELETE", "/api/push/subscriptions", headers=other.headers, json=body
    )
    assert not_mine.status_code == 204
    assert len(await subscriptions_of(owner.id)) == 1

    for _ in range(2):
        gone = await client.request(
            "DELETE", "/api/push/subscriptions", headers=owner.headers, json=body
        )
        assert gone.status_code == 204
    assert await subscriptions_of(owner.id) == []


def _point_off_the_curve() -> str:
    return b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param({"p256dh": "not base64url!", "auth": b64url(os.urandom(16))}, id="alphabet"),
        pytest.param({"p256dh": b64url(os.urandom(64)), "auth": b64url(os.urandom(16))}, id="64"),
        pytest.param(
            {"p256dh": _point_off_the_curve(), "auth": b64url(os.urandom(16))}, id="curve"
        ),
        pytest.param({**browser_keys(), "auth": b64url(os.urandom(15))}, id="auth-15"),
        pytest.param({**browser_keys(), "auth": b64url(os.urandom(32))}, id="auth-32"),
    ],
)
async def test_keys_that_are_not_a_browsers_are_refused(client, push_service, keys):
    person = await new_person(client)
    browser = push_service.subscribe()
    response = await client.post(
        "/api/push/subscriptions",
        headers=person.headers,
        json={"endpoint": browser.endpoint, "keys": keys},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_push_keys"
    assert await subscriptions_of(person.id) == []


def _compressed_point() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return b64url(
        key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    )


async def test_a_compressed_point_is_refused(client):
    person = await new_person(client)
    response = await client.post(
        "/api/push/subscriptions",
        headers=person.headers,
        json={
            "endpoint": "https://fcm.googleapis.com/fcm/send/compressed",
            "keys": {"p256dh": _compressed_point(), "auth": b64url(os.urandom(16))},
        },
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_push_keys")


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://updates.push.services.mozilla.com/wpush/v2/abc",  # not https
        "https://intranet.gemeente.example/hook",  # not a push service
        "https://10.0.0.5/push/abc",  # an address inside the network
        "https://[::1]:8443/push/abc",
        "https://user:secret@fcm.googleapis.com/fcm/send/abc",
        "http://192.168.1.10:8080/push/abc",
        "ftp://fcm.googleapis.com/abc",
    ],
)
async def test_an_endpoint_that_is_not_a_push_service_is_refused(client, endpoint):
    person = await new_person(client)
    response = await client.post(
        "/api/push/subscriptions",
        headers=person.headers,
        json={"endpoint": endpoint, "keys": browser_keys()},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "push_endpoint_not_allowed"


async def test_the_push_services_of_the_browsers_in_use_are_accepted(client):
    person = await new_person(client)
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH1",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ):
        response = await client.post(
            "/api/push/subscriptions",
            headers=person.headers,
            json={"endpoint": endpoint, "keys": browser_keys()},
        )
        assert response.status_code == 201, response.text
        # Nothing may ever be sent there from a test: remove it again at once.
        removed = await client.request(
            "DELETE", "/api/push/subscriptions", headers=person.headers, json={"endpoint": endpoint}
        )
        assert removed.status_code == 204


async def test_an_unknown_field_is_refused_as_a_bad_body(client, push_service):
    person = await new_person(client)
    body = {**push_service.subscribe().subscription_json(), "options": {"userVisibleOnly": True}}
    response = await client.post("/api/push/subscriptions", headers=person.headers, json=body)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_body")
