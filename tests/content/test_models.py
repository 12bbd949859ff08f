import pytest
from django.utils import translation

from portal.markdown import markdown_html
from tests.factories import FaqCategoryFactory, FaqQuestionFactory, PageFactory

pytestmark = pytest.mark.django_db


def test_spanish_text_is_used_when_written_and_english_otherwise():
    question = FaqQuestionFactory(question="Why?", question_es="¿Por qué?", answer_es="")
    with translation.override("es"):
        assert question.question_text == "¿Por qué?"
        # No Spanish answer yet: the English one rather than nothing.
        assert question.answer_text == question.answer
    assert question.question_text == "Why?"


def test_category_and_page_urls():
    category = FaqCategoryFactory(slug="outages")
    question = FaqQuestionFactory(category=category)
    assert category.get_absolute_url() == "/help/outages/"
    assert question.get_absolute_url() == f"/help/outages/#q-{question.pk}"
    assert PageFactory(slug="moving").get_absolute_url() == "/pages/moving/"


def test_markdown_keeps_formatting_and_drops_anything_active():
    html = markdown_html(
        "# Title\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) "
        "<img src=x onerror=alert(1)> [ok](https://example.com)",
        top_level=2,
    )
    assert "<h2>Title</h2>" in html
    assert "<h2>Sub</h2>" in markdown_html("## Sub", top_level=2)
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert 'href="https://example.com"' in html
    assert "<h3>Title</h3>" in markdown_html("# Title")
