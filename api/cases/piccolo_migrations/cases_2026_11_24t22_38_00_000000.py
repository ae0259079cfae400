"""Hand-written: one current consent decision per pair. Runs after the table was created
(Piccolo runs a migration's raw steps before its generated ones)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T22:38:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one current consent decision per case, category and kind"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)

    # At most one current (not superseded) decision per case, category and receiving kind,
    # also when two recordings race. Partial indexes exist on both PostgreSQL and SQLite.
    async def one_current_decision() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE UNIQUE INDEX consent_record_current_once ON consent_record "
            "(household_case, category, recipient_kind) WHERE superseded_at IS NULL"
        )

    manager.add_raw(one_current_decision)

    return manager
