from django.core.management.base import BaseCommand

from promotions.demo import demo_promotions_seed


class Command(BaseCommand):
    help = "Create (or update) the demo promotions; run after seed_demo_catalog. Idempotent."

    def handle(self, *args, **options):
        self.stdout.write(f"Promotions: {demo_promotions_seed()}.")
