from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from billing.eligibility import PURPOSE_ORDER, customer_eligibility
from billing.models import Customer, EligibilityHold, Purpose


@admin.register(EligibilityHold)
class EligibilityHoldAdmin(admin.ModelAdmin):
    list_display = ["customer", "purpose", "reason", "starts_on", "ends_on", "source"]
    list_filter = ["purpose", "reason"]
    search_fields = ["customer__customer_id", "customer__secondary_id", "detail", "source"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    date_hierarchy = "starts_on"


def eligibility_panel_html(customer: Customer) -> str:
    """What the customer is eligible for and why not, as staff see it
    (the same answer as `manage.py explain_eligibility`)."""
    if customer.pk is None:
        return "—"
    result = customer_eligibility(customer=customer)
    rows = []
    for purpose in PURPOSE_ORDER:
        decision = result.decisions[purpose]
        reasons = format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (
                    reason.message,
                    _reason_dates(reason),
                )
                for reason in decision.reasons
            ),
        )
        rows.append(
            format_html(
                '<tr><th scope="row">{}</th><td class="{}">{}</td><td>{}</td></tr>',
                Purpose(purpose).label,
                "eligibility-yes" if decision.eligible else "eligibility-no",
                _("Eligible") if decision.eligible else _("Not eligible"),
                format_html("<ul>{}</ul>", reasons) if decision.reasons else "—",
            )
        )
    return format_html(
        '<table class="eligibility-panel"><caption>{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("As of %(day)s") % {"day": result.on.isoformat()},
        _("Purpose"),
        _("Decision"),
        _("Reasons"),
        format_html_join("", "{}", ((row,) for row in rows)),
    )


def _reason_dates(reason) -> str:
    parts = []
    if reason.since:
        parts.append(_("since %(day)s") % {"day": reason.since.isoformat()})
    if reason.until:
        parts.append(_("until %(day)s") % {"day": reason.until.isoformat()})
    return f" ({', '.join(parts)})" if parts else ""
