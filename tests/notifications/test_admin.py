"""Staff see the delivery log, opt-outs and templates; they cannot undo an
opt-out."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from notifications.models import ChannelOptOut, MessageTemplate
from tests.factories import ChannelOptOutFactory, MessageFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_opt_outs_cannot_be_changed_or_deleted_even_by_a_superuser(admin_client):
    opt_out = ChannelOptOutFactory()
    change = reverse("admin:notifications_channeloptout_change", args=[opt_out.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client.post(change, {"note": "undo"}).status_code == 403
    delete = reverse("admin:notifications_channeloptout_delete", args=[opt_out.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:notifications_channeloptout_changelist")
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [opt_out.pk], "post": "yes"}
    )
    assert ChannelOptOut.objects.filter(pk=opt_out.pk).exists()
    assert response.status_code in (200, 302)


def test_staff_can_record_an_opt_out_for_a_customer(admin_client):
    response = admin_client.post(
        reverse("admin:notifications_channeloptout_add"),
        {
            "channel": "voice",
            "recipient_key": "customer:77",
            "address": "",
            "source": "staff",
            "note": "asked on the phone",
        },
    )
    assert response.status_code == 302
    assert ChannelOptOut.objects.get().recipient_key == "customer:77"


def test_the_message_log_filters_by_status_and_channel(admin_client):
    MessageFactory(channel="sms", status="failed", reason="invalid number")
    MessageFactory(channel="email", status="sent")
    url = reverse("admin:notifications_message_changelist")
    response = admin_client.get(url, {"status__exact": "failed", "channel__exact": "sms"})
    assert response.status_code == 200
    assert "invalid number" in response.text
    assert response.context["cl"].result_count == 1


def test_customer_service_can_read_the_log_but_not_edit_templates(client):
    agent = StaffUserFactory()
    agent.groups.add(Group.objects.get(name="Customer service"))
    client.force_login(agent)
    assert client.get(reverse("admin:notifications_message_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_messagetemplate_add")).status_code == 403


def test_an_override_starts_from_the_shipped_default_and_previews(admin_client):
    add = reverse("admin:notifications_messagetemplate_add")
    page = admin_client.get(add, {"topic": "ptr.pre_event", "channel": "sms", "language": "es"})
    assert "Evento pico" in page.text
    response = admin_client.post(
        add,
        {
            "topic": "ptr.pre_event",
            "channel": "sms",
            "language": "en",
            "active": "on",
            "subject": "",
            "body_text": "{{ utility.name }}: " + "x" * 150,
            "body_html": "",
        },
    )
    assert response.status_code == 200
    assert "at most 160 characters" in response.text
    response = admin_client.post(
        add,
        {
            "topic": "ptr.pre_event",
            "channel": "sms",
            "language": "en",
            "active": "on",
            "subject": "",
            "body_text": "{{ utility.name }}: peak {{ event_date }}",
            "body_html": "",
        },
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    change = admin_client.get(
        reverse("admin:notifications_messagetemplate_change", args=[template.pk])
    )
    assert "Prairie Valley Energy: peak Tuesday, July 14" in change.text


def test_every_template_can_be_previewed_with_sample_data(admin_client):
    response = admin_client.get(reverse("admin:notifications_messagetemplate_defaults"))
    assert response.status_code == 200
    assert response.text.count("<tr>") > 60
    assert "To stop these calls, press 9 now." in response.text
    assert "oprima 9" in response.text


def test_html_parts_are_previewed_in_a_locked_down_frame(admin_client, client):
    message = MessageFactory(channel="email", body_html="<p>Peak <strong>day</strong></p>")
    change = admin_client.get(reverse("admin:notifications_message_change", args=[message.pk]))
    html_url = reverse("admin:notifications_message_html", args=[message.pk])
    assert f'src="{html_url}"' in change.text
    assert 'sandbox=""' in change.text
    response = admin_client.get(html_url)
    assert response.status_code == 200
    assert "<p>Peak <strong>day</strong></p>" in response.text
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    default = admin_client.get(
        reverse("admin:notifications_messagetemplate_default_html", args=["ptr.pre_event", "es"])
    )
    assert "Formas de ahorrar durante el evento" in default.text
    client.force_login(StaffUserFactory())
    assert client.get(html_url).status_code == 403
