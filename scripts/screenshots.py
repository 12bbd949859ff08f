"""Screenshots of the dashboard for docs/screenshots/ (desktop 1280 and phone 390).

Run against a served portal with the demo data and neighbor comparisons:
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8140
Signs in as the demo customer (customer@example.com) in Debian's Chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8140"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    for width, name in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(BASE + "/accounts/login/")
        page.fill("input[name=login]", "customer@example.com")
        page.fill("input[name=password]", "demo-portal-2026")
        page.click("form.allauth-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(BASE + "/")
        page.wait_for_selector(".chart.chart-ready")
        page.wait_for_timeout(500)
        page.screenshot(path=OUT / f"dashboard-{name}.png", full_page=True)
        page.screenshot(path=OUT / f"dashboard-{name}-top.png")
        context.close()
    browser.close()
sys.stdout.write(f"written to {OUT}\n")
