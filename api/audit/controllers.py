"""HTTP layer of the audit trail: a case's access log for its supervisors. No rules here."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from api.audit import access_log
from api.audit.schemas import AccessLogEntry
from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems
from api.lib.wire import MAX_OFFSET


class AccessLogController(Controller):
    path = "/api/cases/{case_id:str}/access-log"
    tags = ["audit"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/", operation_id="listCaseAccessLog", responses=problems(400, 401, 403, 404))
    async def list_access_log(
        self,
        actor: NamedDependency[Actor],
        case_id: FromPath[uuid.UUID],
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[AccessLogEntry]:
        """Who read, printed, exported, changed or was refused this case, its visits, their
        reports and its follow-ups: newest first, with person, organisation and device. For
        supervisors of the organisations taking part (others: 403, or 404 without access to
        the case); reading it is audited."""
        return await access_log.case_access_log(actor, case_id, limit, offset)
