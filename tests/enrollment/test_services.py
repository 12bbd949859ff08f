import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from catalog.models import BundleAddition
from enrollment import services, workflow
from enrollment.models import (
    Cart,
    CartStatus,
    Enrollment,
    EnrollmentStatusChange,
    Order,
    ServiceOrder,
    ServiceOrderStatus,
    Status,
)
from enrollment.services import (
    TransitionError,
    cart_add,
    cart_get,
    cart_line_remove,
    cart_merge,
    enrollment_leave,
    enrollment_transition,
    order_place,
)
from tests.factories import (
    BundleFactory,
    EligibilityRuleFactory,
    ProductFactory,
    ProductRelationFactory,
    UserFactory,
)
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def _request(user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    return request


def _cart_with(user, *items):
    cart = Cart.objects.create(user=user)
    for item in items:
        kwargs = {"bundle": item} if item._meta.model_name == "bundle" else {"product": item}
        assert cart_add(cart=cart, **kwargs).added
    return cart


@pytest.fixture
def notices_sent(monkeypatch):
    sent = []
    monkeypatch.setattr(services.notices, "notice_send", sent.append)
    return sent


def test_anonymous_cart_lives_in_the_session_token():
    request = _request()
    assert cart_get(request=request) is None
    cart = cart_get(request=request, create=True)
    assert cart.user is None
    assert cart.token == request.session[services.SESSION_CART_TOKEN]
    assert cart_get(request=request) == cart


def test_cart_add_refuses_duplicates_unpublished_and_conflicts():
    cart = Cart.objects.create(user=UserFactory())
    tou = ProductFactory(name="TOU", exclusive_group="electric-rate")
    standard = ProductFactory(name="Standard", exclusive_group="electric-rate")
    draft = ProductFactory(publish_at=None)
    assert cart_add(cart=cart, product=tou).added is True
    assert cart_add(cart=cart, product=tou).message == "TOU is already in your cart."
    refused = cart_add(cart=cart, product=standard)
    assert refused.added is False
    assert "cannot be combined" in refused.message
    assert cart_add(cart=cart, product=draft).added is False
    assert cart.lines.count() == 1


def test_cart_add_refuses_a_product_already_in_a_bundle_and_bundle_denials():
    paperless, standard = ProductFactory(name="Paperless"), ProductFactory(name="Standard")
    bundle = BundleFactory(name="Low income", products=[paperless])
    BundleAddition.objects.create(bundle=bundle, product=standard, effect="deny")
    cart = _cart_with(UserFactory(), bundle)
    assert cart_add(cart=cart, product=paperless).message == (
        "Paperless is already included in Low income."
    )
    denied = cart_add(cart=cart, product=standard)
    assert denied.added is False
    assert denied.message == "Standard cannot be added to Low income."


def test_cart_add_accepts_a_product_that_requires_another_and_the_cart_shows_it():
    paperless, autopay = ProductFactory(), ProductFactory()
    ProductRelationFactory(from_product=autopay, to_product=paperless, kind="requires")
    cart = _cart_with(UserFactory(), autopay)
    assert cart.lines.count() == 1


def test_cart_line_remove_only_removes_lines_of_that_cart():
    mine = _cart_with(UserFactory(), ProductFactory())
    theirs = _cart_with(UserFactory(), ProductFactory())
    assert cart_line_remove(cart=mine, line_id=theirs.lines.get().pk) is None
    assert theirs.lines.count() == 1
    assert cart_line_remove(cart=mine, line_id=mine.lines.get().pk) is not None
    assert mine.lines.count() == 0


def test_merge_adopts_the_anonymous_cart_when_the_login_has_none():
    user = UserFactory()
    anonymous = Cart.objects.create(token="t1")
    cart_add(cart=anonymous, product=ProductFactory(name="Green Power"))
    notes = cart_merge(source=anonymous, user=user)
    anonymous.refresh_from_db()
    assert anonymous.user == user
    assert anonymous.token == ""
    assert notes == ["The programs you chose are now saved to your account: Green Power."]


def test_merge_combines_carts_new_choice_wins_and_every_change_is_noted():
    user = UserFactory()
    shared = ProductFactory(name="Paperless")
    old_rate = ProductFactory(name="Standard", exclusive_group="electric-rate")
    kept = ProductFactory(name="Budget billing")
    saved = _cart_with(user, shared, old_rate, kept)
    new_rate = ProductFactory(name="TOU", exclusive_group="electric-rate")
    anonymous = Cart.objects.create(token="t2")
    for product in (shared, new_rate):
        cart_add(cart=anonymous, product=product)

    notes = cart_merge(source=anonymous, user=user)

    names = set(saved.lines.values_list("product__name", flat=True))
    assert names == {"Paperless", "TOU", "Budget billing"}
    text = " ".join(notes)
    assert "Paperless was already in your saved cart." in text
    assert "Standard was removed from your saved cart" in text
    assert "TOU was added from this visit." in text
    assert "Budget billing is still in your cart from before." in text
    assert "Paperless is still in your cart" not in text
    anonymous.refresh_from_db()
    assert anonymous.status == CartStatus.MERGED
    assert anonymous.lines.count() == 0


def test_order_place_instant_program_goes_active_and_staff_work_gets_service_orders(
    notices_sent,
):
    user, customer = customer_with_login()
    instant = ProductFactory(name="Paperless", fulfilment="instant")
    review = ProductFactory(name="Thermostat rebate", fulfilment="staff_review")
    visit = ProductFactory(name="Assessment", fulfilment="field_work")
    cart = _cart_with(user, instant, review, visit)

    order = order_place(cart=cart, customer=customer, user=user, terms_accepted=True)

    assert order.number.startswith("EN-")
    assert len(order.number) == len("EN-XXXX-XXXX")
    lines = {e.product.name: e for e in order.enrollments.all()}
    assert lines["Paperless"].status == Status.ACTIVE
    assert lines["Thermostat rebate"].status == Status.SUBMITTED
    assert lines["Thermostat rebate"].service_order.kind == "review"
    assert lines["Thermostat rebate"].service_order.number.startswith("SO-")
    assert lines["Assessment"].service_order.number.startswith("WO-")
    assert not ServiceOrder.objects.filter(enrollment=lines["Paperless"]).exists()
    history = list(lines["Paperless"].history.values_list("from_status", "to_status"))
    assert history == [("", "submitted"), ("submitted", "active")]
    cart.refresh_from_db()
    assert cart.status == CartStatus.ORDERED
    topics = [n.topic for n in notices_sent]
    assert topics.count("order.confirmation") == 1
    assert topics.count("enrollment.status") == 1  # the instant activation


def test_order_place_expands_a_bundle_into_one_line_per_program():
    user, customer = customer_with_login()
    bundle = BundleFactory(products=[ProductFactory(), ProductFactory()])
    order = order_place(
        cart=_cart_with(user, bundle), customer=customer, user=user, terms_accepted=True
    )
    assert order.enrollments.count() == 2
    assert set(order.enrollments.values_list("bundle", flat=True)) == {bundle.pk}


def test_order_place_refuses_ineligible_items_with_reasons_and_creates_nothing():
    user, customer = customer_with_login(meter_type="amr")
    product = ProductFactory(name="Peak rebates")
    EligibilityRuleFactory(product=product, rule_type="has_ami_meter")
    with pytest.raises(ValidationError) as caught:
        order_place(
            cart=_cart_with(user, product), customer=customer, user=user, terms_accepted=True
        )
    assert caught.value.messages == ["Peak rebates: It needs a smart meter at this address."]
    assert Order.objects.count() == 0


def test_order_place_needs_terms_and_a_non_empty_cart():
    user, customer = customer_with_login()
    cart = _cart_with(user, ProductFactory())
    with pytest.raises(ValidationError, match="accept the terms"):
        order_place(cart=cart, customer=customer, user=user, terms_accepted=False)
    empty = Cart.objects.create(user=UserFactory())
    with pytest.raises(ValidationError):
        order_place(cart=empty, customer=customer, user=empty.user, terms_accepted=True)


def test_order_place_twice_with_the_same_cart_returns_the_same_order():
    user, customer = customer_with_login()
    cart = _cart_with(user, ProductFactory())
    first = order_place(cart=cart, customer=customer, user=user, terms_accepted=True)
    second = order_place(cart=cart, customer=customer, user=user, terms_accepted=True)
    assert first == second
    assert Enrollment.objects.count() == 1


def test_a_second_cart_for_an_enrolled_program_is_refused():
    user, customer = customer_with_login()
    product = ProductFactory(name="Green power")
    order_place(cart=_cart_with(user, product), customer=customer, user=user, terms_accepted=True)
    with pytest.raises(ValidationError, match="already enrolled"):
        order_place(
            cart=_cart_with(user, product), customer=customer, user=user, terms_accepted=True
        )
    assert Enrollment.objects.count() == 1


def test_transition_follows_the_table_writes_history_and_notifies(notices_sent):
    user, customer = customer_with_login()
    order = order_place(
        cart=_cart_with(user, ProductFactory(fulfilment="staff_review")),
        customer=customer,
        user=user,
        terms_accepted=True,
    )
    line = order.enrollments.get()
    staff = UserFactory(is_staff=True)
    for target in (Status.UNDER_REVIEW, Status.APPROVED, Status.ACTIVE):
        enrollment_transition(enrollment=line, to_status=target, actor=workflow.STAFF, by=staff)
    line.refresh_from_db()
    assert line.status == Status.ACTIVE
    assert line.service_order.status == ServiceOrderStatus.DONE
    assert list(line.history.values_list("to_status", flat=True)) == [
        "submitted",
        "under_review",
        "approved",
        "active",
    ]
    status_notices = [n for n in notices_sent if n.topic == "enrollment.status"]
    assert [n.context["status_code"] for n in status_notices] == [
        "under_review",
        "approved",
        "active",
    ]
    with pytest.raises(TransitionError, match="cannot go from"):
        enrollment_transition(enrollment=line, to_status=Status.SUBMITTED, actor=workflow.STAFF)
    with pytest.raises(TransitionError):
        enrollment_transition(enrollment=line, to_status=Status.REJECTED, actor=workflow.STAFF)


def test_customers_cannot_approve_their_own_requests():
    line = _placed_line(fulfilment="staff_review")
    with pytest.raises(TransitionError):
        enrollment_transition(enrollment=line, to_status=Status.APPROVED, actor=workflow.CUSTOMER)


def _placed_line(**product_fields):
    user, customer = customer_with_login()
    order = order_place(
        cart=_cart_with(user, ProductFactory(**product_fields)),
        customer=customer,
        user=user,
        terms_accepted=True,
    )
    return order.enrollments.get()


def test_leaving_cancels_a_request_and_withdraws_an_active_program():
    pending = _placed_line(fulfilment="staff_review")
    change = enrollment_leave(enrollment=pending, user=pending.order.user)
    assert change.to_status == Status.CANCELLED
    pending.service_order.refresh_from_db()
    assert pending.service_order.status == ServiceOrderStatus.CANCELLED

    active = _placed_line(fulfilment="instant")
    change = enrollment_leave(enrollment=active, user=active.order.user, note="Moving out")
    assert change.to_status == Status.WITHDRAWN
    assert change.note == "Moving out"
    with pytest.raises(TransitionError):
        enrollment_leave(enrollment=active, user=active.order.user)


def test_after_leaving_the_program_can_be_ordered_again():
    line = _placed_line(fulfilment="instant")
    enrollment_leave(enrollment=line, user=line.order.user)
    cart = _cart_with(line.order.user, line.product)
    order = order_place(
        cart=cart, customer=line.customer, user=line.order.user, terms_accepted=True
    )
    assert order.enrollments.get().status == Status.ACTIVE
    assert EnrollmentStatusChange.objects.filter(to_status=Status.WITHDRAWN).count() == 1
