"""Hand-written: audit rows cannot be changed or deleted. Runs after the initial migration created the tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T19:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit rows cannot be changed or deleted"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    # Reviewed by hand: the audit trail is append-only in the database itself, so no code path
    # (nor a bug in one) can change or delete a row.
    async def append_only() -> None:
        engine = engine_finder()
        assert engine is not None
        if engine.engine_type == "postgres":
            await engine.run_ddl(
                """
                CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_event is append-only';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            await engine.run_ddl(
                "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();"
            )
        else:
            for operation in ("UPDATE", "DELETE"):
                await engine.run_ddl(
                    f"CREATE TRIGGER audit_event_no_{operation.lower()} BEFORE {operation} "
                    "ON audit_event BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;"
                )

    manager.add_raw(append_only)

    return manager
