"""Thin Celery wrappers around notifications.services."""

from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(name="notifications.message_batch_send", acks_late=True, reject_on_worker_lost=True)
def message_batch_send_task(message_ids: list[int]) -> dict:
    """Deliver a batch of messages. Safe to run twice: the send state
    machine skips anything no longer queued and reconciles stuck sends."""
    return services.message_batch_send(message_ids=message_ids)


@shared_task(name="notifications.message_reconcile", acks_late=True, reject_on_worker_lost=True)
def message_reconcile_task(message_id: int) -> str:
    return services.message_reconcile(message_id=message_id)


@shared_task(name="notifications.dispatch_due")
def message_dispatch_due_task() -> dict:
    """Celery beat: release deferred (quiet hours, retry backoff) messages."""
    return services.message_dispatch_due()
