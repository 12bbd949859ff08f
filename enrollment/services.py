"""Enrollment: the customer's cart, orders of programs and their status.

The flow (seed 001, "Program (Product) Enrollment"): a visitor adds programs
to a cart without signing in; checkout needs a login, and the anonymous cart
merges into the login's cart with a note of what changed; each line is
checked for the selected premise; the order gets a readable number, one
enrolment line per program and a service order for lines that need staff or
field work; each line then moves through ``enrollment.workflow``, with a
history row and a customer notice per transition.

Invariants live in the database: one open cart per login or session token,
one open enrolment per premise and program. Placing an order locks the cart
and the premise (``select_for_update``), so a double submission creates one
order, and two carts racing for the same program create one enrolment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Customer, Premise
from catalog.models import Bundle, Fulfilment, Product
from catalog.selectors import bundle_list_published, customer_facts
from enrollment import notices, workflow
from enrollment.fulfilment import (
    FulfilmentError,
    FulfilmentOutcome,
    FulfilmentRequest,
    fulfilment_handler,
)
from enrollment.models import (
    Cart,
    CartLine,
    CartStatus,
    Enrollment,
    EnrollmentStatusChange,
    Order,
    ServiceOrder,
    ServiceOrderKind,
    ServiceOrderStatus,
    Status,
)
from enrollment.selectors import cart_lines, cart_review, selection_problems
from enrollment.signals import enrollment_status_changed, order_placed

SESSION_CART_TOKEN = "enrollment.cart_token"  # noqa: S105 - a session key name
SESSION_MERGE_NOTES = "enrollment.merge_notes"
# Crockford's base32 without I, L, O, U: readable over the phone.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class TransitionError(ValidationError):
    pass


def _number(prefix: str) -> str:
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


# --- cart ---------------------------------------------------------------------


def cart_get(*, request, create: bool = False) -> Cart | None:
    """The visitor's open cart: the login's, else the session token's."""
    if request.user.is_authenticated:
        cart = Cart.objects.filter(user=request.user, status=CartStatus.OPEN).first()
        if cart is None and create:
            cart = _cart_create(user=request.user)
        return cart
    token = request.session.get(SESSION_CART_TOKEN)
    cart = None
    if token:
        cart = Cart.objects.filter(token=token, user=None, status=CartStatus.OPEN).first()
    if cart is None and create:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CART_TOKEN] = token
        cart = _cart_create(token=token)
    return cart


def _cart_create(*, user=None, token: str = "") -> Cart:
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user, token=token)
    except IntegrityError:
        # A parallel request created it first.
        return Cart.objects.get(user=user, status=CartStatus.OPEN)


@dataclass(frozen=True)
class AddResult:
    added: bool
    message: str


@transaction.atomic
def cart_add(
    *, cart: Cart, product: Product | None = None, bundle: Bundle | None = None
) -> AddResult:
    """Add a published product or bundle, unless it conflicts with the cart.

    Conflicts are the combination rules (exclusive groups, excludes,
    bundle additions). A missing required product is not a conflict: the
    cart shows it and suggests adding it.
    """
    if (product is None) == (bundle is None):
        raise ValueError("give a product or a bundle")
    item = product or bundle
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    if not item.is_published:
        return AddResult(False, _("%(item)s is not available.") % {"item": item})
    lines = cart_lines(cart=cart)
    if any(line.item == item and type(line.item) is type(item) for line in lines):
        return AddResult(False, _("%(item)s is already in your cart.") % {"item": item})
    bundles = [line.bundle for line in lines if line.bundle_id]
    products = [line.product for line in lines if line.product_id]
    if product is not None:
        holder = next(
            (b for b in bundles if product.pk in {i.product_id for i in b.items.all()}), None
        )
        if holder is not None:
            return AddResult(
                False,
                _("%(item)s is already included in %(bundle)s.")
                % {"item": product, "bundle": holder},
            )
    before = {
        p.message
        for p in selection_problems(products=products, bundles=bundles, enrolled_ids=set())
    }
    if bundle is not None:
        bundle = bundle_list_published().get(pk=bundle.pk)
        after = selection_problems(
            products=products, bundles=[*bundles, bundle], enrolled_ids=set()
        )
    else:
        after = selection_problems(
            products=[*products, product], bundles=bundles, enrolled_ids=set()
        )
    new = [p for p in after if p.message not in before and p.code != "requires"]
    if new:
        return AddResult(False, " ".join(p.message for p in new))
    CartLine.objects.create(cart=cart, product=product, bundle=bundle)
    cart.save(update_fields=["updated_at"])
    return AddResult(True, _("%(item)s was added to your cart.") % {"item": item})


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> CartLine | None:
    """Remove a line of this cart; None if the line is not in it."""
    line = cart.lines.select_related("product", "bundle").filter(pk=line_id).first()
    if line is not None:
        line.delete()
    return line


