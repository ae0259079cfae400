"""The audit trail is a hash chain per organisation: appends never fork it, even at once, and
the hourly check finds a changed, deleted, inserted or reordered row and names it.

The tampering here is what someone with the database's owner rights could do: go past the
append-only triggers (SQLite: drop them in the same transaction; PostgreSQL:
session_replication_role). Every test puts the rows it broke back, so the shared database
stays intact for the rest of the suite.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import os
import re
import sqlite3
import uuid
from typing import Any

import pytest

from api.audit.chain import GENESIS, SYSTEM_CHAIN, Walk, canonical, row_hash
from tests.conftest import BACKEND
from tests.helpers import bearer, demo_case_id, headers_for, in_app, login

ROW_COLUMNS = (
    "id, at, actor_user, actor_organisation, device, action, object_type, object_id, outcome, "
    "detail, chain, seq, prev_hash, hash"
)


# Helpers --------------------------------------------------------------------------------------
async def as_attacker(statement: str, *args: Any) -> None:
    """Run one statement past the append-only triggers (`$1`... placeholders)."""
    if BACKEND == "postgres":
        import asyncpg

        connection = await asyncpg.connect(os.environ["DATABASE_URL"])
        try:
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")
                await connection.execute(statement, *args)
        finally:
            await connection.close()
        return
    from api.settings import get_settings

    db = sqlite3.connect(str(get_settings().sqlite_path), timeout=30, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        ).fetchall()
        assert triggers, "the append-only triggers are missing"
        for name, _ in triggers:
            db.execute(f"DROP TRIGGER {name}")
        values = [str(a) if isinstance(a, uuid.UUID) else a for a in args]
        db.execute(re.sub(r"\$\d+", "?", statement), values)
        for _, sql in triggers:
            db.execute(sql)
        db.execute("COMMIT")
    finally:
        db.close()


async def chain_rows(chain: str) -> list[dict]:
    from api.audit.tables import AuditEvent

    return await (
        AuditEvent.select().where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
    ).run(in_pool=False)


async def put_back(row: dict) -> None:
    """A deleted row, inserted again as it was (inserting needs no trigger bypass)."""
    from api.audit.tables import AuditEvent

    await AuditEvent.insert(AuditEvent(**row)).run(in_pool=False)


async def check(client, chain: str) -> dict:
    """Run the periodic check as the worker does; this chain's row of that run."""
    from api.audit.tables import AuditVerification
    from api.audit.verification import verify_audit_trail

    await in_app(client, verify_audit_trail)
    row = await (
        AuditVerification.select()
        .where(AuditVerification.chain == chain)
        .order_by(AuditVerification.at, ascending=False)
        .first()
    ).run(in_pool=False)
    assert row is not None
    return row


async def fresh_chain(client, reads: int = 4) -> tuple[str, list[dict]]:
    """An organisation of its own with a person who logs in and is refused a few cases: a
    chain of (at least) `reads` refusals that no other test writes to."""
    admin = await headers_for(client, "admin")
    organisation = await client.post(
        "/api/admin/organisations",
        headers=admin,
        json={"name": f"Stichting Keten {uuid.uuid4().hex[:8]}", "kind": "other"},
    )
    assert organisation.status_code == 201, organisation.text
    organisation_id = organisation.json()["id"]
    username = f"t-{uuid.uuid4().hex[:12]}"
    person = await client.post(
        "/api/admin/users",
        headers=admin,
        json={
            "username": username,
            "display_name": "Testpersoon Keten",
            "organisation_id": organisation_id,
            "roles": ["field_worker"],
            "password": "a-long-test-password",
        },
    )
    assert person.status_code == 201, person.text
    tokens = await login(client, username, "a-long-test-password")
    for n in range(reads):
        name = ["Familie Brinkhorst", "Familie Ramdin-Klaver"][n % 2]
        answer = await client.get(f"/api/cases/{demo_case_id(name)}", headers=bearer(tokens))
        assert answer.status_code == 404
    rows = await chain_rows(organisation_id)
    assert len(rows) >= reads
    return organisation_id, rows


def linked(rows: list[dict], chain: str) -> None:
    """Rows 1..n of one chain, each hashing to its `hash` and naming the one before."""
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    prev = GENESIS
    for row in rows:
        assert row["chain"] == chain
        assert row["prev_hash"] == prev
        assert row["hash"] == row_hash(row)
        prev = row["hash"]


