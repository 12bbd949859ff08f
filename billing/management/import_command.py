"""What `import_billing` and `import_interval` share: arguments, progress
bar, the report of each file and the exit status."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from billing.models import ImportRun, ImportStatus
from billing.services import data_files_import

ERRORS_SHOWN = 20


def _share(value: str) -> Decimal:
    try:
        share = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError("give a share such as 0.01 (1%)") from None
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError("the share must be between 0 and 1")
    return share


class ImportCommand(BaseCommand):
    kind: str = ""

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Files (.tsv, .gz or .zip).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Re-apply a file that was already imported (same checksum).",
        )
        parser.add_argument(
            "--keep-going",
            action="store_true",
            help="Continue with the next file after one is rejected.",
        )
        parser.add_argument(
            "--max-rejected-share",
            type=_share,
            default=None,
            help="Reject a file when more than this share of rows is bad (default: "
            "BILLING_IMPORT_MAX_REJECTED_SHARE, 0.01).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw a progress bar."
        )

    def handle(self, *args, **options):
        missing = [str(p) for p in options["paths"] if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        bars: list[tqdm] = []

        def progress_for(path: Path):
            if options["no_progress"]:
                return None
            bar = tqdm(
                total=path.stat().st_size,
                unit="B",
                unit_scale=True,
                desc=path.name[:40],
                leave=False,
                file=self.stderr._out,
            )
            bars.append(bar)

            def update(phase: str, done: int, total: int) -> None:
                bar.set_postfix_str(phase, refresh=False)
                bar.update(max(0, done - bar.n))

            return update

        runs = data_files_import(
            paths=options["paths"],
            kind=self.kind,
            force=options["force"],
            keep_going=options["keep_going"],
            max_rejected_share=options["max_rejected_share"],
            progress_for=progress_for,
            **self.extra_options(options),
        )
        for bar in bars:
            bar.close()
        for run in runs:
            self.report(run)
        skipped = len(options["paths"]) - len(runs)
        if skipped:
            self.stderr.write(
                f"{skipped} later file(s) not attempted because a file was not imported "
                "(use --keep-going to continue)."
            )
        totals = {
            field: sum(getattr(run, field) for run in runs)
            for field in ("created", "updated", "unchanged", "rejected")
        }
        self.stdout.write(" ".join(f"{field}={value}" for field, value in totals.items()))
        failed = [r for r in runs if r.status in (ImportStatus.REJECTED, ImportStatus.FAILED)]
        if failed or skipped:
            raise CommandError(
                f"{len(failed) + skipped} of {len(options['paths'])} file(s) not imported.",
                returncode=2,
            )

    def extra_options(self, options) -> dict:
        return {}

    def report(self, run: ImportRun) -> None:
        style = {
            ImportStatus.SUCCEEDED: self.style.SUCCESS,
            ImportStatus.DUPLICATE: self.style.WARNING,
        }.get(run.status, self.style.ERROR)
        seconds = run.duration_seconds or 0
        self.stdout.write(
            style(f"{run.file_name}: {run.get_status_display()}")
            + f" ({run.rows_total:,} rows in {seconds:,.1f}s; import #{run.pk})"
        )
        if run.message:
            self.stdout.write(f"  {run.message}")
        if run.status == ImportStatus.SUCCEEDED:
            self.stdout.write(f"  {run.summary_line}")
            for entity, counts in run.details.items():
                if isinstance(counts, dict):
                    text = ", ".join(f"{k} {v}" for k, v in counts.items())
                    self.stdout.write(f"  {entity.replace('_', ' ')}: {text}")
                elif counts:
                    self.stdout.write(f"  {entity.replace('_', ' ')}: {counts}")
        errors = list(run.row_errors.order_by("line", "id")[:ERRORS_SHOWN])
        if errors:
            self.stdout.write(f"  {run.rejected:,} row(s) rejected; first errors:")
            for error in errors:
                column = f" [{error.column}]" if error.column else ""
                value = f" “{error.value}”" if error.value else ""
                self.stdout.write(f"    line {error.line}{column}{value}: {error.reason}")
            stored = run.row_errors.count()
            if stored > ERRORS_SHOWN:
                self.stdout.write(
                    f"    … {stored - ERRORS_SHOWN:,} more error(s) (Data file imports → "
                    f"import #{run.pk} in the admin)"
                )
