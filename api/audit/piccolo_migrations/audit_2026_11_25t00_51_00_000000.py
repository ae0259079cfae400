"""Hand-written: chain the rows already written, one row per (chain, seq), verification runs
append-only too, and on PostgreSQL no role but the tables' owner may change audit rows."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

ID = "2026-11-25T00:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit hash chain: backfill, unique (chain, seq), privileges"

TABLES = ("audit_event", "audit_verification")

# Every grant of UPDATE, DELETE or TRUNCATE on the audit tables to a role other than the owner
# (and to PUBLIC) is revoked: whatever scripts/postgres-roles.sql or a default privilege gave
# the application's role, it can only read and append.
REVOKE_FROM_EVERYONE_BUT_THE_OWNER = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS tab, a.grantee::regrole::text AS who
        FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
        WHERE c.relname IN ('audit_event', 'audit_verification')
          AND c.relnamespace = current_schema()::regnamespace
          AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
          AND a.grantee <> 0
          AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %s', r.tab, r.who);
    END LOOP;
END
$$;
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    # Reviewed by hand. The hash encoding is the one the application writes with
    # (api.audit.chain); it is versioned by its FORMAT tag and never changes in place.
    async def chain_the_trail() -> None:
        from api.audit.chain import GENESIS, chain_of, row_hash

        engine = engine_finder()
        assert engine is not None
        postgres = engine.engine_type == "postgres"
        if postgres:
            await engine.run_ddl("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
        else:
            for operation in ("update", "delete"):
                await engine.run_ddl(f"DROP TRIGGER IF EXISTS audit_event_no_{operation}")

        rows = await engine.run_querystring(
            QueryString(
                "SELECT id, at, actor_user, actor_organisation, device, action, object_type, "
                "object_id, outcome, detail FROM audit_event WHERE seq = 0 ORDER BY at, id"
            )
        )
        heads: dict[str, tuple[int, str]] = {}
        for row in rows:
            chain = chain_of(row["actor_organisation"])
            seq, prev = heads.get(chain, (0, GENESIS))
            row = {**row, "chain": chain, "seq": seq + 1, "prev_hash": prev}
            digest = row_hash(row)
            heads[chain] = (seq + 1, digest)
            await engine.run_querystring(
                QueryString(
                    "UPDATE audit_event SET chain = {}, seq = {}, prev_hash = {}, hash = {} "
                    "WHERE id = {}",
                    chain,
                    seq + 1,
                    prev,
                    digest,
                    row["id"],
                )
            )

        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS audit_event_chain_seq ON audit_event (chain, seq)"
        )
        if postgres:
            await engine.run_ddl("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
            # One function for both tables; it names the table it refuses.
            await engine.run_ddl(
                """
                CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            await engine.run_ddl(
                "CREATE TRIGGER audit_verification_no_change BEFORE UPDATE OR DELETE "
                "ON audit_verification FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();"
            )
            for table in TABLES:
                await engine.run_ddl(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();"
                )
                await engine.run_ddl(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")
            await engine.run_ddl(REVOKE_FROM_EVERYONE_BUT_THE_OWNER)
        else:
            for table in TABLES:
                for operation in ("UPDATE", "DELETE"):
                    await engine.run_ddl(
                        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                        f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                    )

    manager.add_raw(chain_the_trail)

    return manager
