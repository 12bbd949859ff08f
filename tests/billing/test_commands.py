"""manage.py import_billing, import_interval and explain_eligibility."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import EligibilityHold, ImportRun
from tests.billing.datafiles import billing_text, interval_text, months, period, row, write
from tests.factories import AccountFactory, RateCodeFactory, ServicePointFactory

pytestmark = pytest.mark.django_db


def _call(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_import_billing_prints_a_summary_line_last(tmp_path):
    RateCodeFactory(code="RES-1")
    path = write(tmp_path, billing_text(months(date(2024, 1, 1), 3)))
    out, err, failure = _call("import_billing", str(path))
    assert failure is None
    lines = out.strip().splitlines()
    assert lines[-1] == "created=3 updated=0 unchanged=0 rejected=0"
    assert "Imported" in lines[0]
    assert "accounts: created 1" in out
    assert "B/s" in err or "%" in err  # the progress bar draws on stderr


def test_import_billing_lists_the_first_20_errors_and_the_total(tmp_path):
    rows = months(date(2020, 1, 1), 30)
    for values in rows[:25]:
        values["usage_value"] = "1,000"
    path = write(tmp_path, billing_text(rows))
    out, _, failure = _call("import_billing", str(path), "--no-progress")
    assert isinstance(failure, CommandError)
    assert failure.returncode == 2
    assert "1 of 1 file(s) not imported" in str(failure)
    assert "25 row(s) rejected; first errors:" in out
    assert out.count("must not contain commas") == 20
    assert "line 2 [usage_value] “1,000”: usage_value must not contain commas" in out
    assert "… 5 more error(s)" in out
    assert "25 of 30 rows (83.33%) were rejected" in out
    assert out.strip().splitlines()[-1] == "created=0 updated=0 unchanged=0 rejected=25"


def test_a_structurally_broken_file_exits_non_zero_with_one_message(tmp_path):
    path = write(tmp_path, "customer_id\tpremise_id\n")
    out, _, failure = _call("import_billing", str(path), "--no-progress")
    assert failure is not None
    assert "Rejected" in out
    assert out.count("The header does not match") == 1


def test_import_billing_reports_an_already_imported_file_and_force_re_applies(tmp_path):
    RateCodeFactory(code="RES-1")
    path = write(tmp_path, billing_text([row()]))
    _call("import_billing", str(path), "--no-progress")
    out, _, failure = _call("import_billing", str(path), "--no-progress")
    assert failure is None
    assert "Already imported" in out
    out, _, failure = _call("import_billing", str(path), "--no-progress", "--force")
    assert failure is None
    assert out.strip().splitlines()[-1] == "created=0 updated=0 unchanged=1 rejected=0"
    assert ImportRun.objects.filter(forced=True, status="succeeded").count() == 1


def test_import_billing_orders_several_files_and_the_share_can_be_given(tmp_path):
    RateCodeFactory(code="RES-1")
    first = write(
        tmp_path,
        billing_text([period(date(2024, 1, 1), date(2024, 1, 31))]),
        name="opwr_pve_res_v1-19-0_full_20240201020000.tsv",
    )
    rows = [period(date(2024, 2, 1), date(2024, 2, 29)), row(usage_value="bad")]
    second = write(
        tmp_path, billing_text(rows), name="opwr_pve_res_v1-19-0_full_20240301020000.tsv"
    )
    out, _, failure = _call(
        "import_billing", str(second), str(first), "--no-progress", "--max-rejected-share", "0.5"
    )
    assert failure is None
    assert out.index(first.name) < out.index(second.name)
    assert out.strip().splitlines()[-1] == "created=2 updated=0 unchanged=0 rejected=1"


def test_import_billing_refuses_a_missing_file_and_a_bad_share(tmp_path):
    _, _, failure = _call("import_billing", str(tmp_path / "nope.tsv"))
    assert "No such file" in str(failure)
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("import_billing", str(tmp_path), "--max-rejected-share", "7")


def test_import_interval_takes_the_interval_length(tmp_path):
    ServicePointFactory(service_point_id="SP1")
    path = write(
        tmp_path,
        interval_text([("SP1", "0.2", "20240115", "1315", "kWh", "A", "-0600")]),
    )
    out, _, failure = _call("import_interval", str(path), "--minutes", "15", "--no-progress")
    assert failure is None, out
    assert out.strip().splitlines()[-1] == "created=1 updated=0 unchanged=0 rejected=0"


def test_explain_eligibility_prints_every_purpose_and_reason_with_dates():
    medical = RateCodeFactory(code="RES-MED", is_allowlisted=False, exclusion_reason="Medical")
    account = AccountFactory(
        customer__customer_id="C77", customer__premise__premise_id="P77", rate_code=medical
    )
    EligibilityHold.objects.create(
        customer=account.customer,
        purpose="communications",
        reason="usage_gap",
        detail="Service point SP: 29 days without billed usage",
        starts_on=date(2024, 2, 1),
        ends_on=date(2026, 2, 1),
    )
    out, _, failure = _call("explain_eligibility", "C77", "P77", "--on", "2025-01-01")
    assert failure is None
    assert "Customer C77 at premise P77" in out
    assert "Web access: eligible" in out
    assert "Communications: NOT eligible" in out
    assert (
        "  - Gap in billed usage: Service point SP: 29 days without billed usage "
        "(since 2024-02-01, until 2026-02-01) [usage_gap]" in out
    )
    assert "Reports: NOT eligible" in out
    assert "rate RES-MED, which is not eligible (Medical)" in out
    assert "Neighbor comparison: NOT eligible" in out
    out, _, _ = _call("explain_eligibility", "C77", "P77", "--on", "2026-03-01")
    assert "Communications: eligible" in out


def test_explain_eligibility_for_an_unknown_customer_fails_clearly():
    _, _, failure = _call("explain_eligibility", "NOPE", "P1")
    assert "No customer NOPE at premise P1" in str(failure)
    AccountFactory(customer__customer_id="C1", customer__premise__premise_id="P1")
    _, _, failure = _call("explain_eligibility", "C1", "P1", "--on", "yesterday")
    assert "--on must be a date" in str(failure)
