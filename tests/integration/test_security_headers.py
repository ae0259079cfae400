"""Security headers on every kind of response: the API's JSON, its problem+json errors, 404s and
405s, the report PDF, logout; the PWA's index.html, screens, service worker and hashed assets;
the OpenAPI docs. The policy itself lives in api/lib/security_headers.py."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.lib.security_headers import API_POLICY, APP_POLICY, DOCS_POLICY, HSTS
from api.settings import parse_networks
from tests.helpers import bearer, headers_for, login
from tests.integration.reports.flows import run_jobs, submitted_visit

REPO = Path(__file__).resolve().parents[2]

PERMISSIONS = {
    "camera": "(self)",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
}


def directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in out, f"{name} twice in {policy!r}"
        out[name] = values
    return out


def assert_common(response: httpx.Response, policy: str) -> None:
    """What every response carries, whatever it is."""
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response.url
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["cross-origin-resource-policy"] == "same-origin"
    permissions = dict(
        item.strip().split("=", 1) for item in headers["permissions-policy"].split(",")
    )
    for feature, allow in PERMISSIONS.items():
        assert permissions[feature] == allow, (feature, permissions)
    assert headers.get_list("content-security-policy") == [policy], response.url
    # Plain http here: HSTS only once the request came over TLS.
    if response.url.scheme == "http":
        assert "strict-transport-security" not in headers


# ---------------------------------------------------------------------------------------------
# The policy itself


def test_the_app_policy_allows_no_inline_script_and_nothing_from_elsewhere() -> None:
    policy = directives(APP_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "blob:", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"]
    assert policy["manifest-src"] == ["'self'"]
    assert policy["frame-src"] == ["blob:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    every_source = " ".join(value for values in policy.values() for value in values)
    assert "unsafe" not in every_source
    assert "http" not in every_source and "*" not in every_source


def test_the_api_policy_renders_nothing() -> None:
    policy = directives(API_POLICY)
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "sandbox" in policy


def test_the_docs_policy_is_a_sandbox_without_the_apps_origin() -> None:
    """The docs run CDN code and an inline script: in an opaque origin, so that code can never
    reach the app's storage (tokens, cases, the outbox) or its service worker."""
    policy = directives(DOCS_POLICY)
    assert policy["sandbox"] == ["allow-scripts", "allow-popups"]
    assert "allow-same-origin" not in policy["sandbox"]
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("html", ["pwa/index.html", "pwa/dist/index.html"])
def test_the_html_has_no_inline_script_style_or_handler(html: str) -> None:
    path = REPO / html
    if not path.exists():
        # `make test` builds pwa/dist before any test runs; only a bare pytest without a build
        # gets here, and the browser stage (which requires the build) checks the served page.
        pytest.skip(f"{html} is not built")
    text = path.read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, flags=re.S | re.I)
    assert scripts, "the app's script is missing"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), f"inline script in {html}"
    assert not re.search(r"<style\b", text, flags=re.I), f"<style> in {html}"
    assert not re.search(r"\sstyle\s*=", text, flags=re.I), f"style attribute in {html}"
    assert not re.search(r"\son[a-z]+\s*=", text, flags=re.I), f"event handler in {html}"


