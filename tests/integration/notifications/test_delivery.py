"""Delivering alerts by Web Push: signed, encrypted, once per browser, and the push services'
answers obeyed. The push service is a fake on loopback; the crypto on both sides is real."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from tests.integration.notifications.flows import (
    another_tablet,
    inbox,
    new_person,
    notify,
    push_job,
    run_jobs,
    subscribe,
)


def clock_at(moment: dt.datetime):
    return lambda: moment


async def subscription_ids(user_id) -> list[str]:
    from api.notifications.tables import PushSubscription

    rows = await (
        PushSubscription.select(PushSubscription.id)
        .where(PushSubscription.user == user_id)
        .run(in_pool=False)
    )
    return [str(row["id"]) for row in rows]


async def test_each_tablet_gets_the_alert_once_signed_and_encrypted(client, push_service):
    person = await new_person(client)
    tablet, _ = await subscribe(client, person.headers, push_service)
    laptop, _ = await subscribe(client, await another_tablet(client, person), push_service)
    followup_id = await notify(client, [person.id])

    await run_jobs(client)
    await run_jobs(client)  # nothing is due any more: nothing is sent again

    assert push_service.errors == []
    [note] = await inbox(client, person.headers)
    for browser in (tablet, laptop):
        [received] = push_service.messages(browser)
        assert received.message == {
            "type": "followup_new",
            "id": note["id"],
            "object_type": "followup",
            "object_id": str(followup_id),
            "title": "Nieuwe vervolgactie voor uw organisatie",
        }
        # The token was for this push service's origin, port included, from our contact.
        assert received.claims["aud"] == push_service.origin
        assert ":" in push_service.origin.removeprefix("http://")
        assert received.claims["sub"] == "mailto:beheer@keukentafel.invalid"
        assert received.headers["ttl"] == "86400"
        assert received.headers["urgency"] == "normal"
        assert received.body_size < 4096
        for personal in (person.display_name, person.username, str(person.id)):
            assert personal not in received.plaintext.decode()
    assert (await push_job(note["id"]))["state"] == "done"


async def test_an_escalation_is_pushed_with_high_urgency(client, push_service):
    person = await new_person(client)
    browser, _ = await subscribe(client, person.headers, push_service)
    await notify(client, [person.id], kind="followup_escalated")
    await run_jobs(client)
    [received] = push_service.messages(browser)
    assert received.headers["urgency"] == "high"
    assert received.message["type"] == "followup_escalated"


async def test_a_person_without_subscriptions_still_finds_the_alert_in_the_inbox(client):
    person = await new_person(client)
    await notify(client, [person.id])
    await run_jobs(client)
    [note] = await inbox(client, person.headers)
    assert (await push_job(note["id"]))["state"] == "done"


@pytest.mark.parametrize("status", [404, 410])
async def test_a_subscription_the_push_service_no_longer_knows_is_deleted(
    client, push_service, status
):
    person = await new_person(client)
    expired, _ = await subscribe(client, person.headers, push_service)
    alive, alive_row = await subscribe(client, await another_tablet(client, person), push_service)
    push_service.answer(expired, status)

    await notify(client, [person.id])
    await run_jobs(client)

    assert await subscription_ids(person.id) == [alive_row["id"]]
    assert len(push_service.messages(alive)) == 1
    [note] = await inbox(client, person.headers)
    assert (await push_job(note["id"]))["state"] == "done"


async def test_a_429_is_retried_when_the_push_service_says_and_then_delivered(client, push_service):
    from api.lib.db import now

    person = await new_person(client)
    browser, _ = await subscribe(client, person.headers, push_service)
    push_service.answer(browser, 429, retry_after="120")
    await notify(client, [person.id])
    [note] = await inbox(client, person.headers)
    moment = now()

    await run_jobs(client, clock_at(moment))

    job = await push_job(note["id"])
    assert (job["state"], job["attempts"]) == ("pending", 1)
    assert job["run_after"] == moment + dt.timedelta(seconds=120)
    assert push_service.messages(browser) == []

    push_service.answer(browser, 201)
    await run_jobs(client, clock_at(moment + dt.timedelta(seconds=119)))
    assert push_service.messages(browser) == []
    await run_jobs(client, clock_at(moment + dt.timedelta(seconds=121)))
    assert len(push_service.messages(browser)) == 1
    assert (await push_job(note["id"]))["state"] == "done"
    assert push_service.attempts[browser.token] == 2


async def test_a_failing_push_service_is_retried_without_sending_twice_to_the_others(
    client, push_service
):
    from api.lib.db import now

    person = await new_person(client)
    healthy, _ = await subscribe(client, person.headers, push_service)
    failing, _ = await subscribe(client, await another_tablet(client, person), push_service)
    push_service.answer(failing, 500)
    await notify(client, [person.id])
    [note] = await inbox(client, person.headers)
    moment = now()

    await run_jobs(client, clock_at(moment))

    job = await push_job(note["id"])
    assert job["state"] == "pending"
    assert "500" in job["last_error"]
    assert job["run_after"] > moment
    assert len(push_service.messages(healthy)) == 1

    push_service.answer(failing, 201)
    await run_jobs(client, clock_at(moment + dt.timedelta(hours=1)))

    assert len(push_service.messages(healthy)) == 1
    assert len(push_service.messages(failing)) == 1
    assert push_service.attempts[healthy.token] == 1
    assert (await push_job(note["id"]))["state"] == "done"


async def test_a_push_service_that_does_not_answer_is_retried_with_backoff(client, push_service):
    from api.lib.db import now

    person = await new_person(client)
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    browser = push_service.subscribe()
    body = {**browser.subscription_json(), "endpoint": f"http://127.0.0.1:{port}/push/gone"}
    response = await client.post("/api/push/subscriptions", headers=person.headers, json=body)
    assert response.status_code == 201
    await notify(client, [person.id])
    [note] = await inbox(client, person.headers)

    moment = now()
    await run_jobs(client, clock_at(moment))

    job = await push_job(note["id"])
    assert job["state"] == "pending"
    assert "ClientConnectorError" in job["last_error"]
    assert job["run_after"] > moment
    # Unsubscribed meanwhile: the retry has nobody left to send to and finishes.
    await client.request(
        "DELETE",
        "/api/push/subscriptions",
        headers=person.headers,
        json={"endpoint": body["endpoint"]},
    )
    await run_jobs(client, clock_at(moment + dt.timedelta(hours=1)))
    assert (await push_job(note["id"]))["state"] == "done"


async def test_a_logged_out_tablet_gets_no_push(client, push_service):
    person = await new_person(client)
    other_tablet = await another_tablet(client, person)
    browser, _ = await subscribe(client, other_tablet, push_service)
    logged_out = await client.post("/api/auth/logout", headers=other_tablet)
    assert logged_out.status_code in (200, 204)

    await notify(client, [person.id])
    await run_jobs(client)

    assert push_service.attempts[browser.token] == 0
    assert len(await inbox(client, person.headers)) == 1


async def test_an_alert_older_than_its_time_to_live_is_not_pushed(client, push_service):
    from api.lib.db import now
    from api.notifications.tables import Notification

    person = await new_person(client)
    browser, _ = await subscribe(client, person.headers, push_service)
    await notify(client, [person.id])
    [note] = await inbox(client, person.headers)
    # The worker was down for two days.
    two_days_ago = now() - dt.timedelta(days=2)
    await (
        Notification.update({Notification.created_at: two_days_ago})
        .where(Notification.id == note["id"])
        .run(in_pool=False)
    )
    await run_jobs(client)
    assert push_service.attempts[browser.token] == 0
    assert (await push_job(note["id"]))["state"] == "done"
