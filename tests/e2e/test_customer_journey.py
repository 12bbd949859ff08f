"""The first visit of a residential customer, in Debian's Chromium.

Sign up, verify the e-mail with the code from the test mailer, connect the
utility account, see the dashboard with drawn charts, switch homes, sign out.
axe-core checks every page (no serious or critical violations) and the
strict Content-Security-Policy must report no violation on any of them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from billing.models import CustomerAccess
from tests.conftest import chromium_path, require_or_skip
from tests.homes import home_build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe-4.14.1.min.js"
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile);
});
"""


@pytest.fixture
def browser_page(monkeypatch):
    require_or_skip(chromium_path() is not None, "chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the test itself
    # is synchronous, so Django's ORM may be used from it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(CSP_WATCH)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.console_messages = console
        yield page
        context.close()
        browser.close()


def check_page(page, name: str) -> None:
    """axe-core: no serious or critical violations; CSP: nothing blocked."""
    page.wait_for_load_state("networkidle")
    # Evaluated through DevTools, so the page's CSP does not apply to axe itself.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"
    violations = page.evaluate("window.__csp")
    csp_console = [m for m in page.console_messages if "Content Security Policy" in m]
    assert violations == [], f"{name}: {violations}"
    assert csp_console == [], f"{name}: {csp_console}"


def test_sign_up_verify_link_dashboard_switch_and_sign_out(live_server, browser_page):
    page = browser_page
    # Alex Rivera has two homes in the same ZIP code under one customer ID.
    first = home_build()
    second = home_build()
    second.customer.customer_id = first.customer.customer_id
    second.customer.save()
    CustomerAccess.objects.all().delete()

    page.goto(live_server.url + "/")
    check_page(page, "landing")
    page.get_by_role("link", name="Create your account").click()

    page.get_by_label("Email").fill("alex.rivera@example.com")
    page.get_by_label("Password", exact=False).first.fill("a-fine-password-1")
    page.locator("input[name=password2]").fill("a-fine-password-1")
    check_page(page, "sign-up")
    page.locator("form.allauth-form button[type=submit]").click()

    page.wait_for_url("**/confirm-email/**")
    check_page(page, "verify e-mail")
    message = mail.outbox[-1]
    assert message.to == ["alex.rivera@example.com"]
    code = re.search(r"browser window\.\s+(\S+)", message.body).group(1)
    page.locator("input[name=code]").fill(code)
    page.locator("form.allauth-form button[type=submit]").first.click()

    page.wait_for_url(live_server.url + "/")
    check_page(page, "connect prompt")
    page.get_by_role("link", name="Connect your account").click()

    page.wait_for_url("**/homes/link/")
    check_page(page, "link account")
    page.get_by_label("Account number or customer ID").fill(first.customer.customer_id)
    page.get_by_label("Service ZIP code and last name").check()
    page.locator("#id_zip_code").fill("62701")
    page.get_by_label("Last name on the account").fill("Rivera")
    page.get_by_role("button", name="Connect account").click()

    page.wait_for_url(live_server.url + "/")
    page.wait_for_selector(".chart.chart-ready")
    assert page.locator(".chart.chart-ready svg.main-svg").count() > 0
    assert page.locator(".chart").count() == page.locator(".chart.chart-ready").count()
    heading = page.locator("h1").inner_text()
    assert heading in {
        first.customer.premise.street_address,
        second.customer.premise.street_address,
    }
    check_page(page, "dashboard")

    # The smart meter's date picker swaps its card in place (htmx), charts redrawn.
    page.locator("#day-electric").fill("2024-03-02")
    page.locator("#smart-meter-electric button[type=submit]").click()
    page.wait_for_selector("#chart-electric-hourly-title:has-text('Mar 2, 2024')")
    page.wait_for_selector("#chart-electric-hourly.chart-ready")
    assert page.url.rstrip("/") == live_server.url  # no full page load
    check_page(page, "dashboard, another day")

    other = (
        second.customer.premise.street_address
        if heading == first.customer.premise.street_address
        else first.customer.premise.street_address
    )
    page.locator(".premise-switcher summary").click()
    page.locator(".switcher-option", has_text=other).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == other
    page.wait_for_selector(".chart.chart-ready")
    check_page(page, "dashboard after switching")

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Create your account").is_visible()
    check_page(page, "signed out")
