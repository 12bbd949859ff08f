"""The customer's preference page, channel opt-out and e-mail unsubscribe."""

import json

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import ChannelOptOut, ContactPoint, TopicPreference
from notifications.topics import BILL_READY, PTR_PRE_EVENT
from tests.factories import AccountFactory, CustomerAccessFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/notifications/preferences/"


@pytest.fixture
def customer_client(client):
    user = UserFactory()
    customer = AccountFactory(
        customer__email="pat@example.com", customer__phone="312-555-0123"
    ).customer
    CustomerAccessFactory(user=user, customer=customer)
    client.force_login(user)
    client.user = user
    client.customer = customer
    client.key = f"customer:{customer.pk}"
    return client


def test_the_page_lists_channels_topics_and_the_contacts_on_file(customer_client):
    response = customer_client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert "pat@example.com" in response.text
    assert "(312) 555-0123" in response.text
    assert "Peak Time Rebate event alerts" in response.text
    assert 'name="pref:ptr.pre_event:email" checked' in response.text
    assert set(
        ContactPoint.objects.filter(recipient_key=customer_client.key).values_list(
            "channel", "verified"
        )
    ) == {("email", False), ("sms", False), ("voice", False)}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_login_without_an_account_sees_an_explanation(client):
    client.force_login(UserFactory())
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert "Link a utility account" in response.text


def test_saving_topic_choices(customer_client):
    response = customer_client.post(
        reverse("notifications:preferences"),
        {"pref:ptr.pre_event:sms": "on", "pref:billing.bill_ready:email": "on"},
    )
    assert response.status_code == 302
    prefs = dict(
        TopicPreference.objects.filter(recipient_key=customer_client.key)
        .values_list("topic", "enabled")
        .filter(channel="email")
    )
    assert prefs[PTR_PRE_EVENT] is False  # unticked default
    assert BILL_READY not in prefs  # unchanged default stays implicit


def test_adding_a_mobile_number_texts_the_yes_request(
    customer_client, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("notifications:contact-add", args=["sms"]),
            {"address": "(312) 555-0188"},
            follow=True,
        )
    assert "Reply YES" in response.text
    assert [m.address for m in outbox] == ["+13125550188"]


def test_an_invalid_number_is_explained_not_a_500(customer_client):
    response = customer_client.post(
        reverse("notifications:contact-add", args=["sms"]), {"address": "12"}, follow=True
    )
    assert response.status_code == 200
    assert "valid phone number" in response.text
    response = customer_client.post(
        reverse("notifications:contact-add", args=["fax"]), {"address": "1"}
    )
    assert response.status_code == 404


def test_channel_opt_out_asks_for_confirmation_and_is_permanent(customer_client):
    url = reverse("notifications:channel-opt-out", args=["sms"])
    page = customer_client.get(url)
    assert "This cannot be undone." in page.text
    refused = customer_client.post(url, {})
    assert refused.status_code == 400
    assert not ChannelOptOut.objects.exists()
    done = customer_client.post(url, {"confirm": "on"}, follow=True)
    assert "You will not get any more text messages from us." in done.text
    assert "Opted out permanently" in done.text
    assert ChannelOptOut.objects.filter(
        recipient_key=customer_client.key, channel="sms", source="portal"
    ).exists()
    # No way back: no add form for texts, enabling is refused.
    assert reverse("notifications:contact-add", args=["sms"]) not in done.text
    response = customer_client.post(
        reverse("notifications:contact-add", args=["sms"]),
        {"address": "312-555-0199"},
        follow=True,
    )
    assert "cannot be turned back on" in response.text
    customer_client.post(reverse("notifications:preferences"), {"pref:ptr.pre_event:sms": "on"})
    assert not TopicPreference.objects.filter(channel="sms", enabled=True).exists()


def test_a_customer_cannot_remove_someone_elses_contact_point(customer_client):
    other = ContactPoint.objects.create(
        recipient_key="customer:999999", channel="email", address="other@example.com"
    )
    response = customer_client.post(reverse("notifications:contact-remove", args=[other.pk]))
    assert response.status_code == 404
    response = customer_client.post(
        reverse("notifications:sms-confirmation-resend", args=[other.pk])
    )
    assert response.status_code == 404
    assert ContactPoint.objects.filter(pk=other.pk).exists()


def test_push_subscription(customer_client):
    url = reverse("notifications:push-subscribe")
    subscription = {
        "endpoint": "https://push.example.net/send/abc",
        "keys": {"p256dh": "BNc...", "auth": "tBH..."},
    }
    response = customer_client.post(url, json.dumps(subscription), content_type="application/json")
    assert response.status_code == 201
    contact = ContactPoint.objects.get(channel="push")
    assert contact.verified is True
    assert contact.push_keys == {"p256dh": "BNc...", "auth": "tBH..."}
    assert customer_client.post(url, "nope", content_type="application/json").status_code == 400
    bad = customer_client.post(
        url, json.dumps({"endpoint": "http://x"}), content_type="application/json"
    )
    assert bad.status_code == 400


def test_the_push_button_is_offered_when_vapid_is_configured(customer_client, settings):
    settings.NOTIFICATIONS_VAPID = {"PUBLIC_KEY": "BPublicKey", "PRIVATE_KEY": "x", "SUBJECT": ""}
    response = customer_client.get(reverse("notifications:preferences"))
    assert 'id="push-subscribe"' in response.text
    assert 'data-vapid-key="BPublicKey"' in response.text
    assert "js/notifications-push.js" in response.text


def _token(key="customer:5", topic=PTR_PRE_EVENT):
    return services.unsubscribe_token(recipient_key=key, topic=topic, address="a@example.com")


def test_one_click_unsubscribe_turns_the_topic_off(client):
    url = reverse("notifications:unsubscribe", args=[_token()])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    pref = TopicPreference.objects.get(recipient_key="customer:5", channel="email")
    assert (pref.topic, pref.enabled) == (PTR_PRE_EVENT, False)
    assert not ChannelOptOut.objects.exists()


def test_the_unsubscribe_page_offers_topic_or_permanent_stop(client):
    url = reverse("notifications:unsubscribe", args=[_token()])
    page = client.get(url)
    assert page.status_code == 200
    assert "Unsubscribe from these e-mails" in page.text
    assert "Stop all e-mail" in page.text
    unconfirmed = client.post(url, {"scope": "channel"})
    assert unconfirmed.status_code == 400
    assert not ChannelOptOut.objects.exists()
    done = client.post(url, {"scope": "channel", "confirm": "on"})
    assert "This cannot be undone." in done.text
    assert ChannelOptOut.objects.filter(recipient_key="customer:5", channel="email").exists()


def test_a_tampered_unsubscribe_link_is_a_404(client):
    response = client.get(reverse("notifications:unsubscribe", args=["x" + _token()]))
    assert response.status_code == 404
    assert "not valid" in response.text


def test_notifications_is_in_the_navigation_for_customers(customer_client):
    response = customer_client.get("/")
    assert reverse("notifications:preferences") in response.text


def test_the_page_is_translated_to_spanish(customer_client):
    # A signed-in customer sees the language of their profile.
    customer_client.user.language = "es"
    customer_client.user.save()
    response = customer_client.get(reverse("notifications:preferences"))
    assert "Cómo nos comunicamos con usted" in response.text
    assert "Alertas de eventos de Reembolso en Horas Pico" in response.text
