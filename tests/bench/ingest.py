"""Sync ingest: `PUT /api/visits/{id}` (a full kitchen-table form: validated, audited, outbox
row written) at 1, 10 and 50 devices, and the same server's `GET /api/health` with the same
generator at the same concurrency. The ratio says how much of the server's capacity a visit
costs over the bare framework and loopback."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from tests.bench import loadgen
from tests.bench.common import Results, Row, Sizes, ms
from tests.bench.devices import Enrolled, visit_load
from tests.bench.memory import PeakRss

INGEST_AIM_RATE = 500  # visits/s, PostgreSQL, one API process, this 2-core machine
INGEST_AIM_P99 = 0.100  # seconds, at 50 devices
RATIO_AIM = 0.2


@dataclass
class Point:
    """The runs at one concurrency."""

    runs: list[loadgen.LoadResult] = field(default_factory=list)

    def median(self, name: str) -> float:
        values = [getattr(run, name) for run in self.runs]
        return statistics.median(value for value in values if value is not None)

    def spread(self) -> str:
        rates = [run.rate for run in self.runs]
        return f"{min(rates):.0f}-{max(rates):.0f}/s over {len(rates)} run(s)"

    def problems(self) -> int:
        return sum(run.unexpected + run.socket_errors for run in self.runs)


def _measure(
    url: str, devices: int, sizes: Sizes, pid: int, enrolled: list[Enrolled] | None
) -> Point:
    """Warm-up, then `sizes.runs` runs; `enrolled` None: the trivial endpoint."""
    options: dict[str, Any] = (
        {"path": "/api/health", "expected": 200}
        if enrolled is None
        else visit_load(enrolled[:devices])
    )
    loadgen.run(url, devices, sizes.warmup_seconds, server_pid=pid, **options)
    point = Point()
    for _ in range(sizes.runs):
        point.runs.append(loadgen.run(url, devices, sizes.run_seconds, server_pid=pid, **options))
    return point


def _cpu(point: Point) -> str:
    server = point.median("server_cpu")
    return f"wrk {point.median('generator_cpu'):.0%} of a core, API {server:.0%}"


def run(
    results: Results, url: str, backend: str, pid: int, enrolled: list[Enrolled], sizes: Sizes
) -> Point | None:
    """Every concurrency; returns the largest point's ingest (for memory and the profile)."""
    last = None
    for devices in sizes.devices:
        with PeakRss(pid) as peak:
            ingest = _measure(url, devices, sizes, pid, enrolled)
        health = _measure(url, devices, sizes, pid, None)
        rate, trivial = ingest.median("rate"), health.median("rate")
        biggest = devices == max(sizes.devices)
        on_postgres = backend == "postgres"
        results.add(
            Row(
                f"ingest: visits/s, {devices} device(s)",
                backend,
                f"{rate:.0f}/s",
                aim=f">= {INGEST_AIM_RATE}/s" if on_postgres and biggest else "",
                met=rate >= INGEST_AIM_RATE if on_postgres and biggest else None,
                note=f"{ingest.spread()}; {_cpu(ingest)}"
                + (f"; {ingest.problems()} unexpected answers" if ingest.problems() else ""),
            )
        )
        p99 = ingest.median("p99")
        results.add(
            Row(
                f"ingest: latency, {devices} device(s)",
                backend,
                ms(ingest.median("p50")),
                ms(ingest.median("p95")),
                p99=ms(p99),
                aim=f"p99 < {INGEST_AIM_P99 * 1000:.0f} ms" if biggest else "",
                # No answer within the run is no p99 at all: not met.
                met=(0 < p99 < INGEST_AIM_P99) if biggest else None,
            )
        )
        results.add(
            Row(
                f"GET /api/health: requests/s, {devices} device(s)",
                backend,
                f"{trivial:.0f}/s",
                ms(health.median("p95")),
                p99=ms(health.median("p99")),
                note=f"{health.spread()}; {_cpu(health)}",
            )
        )
        results.add(
            Row(
                f"ingest / health ratio, {devices} device(s)",
                backend,
                f"{rate / trivial:.3f}",
                aim=f"> {RATIO_AIM}",
                met=rate / trivial > RATIO_AIM,
            )
        )
        if biggest:
            results.add(
                Row(
                    f"API peak RSS during the {devices}-device ingest",
                    backend,
                    f"{peak.mib:.0f} MiB",
                    note=f"VmHWM since start {peak.hwm_kib / 1024:.0f} MiB",
                )
            )
            last = ingest
    return last


def scaled(
    results: Results, url: str, pid: int, enrolled: list[Enrolled], sizes: Sizes, processes: int
) -> None:
    """The largest concurrency against a server of `processes` API processes (one per core):
    what one machine carries, where the aims above are for one process."""
    devices = max(sizes.devices)
    point = _measure(url, devices, sizes, pid, enrolled)
    results.add(
        Row(
            f"ingest: visits/s, {devices} device(s), {processes} API processes",
            "postgres",
            f"{point.median('rate'):.0f}/s",
            ms(point.median("p95")),
            p99=ms(point.median("p99")),
            note=f"p50 {ms(point.median('p50'))}; {point.spread()}; {_cpu(point)}"
            + (f"; {point.problems()} unexpected answers" if point.problems() else ""),
        )
    )
