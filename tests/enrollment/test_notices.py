import pytest

from enrollment import notices, workflow
from enrollment.models import Cart, Status
from enrollment.services import cart_add, enrollment_transition, order_place
from tests.factories import ProductFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    user, customer = customer_with_login(language="es", first_name="Ana")
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, product=ProductFactory(name="Green Power", fulfilment="staff_review"))
    return order_place(cart=cart, customer=customer, user=user, terms_accepted=True)


def test_order_notice_addresses_the_customer_in_their_language(order):
    notice = notices.order_notice(order=order)
    assert notice.recipient_key == f"customer:{order.customer.pk}"
    assert notice.language == "es"
    assert notice.name == "Ana"
    assert notice.topic == "order.confirmation"
    assert notice.idempotency_key == f"enrollment-order:{order.number}"
    assert notice.context["order_number"] == order.number
    assert notice.context["lines"] == [
        {"program": "Green Power", "status": "Enviado", "needs_staff": True}
    ]
    assert notice.context["account"].startswith("•••")
    assert notice.context["items"] == "Green Power (Enviado)"
    assert notice.context["order_url"].endswith(order.get_absolute_url())


def test_status_notice_is_one_per_change(order):
    line = order.enrollments.get()
    change = enrollment_transition(
        enrollment=line, to_status=Status.UNDER_REVIEW, actor=workflow.STAFF, note="We are on it"
    )
    notice = notices.status_notice(change=change)
    assert notice.topic == "enrollment.status"
    assert notice.idempotency_key == f"enrollment-status:{change.pk}"
    assert notice.context["status_code"] == "under_review"
    assert notice.context["status"] == "En revisión"
    assert notice.context["note"] == "We are on it"
    assert notice.context["program"] == "Green Power"


def test_context_is_json_serialisable(order):
    import json

    json.dumps(notices.order_notice(order=order).context)


def test_notice_send_hands_over_to_notifications_or_logs_without_it(order, caplog):
    from django.apps import apps

    notice = notices.order_notice(order=order)
    if apps.is_installed("notifications"):
        assert notices.notice_send(notice) is not None
        return
    with caplog.at_level("INFO"):
        assert notices.notice_send(notice) is None
    assert "notice not sent" in caplog.text
