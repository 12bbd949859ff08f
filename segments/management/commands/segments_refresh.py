import time

from django.core.management.base import BaseCommand, CommandError

from segments.models import Segment
from segments.services import customer_profiles_refresh_usage, segment_refresh


class Command(BaseCommand):
    help = (
        "Recompute the usage attributes of customer profiles (yearly kWh, summer peak share) "
        "and the members of every segment, set-based."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these segments (default: all).")
        parser.add_argument(
            "--skip-usage", action="store_true", help="Do not recompute the usage attributes."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        if not options["skip_usage"]:
            updated = customer_profiles_refresh_usage()
            self.stdout.write(f"Usage attributes computed for {updated:,} customers.")
        segments = Segment.objects.all()
        if options["slugs"]:
            segments = segments.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(segments.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No segment with slug: {', '.join(sorted(missing))}")
        for segment in segments:
            count = segment_refresh(segment=segment)
            self.stdout.write(f"  {segment.slug:<32} {count:>8,} members")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f}s."))
