"""How an import behaves as a whole: the run record, structurally broken
files, idempotency, the share of bad rows, all-or-nothing, order, signals."""

import gzip
import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.importers import billing_apply
from billing.models import (
    Account,
    Customer,
    EligibilityHold,
    ImportRun,
    Premise,
    RateCode,
    ServicePoint,
    UsageValue,
)
from billing.services import data_file_import, data_files_import, data_files_order
from billing.signals import interval_reads_imported, usage_imported
from tests.billing.datafiles import (
    billing_text,
    errors,
    import_billing,
    interval_text,
    months,
    period,
    row,
    write,
)
from tests.factories import RateCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates(db):
    RateCodeFactory(code="RES-1")


def _snapshot():
    """Everything an import may write, to prove a failed one wrote nothing."""
    return {
        model.__name__: sorted(model.objects.values_list(*fields))
        for model, fields in (
            (Premise, ("premise_id", "street_name")),
            (Customer, ("customer_id", "email")),
            (ServicePoint, ("service_point_id", "meter_id")),
            (Account, ("account_id", "active_date", "inactive_date", "rate_code_id")),
            (RateCode, ("code", "is_allowlisted")),
            (UsageValue, ("service_point_id", "date_to", "usage_value")),
            (EligibilityHold, ("customer_id", "reason", "starts_on")),
        )
    }


# The run record ----------------------------------------------------------------


def test_a_run_records_file_checksum_kind_status_counts_and_timings(tmp_path):
    text = billing_text(months(date(2024, 1, 1), 3))
    path = write(tmp_path, text, name="opwr_pve_res_v1-19-0_full_20240405020000.tsv")
    run = data_file_import(path=path, kind="billing")
    run.refresh_from_db()
    assert run.file_name == "opwr_pve_res_v1-19-0_full_20240405020000.tsv"
    assert run.checksum == hashlib.sha256(text.encode()).hexdigest()
    assert (run.kind, run.layout, run.status) == ("billing", "full", "succeeded")
    assert (run.utility_code, run.spec_version) == ("pve", "v1-19-0")
    # The time stamp is the utility's local time, stored in UTC.
    assert run.file_timestamp.isoformat() == "2024-04-05T07:00:00+00:00"
    assert (run.rows_total, run.created, run.updated, run.unchanged, run.rejected) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert run.size_bytes == len(text.encode())
    assert run.started_at <= run.finished_at
    assert run.duration_seconds >= 0
    assert run.details["premises"] == {"created": 1, "updated": 0}
    assert run.summary_line == "created=3 updated=0 unchanged=0 rejected=0"


def test_re_importing_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, billing_text(months(date(2024, 1, 1), 3)))
    first = data_file_import(path=path, kind="billing")
    before = _snapshot()
    again = data_file_import(path=path, kind="billing")
    assert again.status == "duplicate"
    assert again.duplicate_of == first
    assert "Already imported" in again.message
    assert (again.created, again.updated) == (0, 0)
    forced = data_file_import(path=path, kind="billing", force=True)
    assert forced.status == "succeeded"
    assert (forced.created, forced.updated, forced.unchanged) == (0, 0, 3)
    assert forced.details["accounts"]["updated"] == 0
    assert _snapshot() == before


def test_an_interval_file_re_imported_with_force_reports_zero_changes(tmp_path):
    from tests.factories import ServicePointFactory

    ServicePointFactory(service_point_id="SP1")
    path = write(tmp_path, interval_text([("SP1", "1", "20240115", "1300", "kWh", "A", "-0600")]))
    assert data_file_import(path=path, kind="interval", interval_minutes=60).created == 1
    forced = data_file_import(path=path, kind="interval", interval_minutes=60, force=True)
    assert forced.summary_line == "created=0 updated=0 unchanged=1 rejected=0"


# Structurally broken files --------------------------------------------------------


def _rejected(tmp_path, content, **kwargs):
    before = _snapshot()
    path = write(tmp_path, content, name=kwargs.pop("name", None))
    run = data_file_import(path=path, kind=kwargs.pop("kind", "billing"), **kwargs)
    assert run.status == "rejected"
    assert run.row_errors.count() == 0
    assert _snapshot() == before
    return run.message


