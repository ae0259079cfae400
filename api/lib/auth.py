"""The bearer-token dependency: every authenticated request checks the device row."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State

from api.accounts import services as sessions
from api.lib.actor import Actor
from api.lib.errors import NotAuthenticated


def session_context(state: State) -> sessions.SessionContext:
    ctx: sessions.SessionContext = state.session_context
    return ctx


async def provide_actor(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("Send a bearer token in the Authorization header.")
    return await sessions.authenticate(session_context(request.app.state), token.strip())
