"""Kill an import mid-file: the database is exactly as before (PostgreSQL).

The import runs as `manage.py import_billing` in a separate process against
the (committed) test database; the test waits until it is inside the file,
sends SIGKILL, and compares every table the import writes.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from billing.importers import runner
from billing.importers.interval_file import COLUMN_TITLES as INTERVAL_TITLES
from billing.models import (
    Account,
    Customer,
    EligibilityHold,
    ImportRowError,
    ImportRun,
    IntervalRead,
    Premise,
    RateCode,
    ServicePoint,
    UsageValue,
)
from billing.services import data_file_import
from tests.billing.datafiles import billing_text, lanes_spy, months, write
from tests.conftest import require_postgresql
from tests.integration.worker import ROOT, _database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SERVICE_POINTS = 10_000
PERIODS = 30


def _big_file(path: Path) -> Path:
    """SERVICE_POINTS x PERIODS rows, with customers, premises and accounts."""
    header = billing_text([]).rstrip("\n")
    first = date(2022, 1, 1)
    ends = []
    start = first
    for _ in range(PERIODS):
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        ends.append((end.strftime("%Y%m%d"), (end - start).days + 1))
        start = end + timedelta(days=1)
    with path.open("w") as handle:
        handle.write(header + "\n")
        for n in range(SERVICE_POINTS):
            entity = (
                f"K{n}\tPK{n}\t\t\tAna\tLopez{n}\tana{n}@example.com\t\ten\tAK{n}\t20200101\t\t"
                f"RES-1\t05\tSPK{n}\t{n}\tMain St\t\tSpringfield\tIL\t62701\t1500\t\t\t\t"
                f"electric\tM{n}\tami"
            )
            for date_to, duration in ends:
                handle.write(f"{entity}\t{date_to}\t{duration}\t{400 + n % 97}.5\t60.10\tA\tkWh\n")
    return path


def _snapshot():
    return {
        model.__name__: (
            model.objects.count(),
            sorted(model.objects.values_list("pk", flat=True))[:50],
        )
        for model in (
            Premise,
            Customer,
            ServicePoint,
            Account,
            RateCode,
            UsageValue,
            EligibilityHold,
            ImportRowError,
        )
    } | {"usage_sum": sorted(UsageValue.objects.values_list("usage_value", flat=True))}


def _advisory_locks() -> int:
    with connection.cursor() as cursor:
        # pg_locks is cluster-wide: other databases' imports must not count.
        cursor.execute(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


def _kill_when(predicate, path: Path, log: Path, command: str = "import_billing") -> ImportRun:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL": "false",
        # Record progress at every report (every 20,000 lines), not once a second.
        "BILLING_IMPORT_PROGRESS_SECONDS": "0",
    }
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", command, str(path), "--no-progress"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            run = None
            while time.monotonic() < deadline and process.poll() is None:
                run = ImportRun.objects.filter(file_name=path.name).first()
                if run is not None and predicate(run):
                    break
                time.sleep(0.05)
            assert process.poll() is None, f"the import ended before the kill:\n{log.read_text()}"
            assert run is not None, log.read_text()
            assert predicate(run), log.read_text()
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == -signal.SIGKILL
    # The server ends the killed client's transaction and releases its lock.
    deadline = time.monotonic() + 30
    while _advisory_locks() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _advisory_locks() == 0
    return ImportRun.objects.get(pk=run.pk)


def _kill_while_reading(tmp_path: Path, *, stored_from: date, name: str) -> ImportRun:
    """Store three months for SPK1 from `stored_from`, then kill an import of
    the big file while it reads; the database must be as it was."""
    RateCode.objects.create(code="RES-1")
    earlier = months(
        stored_from,
        3,
        customer_id="K1",
        premise_id="PK1",
        account_id="AK1",
        service_point_id="SPK1",
        service_house_number="1",
        service_street_name="Main St",
    )
    data_file_import(path=write(tmp_path, billing_text(earlier)), kind="billing")
    before = _snapshot()
    big = _big_file(tmp_path / name)
    size = big.stat().st_size
    killed = _kill_when(
        lambda run: run.phase == "reading" and 0 < run.bytes_done < size // 2,
        big,
        tmp_path / "kill.log",
    )
    assert killed.status == "running"  # the process died; the run never finished
    assert _snapshot() == before
    return killed


def test_killing_an_import_while_it_reads_the_file_changes_nothing(tmp_path):
    require_postgresql("killing an import mid-file is tested on PostgreSQL")
    # Data already on file, including rows the big file would change: staged.
    name = "opwr_pve_res_v1-19-0_full_20240101000000.tsv"
    killed = _kill_while_reading(tmp_path, stored_from=date(2022, 1, 1), name=name)
    big = tmp_path / name

    # The next import finds the dead run, marks it, and applies normally.
    rerun = data_file_import(path=big, kind="billing")
    assert rerun.status == "succeeded", rerun.message
    assert (rerun.created, rerun.updated, rerun.rejected) == (SERVICE_POINTS * PERIODS - 3, 3, 0)
    killed.refresh_from_db()
    assert killed.status == "interrupted"


def test_killing_an_import_while_it_applies_the_rules_changes_nothing(tmp_path):
    require_postgresql("killing an import mid-file is tested on PostgreSQL")
    RateCode.objects.create(code="RES-1")
    before = _snapshot()
    big = _big_file(tmp_path / "opwr_pve_res_v1-19-0_full_20240102000000.tsv")
    killed = _kill_when(
        lambda run: run.phase in ("checking", "applying"), big, tmp_path / "kill.log"
    )
    assert killed.status == "running"
    assert _snapshot() == before


def test_killing_a_billing_import_in_its_direct_lane_changes_nothing(tmp_path, monkeypatch):
    require_postgresql("killing an import mid-file is tested on PostgreSQL")
    # Data already on file, before the big file's periods: the direct lane is taken.
    name = "opwr_pve_res_v1-19-0_full_20240103000000.tsv"
    _kill_while_reading(tmp_path, stored_from=date(2021, 1, 1), name=name)
    big = tmp_path / name

    lanes = lanes_spy(monkeypatch, runner, "_billing_direct_load")
    rerun = data_file_import(path=big, kind="billing")
    assert rerun.status == "succeeded", rerun.message
    assert lanes == ["direct"]
    assert (rerun.created, rerun.updated, rerun.rejected) == (SERVICE_POINTS * PERIODS, 0, 0)


def _interval_file(path: Path, service_points: int, hours: int, first_hour: int = 0) -> Path:
    """`hours` hourly reads (UTC midnight on) for each service point SPI<n>."""
    start = datetime(2024, 1, 10, tzinfo=UTC)
    with path.open("w") as handle:
        handle.write("\t".join(INTERVAL_TITLES) + "\n")
        for n in range(service_points):
            lines = []
            for h in range(first_hour, first_hour + hours):
                local = (start + timedelta(hours=h)).astimezone(ZoneInfo("America/Chicago"))
                lines.append(f"SPI{n}\t{(n + h) % 7}.25\t{local:%Y%m%d}\t{local:%H%M}\tkWh\tA\t\n")
            handle.write("".join(lines))
    return path


def test_killing_an_interval_import_in_its_direct_lane_changes_nothing(tmp_path):
    require_postgresql("killing an import mid-file is tested on PostgreSQL")
    premise = Premise.objects.create(premise_id="PI", street_name="Main St", zip_code="62701")
    ServicePoint.objects.bulk_create(
        ServicePoint(service_point_id=f"SPI{n}", premise=premise, fuel="electric")
        for n in range(2000)
    )
    # Reads already on file, before the big file's span: the direct lane is taken.
    earlier = _interval_file(tmp_path / "opwr_pve_res_v1-19-0_interval60_20240101.tsv", 50, 5)
    assert data_file_import(path=earlier, kind="interval").created == 250
    before = sorted(IntervalRead.objects.values_list("service_point_id", "interval_end", "value"))
    big = _interval_file(
        tmp_path / "opwr_pve_res_v1-19-0_interval60_20240201.tsv", 2000, 240, first_hour=24
    )
    size = big.stat().st_size
    killed = _kill_when(
        lambda run: run.phase == "reading" and 0 < run.bytes_done < size // 2,
        big,
        tmp_path / "kill.log",
        command="import_interval",
    )
    assert killed.status == "running"
    after = sorted(IntervalRead.objects.values_list("service_point_id", "interval_end", "value"))
    assert after == before
    rerun = data_file_import(path=big, kind="interval")
    assert rerun.status == "succeeded", rerun.message
    assert (rerun.created, rerun.updated, rerun.rejected) == (2000 * 240, 0, 0)