def test_no_style_attribute_markup_in_the_pwa_sources() -> None:
    """`style="..."` markup would need 'unsafe-inline'; Preact's style={{}} objects go through
    the CSSOM and are allowed, but the app uses classes anyway."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "pwa" / "src").rglob("*.tsx"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\sstyle=|dangerouslySetInnerHTML", line)
    ]
    assert offenders == []


# ---------------------------------------------------------------------------------------------
# The API, through the whole app (session client, database behind it)


async def test_json_answers_are_no_store_with_the_api_policy(client: Any) -> None:
    tokens = await login(client, "fieldworker")
    response = await client.get("/api/me", headers=bearer(tokens))
    assert response.status_code == 200
    assert_common(response, API_POLICY)
    assert response.headers["cache-control"] == "no-store"
    assert "clear-site-data" not in response.headers

    cases = await client.get("/api/cases", headers=bearer(tokens))
    assert cases.status_code == 200
    assert cases.headers["cache-control"] == "no-store"

    health = await client.get("/api/health")
    assert_common(health, API_POLICY)
    assert health.headers["cache-control"] == "no-store"


async def test_a_login_answer_with_the_tokens_is_never_stored(client: Any) -> None:
    response = await client.post(
        "/api/auth/login",
        json={"username": "fieldworker", "password": "wrong", "device_name": "x"},
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_common(response, API_POLICY)
    assert response.headers["cache-control"] == "no-store"


async def test_errors_carry_the_headers_too(client: Any) -> None:
    unauthenticated = await client.get("/api/me")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"].startswith("application/problem+json")
    assert_common(unauthenticated, API_POLICY)
    assert unauthenticated.headers["cache-control"] == "no-store"

    missing = await client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert_common(missing, API_POLICY)
    assert missing.headers["cache-control"] == "no-store"

    wrong_method = await client.delete("/api/health")
    assert wrong_method.status_code == 405
    assert_common(wrong_method, API_POLICY)

    outside = await client.get("/no-such-page")
    assert outside.status_code == 404
    assert_common(outside, APP_POLICY)


async def test_a_published_form_keeps_its_long_private_caching(client: Any) -> None:
    """One version of a form never changes and names no person: the device may keep it."""
    headers = await headers_for(client, "fieldworker")
    forms = await client.get("/api/forms", headers=headers)
    assert forms.headers["cache-control"] == "no-store"
    first = forms.json()[0]
    form = await client.get(f"/api/forms/{first['key']}/{first['version']}", headers=headers)
    assert form.status_code == 200
    assert_common(form, API_POLICY)
    assert form.headers["cache-control"] == "private, max-age=31536000, immutable"
    missing = await client.get(f"/api/forms/{first['key']}/999", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"


async def test_the_report_pdf_is_never_stored(client: Any) -> None:
    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)
    await run_jobs(client)
    pdf = await client.get(f"/api/visits/{visit_id}/report.pdf", headers=worker)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert_common(pdf, API_POLICY)
    assert pdf.headers.get_list("cache-control") == ["no-store"]


async def test_logout_clears_the_http_cache_but_never_the_devices_storage(client: Any) -> None:
    """Never "storage": it would wipe IndexedDB, the outbox of unsent visits with it."""
    tokens = await login(client, "ggd")
    response = await client.post("/api/auth/logout", headers=bearer(tokens))
    assert response.status_code == 204
    assert_common(response, API_POLICY)
    assert response.headers["clear-site-data"] == '"cache"'
    assert "storage" not in response.headers["clear-site-data"]
    assert response.headers["cache-control"] == "no-store"

    # A refused logout (no session) clears nothing.
    again = await client.post("/api/auth/logout", headers=bearer(tokens))
    assert again.status_code == 401
    assert "clear-site-data" not in again.headers


async def test_hsts_only_over_tls(client: Any) -> None:
    plain = await client.get("/api/health")
    assert "strict-transport-security" not in plain.headers
    # Not from a trusted proxy (none is configured here): the header counts for nothing.
    forged = await client.get("/api/health", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in forged.headers
    secure = await client.get("https://testserver.local/api/health")
    assert secure.status_code == 200
    assert_common(secure, API_POLICY)
    assert secure.headers["strict-transport-security"] == HSTS


# ---------------------------------------------------------------------------------------------
# The built PWA and the docs: an app over a small dist of its own, no lifespan (no database)

INDEX = """<!doctype html><html lang="nl"><head><title>Keukentafel</title>
<script type="module" crossorigin src="/assets/index-Ab12Cd34.js"></script>
<link rel="manifest" href="/manifest.webmanifest"></head><body><div id="app"></div></body></html>
"""


@pytest.fixture(scope="module")
def pwa_app(prepared_database: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """prepared_database: create_app needs the keys `keukentafel keys` makes."""
    from api.app import create_app
    from api.settings import get_settings

    dist = tmp_path_factory.mktemp("dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-Ab12Cd34.js").write_text("console.log('app');\n")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    (dist / "manifest.webmanifest").write_text('{"name": "Keukentafel"}\n')
    # A reverse proxy on the loopback (the ASGI transport's client address is 127.0.0.1).
    settings = dataclasses.replace(
        get_settings(), pwa_dist=dist, trusted_proxies=parse_networks("127.0.0.1, 10.0.0.0/8")
    )
    return create_app(settings)


@pytest.fixture(scope="module")
async def pwa(pwa_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=pwa_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tablet.test") as http:
        yield http


@pytest.mark.parametrize("path", ["/", "/index.html", "/zaken", "/bezoek/123", "/beoordelen"])
async def test_the_app_shell_is_revalidated_with_the_app_policy(
    pwa: httpx.AsyncClient, path: str
) -> None:
    response = await pwa.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_common(response, APP_POLICY)
    assert response.headers.get_list("cache-control") == ["no-cache"]


async def test_the_service_worker_and_manifest_are_revalidated(pwa: httpx.AsyncClient) -> None:
    for path in ("/sw.js", "/manifest.webmanifest"):
        response = await pwa.get(path)
        assert response.status_code == 200, path
        assert_common(response, APP_POLICY)
        assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_keep_their_long_caching(pwa: httpx.AsyncClient) -> None:
    asset = await pwa.get("/assets/index-Ab12Cd34.js")
    assert asset.status_code == 200
    assert_common(asset, APP_POLICY)
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    missing = await pwa.get("/assets/index-Gone0000.js")
    assert missing.status_code == 404
    assert_common(missing, APP_POLICY)
    assert "immutable" not in missing.headers["cache-control"]


async def test_hsts_on_the_pwa_over_tls(pwa: httpx.AsyncClient) -> None:
    response = await pwa.get("https://tablet.test/")
    assert_common(response, APP_POLICY)
    assert response.headers["strict-transport-security"] == HSTS


async def test_hsts_when_a_trusted_proxy_says_https(pwa: httpx.AsyncClient) -> None:
    proxied = await pwa.get("/zaken", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["strict-transport-security"] == HSTS
    plain = await pwa.get("/zaken", headers={"X-Forwarded-Proto": "http"})
    assert "strict-transport-security" not in plain.headers
    # The right-most value is the one our proxy wrote: TLS ended before the hop to it.
    chained = await pwa.get("/zaken", headers={"X-Forwarded-Proto": "https, http"})
    assert "strict-transport-security" not in chained.headers


async def test_x_forwarded_proto_from_anyone_else_counts_for_nothing(pwa_app: Any) -> None:
    stranger = httpx.ASGITransport(app=pwa_app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=stranger, base_url="http://tablet.test") as http:
        forged = await http.get("/zaken", headers={"X-Forwarded-Proto": "https"})
    assert forged.status_code == 200
    assert_common(forged, APP_POLICY)
    assert "strict-transport-security" not in forged.headers


@pytest.mark.parametrize("path", ["/schema", "/schema/redoc", "/schema/swagger"])
async def test_the_docs_pages_get_their_own_sandboxed_policy(
    pwa: httpx.AsyncClient, path: str
) -> None:
    response = await pwa.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_common(response, DOCS_POLICY)


async def test_the_spec_is_public_for_the_sandboxed_docs(pwa: httpx.AsyncClient) -> None:
    response = await pwa.get("/schema/openapi.json")
    assert response.status_code == 200
    assert_common(response, API_POLICY)
    # Fetched from the docs' opaque origin; it is served to anyone without a token anyway.
    assert response.headers["access-control-allow-origin"] == "*"
