"""`keukentafel serve` with KEUKENTAFEL_WEB_PROCESSES: one API process per core on one port.
The processes share the port, one that dies is replaced, and stopping the server stops them
all (the container sends SIGTERM to the server it started)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.reliability.processes import Deployment, children, wait_until

pytestmark = pytest.mark.reliability


@pytest.fixture
def two_processes() -> Iterator[Deployment]:
    deployment = Deployment(
        database_url="", embedded_worker=True, settings={"KEUKENTAFEL_WEB_PROCESSES": "2"}
    )
    try:
        deployment.prepare()
        deployment.add_server()
        yield deployment
    finally:
        deployment.destroy()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_processes_serve_one_port_a_dead_one_is_replaced_and_sigterm_stops_both(
    two_processes,
):
    server = two_processes.servers[0]
    wait_until(lambda: len(children(server.pid)) == 2, "two API processes")
    first, second = sorted(children(server.pid))
    with httpx.Client(base_url=two_processes.url(), timeout=10) as client:
        # New connections land on either process; every one is answered.
        assert all(
            client.get("/api/health", headers={"Connection": "close"}).status_code == 200
            for _ in range(20)
        )
        os.kill(first, signal.SIGKILL)
        wait_until(
            lambda: len(children(server.pid)) == 2 and first not in children(server.pid),
            "the killed process replaced",
        )
        two_processes.wait_healthy()
        assert client.get("/api/health").status_code == 200
    processes = children(server.pid)
    assert second in processes
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in processes)
