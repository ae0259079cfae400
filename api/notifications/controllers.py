"""HTTP layer of notifications: the inbox and Web Push subscriptions. No rules here."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems
from api.lib.wire import MAX_OFFSET
from api.notifications import services
from api.notifications.schemas import (
    NotificationOut,
    PushSubscriptionDelete,
    PushSubscriptionOut,
    PushSubscriptionWrite,
    VapidPublicKey,
)

SUBSCRIPTION_BODY = 8 * 1024


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/", operation_id="listNotifications", responses=problems(400, 401))
    async def list_notifications(
        self,
        actor: NamedDependency[Actor],
        unread: FromQuery[bool] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[NotificationOut]:
        """My notifications, newest first; `unread=true` for those not read yet."""
        return await services.list_notifications(actor, unread=unread, limit=limit, offset=offset)

    @post(
        "/{notification_id:str}/read",
        operation_id="markNotificationRead",
        status_code=200,
        responses=problems(400, 401, 404, 413, 415),
    )
    async def mark_read(
        self, actor: NamedDependency[Actor], notification_id: FromPath[uuid.UUID]
    ) -> NotificationOut:
        """Mark one of mine read (again is fine: the first time stays); 404
        `notification_not_found` for an id that is not mine."""
        return await services.mark_read(actor, notification_id)


class PushController(Controller):
    path = "/api/push"
    tags = ["notifications"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER
    request_max_body_size = SUBSCRIPTION_BODY

    @get("/vapid-public-key", operation_id="getVapidPublicKey", responses=problems(401))
    async def vapid_public_key(self, actor: NamedDependency[Actor]) -> VapidPublicKey:
        """The `applicationServerKey` for PushManager.subscribe."""
        return services.vapid_public_key()

    @post(
        "/subscriptions",
        operation_id="createPushSubscription",
        responses={
            200: ResponseSpec(PushSubscriptionOut, description="The endpoint was known: updated"),
            **problems(400, 401, 413, 415, 422),
        },
    )
    async def subscribe(
        self, actor: NamedDependency[Actor], data: JSONBody[PushSubscriptionWrite]
    ) -> Response[PushSubscriptionOut]:
        """Store this browser's subscription (`PushSubscription.toJSON()`) for me on this
        device: 201 when new, 200 when the endpoint was known (it is updated, never doubled).
        422 `invalid_push_keys` or `push_endpoint_not_allowed`."""
        subscription, created = await services.save_subscription(actor, data)
        return Response(subscription, status_code=201 if created else 200)

    @delete(
        "/subscriptions",
        operation_id="deletePushSubscription",
        status_code=204,
        responses=problems(400, 401, 413, 415),
    )
    async def unsubscribe(
        self, actor: NamedDependency[Actor], data: JSONBody[PushSubscriptionDelete]
    ) -> None:
        """Forget my subscription with this endpoint (after PushSubscription.unsubscribe);
        204 also when there was none."""
        await services.delete_subscription(actor, data.endpoint)
