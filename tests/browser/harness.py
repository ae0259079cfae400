"""Helpers for the browser tests: the live server, the API session, axe, dropped responses.

The fixtures that hand these out live in tests/browser/conftest.py; tests/browser/README.md says
how to write a test with them.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Route

from tests.conftest import DEMO_PASSWORD, POSTGRES_ADMIN_URL

REPO = Path(__file__).resolve().parents[2]
PWA_DIST = REPO / "pwa" / "dist"
AXE_SCRIPT = REPO / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Playwright's descriptor; its default browser (WebKit) is ignored: Chromium drives every test.
DEVICE = "iPad Pro 11"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgres")

# Put this on a test that must hold on both databases (ids `sqlite` and `postgres`); a test
# without it runs on SQLite only. The live server of each database starts once per session.
ON_BOTH_DATABASES = pytest.mark.parametrize("live_server", BACKENDS, indirect=True)

POSTGRES_UNREACHABLE = "PostgreSQL not reachable for the browser tests"


def env_flag(name: str) -> bool:
    return os.environ.get(name, "0") == "1"


def require_browser() -> bool:
    """Set by scripts/test.sh: a missing Chromium or a skipped browser test is a failure."""
    return env_flag("KEUKENTAFEL_REQUIRE_BROWSER")


def require_postgres() -> bool:
    return env_flag("KEUKENTAFEL_REQUIRE_POSTGRES")


# ---------------------------------------------------------------------------------------------
# The live server


def _run_in_thread(factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """asyncio.run in a thread of its own: once Playwright's sync API is started, the main
    thread counts as being inside a running loop, so asyncio.run there would refuse."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(factory())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="keukentafel-browser-pg-admin")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def postgres_admin(statement: str) -> None:
    """Run one statement on the maintenance database named by KEUKENTAFEL_TEST_POSTGRES_URL."""

    async def run() -> None:
        import asyncpg

        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    _run_in_thread(run)


def postgres_url(database: str) -> str:
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keukentafel_bin() -> Path:
    for candidate in (Path(sys.executable).parent / "keukentafel", REPO / ".venv/bin/keukentafel"):
        if candidate.exists():
            return candidate
    pytest.fail("the keukentafel command is missing: run scripts/install-python.sh .venv --dev")


