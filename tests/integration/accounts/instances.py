"""More API processes on the test database: each an app of its own (own settings, own clock),
called from a client address the test chooses.

An instance is what a second `keukentafel serve` would be: another `create_app()` with no state
shared with the session `client` but the database. Its requests run on the session client's
event loop (`in_app`), where on PostgreSQL the connection pool lives; its lifespan is not run, so
it neither opens nor closes that pool.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import uuid
from typing import Any

import httpx

from tests.helpers import in_app


class Clock:
    """The sessions' clock, moved forward by hand: real time plus an offset."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)


def some_address() -> str:
    """An address of the documentation range (RFC 3849) that no other test uses."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | uuid.uuid4().int >> 32))


class Instance:
    def __init__(self, client: Any, clock: Clock | None = None, **settings: Any) -> None:
        from api.app import create_app
        from api.settings import get_settings

        self.client = client
        self.clock = clock or Clock()
        # Its own client address, so that failed logins of other tests never add up with these.
        self.peer = some_address()
        self.app = create_app(dataclasses.replace(get_settings(), **settings))
        state = self.app.state
        state.session_context = dataclasses.replace(state.session_context, clock=self.clock)

    async def request(
        self, method: str, path: str, *, peer: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(peer or self.peer, 41000))
            async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
                return await http.request(method, path, **kwargs)

        response: httpx.Response = await in_app(self.client, call)
        return response

    async def log_in(
        self,
        username: str,
        password: str,
        *,
        peer: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {"username": username, "password": password, "device_name": "tablet", **extra}
        return await self.request(
            "POST", "/api/auth/login", peer=peer, headers=headers or {}, json=body
        )

    async def refresh(self, tokens: dict[str, Any]) -> httpx.Response:
        body = {"refresh_token": tokens["refresh_token"]}
        return await self.request("POST", "/api/auth/refresh", json=body)

    async def me(self, tokens: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        return await self.request("GET", "/api/me", headers=headers)
