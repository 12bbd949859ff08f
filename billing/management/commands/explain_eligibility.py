from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from billing.eligibility import PURPOSE_ORDER, customer_eligibility
from billing.models import Customer, Purpose


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--on must be a date such as 2026-06-01, not “{value}”.") from None


class Command(BaseCommand):
    help = (
        "Explain what a customer at a premise is eligible for (web access, communications, "
        "reports, neighbor comparison) and every reason, with dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("customer_id", help="The utility's customer_id.")
        parser.add_argument("premise_id", help="The utility's premise_id.")
        parser.add_argument("--on", default=None, help="Decide as of this day (YYYY-MM-DD).")

    def handle(self, *args, **options):
        customer = (
            Customer.objects.select_related("premise")
            .filter(customer_id=options["customer_id"], premise__premise_id=options["premise_id"])
            .first()
        )
        if customer is None:
            raise CommandError(
                f"No customer {options['customer_id']} at premise {options['premise_id']}."
            )
        on = _day(options["on"]) if options["on"] else None
        result = customer_eligibility(customer=customer, on=on)
        self.stdout.write(
            f"Customer {customer.customer_id} at premise {customer.premise.premise_id} "
            f"({customer.premise.full_address}), as of {result.on:%Y-%m-%d}"
        )
        for purpose in PURPOSE_ORDER:
            decision = result.decisions[purpose]
            label = Purpose(purpose).label
            if decision.eligible:
                self.stdout.write(self.style.SUCCESS(f"{label}: {_('eligible')}"))
                continue
            self.stdout.write(self.style.ERROR(f"{label}: {_('NOT eligible')}"))
            for reason in decision.reasons:
                dates = []
                if reason.since:
                    dates.append(f"since {reason.since:%Y-%m-%d}")
                if reason.until:
                    dates.append(f"until {reason.until:%Y-%m-%d}")
                suffix = f" ({', '.join(dates)})" if dates else ""
                self.stdout.write(f"  - {reason.message}{suffix} [{reason.code}]")
