"""Hand-written: participants and open assignments are unique. Runs after the initial migration created the tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-24T19:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "participants and open assignments are unique"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)

    # Reviewed by hand: an organisation takes part in a case once, and a worker has at most one
    # open assignment per case. Partial indexes exist on both PostgreSQL and SQLite.
    async def uniqueness() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE UNIQUE INDEX case_participant_once ON case_participant "
            "(household_case, organisation)"
        )
        await engine.run_ddl(
            "CREATE UNIQUE INDEX case_assignment_open_once ON case_assignment "
            '(household_case, "user") WHERE ended_at IS NULL'
        )

    manager.add_raw(uniqueness)

    return manager
