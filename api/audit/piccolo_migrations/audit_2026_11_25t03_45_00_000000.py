"""Hand-written: the audit trail may be cut after its period, but only behind a checkpoint.

Audit rows stay unchangeable. A row may now be deleted when, and only when, an
`audit_checkpoint` row already covers it (same chain, `last_seq` at or past its `seq`): the
checkpoint keeps the hash of the last row removed, so the chain kept still verifies from it, and
no delete can go unnoticed. Checkpoints are append-only themselves.

On PostgreSQL the application's role holds no DELETE on `audit_event` and no write on
`audit_checkpoint`. It cuts through `audit_cut(chain, up_to, before)`, a SECURITY DEFINER
function owned by the tables' owner (who runs the migrations), which takes the chain's append
lock, refuses rows younger than a year (whatever the caller says: a stolen application password
cannot erase recent history), refuses a cut that is not a prefix of rows all older than
`before`, writes the checkpoint and then deletes. The worker never holds the owner's password.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-25T03:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit rows go only behind a checkpoint, through audit_cut"

GUARD = """
CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM audit_checkpoint c WHERE c.chain = OLD.chain AND c.last_seq >= OLD.seq
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event is append-only (rows go only behind a checkpoint)';
END;
$$ LANGUAGE plpgsql;
"""

# The owner's function; `search_path` is pinned to this schema (then pg_temp, last) so that a
# caller cannot slip in tables or functions of its own.
CUT = """
CREATE OR REPLACE FUNCTION audit_cut(p_chain text, p_up_to bigint, p_before timestamptz)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    v_start bigint;
    v_hash text;
    v_removed bigint;
BEGIN
    IF p_before > now() - interval '365 days' THEN
        RAISE EXCEPTION 'audit rows younger than a year are never cut';
    END IF;
    PERFORM pg_advisory_xact_lock(7513, hashtext(p_chain));
    SELECT coalesce(max(last_seq), 0) INTO v_start FROM audit_checkpoint WHERE chain = p_chain;
    IF p_up_to <= v_start THEN
        RETURN 0;
    END IF;
    IF EXISTS (
        SELECT 1 FROM audit_event
        WHERE chain = p_chain AND seq > v_start AND seq <= p_up_to AND at >= p_before
    ) THEN
        RAISE EXCEPTION 'audit rows of % up to % are not all older than %', p_chain, p_up_to, p_before;
    END IF;
    SELECT hash INTO v_hash FROM audit_event WHERE chain = p_chain AND seq = p_up_to;
    IF v_hash IS NULL THEN
        RAISE EXCEPTION 'audit chain % has no row %', p_chain, p_up_to;
    END IF;
    SELECT count(*) INTO v_removed FROM audit_event
    WHERE chain = p_chain AND seq > v_start AND seq <= p_up_to;
    INSERT INTO audit_checkpoint (id, at, chain, first_seq, last_seq, last_hash, removed, cut_before)
    VALUES (gen_random_uuid(), now(), p_chain, v_start + 1, p_up_to, v_hash, v_removed, p_before);
    DELETE FROM audit_event WHERE chain = p_chain AND seq <= p_up_to;
    RETURN v_removed;
END;
$$;
"""

# As in the migration before: whatever a grant or default privilege gave, no role but the owner
# writes checkpoints (the function writes them as the owner).
REVOKE_CHECKPOINT_WRITES = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT a.grantee::regrole::text AS who
        FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
        WHERE c.relname = 'audit_checkpoint'
          AND c.relnamespace = current_schema()::regnamespace
          AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
          AND a.grantee <> 0
          AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_checkpoint FROM %s', r.who);
    END LOOP;
END
$$;
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    # Reviewed by hand for both databases.
    async def guard() -> None:
        engine = engine_finder()
        assert engine is not None
        if engine.engine_type == "postgres":
            await engine.run_ddl(GUARD)
            # The same trigger name, another function: only DELETE behind a checkpoint passes.
            await engine.run_ddl("DROP TRIGGER audit_event_no_change ON audit_event")
            await engine.run_ddl(
                "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_guard();"
            )
            await engine.run_ddl(
                "CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE "
                "ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();"
            )
            await engine.run_ddl(
                "CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();"
            )
            await engine.run_ddl(
                "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_checkpoint FROM PUBLIC"
            )
            await engine.run_ddl(REVOKE_CHECKPOINT_WRITES)
            found = await engine.run_querystring(QueryString("SELECT current_schema() AS name"))
            schema = '"' + found[0]["name"].replace('"', '""') + '"'
            await engine.run_ddl(CUT.replace("{schema}", schema))
        else:
            await engine.run_ddl("DROP TRIGGER IF EXISTS audit_event_no_delete")
            await engine.run_ddl(
                "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                "WHEN NOT EXISTS (SELECT 1 FROM audit_checkpoint c "
                "WHERE c.chain = OLD.chain AND c.last_seq >= OLD.seq) "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;"
            )
            for operation in ("UPDATE", "DELETE"):
                await engine.run_ddl(
                    f"CREATE TRIGGER audit_checkpoint_no_{operation.lower()} BEFORE {operation} "
                    "ON audit_checkpoint "
                    "BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;"
                )

    manager.add_raw(guard)

    return manager