def test_an_empty_file_is_rejected(tmp_path):
    assert _rejected(tmp_path, b"") == "The file is empty."


def test_a_misspelt_header_column_is_named(tmp_path):
    text = billing_text([row()]).replace("first_name", "first_nme", 1)
    message = _rejected(tmp_path, text)
    assert "column 5 is “first_nme” but should be “first_name” (missing)" in message
    assert message.startswith("Line 1: The header does not match the full layout")


def test_a_missing_header_column_is_rejected(tmp_path):
    text = billing_text([row()]).replace("\tbldg_sq_foot", "", 1)
    assert "should be “bldg_sq_foot”" in _rejected(tmp_path, text)


def test_an_added_header_column_is_rejected(tmp_path):
    header, rest = billing_text([row()]).split("\n", 1)
    assert "more than the 34 expected" in _rejected(tmp_path, header + "\textra\n" + rest)


def test_columns_out_of_order_are_rejected(tmp_path):
    text = billing_text([row()]).replace("first_name\tlast_name", "last_name\tfirst_name", 1)
    assert "out of order" in _rejected(tmp_path, text)


def test_a_file_that_is_not_utf8_is_rejected_with_the_line(tmp_path):
    text = billing_text(months(date(2024, 1, 1), 3, last_name="Muñoz"))
    data = text.encode("utf-8").replace("Muñoz".encode(), "Muñoz".encode("latin-1"))
    message = _rejected(tmp_path, data)
    assert message.startswith("Line 2: The file is not UTF-8 text: byte 0xF1")


