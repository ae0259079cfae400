"""Rules of the notifications app: making alerts, the inbox, and push subscriptions.

`notify` is the one way other packages alert people. It runs inside the caller's write
transaction, so an alert exists exactly when the change it reports does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from piccolo.columns import Column

from api.audit import services as audit
from api.jobs.outbox import enqueue
from api.lib.actor import Actor
from api.lib.db import engine, now, write_transaction
from api.lib.errors import NotificationNotFound
from api.notifications import push
from api.notifications.jobs import PUSH_JOB, push_job_key
from api.notifications.kinds import kind_for
from api.notifications.schemas import (
    NotificationOut,
    PushSubscriptionOut,
    PushSubscriptionWrite,
    VapidPublicKey,
)
from api.notifications.tables import Notification, PushSubscription


# Alerting -------------------------------------------------------------------------------------
async def notify(
    user_ids: Iterable[uuid.UUID], kind: str, object_type: str, object_id: uuid.UUID
) -> None:
    """One inbox row and one push job per user, inside the caller's write transaction.

    An unknown kind, or an object type the kind does not open, raises at once (a programming
    error), which also rolls back the caller's change.
    """
    spec = kind_for(kind, object_type)
    if engine().current_transaction.get() is None:
        raise RuntimeError("notify inside the write transaction of the change")
    recipients = list(dict.fromkeys(user_ids))  # each user once, in the order given
    if not recipients:
        return
    at = now()
    rows = [
        Notification(
            id=uuid.uuid4(),
            user=user_id,
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            title_nl=spec.title_nl,
            title_en=spec.title_en,
            created_at=at,
        )
        for user_id in recipients
    ]
    await Notification.insert(*rows).run()
    for row in rows:
        await enqueue(PUSH_JOB, push_job_key(row.id), {"notification_id": str(row.id)})


# The inbox ------------------------------------------------------------------------------------
def _out(row: dict[str, Any]) -> NotificationOut:
    return NotificationOut(
        id=row["id"],
        kind=row["kind"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        title_nl=row["title_nl"],
        title_en=row["title_en"],
        created_at=row["created_at"],
        read_at=row["read_at"],
    )


async def list_notifications(
    actor: Actor, *, unread: bool, limit: int, offset: int
) -> list[NotificationOut]:
    """Mine, newest first. Not audited: an alert holds no personal data, only a neutral title
    and the id of what it is about, which is audited when the app opens it."""
    query = Notification.select().where(Notification.user == actor.user_id)
    if unread:
        query = query.where(Notification.read_at.is_null())
    rows = await (
        query.order_by(Notification.created_at, ascending=False)
        .order_by(Notification.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    return [_out(row) for row in rows]


async def mark_read(actor: Actor, notification_id: uuid.UUID) -> NotificationOut:
    """Idempotent: reading it again keeps the first `read_at`. Someone else's is not found."""
    mine = (Notification.id == notification_id) & (Notification.user == actor.user_id)
    async with write_transaction():
        await (
            Notification.update({Notification.read_at: now()})
            .where(mine & Notification.read_at.is_null())
            .run()
        )
        row = await Notification.select().where(mine).first()
    if row is None:
        raise NotificationNotFound()
    return _out(row)


# Push subscriptions ---------------------------------------------------------------------------
def vapid_public_key() -> VapidPublicKey:
    return VapidPublicKey(public_key=push.application_server_key())


def _subscription_out(row: dict[str, Any]) -> PushSubscriptionOut:
    return PushSubscriptionOut(
        id=row["id"],
        endpoint=row["endpoint"],
        device_id=row["device"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


# What subscribing a known endpoint again overwrites; `created_at` and the id stay.
_MOVABLE: tuple[Column, ...] = (
    PushSubscription.user,
    PushSubscription.device,
    PushSubscription.p256dh,
    PushSubscription.auth,
    PushSubscription.updated_at,
)


async def save_subscription(
    actor: Actor, body: PushSubscriptionWrite
) -> tuple[PushSubscriptionOut, bool]:
    """Store this browser's subscription for me on this device; True when it is new.

    The endpoint identifies the browser, so the same endpoint again updates the row (the app
    sends it on every start), also when another user logged in on that browser since: alerts
    go to whoever uses it now.
    """
    endpoint = push.check_endpoint(body.endpoint)
    p256dh, auth = push.check_keys(body.keys.p256dh, body.keys.auth)
    at = now()
    async with write_transaction():
        existing = await (
            PushSubscription.select().where(PushSubscription.endpoint == endpoint).first()
        )
        values: dict[Column | str, Any] = dict(
            zip(_MOVABLE, (actor.user_id, actor.device_id, p256dh, auth, at), strict=True)
        )
        if existing is None:
            # DO UPDATE: a concurrent first subscribe of the same browser lands on one row.
            await (
                PushSubscription.insert(
                    PushSubscription(
                        id=uuid.uuid4(),
                        user=actor.user_id,
                        device=actor.device_id,
                        endpoint=endpoint,
                        p256dh=p256dh,
                        auth=auth,
                        created_at=at,
                        updated_at=at,
                    )
                )
                .on_conflict(
                    target=PushSubscription.endpoint, action="DO UPDATE", values=list(_MOVABLE)
                )
                .run()
            )
        else:
            await PushSubscription.update(values).where(PushSubscription.id == existing["id"]).run()
        row = await PushSubscription.select().where(PushSubscription.endpoint == endpoint).first()
        assert row is not None
        changed = existing is None or (
            existing["user"],
            existing["device"],
            existing["p256dh"],
            existing["auth"],
        ) != (actor.user_id, actor.device_id, p256dh, auth)
        # The same subscription sent again on an app start is not worth an audit row; a new
        # one, or one that moved to another person or device, is.
        if changed:
            await audit.record(
                actor,
                "subscribe",
                "push_subscription",
                [row["id"]],
                detail=push.audience(endpoint),
            )
    return _subscription_out(row), existing is None


async def delete_subscription(actor: Actor, endpoint: str) -> None:
    """Forget my subscription with this endpoint. Idempotent, and silent about endpoints that
    are not mine: the answer is the same either way."""
    mine = (PushSubscription.endpoint == endpoint) & (PushSubscription.user == actor.user_id)
    async with write_transaction():
        deleted = await PushSubscription.delete().where(mine).returning(PushSubscription.id).run()
        if deleted:
            await audit.record(
                actor, "unsubscribe", "push_subscription", [row["id"] for row in deleted]
            )
