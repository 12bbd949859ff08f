"""A placed order and each status change reach the customer (locmem outbox).

Needs the notifications app (issue 5); until it is merged this module is
skipped, after the merge it runs everywhere (the `outbox` fixture comes with
the notifications app's tests/conftest.py).
"""

import pytest

pytest.importorskip("notifications.services", reason="the notifications app is not merged yet")

from enrollment import workflow
from enrollment.models import Cart, Status
from enrollment.services import (
    cart_add,
    enrollment_leave,
    enrollment_transition,
    order_place,
)
from notifications.services import contact_point_upsert
from tests.factories import ProductFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_confirmation_and_every_status_change_are_sent(outbox):
    user, customer = customer_with_login(email="ana@example.com", first_name="Ana")
    contact_point_upsert(
        recipient_key=f"customer:{customer.pk}",
        channel="email",
        address=customer.email,
        verified=True,
        source="billing",
    )
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, product=ProductFactory(name="Green Power", fulfilment="staff_review"))
    order = order_place(cart=cart, customer=customer, user=user, terms_accepted=True)
    line = order.enrollments.get()
    enrollment_transition(enrollment=line, to_status=Status.APPROVED, actor=workflow.STAFF)
    enrollment_transition(enrollment=line, to_status=Status.ACTIVE, actor=workflow.STAFF)
    enrollment_leave(enrollment=line, user=user)

    assert [(m.topic, m.address) for m in outbox] == [
        ("order.confirmation", "ana@example.com"),
        ("enrollment.status", "ana@example.com"),
        ("enrollment.status", "ana@example.com"),
        ("enrollment.status", "ana@example.com"),
    ]
    confirmation, approved, active, withdrawn = outbox
    assert order.number in confirmation.subject
    assert "Green Power (Submitted)" in confirmation.body_text
    assert "Hello Ana" in confirmation.body_text
    assert approved.subject == "Green Power: your enrollment is now Approved"
    assert "now: Active" in active.body_text
    assert "Withdrawn" in withdrawn.subject
    assert order.get_absolute_url() in withdrawn.body_text


def test_a_repeated_notice_is_sent_once(outbox):
    from enrollment import notices

    user, customer = customer_with_login(email="bo@example.com")
    contact_point_upsert(
        recipient_key=f"customer:{customer.pk}", channel="email", address=customer.email,
        verified=True, source="billing",
    )  # fmt: skip
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, product=ProductFactory(fulfilment="staff_review"))
    order = order_place(cart=cart, customer=customer, user=user, terms_accepted=True)
    notices.notice_send(notices.order_notice(order=order))
    assert [m.topic for m in outbox] == ["order.confirmation"]
