"""Help centre, FAQ, editorial pages, the contact form and the site map."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content.forms import ContactForm, FaqFeedbackForm, HelpSearchForm
from content.models import ContactTopic
from content.selectors import (
    contact_request_get,
    contact_request_get_for_user,
    contact_request_list_for_user,
    faq_category_get_published,
    faq_category_list_published,
    faq_question_get_published,
    faq_question_list_top,
    faq_search,
    page_get_published,
    page_list_published,
    premise_choices_for_request,
)
from content.services import contact_request_submit, faq_feedback_record
from content.throttle import contact_limit_count, contact_limit_reached
from portal.navigation import ACCOUNT_MENU_ITEMS, nav_items_for

SESSION_SENT_KEY = "content.sent_requests"
SESSION_VOTED_KEY = "content.voted_questions"
# The contact form links to this page when it is published.
PRIVACY_PAGE_SLUG = "privacy"


def _open_pk(request: HttpRequest) -> int | None:
    value = request.GET.get("open", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@require_GET
def help_centre(request: HttpRequest) -> HttpResponse:
    form = HelpSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    return render(
        request,
        "content/help_centre.html",
        {
            "form": form,
            "query": query,
            "results": faq_search(query=query) if query else None,
            "categories": faq_category_list_published(),
            "top_questions": faq_question_list_top(),
            "voted": set(request.session.get(SESSION_VOTED_KEY, [])),
            "open_pk": _open_pk(request),
        },
    )


@require_GET
def faq_category(request: HttpRequest, slug: str) -> HttpResponse:
    category = faq_category_get_published(slug=slug)
    if category is None:
        raise Http404
    return render(
        request,
        "content/faq_category.html",
        {
            "category": category,
            "questions": category.published_questions,
            "categories": faq_category_list_published(),
            "voted": set(request.session.get(SESSION_VOTED_KEY, [])),
            "open_pk": _open_pk(request),
        },
    )


@require_POST
def faq_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    question = faq_question_get_published(pk=pk)
    if question is None:
        raise Http404
    form = FaqFeedbackForm(request.POST)
    # Back to the answer, left open, where the thank-you shows.
    url = reverse("content:faq-category", args=[question.category.slug])
    back = f"{url}?open={question.pk}#q-{question.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose yes or no."))
        return redirect(back)
    voted = request.session.get(SESSION_VOTED_KEY, [])
    # One vote per question per visit: a reload does not count twice.
    if question.pk not in voted:
        faq_feedback_record(question=question, helpful=form.cleaned_data["helpful"] == "yes")
        request.session[SESSION_VOTED_KEY] = [*voted, question.pk][-200:]
    if form.cleaned_data["helpful"] == "yes":
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.info(
            request,
            _("Thank you. Sorry this did not help: you can contact us and we will answer."),
        )
    return redirect(back)


@require_GET
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = page_get_published(slug=slug)
    if page is None:
        raise Http404
    return render(request, "content/page_detail.html", {"page": page})


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    premises, current_premise = premise_choices_for_request(request=request)
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.name, "email": request.user.email}
        if request.user.phone:
            initial["phone"] = request.user.phone
        if current_premise is not None:
            # The home they are looking at; they can still choose another or none.
            initial["premise"] = current_premise.pk
    topic = request.GET.get("topic", "")
    if topic in ContactTopic.values:
        initial["topic"] = topic
    limited = False
    if request.method == "POST":
        form = ContactForm(request.POST, premises=premises)
        limited = contact_limit_reached(request=request)
        if limited:
            form.add_error(
                None,
                _(
                    "You have sent several requests in a short time. Please try again in an "
                    "hour, or call us."
                ),
            )
        elif form.is_valid():
            data = form.cleaned_data
            contact_limit_count(request=request)
            sent = contact_request_submit(
                topic=data["topic"],
                name=data["name"],
                email=data["email"],
                phone=data.get("phone") or "",
                message=data["message"],
                user=request.user,
                premise=data.get("premise"),
                language=(get_language() or "en")[:2],
            )
            numbers = request.session.get(SESSION_SENT_KEY, [])
            request.session[SESSION_SENT_KEY] = [*numbers, sent.number][-20:]
            return redirect("content:contact-sent", number=sent.number)
    else:
        form = ContactForm(initial=initial, premises=premises)
    return render(
        request,
        "content/contact_form.html",
        {"form": form, "privacy_page": page_get_published(slug=PRIVACY_PAGE_SLUG)},
        status=429 if limited else 200,
    )


@require_GET
def contact_sent(request: HttpRequest, number: str) -> HttpResponse:
    # Only the visitor who sent it sees the confirmation (the number is in
    # their session), so reference numbers cannot be browsed.
    if number not in request.session.get(SESSION_SENT_KEY, []):
        raise Http404
    sent = contact_request_get(number=number)
    if sent is None:
        raise Http404
    return render(request, "content/contact_sent.html", {"sent": sent})


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "content/request_list.html",
        {"contact_requests": contact_request_list_for_user(user=request.user)},
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    contact_request = contact_request_get_for_user(user=request.user, number=number)
    if contact_request is None:
        raise Http404
    return render(request, "content/request_detail.html", {"item": contact_request})


@require_GET
def site_map(request: HttpRequest) -> HttpResponse:
    # The header's navigation and, signed in, the account menu (which holds
    # "My requests"), so the site map never falls behind them.
    sections = [item for item in nav_items_for(request) if item["url"] != reverse("home")]
    sections += nav_items_for(request, ACCOUNT_MENU_ITEMS)
    return render(
        request,
        "content/site_map.html",
        {
            "sections": sections,
            "categories": faq_category_list_published(),
            "pages": page_list_published(),
        },
    )
