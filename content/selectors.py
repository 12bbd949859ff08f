"""Reads of help content and contact requests, the latter scoped by login."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.module_loading import import_string

from content.models import ContactRequest, FaqCategory, FaqQuestion, Page

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_RESULTS = 30
FOOTER_CACHE_KEY = "content:footer-pages"


def faq_category_list_published() -> list[FaqCategory]:
    """Published categories that have at least one published question."""
    return list(
        FaqCategory.objects.published()
        .annotate(
            question_count=Count("questions", filter=Q(questions__is_published=True)),
        )
        .filter(question_count__gt=0)
    )


def faq_category_get_published(*, slug: str) -> FaqCategory | None:
    return (
        FaqCategory.objects.published()
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=FaqQuestion.objects.published().order_by("sort_order", "pk"),
                to_attr="published_questions",
            )
        )
        .filter(slug=slug)
        .first()
    )


def _published_questions() -> QuerySet[FaqQuestion]:
    return FaqQuestion.objects.published().filter(category__is_published=True)


def faq_question_list_top(*, limit: int = 6) -> list[FaqQuestion]:
    return list(_published_questions().filter(is_top=True).select_related("category")[:limit])


def faq_search(*, query: str) -> list[FaqQuestion]:
    """Questions whose question or answer (either language) holds every word."""
    words = query[:SEARCH_MAX_LENGTH].split()[:8]
    if not words:
        return []
    questions = _published_questions()
    for word in words:
        questions = questions.filter(
            Q(question__icontains=word)
            | Q(answer__icontains=word)
            | Q(question_es__icontains=word)
            | Q(answer_es__icontains=word)
        )
    return list(questions.select_related("category")[:SEARCH_MAX_RESULTS])


def faq_question_get_published(*, pk: int) -> FaqQuestion | None:
    return _published_questions().select_related("category").filter(pk=pk).first()


def page_get_published(*, slug: str) -> Page | None:
    return Page.objects.published().filter(slug=slug).first()


def page_list_published() -> list[Page]:
    return list(Page.objects.published())


def page_list_footer() -> list[tuple[str, str, str]]:
    """(url, English title, Spanish title) of the footer's pages.

    Every page renders the footer, so the short list is cached until staff
    save or delete a page (content.signals).
    """
    cached = cache.get(FOOTER_CACHE_KEY)
    if cached is None:
        cached = [
            (page.get_absolute_url(), page.title, page.title_es)
            for page in Page.objects.published().filter(show_in_footer=True)
        ]
        cache.set(FOOTER_CACHE_KEY, cached, 3600)
    return cached


def contact_request_list_for_user(*, user) -> QuerySet[ContactRequest]:
    if not user.is_authenticated:
        return ContactRequest.objects.none()
    return ContactRequest.objects.filter(user=user).select_related("premise")


def contact_request_get_for_user(*, user, number: str) -> ContactRequest | None:
    """One of the login's own requests with its timeline; None for anyone else's."""
    return (
        contact_request_list_for_user(user=user)
        .prefetch_related("status_changes")
        .filter(number=number)
        .first()
    )


def contact_request_get(*, number: str) -> ContactRequest | None:
    """By reference number; the caller decides who may see it."""
    return ContactRequest.objects.filter(number=number).select_related("premise").first()


def premise_choices_for_request(*, request) -> tuple[list, object | None]:
    """The login's own premises and the one it is looking at, from the
    selector named in settings.

    content sits beside billing in the import order, so billing's selector
    is configured (CONTENT_PREMISE_SELECTOR) rather than imported.
    """
    path = getattr(settings, "CONTENT_PREMISE_SELECTOR", "")
    if not request.user.is_authenticated or not path:
        return [], None
    premises, current = import_string(path)(request=request)
    return list(premises), current
