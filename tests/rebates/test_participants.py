"""Who takes part: automatic by rate and smart meter, or opt-in; eligibility kept."""

import datetime as dt

import pytest

from billing.models import MeterType, RateCode
from rebates import services
from rebates.models import EnrolledVia, Participant, ParticipantStatus, Participation
from tests.factories import (
    AccountFactory,
    CustomerFactory,
    EligibilityHoldFactory,
    PtrProgramFactory,
    RateCodeFactory,
    ServicePointFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def program():
    program = PtrProgramFactory()
    program.eligible_rate_codes.set([RateCodeFactory(code="RES-1")])
    return program


def test_automatic_participation_takes_smart_metered_electric_accounts_on_eligible_rates(program):
    eligible = AccountFactory()
    AccountFactory(service_point__meter_type=MeterType.AMR)
    AccountFactory(service_point__fuel="gas")
    AccountFactory(
        rate_code=RateCodeFactory(
            code="RES-MED", is_allowlisted=False, exclusion_reason="Medical rate"
        )
    )
    AccountFactory(inactive_date=dt.date(2024, 1, 1))
    counts = services.ptr_participants_sync(program=program, on=TODAY)
    assert counts.created == 1
    participant = Participant.objects.get()
    assert participant.customer == eligible.customer
    assert participant.account == eligible
    assert participant.status == ParticipantStatus.ACTIVE
    assert participant.enrolled_via == EnrolledVia.AUTOMATIC
    assert participant.zone == "62701"
    assert len(participant.calendar_token) >= 30


def test_ineligible_customers_are_excluded_with_the_reason_kept(program):
    account = AccountFactory()
    EligibilityHoldFactory(
        customer=account.customer,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 1, 1),
        detail="Gap of 12 days before 2026-01-01",
    )
    counts = services.ptr_participants_sync(program=program, on=TODAY)
    assert counts.excluded == 1
    participant = Participant.objects.get()
    assert participant.status == ParticipantStatus.EXCLUDED
    assert participant.reason_code == "usage_gap"
    assert participant.reason == "Gap in billed usage: Gap of 12 days before 2026-01-01"
    # When the hold ends, the participant is back.
    counts = services.ptr_participants_sync(program=program, on=dt.date(2028, 2, 1))
    participant.refresh_from_db()
    assert counts.reactivated == 1
    assert participant.status == ParticipantStatus.ACTIVE
    assert participant.reason == ""


def test_a_closed_account_excludes_the_participant_and_the_new_occupant_joins(program):
    account = AccountFactory()
    services.ptr_participants_sync(program=program, on=TODAY)
    account.inactive_date = dt.date(2026, 6, 30)
    account.save()
    newcomer = AccountFactory(
        service_point=account.service_point,
        customer=CustomerFactory(premise=account.customer.premise),
        active_date=dt.date(2026, 7, 1),
    )
    services.ptr_participants_sync(program=program, on=TODAY)
    old = Participant.objects.get(customer=account.customer)
    assert old.status == ParticipantStatus.EXCLUDED
    assert old.reason_code == "account_closed"
    assert "closed on 2026-06-30" in old.reason
    new = Participant.objects.get(customer=newcomer.customer)
    assert new.status == ParticipantStatus.ACTIVE
    assert new.account == newcomer


def test_a_rate_change_off_the_program_excludes(program):
    account = AccountFactory()
    services.ptr_participants_sync(program=program, on=TODAY)
    account.rate_code = RateCodeFactory(code="COM-1")
    account.save()
    services.ptr_participants_sync(program=program, on=TODAY)
    participant = Participant.objects.get()
    assert participant.reason_code == "rate_not_eligible"
    assert participant.reason == "Rate COM-1 is not eligible for the program."


def test_opt_in_programs_do_not_add_anyone_by_themselves(program):
    program.participation = Participation.OPT_IN
    program.save()
    AccountFactory()
    assert services.ptr_participants_sync(program=program, on=TODAY).created == 0
    assert not Participant.objects.exists()


# enrollment ---------------------------------------------------------------------------------


@pytest.fixture
def opt_in(program):
    program.participation = Participation.OPT_IN
    program.save()
    return program


def test_enroll_signs_a_customer_up_once(opt_in):
    account = AccountFactory()
    participant = services.ptr_participant_enroll(
        customer=account.customer, via=EnrolledVia.ENROLLMENT, enabling_technology=True
    )
    assert participant.status == ParticipantStatus.ACTIVE
    assert participant.enrolled_via == EnrolledVia.ENROLLMENT
    assert participant.enabling_technology
    again = services.ptr_participant_enroll(customer=account.customer)
    assert again.pk == participant.pk
    assert Participant.objects.count() == 1


def test_enroll_brings_back_a_withdrawn_participant(opt_in):
    account = AccountFactory()
    participant = services.ptr_participant_enroll(customer=account.customer)
    services.ptr_participant_withdraw(participant=participant, reason="Customer asked")
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.WITHDRAWN
    back = services.ptr_participant_enroll(customer=account.customer)
    assert back.pk == participant.pk
    assert back.status == ParticipantStatus.ACTIVE


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (
            lambda: AccountFactory(service_point__meter_type=MeterType.AMR).customer,
            "no_smart_meter",
        ),
        (
            lambda: AccountFactory(rate_code=RateCodeFactory(code="COM-1")).customer,
            "rate_not_eligible",
        ),
        (lambda: AccountFactory(inactive_date=dt.date(2025, 1, 1)).customer, "accounts_closed"),
        (lambda: CustomerFactory(), "no_account"),
    ],
)
def test_enroll_refuses_with_a_reason_and_changes_nothing(opt_in, setup, code):
    customer = setup()
    with pytest.raises(services.PtrEnrollmentError) as info:
        services.ptr_participant_enroll(customer=customer)
    assert info.value.code == code
    assert info.value.message
    assert not Participant.objects.exists()


def test_enroll_refuses_a_customer_under_a_hold(opt_in):
    account = AccountFactory()
    EligibilityHoldFactory(
        customer=account.customer, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1)
    )
    with pytest.raises(services.PtrEnrollmentError) as info:
        services.ptr_participant_enroll(customer=account.customer)
    assert info.value.code == "usage_gap"


def test_enroll_needs_an_active_program():
    account = AccountFactory()
    with pytest.raises(services.PtrEnrollmentError) as info:
        services.ptr_participant_enroll(customer=account.customer)
    assert info.value.code == "program_inactive"


def test_a_customer_with_gas_and_a_smart_electric_meter_joins_on_the_electric_one(opt_in):
    account = AccountFactory()
    gas = ServicePointFactory(
        premise=account.customer.premise, fuel="gas", meter_type=MeterType.AMR
    )
    AccountFactory(
        customer=account.customer, service_point=gas, rate_code=RateCode.objects.get(code="RES-1")
    )
    participant = services.ptr_participant_enroll(customer=account.customer)
    assert participant.service_point == account.service_point
