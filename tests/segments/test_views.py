import pytest
from django.urls import reverse

from segments.models import CustomerProfile
from tests.factories import CustomerProfileFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def test_customer_sets_their_equipment_but_not_the_income_flag(client):
    user, customer = customer_with_login()
    CustomerProfileFactory(customer=customer, income_qualified=False)
    client.force_login(user)
    page = client.get(reverse("segments:home-profile"))
    assert customer.premise.street_address in page.text
    response = client.post(
        reverse("segments:home-profile"),
        {"owns_ev": "on", "owns_solar": "on", "income_qualified": "on"},
    )
    assert response.status_code == 302
    profile = CustomerProfile.objects.get(customer=customer)
    assert profile.owns_ev is True
    assert profile.owns_solar is True
    assert profile.owns_agricultural_pump is False
    assert profile.income_qualified is False


def test_home_profile_needs_a_login(client):
    response = client.get(reverse("segments:home-profile"))
    assert response.status_code == 302


def test_a_login_without_an_account_is_told_to_connect_it(client, user):
    client.force_login(user)
    assert "Connect your utility account" in client.get(reverse("segments:home-profile")).text


def test_staff_see_member_counts_and_a_preview(admin_client):
    from segments.services import segment_refresh
    from tests.factories import SegmentConditionFactory, SegmentFactory

    _user, customer = customer_with_login()
    segment = SegmentFactory(name="Residential")
    SegmentConditionFactory(segment=segment)
    segment_refresh(segment=segment)
    listing = admin_client.get(reverse("admin:segments_segment_changelist"))
    assert "Residential" in listing.text
    page = admin_client.get(reverse("admin:segments_segment_change", args=[segment.pk]))
    assert customer.premise.full_address in page.text
