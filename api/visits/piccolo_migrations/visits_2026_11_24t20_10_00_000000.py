"""Hand-written: an attachment name is declared once per visit. Runs after the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T20:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "attachment names are unique per visit"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)

    async def uniqueness() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE UNIQUE INDEX visit_attachment_name_once ON visit_attachment (visit, name)"
        )

    manager.add_raw(uniqueness)
    return manager
