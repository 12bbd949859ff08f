"""The catalog's Peak Time Rebates product enrols through rebates (issue 7's flow)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enrollment.fulfilment import FulfilmentRequest, fulfilment_handler
from rebates.models import EnrolledVia, Participant, ParticipantStatus, Participation
from tests.factories import AccountFactory, PtrProgramFactory

pytestmark = pytest.mark.django_db


def request_for(customer, **params):
    return FulfilmentRequest(
        enrollment_id=1,
        order_number="ORD-2026-000001",
        kind="ptr",
        product_slug="peak-time-rebates",
        params=params,
        customer=customer,
        premise=customer.premise,
        requested_by=None,
        effective_date=dt.date(2026, 7, 1),
    )


@pytest.fixture
def program():
    return PtrProgramFactory(code="ptr", participation=Participation.OPT_IN)


def test_the_ptr_kind_is_handled_by_rebates_and_enrols(program):
    account = AccountFactory()
    handler = fulfilment_handler("ptr")
    outcome = handler.start(request_for(account.customer, program="PTR"))
    participant = Participant.objects.get()
    assert outcome.activate is True
    assert outcome.reference == str(participant.pk)
    assert participant.enrolled_via == EnrolledVia.ENROLLMENT
    assert participant.program == program
    handler.ended(request_for(account.customer, program="PTR"))
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.WITHDRAWN
    assert "ORD-2026-000001" in participant.reason


def test_a_customer_who_cannot_take_part_gets_the_reason(program):
    account = AccountFactory(service_point__meter_type="amr")
    with pytest.raises(ValidationError) as info:
        fulfilment_handler("ptr").start(request_for(account.customer, program="PTR"))
    assert "smart electric meter" in info.value.messages[0]
    assert not Participant.objects.exists()


def test_an_automatic_participant_already_has_the_ptr_product(program):
    from enrollment.selectors import facts_for_customer
    from tests.factories import ParticipantFactory, ProductFactory

    participant = ParticipantFactory(program=program)
    ptr_product = ProductFactory(kind="ptr", handler_params={"program": "ptr"})
    other = ProductFactory()
    open_ids = facts_for_customer(customer=participant.customer)["open_product_ids"]
    assert ptr_product.pk in open_ids
    assert other.pk not in open_ids

    participant.status = ParticipantStatus.WITHDRAWN
    participant.reason = "Moved out."
    participant.save()
    assert (
        ptr_product.pk not in facts_for_customer(customer=participant.customer)["open_product_ids"]
    )
