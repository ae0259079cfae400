"""Real processes for the fault tests: the API server that can be killed and restarted, the job
worker, and a throwaway PostgreSQL cluster that can be crashed and restarted.

Everything here is started as `make run` and the container start it: scripts/prepare-data.sh,
then `keukentafel serve` (and `keukentafel worker` on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
KEUKENTAFEL = Path(sys.executable).parent / "keukentafel"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout:.0f} s")


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (Linux), in no particular order, without the
    resource tracker that Python's multiprocessing starts beside uvicorn's processes."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return [child for child in found if b"resource_tracker" not in _command_line(child)]


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# ---------------------------------------------------------------------------------------------
# PostgreSQL of our own


def postgres_binaries() -> Path | None:
    """Debian's server binaries (initdb, pg_ctl), newest version; None when not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _postgres_bin() -> Path:
    found = postgres_binaries()
    if found is None:
        raise RuntimeError("PostgreSQL server binaries are missing (Debian: postgresql)")
    return found


@dataclass
class PostgresCluster:
    """initdb on a free port in a temporary folder: the test may crash it, never the shared one.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
    """

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="keukentafel-pg-")))
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/keukentafel"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(arg) for arg in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        bin_dir = _postgres_bin()
        self._run(
            bin_dir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()
        self._run(bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "keukentafel")

    def start(self) -> None:
        self._run(
            _postgres_bin() / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.root / "postgres.log",
            "-w",
            "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=200",
            "start",
        )

    def crash_and_restart(self) -> None:
        """Stop without a clean shutdown (`-m immediate`: recovery from the WAL at the next
        start, as after a power cut), then start again."""
        self._run(_postgres_bin() / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        self.start()

    def destroy(self) -> None:
        self._run(
            _postgres_bin() / "pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The application's processes


@dataclass
class Deployment:
    """One prepared installation: its var/ folder and database, and its running processes."""

    database_url: str  # empty: the embedded SQLite file under var/
    embedded_worker: bool
    # Extra environment for every process (settings under test).
    settings: dict[str, str] = field(default_factory=dict)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="keukentafel-rel-")))
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    worker: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.root / "processes.log"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("KEUKENTAFEL_") and key != "DATABASE_URL"
        }
        env.update(
            {
                "KEUKENTAFEL_VAR_DIR": str(self.root / "var"),
                "KEUKENTAFEL_ENV": "test",
                "KEUKENTAFEL_DEMO_PASSWORD": DEMO_PASSWORD,
                "KEUKENTAFEL_PWA_DIST": str(self.root / "no-pwa"),
                "KEUKENTAFEL_BIN": str(KEUKENTAFEL),
                "KEUKENTAFEL_EMBEDDED_WORKER": "1" if self.embedded_worker else "0",
                "PICCOLO_CONF": "api.piccolo_conf",
                "PYTHONUNBUFFERED": "1",
                # The processes run this checkout's code, whatever the venv was installed from.
                "PYTHONPATH": str(REPO),
            }
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.settings)
        return env

    def prepare(self) -> None:
        with self.log_path.open("ab") as log:
            subprocess.run(
                [str(REPO / "scripts" / "prepare-data.sh")],
                cwd=REPO,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=300,
                check=True,
            )

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                [str(KEUKENTAFEL), *args],
                cwd=REPO,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def add_server(self) -> int:
        """Start one more API process on a port of its own; wait until it answers."""
        self.ports.append(free_port())
        self.servers.append(self._serve(self.ports[-1]))
        index = len(self.servers) - 1
        self.wait_healthy(index)
        return index

    def restart_server(self, index: int = 0) -> None:
        """Start server `index` again on its port after it died."""
        assert self.servers[index].poll() is not None, "the server is still running"
        self.servers[index] = self._serve(self.ports[index])
        self.wait_healthy(index)

    def _serve(self, port: int) -> subprocess.Popen[bytes]:
        return self._spawn("serve", "--host", "127.0.0.1", "--port", str(port))

    def wait_healthy(self, index: int = 0, timeout: float = 60.0) -> None:
        def healthy() -> bool:
            process = self.servers[index]
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{self.log()}")
            try:
                return httpx.get(f"{self.url(index)}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, "the server answered /api/health", timeout)

    def kill_server(self, index: int = 0) -> None:
        """SIGKILL: no shutdown, no flush, as a power cut or the OOM killer would."""
        process = self.servers[index]
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    def start_worker(self) -> None:
        self.worker = self._spawn("worker")

    def kill_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        for process in [*self.servers, *([self.worker] if self.worker else [])]:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
