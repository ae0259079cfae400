"""The audit trail follows its own period: rows older than `audit_days` are cut from the start of
their chain behind a checkpoint, the chain still verifies, a change after the cut is still
found, and the database lets no audit row go that a checkpoint does not cover."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.conftest import BACKEND
from tests.helpers import in_app
from tests.integration.audit.test_audit_chain import as_attacker, chain_rows
from tests.integration.retention.flows import retention

EIGHT_YEARS = dt.timedelta(days=8 * 365)


async def _append(organisation: uuid.UUID, count: int, age: dt.timedelta) -> None:
    """`count` audit rows in the organisation's chain, written `age` ago."""
    from api.audit import services

    real = services.now
    services.now = lambda: real() - age
    try:
        await services.record(
            None, "read", "case", [uuid.uuid4() for _ in range(count)], organisation_id=organisation
        )
    finally:
        services.now = real


async def chain_with(client, old: int, young: int) -> str:
    organisation = uuid.uuid4()
    if old:
        await in_app(client, _append, organisation, old, EIGHT_YEARS)
    if young:
        await in_app(client, _append, organisation, young, dt.timedelta(0))
    return str(organisation)


async def walk(client, chain: str):
    from api.audit.verification import verify_chain

    return await in_app(client, verify_chain, chain)


async def checkpoints(chain: str) -> list[dict]:
    from api.audit.tables import AuditCheckpoint

    return await AuditCheckpoint.select().where(AuditCheckpoint.chain == chain).run(in_pool=False)


async def test_old_rows_are_cut_behind_a_checkpoint_and_the_chain_still_verifies(client):
    chain = await chain_with(client, old=5, young=3)
    before = await chain_rows(chain)
    outcome = await retention(client)
    assert any(cut.chain == chain and cut.removed == 5 for cut in outcome.audit_cuts)
    kept = await chain_rows(chain)
    assert [row["seq"] for row in kept] == [6, 7, 8]
    [checkpoint] = await checkpoints(chain)
    assert (checkpoint["first_seq"], checkpoint["last_seq"], checkpoint["removed"]) == (1, 5, 5)
    assert checkpoint["last_hash"] == before[4]["hash"] == kept[0]["prev_hash"]
    walked = await walk(client, chain)
    assert walked.broken is None and walked.seq == 8
    # The cut itself is on the trail, without personal data.
    from tests.helpers import audit_rows

    [cut] = await audit_rows(object_id=chain, action="cut")
    assert cut["object_type"] == "audit_chain" and cut["chain"] == "system"
    # Running again cuts nothing more.
    again = await retention(client)
    assert not any(c.chain == chain for c in again.audit_cuts)
    assert len(await checkpoints(chain)) == 1


async def test_a_change_after_the_cut_is_still_found(client):
    chain = await chain_with(client, old=3, young=3)
    await retention(client)
    kept = await chain_rows(chain)
    target = kept[1]
    await as_attacker("UPDATE audit_event SET detail = 'forged' WHERE id = $1", target["id"])
    try:
        walked = await walk(client, chain)
        assert walked.broken is not None and walked.broken.seq == target["seq"]
    finally:
        await as_attacker(
            "UPDATE audit_event SET detail = $1 WHERE id = $2", target["detail"], target["id"]
        )
    assert (await walk(client, chain)).broken is None


async def test_the_first_kept_row_must_follow_the_checkpoint(client):
    chain = await chain_with(client, old=2, young=2)
    await retention(client)
    first = (await chain_rows(chain))[0]
    await as_attacker("UPDATE audit_event SET prev_hash = $1 WHERE id = $2", "0" * 64, first["id"])
    try:
        walked = await walk(client, chain)
        assert walked.broken is not None and walked.broken.seq == first["seq"]
    finally:
        await as_attacker(
            "UPDATE audit_event SET prev_hash = $1 WHERE id = $2", first["prev_hash"], first["id"]
        )


async def test_a_chain_cut_whole_goes_on_from_its_checkpoint(client):
    chain = await chain_with(client, old=3, young=0)
    await retention(client)
    assert await chain_rows(chain) == []
    assert (await walk(client, chain)).broken is None
    await chain_with_more(client, chain)
    rows = await chain_rows(chain)
    [checkpoint] = await checkpoints(chain)
    assert rows[0]["seq"] == 4 and rows[0]["prev_hash"] == checkpoint["last_hash"]
    walked = await walk(client, chain)
    assert walked.broken is None and walked.seq == 4


async def chain_with_more(client, chain: str) -> None:
    await in_app(client, _append, uuid.UUID(chain), 1, dt.timedelta(0))


async def test_a_broken_chain_is_not_cut(client):
    chain = await chain_with(client, old=3, young=1)
    second = (await chain_rows(chain))[1]
    await as_attacker("UPDATE audit_event SET detail = 'forged' WHERE id = $1", second["id"])
    try:
        outcome = await retention(client)
        assert not any(cut.chain == chain for cut in outcome.audit_cuts)
        assert len(await chain_rows(chain)) == 4
    finally:
        await as_attacker(
            "UPDATE audit_event SET detail = $1 WHERE id = $2", second["detail"], second["id"]
        )


async def test_the_database_refuses_to_delete_a_row_no_checkpoint_covers(client):
    from api.audit.tables import AuditEvent

    chain = await chain_with(client, old=2, young=1)
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.delete().where(AuditEvent.chain == chain).run(in_pool=False)
    assert len(await chain_rows(chain)) == 3


async def test_rows_younger_than_a_year_are_never_cut(client):
    from api.audit.cut import CutRefused, cut_chain

    chain = await chain_with(client, old=0, young=2)
    with pytest.raises(CutRefused):
        await in_app(client, cut_chain, chain, 2, dt.datetime.now(dt.UTC))
    assert len(await chain_rows(chain)) == 2


# PostgreSQL: the application's role cuts only through the owner's function -----------------------
postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL roles")


@postgres_only
async def test_the_app_role_cuts_only_through_audit_cut_and_its_rules(client, app_role):
    import asyncpg

    from tests.integration.audit.test_postgres_roles import connect_as

    chain = await chain_with(client, old=2, young=1)
    connection = await connect_as(app_role)
    try:
        for statement in (
            f"DELETE FROM audit_event WHERE chain = '{chain}'",
            "INSERT INTO audit_checkpoint (id, at, chain, first_seq, last_seq, last_hash, "
            f"removed, cut_before) VALUES (gen_random_uuid(), now(), '{chain}', 1, 3, '', 3, "
            "now())",
            "DELETE FROM audit_checkpoint",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(statement)
        # Not a prefix of rows older than `before`, or rows younger than a year: refused.
        with pytest.raises(asyncpg.RaiseError, match="not all older"):
            await connection.fetchval(
                "SELECT audit_cut($1, 3, now() - interval '2000 days')", chain
            )
        with pytest.raises(asyncpg.RaiseError, match="younger than a year"):
            await connection.fetchval("SELECT audit_cut($1, 1, now())", chain)
        removed = await connection.fetchval(
            "SELECT audit_cut($1, 2, now() - interval '2000 days')", chain
        )
        assert removed == 2
    finally:
        await connection.close()
    assert [row["seq"] for row in await chain_rows(chain)] == [3]
    assert (await walk(client, chain)).broken is None
