"""The notification preferences page and the permanent channel opt-out, in
Debian's Chromium. axe-core checks each page state (no serious or critical
violations) and the strict Content-Security-Policy must block nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from notifications.models import ChannelOptOut, TopicPreference
from tests.conftest import chromium_path, require_or_skip
from tests.factories import AccountFactory, CustomerAccessFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def signed_in_page(monkeypatch, live_server):
    require_or_skip(chromium_path() is not None, "chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    user = UserFactory(name="Alex Rivera")
    customer = AccountFactory(
        customer__first_name="Alex",
        customer__last_name="Rivera",
        customer__email="alex@example.com",
        customer__phone="312-555-0142",
    ).customer
    CustomerAccessFactory(user=user, customer=customer)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        context.add_init_script(CSP_WATCH)
        page = context.new_page()
        page.console_messages = []
        page.on("console", lambda m: page.console_messages.append(m.text))
        page.recipient_key = f"customer:{customer.pk}"
        yield page
        context.close()
        browser.close()


def check_page(page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"notifications-{name}.png"), full_page=True)
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
    assert page.evaluate("window.__csp") == [], name
    assert [m for m in page.console_messages if "Content Security Policy" in m] == [], name


def test_preferences_and_the_permanent_channel_opt_out(live_server, signed_in_page):
    page = signed_in_page
    page.goto(f"{live_server.url}/notifications/preferences/")
    assert page.get_by_role("heading", name="Notifications", level=1).is_visible()
    assert page.locator("#channel-email .notify-address").inner_text() == "alex@example.com"
    check_page(page, "preferences")

    # Turn peak event e-mails off (reversible), keyboard-reachable label.
    box = page.get_by_label("Peak Time Rebate event alerts: E-mail")
    assert box.is_checked()
    box.uncheck()
    page.get_by_role("button", name="Save choices").click()
    page.wait_for_url("**/notifications/preferences/")
    assert page.get_by_text("Your notification choices were saved.").is_visible()
    assert not page.get_by_label("Peak Time Rebate event alerts: E-mail").is_checked()
    assert (
        TopicPreference.objects.get(
            recipient_key=page.recipient_key, topic="ptr.pre_event", channel="email"
        ).enabled
        is False
    )

    # Stopping all texts asks for confirmation first.
    page.get_by_role("link", name="Stop all text messages permanently").click()
    assert page.get_by_text("This cannot be undone.").is_visible()
    check_page(page, "opt-out-confirm")
    page.get_by_role("button", name="Stop all text messages").click()
    assert page.get_by_text("Tick the box to confirm.").is_visible()
    check_page(page, "opt-out-confirm-error")
    assert not ChannelOptOut.objects.exists()

    page.get_by_label("I understand that this is permanent and cannot be undone.").check()
    page.get_by_role("button", name="Stop all text messages").click()
    page.wait_for_url("**/notifications/preferences/")
    assert page.get_by_text("You will not get any more text messages from us.").is_visible()
    texts = page.locator("#channel-sms")
    assert texts.get_by_text("Opted out permanently").is_visible()
    assert texts.get_by_role("button", name="Add").count() == 0
    check_page(page, "preferences-after-opt-out")
    assert ChannelOptOut.objects.filter(
        recipient_key=page.recipient_key, channel="sms", source="portal"
    ).exists()
