"""The job worker as a real process on the test session's own database, to be killed mid-job.

`python -m api.cli worker` is started with the environment tests/conftest.py set up (the SQLite
file under KEUKENTAFEL_VAR_DIR, or the session's PostgreSQL DATABASE_URL), so it sees what the
test client wrote and the test sees what it did. A kill is SIGKILL: no handler, no `finally`, no
rollback on the worker's side, as with the OOM killer or a pulled plug.

Waiting is done with `asyncio.sleep`, never `time.sleep`: the fake push service runs on the
test's event loop and must go on answering while a test waits for a worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
STARTED = "worker started"


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 60.0) -> None:
    """Until `check()` is true, polling; TimeoutError naming `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {within:.0f} s")
        await asyncio.sleep(0.05)


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    async def started(self, within: float = 60.0) -> None:
        """Until its loop runs (it logs so just before the first claim)."""

        async def up() -> bool:
            if not self.alive():
                raise RuntimeError(
                    f"the worker exited with {self.process.returncode}:\n{self.log()}"
                )
            return STARTED in self.log()

        await eventually(up, "the worker started", within)

    async def kill(self) -> None:
        """SIGKILL, and wait until it is gone: its connections are closed by the kernel."""
        assert self.alive(), f"the worker died before it was killed:\n{self.log()}"
        self.process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.process.wait, 10)
        assert self.process.returncode == -signal.SIGKILL

    async def stop(self) -> None:
        """SIGTERM, as at a deployment: it finishes the job in hand and exits cleanly."""
        await self.started()  # before that, SIGTERM would find no handler yet
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(self.process.wait, 60)
        assert self.process.returncode == 0, self.log()


@dataclass
class Workers:
    """Starts workers with logs of their own; `close()` kills any a test left running."""

    log_dir: Path
    started: list[WorkerProcess] = field(default_factory=list)

    def start(self) -> WorkerProcess:
        log_path = self.log_dir / f"worker-{len(self.started) + 1}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "worker"],
                cwd=REPO,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log_path)
        self.started.append(worker)
        return worker

    def any_alive(self) -> bool:
        return any(worker.alive() for worker in self.started)

    def close(self) -> None:
        for worker in self.started:
            if worker.alive():
                worker.process.kill()
                worker.process.wait(timeout=10)


# The database side ----------------------------------------------------------------------------
# Test code reads with run(in_pool=False): the app's PostgreSQL pool belongs to the test
# client's loop (see tests/helpers.py).


async def jobs(dedupe_keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    from api.jobs.tables import Job

    keys = list(dedupe_keys)
    rows = await Job.select().where(Job.dedupe_key.is_in(keys)).run(in_pool=False)
    return {row["dedupe_key"]: row for row in rows}


async def expire_leases(dedupe_keys: Iterable[str]) -> list[str]:
    """What five minutes do to the leases of these jobs: they are due again; the keys of those
    that were running. Only for jobs whose worker the test killed: moving `leased_until` into
    the past, rather than waiting or shortening the lease, lets the workers run with the
    production lease and touches no living worker's job."""
    from api.jobs.tables import Job
    from api.lib.db import now

    at = now()
    rows = await (
        Job.update({Job.leased_until: at - dt.timedelta(seconds=1)})
        .where(
            Job.dedupe_key.is_in(list(dedupe_keys))
            & (Job.state == "running")
            & (Job.leased_until >= at)
        )
        .returning(Job.dedupe_key)
        .run(in_pool=False)
    )
    return sorted(row["dedupe_key"] for row in rows)