# Writing the chain ----------------------------------------------------------------------------
async def test_an_organisations_rows_form_one_chain_and_anonymous_rows_their_own(client):
    organisation_id, rows = await fresh_chain(client)
    linked(rows, organisation_id)
    assert {str(row["actor_organisation"]) for row in rows} == {organisation_id}
    assert [(r["action"], r["outcome"]) for r in rows[-3:]] == [("read", "refused")] * 3

    # A report check by someone not signed in has no organisation: the system chain.
    answer = await client.post(
        "/api/reports/verify",
        content=b"%PDF-1.4\n%%EOF\n",
        headers={"Content-Type": "application/pdf"},
    )
    assert answer.status_code == 200
    system = await chain_rows(SYSTEM_CHAIN)
    assert system[-1]["action"] == "verify" and system[-1]["actor_organisation"] is None
    linked(system, SYSTEM_CHAIN)


async def _append_at_once(chain_id: uuid.UUID, count: int) -> None:
    """`count` appends to one chain at the same moment, half from inside a service's write
    transaction (chained just before its commit), half on their own."""
    from api.audit import services as audit
    from api.lib.db import write_transaction

    async def in_transaction(n: int) -> None:
        async with write_transaction():
            await asyncio.sleep(0)
            await audit.record(None, "read", "case", [f"t{n}a", f"t{n}b"], organisation_id=chain_id)
            await asyncio.sleep(0)

    async def alone(n: int) -> None:
        await audit.record(None, "read", "case", [f"a{n}"], organisation_id=chain_id)

    await asyncio.gather(
        *(in_transaction(n) if n % 2 else alone(n) for n in range(count)),
    )


async def test_appends_at_the_same_moment_never_fork_the_chain(client):
    chain_id = uuid.uuid4()
    await in_app(client, _append_at_once, chain_id, 30)
    rows = await chain_rows(str(chain_id))
    # 15 transactions of two rows, 15 appends of one: 45 rows, numbered 1..45 without a gap.
    assert len(rows) == 45
    linked(rows, str(chain_id))
    assert (await check(client, str(chain_id)))["ok"]


async def test_a_rolled_back_transaction_leaves_no_row_and_no_gap(client):
    from api.audit import services as audit
    from api.lib.db import write_transaction

    chain_id = uuid.uuid4()

    async def fails() -> None:
        async with write_transaction():
            await audit.record(None, "update", "case", ["x"], organisation_id=chain_id)
            raise RuntimeError("the service's change failed")

    async def succeeds() -> None:
        async with write_transaction():
            await audit.record(None, "update", "case", ["y"], organisation_id=chain_id)

    with pytest.raises(RuntimeError):
        await in_app(client, fails)
    await in_app(client, succeeds)
    rows = await chain_rows(str(chain_id))
    assert [(r["seq"], r["object_id"]) for r in rows] == [(1, "y")]
    linked(rows, str(chain_id))


# Checking the chain ---------------------------------------------------------------------------
async def test_an_untouched_trail_verifies(client):
    from api.audit.verification import verify_audit_trail

    organisation_id, rows = await fresh_chain(client)
    result = await check(client, organisation_id)
    assert result["ok"] and result["broken_at"] is None and result["problem"] == ""
    assert result["checked_up_to"] == rows[-1]["seq"]
    assert result["head_hash"] == rows[-1]["hash"]
    # Everything the suite wrote so far, on every chain (demo seed, logins, concurrent writes).
    assert await in_app(client, verify_audit_trail) == 0


async def test_a_changed_row_is_found_and_named(client):
    organisation_id, rows = await fresh_chain(client)
    assert (await check(client, organisation_id))["ok"]
    target = rows[2]
    await as_attacker(
        "UPDATE audit_event SET detail = $1 WHERE id = $2", "nothing to see", target["id"]
    )
    try:
        result = await check(client, organisation_id)
        assert not result["ok"]
        assert (result["broken_at"], str(result["broken_row"])) == (3, str(target["id"]))
        assert "changed" in result["problem"]
        assert result["checked_up_to"] == 2
    finally:
        await as_attacker(
            "UPDATE audit_event SET detail = $1 WHERE id = $2", target["detail"], target["id"]
        )
    assert (await check(client, organisation_id))["ok"]


async def test_a_changed_actor_is_found_too(client):
    """Who did it is as much the record as what was done."""
    organisation_id, rows = await fresh_chain(client)
    target = rows[1]
    await as_attacker(
        "UPDATE audit_event SET actor_user = NULL, device = NULL WHERE id = $1", target["id"]
    )
    try:
        result = await check(client, organisation_id)
        assert (result["ok"], result["broken_at"]) == (False, 2)
        assert str(result["broken_row"]) == str(target["id"])
    finally:
        await as_attacker(
            "UPDATE audit_event SET actor_user = $1, device = $2 WHERE id = $3",
            target["actor_user"],
            target["device"],
            target["id"],
        )
    assert (await check(client, organisation_id))["ok"]


