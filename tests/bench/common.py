"""What every benchmark shares: the sizes (quick or full), statistics, a row of the table."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sizes:
    """How much each benchmark does. `quick` keeps the whole run within a couple of minutes."""

    quick: bool
    devices: tuple[int, ...] = (1, 10, 50)
    runs: int = 3  # load runs per point; the table shows the median (and the spread)
    warmup_seconds: float = 2.0
    run_seconds: float = 6.0
    pull_cases: int = 200
    pull_first_runs: int = 10
    pull_incremental_runs: int = 200
    report_runs: int = 30
    push_seconds: float = 8.0
    pwa_runs: int = 5
    growth_levels: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    growth_devices: int = 10
    growth_pulls: int = 100


FULL = Sizes(quick=False)
QUICK = Sizes(
    quick=True,
    runs=1,
    warmup_seconds=1.0,
    run_seconds=3.0,
    pull_cases=20,
    pull_first_runs=2,
    pull_incremental_runs=30,
    report_runs=5,
    push_seconds=2.0,
    pwa_runs=1,
    growth_levels=(10_000, 50_000),
    growth_pulls=20,
)


def sizes_from_env() -> Sizes:
    return QUICK if os.environ.get("BENCH", "full") == "quick" else FULL


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank on the sorted values: with few samples it is an observed value, not a guess."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Row:
    """One line of the table. `met` is None where the issue sets no aim."""

    what: str
    backend: str
    median: str
    p95: str = ""
    p99: str = ""
    aim: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    # Extra sections printed under the table: query plans, the profile, skipped benchmarks.
    sections: dict[str, str] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.what} [{row.backend}]: {row.median} (p95 {row.p95 or '-'}) {row.note}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def median_ms(values: list[float]) -> tuple[str, str]:
    return ms(statistics.median(values)), ms(percentile(values, 0.95))
