import socket

from celery import shared_task

from portal.services import worker_heartbeat_record


@shared_task(name="portal.worker_heartbeat")
def worker_heartbeat_task() -> str:
    """Prove a worker can reach the database (see /healthz)."""
    return worker_heartbeat_record(hostname=socket.gethostname()).isoformat()
