"""Web Push with VAPID (RFC 8030, 8291, 8292): checking subscriptions and sending one message.

pywebpush does the encryption (aes128gcm) and py_vapid the signing; the HTTP request goes out
through pywebpush's own async path (`webpush_async`, aiohttp) on the worker's event loop, so no
thread is needed and no `requests` call can block the loop. The ECDH and ECDSA work per message
is well under a millisecond. Things the libraries do that this module steers around:

- `webpush_async` writes `aud` and `exp` into the claims dict it is given: a dict shared between
  sends would carry the first endpoint's `aud` to every other push service, which refuses it.
  Every send builds its own claims, with `aud` from `audience()`.
- `timeout=None` (its default) means no timeout at all in aiohttp, and the sync `webpush` falls
  back to 10,000 seconds: a timeout is always passed.
- `ttl` defaults to 0: a message for a tablet that is offline at that moment is dropped.
- It sends no `Topic`. Every message carries one, made from the notification id (RFC 8030
  section 5.4): a retry after a crash between the push service's 201 and our bookkeeping sends
  the same message again, and with the same topic the push service replaces the copy it still
  holds for an offline tablet instead of delivering both. Delivery is at least once; the topic
  (and the service worker's notification `tag`) makes what the tablet shows once.
- `Vapid.from_file` makes and saves a new key when the file is missing; the key is read by
  `api.keys.load_vapid_key` instead.
- Its own p256dh check (`len != 65 and raw[0] != "\\x04"`) never fires: `check_keys` validates.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import ipaddress
import json
import re
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid, VapidException
from pywebpush import WebPushException, webpush_async

from api.keys import load_vapid_key
from api.lib.errors import InvalidPushKeys, PushEndpointNotAllowed
from api.notifications.kinds import Urgency
from api.settings import Settings, get_settings

# How long a push service keeps a message for a tablet that is offline. After a day an alert
# is stale; the inbox still has it.
TTL = dt.timedelta(days=1)
# RFC 8292: `exp` at most 24 hours ahead. Twelve leaves room for clock drift.
VAPID_LIFETIME_SECONDS = 12 * 3600
SEND_TIMEOUT_SECONDS = 15.0
# RFC 8291: push services accept 4096 bytes of encrypted body. aes128gcm adds a 86-byte header
# (salt, record size, key id = our 65-byte ephemeral key), a padding delimiter and a 16-byte tag.
MAX_PAYLOAD_BYTES = 4096 - 86 - 1 - 16
# A 429 without a (readable) Retry-After.
DEFAULT_RETRY_AFTER_SECONDS = 60.0

_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
# RFC 8030 section 5.4: at most 32 characters of the URL and filename safe base64 alphabet.
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


# Keys ------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _vapid_for(keys_dir: Path) -> Vapid:
    return Vapid(private_key=load_vapid_key(keys_dir))


def vapid(settings: Settings | None = None) -> Vapid:
    return _vapid_for((settings or get_settings()).keys_dir)


def check_configuration(settings: Settings) -> None:
    """At start, not in every push job: the key is there and py_vapid accepts the subject
    (a mailto: with a dotted domain, or an https URL; it refuses e.g. mailto:x@intranet)."""
    try:
        vapid(settings).sign(claims("https://push.example.com/check", settings))
    except VapidException as error:
        raise RuntimeError(
            f"KEUKENTAFEL_VAPID_SUBJECT {settings.vapid_subject!r} is refused by py_vapid: "
            "use mailto:someone@example.org or an https URL"
        ) from error


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not _BASE64URL.match(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def application_server_key(settings: Settings | None = None) -> str:
    """What PushManager.subscribe wants as `applicationServerKey`: the uncompressed point."""
    public = vapid(settings).public_key
    return b64url(
        public.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


# Checking a subscription -----------------------------------------------------------------------
def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The keys as stored: base64url without padding. A p256dh must be a point on P-256."""
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
    except (ValueError, binascii.Error) as error:
        raise InvalidPushKeys("p256dh and auth must be base64url.") from error
    if len(point) != 65 or point[0] != 0x04:
        raise InvalidPushKeys("p256dh must be an uncompressed P-256 point (65 bytes).")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as error:
        raise InvalidPushKeys("p256dh is not a point on the P-256 curve.") from error
    if len(secret) != 16:
        raise InvalidPushKeys("auth must be 16 bytes.")
    return b64url(point), b64url(secret)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.IPv4Address(host).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_endpoint(endpoint: str, settings: Settings | None = None) -> str:
    """An https URL of a known push service (or, when the setting allows, a loopback one).

    The worker POSTs to this URL, so it is what a client could aim the server at: IP literals
    and unknown hosts are refused. IPv6 literals are refused too: py_vapid's `aud` check does
    not accept them.
    """
    settings = settings or get_settings()
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise PushEndpointNotAllowed("The endpoint is not a URL.") from error
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise PushEndpointNotAllowed("The endpoint must be a plain https URL.")
    if settings.push_allow_loopback and parts.scheme in ("http", "https") and _is_loopback(host):
        return endpoint
    if parts.scheme != "https":
        raise PushEndpointNotAllowed("The endpoint must be an https URL.")
    if _is_ip_literal(host) or not _known_push_service(host, settings.push_service_hosts):
        raise PushEndpointNotAllowed(
            f"{host} is not a push service this server sends to.", host=host
        )
    return endpoint


