"""A fixed-window submission limit kept in the Django cache.

One counter per client address (portal.client_ip: behind trusted proxies,
the forwarded one) and one per login; either reaching the limit refuses the
submission. The window starts at the first counted submission.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from portal.client_ip import client_ip


def _limits() -> tuple[int, int]:
    conf = getattr(settings, "CONTENT_CONTACT_RATE_LIMIT", {}) or {}
    return int(conf.get("requests", 5)), int(conf.get("seconds", 3600))


def _keys(request) -> list[str]:
    keys = [f"content:contact:ip:{client_ip(request) or 'unknown'}"]
    if request.user.is_authenticated:
        keys.append(f"content:contact:user:{request.user.pk}")
    return keys


def contact_limit_reached(*, request) -> bool:
    allowed, _seconds = _limits()
    counts = cache.get_many(_keys(request))
    return any(count >= allowed for count in counts.values())


def contact_limit_count(*, request) -> None:
    """Count one accepted submission against the request's IP and login."""
    _allowed, seconds = _limits()
    for key in _keys(request):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, seconds)
