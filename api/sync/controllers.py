"""HTTP layer of the pull."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems
from api.sync import services
from api.sync.protocol import CURSOR_PARAMETER_PATTERN
from api.sync.schemas import Changes


class SyncController(Controller):
    path = "/api/sync"
    tags = ["sync"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/changes", operation_id="pullChanges", responses=problems(400, 401, 403))
    async def pull(
        self,
        actor: NamedDependency[Actor],
        since: Annotated[
            str | None, QueryParameter(max_length=40, pattern=CURSOR_PARAMETER_PATTERN)
        ] = None,
    ) -> Changes:
        """What changed for me since `since` (omit it on the first sync): the cases I may hold,
        the ones to forget, my visits' states and the forms. Repeat while `more`."""
        return await services.changes(actor, since)
