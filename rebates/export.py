"""The rebate file for billing, in Opower's Peak Time Rebates layout.

One row per settled participant per event (domain-facts §1.6, [OP-PTRF]):
``account_id, rate_plan_identifier, rate_component, start_date, end_date,
performance_value, performance_dollars``. Dates are the utility's local
clock as ``YYYYMMDD HHMM``; the end is exclusive (an event ending at 11:00
ends ``… 1100``); a multi-day event is one row from its first start to its
last end. ``performance_value`` is kWh saved (positive = used less than the
baseline, negative = used more) with six decimals; ``performance_dollars``
is the rebate in dollars, never negative. Sending the file again after a
correction replaces the earlier rows (Opower treats the last record for the
same period as a correction); each change is also a SettlementAdjustment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

HEADER = [
    "account_id",
    "rate_plan_identifier",
    "rate_component",
    "start_date",
    "end_date",
    "performance_value",
    "performance_dollars",
]
RATE_COMPONENT = "PTR"


def rebate_file_rows(*, event, results: Iterable) -> list[list[str]]:
    start = f"{event.start_date:%Y%m%d} {event.start_time:%H%M}"
    end = f"{event.end_date:%Y%m%d} {event.end_time:%H%M}"
    rows = []
    for result in results:
        account = result.participant.account
        rows.append(
            [
                account.account_id,
                account.rate_code.code,
                RATE_COMPONENT,
                start,
                end,
                f"{result.savings_kwh:.6f}",
                f"{result.rebate:.2f}",
            ]
        )
    return rows


def rebate_file_text(rows: Sequence[Sequence[str]], *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()
