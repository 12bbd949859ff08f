import itertools

from enrollment import workflow
from enrollment.models import Status


def test_every_status_is_in_the_table_and_terminal_statuses_have_no_exit():
    assert set(workflow.TRANSITIONS) == set(Status.values)
    assert {Status.REJECTED, Status.CANCELLED, Status.WITHDRAWN} == workflow.TERMINAL


def test_the_happy_path_is_open_to_staff_only():
    path = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED, Status.ACTIVE]
    for a, b in itertools.pairwise(path):
        assert workflow.transition_allowed(from_status=a, to_status=b, actor=workflow.STAFF)
        assert not workflow.transition_allowed(from_status=a, to_status=b, actor=workflow.CUSTOMER)


def test_customers_cancel_before_active_and_withdraw_after():
    for status in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED):
        assert workflow.customer_exit_status(status) == Status.CANCELLED
    assert workflow.customer_exit_status(Status.ACTIVE) == Status.WITHDRAWN
    for status in workflow.TERMINAL:
        assert workflow.customer_exit_status(status) is None


def test_next_statuses_for_staff():
    assert workflow.next_statuses(from_status=Status.ACTIVE, actor=workflow.STAFF) == [
        Status.WITHDRAWN
    ]
    assert Status.REJECTED in workflow.next_statuses(
        from_status=Status.UNDER_REVIEW, actor=workflow.STAFF
    )
