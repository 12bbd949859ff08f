from celery import shared_task

from billing import notices
from billing.services import import_run_execute


@shared_task(name="billing.import_run_process", acks_late=True)
def import_run_process_task(run_pk: int) -> str:
    """Import an uploaded data file (queued by the admin upload)."""
    return import_run_execute(run_pk=run_pk).status


@shared_task(name="billing.import_followup", acks_late=True)
def billing_import_followup_task(run_pk: int, customer_pks: list[int], periods: list[list]) -> None:
    """Contact points and "bill ready" for a committed billing import."""
    notices.billing_import_followup(
        run_pk=run_pk,
        customer_pks=customer_pks,
        billing_periods=notices.periods_from_json(periods),
    )
