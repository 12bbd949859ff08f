from django import template

from rebates.selectors import peak_event_next_for_customer

register = template.Library()


@register.inclusion_tag("rebates/includes/next_event_banner.html")
def ptr_next_event_banner(customer):
    """The next peak event banner for a customer; nothing when there is none.

    For the insights dashboard: ``{% load rebates_tags %}{% ptr_next_event_banner customer %}``.
    """
    return {"next_event": peak_event_next_for_customer(customer=customer)}


@register.filter
def ptr_days(event) -> str:
    """'Tuesday, July 14', or the multi-day wording ('… and …', 'every day from … to …')."""
    from rebates.communications import days_text

    return days_text(event.days)


@register.filter
def ptr_isodate(value: str):
    """An ISO date string (from a result's detail) as a date, for the |date filter."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
