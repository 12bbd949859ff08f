from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from catalog.demo import demo_catalog_seed
from catalog.models import Product
from enrollment.demo import demo_enrollments_seed, demo_profiles_seed
from segments.services import segments_refresh_all


class Command(BaseCommand):
    help = (
        "Create (or update) the demo program catalog: categories, programs, rates, bundles, "
        "relations, eligibility rules and segments; demo home profiles and enrolments so "
        "recommendations have peers; then compute segment membership. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-enrollments", action="store_true", help="Catalog and segments only."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if the catalog already has programs.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Product.objects.exists():
            self.stdout.write("Demo catalog already present; nothing to do.")
            return
        counts = demo_catalog_seed()
        self.stdout.write(
            f"Catalog: {counts['products']} programs and rates, {counts['bundles']} bundles, "
            f"{counts['segments']} segments."
        )
        if not options["no_enrollments"]:
            self.stdout.write(f"Home profiles: {demo_profiles_seed():,}.")
            self.stdout.write(f"Demo enrolments created: {demo_enrollments_seed():,}.")
        if apps.is_installed("promotions"):
            call_command("seed_demo_promotions", stdout=self.stdout)
        for slug, members in segments_refresh_all().items():
            self.stdout.write(f"  segment {slug:<24} {members:>7,} members")
        self.stdout.write(self.style.SUCCESS("Demo catalog ready at /programs/."))
