"""Tables of the notifications app: the inbox, push subscriptions, and what was pushed where."""

import uuid

from piccolo.columns import UUID, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table

from api.accounts.tables import Device, UserAccount

DELIVERY_NAMESPACE = uuid.UUID("0c9d6a52-2f0e-4b8e-9a7c-5e3b1d4f6a80")


def delivery_id(notification_id: uuid.UUID, subscription_id: uuid.UUID) -> uuid.UUID:
    """One id per (notification, subscription): recording a delivery twice is a no-op."""
    return uuid.uuid5(DELIVERY_NAMESPACE, f"{notification_id}:{subscription_id}")


class Notification(Table, tablename="notification"):
    """One alert for one user. Titles are neutral catalogue texts: never a name, address, need
    or note, because they also travel through other companies' push services."""

    id = UUID(primary_key=True, default=UUID4())
    user = ForeignKey(references=UserAccount, null=False, index=True)
    # A key of api.notifications.kinds.KINDS, e.g. followup_new.
    kind = Varchar(length=40)
    # What the app opens: ("followup", id), ("visit", id). Access is checked when it does.
    object_type = Varchar(length=40)
    object_id = UUID()
    title_nl = Varchar(length=200)
    title_en = Varchar(length=200)
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class PushSubscription(Table, tablename="push_subscription"):
    """A browser's PushManager subscription. The endpoint names the browser: subscribing it
    again, also after another user logged in there, moves it rather than adds one."""

    id = UUID(primary_key=True, default=UUID4())
    user = ForeignKey(references=UserAccount, null=False, index=True)
    device = ForeignKey(references=Device, null=False, index=True)
    endpoint = Varchar(length=2048, unique=True)
    # base64url without padding, as the browser gives them: the receiver's P-256 public key
    # (65 bytes) and the 16-byte authentication secret (RFC 8291).
    p256dh = Varchar(length=100)
    auth = Varchar(length=40)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PushDelivery(Table, tablename="push_delivery"):
    """A notification settled for one subscription, so a retry of the push job (after another
    subscription failed) never sends it to this one again. The id is `delivery_id(...)`."""

    id = UUID(primary_key=True)
    notification = ForeignKey(references=Notification, null=False, index=True)
    subscription = ForeignKey(references=PushSubscription, null=False, index=True)
    # delivered (201) | rejected (a 4xx that retrying cannot mend; logged)
    outcome = Varchar(length=20)
    status = Integer()
    at = Timestamptz()
