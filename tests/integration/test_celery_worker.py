import pytest

from portal.models import WorkerHeartbeat
from portal.tasks import worker_heartbeat_task
from tests.integration.worker import celery_worker, require_worker_services, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_on_redis_completes_a_task_against_postgresql():
    require_worker_services()
    assert not WorkerHeartbeat.objects.exists()
    with celery_worker() as worker:
        worker_heartbeat_task.delay()
        heartbeat = wait_for(lambda: WorkerHeartbeat.objects.first(), log=worker["log"])
    assert heartbeat.hostname
    assert heartbeat.seen_at is not None
