"""Database engine: the embedded SQLite file by default, PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from api.lib.sqlite_engine import ReusingSQLiteEngine
from api.settings import get_settings

APPS = [
    "api.accounts.piccolo_app",
    "api.cases.piccolo_app",
    "api.audit.piccolo_app",
    "api.sync.piccolo_app",
    "api.visits.piccolo_app",
    "api.reports.piccolo_app",
    "api.jobs.piccolo_app",
    "api.notifications.piccolo_app",
    "api.followups.piccolo_app",
    "api.retention.piccolo_app",
]


def postgres_config(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
        "database": (parsed.path or "/").lstrip("/") or "postgres",
    }


def make_engine() -> Engine:
    settings = get_settings()
    if settings.uses_postgres:
        return PostgresEngine(config=postgres_config(settings.database_url))
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: writers queue instead of failing with "database is locked".
    return ReusingSQLiteEngine(path=str(settings.sqlite_path), timeout=30)


DB = make_engine()
APP_REGISTRY = AppRegistry(apps=APPS)
