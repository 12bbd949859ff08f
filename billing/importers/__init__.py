"""Reading the utility's data files: billing files and interval (AMI) files.

- `sources`: plain, gzip and single-file zip input, UTF-8 lines, file names.
- `billing_file`, `interval_file`: the layouts and row-by-row validation.
- `sql`, `billing_apply`, `interval_apply`: staging tables and the rules that
  need other rows or the database, as set-based SQL.
- `runner`: one file from disk to the database; `billing.services` wraps it
  in an `ImportRun`.

docs/data-files.md describes the files and every rule.
"""
