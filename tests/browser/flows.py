"""What a worker does in the app, step by step, for the browser scenarios to share."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.conftest import DEMO_PASSWORD

KITCHEN_TABLE = "Keukentafelgesprek"
PIN = "246810"


def log_in(page: Page, username: str = "fieldworker") -> None:
    """Log in with the password and, as on every new tablet, choose the PIN for its data."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen$"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_label("Naam van dit apparaat").fill(f"Tablet van {username}")
    page.get_by_role("button", name="Inloggen").click()
    set_pin(page)
    expect(page).to_have_url(re.compile(r"/zaken$"))


def set_pin(page: Page, pin: str = PIN) -> None:
    expect(page.get_by_role("heading", name="Kies een pincode")).to_be_visible()
    page.get_by_label("Pincode", exact=True).fill(pin)
    page.get_by_label("Herhaal pincode").fill(pin)
    page.get_by_role("button", name="Pincode instellen").click()


def unlock(page: Page, pin: str = PIN) -> None:
    """Enter the PIN on the lock screen (what follows is up to the caller to expect)."""
    expect(page.get_by_role("heading", name="Tablet vergrendeld")).to_be_visible()
    page.get_by_label("Pincode", exact=True).fill(pin)
    page.get_by_role("button", name="Ontgrendelen").click()


def wait_until_synced(page: Page) -> None:
    """A whole sync cycle ended (cases and forms are here), and nothing is left to send."""
    expect(page.get_by_test_id("last-sync")).not_to_have_attribute("data-at", "", timeout=20_000)
    expect(page.get_by_test_id("unsent-count")).to_have_attribute("data-unsent", "0")


def open_first_case(page: Page) -> str:
    return open_case(page, 0)


def open_case(page: Page, index: int) -> str:
    """Open the index-th of my cases, from the menu (a client-side route, also offline)."""
    page.get_by_role("link", name="Mijn zaken").click()
    page.get_by_test_id("case-card").nth(index).click()
    expect(page).to_have_url(re.compile(r"/zaken/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


def start_kitchen_table_visit(page: Page) -> str:
    page.get_by_role("button", name=KITCHEN_TABLE).click()
    expect(page).to_have_url(re.compile(r"/bezoek/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name=KITCHEN_TABLE, level=1)).to_be_visible()
    return page.url.rsplit("/", 1)[1]


def draw_signature(page: Page, pad: Locator) -> None:
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + w * (0.1 + step * 0.07), y + h * (0.3 if step % 2 else 0.7), steps=3)
    page.mouse.up()


def jpeg_bytes(width: int = 2400, height: int = 1800) -> bytes:
    """A camera-sized photo, so the tablet has something to downscale."""
    image = Image.new("RGB", (width, height), (200, 180, 150))
    for x in range(0, width, 200):
        image.paste((40, 60, 90), (x, 0, x + 40, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def fill_kitchen_table(page: Page, *, resident: str = "Noor Verzonnen") -> None:
    """Everything the kitchen-table form requires, a debt, a photo and both signatures."""
    page.get_by_role("button", name=re.compile(r"Toevoegen: Wie zijn er bij het gesprek")).click()
    member = page.get_by_role("group", name=re.compile(r"gesprek\?: Nummer 1$"))
    member.get_by_label(re.compile(r"^Naam")).fill("Noor")
    member.get_by_label("Huurder").check()

    page.get_by_role("button", name=re.compile(r"Toevoegen: Schulden")).click()
    debts = page.get_by_role("group", name=re.compile(r"^Schulden: Nummer 1"))
    debts.get_by_label(re.compile("^Bedrag")).fill("1.234,50")
    page.locator("#q-debt_letters").set_input_files(
        files=[{"name": "aanmaning.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    expect(page.locator(".thumbs img")).to_have_count(1, timeout=10_000)

    for radio in page.locator("table.consent input[type=radio]").all():
        label = radio.locator("xpath=..").inner_text().strip()
        if label == "Ja":
            radio.check()

    for code, name in (("signature_resident", resident), ("signature_worker", "Sanne Veldhoven")):
        pad = page.get_by_test_id(f"signature-q-{code}")
        draw_signature(page, pad)
        signer = page.locator(f"[data-question={code}]").get_by_label("Naam van wie tekent")
        signer.fill(name)
        signer.blur()
        expect(
            page.locator(f"[data-question={code}]").get_by_test_id("signature-state")
        ).to_contain_text("Getekend")
    expect(page.get_by_test_id("draft-state")).to_have_attribute("data-saving", "no")


def finalize(page: Page) -> None:
    page.get_by_test_id("finalize").click()
    page.get_by_test_id("finalize-confirm").click()
    expect(page).to_have_url(re.compile(r"/bezoeken$"))
