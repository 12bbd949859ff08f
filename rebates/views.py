from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing.selectors import customer_current_for_request
from portal.utility import utility_get
from rebates import charts, ical, selectors
from rebates.models import ParticipantStatus, Participation, ResultStatus
from rebates.services import PtrEnrollmentError, ptr_participant_enroll

# Opower's web widget shows 6 events a season by default, at most 10.
PAST_EVENTS_SHOWN = 10


def _chart_context(result) -> dict:
    if result is None or result.status != ResultStatus.SETTLED:
        return {}
    rows = charts.event_hours_rows(result.detail)
    return {
        "chart_rows": rows,
        "chart_figure": charts.baseline_vs_actual_figure(rows),
    }


@login_required
def peak_savings(request: HttpRequest) -> HttpResponse:
    customer = customer_current_for_request(request=request)
    program = selectors.program_current()
    context: dict = {"customer": customer, "program": program}
    if customer is not None and program is not None:
        participant = selectors.participant_for_customer(customer=customer, program=program)
        results = list(
            selectors.results_for_customer(customer=customer, program=program)[:PAST_EVENTS_SHOWN]
        )
        latest = next((r for r in results if r.status == ResultStatus.SETTLED), None)
        participating = participant is not None and participant.status == ParticipantStatus.ACTIVE
        context.update(
            {
                "participant": participant,
                "participating": participating,
                "next_event": selectors.peak_event_next_for_customer(customer=customer),
                "upcoming": (
                    list(selectors.events_upcoming_for_participant(participant=participant)[:5])
                    if participating
                    else []
                ),
                "results": results,
                "latest": latest,
                "totals": selectors.season_totals(customer=customer, program=program),
                "rate": program.rebate_per_kwh,
                "can_opt_in": program.participation == Participation.OPT_IN and not participating,
                "calendar_url": (
                    request.build_absolute_uri(
                        reverse("rebates:calendar_token", args=[participant.calendar_token])
                    )
                    if participating
                    else ""
                ),
                **_chart_context(latest),
            }
        )
    return render(request, "rebates/peak_savings.html", context)


@login_required
def peak_event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    customer = customer_current_for_request(request=request)
    if customer is None:
        raise Http404
    result = selectors.result_for_customer(customer=customer, event_id=event_id)
    if result is None:
        raise Http404
    context = {"customer": customer, "result": result, "event": result.event}
    context.update(_chart_context(result))
    return render(request, "rebates/event_detail.html", context)


@login_required
@require_POST
def opt_in(request: HttpRequest) -> HttpResponse:
    customer = customer_current_for_request(request=request)
    if customer is None:
        raise Http404
    try:
        ptr_participant_enroll(customer=customer)
    except PtrEnrollmentError as exc:
        messages.error(request, _("We could not sign you up: %(why)s") % {"why": exc.message})
    else:
        messages.success(
            request,
            _("You are signed up. We will let you know before each peak day."),
        )
    return redirect("rebates:peak_savings")


def _calendar_response(request: HttpRequest, participant) -> HttpResponse:
    events = selectors.events_upcoming_for_participant(participant=participant)
    utility = utility_get()
    text = ical.calendar_text(
        events=events,
        name=_("%(utility)s peak days") % {"utility": utility.name},
        host=request.get_host().split(":")[0] or "portal",
        summary=_("Peak day: use less energy, earn a rebate"),
        description=_("Shift energy use out of these hours to earn a bill credit."),
        now=timezone.now(),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="peak-days.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def calendar_feed(request: HttpRequest) -> HttpResponse:
    customer = customer_current_for_request(request=request)
    participant = (
        selectors.participant_for_customer(customer=customer) if customer is not None else None
    )
    if participant is None or participant.status != ParticipantStatus.ACTIVE:
        raise Http404
    return _calendar_response(request, participant)


def calendar_feed_token(request: HttpRequest, token: str) -> HttpResponse:
    """For calendar apps, which cannot sign in: the unguessable token is the key."""
    participant = selectors.participant_for_calendar_token(token=token)
    if participant is None:
        raise Http404
    return _calendar_response(request, participant)
