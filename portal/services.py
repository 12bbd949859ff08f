from datetime import datetime

from django.utils import timezone

from portal.models import WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str) -> datetime:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": now})
    return now
