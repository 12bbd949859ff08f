"""Every admin page renders for staff, and none is reachable by a customer."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from portal.models import UtilityProfile, WorkerHeartbeat
from tests import factories
from tests.factories import (
    AccountFactory,
    CustomerAccessFactory,
    IntervalReadFactory,
    StaffUserFactory,
    UsageValueFactory,
    UserFactory,
)
from users.roles import CUSTOMER_SERVICE, DATA_ADMINISTRATOR

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def every_model_has_a_row(superuser):
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    account = AccountFactory()
    CustomerAccessFactory(customer=account.customer, user=superuser)
    UsageValueFactory(service_point=account.service_point)
    IntervalReadFactory(service_point=account.service_point)
    UtilityProfile.objects.create(name="Test Power")
    WorkerHeartbeat.objects.create(hostname="worker-1", seen_at=timezone.now())
    Authenticator.objects.create(
        user=superuser,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "00" * 20, "used_mask": 0},
    )
    UserSession.objects.create(
        user=superuser, ip="127.0.0.1", session_key="k" * 32, user_agent="pytest"
    )
    # Any other registered model gets a row from its factory in tests.factories
    # (named <Model>Factory), so a new admin cannot go untested.
    for model in REGISTERED:
        if not model._default_manager.exists():
            factory = getattr(factories, f"{model.__name__}Factory", None)
            assert factory is not None, f"add tests.factories.{model.__name__}Factory"
            factory()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_and_change_page_render_for_staff(admin_client, every_model_has_a_row, model):
    response = admin_client.get(_admin_url(model, "changelist"))
    assert response.status_code == 200
    obj = model._default_manager.first()
    assert obj is not None, f"no {model._meta.label} row to open"
    response = admin_client.get(_admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_pages_are_forbidden_to_customers(client, every_model_has_a_row, model):
    customer = UserFactory()
    client.force_login(customer)
    assert client.get(_admin_url(model, "changelist")).status_code == 403
    obj = model._default_manager.first()
    assert client.get(_admin_url(model, "change", obj.pk)).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(reverse("account_login"))
    assert response.status_code == 200


def test_interval_read_page_lists_one_service_point(admin_client):
    read = IntervalReadFactory()
    url = reverse("admin:billing_intervalread_list")
    response = admin_client.get(url, {"q": read.service_point.service_point_id})
    assert response.status_code == 200
    assert read.value.to_eng_string() in response.text
    response = admin_client.get(url, {"q": "NO-SUCH-SP"})
    assert "No service point" in response.text


def test_interval_read_page_is_forbidden_to_customers(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:billing_intervalread_list")).status_code == 403


def test_service_point_page_shows_usage_a_page_at_a_time(admin_client):
    account = AccountFactory()
    for month in range(1, 13):
        for year in (2022, 2023, 2024):
            UsageValueFactory(
                service_point=account.service_point, date_to=date(year, month, 20), duration=30
            )
    url = _admin_url(type(account.service_point), "change", account.service_point.pk)
    response = admin_client.get(url)
    assert len(response.context["usage_page"].object_list) == 24
    assert response.context["usage_page"].paginator.count == 36


def test_customer_service_can_read_customer_data_but_not_change_it(client):
    agent = StaffUserFactory()
    agent.groups.add(Group.objects.get(name=CUSTOMER_SERVICE))
    client.force_login(agent)
    account = AccountFactory()
    customer_url = _admin_url(type(account.customer), "change", account.customer.pk)
    assert client.get(customer_url).status_code == 200
    response = client.post(customer_url, {"customer_id": "HACKED"})
    assert response.status_code == 403
    assert client.get(_admin_url(type(account), "add")).status_code == 403


def test_data_administrator_can_add_accounts(client):
    admin_user = StaffUserFactory()
    admin_user.groups.add(Group.objects.get(name=DATA_ADMINISTRATOR))
    client.force_login(admin_user)
    account = AccountFactory()
    assert client.get(_admin_url(type(account), "add")).status_code == 200


def test_staff_roles_exist_as_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Customer service", "Program manager", "Marketing", "Data administrator"} <= names


def test_admin_is_branded_with_the_utility_name(admin_client):
    UtilityProfile.objects.create(name="Lakeshore Gas & Electric")
    from portal.utility import utility_cache_clear

    utility_cache_clear()
    response = admin_client.get(reverse("admin:index"))
    assert "Lakeshore Gas &amp; Electric staff" in response.text
    assert reverse("branding-css") in response.text