def _known_push_service(host: str, allowed: tuple[str, ...]) -> bool:
    return "*" in allowed or any(host == name or host.endswith("." + name) for name in allowed)


def audience(endpoint: str) -> str:
    """The push service's origin for the VAPID `aud` claim: scheme, host and port when the URL
    names one (a default port is left out, as in an origin). Not the URL's netloc, which would
    also carry any user info."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    default_port = {"https": 443, "http": 80}.get(parts.scheme)
    if parts.port is not None and parts.port != default_port:
        return f"{parts.scheme}://{host}:{parts.port}"
    return f"{parts.scheme}://{host}"


# The message -----------------------------------------------------------------------------------
def payload(
    notification_id: uuid.UUID, kind: str, object_type: str, object_id: uuid.UUID, title: str
) -> str:
    """What the service worker receives: ids and a neutral title; the app fetches the rest."""
    body = json.dumps(
        {
            "type": kind,
            "id": str(notification_id),
            "object_type": object_type,
            "object_id": str(object_id),
            "title": title,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    size = len(body.encode())
    # Ids and catalogue titles stay near 250 bytes; only someone adding free text gets here.
    if size > MAX_PAYLOAD_BYTES:
        raise ValueError(f"a push payload of {size} bytes is over {MAX_PAYLOAD_BYTES}")
    return body


def topic(notification_id: uuid.UUID) -> str:
    """The message's `Topic`: the notification id's 32 hex digits, so a message sent again for
    the same notification replaces the one the push service still holds."""
    value = notification_id.hex
    if not _TOPIC.match(value):  # a uuid's hex always fits; a different id might not
        raise ValueError(f"{value!r} is not a push topic")
    return value


# Sending ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Outcome:
    # delivered: 2xx. gone: 404/410, the subscription expired or was unsubscribed.
    # rejected: another 4xx, retrying the same message cannot help. retry: 429 (after
    # `retry_after` seconds). failed: 5xx or no answer, retry with backoff.
    result: Literal["delivered", "gone", "rejected", "retry", "failed"]
    status: int | None = None
    retry_after: float | None = None
    detail: str = ""


def claims(endpoint: str, settings: Settings) -> dict[str, str | int]:
    """Fresh on every send: the library writes into the dict it is given."""
    return {
        "sub": settings.vapid_subject,
        "aud": audience(endpoint),
        "exp": int(time.time()) + VAPID_LIFETIME_SECONDS,
    }


async def send(
    session: aiohttp.ClientSession,
    subscription: dict[str, Any],
    data: str,
    urgency: Urgency,
    settings: Settings | None = None,
    *,
    topic: str | None = None,
) -> Outcome:
    """POST one message; `topic` (see `topic()`) lets a repeat replace an undelivered copy."""
    settings = settings or get_settings()
    endpoint = subscription["endpoint"]
    headers: dict[str, str] = {"Urgency": urgency}
    if topic is not None:
        if not _TOPIC.match(topic):
            raise ValueError(f"{topic!r} is not a push topic (RFC 8030 section 5.4)")
        headers["Topic"] = topic
    try:
        response = await webpush_async(
            subscription_info={
                "endpoint": endpoint,
                "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]},
            },
            data=data,
            vapid_private_key=vapid(settings),
            vapid_claims=claims(endpoint, settings),
            content_encoding="aes128gcm",
            ttl=int(TTL.total_seconds()),
            headers=headers,
            timeout=SEND_TIMEOUT_SECONDS,
            aiohttp_session=session,
        )
    except WebPushException as error:
        return _refused(error)
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        return Outcome("failed", detail=f"{type(error).__name__}: {error}"[:300])
    return Outcome("delivered", status=response.status)


def _refused(error: WebPushException) -> Outcome:
    status = error.status_code
    if status in (404, 410):
        return Outcome("gone", status=status)
    if status == 429:
        seconds = retry_after_seconds(error.retry_after)
        return Outcome("retry", status=status, retry_after=seconds)
    detail = f"push service answered {status}"
    if status is not None and 400 <= status < 500:
        return Outcome("rejected", status=status, detail=detail)
    return Outcome("failed", status=status, detail=detail)


def retry_after_seconds(value: str | None, at: dt.datetime | None = None) -> float:
    """A Retry-After header as seconds: either delta-seconds or an HTTP date (RFC 9110)."""
    if value is None or not value.strip():
        return DEFAULT_RETRY_AFTER_SECONDS
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_SECONDS
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - (at or dt.datetime.now(dt.UTC))).total_seconds(), 0.0)


def client_session() -> aiohttp.ClientSession:
    """One session per job run. trust_env: HTTPS_PROXY and NO_PROXY apply, as they would to
    any other outgoing HTTP client on a network that only lets a proxy out."""
    return aiohttp.ClientSession(trust_env=True)
