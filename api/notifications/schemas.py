"""Wire types of the notifications API: the inbox and Web Push subscriptions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from api.lib.wire import TEXT_PATTERN, Wire

# Endpoints seen in practice stay under 600 characters (FCM, Mozilla, Apple, WNS).
Endpoint = Annotated[str, msgspec.Meta(min_length=1, max_length=2048, pattern=TEXT_PATTERN)]


class NotificationOut(Wire):
    id: uuid.UUID
    # e.g. followup_new, followup_escalated, visit_returned, visit_approved
    kind: str
    # What the app opens: GET /api/followups/{object_id} for "followup", /api/visits/... for
    # "visit". The notification itself carries no personal data.
    object_type: str
    object_id: uuid.UUID
    title_nl: str
    title_en: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class VapidPublicKey(Wire):
    # The application server key for PushManager.subscribe({applicationServerKey}): the P-256
    # public key as an uncompressed point (65 bytes), base64url without padding.
    public_key: str


class PushKeys(Wire):
    p256dh: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    auth: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class PushSubscriptionWrite(Wire):
    """What `PushSubscription.toJSON()` gives in the browser, so the app can send it as is."""

    endpoint: Endpoint
    keys: PushKeys
    # Browsers send it (mostly null); push services announce expiry with a 404/410 anyway,
    # and that is what removes a subscription here.
    expiration_time: int | float | None = msgspec.field(default=None, name="expirationTime")


class PushSubscriptionDelete(Wire):
    endpoint: Endpoint


class PushSubscriptionOut(Wire):
    id: uuid.UUID
    endpoint: str
    device_id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
