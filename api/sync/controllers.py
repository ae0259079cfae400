"""HTTP layer of the pull."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.sync import services
from api.sync.schemas import Changes


class SyncController(Controller):
    path = "/api/sync"
    tags = ["sync"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("/changes", operation_id="pullChanges")
    async def pull(
        self,
        actor: NamedDependency[Actor],
        since: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Changes:
        """What changed for me since `since` (omit it on the first sync): the cases I may hold,
        the ones to forget, my visits' states and the forms. Repeat while `more`."""
        return await services.changes(actor, since)
