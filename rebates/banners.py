"""The next peak event as a banner on the insights dashboard.

Listed in settings.INSIGHTS_DASHBOARD_BANNERS; the dashboard calls it with
the signed-in login's current customer.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from rebates.selectors import peak_event_next_for_customer


def peak_event_banner(request, customer) -> str | None:
    next_event = peak_event_next_for_customer(customer=customer)
    if next_event is None:
        return None
    return render_to_string(
        "rebates/includes/next_event_banner.html", {"next_event": next_event}, request=request
    )
