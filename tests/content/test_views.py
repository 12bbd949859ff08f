import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from content.models import ContactRequest
from tests.factories import (
    ContactRequestFactory,
    FaqCategoryFactory,
    FaqQuestionFactory,
    PageFactory,
    UserFactory,
)
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db

CONTACT = "/contact/"


def _valid(**overrides):
    return {
        "topic": "billing",
        "name": "Alex Rivera",
        "email": "alex@example.com",
        "phone": "",
        "message": "Why is my bill higher this month than last?",
    } | overrides


# --- help centre and FAQ --------------------------------------------------------


def test_help_centre_lists_published_topics_and_top_questions(client):
    billing = FaqCategoryFactory(slug="billing", name="Your bill")
    FaqQuestionFactory(category=billing, question="Why is my bill high?", is_top=True)
    hidden = FaqCategoryFactory(slug="hidden", name="Hidden topic", is_published=False)
    FaqQuestionFactory(category=hidden, question="Secret question?", is_top=True)
    FaqCategoryFactory(slug="empty", name="Empty topic")
    response = client.get(reverse("content:help"))
    assert response.status_code == 200
    text = response.text
    assert "Your bill" in text
    assert "Why is my bill high?" in text
    assert "Hidden topic" not in text
    assert "Secret question?" not in text
    assert "Empty topic" not in text  # no published questions: nothing to open
    assert "+1 800 555 0134" in text  # contact card from the utility settings


def test_search_matches_question_and_answer_words_in_either_language(client):
    FaqQuestionFactory(question="How do I report an outage?", answer="Call us any time.")
    FaqQuestionFactory(question="Payment plans", answer="We offer a payment arrangement.")
    FaqQuestionFactory(question="Draft about outages", is_published=False)
    FaqQuestionFactory(question="Gas smell", question_es="Olor a gas", answer="Leave now.")
    url = reverse("content:help")

    def found(q):
        return {question.question for question in client.get(url, {"q": q}).context["results"]}

    assert found("outage") == {"How do I report an outage?"}
    assert found("payment arrangement") == {"Payment plans"}
    assert found("ARRANGEMENT payment") == {"Payment plans"}
    assert found("olor") == {"Gas smell"}
    assert found("plutonium") == set()
    response = client.get(url, {"q": "plutonium"})
    assert "No questions match your search" in response.text


def test_search_never_fails_on_odd_input(client):
    url = reverse("content:help")
    for q in ["x" * 5000, "%", "'; DROP TABLE x; --", "\x00", "   "]:
        assert client.get(url, {"q": q}).status_code == 200


def test_category_page_uses_details_and_hides_unpublished_questions(client):
    category = FaqCategoryFactory(slug="payments", name="Payments")
    shown = FaqQuestionFactory(category=category, question="How do I pay?")
    FaqQuestionFactory(category=category, question="Not yet?", is_published=False)
    response = client.get(reverse("content:faq-category", args=["payments"]))
    assert response.status_code == 200
    assert f'<details class="faq-item" id="q-{shown.pk}"' in response.text
    assert "<summary>How do I pay?</summary>" in response.text
    assert "Not yet?" not in response.text


def test_unpublished_or_unknown_content_is_not_found(client):
    FaqCategoryFactory(slug="hidden", is_published=False)
    PageFactory(slug="draft", is_published=False)
    assert client.get("/help/hidden/").status_code == 404
    assert client.get("/help/no-such-topic/").status_code == 404
    assert client.get("/pages/draft/").status_code == 404
    assert client.get("/pages/no-such-page/").status_code == 404
    assert client.get("/pages/%E2%98%83/").status_code == 404