def test_a_damaged_gzip_file_is_rejected(tmp_path):
    data = gzip.compress(billing_text(months(date(2024, 1, 1), 20)).encode())
    message = _rejected(tmp_path, data[: len(data) // 2])
    assert "compressed data is damaged or cut short" in message


def test_a_zip_with_two_files_is_rejected(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.tsv", billing_text([row()]))
        archive.writestr("b.tsv", billing_text([row()]))
    message = _rejected(tmp_path, buffer.getvalue())
    assert message == "A zip archive must contain exactly one file; this one holds 2."


def test_a_header_only_file_imports_nothing(tmp_path):
    run = data_file_import(path=write(tmp_path, billing_text([])), kind="billing")
    assert (run.status, run.rows_total, run.summary_line) == (
        "succeeded",
        0,
        "created=0 updated=0 unchanged=0 rejected=0",
    )


def test_a_file_named_for_the_other_kind_is_rejected(tmp_path):
    name = "opwr_pve_res_v1-19-0_interval60_20240116020000.tsv"
    assert "interval file" in _rejected(tmp_path, billing_text([row()]), name=name)
    name = "opwr_pve_res_v1-19-0_usage_20240116020000.tsv"
    assert "not an interval file" in _rejected(tmp_path, b"x", name=name, kind="interval")


def test_a_header_that_does_not_match_the_layout_in_the_name_is_rejected(tmp_path):
    name = "opwr_pve_res_v1-19-0_usage_20240116020000.tsv"
    assert "does not match the usage layout" in _rejected(
        tmp_path, billing_text([row()]), name=name
    )


# Compressed inputs --------------------------------------------------------------------


def test_gzip_and_single_file_zip_inputs_are_read(tmp_path):
    text = billing_text(months(date(2024, 1, 1), 2))
    path = write(tmp_path, text, name="billing.tsv.gz", gz=True)
    assert data_file_import(path=path, kind="billing").created == 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.tsv", billing_text(months(date(2024, 3, 1), 2)))
    path = write(tmp_path, buffer.getvalue(), name="billing.zip")
    assert data_file_import(path=path, kind="billing").created == 2
    assert UsageValue.objects.count() == 4


def test_crlf_line_endings_and_a_byte_order_mark_are_accepted(tmp_path):
    text = "\ufeff" + billing_text(months(date(2024, 1, 1), 2)).replace("\n", "\r\n")
    run = data_file_import(path=write(tmp_path, text), kind="billing")
    assert (run.status, run.created) == ("succeeded", 2)


# Row errors and the share of bad rows ------------------------------------------------------


def test_row_errors_reject_the_row_and_are_recorded_with_line_column_value_reason(tmp_path):
    rows = months(date(2024, 1, 1), 3)
    rows[1]["usage_value"] = "1,200"
    rows[1]["is_estimate"] = "Q"
    run = import_billing(tmp_path, rows)
    assert (run.status, run.rejected, run.created) == ("succeeded", 1, 2)
    assert list(run.row_errors.values_list("line", "column", "value")) == [
        (3, "usage_value", "1,200"),
        (3, "is_estimate", "Q"),
    ]


def test_a_row_with_the_wrong_number_of_fields_is_a_row_error(tmp_path):
    text = billing_text(months(date(2024, 1, 1), 2)) + "C1\tP1\n"
    path = write(tmp_path, text)
    run = data_file_import(path=path, kind="billing", max_rejected_share=Decimal("0.5"))
    assert errors(run) == [(4, "", "row has 2 tab-separated fields; the header has 34")]


def test_more_bad_rows_than_the_allowed_share_reject_the_whole_file(tmp_path, settings):
    rows = months(date(2020, 1, 1), 60)
    rows[7]["date_to"] = "20201399"
    before = _snapshot()
    run = data_file_import(path=write(tmp_path, billing_text(rows)), kind="billing")
    assert run.status == "rejected"
    assert run.message.startswith("1 of 60 rows (1.67%) were rejected, more than the 1.00%")
    assert errors(run) == [(9, "date_to", "date_to is not a calendar date")]
    assert (run.created, run.rejected) == (0, 1)
    assert _snapshot() == before
    # The share is a setting, and an argument.
    settings.BILLING_IMPORT_MAX_REJECTED_SHARE = 0.02
    run = data_file_import(path=write(tmp_path, billing_text(rows)), kind="billing")
    assert (run.status, run.created, run.rejected) == ("succeeded", 59, 1)


def test_errors_found_against_the_database_count_toward_the_share(tmp_path):
    import_billing(tmp_path, months(date(2024, 1, 1), 1))
    rows = months(date(2024, 2, 1), 3)
    rows[0]["premise_id"] = "P-ELSEWHERE"
    run = import_billing(tmp_path, rows, share="0.1")
    assert run.status == "rejected"
    assert errors(run)[0][:2] == (2, "premise_id")


def test_stored_row_errors_are_capped_but_the_count_is_exact(tmp_path, settings):
    settings.BILLING_IMPORT_MAX_STORED_ERRORS = 5
    rows = [row(usage_value="x") for _ in range(12)]
    run = import_billing(tmp_path, rows)
    assert run.rejected == 12
    assert run.row_errors.count() == 5


# All or nothing ------------------------------------------------------------------------


def test_a_failure_while_applying_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    import_billing(tmp_path, months(date(2024, 1, 1), 2))
    before = _snapshot()

    def explode(self, outcome):
        raise RuntimeError("power cut")

    monkeypatch.setattr(billing_apply.BillingRules, "_holds_apply", explode)
    rows = months(date(2024, 3, 1), 3, email="changed@example.com", rate_code="NEW-RATE")
    rows += months(date(2024, 1, 1), 2, premise_id="P2", service_point_id="SP2", account_id="A2")
    run = import_billing(tmp_path, rows)
    assert run.status == "failed"
    assert "power cut" in run.message
    assert _snapshot() == before
    assert ImportRun.objects.get(pk=run.pk).status == "failed"


def test_a_structural_error_at_the_end_of_the_file_applies_nothing(tmp_path):
    before = _snapshot()
    data = billing_text(months(date(2024, 1, 1), 12)).encode() + b"C1\t\xff\xfe\n"
    run = data_file_import(path=write(tmp_path, data), kind="billing")
    assert run.status == "rejected"
    assert run.message.startswith("Line 14: The file is not UTF-8")
    assert _snapshot() == before


# Several files ------------------------------------------------------------------------


def test_several_files_are_applied_in_file_name_time_stamp_order(tmp_path):
    early = write(
        tmp_path,
        billing_text([period(date(2024, 1, 1), date(2024, 1, 31), usage_value="100")]),
        name="opwr_pve_res_v1-19-0_full_20240201020000.tsv",
    )
    late = write(
        tmp_path,
        billing_text([period(date(2024, 1, 1), date(2024, 1, 31), usage_value="150")]),
        name="opwr_pve_res_v1-19-0_full_20240202020000.tsv",
    )
    unnamed = write(tmp_path, billing_text([row(date_to="20240229", duration="29")]))
    assert data_files_order([unnamed, late, early]) == [early, late, unnamed]
    runs = data_files_import(paths=[unnamed, late, early], kind="billing")
    assert [r.file_name for r in runs] == [early.name, late.name, unnamed.name]
    assert [r.updated for r in runs] == [0, 1, 0]
    jan = UsageValue.objects.get(date_to=date(2024, 1, 31))
    assert jan.usage_value == Decimal("150.000")


def test_a_rejected_file_stops_the_files_after_it_unless_told_to_keep_going(tmp_path):
    bad = write(tmp_path, b"", name="opwr_pve_res_v1-19-0_full_20240201020000.tsv")
    good = write(
        tmp_path,
        billing_text([row()]),
        name="opwr_pve_res_v1-19-0_full_20240202020000.tsv",
    )
    assert [r.status for r in data_files_import(paths=[good, bad], kind="billing")] == ["rejected"]
    runs = data_files_import(paths=[good, bad], kind="billing", keep_going=True)
    assert [r.status for r in runs] == ["rejected", "succeeded"]


# Signals ---------------------------------------------------------------------------


def test_usage_imported_is_sent_after_commit_with_the_new_billing_periods(
    tmp_path, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, import_run, billing_periods, **kwargs):
        received.append((import_run, billing_periods))

    usage_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            run = import_billing(tmp_path, months(date(2024, 1, 1), 3))
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        usage_imported.disconnect(receiver)
    ((sent_run, periods),) = received
    assert sent_run == run
    ((change),) = periods
    customer = Customer.objects.get()
    assert change.customer_pk == customer.pk
    assert change.service_point_pk == ServicePoint.objects.get().pk
    assert (change.periods, change.latest_date_to) == (3, date(2024, 3, 31))


def test_no_signal_when_nothing_changed(tmp_path, django_capture_on_commit_callbacks):
    path = write(tmp_path, billing_text(months(date(2024, 1, 1), 1)))
    data_file_import(path=path, kind="billing")
    received = []
    usage_imported.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            data_file_import(path=path, kind="billing", force=True)
    finally:
        usage_imported.disconnect(dispatch_uid="t")
    assert received == []


def test_interval_reads_imported_is_sent_with_the_changed_service_points(
    tmp_path, django_capture_on_commit_callbacks
):
    from tests.factories import ServicePointFactory

    sp = ServicePointFactory(service_point_id="SP1")
    received = []
    interval_reads_imported.connect(
        lambda **kw: received.append(kw["service_points"]), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            path = write(
                tmp_path,
                interval_text(
                    [
                        ("SP1", "1", "20240115", "1300", "kWh", "A", "-0600"),
                        ("SP1", "1", "20240115", "1400", "kWh", "A", "-0600"),
                    ]
                ),
            )
            data_file_import(path=path, kind="interval", interval_minutes=60)
    finally:
        interval_reads_imported.disconnect(dispatch_uid="t")
    ((change,),) = received
    assert (change.service_point_pk, change.reads) == (sp.pk, 2)
    assert change.first_end.isoformat() == "2024-01-15T19:00:00+00:00"
    assert change.last_end.isoformat() == "2024-01-15T20:00:00+00:00"


def test_an_import_runs_with_query_logging_on(tmp_path):
    # DEBUG (and the debug toolbar, and assertNumQueries) format every query
    # with its parameters: no statement may trip over that.
    rows = [
        period(date(2024, 1, 1), date(2024, 1, 31)),
        period(date(2024, 3, 1), date(2024, 3, 31)),
    ]
    with CaptureQueriesContext(connection) as queries:
        run = import_billing(tmp_path, rows)
    assert run.status == "succeeded", run.message
    assert EligibilityHold.objects.count() == 1
    assert any("billing_eligibilityhold" in q["sql"] for q in queries.captured_queries)
