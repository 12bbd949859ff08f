from django import template

from billing.selectors import SESSION_CUSTOMER_KEY, customers_for_request

register = template.Library()


@register.inclusion_tag("billing/_premise_switcher.html", takes_context=True)
def premise_switcher(context):
    """The header's home switcher: the login's customers, the current one first.

    Same rule as `customer_current_for_request` (the session's choice if it is
    still the login's, else the first), in one query.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"customers": []}
    customers = customers_for_request(request=request)
    chosen = request.session.get(SESSION_CUSTOMER_KEY)
    current = next((c for c in customers if c.pk == chosen), customers[0] if customers else None)
    return {"customers": customers, "current": current, "request": request}
