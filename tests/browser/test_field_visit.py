"""A worker's whole visit in a real browser: offline, reloaded, finished, and arriving once."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory
from tests.browser.harness import (
    ON_BOTH_DATABASES,
    drop_responses_after_commit,
    wait_for_service_worker,
)


def visits_of(api: ApiFactory, case_id: str) -> list[dict]:
    listed = api("fieldworker").json("GET", "/api/visits")
    return [visit for visit in listed if visit["case_id"] == case_id]


@ON_BOTH_DATABASES
def test_a_visit_made_offline_arrives_once_and_complete(
    page: Page, context: BrowserContext, api: ApiFactory
) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    wait_for_service_worker(page)

    context.set_offline(True)
    expect(page.get_by_test_id("network-state")).to_have_text("Offline")
    case_id = flows.open_first_case(page)
    visit_id = flows.start_kitchen_table_visit(page)
    page.get_by_role("button", name=re.compile(r"Toevoegen: Wie zijn er bij het gesprek")).click()
    member_name = page.get_by_role("group", name=re.compile(r"gesprek\?: Nummer 1$")).get_by_label(
        re.compile(r"^Naam")
    )
    member_name.fill("Noor")
    expect(page.get_by_test_id("draft-state")).to_have_attribute("data-saving", "no")

    # Still offline: the app comes from the service worker and the draft from IndexedDB.
    page.reload()
    flows.unlock(page)  # offline, within the shift: the PIN alone opens the tablet
    expect(member_name).to_have_value("Noor")
    page.get_by_role("button", name=re.compile(r"Verwijderen \(Nummer 1\)")).click()

    flows.fill_kitchen_table(page)
    flows.finalize(page)
    card = page.get_by_test_id("visit-card")
    expect(card.get_by_test_id("visit-state")).to_have_text("Wacht op verzending")
    assert visits_of(api, case_id) == []

    context.set_offline(False)
    expect(card.get_by_test_id("visit-state")).to_have_text(
        "Ontvangen, wacht op beoordeling", timeout=20_000
    )
    expect(page.get_by_test_id("unsent-count")).to_have_attribute("data-unsent", "0")

    [summary] = visits_of(api, case_id)
    assert summary["id"] == visit_id
    visit = api("fieldworker").json("GET", f"/api/visits/{visit_id}")
    assert visit["complete"] is True and visit["missing_attachments"] == []
    names = sorted(attachment["name"] for attachment in visit["attachments"])
    assert names == ["debt-letters-1.jpg", "signature_resident.png", "signature_worker.png"]
    assert visit["answers"]["signature_resident"]["name"] == "Noor Verzonnen"
    assert visit["answers"]["debts"][0]["amount_cents"] == 123450
    assert visit["answers"]["creditor_count"] == 1


def test_a_visit_whose_answer_was_lost_is_sent_again_and_kept_once(
    page: Page, context: BrowserContext, api: ApiFactory
) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    case_id = flows.open_first_case(page)
    before = len(visits_of(api, case_id))
    dropper = drop_responses_after_commit(context, "**/api/visits/*", times=1, method="PUT")
    visit_id = flows.start_kitchen_table_visit(page)
    flows.fill_kitchen_table(page)
    flows.finalize(page)

    dropper.wait(page)
    assert [(d.method, d.status) for d in dropper.dropped] == [("PUT", 201)]
    # The tablet never saw the 201; "sync now" sends the same body again.
    state = page.get_by_test_id("visit-state")
    for _ in range(20):
        page.get_by_role("button", name="Nu synchroniseren").click()
        if state.first.inner_text() == "Ontvangen, wacht op beoordeling":
            break
        page.wait_for_timeout(500)
    expect(state.first).to_have_text("Ontvangen, wacht op beoordeling")
    expect(page.get_by_test_id("unsent-count")).to_have_attribute("data-unsent", "0")

    after = visits_of(api, case_id)
    assert len(after) == before + 1
    assert [visit["id"] for visit in after].count(visit_id) == 1
    assert api("fieldworker").json("GET", f"/api/visits/{visit_id}")["complete"] is True


def test_a_refused_visit_is_set_aside_with_its_reason_and_the_next_still_syncs(
    page: Page, context: BrowserContext, api: ApiFactory
) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    context.set_offline(True)
    refused_case = flows.open_case(page, 0)
    refused_visit = flows.start_kitchen_table_visit(page)
    flows.fill_kitchen_table(page)
    flows.finalize(page)
    accepted_case = flows.open_case(page, 1)
    accepted_visit = flows.start_kitchen_table_visit(page)
    flows.fill_kitchen_table(page, resident="Bram Bedacht")
    flows.finalize(page)

    # Meanwhile the supervisor took the first case away from this worker.
    worker = api("fieldworker").json("GET", "/api/me")["user"]["id"]
    supervisor = api("supervisor")
    supervisor.json(
        "POST",
        f"/api/cases/{refused_case}/assignments",
        json={"user_id": worker, "assigned": False},
    )
    try:
        context.set_offline(False)
        expect(page.get_by_test_id("set-aside-count")).to_have_text("1 apart gezet", timeout=20_000)
        accepted = page.locator(f"[data-testid=visit-card][data-id='{accepted_visit}']")
        expect(accepted.get_by_test_id("visit-state")).to_have_text(
            "Ontvangen, wacht op beoordeling", timeout=20_000
        )
        page.get_by_test_id("set-aside-count").click()
        record = page.get_by_test_id("set-aside-record")
        expect(record).to_have_count(1)
        # The worker no longer holds the case; the server does not even say it exists.
        expect(record.get_by_test_id("record-reason")).to_contain_text("case_not_found")
        expect(record).to_contain_text(refused_visit)

        assert api("fieldworker").json("GET", f"/api/visits/{accepted_visit}")["complete"]
        assert api("supervisor").get(f"/api/visits/{refused_visit}").status_code == 404
        assert accepted_case != refused_case
    finally:
        supervisor.json(
            "POST",
            f"/api/cases/{refused_case}/assignments",
            json={"user_id": worker, "assigned": True},
        )
