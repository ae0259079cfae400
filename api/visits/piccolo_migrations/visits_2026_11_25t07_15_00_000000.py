"""Hand-written: an index on (worker, change_seq) for the pull (api.sync.services).

A pull asks for one worker's visits numbered after the cursor, and an incremental pull first
asks whether there is any. With an index on `worker` alone, a worker with tens of thousands of
visits had every one of them read to find the few after the cursor (about 200 ms at 100k
visits stored in the growth benchmark); with the pair it is a range scan. Piccolo cannot
declare an index over two columns on a table class.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T07:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an index of each worker's visits by change number"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="visits", description=DESCRIPTION)

    async def worker_changes() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS visit_worker_change_seq ON visit (worker, change_seq)"
        )

    manager.add_raw(worker_changes)

    return manager
