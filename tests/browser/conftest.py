"""End-to-end tests: Debian's Chromium, driven by Playwright, against the real server.

How to write one (see also tests/browser/README.md):

    from tests.browser.harness import ON_BOTH_DATABASES, assert_no_axe_violations

    @ON_BOTH_DATABASES                       # leave out: SQLite only
    def test_something(page: Page, api: ApiFactory) -> None:
        page.goto("/")                       # the context's base_url is the live server
        assert_no_axe_violations(page, "login")
        cases = api("fieldworker").json("GET", "/api/cases")

Fixtures: `live_server` (LiveServer; parametrize it with ON_BOTH_DATABASES), `base_url`,
`api` (factory: api("admin") -> ApiSession, logged in), `browser` (one Chromium per session),
`new_context` (factory for more tablets), `context` and `page` (iPad Pro 11 portrait, nl-NL,
Europe/Amsterdam, service workers allowed, base_url set).

Tests here are plain sync functions: Playwright's sync API refuses to run inside an asyncio
loop, and once it runs the main thread counts as inside one, so no async test or fixture may
share a session with it. They are moved to the end of a whole-suite run for that reason.
KEUKENTAFEL_REQUIRE_BROWSER=1 (scripts/test.sh) turns a missing Chromium, a skipped or
deselected browser test, or an empty collection into a failed session.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEVICE,
    POSTGRES_UNREACHABLE,
    ApiSession,
    Backend,
    LiveServer,
    postgres_reachable,
    require_browser,
    require_postgres,
    start_live_server,
    stop_live_server,
)

BROWSER_DIR = Path(__file__).resolve().parent
ApiFactory = Callable[..., ApiSession]
ContextFactory = Callable[..., BrowserContext]

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
_LOG_OFFSET = pytest.StashKey[tuple[LiveServer, int]]()
_CONSOLE = pytest.StashKey[list[str]]()
_servers: list[LiveServer] = []
_problems: list[str] = []


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.fspath)).parents


# ---------------------------------------------------------------------------------------------
# Hooks: marking, ordering, the "must not be skipped" rule, reports on failure


def pytest_sessionstart(session: pytest.Session) -> None:
    if require_browser() and not os.access(CHROMIUM, os.X_OK):
        raise pytest.UsageError(
            f"KEUKENTAFEL_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: "
            "run scripts/install-test-system-deps.sh as root (apt-get install chromium)"
        )


def pytest_itemcollected(item: pytest.Item) -> None:
    # Marked as collected, so that `-m "not browser"` deselects them.
    if _is_browser_test(item):
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Last: the sync Playwright session must not overlap the async tests' event loop.
    items[:] = [item for item in items if not _is_browser_test(item)] + [
        item for item in items if _is_browser_test(item)
    ]


def pytest_deselected(items: list[pytest.Item]) -> None:
    if require_browser():
        _problems.extend(f"deselected: {item.nodeid}" for item in items if _is_browser_test(item))


def pytest_collection_finish(session: pytest.Session) -> None:
    if require_browser() and not any(_is_browser_test(item) for item in session.items):
        _problems.append("no browser test was collected")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not require_browser() or not report.skipped:
        return
    if not report.nodeid.startswith("tests/browser/"):
        return
    reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
    if POSTGRES_UNREACHABLE in reason and not require_postgres():
        return  # like scripts/test.sh's PostgreSQL stage: skipped where no server is reachable
    _problems.append(f"skipped: {report.nodeid} ({reason})")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _problems and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _problems:
        terminalreporter.section("browser tests required (KEUKENTAFEL_REQUIRE_BROWSER=1)", red=True)
        for problem in _problems:
            terminalreporter.write_line(problem)
    stats = terminalreporter.stats
    if stats.get("failed") or stats.get("error"):
        for server in _servers:
            tail = "\n".join(server.log_text(server.serve_offset).splitlines()[-80:])
            terminalreporter.section(f"live server log ({server.backend}, `serve`, last 80 lines)")
            terminalreporter.write_line(tail)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    if report.failed and _is_browser_test(item):
        if _LOG_OFFSET in item.stash:
            server, offset = item.stash[_LOG_OFFSET]
            report.sections.append(
                (f"live server log during the test ({server.backend})", server.log_text(offset))
            )
        console = item.stash.get(_CONSOLE, [])
        if console:
            report.sections.append(("browser console", "\n".join(console)))
        page = getattr(item, "funcargs", {}).get("page")
        if report.when == "call" and isinstance(page, Page) and not page.is_closed():
            artifacts = Path(
                os.environ.get("KEUKENTAFEL_BROWSER_ARTIFACTS")
                or Path(tempfile.gettempdir()) / "keukentafel-browser-artifacts"
            )
            artifacts.mkdir(parents=True, exist_ok=True)
            shot = artifacts / (item.name.replace("/", "_")[:150] + ".png")
            try:
                page.screenshot(path=str(shot), full_page=True)
                report.sections.append(("screenshot", f"{shot} (page {page.url})"))
            except Exception as exc:
                report.sections.append(("screenshot", f"failed: {exc}"))
    return report


# ---------------------------------------------------------------------------------------------
# The server


def _server(backend: Backend) -> Iterator[LiveServer]:
    server = start_live_server(backend)
    _servers.append(server)
    try:
        yield server
    finally:
        stop_live_server(server)


@pytest.fixture(scope="session")
def sqlite_server() -> Iterator[LiveServer]:
    yield from _server("sqlite")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[LiveServer]:
    reason = postgres_reachable()
    if reason is not None:
        message = f"{POSTGRES_UNREACHABLE} ({reason})"
        if require_postgres():
            pytest.fail(message + " and KEUKENTAFEL_REQUIRE_POSTGRES=1")
        # Only a developer's machine without PostgreSQL gets here; CI requires it and fails.
        pytest.skip(message)
    yield from _server("postgres")


@pytest.fixture
def live_server(request: pytest.FixtureRequest) -> LiveServer:
    """The server for this test: SQLite unless parametrized (ON_BOTH_DATABASES)."""
    backend: Backend = getattr(request, "param", "sqlite")
    if backend not in ("sqlite", "postgres"):
        raise ValueError(f"unknown live_server backend {backend!r}")
    server: LiveServer = request.getfixturevalue(f"{backend}_server")
    server.check_running()
    request.node.stash[_LOG_OFFSET] = (server, server.log_size())
    return server


@pytest.fixture
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[ApiFactory]:
    """api("fieldworker") -> an ApiSession logged in as that demo account (one per name)."""
    sessions: dict[str, ApiSession] = {}

    def factory(username: str, **kwargs: Any) -> ApiSession:
        if username not in sessions:
            sessions[username] = ApiSession(live_server.url, username, **kwargs)
        return sessions[username]

    yield factory
    for session in sessions.values():
        session.close()


# ---------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing (Debian package chromium)"
        if require_browser():
            pytest.fail(message)
        # Only outside scripts/test.sh, which sets KEUKENTAFEL_REQUIRE_BROWSER=1 and so fails.
        pytest.skip(message)
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(
    browser: Browser,
    playwright: Playwright,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
) -> Iterator[ContextFactory]:
    """new_context(**overrides) -> another tablet (closed after the test)."""
    contexts: list[BrowserContext] = []
    console: list[str] = request.node.stash.setdefault(_CONSOLE, [])
    descriptor = {
        key: value
        for key, value in playwright.devices[DEVICE].items()
        if key != "default_browser_type"
    }

    def factory(**overrides: Any) -> BrowserContext:
        options: dict[str, Any] = {
            **descriptor,
            "base_url": live_server.url,
            "service_workers": "allow",
            "locale": "nl-NL",
            "timezone_id": "Europe/Amsterdam",
            **overrides,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        number = len(contexts) + 1

        def watch(page: Page) -> None:
            page.on("console", lambda m: console.append(f"[tablet {number}] {m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"[tablet {number}] pageerror: {e}"))

        context.on("page", watch)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: ContextFactory) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