@dataclass
class LiveServer:
    """The real app (`keukentafel serve`) on a free loopback port with its own database."""

    backend: Backend
    url: str
    database_url: str  # empty for SQLite
    root: Path  # temporary folder: var/ (keys, SQLite) and server.log
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    log_at_stop: bytes | None = None
    serve_offset: int = 0  # where `serve` starts writing, after prepare-data.sh's output

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_text(self, since: int = 0) -> str:
        """The log from byte offset `since` (see log_size)."""
        if self.log_at_stop is not None:
            data = self.log_at_stop
        elif self.log_path.exists():
            data = self.log_path.read_bytes()
        else:
            data = b""
        return data[since:].decode("utf-8", "replace")

    def check_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            pytest.fail(
                f"the {self.backend} live server is not running (exit code {code}); its log:\n"
                + self.log_text()
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log_at_stop = self.log_path.read_bytes() if self.log_path.exists() else b""


def start_live_server(backend: Backend) -> LiveServer:
    """Prepare a fresh database with the real scripts (keys, migrate, seed-demo) and serve it."""
    if not (PWA_DIST / "index.html").exists():
        pytest.fail(
            f"{PWA_DIST / 'index.html'} is missing: build the PWA first (scripts/build-pwa.sh or "
            "`make pwa`)"
        )
    root = Path(tempfile.mkdtemp(prefix=f"keukentafel-browser-{backend}-"))
    server = LiveServer(
        backend=backend,
        url="",
        database_url="",
        root=root,
        log_path=root / "server.log",
    )
    if backend == "postgres":
        database = f"keukentafel_browser_{uuid.uuid4().hex[:10]}"
        postgres_admin(f'CREATE DATABASE "{database}"')
        server.database_url = postgres_url(database)
    kt = keukentafel_bin()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "KEUKENTAFEL_SQLITE_PATH", "KEUKENTAFEL_KEYS_DIR"}
    }
    env.update(
        {
            "KEUKENTAFEL_VAR_DIR": str(server.var_dir),
            "KEUKENTAFEL_ENV": "test",
            "KEUKENTAFEL_DEMO_PASSWORD": DEMO_PASSWORD,
            "KEUKENTAFEL_PWA_DIST": str(PWA_DIST),
            "KEUKENTAFEL_BIN": str(kt),
            "PICCOLO_CONF": "api.piccolo_conf",
            "PYTHONUNBUFFERED": "1",
            # One process does it all, as `make run` does: reports are made while tests wait.
            "KEUKENTAFEL_EMBEDDED_WORKER": "1",
        }
    )
    if server.database_url:
        env["DATABASE_URL"] = server.database_url
    try:
        with server.log_path.open("ab") as log:
            prepared = subprocess.run(
                [str(REPO / "scripts" / "prepare-data.sh")],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=300,
            )
        if prepared.returncode != 0:
            pytest.fail(f"scripts/prepare-data.sh failed for {backend}:\n{server.log_text()}")
        port = free_port()
        server.url = f"http://127.0.0.1:{port}"
        server.serve_offset = server.log_size()
        with server.log_path.open("ab") as log:
            server.process = subprocess.Popen(
                [str(kt), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_for_health(server)
    except BaseException:
        stop_live_server(server)
        raise
    return server


def _wait_for_health(server: LiveServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        server.check_running()
        try:
            response = httpx.get(f"{server.url}/api/health", timeout=2)
            if response.status_code == 200 and response.json() == {"status": "ok"}:
                return
            last_error = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            last_error = repr(exc)
        time.sleep(0.1)
    pytest.fail(
        f"the {server.backend} live server did not answer /api/health within {timeout:.0f} s "
        f"({last_error}); its log:\n{server.log_text()}"
    )


def stop_live_server(server: LiveServer) -> None:
    """Stop the process, drop the PostgreSQL database, remove the temporary folder."""
    try:
        server.stop()
    finally:
        if server.database_url:
            database = server.database_url.rpartition("/")[2]
            postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(server.root, ignore_errors=True)


def postgres_reachable() -> str | None:
    """None when the server at KEUKENTAFEL_TEST_POSTGRES_URL answers, else the reason."""
    try:
        postgres_admin("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


# ---------------------------------------------------------------------------------------------
# Assertions "through the API"


class ApiSession:
    """An httpx client logged in as one demo account (a device of its own) on the live server."""

    def __init__(self, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
        self.username = username
        self.client = httpx.Client(base_url=base_url, timeout=15)
        response = self.client.post(
            "/api/auth/login",
            json={"username": username, "password": password, "device_name": "browser-test API"},
        )
        assert response.status_code == 200, f"login as {username}: {response.text}"
        self.tokens: dict[str, Any] = response.json()
        self.client.headers["Authorization"] = f"Bearer {self.tokens['access_token']}"

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def json(self, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> Any:
        """The decoded body of a request that must answer `expect`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == expect, (
            f"{method} {path} as {self.username}: expected {expect}, "
            f"got {response.status_code}: {response.text}"
        )
        return response.json() if response.content else None

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------------------------------------------
# Accessibility


def assert_no_axe_violations(
    page: Page,
    screen_name: str,
    *,
    include: str | None = None,
    disable_rules: tuple[str, ...] = (),
) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now; fail with a summary."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm --prefix pwa ci`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through DevTools, not added as a <script>: the app's Content-Security-Policy
        # (script-src 'self') refuses an inline script, and the tests run under it.
        page.evaluate(AXE_SCRIPT.read_text())
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            pytest.fail("axe-core did not load into the page (a Content-Security-Policy?)")
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
        "rules": {rule: {"enabled": False} for rule in disable_rules},
    }
    violations: list[dict[str, Any]] = page.evaluate(
        """async ({ include, options }) => {
            const result = await window.axe.run(include ?? document, options);
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.map((t) => String(t)).join(' >>> '),
                    summary: n.failureSummary ?? '',
                })),
            }));
        }""",
        {"include": include, "options": options},
    )
    if violations:
        pytest.fail(axe_summary(screen_name, page.url, violations), pytrace=False)


def axe_summary(screen_name: str, url: str, violations: list[dict[str, Any]]) -> str:
    lines = [
        f"axe: {len(violations)} WCAG 2.1 A/AA violation(s) on screen {screen_name!r} ({url}):"
    ]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({violation['helpUrl']})"
        )
        nodes = violation["nodes"]
        for node in nodes[:5]:
            first, *rest = [line.strip() for line in str(node["summary"]).splitlines()] or [""]
            summary = " ".join([first, "; ".join(line for line in rest if line)]).strip()
            lines.append(f"    {node['target']}: {summary}")
        if len(nodes) > 5:
            lines.append(f"    … and {len(nodes) - 5} more element(s)")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The network: lost responses, the service worker


@dataclass
class DroppedResponse:
    method: str
    url: str
    status: int
    body: bytes


@dataclass
class ResponseDropper:
    """Lets the server answer a request, then drops the answer (the tablet never sees it)."""

    times: int
    method: str | None
    error_code: str
    dropped: list[DroppedResponse] = field(default_factory=list)
    _claimed: int = 0

    def handle(self, route: Route) -> None:
        wanted = self.method is None or route.request.method == self.method.upper()
        if not wanted or self._claimed >= self.times:
            route.fallback()
            return
        # Claim before fetch(): fetch() yields, and a second matching request may come in.
        self._claimed += 1
        response = route.fetch()
        self.dropped.append(
            DroppedResponse(
                route.request.method, route.request.url, response.status, response.body()
            )
        )
        route.abort(self.error_code)

    @property
    def done(self) -> bool:
        return len(self.dropped) >= self.times

    def wait(self, page: Page, count: int | None = None, timeout_ms: int = 10_000) -> None:
        """Wait (letting Playwright work) until `count` (default: all) answers were dropped."""
        wanted = self.times if count is None else count
        deadline = time.monotonic() + timeout_ms / 1000
        while len(self.dropped) < wanted:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {wanted} dropped response(s), got {len(self.dropped)}"
                )
            page.wait_for_timeout(50)


def drop_responses_after_commit(
    target: Page | BrowserContext,
    url: str | re.Pattern[str] | Callable[[str], bool],
    *,
    times: int = 1,
    method: str | None = None,
    error_code: str = "connectionreset",
) -> ResponseDropper:
    """The first `times` matching requests reach the server (route.fetch, so it commits), then
    the browser sees a network error instead of the answer. Later ones pass untouched.

    Route on the context (not the page) to catch requests from every page and worker of it.
    `dropper.dropped` holds what the server answered, for asserting that it did commit.
    """
    dropper = ResponseDropper(times=times, method=method, error_code=error_code)
    target.route(url, dropper.handle)
    return dropper


def wait_for_service_worker(page: Page, timeout_ms: int = 15_000) -> str:
    """Wait until the page's service worker is activated (precache complete); its script URL."""
    script_url: str = page.evaluate(
        """async (timeoutMs) => {
            const timeout = new Promise((_, reject) =>
                setTimeout(() => reject(new Error('no active service worker in time')), timeoutMs));
            const activated = (async () => {
                const registration = await navigator.serviceWorker.ready;
                const worker = registration.active;
                if (worker.state !== 'activated') {
                    await new Promise((resolve) => worker.addEventListener('statechange', () => {
                        if (worker.state === 'activated') resolve(undefined);
                    }));
                }
                return worker.scriptURL;
            })();
            return Promise.race([activated, timeout]);
        }""",
        timeout_ms,
    )
    return script_url
