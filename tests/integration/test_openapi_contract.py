"""The OpenAPI contract, fuzzed: schemathesis sends generated requests to every documented route.

Each route gets a bounded number of generated requests (valid ones and deliberately broken ones),
and every answer must keep what `/schema/openapi.json` promises: never a 5xx, only documented
status codes and content types, bodies that fit the documented schemas, and every 4xx a
problem+json with a catalogued `code` (the PWA branches on it).

The app runs as `keukentafel serve` on a free loopback port with a database of its own, freshly
migrated and seeded, rather than in-process on the session `client`'s database:
- isolation: fuzzing writes (an administrator's organisations and users, cases, follow-ups),
  which in the shared session database would change what later tests see;
- determinism: a fresh database and derandomized generation, so every run sends the same
  requests to the same data and a failure reproduces;
- one path on both databases: schemathesis' ASGI transport runs the app, and a lifespan of its
  own, on an event loop in a thread of its own, while on PostgreSQL the process has one Piccolo
  engine whose pool belongs to the loop of the test client that started it. In-process would
  need a bridge that hands every request to that client's portal; a real server has one loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, Response

from api.lib.errors import catalogue
from tests.conftest import BACKEND, DEMO_PASSWORD, POSTGRES_ADMIN_URL, REPO

# Generated requests per route in the fuzzing phase (the coverage phase adds its own boundary
# cases); about a minute for all routes on SQLite.
MAX_EXAMPLES = 25
# Fixed, with derandomized generation: CI sends the same requests every run.
SEED = 20261124
# Routes of the administrator; every other route is fuzzed as a field worker.
ADMIN_PATHS = "^/api/admin/"

# ---------------------------------------------------------------------------------------------
# The server under test


@dataclass
class ContractServer:
    url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_text(self, since: int = 0) -> str:
        return self.log_path.read_bytes()[since:].decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_admin(statement: str) -> None:
    """One statement on the maintenance database; in a thread, as pytest-asyncio owns the loop
    of this one."""

    async def run() -> None:
        import asyncpg

        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not answer /api/health within 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def contract_server() -> Iterator[ContractServer]:
    root = Path(tempfile.mkdtemp(prefix="keukentafel-contract-"))
    database = ""
    # Everything under the server's own var/: its SQLite file, keys and seals.
    inherited = {"DATABASE_URL", "KEUKENTAFEL_SQLITE_PATH", "KEUKENTAFEL_KEYS_DIR"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(
        {
            "KEUKENTAFEL_VAR_DIR": str(root / "var"),
            "KEUKENTAFEL_ENV": "test",
            "KEUKENTAFEL_DEMO_PASSWORD": DEMO_PASSWORD,
            "KEUKENTAFEL_PWA_DIST": str(root / "no-pwa"),
            "PICCOLO_CONF": "api.piccolo_conf",
            "PYTHONUNBUFFERED": "1",
            # No jobs run: what the server answers depends on the requests alone.
            "KEUKENTAFEL_EMBEDDED_WORKER": "0",
        }
    )
    if BACKEND == "postgres":
        database = f"keukentafel_contract_{uuid.uuid4().hex[:10]}"
        _postgres_admin(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"{POSTGRES_ADMIN_URL.rpartition('/')[0]}/{database}"
    log_path = root / "server.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        with log_path.open("ab") as log:
            # What scripts/prepare-data.sh does, in its order (the seals need the organisations).
            for command in (["migrate"], ["seed-demo"], ["keys"]):
                done = subprocess.run(
                    [sys.executable, "-m", "api.cli", *command],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    timeout=300,
                )
                assert done.returncode == 0, f"{command}: {log_path.read_text()}"
            port = _free_port()
            serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
            process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", *serve],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        _wait_for_health(url, process, log_path)
        yield ContractServer(url=url, log_path=log_path, process=process)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if database:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)


# Filled once per run by the `access_tokens` fixture; read by the auth providers below.
ACCESS_TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def access_tokens(contract_server: ContractServer) -> Iterator[dict[str, str]]:
    """Logged in once per account; access tokens outlive the run (15 minutes)."""
    for username in ("fieldworker", "admin"):
        response = httpx.post(
            f"{contract_server.url}/api/auth/login",
            json={"username": username, "password": DEMO_PASSWORD, "device_name": "contract"},
            timeout=15,
        )
        assert response.status_code == 200, response.text
        ACCESS_TOKENS[username] = response.json()["access_token"]
    yield ACCESS_TOKENS
    ACCESS_TOKENS.clear()


def _openapi_document() -> dict[str, Any]:
    """The document the server serves at /schema/openapi.json, made in-process when the module
    is collected: schemathesis makes one test item per route from it, before any server runs.
    (Its `from_fixture` loader would wait for the server, but schemathesis 4.32 reads
    `Item._nodeid`, which pytest 9.2 no longer has.) `test_the_served_document_is_the_one_fuzzed`
    holds the two together."""
    from api.app import create_app
    from api.keys import ensure_keys
    from api.settings import get_settings

    with tempfile.TemporaryDirectory(prefix="keukentafel-openapi-") as keys_dir:
        ensure_keys(Path(keys_dir))
        app = create_app(dataclasses.replace(get_settings(), keys_dir=Path(keys_dir)))
        document: dict[str, Any] = json.loads(json.dumps(app.openapi_schema.to_schema()))
    return document


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        # No crash files under .schemathesis/: every run starts from the seed alone.
        "cache": {"enabled": False},
        "checks": {
            # Well-formed requests that break a rule the schema cannot express (an unknown form
            # key, a consent the covenant never allows) are refused with 422.
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            },
        },
    }
)
OPENAPI = _openapi_document()
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG).exclude(
    # Logging out ends the session whose token every other request is sent with.
    path="/api/auth/logout",
)
# Verify takes the PDF as it is; schemathesis sends generated bytes for `format: binary`.
schemathesis.serializer.alias("application/pdf", "application/octet-stream")


# Coverage cases are made when the module is collected, before anyone has logged in: the auth
# providers put an account marker in the header, and `sign` swaps it for the token just before
# the request goes out.
ACCOUNT_MARK = "Bearer demo-account:"


class DemoAccount:
    """A demo account's bearer token, through schemathesis' auth rather than fixed headers, so
    the cases that leave the token out on purpose (auth checks, negative cases) keep it out."""

    username = ""

    def get(self, case: Case, ctx: schemathesis.AuthContext) -> str:
        return self.username

    def set(self, case: Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"{ACCOUNT_MARK}{data}"


@schema.auth(refresh_interval=None).apply_to(path_regex=ADMIN_PATHS)
class Administrator(DemoAccount):
    username = "admin"


@schema.auth(refresh_interval=None).skip_for(path_regex=ADMIN_PATHS)
class FieldWorker(DemoAccount):
    username = "fieldworker"


# Headers that frame the HTTP message itself. A generated value there (`Transfer-Encoding:
# 0;_`) is a malformed request that uvicorn refuses with a plain-text 400 before the app runs:
# the contract is the app's, so the fuzzer may not set them (httpx sets the real ones).
FRAMING_HEADERS = frozenset(
    {
        "connection",
        "content-length",
        "expect",
        "host",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def sign(case: Case) -> None:
    for name in [name for name in case.headers or {} if name.lower() in FRAMING_HEADERS]:
        del case.headers[name]
    header = (case.headers or {}).get("Authorization", "")
    if not header.startswith(ACCOUNT_MARK):
        return
    username = header[len(ACCOUNT_MARK) :]
    # A third of the /api/admin requests go as a field worker: a refusal is audited with what
    # the request named, and that path must hold for any input too. Chosen by the request
    # itself, so a failing case keeps its account while hypothesis shrinks it.
    request = repr((case.method, case.path_parameters, case.query, case.body))
    if username == "admin" and zlib.crc32(request.encode()) % 3 == 0:
        username = "fieldworker"
    case.headers["Authorization"] = f"Bearer {ACCESS_TOKENS[username]}"


# ---------------------------------------------------------------------------------------------
# Checks of our own


def problem_json_for_client_errors(ctx: CheckContext, response: Response, case: Case) -> None:
    """Every 4xx is RFC 9457 problem+json with a `code` from the catalogue (api/lib/errors.py),
    which is what the PWA branches on."""
    if not 400 <= response.status_code < 500:
        return
    content_type = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
    assert content_type == "application/problem+json", (
        f"{response.status_code} answered as {content_type!r}, not application/problem+json"
    )
    body = response.json()
    assert isinstance(body, dict), f"a problem is an object, not {body!r}"
    assert body.get("status") == response.status_code, f"`status` is not {response.status_code}"
    assert body.get("code") in catalogue(), f"`code` {body.get('code')!r} is not in the catalogue"


# ---------------------------------------------------------------------------------------------
# The tests


def test_the_served_document_is_the_one_fuzzed(contract_server: ContractServer) -> None:
    served = httpx.get(f"{contract_server.url}/schema/openapi.json", timeout=15)
    assert served.status_code == 200
    assert served.json() == OPENAPI


def test_only_the_public_routes_go_without_a_token() -> None:
    """Public as the access matrix decides them; every other route needs a bearer token."""
    from tests.integration.test_access_matrix import PROBES

    public = {name for name, probe in PROBES.items() if probe.public}
    without_token = {
        operation["operationId"]
        for item in OPENAPI["paths"].values()
        for operation in item.values()
        if not operation.get("security")
    }
    assert without_token == public


def test_options_names_every_method_of_a_path(contract_server: ContractServer) -> None:
    for path, item in OPENAPI["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", str(uuid.UUID(int=1)), path)
        response = httpx.options(f"{contract_server.url}{concrete}", timeout=15)
        assert response.status_code == 204, path
        documented = sorted([method.upper() for method in item] + ["OPTIONS"])
        assert response.headers["allow"] == ", ".join(documented), path


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Requests to a server are slow next to generating them, and bodies can be large.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_every_route_keeps_its_contract(
    case: Case, contract_server: ContractServer, access_tokens: dict[str, str]
) -> None:
    sign(case)
    since = contract_server.log_size()
    try:
        case.call_and_validate(
            base_url=contract_server.url,
            additional_checks=[problem_json_for_client_errors],
            timeout=30,
        )
    except BaseException as exc:
        log = contract_server.log_text(since).strip()
        if log:
            exc.add_note(f"server log during this example:\n{log[-6000:]}")
        raise
