"""Data at rest on the tablet: sealed in IndexedDB, locked after idle time, opened with the PIN
offline only within the offline grant, and never again on a revoked tablet."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory
from tests.conftest import DEMO_PASSWORD

CANARY = "Kanarie-Verzonnen-7319"
HOUR_MS = 3_600_000

# Every record of every store of the app's database, read with plain IndexedDB (not through the
# app), with bytes (ciphertext, blobs) decoded as Latin-1 so nothing can hide in them.
RAW_IDB = """async () => {
    const text = async (value) => {
        if (value instanceof Blob) value = await value.arrayBuffer();
        if (value instanceof ArrayBuffer) return new TextDecoder('latin1').decode(value);
        if (ArrayBuffer.isView(value)) return new TextDecoder('latin1').decode(value);
        if (value && typeof value === 'object') {
            const parts = [];
            for (const [k, v] of Object.entries(value)) parts.push(k + '=' + (await text(v)));
            return '{' + parts.join(',') + '}';
        }
        return String(value);
    };
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('keukentafel')) return { stores: {}, databases: names };
    const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('keukentafel');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
    });
    const stores = {};
    for (const name of Array.from(db.objectStoreNames)) {
        const rows = await new Promise((resolve) => {
            const all = db.transaction(name).objectStore(name).getAll();
            all.onsuccess = () => resolve(all.result);
        });
        stores[name] = [];
        for (const row of rows) stores[name].push(await text(row));
    }
    db.close();
    return { stores, databases: names };
}"""

CACHE_NAMES = "async () => await caches.keys()"


def raw_idb(page: Page) -> dict[str, list[str]]:
    result: dict[str, list[str]] = page.evaluate(RAW_IDB)["stores"]
    return result


def device_id(page: Page) -> str:
    [row] = [row for row in raw_idb(page)["meta"] if row.startswith("{key=device_id,")]
    match = re.search(r"value=([0-9a-f-]{36})", row)
    assert match, row
    return match.group(1)


def lock_from_menu(page: Page) -> None:
    page.get_by_role("button", name="Vergrendelen").click()
    expect(page.get_by_role("heading", name="Tablet vergrendeld")).to_be_visible()


def test_a_draft_is_sealed_and_the_pin_opens_it_offline_only_within_the_shift(
    page: Page, context: BrowserContext
) -> None:
    page.clock.install()  # time flows as usual, until the test moves it on
    flows.log_in(page)
    flows.wait_until_synced(page)
    flows.open_first_case(page)
    visit = flows.start_kitchen_table_visit(page)
    page.get_by_role("button", name=re.compile(r"Toevoegen: Wie zijn er bij het gesprek")).click()
    member = page.get_by_role("group", name=re.compile(r"gesprek\?: Nummer 1$"))
    member.get_by_label(re.compile(r"^Naam")).fill(CANARY)
    expect(page.get_by_test_id("draft-state")).to_have_attribute("data-saving", "no")

    stores = raw_idb(page)
    assert len(stores["drafts"]) == 1 and "sealed=" in stores["drafts"][0]
    assert stores["cases"] and all("sealed=" in row for row in stores["cases"])
    assert not [name for name, rows in stores.items() if any(CANARY in row for row in rows)]
    session = [row for row in stores["meta"] if row.startswith("{key=session,")]
    assert session and "refresh_token" not in session[0]

    # Ten minutes without input (the default) lock the app; nothing of the visit stays on screen.
    page.clock.fast_forward(11 * 60_000)
    expect(page.get_by_role("heading", name="Tablet vergrendeld")).to_be_visible()
    assert CANARY not in page.content()

    # Offline within the shift: the PIN alone opens it, and the visit is where it was.
    context.set_offline(True)
    flows.unlock(page, "000000")
    expect(page.get_by_role("alert")).to_contain_text("Onjuiste pincode. Nog 4 pogingen.")
    flows.unlock(page)
    expect(page).to_have_url(re.compile(f"/bezoek/{visit}$"))
    expect(member.get_by_label(re.compile(r"^Naam"))).to_have_value(CANARY)

    # A shift (12 hours) later, still offline: the PIN is right but no longer enough.
    lock_from_menu(page)
    page.clock.fast_forward(13 * HOUR_MS)
    flows.unlock(page)
    expect(page.get_by_test_id("unlock-needs-server")).to_contain_text("verbinding met een netwerk")
    assert CANARY not in page.content()

    # With the network back the server renews the grant, and the work is all there.
    context.set_offline(False)
    flows.unlock(page)
    expect(member.get_by_label(re.compile(r"^Naam"))).to_have_value(CANARY)


def test_a_revoked_tablet_cannot_unlock_and_wipes_itself(page: Page, api: ApiFactory) -> None:
    flows.log_in(page, "supervisor")
    flows.wait_until_synced(page)
    lost = device_id(page)
    assert page.evaluate(CACHE_NAMES), "the service worker's precache is there to be wiped"
    lock_from_menu(page)

    api("admin").json("POST", f"/api/admin/devices/{lost}/revoke")
    flows.unlock(page)
    expect(page.get_by_role("alert")).to_contain_text("Dit apparaat is ingetrokken")
    expect(page).to_have_url(re.compile(r"/inloggen$"))

    stores = raw_idb(page)
    assert all(not rows for rows in stores.values()), stores
    assert page.evaluate(CACHE_NAMES) == []
    # Reloading shows the login, not a PIN screen: no wrapped key is left to try PINs on.
    page.reload()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()


def test_a_forgotten_pin_is_recovered_with_the_password_and_keeps_the_draft(page: Page) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    flows.open_first_case(page)
    visit = flows.start_kitchen_table_visit(page)
    page.get_by_role("button", name=re.compile(r"Toevoegen: Wie zijn er bij het gesprek")).click()
    member = page.get_by_role("group", name=re.compile(r"gesprek\?: Nummer 1$"))
    member.get_by_label(re.compile(r"^Naam")).fill(CANARY)
    # A signer's name typed without leaving the field is saved as typed, like any answer.
    pad = page.get_by_test_id("signature-q-signature_worker")
    flows.draw_signature(page, pad)
    signed = page.locator("[data-question=signature_worker]")
    expect(signed.get_by_test_id("signature-state")).to_contain_text("Getekend")
    signed.get_by_label("Naam van wie tekent").fill("Sanne Verzonnen")
    expect(page.get_by_test_id("draft-state")).to_have_attribute("data-saving", "no")

    # The tablet restarts locked, and the worker no longer knows the PIN.
    page.reload()
    expect(page.get_by_role("heading", name="Tablet vergrendeld")).to_be_visible()
    page.get_by_role("button", name="Pincode vergeten?").click()
    expect(page.get_by_test_id("recover-notice")).to_contain_text("nieuwe pincode")
    page.get_by_label("Gebruikersnaam").fill("fieldworker")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("heading", name="Kies een nieuwe pincode")).to_be_visible()
    page.get_by_label("Pincode", exact=True).fill("975310")
    page.get_by_label("Herhaal pincode").fill("975310")
    page.get_by_role("button", name="Nieuwe pincode instellen").click()

    # Everything is still there: the draft with its name and the signer's name.
    page.get_by_role("link", name="Mijn bezoeken").click()
    page.locator(f'a[href="/bezoek/{visit}"]').click()
    expect(member.get_by_label(re.compile(r"^Naam"))).to_have_value(CANARY)
    expect(signed.get_by_label("Naam van wie tekent")).to_have_value("Sanne Verzonnen")
    expect(signed.get_by_test_id("signature-state")).to_contain_text("Getekend")
    stores = raw_idb(page)
    assert not [name for name, rows in stores.items() if any(CANARY in row for row in rows)]
    [vault] = [row for row in stores["meta"] if row.startswith("{key=vault,")]
    assert "recovery_wrapped=" in vault

    # The new PIN opens it from now on; the old one no longer does.
    lock_from_menu(page)
    flows.unlock(page)
    expect(page.get_by_role("alert")).to_contain_text("Onjuiste pincode")
    flows.unlock(page, "975310")
    expect(member.get_by_label(re.compile(r"^Naam"))).to_have_value(CANARY)


def test_locking_one_tab_locks_the_others(page: Page, context: BrowserContext) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    other = context.new_page()
    other.goto("/")  # another tab opens locked: the key is in each tab's memory only
    flows.unlock(other)
    expect(other.get_by_role("link", name="Mijn zaken")).to_be_visible()

    lock_from_menu(page)
    expect(other.get_by_role("heading", name="Tablet vergrendeld")).to_be_visible()
    other.close()


def test_a_revoked_tablet_gets_no_recovery_and_wipes_itself(page: Page, api: ApiFactory) -> None:
    flows.log_in(page, "supervisor")
    flows.wait_until_synced(page)
    lost = device_id(page)
    lock_from_menu(page)
    api("admin").json("POST", f"/api/admin/devices/{lost}/revoke")

    page.get_by_role("button", name="Pincode vergeten?").click()
    page.get_by_label("Gebruikersnaam").fill("supervisor")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Dit apparaat is ingetrokken")
    expect(page.get_by_role("heading", name="Kies een nieuwe pincode")).not_to_be_visible()
    stores = raw_idb(page)
    assert all(not rows for rows in stores.values()), stores
    page.reload()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
