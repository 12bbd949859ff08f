import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from billing.selectors import SESSION_CUSTOMER_KEY
from content.selectors import faq_category_list_published, premise_choices_for_request
from tests.factories import FaqCategoryFactory, FaqQuestionFactory, UserFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def _request(user, session=None):
    request = RequestFactory().get("/contact/")
    request.user = user
    request.session = session or {}
    return request


def test_premises_are_the_logins_own_each_once_with_the_current_one():
    user, first = customer_with_login()
    _same_user, second = customer_with_login(user=user)
    _other_user, other = customer_with_login()
    premises, current = premise_choices_for_request(request=_request(user))
    assert {p.pk for p in premises} == {first.premise.pk, second.premise.pk}
    assert len(premises) == 2
    assert other.premise.pk not in {p.pk for p in premises}
    assert current in (first.premise, second.premise)
    # The premise switcher's choice is the current one.
    session = {SESSION_CUSTOMER_KEY: second.pk}
    _premises, current = premise_choices_for_request(request=_request(user, session))
    assert current == second.premise
    # Someone else's customer in the session is ignored.
    session = {SESSION_CUSTOMER_KEY: other.pk}
    _premises, current = premise_choices_for_request(request=_request(user, session))
    assert current != other.premise


def test_nobody_else_gets_premises():
    customer_with_login()
    assert premise_choices_for_request(request=_request(AnonymousUser())) == ([], None)
    assert premise_choices_for_request(request=_request(UserFactory())) == ([], None)


def test_without_a_configured_selector_nobody_chooses_a_premise(settings):
    user, _customer = customer_with_login()
    settings.CONTENT_PREMISE_SELECTOR = ""
    assert premise_choices_for_request(request=_request(user)) == ([], None)


def test_topics_count_only_published_questions():
    category = FaqCategoryFactory(slug="billing")
    FaqQuestionFactory(category=category)
    FaqQuestionFactory(category=category, is_published=False)
    (listed,) = faq_category_list_published()
    assert listed.question_count == 1
