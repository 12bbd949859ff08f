"""The portal's main navigation. Apps add their entries here.

Each entry names a URL; entries whose URL is not installed are skipped, so an
app can be removed without editing templates.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, shown to: "all" | "customer" | "anonymous")
NAV_ITEMS: list[tuple[str, str, str]] = [
    ("home", _("Home"), "all"),
    ("rebates:peak_savings", _("Peak savings"), "customer"),
    ("catalog:index", _("Programs"), "all"),
    ("enrollment:order-list", _("My programs"), "customer"),
    ("content:help", _("Help"), "all"),
]

# The signed-in user's menu (under their initial in the header), before the
# account-security links allauth provides.
ACCOUNT_MENU_ITEMS: list[tuple[str, str, str]] = [
    ("users:profile", _("Profile"), "customer"),
    ("billing:homes", _("Homes and household"), "customer"),
    ("notifications:preferences", _("Notification settings"), "customer"),
    ("content:request-list", _("My requests"), "customer"),
]


def nav_items_for(request, entries=None) -> list[dict]:
    signed_in = request.user.is_authenticated
    items = []
    for url_name, label, audience in NAV_ITEMS if entries is None else entries:
        if audience == "customer" and not signed_in:
            continue
        if audience == "anonymous" and signed_in:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items
