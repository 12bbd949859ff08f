"""contact_points_upsert_bulk(): addresses on file registered set-based,
never past an opt-out."""

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import ChannelOptOut, ContactPoint
from notifications.services import ContactPointRow, contact_points_upsert_bulk

pytestmark = pytest.mark.django_db


def rows_for(pk, email="pat@Example.COM", phone="(217) 555-0100"):
    key = f"customer:{pk}"
    return [
        ContactPointRow(key, "email", email, "billing"),
        ContactPointRow(key, "sms", phone, "billing"),
        ContactPointRow(key, "voice", phone, "billing"),
    ]


def stored():
    return set(ContactPoint.objects.values_list("recipient_key", "channel", "address", "verified"))


def test_rows_are_normalized_and_created_unverified():
    result = contact_points_upsert_bulk(rows=rows_for(1))
    assert (result.rows, result.created, result.existing) == (3, 3, 0)
    assert stored() == {
        ("customer:1", "email", "pat@example.com", False),
        ("customer:1", "sms", "+12175550100", False),
        ("customer:1", "voice", "+12175550100", False),
    }
    assert set(ContactPoint.objects.values_list("source", flat=True)) == {"billing"}


def test_idempotent_and_keeps_verified_state():
    contact_points_upsert_bulk(rows=rows_for(1))
    ContactPoint.objects.filter(channel="sms").update(verified=True, verified_at=timezone.now())
    result = contact_points_upsert_bulk(rows=rows_for(1) + rows_for(1))
    assert (result.created, result.existing) == (0, 3)
    assert ContactPoint.objects.count() == 3
    assert ContactPoint.objects.get(channel="sms").verified  # a YES is never undone


def test_malformed_and_blank_addresses_are_skipped_and_counted():
    rows = [
        *rows_for(1, email="not-an-e-mail", phone="555"),
        ContactPointRow("customer:2", "email", "", "billing"),
        ContactPointRow("customer:2", "sms", "   ", "billing"),
        ContactPointRow("customer:2", "push", "https://push.example/x", "billing"),
        ContactPointRow("customer:3", "email", "ok@example.com", "billing"),
    ]
    result = contact_points_upsert_bulk(rows=rows)
    assert (result.rows, result.invalid, result.blank, result.created) == (7, 4, 2, 1)
    assert stored() == {("customer:3", "email", "ok@example.com", False)}


def test_a_recipient_opted_out_of_a_channel_gets_nothing_new_on_it():
    services.channel_opt_out(recipient_key="customer:1", channel="sms", source="portal")
    services.channel_opt_out(recipient_key="customer:1", channel="email", source="portal")
    result = contact_points_upsert_bulk(rows=rows_for(1) + rows_for(2))
    assert (result.opted_out, result.created) == (2, 4)
    assert {(k, c) for k, c, _a, _v in stored()} == {
        ("customer:1", "voice"),
        ("customer:2", "email"),
        ("customer:2", "sms"),
        ("customer:2", "voice"),
    }


def test_an_address_that_said_stop_is_never_registered_again_for_anyone():
    contact_points_upsert_bulk(rows=rows_for(1))
    services.inbound_sms_handle(from_number="+12175550100", body="STOP")
    # The owner is opted out of texts; the number too, for any recipient.
    result = contact_points_upsert_bulk(rows=rows_for(1) + rows_for(2, email="b@example.com"))
    assert result.opted_out == 2  # customer 1's and customer 2's texts
    assert not ContactPoint.objects.filter(recipient_key="customer:2", channel="sms").exists()
    assert ContactPoint.objects.filter(recipient_key="customer:2", channel="voice").exists()
    assert ChannelOptOut.objects.filter(channel="sms").count() == 2  # nothing re-enabled


def test_a_few_queries_whatever_the_count(django_assert_max_num_queries):
    rows = [row for pk in range(1, 1001) for row in rows_for(pk, email=f"c{pk}@example.com")]
    # Opt-outs by recipient and by address, then the insert (SQLite: counts
    # around each batched bulk_create, in a transaction).
    with django_assert_max_num_queries(20):
        result = contact_points_upsert_bulk(rows=rows)
    assert result.created == 3000
    with django_assert_max_num_queries(20):
        assert contact_points_upsert_bulk(rows=rows).existing == 3000


def test_re_registering_draws_no_ids():
    # Every page view and every import re-registers what is on file; rows
    # that exist must not burn sequence values through ON CONFLICT.
    contact_points_upsert_bulk(rows=rows_for(1))
    last = ContactPoint.objects.order_by("-pk").values_list("pk", flat=True).first()
    for _ in range(3):
        contact_points_upsert_bulk(rows=rows_for(1))
    contact_points_upsert_bulk(rows=rows_for(2, email="kim@example.com"))
    new = sorted(
        ContactPoint.objects.filter(recipient_key="customer:2").values_list("pk", flat=True)
    )
    assert new == [last + 1, last + 2, last + 3]
