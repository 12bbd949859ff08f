"""Register every customer's e-mail and phone on file as contact points.

Imports do this for the customers in each file; this catches up the ones
loaded before that (or after restoring a database). Idempotent: existing
contact points keep their state and opted-out channels stay untouched.
"""

from django.core.management.base import BaseCommand

from billing.models import Customer
from billing.recipients import customers_contact_points_register

BATCH = 20_000


class Command(BaseCommand):
    help = "Register the e-mail and phone on file of every customer as contact points."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args, **options):
        batch = max(1, options["batch_size"])
        totals: dict[str, int] = {}
        last = 0
        while True:
            pks = list(
                Customer.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not pks:
                break
            result = customers_contact_points_register(customer_pks=pks)
            for name, value in vars(result).items():
                totals[name] = totals.get(name, 0) + value
            last = pks[-1]
            self.stdout.write(f"  up to customer #{last}: {result}")
        summary = " ".join(f"{name}={value}" for name, value in totals.items())
        self.stdout.write(self.style.SUCCESS(f"Contact points: {summary or 'no customers'}"))
