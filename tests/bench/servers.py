"""The API under test: real `keukentafel serve` processes, prepared as `make run` prepares them.

Built on the fault tests' Deployment (tests/reliability/processes.py), so the benchmarks start
the server exactly as those tests and the container do. PostgreSQL: a throwaway database
`bench_<pid>` on the machine's server, dropped at the end. SQLite: the embedded file.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import _pg_admin, _pg_url
from tests.reliability.processes import REPO, Deployment

# Tokens outlive a full run, so no device logs in again midway; the built PWA is served.
SETTINGS = {
    "KEUKENTAFEL_ACCESS_TOKEN_SECONDS": "7200",
    "KEUKENTAFEL_PWA_DIST": str(REPO / "pwa" / "dist"),
}


def database_name(name: str = "bench") -> str:
    return f"{name}_{os.getpid()}"


@contextmanager
def api_server(
    backend: str, processes: int = 1, *, code: Path = REPO, name: str = "bench"
) -> Iterator[Deployment]:
    """One prepared API server on `backend` ("postgres" or "sqlite"), of `processes` processes
    (KEUKENTAFEL_WEB_PROCESSES), running the code at `code` (another version's worktree:
    tests.bench.compare); stopped and removed after. `name` tells its database apart."""
    database = ""
    if backend == "postgres":
        database = database_name(name)
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        asyncio.run(_pg_admin(f'CREATE DATABASE "{database}"'))
    deployment = Deployment(
        database_url=_pg_url(database) if database else "",
        # No worker: the API is measured without report jobs competing for the two cores (the
        # outbox rows are still written).
        embedded_worker=False,
        settings={
            **SETTINGS,
            "KEUKENTAFEL_WEB_PROCESSES": str(processes),
            "PYTHONPATH": str(code),
        },
    )
    try:
        try:
            deployment.prepare()
            deployment.add_server()
        except (subprocess.CalledProcessError, RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"the {backend} API did not start:\n{deployment.log()}") from exc
        yield deployment
    finally:
        deployment.destroy()
        if database:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def server_pid(deployment: Deployment) -> int:
    return deployment.servers[0].pid
