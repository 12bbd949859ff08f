from billing.management.import_command import ImportCommand
from billing.models import ImportKind
from billing.models.usage import INTERVAL_MINUTES


class Command(ImportCommand):
    help = (
        "Import interval (AMI) files (.tsv, .gz or single-file .zip). The interval length "
        "comes from the file name (…_interval60_…), --minutes, or the first rows. See "
        "docs/data-files.md."
    )
    kind = ImportKind.INTERVAL

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--minutes",
            type=int,
            choices=INTERVAL_MINUTES,
            default=None,
            help="Interval length when the file name does not say it.",
        )

    def extra_options(self, options) -> dict:
        return {"interval_minutes": options["minutes"]}
