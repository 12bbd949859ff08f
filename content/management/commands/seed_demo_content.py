from django.core.management.base import BaseCommand

from content.demo import demo_content_seed
from content.models import FaqCategory, Page


class Command(BaseCommand):
    help = (
        "Create (or update) the demo help centre: FAQ categories and questions and editorial "
        "pages, in English and Spanish. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if any FAQ category or page already exists.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and (FaqCategory.objects.exists() or Page.objects.exists()):
            self.stdout.write("Help content already present; nothing to do.")
            return
        counts = demo_content_seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Help centre: {counts['categories']} topics, {counts['questions']} questions, "
                f"{counts['pages']} pages at /help/."
            )
        )
