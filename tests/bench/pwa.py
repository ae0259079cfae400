"""The PWA: how heavy it is (gzipped), how fast it starts, and how fast a draft is saved.

Sizes come from pwa/dist: the offline-ready cache is every file the service worker precaches
(its manifest in sw.js) plus sw.js itself. Timings run in Debian's Chromium via Playwright, as
the browser tests do, against a live server with the built PWA:
- cold load: a fresh profile on a throttled link and CPU (THROTTLE), until the first screen's
  heading (`main h1`) is there: the login screen now, whatever screen comes first later;
- warm offline start: the same profile once the service worker is active, offline, no throttle;
- draft save: a keystroke in a visit form until the app shows the draft as saved, through the
  app's own path (answers -> IndexedDB). Logging in goes through tests/browser/flows.py, so a
  change to the login flow (a PIN step) is followed here as it is in the browser tests.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.bench.common import Results, Row, Sizes, median_ms
from tests.reliability.processes import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Page

DIST = REPO / "pwa" / "dist"
# DevTools' "Fast 3G"-like link (the slow end of what a tablet on a phone's hotspot gets) and a
# 4x slower CPU, as Lighthouse's mobile profile takes for a mid-range device.
THROTTLE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
PROFILE = "150 ms RTT, 1.6/0.75 Mbit/s, CPU 4x slower"
# Far under a well-known offline forms client's ~930 KB gzipped (DESIGN.md).
CACHE_AIM_KB = 930

SHELL = "() => document.querySelector('main h1') !== null && performance.now()"
SAVE = """async (input) => {
    const state = document.querySelector('[data-testid=draft-state]');
    const saved = new Promise((resolve, reject) => {
        let busy = false;
        const observer = new MutationObserver(() => {
            if (state.getAttribute('data-saving') === 'yes') busy = true;
            else if (busy) { observer.disconnect(); resolve(performance.now()); }
        });
        observer.observe(state, { attributes: true, attributeFilter: ['data-saving'] });
        setTimeout(() => reject(new Error('the draft was not saved within 10 s')), 10000);
    });
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const start = performance.now();
    setValue.call(input, input.value + 'e');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return (await saved) - start;
}"""


def _gzip_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


def sizes(results: Results) -> None:
    sw = DIST / "sw.js"
    precached = re.findall(r'"url":"([^"]+)"', sw.read_text())
    cache = sum(_gzip_kb(DIST / url) for url in precached) + _gzip_kb(sw)
    scripts = sorted((DIST / "assets").glob("*.js"))
    results.add(
        Row(
            "PWA: offline-ready cache, gzipped",
            "-",
            f"{cache:.0f} KB",
            aim=f"< {CACHE_AIM_KB} KB",
            met=cache < CACHE_AIM_KB,
            note=f"{len(precached)} precached files + sw.js",
        )
    )
    results.add(
        Row(
            "PWA: JavaScript, gzipped",
            "-",
            f"{sum(_gzip_kb(path) for path in scripts):.0f} KB",
            note=f"{len(scripts)} files in assets/ (sw.js {_gzip_kb(sw):.0f} KB apart)",
        )
    )


def _shell_seconds(page: Page) -> float:
    """performance.now() counts from the navigation's start: the time to the first screen."""
    return float(page.wait_for_function(SHELL, timeout=60_000).json_value()) / 1000


def timings(results: Results, url: str, sizes_: Sizes) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import flows
    from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, DEVICE, wait_for_service_worker

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        descriptor = {
            key: value
            for key, value in playwright.devices[DEVICE].items()
            if key != "default_browser_type"
        }
        options = {
            **descriptor,
            "base_url": url,
            "service_workers": "allow",
            "locale": "nl-NL",
            "timezone_id": "Europe/Amsterdam",
        }
        cold, warm, saves = [], [], []
        for run in range(sizes_.pwa_runs + 1):  # the first of each is a warm-up
            context = browser.new_context(**options)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", THROTTLE)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            page.goto("/", wait_until="commit")
            cold_seconds = _shell_seconds(page)
            wait_for_service_worker(page, 60_000)
            context.set_offline(True)
            offline = context.new_page()
            offline.goto("/", wait_until="commit")
            warm_seconds = _shell_seconds(offline)
            context.close()
            if run:
                cold.append(cold_seconds)
                warm.append(warm_seconds)

        context = browser.new_context(**options)
        context.set_default_timeout(20_000)
        page = context.new_page()
        flows.log_in(page)
        flows.wait_until_synced(page)
        flows.open_first_case(page)
        flows.start_kitchen_table_visit(page)
        page.get_by_role(
            "button", name=re.compile(r"Toevoegen: Wie zijn er bij het gesprek")
        ).click()
        field = page.get_by_role("group", name=re.compile(r"gesprek\?: Nummer 1$")).get_by_label(
            re.compile(r"^Naam")
        )
        for run in range(3 * sizes_.pwa_runs + 2):
            seconds = float(field.evaluate(SAVE)) / 1000
            if run >= 2:
                saves.append(seconds)
        context.close()
        browser.close()
    results.add(
        Row("PWA: cold load to first screen, throttled", "chromium", *median_ms(cold), note=PROFILE)
    )
    results.add(Row("PWA: warm offline start to first screen", "chromium", *median_ms(warm)))
    results.add(Row("PWA: draft save (keystroke to saved)", "chromium", *median_ms(saves)))
