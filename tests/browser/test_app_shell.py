"""The app shell: served at /, in Dutch, installable, and still there offline."""

from __future__ import annotations

import json

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import ApiFactory
from tests.browser.harness import (
    ON_BOTH_DATABASES,
    LiveServer,
    assert_no_axe_violations,
    drop_responses_after_commit,
    wait_for_service_worker,
)
from tests.conftest import DEMO_PASSWORD


@ON_BOTH_DATABASES
def test_app_shell_loads_and_reloads_offline(
    page: Page, context: BrowserContext, live_server: LiveServer, api: ApiFactory
) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#app")).not_to_be_empty()

    manifest_href = page.locator("link[rel=manifest]").get_attribute("href")
    assert manifest_href, "no <link rel=manifest>"
    manifest = page.request.get(manifest_href)
    assert manifest.ok, manifest.status
    assert json.loads(manifest.text())["name"] == "Keukentafel"

    assert wait_for_service_worker(page).endswith("/sw.js")
    assert_no_axe_violations(page, "start")

    context.set_offline(True)
    offline = page.reload()
    assert offline is not None and offline.from_service_worker, "not served by the service worker"
    expect(page.locator("#app")).not_to_be_empty()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    context.set_offline(False)

    # The server behind it is the seeded demo network on this test's database.
    me = api("fieldworker").json("GET", "/api/me")
    assert me["user"]["username"] == "fieldworker", me


def test_a_dropped_answer_was_committed_by_the_server(
    page: Page, context: BrowserContext, api: ApiFactory
) -> None:
    page.goto("/")
    wait_for_service_worker(page)
    page.reload()  # now controlled by the service worker, as on a tablet
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")

    dropper = drop_responses_after_commit(context, "**/api/auth/login", times=1, method="POST")
    login = """async ({ password, deviceName }) => {
        const body = { username: 'ggd', password, device_name: deviceName };
        return fetch('/api/auth/login', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        }).then((r) => r.status, (e) => 'network error: ' + e);
    }"""
    first = page.evaluate(login, {"password": DEMO_PASSWORD, "deviceName": "lost answer"})
    assert str(first).startswith("network error"), first
    assert [d.status for d in dropper.dropped] == [200]
    # The tablet saw nothing, but the server enrolled the device.
    devices = api("admin").json("GET", "/api/admin/devices")
    assert "lost answer" in [d["name"] for d in devices if d["username"] == "ggd"]

    second = page.evaluate(login, {"password": DEMO_PASSWORD, "deviceName": "second try"})
    assert second == 200
