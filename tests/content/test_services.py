import pytest
from django.core import mail
from django.utils import timezone

from content.models import ContactRequest, ContactStatus
from content.services import (
    TransitionError,
    contact_request_submit,
    contact_request_transition,
    faq_feedback_record,
)
from tests.factories import ContactRequestFactory, FaqQuestionFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _submit(**overrides):
    fields = {
        "topic": "billing",
        "name": "Alex Rivera",
        "email": "alex@example.com",
        "message": "Why is my bill so high this month?",
    }
    return contact_request_submit(**(fields | overrides))


def test_submit_numbers_the_request_and_mails_a_receipt(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit()
    year = timezone.localdate().year
    assert request.number == f"CR-{year}-{request.pk:06d}"
    assert request.status == ContactStatus.NEW
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alex@example.com"]
    assert request.number in mail.outbox[0].subject
    assert "call" in mail.outbox[0].body


def test_receipt_is_in_the_language_the_customer_wrote_in(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit(language="es")
    assert f"Recibimos su solicitud {request.number}" in mail.outbox[0].subject


def test_a_mail_failure_keeps_the_request(django_capture_on_commit_callbacks, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.content.broken_mail.BrokenBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit()
    assert ContactRequest.objects.filter(pk=request.pk).exists()


def test_transitions_write_history_and_timestamps():
    staff = StaffUserFactory()
    request = ContactRequestFactory()
    contact_request_transition(request=request, to_status="in_progress", by=staff, note="Called")
    assert request.status == "in_progress"
    assert request.in_progress_at is not None
    assert request.handled_by == staff
    contact_request_transition(request=request, to_status="resolved", by=staff)
    assert request.resolved_at is not None
    steps = list(request.status_changes.values_list("from_status", "to_status", "note"))
    assert steps == [("new", "in_progress", "Called"), ("in_progress", "resolved", "")]


def test_a_transition_outside_the_table_is_refused():
    request = ContactRequestFactory(status="in_progress")
    with pytest.raises(TransitionError):
        contact_request_transition(request=request, to_status="new")
    request.refresh_from_db()
    assert request.status == "in_progress"
    assert not request.status_changes.exists()


def test_feedback_is_counted_per_question():
    question = FaqQuestionFactory()
    other = FaqQuestionFactory()
    faq_feedback_record(question=question, helpful=True)
    faq_feedback_record(question=question, helpful=True)
    faq_feedback_record(question=question, helpful=False)
    question.refresh_from_db()
    other.refresh_from_db()
    assert (question.helpful_yes, question.helpful_no) == (2, 1)
    assert (other.helpful_yes, other.helpful_no) == (0, 0)
