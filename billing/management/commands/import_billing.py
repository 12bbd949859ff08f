from billing.management.import_command import ImportCommand
from billing.models import ImportKind


class Command(ImportCommand):
    help = (
        "Import billing data files (full, customer or usage layout; .tsv, .gz or single-file "
        ".zip). Several files are applied in the order of the time stamps in their names. "
        "See docs/data-files.md."
    )
    kind = ImportKind.BILLING
