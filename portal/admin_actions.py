"""A bulk "move to <status>" admin action for workflows (enrolments, contact requests).

Each selected object goes through the app's own transition service, so the
transition table, history and notices apply exactly as for one object; the
ones the table refuses are reported, not skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError

# How many refusals are listed after a bulk action (the count is in the rest).
MAX_LISTED_PROBLEMS = 10


def bulk_transition_action(
    *,
    to_status: str,
    label,
    move: Callable,
    done_message: Callable[[int], str],
    prepare: Callable = lambda queryset: queryset,
):
    """`move(obj, to_status, user)` raises a ValidationError when refused."""

    def action(modeladmin, request, queryset):
        done, failed = 0, []
        for obj in prepare(queryset):
            try:
                move(obj, to_status, request.user)
                done += 1
            except ValidationError as exc:
                failed.append(" ".join(exc.messages))
        if done:
            modeladmin.message_user(request, done_message(done), messages.SUCCESS)
        for problem in failed[:MAX_LISTED_PROBLEMS]:
            modeladmin.message_user(request, problem, messages.WARNING)

    action.__name__ = f"move_to_{to_status}"
    action.allowed_permissions = ("change",)
    action.short_description = label
    return action
