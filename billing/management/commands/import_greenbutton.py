from billing.management.import_command import ImportCommand
from billing.models import ImportKind


class Command(ImportCommand):
    help = (
        "Import the interval readings of Green Button (NAESB ESPI) XML files into one service "
        "point. See docs/data-files.md."
    )
    kind = ImportKind.GREEN_BUTTON

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--service-point",
            required=True,
            help="The service_point_id the readings belong to (ESPI files do not carry it).",
        )

    def extra_options(self, options) -> dict:
        return {"service_point_id": options["service_point"]}
