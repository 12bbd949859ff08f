"""Signals other apps connect to (in their AppConfig.ready()).

Both are sent after the import's transaction commits, only when the import
changed something, with `sender=ImportRun` and `import_run=<the run>`:

- `usage_imported(billing_periods=[NewBillingPeriods, ...])`: new billing
  periods, one entry per service point with the customer whose account
  covers the latest one (e.g. to send "your bill is ready");
- `interval_reads_imported(service_points=[IntervalReadsImported, ...])`: the
  reads the file brought, per service point (count, first and last interval
  end), sent when at least one read was new or corrected.
"""

from django.dispatch import Signal

usage_imported = Signal()
interval_reads_imported = Signal()
