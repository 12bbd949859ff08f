from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.claims import (
    MAX_FAILURES_PER_IP,
    MAX_FAILURES_PER_LOGIN,
    ClaimRequest,
    account_claim,
    name_normalize,
)
from billing.models import AccessRole, Account, ClaimAttempt, ClaimOutcome, CustomerAccess
from tests.factories import ClaimAttemptFactory, UserFactory
from tests.homes import home_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(db):
    """A home with nobody linked yet, and what its bill says."""
    home = home_build()
    CustomerAccess.objects.filter(customer=home.customer).delete()
    account = Account.objects.get(customer=home.customer, service_point=home.electric)
    return home, account


def _zip(identifier, zip_code="62701", last_name="Rivera"):
    return ClaimRequest(
        identifier=identifier, method="zip_name", zip_code=zip_code, last_name=last_name
    )


def test_claim_by_account_number_zip_and_last_name(bill):
    home, account = bill
    user = UserFactory()
    result = account_claim(user=user, ip="203.0.113.1", request=_zip(account.account_id.lower()))
    assert result.linked
    assert result.customers == [home.customer]
    assert CustomerAccess.objects.get(user=user, customer=home.customer).role == AccessRole.OWNER
    attempt = ClaimAttempt.objects.get()
    assert (attempt.outcome, attempt.customers_linked, attempt.ip) == ("linked", 1, "203.0.113.1")


def test_claim_by_customer_id_and_the_last_bill(bill):
    home, _ = bill
    # Latest bills: electric 93.00, gas 53.00; either, or their sum, proves it.
    for amount in ("93.00", "$53", "146.00"):
        user = UserFactory()
        request = ClaimRequest(
            identifier=f" {home.customer.customer_id} ", method="last_bill", bill_amount=amount
        )
        assert account_claim(user=user, ip=None, request=request).linked, amount
        CustomerAccess.objects.filter(customer=home.customer).delete()


def test_the_previous_occupants_bill_proves_nothing(bill):
    home, _ = bill
    request = ClaimRequest(
        identifier=home.customer.customer_id, method="last_bill", bill_amount="9999.00"
    )
    assert account_claim(user=UserFactory(), ip=None, request=request).outcome == "second_fact"


def test_names_compare_without_case_accents_or_punctuation():
    assert name_normalize("  O’Brien-Núñez ") == name_normalize("obrien nunez")


@pytest.mark.parametrize(
    ("identifier", "zip_code", "last_name", "outcome"),
    [
        ("NO-SUCH-ACCOUNT", "62701", "Rivera", ClaimOutcome.NO_MATCH),
        ("{account}", "62702", "Rivera", ClaimOutcome.SECOND_FACT),
        ("{account}", "62701", "Smith", ClaimOutcome.SECOND_FACT),
    ],
)
def test_the_page_never_tells_which_fact_was_wrong(
    client, bill, identifier, zip_code, last_name, outcome
):
    _home, account = bill
    client.force_login(UserFactory())
    response = client.post(
        reverse("billing:claim"),
        {
            "identifier": identifier.format(account=account.account_id),
            "method": "zip_name",
            "zip_code": zip_code,
            "last_name": last_name,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("We couldn't match those details to an active account.")
    assert ClaimAttempt.objects.get().outcome == outcome  # staff see which


def test_a_closed_account_cannot_be_claimed(bill):
    home, account = bill
    Account.objects.filter(customer=home.customer).update(inactive_date=date(2025, 1, 1))
    result = account_claim(user=UserFactory(), ip=None, request=_zip(account.account_id))
    assert result.outcome == ClaimOutcome.NO_MATCH
    # Nor can the previous occupant's account.
    old = Account.objects.filter(customer=home.previous).first()
    result = account_claim(
        user=UserFactory(), ip=None, request=_zip(old.account_id, last_name="Before")
    )
    assert result.outcome == ClaimOutcome.NO_MATCH


def test_failures_are_rate_limited_per_login(bill):
    _home, account = bill
    user = UserFactory()
    for _ in range(MAX_FAILURES_PER_LOGIN):
        assert account_claim(user=user, ip=None, request=_zip("WRONG")).outcome == "no_match"
    # Even the right answer is refused now, and nothing is looked up.
    result = account_claim(user=user, ip=None, request=_zip(account.account_id))
    assert result.outcome == ClaimOutcome.RATE_LIMITED
    assert not CustomerAccess.objects.filter(user=user).exists()


def test_failures_are_rate_limited_per_ip_across_logins(bill):
    _home, account = bill
    for _ in range(MAX_FAILURES_PER_IP):
        ClaimAttemptFactory(ip="198.51.100.9", outcome=ClaimOutcome.NO_MATCH)
    result = account_claim(user=UserFactory(), ip="198.51.100.9", request=_zip(account.account_id))
    assert result.outcome == ClaimOutcome.RATE_LIMITED


def test_old_failures_do_not_count(bill):
    _home, account = bill
    user = UserFactory()
    for _ in range(MAX_FAILURES_PER_LOGIN):
        ClaimAttemptFactory(user=user, outcome=ClaimOutcome.NO_MATCH)
    ClaimAttempt.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert account_claim(user=user, ip=None, request=_zip(account.account_id)).linked


def test_rate_limited_page_says_to_wait(client, bill):
    user = UserFactory()
    for _ in range(MAX_FAILURES_PER_LOGIN):
        ClaimAttemptFactory(user=user, outcome=ClaimOutcome.SECOND_FACT)
    client.force_login(user)
    response = client.post(
        reverse("billing:claim"),
        {"identifier": "X", "method": "zip_name", "zip_code": "62701", "last_name": "Rivera"},
    )
    assert "Too many attempts" in response.text


def test_an_account_holder_is_not_replaced_by_a_second_claim(bill):
    _home, account = bill
    owner = UserFactory()
    assert account_claim(user=owner, ip=None, request=_zip(account.account_id)).linked
    other = UserFactory()
    result = account_claim(user=other, ip=None, request=_zip(account.account_id))
    assert result.outcome == ClaimOutcome.ALREADY_LINKED
    assert not CustomerAccess.objects.filter(user=other).exists()


def test_one_customer_id_at_two_homes_links_both_with_their_zip():
    user = UserFactory()
    first = home_build()
    second = home_build()
    second.customer.customer_id = first.customer.customer_id
    second.customer.save()
    CustomerAccess.objects.all().delete()
    result = account_claim(user=user, ip=None, request=_zip(first.customer.customer_id))
    assert sorted(c.pk for c in result.customers) == sorted([first.customer.pk, second.customer.pk])


def test_successful_claim_makes_the_home_current(client, bill):
    home, account = bill
    client.force_login(UserFactory())
    response = client.post(
        reverse("billing:claim"),
        {
            "identifier": account.account_id,
            "method": "zip_name",
            "zip_code": "62701-1234",
            "last_name": "rivera",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["customer"] == home.customer


def test_the_form_asks_for_the_facts_of_the_chosen_method(client):
    client.force_login(UserFactory())
    response = client.post(reverse("billing:claim"), {"identifier": "A1", "method": "last_bill"})
    assert response.context["form"].errors["bill_amount"]
    assert not ClaimAttempt.objects.exists()
    response = client.post(reverse("billing:claim"), {"identifier": "A1", "method": "zip_name"})
    assert set(response.context["form"].errors) == {"zip_code", "last_name"}
