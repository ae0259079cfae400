"""`python -m tests.bench` (`make bench`; BENCH=quick for the small version in CI).

Starts the API on SQLite, then on PostgreSQL, runs each benchmark after its warm-up, and prints
the table (also written to var/bench/). A benchmark that fails is reported under the table and
makes the exit status 1, so CI notices a benchmark that rotted; no figure is ever asserted.
BENCH_ONLY=ingest,processes,pull,pwa,profile,growth,reports,push runs a part (while working
on one).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from tests.bench import growth, ingest, profile, pull, push, pwa, reports, table
from tests.bench.common import Results, Sizes, sizes_from_env
from tests.bench.devices import Enrolled, enrol, visit_load
from tests.bench.servers import api_server, server_pid

PARTS = ("ingest", "processes", "pull", "pwa", "profile", "growth", "reports", "push")


class Bench:
    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.results = Results()
        self.failures: list[str] = []
        only = {part for part in os.environ.get("BENCH_ONLY", "").split(",") if part}
        self.parts = only or set(PARTS)
        self.started = dt.datetime.now(dt.UTC)

    def stage(self, name: str, function: Callable[..., Any], *args: Any) -> Any:
        if name.split(" ")[0] not in self.parts:
            return None
        start = time.perf_counter()
        print(f"== bench: {name}", flush=True)
        try:
            return function(*args)
        except Exception:
            self.failures.append(f"{name}:\n{traceback.format_exc()}")
            print(self.failures[-1], file=sys.stderr)
            return None
        finally:
            print(f"== bench: {name}: {time.perf_counter() - start:.0f} s", flush=True)

    def on(self, backend: str) -> None:
        wanted = {"ingest", "pull", "pwa", "profile", "growth"} & self.parts
        if backend == "sqlite":
            wanted -= {"growth"}
        if not wanted:
            return
        with api_server(backend) as server:
            url, pid = server.url(), server_pid(server)
            enrolled = asyncio.run(enrol(url, max(self.sizes.devices)))
            self.stage(
                f"ingest {backend}",
                ingest.run,
                self.results,
                url,
                backend,
                pid,
                enrolled,
                self.sizes,
            )
            if backend == "postgres" or not self.sizes.quick:  # quick: one profile is enough
                self.stage(f"profile {backend}", self.profile, url, backend, pid, enrolled)
            self.stage(f"pull {backend}", pull.run, self.results, url, backend, self.sizes)
            if backend == "sqlite":
                self.stage("pwa", self.pwa, url)
            else:
                self.stage(
                    "growth",
                    growth.run,
                    self.results,
                    url,
                    server.database_url,
                    pid,
                    enrolled,
                    self.sizes,
                )

    def processes(self) -> None:
        """Ingest on a server of one API process per core (KEUKENTAFEL_WEB_PROCESSES)."""
        count = os.cpu_count() or 1
        with api_server("postgres", processes=count) as server:
            url, pid = server.url(), server_pid(server)
            enrolled = asyncio.run(enrol(url, max(self.sizes.devices)))
            ingest.scaled(self.results, url, pid, enrolled, self.sizes, count)

    def pwa(self, url: str) -> None:
        pwa.sizes(self.results)
        pwa.timings(self.results, url, self.sizes)

    def profile(self, url: str, backend: str, pid: int, enrolled: list[Enrolled]) -> None:
        if not profile.available():
            self.results.sections["profile"] = "py-spy is missing (pip install -e '.[dev]')"
            return
        devices = max(self.sizes.devices)
        raw = table.output_dir() / f"profile-{self.started:%Y-%m-%d-%H%M}-{backend}.txt"
        load = visit_load(enrolled[:devices])
        profile.record(pid, raw, url, devices, self.sizes.run_seconds, load)
        self.results.sections[f"py-spy profile of the API, {devices}-device ingest ({backend})"] = (
            f"raw stacks: {raw}\n" + profile.summary(raw)
        )

    def run(self) -> int:
        start = time.perf_counter()
        self.on("sqlite")
        self.on("postgres")
        self.stage("processes postgres", self.processes)
        self.stage("reports", reports.run, self.results, self.sizes)
        self.stage("push", push.run, self.results, self.sizes)
        if self.failures:
            self.results.sections["failed benchmarks"] = "\n".join(self.failures)
        text = table.render(self.results, self.sizes, self.started, time.perf_counter() - start)
        print("\n" + text)
        print(f"written to {table.write(text, self.started, self.sizes.quick)}")
        return 1 if self.failures else 0


if __name__ == "__main__":
    sys.exit(Bench(sizes_from_env()).run())
