import pytest

from enrollment.fulfilment import (
    FulfilmentError,
    FulfilmentOutcome,
    GenericFulfilment,
    fulfilment_handler,
    fulfilment_kinds,
    register_fulfilment,
    unregister_fulfilment,
)
from enrollment.models import Cart, Status
from enrollment.services import cart_add, enrollment_leave, order_place
from tests.factories import ProductFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


class RecordingHandler:
    """Stands in for rebates' PTR handler: records what it was asked."""

    def __init__(self, outcome=None, error=None):
        self.calls = []
        self.outcome = outcome or FulfilmentOutcome(activate=True, reference="PTR-42")
        self.error = error

    def start(self, request):
        self.calls.append(("start", request))
        if self.error:
            raise FulfilmentError(self.error)
        return self.outcome

    def activated(self, request):
        self.calls.append(("activated", request))

    def ended(self, request):
        self.calls.append(("ended", request))


@pytest.fixture
def ptr_handler():
    handler = RecordingHandler()
    register_fulfilment("ptr", handler)
    yield handler
    unregister_fulfilment("ptr")


def _order(product):
    user, customer = customer_with_login()
    cart = Cart.objects.create(user=user)
    cart_add(cart=cart, product=product)
    return order_place(cart=cart, customer=customer, user=user, terms_accepted=True)


def test_settings_map_the_generic_kinds_to_handlers():
    assert {"generic", "rate_change", "paperless_billing", "autopay"} <= set(fulfilment_kinds())
    assert isinstance(fulfilment_handler("generic"), GenericFulfilment)
    assert fulfilment_handler("no-such-kind") is None


def test_a_registered_handler_is_called_with_the_customer_and_params(ptr_handler):
    product = ProductFactory(kind="ptr", handler_params={"program": "PTR"})
    line = _order(product).enrollments.get()
    kind, request = ptr_handler.calls[0]
    assert kind == "start"
    assert request.customer == line.customer
    assert request.premise == line.premise
    assert request.params == {"program": "PTR"}
    assert request.enrollment_id == line.pk
    assert [c[0] for c in ptr_handler.calls] == ["start", "activated"]
    assert line.status == Status.ACTIVE
    assert line.external_reference == "PTR-42"
    enrollment_leave(enrollment=line, user=line.order.user)
    assert ptr_handler.calls[-1][0] == "ended"


def test_a_handler_error_rejects_the_line_with_its_message():
    register_fulfilment("ptr", RecordingHandler(error="Not in the PTR territory."))
    try:
        line = _order(ProductFactory(kind="ptr")).enrollments.get()
    finally:
        unregister_fulfilment("ptr")
    line.refresh_from_db()
    assert line.status == Status.REJECTED
    assert line.history.last().note == "Not in the PTR territory."


def test_a_kind_without_a_handler_waits_for_staff_review():
    # "ptr" has a handler now (rebates); any kind without one behaves the same.
    line = _order(ProductFactory(kind="solar_lease", fulfilment="instant")).enrollments.get()
    assert line.status == Status.SUBMITTED
    assert line.service_order.kind == "review"
    assert "No handler" in line.service_order.notes


def test_rate_change_always_goes_to_staff_with_the_rate_noted():
    product = ProductFactory(kind="rate_change", handler_params={"rate_code": "RES-TOU"})
    line = _order(product).enrollments.get()
    assert line.status == Status.SUBMITTED
    assert line.service_order.notes == "Switch to rate RES-TOU"


def test_a_handler_in_a_lower_app_may_return_any_object_and_raise_validation_error():
    from types import SimpleNamespace

    from django.core.exceptions import ValidationError

    class LowerAppHandler:
        def __init__(self, fail):
            self.fail = fail

        def start(self, request):
            if self.fail:
                raise ValidationError("This address is outside the program area.")
            return SimpleNamespace(activate=True, review=False, reference=77, note="")

    register_fulfilment("ptr", LowerAppHandler(fail=False))
    try:
        ok = _order(ProductFactory(kind="ptr")).enrollments.get()
        register_fulfilment("ptr", LowerAppHandler(fail=True))
        refused = _order(ProductFactory(kind="ptr")).enrollments.get()
    finally:
        unregister_fulfilment("ptr")
    assert ok.status == Status.ACTIVE
    assert ok.external_reference == "77"
    refused.refresh_from_db()
    assert refused.status == Status.REJECTED
    assert refused.history.last().note == "This address is outside the program area."
