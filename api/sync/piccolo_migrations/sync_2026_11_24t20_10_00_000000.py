"""Hand-written: the one counter row. Runs after the table exists."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T20:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the change counter starts at zero"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sync", description=DESCRIPTION)

    async def counter() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "INSERT INTO sync_counter (name, value) VALUES ('changes', 0) ON CONFLICT DO NOTHING"
        )

    manager.add_raw(counter)
    return manager
