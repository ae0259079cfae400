"""On PostgreSQL the application's role may read and append audit rows, and nothing more: made
by the shipped scripts/postgres-roles.sql, it is refused UPDATE, DELETE and TRUNCATE by the
privileges themselves (before any trigger), and cannot switch the triggers off.

The tests run as the superuser `postgres`, which privileges do not bind, so this makes a
non-superuser role the way production does and works as it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.conftest import BACKEND, REPO

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL roles and privileges")


def psql(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("psql")
    assert binary, "psql is needed to run scripts/postgres-roles.sql"
    return subprocess.run(
        [binary, os.environ["DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-X", "-q", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
async def app_role(prepared_database) -> AsyncIterator[str]:
    import asyncpg

    role = f"keukentafel_app_test_{uuid.uuid4().hex[:8]}"
    made = psql("-v", f"app_role={role}", "-f", str(REPO / "scripts" / "postgres-roles.sql"))
    assert made.returncode == 0, made.stderr
    try:
        yield role
    finally:
        owner = await asyncpg.connect(os.environ["DATABASE_URL"])
        try:
            await owner.execute(f'DROP OWNED BY "{role}"')
            await owner.execute(f'DROP ROLE "{role}"')
        finally:
            await owner.close()


async def connect_as(role: str):
    import asyncpg

    from api.piccolo_conf import postgres_config

    config = postgres_config(os.environ["DATABASE_URL"])
    return await asyncpg.connect(
        host=config["host"], port=config["port"], database=config["database"], user=role
    )


async def test_the_app_role_appends_but_cannot_change_or_delete_audit_rows(app_role):
    import asyncpg

    connection = await connect_as(app_role)
    try:
        assert not await connection.fetchval(
            "SELECT rolsuper FROM pg_roles WHERE rolname = $1", app_role
        )
        # What the application does on every write: lock the chain's head and read it, append,
        # move the head (and, for a chain new to heads, take the chain's advisory lock).
        # Rolled back: a row chained by hand has no place in the trail.
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("SELECT pg_advisory_xact_lock(7513, hashtext('role-test'))")
        await connection.execute(
            "INSERT INTO audit_chain_head (chain, seq, hash) VALUES ('role-test', 0, '') "
            "ON CONFLICT DO NOTHING"
        )
        await connection.fetchrow(
            "SELECT seq, hash FROM audit_chain_head WHERE chain = 'role-test' FOR UPDATE"
        )
        await connection.execute(
            "UPDATE audit_chain_head SET seq = 1, hash = 'x' WHERE chain = 'role-test'"
        )
        inserted = await connection.fetchval(
            "INSERT INTO audit_event (id, at, action, object_type, object_id, outcome, detail, "
            "chain, seq, prev_hash, hash) VALUES ($1, now(), 'read', 'case', 'x', 'allowed', '', "
            "'role-test', 1, '', '') RETURNING id",
            uuid.uuid4(),
        )
        assert inserted is not None
        await transaction.rollback()

        assert await connection.fetchval("SELECT count(*) FROM audit_event") > 0
        for statement in (
            "UPDATE audit_event SET detail = 'nothing happened'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
            "UPDATE audit_verification SET ok = true",
            "DELETE FROM audit_verification",
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change",
            "SET session_replication_role = replica",
        ):
            with pytest.raises(asyncpg.PostgresError) as refused:
                await connection.execute(statement)
            assert isinstance(
                refused.value,
                asyncpg.InsufficientPrivilegeError,
            ), (statement, refused.value)
        # The rest of the application's tables stay writable for it.
        await connection.execute("UPDATE job SET last_error = last_error WHERE false")
        await connection.execute("DELETE FROM login_failure WHERE false")
    finally:
        await connection.close()


async def test_nobody_but_the_owner_holds_change_rights_on_the_audit_tables(prepared_database):
    """What the migration leaves, whatever was granted before it: no UPDATE, DELETE or
    TRUNCATE for PUBLIC or any role but the owner (whom the triggers still stop)."""
    import asyncpg

    owner = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        holders = await owner.fetch(
            """
            SELECT c.relname, a.grantee, a.privilege_type
            FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
            WHERE c.relname IN ('audit_event', 'audit_verification')
              AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
              AND a.grantee <> c.relowner
            """
        )
        assert holders == []
        triggers = {
            row["tgname"]
            for row in await owner.fetch(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid IN ('audit_event'::regclass, 'audit_verification'::regclass)"
            )
        }
        assert triggers >= {
            "audit_event_no_change",
            "audit_event_no_truncate",
            "audit_verification_no_change",
            "audit_verification_no_truncate",
        }
    finally:
        await owner.close()
