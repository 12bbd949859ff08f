import pytest
from django.core.management import call_command

from content.models import FaqCategory, FaqQuestion, Page

pytestmark = pytest.mark.django_db


def test_seed_creates_bilingual_content_once():
    call_command("seed_demo_content", "--if-empty")
    assert FaqCategory.objects.count() == 6
    assert FaqQuestion.objects.count() == 20
    assert set(Page.objects.values_list("slug", flat=True)) == {"ways-to-save", "moving", "privacy"}
    assert not FaqQuestion.objects.filter(question_es="").exists()
    assert not Page.objects.filter(body_es="").exists()
    Page.objects.filter(slug="privacy").update(title="Changed by staff")
    call_command("seed_demo_content", "--if-empty")
    assert Page.objects.get(slug="privacy").title == "Changed by staff"
    call_command("seed_demo_content")  # without --if-empty: updates, never duplicates
    assert FaqQuestion.objects.count() == 20
