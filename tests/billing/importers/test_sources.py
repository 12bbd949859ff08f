from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from billing.importers.errors import FileRejected
from billing.importers.sources import DataFileReader, file_name_parse


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "opwr_gec_res_v1-19-0_full_20220411120000.gz",
            ("gec", "res", "v1-19-0", "full", None, datetime(2022, 4, 11, 12)),
        ),
        (
            "opwr_pve_res_1-18-0_customer_20240101000000.zip",
            ("pve", "res", "1-18-0", "customer", None, datetime(2024, 1, 1)),
        ),
        (
            "opwr_pve_nonres-smb_1-19-0_usage_20240101000000.tsv.gz",
            ("pve", "nonres-smb", "1-19-0", "usage", None, datetime(2024, 1, 1)),
        ),
        (
            "OPWR_PVE_RES_V1-19-0_INTERVAL15_20240102030405",
            ("pve", "res", "V1-19-0", "interval", 15, datetime(2024, 1, 2, 3, 4, 5)),
        ),
    ],
)
def test_file_names_following_the_convention_are_parsed(name, expected):
    parsed = file_name_parse(name, time_zone="America/Chicago")
    utility, population, version, layout, minutes, stamp = expected
    assert (parsed.utility, parsed.population, parsed.version) == (utility, population, version)
    assert (parsed.layout, parsed.interval_minutes) == (layout, minutes)
    assert parsed.timestamp == stamp.replace(tzinfo=ZoneInfo("America/Chicago"))


@pytest.mark.parametrize(
    "name",
    [
        "billing.tsv",
        "opwr_pve_res_v1.19.0_full_20240101000000.gz",  # dots in the version
        "opwr_pve_res_v1-19-0_full_2024010100000.gz",  # 13 digits
        "opwr_pve_res_v1-19-0_full_20241301000000.gz",  # month 13
        "opwr_pve_retail_v1-19-0_full_20240101000000.gz",
    ],
)
def test_other_names_are_not_parsed(name):
    assert file_name_parse(name, time_zone="America/Chicago") is None


def test_the_reader_reports_a_missing_file(tmp_path):
    with pytest.raises(FileRejected, match="cannot be read"), DataFileReader(tmp_path / "x"):
        pass
