"""The case director's view of a household: the plan with every follow-up, and handing the
role over explicitly."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory
from tests.browser.harness import assert_no_axe_violations
from tests.helpers import demo_case_id

# Familie Tjoeng-Aarts: directed by the municipality, with the demo's two follow-ups.
HOUSEHOLD = "Familie Tjoeng-Aarts"


def test_the_director_sees_the_plan_and_hands_the_role_over(page: Page, api: ApiFactory) -> None:
    case_id = str(demo_case_id(HOUSEHOLD))
    flows.log_in(page, "municipality")
    flows.wait_until_synced(page)
    page.goto(f"/zaken/{case_id}")
    flows.unlock(page)  # a page load starts locked: the data key lives in memory only

    plan = page.get_by_test_id("case-plan")
    expect(plan).to_have_attribute("data-state", "ok", timeout=15_000)
    followups = page.get_by_test_id("plan-followup")
    expect(followups).to_have_count(2)
    expect(plan).to_contain_text("GGD Regio Middenvallei")
    assert_no_axe_violations(page, "case with its plan")

    person = page.get_by_test_id("handover-person")
    sanne = person.locator("option", has_text=re.compile("Sanne Veldhoven"))
    person.select_option(value=sanne.get_attribute("value"))
    page.get_by_test_id("handover-submit").click()

    expect(page.get_by_test_id("handover-result")).to_have_attribute("data-outcome", "ok")
    case = api("fieldworker").json("GET", f"/api/cases/{case_id}")
    assert case["director"]["display_name"] == "Sanne Veldhoven"
    handovers = [e for e in case["timeline"] if e["kind"] == "director_handover"]
    assert handovers, case["timeline"]
