from celery import shared_task

from billing.services import import_run_execute


@shared_task(name="billing.import_run_process", acks_late=True)
def import_run_process_task(run_pk: int) -> str:
    """Import an uploaded data file (queued by the admin upload)."""
    return import_run_execute(run_pk=run_pk).status
