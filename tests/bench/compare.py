"""`python -m tests.bench.compare REV`: ingest of another version against this checkout, as a
pair on one machine at one time.

A shared machine's speed drifts by a fifth within an hour, so two `make bench` runs cannot tell
a 10% change from noise. Here both versions serve at once (the other one from a git worktree at
REV, each on a database of its own), and their loads alternate: the same devices, the same
generator, round after round, in turns that swap order each round. Printed per concurrency:
the median rate, the API's CPU per visit and, on PostgreSQL, the database's CPU per visit (all
`postgres` processes of the machine while that load ran; the other server is idle then).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.bench import loadgen
from tests.bench.devices import enrol, visit_load
from tests.bench.servers import api_server, server_pid
from tests.reliability.processes import REPO


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="keukentafel-compare-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), rev], cwd=REPO, check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=REPO, check=False)


def postgres_cpu_seconds() -> float:
    total = 0
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if "(postgres)" in stat:
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the other version: a commit, tag or branch")
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--devices", default="10,50", help="concurrencies, comma separated")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    concurrencies = [int(part) for part in args.devices.split(",")]
    with ExitStack() as stack:
        other = stack.enter_context(worktree(args.rev))
        servers = {
            args.rev: stack.enter_context(api_server(args.backend, code=other, name="other")),
            "this checkout": stack.enter_context(api_server(args.backend, name="this")),
        }
        enrolled = {}
        for label, deployment in servers.items():
            enrolled[label] = asyncio.run(enrol(deployment.url(), max(concurrencies)))
            load = visit_load(enrolled[label])
            loadgen.run(deployment.url(), max(concurrencies), 3, **load)  # warm-up
        runs: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
        for round_number in range(args.rounds):
            order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
            for devices in concurrencies:
                for label in order:
                    deployment = servers[label]
                    before = postgres_cpu_seconds()
                    run = loadgen.run(
                        deployment.url(),
                        devices,
                        args.seconds,
                        server_pid=server_pid(deployment),
                        **visit_load(enrolled[label][:devices]),
                    )
                    database = (postgres_cpu_seconds() - before) / max(run.requests, 1)
                    api = (run.server_cpu or 0.0) / max(run.rate, 1e-9)
                    runs.setdefault((label, devices), []).append((run.rate, api, database))
    for devices in concurrencies:
        for label in servers:
            rates, api, database = zip(*runs[(label, devices)], strict=True)
            line = (
                f"{label:>14}, {devices} devices: {statistics.median(rates):.0f} visits/s "
                f"({min(rates):.0f}-{max(rates):.0f}), API CPU {statistics.median(api) * 1000:.2f}"
                " ms/visit"
            )
            if args.backend == "postgres":
                line += f", PostgreSQL CPU {statistics.median(database) * 1000:.2f} ms/visit"
            print(line)


if __name__ == "__main__":
    main()
