import factory
from factory.django import DjangoModelFactory

from content.models import ContactRequest, FaqCategory, FaqQuestion, Page


class FaqCategoryFactory(DjangoModelFactory):
    class Meta:
        model = FaqCategory
        django_get_or_create = ["slug"]

    name = "Your bill"
    name_es = "Su factura"
    slug = "billing"
    description = "Reading your bill."


class FaqQuestionFactory(DjangoModelFactory):
    class Meta:
        model = FaqQuestion

    category = factory.SubFactory(FaqCategoryFactory)
    question = factory.Sequence(lambda n: f"Question number {n}?")
    question_es = factory.Sequence(lambda n: f"¿Pregunta número {n}?")
    answer = "An **answer** in Markdown."
    answer_es = "Una **respuesta** en Markdown."


class PageFactory(DjangoModelFactory):
    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Page {n}")
    summary = "A short summary."
    body = "## A heading\n\nSome text."
    is_published = True


class ContactRequestFactory(DjangoModelFactory):
    class Meta:
        model = ContactRequest

    number = factory.Sequence(lambda n: f"CR-2026-{n + 900000:06d}")
    topic = "billing"
    name = "Alex Rivera"
    email = factory.Sequence(lambda n: f"writer{n}@example.com")
    message = "Why is my bill higher this month?"
