import pytest
from django.contrib.auth.models import AnonymousUser

from content.selectors import faq_category_list_published, premise_list_for_user
from tests.factories import FaqCategoryFactory, FaqQuestionFactory, UserFactory
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def test_premises_are_the_logins_own_and_each_listed_once():
    user, first = customer_with_login()
    _same_user, second = customer_with_login(user=user)
    _other_user, other = customer_with_login()
    premises = premise_list_for_user(user=user)
    assert {p.pk for p in premises} == {first.premise.pk, second.premise.pk}
    assert other.premise.pk not in {p.pk for p in premises}
    assert len(premises) == 2
    assert premise_list_for_user(user=AnonymousUser()) == []
    assert premise_list_for_user(user=UserFactory()) == []


def test_without_a_configured_selector_nobody_chooses_a_premise(settings):
    user, _customer = customer_with_login()
    settings.CONTENT_PREMISE_SELECTOR = ""
    assert premise_list_for_user(user=user) == []


def test_topics_count_only_published_questions():
    category = FaqCategoryFactory(slug="billing")
    FaqQuestionFactory(category=category)
    FaqQuestionFactory(category=category, is_published=False)
    (listed,) = faq_category_list_published()
    assert listed.question_count == 1
