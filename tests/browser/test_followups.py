"""A GGD nurse on a tablet: a follow-up for her organisation, claimed offline and sent once
back online; a push message shown by the service worker without any personal data."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory
from tests.browser.harness import LiveServer, assert_no_axe_violations, wait_for_service_worker

NEED = "Somberheid sinds baanverlies: kijken welke hulp past"


def followup_to_ggd(api: ApiFactory) -> str:
    """What the worker's tablet sends after a kitchen-table visit, made through the API."""
    worker = api("fieldworker")
    case = next(c for c in worker.json("GET", "/api/cases") if c["assigned_to_me"])
    ggd = next(o for o in worker.json("GET", "/api/followups/recipients") if o["kind"] == "ggd")
    followup_id = str(uuid.uuid4())
    worker.json(
        "PUT",
        f"/api/followups/{followup_id}",
        json={
            "case_id": case["id"],
            "recipient_organisation_id": ggd["id"],
            "need": NEED,
            "due_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
            "categories": ["contact_details", "mental_health_notes"],
        },
        expect=201,
    )
    return followup_id


def test_a_nurse_claims_a_followup_offline_and_it_arrives_once(
    page: Page, context: BrowserContext, api: ApiFactory
) -> None:
    followup_id = followup_to_ggd(api)
    flows.log_in(page, "ggd")
    flows.wait_until_synced(page)
    wait_for_service_worker(page)

    page.get_by_role("link", name="Vervolgacties").click()
    item = page.locator(f'[data-testid="followup-item"][data-id="{followup_id}"]')
    expect(item).to_have_attribute("data-state", "open")
    item.get_by_role("link").first.click()
    detail = page.get_by_test_id("followup-detail")
    expect(detail).to_contain_text(NEED)
    assert_no_axe_violations(page, "follow-up detail")

    context.set_offline(True)
    page.get_by_test_id("followup-claim").click()
    expect(page.get_by_test_id("followup-pending")).to_be_visible()
    assert api("ggd").json("GET", f"/api/followups/{followup_id}")["state"] == "open"

    context.set_offline(False)
    page.get_by_role("button", name="Nu synchroniseren").click()
    expect(page.get_by_test_id("followup-pending")).to_have_count(0, timeout=20_000)
    stored = api("ggd").json("GET", f"/api/followups/{followup_id}")
    assert stored["state"] == "claimed"
    assert stored["claimed_by"]["display_name"] == "Ilse Brandsma"


def test_the_service_worker_shows_a_push_message_with_only_a_neutral_title(
    page: Page, context: BrowserContext, live_server: LiveServer
) -> None:
    context.grant_permissions(["notifications"], origin=live_server.url)
    flows.log_in(page, "ggd")
    wait_for_service_worker(page)
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    [registration] = [r for r in registrations if not r.get("isDeleted")]
    payload = {
        "type": "followup_new",
        "id": str(uuid.uuid4()),
        "object_type": "followup",
        "object_id": str(uuid.uuid4()),
        "title": "Nieuwe vervolgactie voor uw organisatie",
    }

    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )

    shown = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            for (let i = 0; i < 50; i++) {
                const found = await registration.getNotifications();
                if (found.length) return found.map((n) => ({
                    title: n.title, body: n.body, tag: n.tag, data: n.data,
                }));
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return [];
        }"""
    )
    assert len(shown) == 1
    assert shown[0]["title"] == "Nieuwe vervolgactie voor uw organisatie"
    assert shown[0]["body"] == "Open Keukentafel voor de details"
    assert shown[0]["tag"] == payload["id"]
    assert shown[0]["data"]["object_id"] == payload["object_id"]
