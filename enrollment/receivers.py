"""Connections made in EnrollmentConfig.ready(): the providers lower apps
call, and the login hook that merges an anonymous cart."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.shopper import ShopperState
from enrollment.models import OPEN_STATUSES, Cart, CartStatus, Enrollment, Status
from segments.conditions import ConditionType


def shopper_state_for_request(*, request) -> ShopperState:
    from enrollment.services import cart_get

    cart = cart_get(request=request)
    product_ids: set[int] = set()
    bundle_ids: set[int] = set()
    if cart is not None:
        for product_id, bundle_id in cart.lines.values_list("product_id", "bundle_id"):
            if product_id:
                product_ids.add(product_id)
            else:
                bundle_ids.add(bundle_id)
    return ShopperState(
        cart_url=reverse("enrollment:cart"),
        cart_add_url=reverse("enrollment:cart-add"),
        cart_count=len(product_ids) + len(bundle_ids),
        cart_product_ids=frozenset(product_ids),
        cart_bundle_ids=frozenset(bundle_ids),
    )


def merge_cart_on_login(sender, request, user, **kwargs) -> None:
    """Merge the visitor's anonymous cart into the login's cart."""
    from enrollment.services import SESSION_CART_TOKEN, SESSION_MERGE_NOTES, cart_merge

    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(SESSION_CART_TOKEN, None)
    if not token:
        return
    source = Cart.objects.filter(token=token, user=None, status=CartStatus.OPEN).first()
    if source is None:
        return
    notes = cart_merge(source=source, user=user)
    if notes:
        request.session[SESSION_MERGE_NOTES] = notes


class EnrolledInParams(forms.Form):
    programs = forms.CharField(help_text=_("Comma-separated product slugs."))
    include_pending = forms.BooleanField(required=False)

    def clean_programs(self):
        from catalog.models import Product

        raw = self.cleaned_data["programs"]
        items = raw if isinstance(raw, list) else str(raw).split(",")
        slugs = [str(s).strip() for s in items if str(s).strip()]
        unknown = set(slugs) - set(
            Product.objects.filter(slug__in=slugs).values_list("slug", flat=True)
        )
        if not slugs or unknown:
            raise forms.ValidationError(
                _("Unknown program: %s") % ", ".join(sorted(unknown))
                if unknown
                else _("Give a program.")
            )
        return slugs


def _enrolled_in_q(params: dict) -> Q:
    statuses = OPEN_STATUSES if params.get("include_pending") else [Status.ACTIVE]
    enrolled = Enrollment.objects.filter(
        customer=OuterRef("pk"), product__slug__in=params["programs"], status__in=statuses
    )
    return Q(Exists(enrolled))


ENROLLED_IN = ConditionType(
    "enrolled_in",
    _("Enrolled in a program"),
    EnrolledInParams,
    _enrolled_in_q,
    lambda p: _("enrolled in %s") % ", ".join(p["programs"]),
)
