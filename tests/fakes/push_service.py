"""A fake Web Push service on loopback that checks what a real one checks, and reads the
message as the browser would.

It verifies the VAPID token (RFC 8292: `Authorization: vapid t=<JWT>,k=<key>`; ES256 checked with
PyJWT, not with the py_vapid that signed it; `aud` is this service's origin with its port, `exp`
in the future and at most a day ahead, `sub` a mailto: or https: contact), the TTL, Urgency and
Content-Encoding headers, and decrypts the aes128gcm body with `http_ece` using the private key
and auth secret of the subscription, which `subscribe()` makes like a browser does. Told to, it
answers 404, 410, 429 (with Retry-After) or 500 instead of 201.

What the device gets is kept apart from what was POSTed (RFC 8030 sections 5.4, 6): an accepted
message waits for the device (`waiting`) until it connects (`connect`), and a message with a
`Topic` (checked: at most 32 base64url characters) replaces a waiting one with the same topic
for that subscription; one already delivered stays delivered. `hold` keeps the answer to a
subscription's pushes back, the message taken but the 201 not sent, as when the sender dies
between the push service's commit and its reply.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import http_ece
import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

URGENCIES = {"very-low", "low", "normal", "high"}
# RFC 8291 section 4: a push service must accept at least 4096 bytes of body.
MAX_BODY = 4096
# RFC 8030 section 5.4: a topic is at most 32 characters of the URL and filename safe base64
# alphabet (no padding); a push service refuses another.
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One PushSubscription, as a browser holds it: the key pair and the auth secret."""

    token: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    def keys(self) -> dict[str, str]:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(point), "auth": b64url(self.auth_secret)}

    def subscription_json(self) -> dict[str, Any]:
        """What `PushSubscription.toJSON()` gives in a browser."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": self.keys()}


@dataclass
class Received:
    token: str
    message: dict[str, Any]
    plaintext: bytes
    body_size: int
    headers: dict[str, str]  # names in lower case
    claims: dict[str, Any]

    @property
    def topic(self) -> str | None:
        return self.headers.get("topic")


@dataclass
class Answer:
    status: int
    retry_after: str | None = None


@dataclass
class Hold:
    """Pushes to one subscription are taken but not answered until `release()`."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    held: int = 0

    def release(self) -> None:
        self.released.set()


