"""The utility this deployment serves: settings plus the staff override."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.templatetags.static import static

CACHE_KEY = "portal:utility-profile"


@dataclass(frozen=True)
class Utility:
    name: str
    short_name: str
    support_phone: str
    support_email: str
    website: str
    postal_address: str
    logo_url: str
    primary_color: str
    time_zone: str


def utility_get() -> Utility:
    """Return the utility's identity, cached until staff change it."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    utility = _utility_build()
    cache.set(CACHE_KEY, utility, 300)
    return utility


def utility_cache_clear() -> None:
    cache.delete(CACHE_KEY)


def _utility_build() -> Utility:
    from portal.models import UtilityProfile

    defaults = settings.UTILITY
    try:
        profile = UtilityProfile.objects.first()
    except DatabaseError:
        # Before migrations have run (e.g. `manage.py check`).
        profile = None

    def pick(field: str, key: str) -> str:
        value = getattr(profile, field, "") if profile else ""
        return value or defaults[key]

    logo_url = profile.logo.url if profile and profile.logo else static(defaults["LOGO"])
    return Utility(
        name=pick("name", "NAME"),
        short_name=pick("short_name", "SHORT_NAME"),
        support_phone=pick("support_phone", "SUPPORT_PHONE"),
        support_email=pick("support_email", "SUPPORT_EMAIL"),
        website=pick("website", "WEBSITE"),
        postal_address=pick("postal_address", "POSTAL_ADDRESS"),
        logo_url=logo_url,
        primary_color=pick("primary_color", "PRIMARY_COLOR"),
        time_zone=settings.TIME_ZONE,
    )
