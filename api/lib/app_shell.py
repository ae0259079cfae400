"""The PWA's screens as server routes: a deep link or a reload before the service worker runs.

The app routes in the browser (preact-iso); every screen is the same index.html. Once the
service worker is installed it answers these itself, offline too. Only the app's own top-level
paths are served this way, so a mistyped API or asset path still gets its 404.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router, get
from litestar.response import File

# Keep in step with the routes in pwa/src/app/App.tsx.
SCREENS = [
    "inloggen",
    "zaken",
    "bezoek",
    "bezoeken",
    "beoordelen",
    "sync",
    "beheer",
    "vervolg",
    "berichten",
]


def app_shell_router(dist: Path) -> Router:
    index = dist / "index.html"

    @get(
        [f"/{screen}" for screen in SCREENS] + [f"/{screen}/{{rest:path}}" for screen in SCREENS],
        include_in_schema=False,
        security=[],
        cache_control=None,
    )
    async def app_shell() -> File:
        # no-cache: a new release's index.html names new asset files; never serve a stale one.
        return File(index, media_type="text/html", headers={"Cache-Control": "no-cache"})

    return Router(path="/", route_handlers=[app_shell])
