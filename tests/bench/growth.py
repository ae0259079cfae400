"""Growth: ingest and pull with 10,000, 100,000 and 1,000,000 visits already stored
(PostgreSQL). The cost per request must stay flat; EXPLAIN of the hot queries shows how.

Seeding is bulk SQL into the real tables (`INSERT ... SELECT ... generate_series`): copies of a
visit the benchmark itself stored, spread over many cases and workers, each with its outbox job
(done) and its audit row, as a year of use leaves them. Copies take every column of the
template, so a column added later is filled too. The audit copies go into a chain of their own
("bench-seed"): the real chains stay intact, the index is as big as it would be.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

import asyncpg
import httpx

from tests.bench import loadgen, pull
from tests.bench.common import Results, Row, Sizes, ms
from tests.bench.devices import Enrolled, visit_load

VISITS_PER_CASE = 20
VISITS_PER_WORKER = 2_000
SEED_BATCH = 100_000  # rows per statement: bounded memory and WAL per transaction

# The hot queries, as the API issues them (api/visits/views.py, api/sync/services.py,
# api/jobs/worker.py, api/audit/services.py), with the parameters they take from a stored visit.
HOT_QUERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "visit by id (PUT's idempotency check, GET)": ("SELECT * FROM visit WHERE id = $1", ("id",)),
    "pull: my visits since the cursor": (
        "SELECT id, change_seq FROM visit WHERE worker = $1 AND change_seq > $2 "
        "AND change_seq <= $2 + 100 ORDER BY change_seq",
        ("worker", "change_seq"),
    ),
    "pull: my case assignments": (
        'SELECT household_case, change_seq, ended_at FROM case_assignment WHERE "user" = $1',
        ("worker",),
    ),
    "outbox claim": (
        "SELECT id FROM job WHERE (state = 'pending' AND run_after <= now()) "
        "OR (state = 'running' AND leased_until < now()) ORDER BY run_after LIMIT 1 "
        "FOR UPDATE SKIP LOCKED",
        (),
    ),
    # The audit chain's head is a row of its own per organisation (api.audit.tables), found by
    # its primary key whatever the trail's length: not a query that grows.
}
# The lines of a plan that say how rows are found (the rest is costs and buffers).
PLAN_WORDS = ("Scan", "Index Cond", "Filter", "Rows Removed", "Sort")
PLAN_LINES = 6


async def _columns(connection: asyncpg.Connection, table: str) -> list[str]:
    rows = await connection.fetch(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [row["column_name"] for row in rows]


async def _clone(
    connection: asyncpg.Connection,
    table: str,
    template: str,
    count: int,
    overrides: dict[str, str],
    *args: object,
) -> None:
    """`count` copies of the row `template` (a WHERE on `t`), `g` numbering them from 1."""
    columns = await _columns(connection, table)
    select = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
    names = ", ".join(f'"{column}"' for column in columns)
    for start in range(0, count, SEED_BATCH):
        size = min(SEED_BATCH, count - start)
        await connection.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {select} FROM "{table}" t, '
            f"generate_series({start + 1}, {start + size}) g WHERE {template}",
            *args,
        )


async def seed(database_url: str, count: int) -> None:
    """`count` more visits (with cases, workers, jobs and audit rows to match)."""
    connection = await asyncpg.connect(database_url)
    try:
        template = await connection.fetchrow(
            "SELECT id, household_case, worker FROM visit ORDER BY received_at DESC LIMIT 1"
        )
        assert template is not None, "seeding copies a visit the benchmark stored first"
        tag = f"{int(time.time() * 1000)}"
        case_count = max(1, count // VISITS_PER_CASE)
        worker_count = max(1, count // VISITS_PER_WORKER)
        await _clone(
            connection,
            "household_case",
            f"t.id = '{template['household_case']}'",
            case_count,
            {"id": "gen_random_uuid()"},
        )
        await _clone(
            connection,
            "user_account",
            f"t.id = '{template['worker']}'",
            worker_count,
            {"id": "gen_random_uuid()", "username": f"'seed-{tag}-' || g"},
        )
        cases = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM household_case ORDER BY random() LIMIT $1", case_count
            )
        ]
        workers = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM user_account WHERE username LIKE $1", f"seed-{tag}-%"
            )
        ]
        base = await connection.fetchval(
            "UPDATE sync_counter SET value = value + $1 WHERE name = 'changes' "
            "RETURNING value - $1",
            count,
        )
        await _clone(
            connection,
            "visit",
            f"t.id = '{template['id']}'",
            count,
            {
                "id": "gen_random_uuid()",
                "household_case": "($1::uuid[])[1 + g % array_length($1::uuid[], 1)]",
                "worker": "($2::uuid[])[1 + g % array_length($2::uuid[], 1)]",
                "change_seq": f"{base} + g",
                "received_at": "t.received_at - g * interval '20 seconds'",
                "state": "CASE WHEN g % 10 = 0 THEN 'submitted' ELSE 'approved' END",
            },
            cases,
            workers,
        )
        await connection.execute(
            "INSERT INTO job (id, kind, payload, dedupe_key, state, attempts, run_after, "
            "leased_until, last_error, created_at, finished_at) "
            "SELECT gen_random_uuid(), 'report', '{}', $1 || g, 'done', 1, "
            "now() - g * interval '20 seconds', NULL, '', now() - g * interval '20 seconds', "
            "now() - g * interval '20 seconds' FROM generate_series(1, $2) g",
            f"bench-seed:{tag}:",
            count,
        )
        head = await connection.fetchval(
            "SELECT coalesce(max(seq), 0) FROM audit_event WHERE chain = 'bench-seed'"
        )
        await _clone(
            connection,
            "audit_event",
            "t.id = (SELECT id FROM audit_event ORDER BY at DESC LIMIT 1)",
            count,
            {"id": "gen_random_uuid()", "chain": "'bench-seed'", "seq": f"{head} + g"},
        )
        # As a year of use leaves them: vacuumed and analysed, and written out, so the figures
        # after seeding do not share the cores with autovacuum and a checkpoint.
        await connection.execute(
            "VACUUM (ANALYZE) visit, job, audit_event, household_case, user_account"
        )
        await connection.execute("CHECKPOINT")
        # CHECKPOINT hands the pages to the kernel; until it has written them out (gigabytes at
        # 1M), every COMMIT's WAL flush queues behind that write-back and ingest stalls for
        # seconds. The server is on this machine, so wait for the disk here.
        await asyncio.to_thread(os.sync)
    finally:
        await connection.close()


async def explain(database_url: str) -> dict[str, list[str]]:
    """The first lines of each hot query's plan, run for real (ANALYZE, BUFFERS), for a visit
    picked at random."""
    connection = await asyncpg.connect(database_url)
    try:
        visit = await connection.fetchrow(
            "SELECT id, worker, change_seq FROM visit ORDER BY random() LIMIT 1"
        )
        plans = {}
        transaction = connection.transaction()
        await transaction.start()  # the claim's row lock ends with the rollback below
        for name, (sql, parameters) in HOT_QUERIES.items():
            rows = await connection.fetch(
                "EXPLAIN (ANALYZE, BUFFERS) " + sql, *[visit[column] for column in parameters]
            )
            plans[name] = [row[0] for row in rows]
        await transaction.rollback()
        return plans
    finally:
        await connection.close()


async def _pull_seconds(url: str, token: str, database_url: str, count: int) -> list[float]:
    """Incremental pulls with nothing new, as a tablet makes them after catching up.

    The cursor is where the tablet's own pulls end, not the counter read at once: the last
    visits of the load before commit after it, and a pull that brings their case back is not
    the one measured here (it was, by mistake, in earlier tables)."""
    from api.sync.protocol import encode_cursor

    connection = await asyncpg.connect(database_url)
    try:
        seq = await connection.fetchval("SELECT value FROM sync_counter WHERE name = 'changes'")
    finally:
        await connection.close()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        cursor = await pull.caught_up(client, headers, encode_cursor(seq))
        for _ in range(5):  # warm-up
            await pull.incremental(client, headers, cursor)
        return [await pull.incremental(client, headers, cursor) for _ in range(count)]


async def _stored(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM visit"))
    finally:
        await connection.close()


def run(
    results: Results,
    url: str,
    database_url: str,
    pid: int,
    enrolled: list[Enrolled],
    sizes: Sizes,
) -> None:
    chosen = enrolled[: sizes.growth_devices]
    options = {**visit_load(chosen), "server_pid": pid}
    # At least one visit of this run is stored: the template the seeding copies.
    loadgen.run(url, len(chosen), sizes.warmup_seconds, **options)
    plans: list[str] = []
    baseline: tuple[float, float] | None = None
    for level in sizes.growth_levels:
        missing = level - asyncio.run(_stored(database_url))
        start = time.perf_counter()
        if missing > 0:
            asyncio.run(seed(database_url, missing))
        seeded = time.perf_counter() - start
        loadgen.run(url, len(chosen), sizes.warmup_seconds, **options)
        load = loadgen.run(url, len(chosen), sizes.run_seconds, **options)
        pulls = asyncio.run(_pull_seconds(url, chosen[0].token, database_url, sizes.growth_pulls))
        per_visit = load.seconds / max(load.requests, 1)  # no answer at all: the whole run
        pull = statistics.median(pulls)
        baseline = baseline or (per_visit, pull)
        label = f"{level:,}"
        results.add(
            Row(
                f"growth: ingest at {label} visits stored ({len(chosen)} devices)",
                "postgres",
                f"{load.rate:.0f}/s",
                ms(load.p95),
                ms(load.p99),
                aim="flat (< 1.5x first)",
                met=per_visit < 1.5 * baseline[0],
                note=f"p50 {ms(load.p50)}; x{per_visit / baseline[0]:.2f} of the first level's "
                f"cost per visit; seeded in {seeded:.0f} s",
            )
        )
        results.add(
            Row(
                f"growth: incremental pull at {label} visits stored",
                "postgres",
                ms(pull),
                ms(sorted(pulls)[round(0.95 * (len(pulls) - 1))]),
                aim="flat (< 1.5x first)",
                met=pull < 1.5 * baseline[1],
                note=f"x{pull / baseline[1]:.2f} of the first level",
            )
        )
        plans.append(f"-- {label} visits stored")
        for name, lines in asyncio.run(explain(database_url)).items():
            flag = "  <-- Seq Scan" if any("Seq Scan" in line for line in lines) else ""
            plans.append(f"{name}:{flag}")
            shown = [line for line in lines if any(word in line for word in PLAN_WORDS)]
            plans.extend(f"    {line}" for line in shown[:PLAN_LINES])
    results.sections["EXPLAIN (ANALYZE, BUFFERS) of the hot queries"] = "\n".join(plans)
