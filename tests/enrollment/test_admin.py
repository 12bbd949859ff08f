import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from enrollment.models import Cart, EnrollmentStatusChange, Status
from enrollment.services import cart_add, order_place
from tests.factories import ProductFactory, StaffUserFactory
from tests.factories.enrollment import customer_with_login
from users.roles import CUSTOMER_SERVICE

pytestmark = pytest.mark.django_db


def _lines(n=2):
    user, customer = customer_with_login()
    cart = Cart.objects.create(user=user)
    for _n in range(n):
        cart_add(cart=cart, product=ProductFactory(fulfilment="staff_review"))
    return list(
        order_place(cart=cart, customer=customer, user=user, terms_accepted=True).enrollments.all()
    )


def _staff(*, group=None, perms=()):
    from django.contrib.auth.models import Group

    staff = StaffUserFactory()
    if group:
        staff.groups.add(Group.objects.get(name=group))
    for codename in perms:
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    return staff


def _inline_data(page) -> dict:
    """The management and hidden fields of the change page's inlines, as posted."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset.forms:
            for field in form.hidden_fields():
                data[field.html_name] = field.value() or ""
    return data


def test_staff_move_a_line_from_its_change_page(client):
    line = _lines(1)[0]
    client.force_login(_staff(group=CUSTOMER_SERVICE))
    url = reverse("admin:enrollment_enrollment_change", args=[line.pk])
    page = client.get(url)
    assert "Under review" in page.text
    response = client.post(
        url,
        {**_inline_data(page), "transition_to": "approved", "transition_note": "Income verified"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == Status.APPROVED
    change = EnrollmentStatusChange.objects.filter(enrollment=line).last()
    assert change.note == "Income verified"
    assert change.actor == "staff"
    # The customer sees the same timeline.
    client.force_login(line.order.user)
    assert "Income verified" in client.get(line.order.get_absolute_url()).text


def test_bulk_actions_move_every_selected_line_and_report_refusals(client):
    lines = _lines(3)
    client.force_login(_staff(group=CUSTOMER_SERVICE))
    url = reverse("admin:enrollment_enrollment_changelist")
    response = client.post(
        url,
        {"action": "move_to_active", "_selected_action": [line.pk for line in lines]},
        follow=True,
    )
    assert "3 enrolments moved." in response.text
    for line in lines:
        line.refresh_from_db()
    assert {line.status for line in lines} == {"active"}
    response = client.post(
        url,
        {"action": "move_to_approved", "_selected_action": [lines[0].pk]},
        follow=True,
    )
    assert "cannot go from" in response.text


def test_view_only_staff_cannot_transition(client):
    line = _lines(1)[0]
    client.force_login(_staff(perms=["view_enrollment"]))
    url = reverse("admin:enrollment_enrollment_changelist")
    response = client.post(url, {"action": "move_to_active", "_selected_action": [line.pk]})
    line.refresh_from_db()
    assert line.status == Status.SUBMITTED
    assert response.status_code in (200, 302)
    change = client.post(
        reverse("admin:enrollment_enrollment_change", args=[line.pk]),
        {"transition_to": "active"},
    )
    assert change.status_code == 403
    line.refresh_from_db()
    assert line.status == Status.SUBMITTED


def test_customers_cannot_reach_the_enrolment_admin(client):
    line = _lines(1)[0]
    client.force_login(line.order.user)
    url = reverse("admin:enrollment_enrollment_change", args=[line.pk])
    assert client.get(url).status_code == 403