@transaction.atomic
def cart_merge(*, source: Cart, user) -> list[str]:
    """Move an anonymous cart into the login's cart; return notes of what changed.

    The anonymous cart wins conflicts: the visitor chose it just now, on the
    way to checkout (django-oscar's basket-merge surprises, ecosystem.md §3).
    Lines already in the login's cart are kept once; a line of the login's
    older cart that conflicts with the new selection is removed, and said so.
    """
    source = Cart.objects.select_for_update().get(pk=source.pk)
    if source.status != CartStatus.OPEN or source.user_id is not None:
        return []
    target = Cart.objects.select_for_update().filter(user=user, status=CartStatus.OPEN).first()
    incoming = cart_lines(cart=source)
    if target is None:
        source.user, source.token = user, ""
        source.save(update_fields=["user", "token", "updated_at"])
        if not incoming:
            return []
        return [
            _("The programs you chose are now saved to your account: %(items)s.")
            % {"items": ", ".join(str(line.item) for line in incoming)}
        ]
    notes: list[str] = []
    existing = cart_lines(cart=target)
    existing_keys = {line.key for line in existing}
    if incoming and existing:
        notes.append(
            _("We combined the programs you just chose with the cart saved on your account.")
        )
    for line in incoming:
        if line.key in existing_keys:
            notes.append(_("%(item)s was already in your saved cart.") % {"item": line.item})
    new_lines = [line for line in incoming if line.key not in existing_keys]
    # Old lines that conflict with the new selection give way.
    new_products = [line.product for line in new_lines if line.product_id]
    new_bundles = [line.bundle for line in new_lines if line.bundle_id]
    for old in existing:
        products = [*new_products, *([old.product] if old.product_id else [])]
        bundles = [*new_bundles, *([old.bundle] if old.bundle_id else [])]
        if (old.product_id and old.product.pk in {p.pk for p in new_products}) or (
            old.bundle_id and old.bundle.pk in {b.pk for b in new_bundles}
        ):
            continue
        conflicts = [
            p
            for p in selection_problems(products=products, bundles=bundles, enrolled_ids=set())
            if p.code != "requires" and old.key in p.lines
        ]
        if conflicts:
            notes.append(
                _("%(item)s was removed from your saved cart: %(why)s")
                % {"item": old.item, "why": conflicts[0].message}
            )
            old.delete()
    for line in new_lines:
        notes.append(_("%(item)s was added from this visit.") % {"item": line.item})
        CartLine.objects.create(cart=target, product=line.product, bundle=line.bundle)
    incoming_keys = {line.key for line in incoming}
    for line in (old for old in existing if old.pk is not None and old.key not in incoming_keys):
        notes.append(_("%(item)s is still in your cart from before.") % {"item": line.item})
    source.lines.all().delete()
    source.status = CartStatus.MERGED
    source.save(update_fields=["status", "updated_at"])
    return notes


# --- orders -------------------------------------------------------------------