async def test_a_deleted_row_is_found(client):
    organisation_id, rows = await fresh_chain(client)
    target = rows[1]
    await as_attacker("DELETE FROM audit_event WHERE id = $1", target["id"])
    try:
        result = await check(client, organisation_id)
        assert (result["ok"], result["broken_at"], result["checked_up_to"]) == (False, 2, 1)
        assert "missing" in result["problem"]
    finally:
        await put_back(target)
    assert (await check(client, organisation_id))["ok"]


async def test_the_newest_rows_deleted_are_found_against_the_last_check(client):
    """Cutting the chain short leaves no gap; the last good check still knows how far it went."""
    organisation_id, rows = await fresh_chain(client)
    assert (await check(client, organisation_id))["checked_up_to"] == len(rows)
    await as_attacker("DELETE FROM audit_event WHERE id = $1", rows[-1]["id"])
    try:
        result = await check(client, organisation_id)
        assert (result["ok"], result["broken_at"]) == (False, len(rows))
        assert "earlier check" in result["problem"]
    finally:
        await put_back(rows[-1])
    assert (await check(client, organisation_id))["ok"]


async def test_the_newest_row_deleted_is_found_once_the_chain_moves_on(client):
    """The chain's head row remembers the newest hash: a row appended after the newest was
    deleted follows the deleted one, so the gap shows even without an earlier check."""
    organisation_id, rows = await fresh_chain(client)
    await as_attacker("DELETE FROM audit_event WHERE id = $1", rows[-1]["id"])
    try:
        await in_app(client, _record_one, uuid.UUID(organisation_id), "after the deletion")
        after = await chain_rows(organisation_id)
        assert after[-1]["seq"] == rows[-1]["seq"] + 1
        assert after[-1]["prev_hash"] == rows[-1]["hash"]
        walk = Walk(organisation_id)
        walk.feed(after)
        found = walk.finish()
        assert found is not None and (found.seq, found.row_id) == (rows[-1]["seq"], None)
        assert "missing" in found.problem
    finally:
        await put_back(rows[-1])
    assert (await check(client, organisation_id))["ok"]


async def _record_one(chain_id: uuid.UUID, object_id: str) -> None:
    from api.audit import services as audit

    await audit.record(None, "read", "case", [object_id], organisation_id=chain_id)


async def test_a_chain_without_a_head_row_goes_on_from_its_newest_row(client):
    """A trail written before heads were kept (or loaded in bulk) has chains without a head
    row: the first append makes one from the newest row, and the chain stays one chain."""
    from api.audit.tables import AuditChainHead

    organisation_id, rows = await fresh_chain(client)
    await AuditChainHead.delete().where(AuditChainHead.chain == organisation_id).run(in_pool=False)
    await in_app(client, _append_at_once, uuid.UUID(organisation_id), 6)
    after = await chain_rows(organisation_id)
    assert len(after) == len(rows) + 9  # 3 transactions of two rows, 3 appends of one
    linked(after, organisation_id)
    head = await (
        AuditChainHead.select().where(AuditChainHead.chain == organisation_id).first()
    ).run(in_pool=False)
    assert (head["seq"], head["hash"]) == (after[-1]["seq"], after[-1]["hash"])
    assert (await check(client, organisation_id))["ok"]


async def test_a_forged_row_and_a_reordering_are_found(client):
    organisation_id, rows = await fresh_chain(client)
    # Two rows swap places (their numbers), as if one happened before the other.
    first, second = rows[1], rows[2]
    swap = "UPDATE audit_event SET seq = $1 WHERE id = $2"
    await as_attacker(swap, -1, first["id"])
    await as_attacker(swap, first["seq"], second["id"])
    await as_attacker(swap, second["seq"], first["id"])
    try:
        result = await check(client, organisation_id)
        assert (result["ok"], result["broken_at"]) == (False, 2)
        assert str(result["broken_row"]) == str(second["id"])
    finally:
        await as_attacker(swap, -1, first["id"])
        await as_attacker(swap, second["seq"], second["id"])
        await as_attacker(swap, first["seq"], first["id"])
    assert (await check(client, organisation_id))["ok"]

    # A row made up afterwards: inserting needs no bypass, but it cannot continue the chain
    # without the hash of the row before, and a guess is caught.
    from api.audit.tables import AuditEvent

    forged = {
        **rows[-1],
        "id": uuid.uuid4(),
        "seq": rows[-1]["seq"] + 1,
        "detail": "organisation takes part in the case",
        "prev_hash": "f" * 64,
    }
    forged["hash"] = row_hash(forged)
    await AuditEvent.insert(AuditEvent(**forged)).run(in_pool=False)
    try:
        result = await check(client, organisation_id)
        assert (result["ok"], result["broken_at"]) == (False, forged["seq"])
        assert str(result["broken_row"]) == str(forged["id"])
    finally:
        await as_attacker("DELETE FROM audit_event WHERE id = $1", forged["id"])
    assert (await check(client, organisation_id))["ok"]


