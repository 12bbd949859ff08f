"""Exactly once through a real Celery worker that is killed mid-send.

The worker (Redis broker, PostgreSQL test database) sends through the locmem
backend, which journals each accepted message to a file shared across
processes and then sleeps, like a slow provider response. The test kills the
worker with SIGKILL part-way through a batch, starts a new one on the same
queue (the unacknowledged task comes back: acks_late + a short visibility
timeout), and checks that every message was handed to the provider exactly
once and ends "sent".
"""

import json
import os
import signal

import pytest

from notifications.models import DeliveryAttempt, Message
from notifications.recipients import Recipient
from notifications.services import contact_point_upsert, notify_bulk
from notifications.topics import PTR_PRE_EVENT, TOPICS
from tests.integration.worker import celery_worker, require_worker_services, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 12


def _journal(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_worker_killed_mid_send_delivers_every_message_exactly_once(tmp_path):
    require_worker_services()
    journal = tmp_path / "provider.jsonl"
    env = {
        "NOTIFICATIONS_LOCMEM_OPTIONS": json.dumps({"journal": str(journal), "delay": 0.4}),
        "NOTIFICATIONS_SENDING_TIMEOUT": "3",
        "CELERY_VISIBILITY_TIMEOUT": "4",
    }
    recipients = [Recipient(key=f"customer:{n}") for n in range(1, RECIPIENTS + 1)]
    for r in recipients:
        contact_point_upsert(
            recipient_key=r.key, channel="email", address=f"{r.key.replace(':', '')}@example.com"
        )
    context = TOPICS[PTR_PRE_EVENT].sample_context

    with celery_worker(extra_env=env) as first:
        result = notify_bulk(
            topic=PTR_PRE_EVENT,
            items=[(r, context) for r in recipients],
            idempotency_key="event-kill",
            channels=["email"],
        )
        assert (result.created, result.tasks) == (RECIPIENTS, 1)
        wait_for(lambda: len(_journal(journal)) >= 3, timeout=60, log=first["log"])
        os.killpg(first["process"].pid, signal.SIGKILL)
        first["process"].wait()
        queue = first["queue"]
    handed_over = len(_journal(journal))
    assert 3 <= handed_over < RECIPIENTS
    assert Message.objects.filter(status="sending").exists()

    with celery_worker(extra_env=env, queue=queue) as second:
        wait_for(
            lambda: not Message.objects.exclude(status="sent").exists(),
            timeout=90,
            interval=0.5,
            log=second["log"],
        )
        log = second["log"].read_text()
    assert "notifications.message_batch_send" in log  # the redelivered task

    entries = _journal(journal)
    uuids = [e["uuid"] for e in entries]
    assert len(uuids) == RECIPIENTS
    assert len(set(uuids)) == RECIPIENTS, "a message reached the provider twice"
    stored = dict(Message.objects.values_list("uuid", "provider_id"))
    assert {str(u): p for u, p in stored.items()} == {e["uuid"]: e["provider_id"] for e in entries}
    assert DeliveryAttempt.objects.filter(outcome="reconciled").count() >= (
        RECIPIENTS - handed_over
    )
