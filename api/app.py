"""create_app(): every controller, the error catalogue, the database lifespan, the built PWA."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Request, Response, get
from litestar.enums import MediaType
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router

from api.accounts.controllers import AdminController, AuthController, MeController
from api.accounts.services import SessionContext
from api.audit.controllers import AccessLogController
from api.cases.controllers import CaseController, ConflictController
from api.covenant.loader import load_covenant
from api.followups.controllers import CasePlanController, FollowupController
from api.forms.catalogue import get_registry
from api.forms.controllers import FormController
from api.jobs.worker import run_forever
from api.keys import load_keys
from api.lib.app_shell import app_shell_router
from api.lib.availability import wait_for_database
from api.lib.db import engine, prepare_sqlite, start_pool
from api.lib.openapi import WireSchemas
from api.lib.problems import EXCEPTION_HANDLERS, require_json_bodies
from api.lib.security_headers import security_headers
from api.lib.sqlite_engine import ReusingSQLiteEngine
from api.notifications.controllers import NotificationController, PushController
from api.notifications.push import check_configuration as check_push_configuration
from api.privacy.controllers import AccessExportController
from api.reports.controllers import ReportController
from api.settings import Settings, get_settings
from api.sync.controllers import SyncController
from api.visits.controllers import VisitController


@get("/api/health", operation_id="checkHealth", tags=["meta"])
async def health() -> dict[str, str]:
    """Liveness for load balancers and compose; says nothing about data."""
    return {"status": "ok"}


async def before_request(request: Request) -> Response[None] | None:
    """OPTIONS names every method of the path in `Allow`. Litestar's own OPTIONS handler names
    only some when one path has handlers of several methods (it keeps the handler it made for the
    first one). Other requests: JSON bodies only (`require_json_bodies`)."""
    if request.method == "OPTIONS":
        allow = request.app.state.allow.get(request.scope.get("path_template"))
        if allow is None:
            return None
        return Response(None, status_code=204, headers={"Allow": allow}, media_type=MediaType.TEXT)
    await require_json_bodies(request)
    return None


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    # Fail at start, not on the first request: a broken covenant or missing keys stop the server.
    load_covenant()
    get_registry()
    keys = load_keys(settings.keys_dir)
    check_push_configuration(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = engine()
        if settings.uses_postgres:
            # Started alongside its database (compose, after a crash): wait for it to answer.
            await wait_for_database(start_pool)
        else:
            prepare_sqlite(str(settings.sqlite_path))
        stop = asyncio.Event()
        # The embedded default does its jobs in the server; production runs `keukentafel worker`.
        worker = (
            asyncio.create_task(run_forever(stop), name="keukentafel-worker")
            if settings.embedded_worker
            else None
        )
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                await worker
            if settings.uses_postgres:
                await db.close_connection_pool()  # type: ignore[attr-defined]
            elif isinstance(db, ReusingSQLiteEngine):
                await db.close_idle()

    route_handlers: list[object] = [
        health,
        AuthController,
        MeController,
        AdminController,
        AccessExportController,
        CaseController,
        AccessLogController,
        ConflictController,
        FormController,
        VisitController,
        ReportController,
        NotificationController,
        PushController,
        FollowupController,
        CasePlanController,
        SyncController,
    ]
    if (settings.pwa_dist / "index.html").exists():
        route_handlers.append(app_shell_router(settings.pwa_dist))
        route_handlers.append(
            create_static_files_router(
                path="/",
                directories=[settings.pwa_dist],
                html_mode=True,
                include_in_schema=False,
                name="pwa",
            )
        )

    app = Litestar(
        route_handlers=route_handlers,  # type: ignore[arg-type]
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=before_request,
        # Every response, errors and static files too (api/lib/security_headers.py).
        before_send=[security_headers],
        plugins=[WireSchemas()],
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="Keukentafel API",
            version="0.1.0",
            # Routes that need a signed-in device say so themselves (`api.lib.openapi.BEARER`):
            # Litestar cannot clear a document-wide requirement for the public ones.
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
                }
            ),
        ),
        # Small by default; routes that take files set their own limit.
        request_max_body_size=64 * 1024,
    )
    app.state.settings = settings
    app.state.allow = {
        route.path_format: ", ".join(sorted(route.methods))
        for route in app.routes
        if isinstance(route, HTTPRoute)
    }
    app.state.session_context = SessionContext(settings=settings, token_key=keys.token_signing_key)
    return app