async def test_the_worker_runs_the_check_hourly():
    from api.audit.verification import HOURLY, verify_audit_trail
    from api.jobs import worker

    worker._load_handlers()
    assert (HOURLY, verify_audit_trail) in worker._periodic
    assert HOURLY == 3600


# The walk itself (no database) ----------------------------------------------------------------
def made_chain(length: int = 5, chain: str = "c") -> list[dict]:
    rows, prev = [], GENESIS
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    for seq in range(1, length + 1):
        row = {
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"row/{seq}"),
            "at": start + dt.timedelta(seconds=seq, microseconds=seq),
            "actor_user": uuid.uuid5(uuid.NAMESPACE_URL, "user"),
            "actor_organisation": None,
            "device": None,
            "action": "read",
            "object_type": "case",
            "object_id": f"case-{seq}",
            "outcome": "allowed",
            "detail": "",
            "chain": chain,
            "seq": seq,
            "prev_hash": prev,
        }
        row["hash"] = prev = row_hash(row)
        rows.append(row)
    return rows


def walked(rows: list[dict], anchor: tuple[int, str] = (0, "")) -> Any:
    walk = Walk("c", anchor_seq=anchor[0], anchor_hash=anchor[1])
    walk.feed(sorted(rows, key=lambda r: r["seq"]))
    return walk.finish()


def test_the_encoding_is_pinned():
    """A row's hash never changes with the code: pinned, and the same in any time zone."""
    row = made_chain(1)[0]
    assert canonical(row).startswith(b'["keukentafel-audit-1","c",1,')
    assert row_hash(row) == PINNED
    amsterdam = dt.timezone(dt.timedelta(hours=1))
    assert row_hash({**row, "at": row["at"].astimezone(amsterdam)}) == PINNED


PINNED = "620bb7b3f07ab30d24069b383f6f98c3448ec31836f12ddcad57df91c810ee16"


def test_the_walk_finds_each_kind_of_tampering():
    rows = made_chain()
    assert walked(rows) is None

    changed = copy.deepcopy(rows)
    changed[2]["outcome"] = "refused"
    found = walked(changed)
    assert (found.seq, found.row_id) == (3, str(rows[2]["id"])) and "changed" in found.problem

    deleted = rows[:2] + rows[3:]
    found = walked(deleted)
    assert (found.seq, found.row_id) == (3, None) and "missing" in found.problem

    inserted = copy.deepcopy(rows)
    extra = {**rows[2], "id": uuid.uuid4(), "detail": "forged"}
    extra["hash"] = row_hash(extra)
    found = walked([*inserted[:3], extra, *inserted[3:]])
    assert (found.seq, found.row_id) == (3, str(extra["id"]))

    reordered = copy.deepcopy(rows)
    reordered[1]["seq"], reordered[2]["seq"] = 3, 2
    found = walked(reordered)
    assert (found.seq, found.row_id) == (2, str(rows[2]["id"]))

    moved = copy.deepcopy(rows)
    moved[3]["chain"] = "elsewhere"
    assert walked(moved).seq == 4

    # Rewritten from row 3 on with every hash recomputed: only an earlier check can tell.
    rewritten = copy.deepcopy(rows)
    prev = rewritten[1]["hash"]
    for row in rewritten[2:]:
        row["prev_hash"] = prev
        row["detail"] = "rewritten"
        row["hash"] = prev = row_hash(row)
    assert walked(rewritten) is None
    found = walked(rewritten, anchor=(5, rows[4]["hash"]))
    assert (found.seq, found.row_id) == (5, str(rows[4]["id"]))

    truncated = rows[:3]
    assert walked(truncated) is None
    found = walked(truncated, anchor=(5, rows[4]["hash"]))
    assert found.seq == 4 and "earlier check" in found.problem