def order_place(*, cart: Cart, customer: Customer, user, terms_accepted: bool) -> Order:
    """Place the cart as an order for one customer-premise.

    Idempotent per cart: submitting the same cart twice (double click, two
    tabs) returns the first order. Raises ``ValidationError`` listing every
    reason the cart cannot be ordered.
    """
    if not terms_accepted:
        raise ValidationError(_("Please accept the terms of the programs to place the order."))
    try:
        return _order_place(cart_pk=cart.pk, customer=customer, user=user)
    except IntegrityError as exc:
        # Another order for the same premise and program committed between
        # our check and our insert (the constraint is the last guard).
        raise ValidationError(
            _("One of these programs was just requested for this address. Check your orders.")
        ) from exc


@transaction.atomic
def _order_place(*, cart_pk: int, customer: Customer, user) -> Order:
    cart = Cart.objects.select_for_update().get(pk=cart_pk)
    if cart.status == CartStatus.ORDERED:
        order = Order.objects.filter(cart=cart).first()
        if order is not None:
            return order
    if cart.status != CartStatus.OPEN or cart.user_id != user.pk:
        raise ValidationError(_("This cart can no longer be ordered."))
    # Serialise orders for the premise: eligibility and the open-enrolment
    # check below read what committed orders left.
    Premise.objects.select_for_update().get(pk=customer.premise_id)
    facts = customer_facts(customer=customer)
    review = cart_review(cart=cart, facts=facts)
    if not review.lines:
        raise ValidationError(_("Your cart is empty."))
    if not review.ready:
        reasons = [p.message for p in review.problems]
        for reviewed in review.lines:
            if reviewed.verdict is not None and not reviewed.verdict.eligible:
                reasons.extend(f"{reviewed.line.item}: {r}" for r in reviewed.verdict.reasons)
            reasons.extend(p.message for p in reviewed.problems)
        raise ValidationError(list(dict.fromkeys(reasons)))
    now = timezone.now()
    order = Order.objects.create(
        number=_unique_number("EN", Order),
        user=user,
        customer=customer,
        cart=cart,
        terms_accepted_at=now,
        placed_at=now,
    )
    for reviewed in review.lines:
        line = reviewed.line
        if line.product_id:
            pairs = [(line.product, None)]
        else:
            pairs = [(item.product, line.bundle) for item in line.bundle.items.all()]
        for product, bundle in pairs:
            _enrollment_create(order=order, product=product, bundle=bundle, user=user, at=now)
    cart.status = CartStatus.ORDERED
    cart.save(update_fields=["status", "updated_at"])
    notices.notice_send(notices.order_notice(order=order))
    transaction.on_commit(lambda: order_placed.send(sender=Order, order=order))
    return order


def _unique_number(prefix: str, model) -> str:
    for _attempt in range(10):
        number = _number(prefix)
        if not model.objects.filter(number=number).exists():
            return number
    raise RuntimeError("could not draw a unique number")


def _fulfilment_request(enrollment: Enrollment, user) -> FulfilmentRequest:
    return FulfilmentRequest(
        enrollment_id=enrollment.pk,
        order_number=enrollment.order.number,
        kind=enrollment.product.kind,
        product_slug=enrollment.product.slug,
        params=dict(enrollment.product.handler_params or {}),
        customer=enrollment.customer,
        premise=enrollment.premise,
        requested_by=user,
    )


