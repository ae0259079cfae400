"""The functional administrator's screens, and a worker who cannot log out with work unsent."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory, ContextFactory


def test_an_administrator_creates_disables_and_resets_a_user(page: Page, api: ApiFactory) -> None:
    flows.log_in(page, "admin")
    page.get_by_role("link", name="Beheer").click()
    form = page.get_by_test_id("new-user")
    form.get_by_label("Gebruikersnaam").fill("nieuwe-collega")
    form.get_by_label("Naam", exact=True).fill("Nienke Nieuw")
    form.get_by_label("Wachtwoord (minimaal 12 tekens)").fill("een-lang-wachtwoord-1")
    form.get_by_role("button", name="Gebruiker aanmaken").click()
    expect(page.get_by_test_id("admin-message")).to_contain_text("Nienke Nieuw is aangemaakt.")

    row = page.get_by_test_id("user-row").filter(has_text="nieuwe-collega")
    row.get_by_role("button", name="Uitschakelen").click()
    expect(row).to_contain_text("Uitgeschakeld")
    row.get_by_placeholder(re.compile("Nieuw wachtwoord")).fill("nog-een-lang-wachtwoord")
    row.get_by_role("button", name="Wachtwoord instellen").click()
    expect(page.get_by_test_id("admin-message")).to_contain_text(
        "Het wachtwoord van Nienke Nieuw is ingesteld."
    )

    users = api("admin").json("GET", "/api/admin/users")
    [created] = [user for user in users if user["username"] == "nieuwe-collega"]
    assert created["active"] is False and created["roles"] == ["field_worker"]


def test_a_revoked_tablet_wipes_itself_at_its_next_contact(
    page: Page, new_context: ContextFactory
) -> None:
    tablet: BrowserContext = new_context()
    lost = tablet.new_page()
    flows.log_in(lost, "ggd")
    flows.wait_until_synced(lost)

    flows.log_in(page, "admin")
    page.get_by_role("link", name="Beheer").click()
    device = page.get_by_test_id("device-row").filter(has_text="Tablet van ggd").first
    page.once("dialog", lambda dialog: dialog.accept())
    device.get_by_role("button", name=re.compile("Intrekken")).click()
    expect(device).to_contain_text("Ingetrokken")

    lost.get_by_role("button", name="Nu synchroniseren").click()
    expect(lost.get_by_role("alert")).to_contain_text("Dit apparaat is ingetrokken")
    held = lost.evaluate("""async () => (await indexedDB.databases()).map((d) => d.name)""")
    cases = lost.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('keukentafel');
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('cases')) return resolve(0);
                const count = db.transaction('cases').objectStore('cases').count();
                count.onsuccess = () => resolve(count.result);
            };
        })"""
    )
    assert cases == 0, held
    # The service worker's caches and the vault's wrapped key went with it: no PIN screen.
    assert lost.evaluate("async () => await caches.keys()") == []
    vault = lost.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('keukentafel');
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('meta')) return resolve(null);
                const row = db.transaction('meta').objectStore('meta').get('vault');
                row.onsuccess = () => resolve(row.result ?? null);
            };
        })"""
    )
    assert vault is None
    lost.reload()
    expect(lost.get_by_role("heading", name="Inloggen")).to_be_visible()
    tablet.close()


def test_logging_out_is_refused_while_a_draft_is_unfinished(page: Page) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    flows.open_first_case(page)
    flows.start_kitchen_table_visit(page)
    page.get_by_role("button", name="Uitloggen").click()
    refused = page.get_by_test_id("logout-refused")
    expect(refused).to_contain_text("Uitloggen kan nog niet")
    expect(refused).to_contain_text("1 bezoek nog niet afgerond")
    expect(page).to_have_url(re.compile(r"/bezoek/"))
