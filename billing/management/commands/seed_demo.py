import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from billing.demo import DemoPlan
from billing.demo_logins import demo_logins_create
from billing.demo_seed import DemoDataExistsError, demo_data_reset, demo_data_seed


class Command(BaseCommand):
    help = (
        "Build a realistic fictional utility, deterministically for a given seed and as-of "
        "date: premises, customers, service points, accounts, 24 months of bills and hourly "
        "AMI reads, plus a demo staff login and a demo customer login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=600, help="Premises to create.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Last day of data (YYYY-MM-DD); default yesterday.",
        )
        parser.add_argument(
            "--interval-days", type=int, default=90, help="Days of hourly AMI reads (0 for none)."
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--reset", action="store_true", help="Delete existing customers and usage first."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if customers already exist.",
        )
        parser.add_argument(
            "--no-logins", action="store_true", help="Skip the demo staff and customer logins."
        )

    def handle(self, *args, **options):
        if options["customers"] < 2:
            raise CommandError("--customers must be at least 2 (the demo customer has two homes).")
        as_of = options["as_of"] or (timezone.localdate() - timezone.timedelta(days=1))
        plan = DemoPlan(
            seed=options["seed"],
            customers=options["customers"],
            as_of=as_of,
            interval_days=options["interval_days"],
            time_zone=settings.TIME_ZONE,
        )
        if options["reset"]:
            demo_data_reset()
        started = time.monotonic()

        def progress(done, counts):
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"  {done:>8,}/{plan.customers:,} premises · {counts.usage_values:,} bills · "
                f"{counts.interval_reads:,} interval reads · {elapsed:,.0f}s"
            )

        self.stdout.write(f"Seeding {plan.customers:,} premises (seed {plan.seed}, as of {as_of})")
        try:
            counts = demo_data_seed(plan=plan, batch_size=options["batch_size"], progress=progress)
        except DemoDataExistsError as exc:
            if options["if_empty"]:
                self.stdout.write("Demo data already present; nothing to do.")
                counts = None
            else:
                raise CommandError(str(exc)) from exc
        if counts is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {counts.premises:,} premises, {counts.customers:,} customers, "
                    f"{counts.service_points:,} service points, {counts.accounts:,} accounts, "
                    f"{counts.usage_values:,} billing periods, {counts.interval_reads:,} interval "
                    f"reads in {time.monotonic() - started:,.1f}s."
                )
            )
        if not options["no_logins"]:
            with transaction.atomic():
                logins = demo_logins_create()
            self.stdout.write("Demo logins (for this demo database only):")
            for login in logins:
                line = f"  {login.role:<9} {login.email:<24} password: {login.password}"
                self.stdout.write(f"{line}  {login.note}".rstrip())
