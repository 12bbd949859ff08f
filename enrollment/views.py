"""Cart, checkout, orders and enrolment status pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.selectors import (
    customer_current_for_request,
    customer_current_set,
    customer_list_for_user,
)
from catalog.models import Bundle, Product
from catalog.selectors import customer_facts
from catalog.spots import CHECKOUT, ORDER_CONFIRMATION, spot_items
from enrollment import workflow
from enrollment.forms import CartAddForm, CheckoutForm, LeaveForm, PremiseForm
from enrollment.recommendations import recommendations_for
from enrollment.selectors import (
    cart_review,
    enrollment_get_for_user,
    order_get_for_user,
    order_list_for_user,
)
from enrollment.services import (
    SESSION_MERGE_NOTES,
    TransitionError,
    cart_add,
    cart_get,
    cart_line_remove,
    enrollment_leave,
    order_place,
)


def _safe_next(request: HttpRequest, target: str, default: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    cart = cart_get(request=request)
    customer = facts = None
    if request.user.is_authenticated:
        customer = customer_current_for_request(request=request)
        facts = customer_facts(customer=customer) if customer else None
    review = cart_review(cart=cart, facts=facts) if cart else None
    return render(
        request,
        "enrollment/cart_detail.html",
        {
            "cart": cart,
            "review": review,
            "customer": customer,
            "merge_notes": request.session.pop(SESSION_MERGE_NOTES, []),
        },
    )


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    default = reverse("enrollment:cart")
    if not form.is_valid():
        messages.error(request, _("That could not be added to your cart."))
        return redirect(default)
    data = form.cleaned_data
    product = bundle = None
    if data.get("product"):
        product = Product.objects.published().filter(pk=data["product"]).first()
    else:
        bundle = Bundle.objects.published().filter(pk=data["bundle"]).first()
    if product is None and bundle is None:
        messages.error(request, _("That program is not available."))
        return redirect(default)
    cart = cart_get(request=request, create=True)
    result = cart_add(cart=cart, product=product, bundle=bundle)
    (messages.success if result.added else messages.warning)(request, result.message)
    return redirect(_safe_next(request, data.get("next", ""), default))


@require_POST
def cart_line_remove_view(request: HttpRequest, line_id: int) -> HttpResponse:
    cart = cart_get(request=request)
    line = cart_line_remove(cart=cart, line_id=line_id) if cart else None
    if line is None:
        raise Http404
    messages.success(request, _("%(item)s was removed from your cart.") % {"item": line.item})
    return redirect(_safe_next(request, request.POST.get("next", ""), reverse("enrollment:cart")))


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_get(request=request)
    customers = list(customer_list_for_user(user=request.user))
    if request.method == "POST" and request.POST.get("action") == "premise":
        premise_form = PremiseForm(request.POST, customers=customers)
        if premise_form.is_valid():
            customer_current_set(request=request, customer_pk=premise_form.cleaned_data["customer"])
        return redirect("enrollment:checkout")
    customer = customer_current_for_request(request=request)
    if cart is None or not cart.lines.exists():
        messages.info(request, _("Your cart is empty: choose programs first."))
        return redirect("catalog:index")
    if customer is None:
        return render(request, "enrollment/checkout.html", {"cart": cart, "customer": None})
    form = CheckoutForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            order = order_place(
                cart=cart, customer=customer, user=request.user, terms_accepted=True
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request, _("Thank you! Your order %(number)s is placed.") % {"number": order.number}
            )
            return redirect(f"{order.get_absolute_url()}?placed=1")
    facts = customer_facts(customer=customer)
    review = cart_review(cart=cart, facts=facts)
    recommendations = recommendations_for(
        customer=customer, facts=facts, chosen_ids=review.product_ids
    )
    spots = spot_items(
        slot=CHECKOUT, facts=facts, context_product_ids=frozenset(review.product_ids)
    )
    promoted = {spot.product_id for spot in spots}
    recommendations = [r for r in recommendations if r.product.pk not in promoted]
    premise_form = PremiseForm(initial={"customer": customer.pk}, customers=customers)
    return render(
        request,
        "enrollment/checkout.html",
        {
            "cart": cart,
            "customer": customer,
            "review": review,
            "form": form,
            "errors": errors,
            "recommendations": recommendations,
            "premise_form": premise_form,
            "spots": spots,
            "has_choice_of_premise": len(customers) > 1,
            "merge_notes": request.session.pop(SESSION_MERGE_NOTES, []),
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = list(order_list_for_user(user=request.user))
    return render(request, "enrollment/order_list.html", {"orders": orders})


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_user(user=request.user, number=number)
    if order is None:
        raise Http404
    lines = list(order.enrollments.all())
    for line in lines:
        line.exit_status = workflow.customer_exit_status(line.status)
    placed = request.GET.get("placed") == "1"
    spots = []
    if placed:
        spots = spot_items(
            slot=ORDER_CONFIRMATION,
            facts=customer_facts(customer=order.customer),
            context_product_ids=frozenset(line.product_id for line in lines),
        )
    return render(
        request,
        "enrollment/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "placed": placed,
            "spots": spots,
            "leave_form": LeaveForm(),
        },
    )


@login_required
@require_POST
def enrollment_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_get_for_user(user=request.user, pk=pk)
    if enrollment is None:
        raise Http404
    form = LeaveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        enrollment_leave(enrollment=enrollment, user=request.user, note=note)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(program)s: %(status)s.")
            % {"program": enrollment.product.name, "status": enrollment.get_status_display()},
        )
    return redirect(enrollment.order.get_absolute_url())