def test_spanish_visitors_read_spanish_text(client):
    category = FaqCategoryFactory(slug="billing", name="Your bill", name_es="Su factura")
    FaqQuestionFactory(category=category, question="Why?", question_es="¿Por qué?")
    response = client.get("/help/billing/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Su factura" in response.text
    assert "¿Por qué?" in response.text
    assert "¿Le resultó útil?" in response.text
    assert "Centro de ayuda" in response.text


def test_feedback_counts_once_per_visitor_and_returns_to_the_answer(client):
    question = FaqQuestionFactory()
    url = reverse("content:faq-feedback", args=[question.pk])
    response = client.post(url, {"helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?open={question.pk}#q-{question.pk}")
    client.post(url, {"helpful": "yes"})  # a reload does not count again
    Client().post(url, {"helpful": "no"})  # another visitor does
    question.refresh_from_db()
    assert (question.helpful_yes, question.helpful_no) == (1, 1)
    page = client.get(response["Location"])
    assert "Thank you for your feedback." in page.text


def test_feedback_rejects_bad_input_without_counting(client):
    question = FaqQuestionFactory()
    url = reverse("content:faq-feedback", args=[question.pk])
    assert client.post(url, {"helpful": "maybe"}).status_code == 302
    assert client.get(url).status_code == 405
    assert client.post("/help/questions/999999/feedback/", {"helpful": "yes"}).status_code == 404
    hidden = FaqQuestionFactory(is_published=False)
    assert (
        client.post(f"/help/questions/{hidden.pk}/feedback/", {"helpful": "yes"}).status_code == 404
    )
    question.refresh_from_db()
    assert (question.helpful_yes, question.helpful_no) == (0, 0)


def test_feedback_requires_the_csrf_token():
    question = FaqQuestionFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/help/questions/{question.pk}/feedback/", {"helpful": "yes"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.helpful_yes == 0


def test_page_renders_sanitised_markdown(client):
    PageFactory(slug="moving", title="Moving?", body="## Before\n\n<script>x()</script>**Tell us**")
    response = client.get("/pages/moving/")
    assert response.status_code == 200
    assert "<h2>Before</h2>" in response.text
    assert "<strong>Tell us</strong>" in response.text
    assert "<script>x()" not in response.text


def test_footer_lists_pages_chosen_by_staff(client):
    PageFactory(slug="privacy", title="Privacy and your data", show_in_footer=True)
    PageFactory(slug="tips", title="Saving tips", show_in_footer=False)
    text = client.get("/help/").text
    assert 'href="/pages/privacy/"' in text
    assert 'href="/pages/tips/"' not in text
    PageFactory(slug="new", title="New footer page", show_in_footer=True)
    assert 'href="/pages/new/"' in client.get("/help/").text  # cache cleared on save


# --- contact form -----------------------------------------------------------------


def test_anonymous_visitor_sends_a_request_and_sees_the_number(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT, _valid())
    sent = ContactRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("content:contact-sent", args=[sent.number])
    assert sent.user is None
    assert sent.premise is None
    page = client.get(response["Location"])
    assert sent.number in page.text
    assert len(mail.outbox) == 1
    assert sent.number in mail.outbox[0].body


def test_confirmation_page_is_only_for_the_sender(client):
    client.post(CONTACT, _valid())
    sent = ContactRequest.objects.get()
    assert client.get(f"/contact/sent/{sent.number}/").status_code == 200
    assert Client().get(f"/contact/sent/{sent.number}/").status_code == 404
    assert client.get("/contact/sent/CR-0000-000000/").status_code == 404


def test_contact_form_shows_clear_field_errors(client):
    response = client.post(
        CONTACT, _valid(topic="plutonium", name="", email="not-an-email", message="short")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"topic", "name", "email", "message"}
    assert "Enter an e-mail address like name@example.com." in response.text
    assert "at least 10 characters" in response.text
    assert 'aria-invalid="true"' in response.text
    assert not ContactRequest.objects.exists()


def test_contact_form_rejects_a_bad_phone_and_an_overlong_message(client):
    response = client.post(CONTACT, _valid(phone="12", message="x" * 5000))
    assert set(response.context["form"].errors) == {"phone", "message"}
    assert not ContactRequest.objects.exists()


def test_outage_topic_points_to_the_phone(client):
    response = client.get(CONTACT, {"topic": "outage"})
    assert "Emergencies: call, do not write." in response.text
    assert 'href="tel:+18005550134"' in response.text
    assert response.context["form"].initial["topic"] == "outage"


def test_contact_form_requires_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post(CONTACT, _valid()).status_code == 403
    assert not ContactRequest.objects.exists()


def test_submissions_are_rate_limited_per_ip(client, settings):
    settings.CONTENT_CONTACT_RATE_LIMIT = {"requests": 2, "seconds": 3600}
    for _ in range(2):
        assert client.post(CONTACT, _valid()).status_code == 302
    response = client.post(CONTACT, _valid())
    assert response.status_code == 429
    assert "several requests in a short time" in response.text
    # Another browser from the same address is limited too.
    assert Client().post(CONTACT, _valid()).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.9").post(CONTACT, _valid()).status_code == 302
    assert ContactRequest.objects.count() == 3


def test_behind_trusted_proxies_the_forwarded_address_is_limited(settings):
    settings.CONTENT_CONTACT_RATE_LIMIT = {"requests": 1, "seconds": 3600}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Every request reaches the portal from the load balancer's address.
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert first.post(CONTACT, _valid()).status_code == 302
    assert first.post(CONTACT, _valid()).status_code == 429
    assert second.post(CONTACT, _valid()).status_code == 302
    # A forged address ahead of the proxy's own entry changes nothing.
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert forged.post(CONTACT, _valid()).status_code == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(settings):
    settings.CONTENT_CONTACT_RATE_LIMIT = {"requests": 1, "seconds": 3600}
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert first.post(CONTACT, _valid()).status_code == 302
    assert second.post(CONTACT, _valid()).status_code == 429


def test_submissions_are_rate_limited_per_login(settings):
    settings.CONTENT_CONTACT_RATE_LIMIT = {"requests": 1, "seconds": 3600}
    user = UserFactory()
    first, second = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    first.force_login(user)
    second.force_login(user)
    assert first.post(CONTACT, _valid()).status_code == 302
    assert second.post(CONTACT, _valid()).status_code == 429


def test_invalid_submissions_do_not_use_up_the_limit(client, settings):
    settings.CONTENT_CONTACT_RATE_LIMIT = {"requests": 1, "seconds": 3600}
    for _ in range(3):
        assert client.post(CONTACT, _valid(email="bad")).status_code == 200
    assert client.post(CONTACT, _valid()).status_code == 302


def test_signed_in_customer_gets_a_prefilled_form_and_their_premises(client):
    user, customer = customer_with_login()
    user.name = "Sam Customer"
    user.save()
    client.force_login(user)
    response = client.get(CONTACT)
    form = response.context["form"]
    assert form.initial["name"] == "Sam Customer"
    assert form.initial["email"] == user.email
    assert [pk for pk, _label in form.fields["premise"].choices if pk] == [customer.premise.pk]
    assert form.initial["premise"] == customer.premise.pk  # the home they are looking at
    response = client.post(CONTACT, _valid(premise=customer.premise.pk))
    assert response.status_code == 302
    sent = ContactRequest.objects.get()
    assert sent.user == user
    assert sent.premise == customer.premise
    page = client.get(response["Location"])
    assert f'href="/contact/requests/{sent.number}/"' in page.text


def test_a_customer_cannot_choose_another_customers_premise(client):
    _first_user, first = customer_with_login()
    second_user, _second = customer_with_login()
    client.force_login(second_user)
    response = client.post(CONTACT, _valid(premise=first.premise.pk))
    assert response.status_code == 200
    assert "Choose one of your own addresses." in response.text
    assert first.premise.full_address not in response.text
    assert not ContactRequest.objects.exists()


def test_anonymous_visitors_are_not_offered_premises(client):
    customer_with_login()
    response = client.get(CONTACT)
    assert "premise" not in response.context["form"].fields
    client.post(CONTACT, _valid(premise="1"))
    assert ContactRequest.objects.get().premise is None


def test_my_requests_shows_only_the_customers_own(client):
    user = UserFactory()
    other = UserFactory()
    mine = ContactRequestFactory(user=user)
    theirs = ContactRequestFactory(user=other)
    anonymous = ContactRequestFactory()
    client.force_login(user)
    response = client.get(reverse("content:request-list"))
    assert list(response.context["contact_requests"]) == [mine]
    assert mine.number in response.text
    assert theirs.number not in response.text
    assert anonymous.number not in response.text


def test_my_requests_needs_a_login(client):
    response = client.get(reverse("content:request-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_second_customer_cannot_open_the_first_customers_confirmation(client):
    user, _customer = customer_with_login()
    client.force_login(user)
    client.post(CONTACT, _valid())
    sent = ContactRequest.objects.get()
    other = Client()
    other.force_login(UserFactory())
    assert other.get(f"/contact/sent/{sent.number}/").status_code == 404
    assert sent.number not in other.get(reverse("content:request-list")).text


# --- navigation and site map ------------------------------------------------------


def test_help_is_in_the_main_navigation_and_footer(client):
    text = client.get("/").text
    assert 'href="/help/"' in text
    assert 'href="/contact/"' in text
    assert 'href="/sitemap/"' in text


def test_site_map_page_and_xml(client):
    FaqCategoryFactory(slug="billing", name="Your bill")
    FaqQuestionFactory(category=FaqCategoryFactory(slug="billing"))
    PageFactory(slug="moving", title="Moving?")
    PageFactory(slug="draft", title="Draft page", is_published=False)
    FaqCategoryFactory(slug="hidden", is_published=False)
    page = client.get("/sitemap/")
    assert page.status_code == 200
    assert 'href="/help/billing/"' in page.text
    assert 'href="/pages/moving/"' in page.text
    assert "Draft page" not in page.text
    xml = client.get("/sitemap.xml")
    assert xml.status_code == 200
    body = xml.content.decode()
    assert "/help/billing/</loc>" in body
    assert "/pages/moving/</loc>" in body
    assert "/programs/</loc>" in body
    assert "/help/</loc>" in body
    assert "/pages/draft/" not in body
    assert "/help/hidden/" not in body


def test_contact_form_links_the_privacy_page_only_when_published(client):
    assert 'href="/pages/privacy/"' not in client.get(CONTACT).text
    PageFactory(slug="privacy", title="Privacy and your data")
    assert 'href="/pages/privacy/"' in client.get(CONTACT).text


def test_search_explains_what_is_wrong_with_the_query(client):
    response = client.get(reverse("content:help"), {"q": "x" * 101})
    assert "Please use at most 100 characters." in response.text
    response = client.get(reverse("content:help"), {"q": "gas\x00"})
    assert response.status_code == 200
    assert 'id="q-error"' in response.text


def test_a_customer_opens_their_own_request_with_its_timeline_but_no_internal_notes(client):
    from content.services import contact_request_transition

    user = UserFactory()
    mine = ContactRequestFactory(user=user, message="Please check my meter.")
    mine.staff_notes = "Customer sounded upset"
    mine.save()
    contact_request_transition(request=mine, to_status="in_progress", note="Internal only")
    theirs = ContactRequestFactory(user=UserFactory())
    client.force_login(user)
    response = client.get(f"/contact/requests/{mine.number}/")
    assert response.status_code == 200
    assert "Please check my meter." in response.text
    assert "In progress" in response.text
    assert "Internal only" not in response.text
    assert "Customer sounded upset" not in response.text
    assert client.get(f"/contact/requests/{theirs.number}/").status_code == 404
    assert client.get("/contact/requests/CR-nope/").status_code == 404


def test_site_map_lists_the_account_pages_for_a_signed_in_customer(client):
    user, _customer = customer_with_login()

    def urls():
        return {item["url"] for item in client.get("/sitemap/").context["sections"]}

    assert "/contact/requests/" not in urls()
    assert "/help/" in urls()
    client.force_login(user)
    assert {"/contact/requests/", "/profile/", "/help/"} <= urls()


def test_the_home_chosen_in_the_switcher_is_preselected(client):
    from billing.selectors import SESSION_CUSTOMER_KEY

    user, first = customer_with_login()
    _user, second = customer_with_login(user=user)
    client.force_login(user)
    session = client.session
    session[SESSION_CUSTOMER_KEY] = second.pk
    session.save()
    form = client.get(CONTACT).context["form"]
    assert form.initial["premise"] == second.premise.pk
    choices = {pk for pk, _label in form.fields["premise"].choices if pk}
    assert choices == {first.premise.pk, second.premise.pk}


def test_pages_render_when_the_footer_cannot_be_read(client, monkeypatch):
    from django.db import DatabaseError

    def broken():
        raise DatabaseError("no such table")

    monkeypatch.setattr("content.templatetags.content_tags.page_list_footer", broken)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'href="/help/"' in response.text
