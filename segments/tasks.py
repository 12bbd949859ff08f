from celery import shared_task

from segments.services import segments_refresh_all


@shared_task(name="segments.refresh_all")
def segments_refresh_all_task(refresh_usage: bool = True) -> dict[str, int]:
    """Nightly: recompute usage attributes and every segment's members."""
    return segments_refresh_all(refresh_usage=refresh_usage)
