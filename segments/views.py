from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing.selectors import customer_current_for_request
from segments.forms import HomeProfileForm
from segments.selectors import customer_profile_get
from segments.services import customer_profile_update


@login_required
@require_http_methods(["GET", "POST"])
def home_profile(request: HttpRequest) -> HttpResponse:
    """The customer's equipment answers, which programs and offers read."""
    customer = customer_current_for_request(request=request)
    if customer is None:
        return render(request, "segments/home_profile.html", {"customer": None})
    profile = customer_profile_get(customer=customer)
    initial = {
        "owns_solar": profile.owns_solar,
        "owns_ev": profile.owns_ev,
        "owns_agricultural_pump": profile.owns_agricultural_pump,
    }
    form = HomeProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        customer_profile_update(customer=customer, **form.cleaned_data)
        messages.success(request, _("Your home profile is saved."))
        return redirect("segments:home-profile")
    return render(
        request,
        "segments/home_profile.html",
        {"customer": customer, "profile": profile, "form": form},
    )
