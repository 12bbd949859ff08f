"""The address a request comes from, behind the proxies the deployment trusts.

Behind a load balancer every request's REMOTE_ADDR is the balancer's, so a
per-address limit would count all customers together. allauth's setting
(ALLAUTH_TRUSTED_PROXY_COUNT or ALLAUTH_TRUSTED_CLIENT_IP_HEADER, from the
TRUSTED_PROXY_COUNT and TRUSTED_CLIENT_IP_HEADER environment variables)
says which forwarded address to believe; allauth's own rate limits use it
too. With neither set, forwarded headers are ignored (they can be forged).
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address; None if the request carries none."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ValueError, PermissionDenied):  # a malformed or missing forwarded header
        return request.META.get("REMOTE_ADDR") or None
