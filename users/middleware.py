"""Per-login behaviour on every request: the UI language, and MFA for staff."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class UserLanguageMiddleware:
    """Signed-in users see the portal in the language of their profile.

    Placed after AuthenticationMiddleware (and after LocaleMiddleware, which
    handles visitors by cookie and Accept-Language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class StaffMFARequiredMiddleware:
    """Staff must set up two-factor authentication before any admin page.

    Staff sign in through the same allauth login as customers; once they have
    an authenticator allauth asks for it at every login. A staff login without
    one is sent to set up an authenticator app first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not user_has_mfa(user)
        ):
            message = _("Staff accounts need two-factor authentication.")
            message += " " + _("Set up an authenticator app to continue to the admin.")
            messages.warning(request, message)
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
