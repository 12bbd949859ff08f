import time
from datetime import date

from django.core.management.base import BaseCommand

from insights.services import neighbor_comparisons_refresh


class Command(BaseCommand):
    help = (
        "Precompute neighbor comparisons (about 100 similar nearby homes, efficient neighbors "
        "= the most efficient 20%) for every home's latest bill. Also runs nightly in Celery."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Compare bills read up to this day (YYYY-MM-DD); default today.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        result = neighbor_comparisons_refresh(as_of=options["as_of"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Compared {result.compared:,} of {result.homes:,} homes "
                f"({result.too_few_neighbors:,} with too few neighbors) "
                f"in {time.monotonic() - started:,.1f}s."
            )
        )
