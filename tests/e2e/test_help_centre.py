"""The help centre in Chromium: search the FAQ, open an answer, say it helped,
then send a contact request, with axe-core on every page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_enrollment_flow import browser_page, check_page  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def help_content():
    from content.demo import demo_content_seed

    demo_content_seed()


def test_search_the_faq_and_send_a_contact_request(live_server, browser_page, help_content):  # noqa: F811
    from content.models import ContactRequest, FaqQuestion

    page = browser_page
    base = live_server.url

    page.goto(f"{base}/help/")
    check_page(page, "help-1-centre")
    page.get_by_label("Search questions and answers").fill("smell gas")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(f"{base}/help/?q=smell+gas")
    answer = page.get_by_text("Leave the building right away.")
    assert not answer.is_visible()
    page.locator("summary", has_text="What should I do if I smell gas?").click()
    assert answer.is_visible()
    check_page(page, "help-2-search")

    page.get_by_role(
        "button", name=re.compile(r"^Yes\W+What should I do if I smell gas\?$")
    ).click()
    page.wait_for_url("**/help/outages/**")
    assert page.get_by_role("status").get_by_text("Thank you for your feedback.").is_visible()
    check_page(page, "help-3-category")
    assert FaqQuestion.objects.get(question="What should I do if I smell gas?").helpful_yes == 1

    page.goto(f"{base}/contact/")
    page.get_by_role("button", name="Send message").click()
    assert page.get_by_text("Enter your e-mail address so we can reply.").is_visible()
    check_page(page, "help-4-contact-errors")
    page.get_by_label("What is it about?").select_option("billing")
    page.get_by_label("Your name").fill("Alex Rivera")
    page.get_by_label("E-mail address").fill("alex@example.com")
    page.get_by_label("Your message").fill("My bill doubled this month. Could you check it?")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/sent/**")
    sent = ContactRequest.objects.get()
    assert page.get_by_text(sent.number).is_visible()
    check_page(page, "help-5-sent")


def test_signed_in_customer_follows_a_request(live_server, browser_page, help_content):  # noqa: F811
    from content.models import ContactRequest
    from tests.factories.enrollment import customer_with_login

    user, customer = customer_with_login()
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "a-good-test-password")
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/contact/?topic=service")
    assert page.get_by_label("Your name").input_value() == user.name
    assert page.get_by_label("Which address is it about?").input_value() == str(customer.premise.pk)
    page.get_by_label("Your message").fill("We move out on the 30th; please stop service.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_url("**/contact/sent/**")
    sent = ContactRequest.objects.get()
    assert sent.premise == customer.premise
    page.get_by_role("link", name="Follow this request").click()
    page.wait_for_url(f"**/contact/requests/{sent.number}/")
    check_page(page, "help-6-request")
    page.goto(f"{base}/contact/requests/")
    check_page(page, "help-7-my-requests")
    page.goto(f"{base}/pages/moving/")
    check_page(page, "help-8-page")
    page.goto(f"{base}/sitemap/")
    check_page(page, "help-9-sitemap")
