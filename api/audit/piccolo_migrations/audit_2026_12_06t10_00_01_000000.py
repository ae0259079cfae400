"""Hand-written: the chains' heads (api.audit.tables.AuditChainHead) filled from the trail as
it stands: the newest row of each chain, or for a chain cut whole its last checkpoint. Reviewed
by hand for both databases. Run it with no older server appending at the same time: one would
move a chain on without its head, and the next append would meet the unique (chain, seq) index
instead of forking the chain."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-06T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain heads filled from the trail"

FROM_ROWS = """
INSERT INTO audit_chain_head (chain, seq, hash)
SELECT e.chain, e.seq, e.hash FROM audit_event e
WHERE e.seq = (SELECT max(m.seq) FROM audit_event m WHERE m.chain = e.chain)
"""
FROM_CHECKPOINTS = """
INSERT INTO audit_chain_head (chain, seq, hash)
SELECT c.chain, c.last_seq, c.last_hash FROM audit_checkpoint c
WHERE c.last_seq = (SELECT max(m.last_seq) FROM audit_checkpoint m WHERE m.chain = c.chain)
  AND NOT EXISTS (SELECT 1 FROM audit_chain_head h WHERE h.chain = c.chain)
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def fill_heads() -> None:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl(FROM_ROWS)
        await engine.run_ddl(FROM_CHECKPOINTS)

    manager.add_raw(fill_heads)
    return manager
