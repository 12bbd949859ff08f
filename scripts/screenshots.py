"""Screenshots of the portal for docs/screenshots/ (desktop 1280 and phone 390).

Run against a served portal with the demo data (`make run`):
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000
Signs in as the demo customer (customer@example.com) and, for the staff event
dashboard, as the demo staff login (development settings accept the
two-factor code 000000), in Debian's Chromium.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "demo-portal-2026"  # noqa: S105 - the demo logins, printed by make run
# (file name, path, both widths?)
CUSTOMER_PAGES = [
    ("dashboard", "/", True),
    ("peak-savings", "/peak-savings/", True),
    ("programs", "/programs/", False),
    ("help-centre", "/help/", False),
    ("contact-form", "/contact/", False),
]


def sign_in(page, email: str) -> None:
    page.goto(BASE + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    if page.locator("input[name=code]").count():
        page.fill("input[name=code]", "000000")
        page.click("form.allauth-form button[type=submit]")
        page.wait_for_load_state("networkidle")


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    # Pictures lazy-load: scroll through the page so a full-page shot has them.
    page.evaluate(
        "async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) {"
        " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50)); }"
        " window.scrollTo(0, 0); }"
    )
    if page.locator(".chart").count():
        page.wait_for_selector(".chart.chart-ready")
    page.wait_for_timeout(500)


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    for width, size in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, "customer@example.com")
        for name, path, both in CUSTOMER_PAGES:
            if size == "phone" and not both:
                continue
            page.goto(BASE + path)
            settle(page)
            page.screenshot(path=OUT / f"{name}-{size}.png", full_page=True)
            if name == "dashboard":
                page.screenshot(path=OUT / f"dashboard-{size}-top.png")
        if size == "desktop":
            page.goto(BASE + "/peak-savings/")
            link = page.locator("a[href*='/peak-savings/events/']").first
            link.click()
            settle(page)
            page.screenshot(path=OUT / "peak-event-desktop.png", full_page=True)
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, "staff@example.com")
    page.goto(BASE + "/admin/rebates/peakevent/")
    # The oldest event in the list: settled, so the dashboard has figures.
    href = page.locator("a[href*='/dashboard/']").last.get_attribute("href")
    page.goto(BASE + href if href.startswith("/") else href)
    settle(page)
    if not re.search(r"/dashboard/", page.url):
        raise SystemExit(f"staff event dashboard not reached: {page.url}")
    page.screenshot(path=OUT / "peak-event-staff-dashboard.png", full_page=True)
    context.close()
    browser.close()
sys.stdout.write(f"written to {OUT}\n")
