"""manage.py contact_points_register: every customer on file, in batches, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from notifications.models import ContactPoint
from notifications.services import channel_opt_out
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("contact_points_register", "--batch-size", "2", stdout=out)
    return out.getvalue()


def test_every_customer_is_registered_once_and_opt_outs_hold():
    customers = [
        CustomerFactory(email=f"c{i}@example.com", phone=f"(217) 555-010{i}") for i in range(3)
    ]
    channel_opt_out(recipient_key=f"customer:{customers[0].pk}", channel="email", source="web")

    output = run()

    assert "created=8" in output  # 3 × (e-mail, text, call), less one opted-out e-mail
    assert "opted_out=1" in output
    assert not ContactPoint.objects.filter(
        recipient_key=f"customer:{customers[0].pk}", channel="email"
    ).exists()
    assert ContactPoint.objects.filter(
        recipient_key=f"customer:{customers[2].pk}", channel="sms", verified=False
    ).exists()
    assert "created=0" in run()
    assert ContactPoint.objects.count() == 8