def _enrollment_create(*, order: Order, product: Product, bundle, user, at) -> Enrollment:
    enrollment = Enrollment.objects.create(
        order=order,
        customer=order.customer,
        premise_id=order.customer.premise_id,
        product=product,
        bundle=bundle,
        status=Status.SUBMITTED,
        status_changed_at=at,
        fulfilment=product.fulfilment,
    )
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment,
        from_status="",
        to_status=Status.SUBMITTED,
        at=at,
        by=user,
        actor=workflow.CUSTOMER,
        note=_("Request received."),
    )
    handler = fulfilment_handler(product.kind)
    try:
        if handler is None:
            outcome = FulfilmentOutcome(review=True, note=f"No handler for kind {product.kind!r}")
        else:
            outcome = handler.start(_fulfilment_request(enrollment, user))
    except (FulfilmentError, ValidationError) as exc:
        # A handler in a lower app (rebates) cannot import FulfilmentError
        # and raises Django's ValidationError instead.
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        enrollment_transition(
            enrollment=enrollment, to_status=Status.REJECTED, actor=workflow.SYSTEM, note=message
        )
        return enrollment
    # Duck-typed: lower apps return any object with these attributes.
    reference = str(getattr(outcome, "reference", "") or "")
    if reference:
        enrollment.external_reference = reference[:64]
        enrollment.save(update_fields=["external_reference", "updated_at"])
    review = bool(getattr(outcome, "review", False))
    activate = bool(getattr(outcome, "activate", False))
    needs_staff = review or product.fulfilment != Fulfilment.INSTANT
    if needs_staff:
        kind = (
            ServiceOrderKind.FIELD
            if product.fulfilment == Fulfilment.FIELD_WORK
            else ServiceOrderKind.REVIEW
        )
        ServiceOrder.objects.create(
            number=_unique_number("WO" if kind == ServiceOrderKind.FIELD else "SO", ServiceOrder),
            enrollment=enrollment,
            kind=kind,
            notes=str(getattr(outcome, "note", "") or ""),
        )
    elif activate:
        enrollment_transition(
            enrollment=enrollment,
            to_status=Status.ACTIVE,
            actor=workflow.SYSTEM,
            note=_("Active right away."),
        )
    return enrollment


# --- status workflow ------------------------------------------------------------


@transaction.atomic
def enrollment_transition(
    *, enrollment: Enrollment, to_status: str, actor: str, by=None, note: str = ""
) -> EnrollmentStatusChange:
    """Move one line to a new status: validate, save, record, tell the customer."""
    locked = (
        Enrollment.objects.select_for_update()
        .select_related("order", "product", "customer__premise", "premise")
        .get(pk=enrollment.pk)
    )
    if not workflow.transition_allowed(from_status=locked.status, to_status=to_status, actor=actor):
        raise TransitionError(
            _("%(program)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "program": locked.product.name,
                "from": locked.get_status_display(),
                "to": Status(to_status).label,
            }
        )
    from_status = locked.status
    now = timezone.now()
    locked.status = to_status
    locked.status_changed_at = now
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    change = EnrollmentStatusChange.objects.create(
        enrollment=locked,
        from_status=from_status,
        to_status=to_status,
        at=now,
        by=by,
        actor=actor,
        note=note[:300],
    )
    handler = fulfilment_handler(locked.product.kind)
    if handler is not None:
        request = _fulfilment_request(locked, by)
        if to_status == Status.ACTIVE and hasattr(handler, "activated"):
            handler.activated(request)
        elif from_status == Status.ACTIVE and hasattr(handler, "ended"):
            handler.ended(request)
    if to_status in workflow.TERMINAL or to_status == Status.ACTIVE:
        ServiceOrder.objects.filter(enrollment=locked, status=ServiceOrderStatus.OPEN).update(
            status=ServiceOrderStatus.DONE
            if to_status in (Status.ACTIVE, Status.REJECTED)
            else ServiceOrderStatus.CANCELLED,
            updated_at=now,
        )
    enrollment.status, enrollment.status_changed_at = to_status, now
    notices.notice_send(notices.status_notice(change=change))
    transaction.on_commit(
        lambda: enrollment_status_changed.send(sender=Enrollment, enrollment=locked, change=change)
    )
    return change


def enrollment_leave(*, enrollment: Enrollment, user, note: str = "") -> EnrollmentStatusChange:
    """The customer cancels a request or withdraws (de-enrols) from a program."""
    target = workflow.customer_exit_status(enrollment.status)
    if target is None:
        raise TransitionError(_("This program can no longer be cancelled here."))
    return enrollment_transition(
        enrollment=enrollment,
        to_status=target,
        actor=workflow.CUSTOMER,
        by=user,
        note=note
        or (_("Cancelled by you.") if target == Status.CANCELLED else _("You left the program.")),
    )
