"""Write the rebate file for billing (Opower PTR layout) for settled events."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rebates.export import rebate_file_text
from rebates.models import EventStatus, PeakEvent
from rebates.services import ptr_rebates_export


class Command(BaseCommand):
    help = (
        "Write the Peak Time Rebates file for billing: account_id, rate plan, rate component, "
        "start, end (exclusive), performance_value (kWh), performance_dollars."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", type=int, action="append", required=True, help="event id")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--delimiter", choices=["comma", "tab"], default="comma")

    def handle(self, *args, **options):
        events = list(PeakEvent.objects.filter(pk__in=options["event"]).order_by("starts_at"))
        missing = set(options["event"]) - {e.pk for e in events}
        if missing:
            raise CommandError(f"No peak event with id {', '.join(map(str, sorted(missing)))}.")
        rows = []
        for event in events:
            if event.status not in (EventStatus.COMPLETED, EventStatus.SETTLED):
                raise CommandError(f"Event {event.pk} ({event}) is {event.get_status_display()}.")
            rows += ptr_rebates_export(event=event)
        text = rebate_file_text(rows, delimiter="\t" if options["delimiter"] == "tab" else ",")
        if options["output"]:
            try:
                options["output"].write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{options['output']}: {exc.strerror}.") from exc
            self.stderr.write(f"Wrote {len(rows)} rows to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
