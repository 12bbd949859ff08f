from celery import shared_task

from insights.services import neighbor_comparisons_refresh


@shared_task(name="insights.neighbor_comparisons_refresh")
def neighbor_comparisons_refresh_task() -> dict:
    """Nightly: recompute neighbor comparisons for the latest bills."""
    result = neighbor_comparisons_refresh()
    return {
        "homes": result.homes,
        "compared": result.compared,
        "too_few_neighbors": result.too_few_neighbors,
    }
