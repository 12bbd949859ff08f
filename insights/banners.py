"""Banners other apps show at the top of the dashboard (e.g. the next peak event).

Pluggable the way Django's own backends are: `INSIGHTS_DASHBOARD_BANNERS` lists
dotted paths to callables `(request, customer) -> str | None` returning safe
HTML (usually `render_to_string(...)`). Each is imported lazily; a banner
that fails is logged and left out, so a broken banner never breaks the page.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)


@cache
def _banner_callables(paths: tuple[str, ...]) -> list:
    found = []
    for path in paths:
        try:
            found.append(import_string(path))
        except ImportError:
            logger.warning("dashboard banner %s cannot be imported; skipped", path)
    return found


def dashboard_banners(*, request, customer) -> list[str]:
    paths = tuple(getattr(settings, "INSIGHTS_DASHBOARD_BANNERS", ()))
    banners = []
    for banner in _banner_callables(paths):
        try:
            html = banner(request, customer)
        except Exception:  # a banner must never take the dashboard down
            logger.exception("dashboard banner %r failed", banner)
            continue
        if html:
            banners.append(mark_safe(html))  # the banner renders a template
    return banners
