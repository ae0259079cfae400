"""WCAG 2.1 A/AA by axe-core on every main screen, in Dutch and with the iPad layout."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.harness import assert_no_axe_violations


def test_the_field_workers_screens_have_no_axe_violations(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert_no_axe_violations(page, "login")

    flows.log_in(page)
    flows.wait_until_synced(page)
    assert_no_axe_violations(page, "case list")

    flows.open_first_case(page)
    assert_no_axe_violations(page, "case")

    flows.start_kitchen_table_visit(page)
    assert_no_axe_violations(page, "form")
    page.get_by_test_id("finalize").click()  # nothing filled in: the errors show
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert_no_axe_violations(page, "form with errors")

    page.get_by_role("link", name="Mijn bezoeken").click()
    expect(page.get_by_role("heading", name="Mijn bezoeken", level=1)).to_be_visible()
    assert_no_axe_violations(page, "my visits")

    page.get_by_role("link", name="Synchronisatie").click()
    expect(page.get_by_role("heading", name="Synchronisatie", level=1)).to_be_visible()
    assert_no_axe_violations(page, "sync")


def test_the_administration_screen_has_no_axe_violations(page: Page) -> None:
    flows.log_in(page, "admin")
    page.get_by_role("link", name="Beheer").click()
    expect(page).to_have_url(re.compile(r"/beheer$"))
    expect(page.get_by_test_id("user-row").first).to_be_visible()
    expect(page.get_by_test_id("device-row").first).to_be_visible()
    assert_no_axe_violations(page, "administration")
