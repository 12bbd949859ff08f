import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from billing.selectors import customer_current_for_request, customer_current_set
from tests.factories import AccountFactory, CustomerAccessFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return request


def test_the_switcher_cannot_select_another_logins_customer():
    user = UserFactory()
    mine = CustomerAccessFactory(user=user, customer=AccountFactory().customer).customer
    theirs = AccountFactory().customer
    request = _request(user)
    assert customer_current_set(request=request, customer_pk=theirs.pk) is None
    assert customer_current_for_request(request=request) == mine


def test_the_switcher_remembers_the_choice():
    user = UserFactory()
    first = CustomerAccessFactory(user=user, customer=AccountFactory().customer).customer
    second = CustomerAccessFactory(user=user, customer=AccountFactory().customer).customer
    request = _request(user)
    assert customer_current_set(request=request, customer_pk=second.pk) == second
    assert customer_current_for_request(request=request) == second
    assert first != second
