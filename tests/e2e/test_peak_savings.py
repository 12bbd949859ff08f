"""The peak savings pages in Chromium: chart drawn under the strict CSP, axe-core clean."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from rebates.models import EventKind, EventStatus
from tests.conftest import chromium_path, require_or_skip
from tests.factories import (
    CustomerAccessFactory,
    EventResultFactory,
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe-4.14.1.min.js"
PASSWORD = "a-good-test-password"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser_page():
    # Set up data first: Playwright's sync API runs an event loop in this thread,
    # and Django refuses ORM calls while one is running.
    require_or_skip(chromium_path() is not None, "chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors
        yield page
        browser.close()


@pytest.fixture
def customer_with_history():
    today = timezone.localdate()
    program = PtrProgramFactory(
        season_starts_on=today - dt.timedelta(days=90),
        season_ends_on=today + dt.timedelta(days=90),
    )
    participant = ParticipantFactory(program=program)
    user = UserFactory(password=PASSWORD)
    CustomerAccessFactory(user=user, customer=participant.customer)
    past_day = today - dt.timedelta(days=5)
    event = PeakEventFactory(program=program, start_date=past_day, status=EventStatus.SETTLED)
    day = past_day.isoformat()
    EventResultFactory(
        event=event,
        participant=participant,
        detail={
            "days": {
                day: {
                    "used": [(past_day - dt.timedelta(days=i)).isoformat() for i in (1, 2, 3)],
                    "factor": None,
                }
            },
            "hours": [[day, h, "2.500000", "1.8750"] for h in (16, 17, 18, 19)],
        },
    )
    PeakEventFactory(
        program=program, start_date=today + dt.timedelta(days=2), kind=EventKind.EMERGENCY
    )
    return user, event


def sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def axe_violations(page) -> list[dict]:
    # evaluate() runs through DevTools, so the page's CSP does not block axe.
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document)")
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_peak_savings_page_draws_its_chart_and_passes_axe(
    customer_with_history, live_server, browser_page
):
    user, _event = customer_with_history
    page = browser_page
    sign_in(page, live_server, user)
    page.goto(live_server.url + reverse("rebates:peak_savings"))
    page.wait_for_selector(".ptr-chart .main-svg")
    assert page.locator(".ptr-chart .bars .point").count() == 8  # 4 hours × 2 bars
    assert "emergency peak event" in page.inner_text(".ptr-banner").lower()
    # The table alternative opens from the keyboard.
    page.focus(".ptr-table-toggle summary")
    page.keyboard.press("Enter")
    assert page.locator(".ptr-table-toggle table").is_visible()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    assert page.console_errors == []


def test_event_page_passes_axe(customer_with_history, live_server, browser_page):
    user, event = customer_with_history
    page = browser_page
    sign_in(page, live_server, user)
    page.goto(live_server.url + reverse("rebates:event_detail", args=[event.pk]))
    page.wait_for_selector(".ptr-chart .main-svg")
    assert "How your rebate was calculated" in page.content()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    assert page.console_errors == []
