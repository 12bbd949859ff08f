from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from users.forms import LanguageForm, ProfileForm
from users.services import user_language_set, user_profile_update


def _language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = user_profile_update(user=request.user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your profile is saved."))
        return _language_cookie(redirect("users:profile"), user.language)
    return render(request, "users/profile.html", {"form": form})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The footer's language switch: saved to the profile when signed in."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    if not form.is_valid():
        return redirect(target)
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=code)
    return _language_cookie(redirect(target), code)
