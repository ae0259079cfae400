"""The worker's push job: one per notification, sent to each of the user's subscriptions.

One job per notification rather than one per subscription: the subscriptions are read when the
job runs, so a browser subscribed after the alert was made still hears of it, and one that
unsubscribed or whose device was revoked or logged out hears nothing. What a retry must not do
is send again to a subscription that already got it, so each settled (notification,
subscription) pair is written to `push_delivery` right after its send, and a retry skips those.
Between a push service's 201 and that row a crash can still cause one duplicate send (delivery
is at least once; tests/reliability/test_worker_crash.py kills a worker there). Two things keep
it from reaching the person twice: every send for a notification carries the same `Topic`
(RFC 8030 section 5.4), so the push service replaces a copy it has not delivered yet, and the
payload's `id` is the service worker's notification `tag`, so a copy already delivered replaces
the shown notification rather than stacking a second one.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from api.jobs.worker import RetryAfter, handles
from api.lib.db import now
from api.notifications import push
from api.notifications.kinds import KINDS
from api.notifications.tables import (
    Notification,
    PushDelivery,
    PushSubscription,
    delivery_id,
)

PUSH_JOB = "push"
log = logging.getLogger("keukentafel.push")


class PushFailed(RuntimeError):
    """Some push service did not answer or answered 5xx: the worker retries with backoff."""


def push_job_key(notification_id: uuid.UUID) -> str:
    return f"push:{notification_id}"


@handles(PUSH_JOB)
async def deliver_push(payload: dict[str, Any]) -> None:
    notification_id = uuid.UUID(payload["notification_id"])
    notification = await Notification.select().where(Notification.id == notification_id).first()
    if notification is None:
        return
    if now() - notification["created_at"] > push.TTL:
        return  # stale as an alert: the inbox still shows it
    pending = await _pending_subscriptions(notification_id, notification["user"])
    if not pending:
        return
    kind = KINDS[notification["kind"]]
    data = push.payload(
        notification_id,
        notification["kind"],
        notification["object_type"],
        notification["object_id"],
        notification["title_nl"],
    )
    topic = push.topic(notification_id)
    retry_after: list[float] = []
    failures: list[str] = []
    async with push.client_session() as session:
        for subscription in pending:
            outcome = await push.send(session, subscription, data, kind.urgency, topic=topic)
            await _settle(notification_id, subscription, outcome)
            if outcome.result == "retry" and outcome.retry_after is not None:
                retry_after.append(outcome.retry_after)
            elif outcome.result == "failed":
                failures.append(outcome.detail)
    if retry_after:
        # The push service said when; the failed ones (if any) go along at that time too.
        seconds = min(max(max(retry_after), 1.0), push.TTL.total_seconds())
        raise RetryAfter(seconds, f"push service asked to retry after {seconds:.0f} s")
    if failures:
        raise PushFailed("; ".join(failures))


async def _pending_subscriptions(
    notification_id: uuid.UUID, user_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The user's subscriptions on devices still in use, less those already settled."""
    rows = await (
        PushSubscription.select(
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        )
        .where(
            (PushSubscription.user == user_id)
            # A logged-out, revoked or disabled account's tablet gets no alerts, not even
            # neutral ones; subscribing again after the next login brings them back.
            & (PushSubscription.device._.session_active.eq(True))
            & PushSubscription.device._.revoked_at.is_null()
            & (PushSubscription.user._.active.eq(True))
        )
        .order_by(PushSubscription.created_at)
    )
    settled = {
        row["subscription"]
        for row in await PushDelivery.select(PushDelivery.subscription).where(
            PushDelivery.notification == notification_id
        )
    }
    return [row for row in rows if row["id"] not in settled]


async def _settle(
    notification_id: uuid.UUID, subscription: dict[str, Any], outcome: push.Outcome
) -> None:
    if outcome.result in ("delivered", "rejected"):
        if outcome.result == "rejected":
            log.warning(
                "push for notification %s refused by %s: %s",
                notification_id,
                push.audience(subscription["endpoint"]),
                outcome.detail,
            )
        await (
            PushDelivery.insert(
                PushDelivery(
                    id=delivery_id(notification_id, subscription["id"]),
                    notification=notification_id,
                    subscription=subscription["id"],
                    outcome=outcome.result,
                    status=outcome.status or 0,
                    at=now(),
                )
            )
            .on_conflict(action="DO NOTHING")
            .run()
        )
    elif outcome.result == "gone":
        # RFC 8030 section 7.3: the subscription expired or the user unsubscribed.
        await PushSubscription.delete().where(PushSubscription.id == subscription["id"]).run()
