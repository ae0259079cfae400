"""HTTP layer of forms: the published definitions, for every signed-in device.

A published version never changes, so its JSON is encoded once and cached by the client
for good (ETag is the definition's SHA-256)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, PathParameter

from api.forms.catalogue import get_registry
from api.forms.schemas import FormSummary, LocalText
from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.errors import FormNotFound
from api.lib.openapi import BEARER, problems
from visit_forms import export_definition

VERSION_PATTERN = r"^[1-9][0-9]{0,5}$"


@lru_cache(maxsize=64)
def _encoded(key: str, version: int) -> bytes | None:
    form = get_registry().get(key, version)
    return None if form is None else msgspec.json.encode(export_definition(form))


def form_summaries() -> list[FormSummary]:
    registry = get_registry()
    summaries = []
    for form in registry.all():
        latest = registry.latest(form.key)
        title = form.definition.title
        summaries.append(
            FormSummary(
                key=form.key,
                version=form.version,
                title=LocalText(nl=title.nl, en=title.en),
                sha256=form.sha256,
                latest=latest is not None and latest.version == form.version,
            )
        )
    return summaries


class FormController(Controller):
    path = "/api/forms"
    tags = ["forms"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/", operation_id="listForms", responses=problems(401))
    async def list_forms(self, actor: NamedDependency[Actor]) -> list[FormSummary]:
        return form_summaries()

    @get("/{key:str}/{version:str}", operation_id="getForm", responses=problems(400, 401, 404))
    async def get_form(
        self,
        actor: NamedDependency[Actor],
        key: FromPath[str],
        # A whole number from 1: anything else is a 400 `invalid_parameter`.
        version: Annotated[str, PathParameter(pattern=VERSION_PATTERN)],
    ) -> Response[bytes]:
        body = _encoded(key, int(version))
        if body is None:
            raise FormNotFound(f"There is no published form {key!r} version {version}.")
        form = get_registry().get(key, int(version))
        assert form is not None
        return Response(
            content=body,
            media_type="application/json",
            headers={
                "ETag": f'"{form.sha256}"',
                "Cache-Control": "private, max-age=31536000, immutable",
            },
        )
