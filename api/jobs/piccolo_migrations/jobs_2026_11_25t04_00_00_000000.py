"""Hand-written: a partial index for the worker's claim (api.jobs.worker.claim).

Done and failed jobs stay in the table (their history), so an index over every row makes the
claim walk past them in `run_after` order before it meets a due one. This index holds only the
rows a claim can take. Piccolo cannot declare a partial index on a table class; partial indexes
exist on both PostgreSQL and SQLite, and both use this one only when the query repeats its
condition (`state IN ('pending', 'running')`), which the claim does.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a partial index of the jobs a worker may claim"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="jobs", description=DESCRIPTION)

    async def claimable_jobs() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS job_claimable ON job (run_after) "
            "WHERE state IN ('pending', 'running')"
        )

    manager.add_raw(claimable_jobs)

    return manager
