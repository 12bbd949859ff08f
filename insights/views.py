"""The dashboard, its smart-meter partial and the CSV behind every chart.

Every view finds the customer through `billing.selectors` (the login's own
customers with an active account), so another customer's id in the URL is a
404, never a 403: nothing tells whether it exists.
"""

from __future__ import annotations

import csv
import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from billing.models import Customer
from billing.selectors import customer_current_set, customer_list_for_user
from insights import charts
from insights.banners import dashboard_banners
from insights.dashboard import ami_panel, dashboard_build, parse_day
from insights.selectors import dashboard_data_version, services_for_customer


def _customer_or_404(request: HttpRequest, customer_pk: int) -> Customer:
    customer = customer_list_for_user(user=request.user).filter(pk=customer_pk).first()
    if customer is None:
        raise Http404
    return customer


def dashboard_fragments(request: HttpRequest, customer: Customer) -> tuple[dict, object]:
    """The dashboard's HTML, from the cache when nothing it shows has changed.

    Keyed by customer, language, requested day, today (eligibility holds end
    on a date) and `dashboard_data_version` (one query), so a new bill, read,
    comparison, hold or account change shows at once. Returns the fragments
    and the `Dashboard` when it had to be built (None from the cache).
    """
    day = parse_day(request.GET.get("day"))
    seconds = getattr(settings, "INSIGHTS_DASHBOARD_CACHE_SECONDS", 0)
    key = None
    if seconds:
        version = dashboard_data_version(customer=customer)
        digest = hashlib.sha256(
            f"{version}|{get_language()}|{day}|{timezone.localdate()}".encode()
        ).hexdigest()[:32]
        key = f"insights:dashboard:{customer.pk}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached, None
    dashboard = dashboard_build(customer=customer, day=day)
    context = {"customer": customer, "dashboard": dashboard}
    fragments = {
        "head": render_to_string("insights/_dashboard.html#dashboard-head", context, request),
        "body": render_to_string("insights/_dashboard.html#dashboard-body", context, request),
    }
    if key:
        cache.set(key, fragments, seconds)
    return fragments, dashboard


def dashboard_render(request: HttpRequest, customer: Customer) -> HttpResponse:
    """The signed-in home page for one customer at one premise."""
    fragments, dashboard = dashboard_fragments(request, customer)
    return render(
        request,
        "insights/dashboard.html",
        {
            "customer": customer,
            "fragments": {k: mark_safe(v) for k, v in fragments.items()},
            "dashboard": dashboard,
            "banners": dashboard_banners(request=request, customer=customer),
            "plotly_config": charts.CONFIG,
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_pk)
    customer_current_set(request=request, customer_pk=customer.pk)
    return dashboard_render(request, customer)


@login_required
@require_GET
def smart_meter(request: HttpRequest, customer_pk: int, fuel: str) -> HttpResponse:
    """The daily and hourly charts for another day (an htmx partial)."""
    customer = _customer_or_404(request, customer_pk)
    service = next(
        (
            s
            for s in services_for_customer(customer=customer)
            if s.fuel == fuel and s.has_interval_data
        ),
        None,
    )
    if service is None:
        raise Http404
    panel = ami_panel(service, parse_day(request.GET.get("day")))
    if panel is None:
        raise Http404
    if not request.htmx:
        url = reverse("insights:dashboard", args=[customer.pk])
        return redirect(f"{url}?{urlencode({'day': panel.day.isoformat()})}#smart-meter-{fuel}")
    return render(
        request,
        "insights/_dashboard.html#smart-meter",
        {"customer": customer, "service": service, "ami": panel},
    )


@login_required
@require_GET
def chart_csv(request: HttpRequest, customer_pk: int, key: str) -> HttpResponse:
    """The data behind one chart of the dashboard, as CSV."""
    customer = _customer_or_404(request, customer_pk)
    chart = dashboard_build(customer=customer, day=parse_day(request.GET.get("day"))).chart(key)
    if chart is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(f"{customer.premise.premise_id}-{chart.key}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow([column.label for column in chart.columns])
    for row in chart.rows:
        writer.writerow(
            [
                _csv_value(value, column.kind)
                for value, column in zip(row, chart.columns, strict=True)
            ]
        )
    return response


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind == "flag":
        return gettext("estimated") if value else gettext("actual")
    return value
