"""The customer's homes: linking an account, the premise switcher, households.

Every view reaches customers only through `billing.selectors` (the login's own
customers with an active account); anything else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from billing.claims import ClaimRequest, account_claim
from billing.forms import ClaimForm, InvitationForm
from billing.models import AccessRole, ClaimOutcome, CustomerAccess, HouseholdInvitation
from billing.selectors import customer_current_set, customer_list_for_user
from billing.services import (
    HouseholdError,
    household_invitation_accept,
    household_invitation_create,
    household_invitation_revoke,
    household_member_remove,
)
from portal.client_ip import client_ip


@login_required
def homes(request: HttpRequest) -> HttpResponse:
    customers = list(customer_list_for_user(user=request.user))
    roles = dict(
        CustomerAccess.objects.filter(user=request.user, customer__in=customers).values_list(
            "customer_id", "role"
        )
    )
    rows = [(c, roles.get(c.pk)) for c in customers]
    return render(request, "billing/homes.html", {"rows": rows, "owner": AccessRole.OWNER})


@login_required
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = account_claim(
            user=request.user,
            ip=client_ip(request),
            request=ClaimRequest(
                identifier=data["identifier"],
                method=data["method"],
                zip_code=data.get("zip_code", ""),
                last_name=data.get("last_name", ""),
                bill_amount=data.get("bill_amount"),
            ),
        )
        if result.linked:
            customer_current_set(request=request, customer_pk=result.customers[0].pk)
            addresses = ", ".join(c.premise.street_address for c in result.customers)
            messages.success(
                request, _("Your account is connected: %(homes)s.") % {"homes": addresses}
            )
            return redirect("home")
        if result.outcome == ClaimOutcome.RATE_LIMITED:
            form.add_error(
                None,
                _(
                    "Too many attempts. Please wait 15 minutes and try again, or call us and "
                    "we'll connect your account."
                ),
            )
        elif result.outcome == ClaimOutcome.ALREADY_LINKED:
            form.add_error(
                None,
                _(
                    "This account is already connected to another sign-in. Ask the account "
                    "holder to invite you to their household, or call us."
                ),
            )
        else:
            # The same answer whatever was wrong: nothing tells whether the
            # account exists or which fact did not match.
            form.add_error(
                None,
                _(
                    "We couldn't match those details to an active account. Check them against "
                    "your latest bill and try again."
                ),
            )
    return render(request, "billing/claim.html", {"form": form})


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    try:
        customer_pk = int(request.POST.get("customer", ""))
    except ValueError:
        raise Http404 from None
    if customer_current_set(request=request, customer_pk=customer_pk) is None:
        raise Http404
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return redirect(target)


def _owned_customer_or_404(request: HttpRequest, customer_pk: int):
    customer = (
        customer_list_for_user(user=request.user)
        .filter(pk=customer_pk, accesses__user=request.user, accesses__role=AccessRole.OWNER)
        .first()
    )
    if customer is None:
        raise Http404
    return customer


@login_required
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_list_for_user(user=request.user).filter(pk=customer_pk).first()
    if customer is None:
        raise Http404
    my_access = CustomerAccess.objects.get(user=request.user, customer=customer)
    is_owner = my_access.role == AccessRole.OWNER
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_owner:
            raise Http404
        if form.is_valid():
            try:
                household_invitation_create(
                    customer=customer,
                    invited_by=request.user,
                    email=form.cleaned_data["email"],
                    accept_url_base=f"{request.scheme}://{request.get_host()}",
                )
            except HouseholdError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("billing:household", customer_pk=customer.pk)
    accesses = (
        CustomerAccess.objects.filter(customer=customer)
        .select_related("user")
        .order_by("role", "pk")
    )
    invitations = HouseholdInvitation.objects.filter(
        customer=customer, accepted_at__isnull=True, revoked_at__isnull=True
    )
    return render(
        request,
        "billing/household.html",
        {
            "customer": customer,
            "is_owner": is_owner,
            "my_access": my_access,
            "accesses": accesses,
            "invitations": invitations if is_owner else [],
            "form": form,
            "owner": AccessRole.OWNER,
        },
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, customer_pk: int, invitation_pk: int):
    customer = _owned_customer_or_404(request, customer_pk)
    invitation = get_object_or_404(HouseholdInvitation, pk=invitation_pk, customer=customer)
    household_invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation cancelled."))
    return redirect("billing:household", customer_pk=customer.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, customer_pk: int, access_pk: int):
    customer = customer_list_for_user(user=request.user).filter(pk=customer_pk).first()
    if customer is None:
        raise Http404
    access = get_object_or_404(CustomerAccess, pk=access_pk, customer=customer)
    try:
        household_member_remove(access=access, by=request.user)
    except HouseholdError as error:
        messages.error(request, str(error))
        return redirect("billing:household", customer_pk=customer.pk)
    if access.user_id == request.user.pk:
        messages.success(request, _("You left the household."))
        return redirect("home")
    messages.success(request, _("%(email)s no longer has access.") % {"email": access.user.email})
    return redirect("billing:household", customer_pk=customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = (
        HouseholdInvitation.objects.select_related("customer__premise", "invited_by")
        .filter(token=token)
        .first()
    )
    error = None
    if request.method == "POST":
        try:
            customer = household_invitation_accept(token=token, user=request.user)
        except HouseholdError as exc:
            error = str(exc)
        else:
            customer_current_set(request=request, customer_pk=customer.pk)
            messages.success(request, _("You joined the household."))
            return redirect("home")
    return render(request, "billing/join.html", {"invitation": invitation, "error": error})