@dataclass
class FakePushService:
    # The application server key the browsers subscribed with; a token signed with another
    # key is refused, as a real push service refuses it (403).
    application_server_key: str
    browsers: dict[str, Browser] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # Per subscription token: accepted messages the device has not fetched yet, and those it has.
    waiting: dict[str, list[Received]] = field(default_factory=dict)
    delivered: dict[str, list[Received]] = field(default_factory=dict)
    holds: dict[str, Hold] = field(default_factory=dict)
    origin: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{token}", self._push)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # a free port, chosen by the kernel
        await site.start()
        port = self._runner.addresses[0][1]
        self.origin = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        for hold in self.holds.values():  # no handler is left waiting at shutdown
            hold.release()
        if self._runner is not None:
            await self._runner.cleanup()

    def subscribe(self) -> Browser:
        token = secrets.token_urlsafe(16)
        browser = Browser(
            token=token,
            endpoint=f"{self.origin}/push/{token}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.browsers[token] = browser
        return browser

    def answer(self, browser: Browser, status: int, retry_after: str | None = None) -> None:
        """Answer every push to this subscription so from now on (201 to go back to normal)."""
        self.answers[browser.token] = Answer(status, retry_after)

    def messages(self, browser: Browser) -> list[Received]:
        """Every message accepted for this subscription, repeats included."""
        return [item for item in self.received if item.token == browser.token]

    def hold(self, browser: Browser) -> Hold:
        """From now on take this subscription's pushes but answer none until released."""
        hold = self.holds[browser.token] = Hold()
        return hold

    def connect(self, browser: Browser) -> list[Received]:
        """The device comes online: it is handed what waits for it; what it got this time."""
        handed = self.waiting.pop(browser.token, [])
        self.delivered.setdefault(browser.token, []).extend(handed)
        return handed

    def device_messages(self, browser: Browser) -> list[Received]:
        """What the device has received once it connects: delivered, then waiting."""
        return [
            *self.delivered.get(browser.token, []),
            *self.waiting.get(browser.token, []),
        ]

    # The service ----------------------------------------------------------------------------
    async def _push(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        self.attempts[token] += 1
        browser = self.browsers.get(token)
        if browser is None:
            return web.Response(status=404)
        body = await request.read()
        try:
            claims = self._check_vapid(request.headers.get("Authorization", ""))
            self._check_headers(request, body)
            plaintext = http_ece.decrypt(
                body,
                private_key=browser.private_key,
                auth_secret=browser.auth_secret,
                version="aes128gcm",
            )
        except Exception as error:  # every refusal is kept for the test to show
            self.errors.append(f"{token}: {type(error).__name__}: {error}")
            return web.Response(status=403 if isinstance(error, jwt.PyJWTError) else 400)
        answer = self.answers.get(token, Answer(201))
        if answer.status != 201:
            headers = {"Retry-After": answer.retry_after} if answer.retry_after else {}
            return web.Response(status=answer.status, headers=headers)
        received = Received(
            token=token,
            message=json.loads(plaintext),
            plaintext=plaintext,
            body_size=len(body),
            headers={name.lower(): value for name, value in request.headers.items()},
            claims=claims,
        )
        self.received.append(received)
        self._keep_for_device(received)
        hold = self.holds.get(token)
        if hold is not None and not hold.released.is_set():
            # Taken (the device will get it) but not answered: the sender cannot know.
            hold.held += 1
            hold.arrived.set()
            await hold.released.wait()
        return web.Response(status=201, headers={"Location": f"{self.origin}/message/{token}"})

    def _keep_for_device(self, message: Received) -> None:
        """RFC 8030 section 5.4: a message replaces a waiting one with the same topic."""
        waiting = self.waiting.setdefault(message.token, [])
        if message.topic is not None:
            waiting[:] = [item for item in waiting if item.topic != message.topic]
        waiting.append(message)

    def _check_vapid(self, authorization: str) -> dict[str, Any]:
        scheme, _, parameters = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise jwt.InvalidTokenError(f"not a vapid Authorization header: {authorization!r}")
        parts = dict(part.strip().split("=", 1) for part in parameters.split(","))
        if parts.get("k") != self.application_server_key:
            raise jwt.InvalidTokenError("signed with another key than the subscription's")
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(parts["k"])
        )
        claims: dict[str, Any] = jwt.decode(
            parts["t"],
            public_key,
            algorithms=["ES256"],
            audience=self.origin,
            options={"require": ["aud", "exp", "sub"]},
        )
        if claims["exp"] > time.time() + 24 * 3600:
            raise jwt.InvalidTokenError("exp more than 24 hours ahead (RFC 8292 section 2)")
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            raise jwt.InvalidTokenError(f"sub is not a contact: {claims['sub']!r}")
        return claims

    @staticmethod
    def _check_headers(request: web.Request, body: bytes) -> None:
        if request.headers.get("Content-Encoding") != "aes128gcm":
            raise ValueError(f"Content-Encoding {request.headers.get('Content-Encoding')!r}")
        if not request.headers.get("TTL", "").isdigit():
            raise ValueError(f"TTL {request.headers.get('TTL')!r}")
        if request.headers.get("Urgency", "normal") not in URGENCIES:
            raise ValueError(f"Urgency {request.headers.get('Urgency')!r}")
        if len(body) > MAX_BODY:
            raise ValueError(f"a body of {len(body)} bytes is over {MAX_BODY}")
        topic = request.headers.get("Topic")
        if topic is not None and not TOPIC.match(topic):
            raise ValueError(f"Topic {topic!r} is not 1 to 32 base64url characters")
