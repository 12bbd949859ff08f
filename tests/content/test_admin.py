import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from content.models import ContactStatus
from tests.factories import (
    ContactRequestFactory,
    FaqQuestionFactory,
    PageFactory,
    StaffUserFactory,
)
from users.roles import CUSTOMER_SERVICE, DATA_ADMINISTRATOR

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:content_contactrequest_changelist"


def _staff(client, role):
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def test_staff_pages_load_with_filters_and_search(admin_client):
    ContactRequestFactory(topic="outage", message="Lights out on Elm Street")
    FaqQuestionFactory()
    PageFactory()
    url = reverse(CHANGELIST)
    response = admin_client.get(url, {"status__exact": "new", "topic__exact": "outage", "q": "Elm"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    for name in ["faqcategory", "faqquestion", "page"]:
        assert admin_client.get(reverse(f"admin:content_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:content_faqquestion_add")).status_code == 200
    # Requests come from customers: staff cannot invent one.
    assert admin_client.get(reverse("admin:content_contactrequest_add")).status_code == 403


def test_customer_service_moves_requests_with_the_action(client):
    agent = _staff(client, CUSTOMER_SERVICE)
    first, second = ContactRequestFactory(), ContactRequestFactory(status="in_progress")
    response = client.post(
        reverse(CHANGELIST),
        {"action": "move_to_in_progress", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ContactStatus.IN_PROGRESS
    assert first.handled_by == agent
    assert first.status_changes.get().by == agent
    # Already in progress: refused with a message, unchanged.
    assert second.status_changes.count() == 0
    assert "cannot move" in response.text


def test_the_status_action_needs_the_change_permission(client):
    _staff(client, DATA_ADMINISTRATOR)  # no content permissions at all
    request = ContactRequestFactory()
    response = client.post(
        reverse(CHANGELIST), {"action": "move_to_resolved", "_selected_action": [request.pk]}
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == ContactStatus.NEW


def test_view_only_staff_are_not_offered_the_action(client):
    user = StaffUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_contactrequest"))
    client.force_login(user)
    request = ContactRequestFactory()
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert "move_to_resolved" not in response.text
    client.post(
        reverse(CHANGELIST), {"action": "move_to_resolved", "_selected_action": [request.pk]}
    )
    request.refresh_from_db()
    assert request.status == ContactStatus.NEW


def test_change_form_saves_notes_and_moves_the_status(client):
    agent = _staff(client, CUSTOMER_SERVICE)
    request = ContactRequestFactory()
    url = reverse("admin:content_contactrequest_change", args=[request.pk])
    response = client.post(
        url,
        {
            "staff_notes": "Called back, meter re-read booked.",
            "transition_to": "resolved",
            "transition_note": "Re-read booked",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.staff_notes == "Called back, meter re-read booked."
    assert request.status == ContactStatus.RESOLVED
    assert request.resolved_at is not None
    assert request.status_changes.get().note == "Re-read booked"
    assert request.handled_by == agent


def test_publish_actions(admin_client):
    question = FaqQuestionFactory(is_published=True)
    admin_client.post(
        reverse("admin:content_faqquestion_changelist"),
        {"action": "unpublish", "_selected_action": [question.pk]},
    )
    question.refresh_from_db()
    assert question.is_published is False
