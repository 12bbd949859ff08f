# SQL here is assembled from table and column names written in this module and
# from the dialect's expressions; every value from a file travels as a parameter.
# ruff: noqa: S608
"""The billing-file rules that need other rows or the database, as set-based SQL.

Input: the staging tables filled by the parser (`imp_rows`: one row per
accepted usage row; `imp_entities`: customer/premise/account/service point
values, one per run of identical rows; `imp_errors`: errors found here).
Every statement works on whole sets, never one row at a time, and runs on
PostgreSQL and SQLite alike (billing.importers.sql.Dialect).

The order is: validate against the database and across rows (adding
`imp_errors`), let the caller decide whether the file is rejected, then
apply: rate codes, premises, customers, service points, accounts (with the
active_date rules), usage (corrections), and eligibility holds for gaps and
overlaps. See docs/data-files.md for each rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import DatabaseError, transaction

from billing.importers import fields as f
from billing.importers.billing_file import CUSTOMER, ENTITY_STAGE_COLUMNS, FULL, USAGE
from billing.importers.errors import Abandon
from billing.importers.sql import Dialect
from billing.models.eligibility import HoldReason, Purpose

HOLD_YEARS = 2
REASON_LIMIT = 300

ROWS_TABLE = "imp_rows"
ENTITIES_TABLE = "imp_entities"
ERRORS_TABLE = "imp_errors"
# The direct lane's (billing_direct.py): ids it took for service points new
# to the database, and the rows it wrote per service point.
IDS_TABLE = "imp_sp_ids"
SPANS_TABLE = "imp_direct"
TEMP_TABLES = (
    ROWS_TABLE,
    ENTITIES_TABLE,
    ERRORS_TABLE,
    IDS_TABLE,
    SPANS_TABLE,
    "imp_entity_errors",
    "imp_keys",
    "imp_premises",
    "imp_customers",
    "imp_sps",
    "imp_accts",
    "imp_timeline",
    "imp_final",
    "imp_usage_seq",
    "imp_affected",
    "imp_new",
    "imp_seq",
    "imp_gaps",
    "imp_bounds",
)

ROW_COLUMNS = (
    ("line", "int"),
    ("entity_line", "int"),
    ("sp_code", "text"),
    ("date_to", "date"),
    ("duration", "int"),
    ("usage_value", "numeric"),
    ("usage_charge", "numeric"),
    ("is_estimate", "text"),
    ("unit", "text"),
)
ENTITY_TYPES = {
    "active_date": "date",
    "inactive_date": "date",
    "square_feet": "int",
    "year_built": "int",
}
ENTITY_COLUMNS = (
    ("entity_line", "int"),
    *((name, ENTITY_TYPES.get(name, "text")) for name in ENTITY_STAGE_COLUMNS),
)
ERROR_COLUMNS = (("line", "int"), ("col", "text"), ("value", "text"), ("reason", "text"))
IDS_COLUMNS = (("sp_code", "text"), ("id", "bigint"))
SPANS_COLUMNS = (
    ("sp_pk", "bigint"),
    ("n", "int"),
    ("first_to", "date"),
    ("last_to", "date"),
    ("last_duration", "int"),
    ("settled", "int"),
)


@dataclass
class NewBillingPeriods:
    """New billing periods on one service point, for the `usage_imported` signal."""

    service_point_pk: int
    customer_pk: int | None
    periods: int
    latest_date_to: date


@dataclass
class BillingOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict = field(default_factory=dict)
    new_periods: list[NewBillingPeriods] = field(default_factory=list)
    # Every customer the file describes (to register their contact points).
    customer_pks: list[int] = field(default_factory=list)


def staging_create(cursor, dialect: Dialect) -> None:
    dialect.temp_drop(cursor, *TEMP_TABLES)
    dialect.temp_create(cursor, ROWS_TABLE, ROW_COLUMNS)
    dialect.temp_create(cursor, ENTITIES_TABLE, ENTITY_COLUMNS)
    dialect.temp_create(cursor, ERRORS_TABLE, ERROR_COLUMNS)
    dialect.temp_create(cursor, "imp_entity_errors", (("entity_line", "int"), *ERROR_COLUMNS[1:]))
    dialect.temp_create(cursor, IDS_TABLE, IDS_COLUMNS)
    dialect.temp_create(cursor, SPANS_TABLE, SPANS_COLUMNS)


def staging_drop(cursor, dialect: Dialect) -> None:
    dialect.temp_drop(cursor, *TEMP_TABLES)


def _reason(dialect: Dialect, *parts: str) -> str:
    """An SQL expression concatenating literal text and expressions."""
    return f"substr({' || '.join(parts)}, 1, {REASON_LIMIT})"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _d(dialect: Dialect, expression: str) -> str:
    return dialect.as_text(expression)


class BillingRules:
    """Validate and apply one staged billing file."""

    def __init__(
        self,
        cursor,
        dialect: Dialect,
        *,
        layout: str,
        negative_usage: str,
        now: datetime,
        source: str,
        direct: bool = False,
    ):
        # direct: the usage rows were written by the direct lane
        # (billing_direct.py); only rows that need a rule are staged.
        self.direct = direct
        self.cursor = cursor
        self.dialect = dialect
        self.layout = layout
        self.negative_usage = negative_usage
        self.now = dialect.datetime_param(now)
        self.today = now.date()
        self.source = source[:200]

    def _x(self, sql: str, params=()) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def _row(self, sql: str, params=()) -> tuple:
        self.cursor.execute(sql, params)
        return self.cursor.fetchone()

    def _scalar(self, sql: str, params=()):
        self.cursor.execute(sql, params)
        row = self.cursor.fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------
    # Validation across rows and against the database
    # ------------------------------------------------------------------
    def validate(self) -> None:
        d = self.dialect
        d.analyze(self.cursor, ROWS_TABLE, ENTITIES_TABLE)
        if self.layout in (FULL, CUSTOMER):
            self._x(f"CREATE INDEX imp_entities_sp ON {ENTITIES_TABLE} (sp_code, entity_line)")
            self._service_point_checks()
            self._entity_errors_apply()
            self._keys_build()
            self._account_checks()
            if self._entity_errors_apply():
                self._keys_build()
        if self.layout == FULL:
            self._x(f"CREATE INDEX imp_rows_entity ON {ROWS_TABLE} (entity_line)")
        if self.layout == USAGE:
            self._usage_file_checks()
        if self.negative_usage == f.NEGATIVE_NET_METERING:
            self._negative_usage_checks()
        self._rejected_rows_drop()

    def _service_point_checks(self) -> None:
        """A service point never changes premise or fuel."""
        d = self.dialect
        for column, attribute, label in (
            ("premise_id", "p.premise_id", "premise"),
            ("fuel", "sp.fuel", "fuel"),
        ):
            # Against the database.
            self._x(
                f"""
                INSERT INTO imp_entity_errors (entity_line, col, value, reason)
                SELECT e.entity_line, '{column}', e.{column},
                  {
                    _reason(
                        d,
                        "'service point '",
                        "e.sp_code",
                        f"' is on file with {label} '",
                        attribute,
                        "'; a service point never changes premise or fuel (a new location needs "
                        "a new service point ID)'",
                    )
                }
                FROM {ENTITIES_TABLE} e
                JOIN billing_servicepoint sp ON sp.service_point_id = e.sp_code
                JOIN billing_premise p ON p.id = sp.premise_id
                WHERE {attribute} <> e.{column}
                """
            )
            # Within the file, for service points new to the database: the
            # first row that names the service point decides.
            self._x(
                f"""
                INSERT INTO imp_entity_errors (entity_line, col, value, reason)
                SELECT e.entity_line, '{column}', e.{column},
                  {
                    _reason(
                        d,
                        "'service point '",
                        "e.sp_code",
                        f"' has {label} '",
                        f"e0.{column}",
                        "' on line '",
                        d.as_text("e0.entity_line"),
                        "'; a service point never changes premise or fuel'",
                    )
                }
                FROM {ENTITIES_TABLE} e
                JOIN (SELECT sp_code, MIN(entity_line) AS first_line FROM {ENTITIES_TABLE}
                      GROUP BY sp_code) first ON first.sp_code = e.sp_code
                JOIN {ENTITIES_TABLE} e0 ON e0.entity_line = first.first_line
                WHERE e0.{column} <> e.{column}
                  AND NOT EXISTS (SELECT 1 FROM billing_servicepoint sp
                                  WHERE sp.service_point_id = e.sp_code)
                """
            )

    def _keys_build(self) -> None:
        """The last state of each account (service point, account_id, active_date) in the file."""
        self.dialect.temp_create_as(
            self.cursor,
            "imp_keys",
            f"""
            SELECT sp_code, account_id, active_date, inactive_date, customer_id, premise_id,
                   rate_code, read_cycle, entity_line
            FROM (
              SELECT e.*, ROW_NUMBER() OVER (
                PARTITION BY sp_code, account_id, active_date ORDER BY entity_line DESC) AS rn
              FROM {ENTITIES_TABLE} e
            ) x WHERE rn = 1
            """,
        )
        self._x("CREATE INDEX imp_keys_sp ON imp_keys (sp_code, active_date)")
        self.dialect.analyze(self.cursor, "imp_keys")

    def _account_checks(self) -> None:
        d = self.dialect
        key_match = (
            "e.sp_code = k.sp_code AND e.account_id = k.account_id "
            "AND e.active_date = k.active_date"
        )
        # An existing account keeps its customer: a new occupant is a new
        # account with a later active_date.
        self._x(
            f"""
            INSERT INTO imp_entity_errors (entity_line, col, value, reason)
            SELECT e.entity_line, 'customer_id', e.customer_id,
              {
                _reason(
                    d,
                    "'account '",
                    "e.account_id",
                    "' (active since '",
                    _d(d, "a.active_date"),
                    "') at service point '",
                    "e.sp_code",
                    "' belongs to customer '",
                    "c.customer_id",
                    "'; a new occupant needs a new account with a later active_date'",
                )
            }
            FROM {ENTITIES_TABLE} e
            JOIN billing_servicepoint sp ON sp.service_point_id = e.sp_code
            JOIN billing_account a ON a.service_point_id = sp.id AND a.account_id = e.account_id
                                   AND a.active_date = e.active_date
            JOIN billing_customer c ON c.id = a.customer_id
            JOIN billing_premise cp ON cp.id = c.premise_id
            WHERE c.customer_id <> e.customer_id OR cp.premise_id <> e.premise_id
            """
        )
        newest = (
            "(SELECT MAX(n.active_date) FROM billing_account n WHERE n.service_point_id = sp.id)"
        )
        # A file that also carries a newer account on the service point (a
        # full history re-sent) supersedes the older one: no conflict.
        newer_in_file = (
            "SELECT 1 FROM imp_keys k3 WHERE k3.sp_code = k.sp_code "
            "AND k3.active_date > k.active_date"
        )
        # A closed account is reactivated only by its own account_id and
        # active_date, and not while a newer account is on the service point
        # (unless the file itself carries that newer account).
        self._x(
            f"""
            INSERT INTO imp_entity_errors (entity_line, col, value, reason)
            SELECT e.entity_line, 'inactive_date', '',
              {
                _reason(
                    d,
                    "'account '",
                    "k.account_id",
                    "' (active since '",
                    _d(d, "k.active_date"),
                    "') was closed on '",
                    _d(d, "a.inactive_date"),
                    "' and cannot be reactivated: a newer account (active since '",
                    _d(d, newest),
                    "') is on service point '",
                    "k.sp_code",
                    "''",
                )
            }
            FROM imp_keys k
            JOIN billing_servicepoint sp ON sp.service_point_id = k.sp_code
            JOIN billing_account a ON a.service_point_id = sp.id AND a.account_id = k.account_id
                                   AND a.active_date = k.active_date
            JOIN {ENTITIES_TABLE} e ON {key_match} AND e.inactive_date IS NULL
            WHERE k.inactive_date IS NULL AND a.inactive_date IS NOT NULL
              AND {newest} > k.active_date
              AND NOT EXISTS ({newer_in_file})
            """
        )
        # active_date never changes: an account new to the database cannot
        # start before the newest account already on its service point.
        self._x(
            f"""
            INSERT INTO imp_entity_errors (entity_line, col, value, reason)
            SELECT e.entity_line, 'active_date', {_d(d, "e.active_date")},
              {
                _reason(
                    d,
                    "'active_date '",
                    _d(d, "k.active_date"),
                    "' is earlier than the newest account on service point '",
                    "k.sp_code",
                    "' (active since '",
                    _d(d, newest),
                    "'); an account''s active_date never changes - send it with the "
                    "active_date on file'",
                )
            }
            FROM imp_keys k
            JOIN billing_servicepoint sp ON sp.service_point_id = k.sp_code
            JOIN {ENTITIES_TABLE} e ON {key_match} AND e.inactive_date IS NULL
            WHERE k.inactive_date IS NULL
              AND {newest} > k.active_date
              AND NOT EXISTS ({newer_in_file})
              AND NOT EXISTS (SELECT 1 FROM billing_account a
                              WHERE a.service_point_id = sp.id AND a.account_id = k.account_id
                                AND a.active_date = k.active_date)
            """
        )
        # One active account per service point: two accounts starting the
        # same day cannot both be open. The one on file (or the later row) wins.
        self._x(
            f"""
            INSERT INTO imp_entity_errors (entity_line, col, value, reason)
            SELECT e.entity_line, 'account_id', e.account_id,
              {
                _reason(
                    d,
                    "'another account on service point '",
                    "k.sp_code",
                    "' also starts on '",
                    _d(d, "k.active_date"),
                    "'; only one account can be active at a service point'",
                )
            }
            FROM imp_keys k
            JOIN {ENTITIES_TABLE} e ON {key_match} AND e.inactive_date IS NULL
            WHERE k.inactive_date IS NULL AND (
              EXISTS (
                SELECT 1 FROM billing_account a
                JOIN billing_servicepoint sp ON sp.id = a.service_point_id
                WHERE sp.service_point_id = k.sp_code AND a.active_date = k.active_date
                  AND a.account_id <> k.account_id AND a.inactive_date IS NULL
                  AND NOT EXISTS (SELECT 1 FROM imp_keys k2
                                  WHERE k2.sp_code = k.sp_code AND k2.account_id = a.account_id
                                    AND k2.active_date = a.active_date
                                    AND k2.inactive_date IS NOT NULL)
)
              OR EXISTS (
                SELECT 1 FROM imp_keys k2
                WHERE k2.sp_code = k.sp_code AND k2.active_date = k.active_date
                  AND k2.account_id <> k.account_id AND k2.inactive_date IS NULL
                  AND k2.entity_line > k.entity_line))
            """
        )

    def _entity_errors_apply(self) -> bool:
        """Turn entity errors into row errors and drop the rejected rows;
        True if there were any."""
        if not self._scalar("SELECT COUNT(*) FROM imp_entity_errors"):
            return False
        if self.direct:
            raise Abandon("an entity was rejected after its rows were written")
        if self.layout == FULL:
            self._x(
                f"""
                INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
                SELECT r.line, x.col, x.value, x.reason
                FROM imp_entity_errors x JOIN {ROWS_TABLE} r ON r.entity_line = x.entity_line
                """
            )
            self._x(
                f"DELETE FROM {ROWS_TABLE} WHERE entity_line IN "
                "(SELECT entity_line FROM imp_entity_errors)"
            )
        else:
            self._x(
                f"INSERT INTO {ERRORS_TABLE} (line, col, value, reason) "
                "SELECT entity_line, col, value, reason FROM imp_entity_errors"
            )
        self._x(
            f"DELETE FROM {ENTITIES_TABLE} WHERE entity_line IN "
            "(SELECT entity_line FROM imp_entity_errors)"
        )
        self._x("DELETE FROM imp_entity_errors")
        return True

    def _usage_file_checks(self) -> None:
        d = self.dialect
        self._x(
            f"""
            INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
            SELECT r.line, 'service_point_id', r.sp_code,
              {
                _reason(
                    d,
                    "'service point '",
                    "r.sp_code",
                    "' is not on file; send it in a customer or full file first'",
                )
            }
            FROM {ROWS_TABLE} r
            WHERE NOT EXISTS (SELECT 1 FROM billing_servicepoint sp
                              WHERE sp.service_point_id = r.sp_code)
            """
        )
        self._x(
            f"""
            INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
            SELECT r.line, 'unit', r.unit,
              {
                _reason(
                    d,
                    "'unit '",
                    "r.unit",
                    "' does not match the fuel of service point '",
                    "r.sp_code",
                    "' ('",
                    "sp.fuel",
                    "')'",
                )
            }
            FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
            WHERE NOT {unit_matches_fuel("r.unit", "sp.fuel")}
            """
        )

    def _negative_usage_checks(self) -> None:
        """With NEGATIVE_USAGE = net_metering, only net-metering rates may go negative."""
        d = self.dialect
        reason = _reason(
            d,
            "'negative usage or charge is accepted only on a net-metering rate; '",
            "'this account''s rate is not one'",
        )
        if self.layout == FULL:
            self._x(
                f"""
                INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
                SELECT r.line, 'usage_value', {d.as_text("r.usage_value")}, {reason}
                FROM {ROWS_TABLE} r JOIN {ENTITIES_TABLE} e ON e.entity_line = r.entity_line
                WHERE (r.usage_value < 0 OR r.usage_charge < 0)
                  AND NOT EXISTS (SELECT 1 FROM billing_ratecode rc
                                  WHERE rc.code = e.rate_code AND rc.is_net_metering)
                """
            )
        elif self.layout == USAGE:
            start = d.days_add("r.date_to", "1 - r.duration")
            self._x(
                f"""
                INSERT INTO {ERRORS_TABLE} (line, col, value, reason)
                SELECT r.line, 'usage_value', {d.as_text("r.usage_value")}, {reason}
                FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
                WHERE (r.usage_value < 0 OR r.usage_charge < 0)
                  AND NOT EXISTS (
                    SELECT 1 FROM billing_account a
                    JOIN billing_ratecode rc ON rc.id = a.rate_code_id
                    WHERE a.service_point_id = sp.id AND rc.is_net_metering
                      AND a.active_date <= r.date_to
                      AND (a.inactive_date IS NULL OR a.inactive_date >= {start}))
                """
            )

    def _rejected_rows_drop(self) -> None:
        if self.layout == CUSTOMER or not self._scalar(f"SELECT COUNT(*) FROM {ERRORS_TABLE}"):
            return
        if self.direct:
            raise Abandon("a row was rejected after the rows of its entity were written")
        self._x(f"DELETE FROM {ROWS_TABLE} WHERE line IN (SELECT line FROM {ERRORS_TABLE})")
        if self.layout == FULL:
            # An entity is applied only through a row that was accepted.
            self._x(
                f"DELETE FROM {ENTITIES_TABLE} WHERE NOT EXISTS "
                f"(SELECT 1 FROM {ROWS_TABLE} r WHERE r.entity_line = {ENTITIES_TABLE}.entity_line)"
            )
            self._keys_build()

    def rejected_lines(self) -> int:
        return self._scalar(f"SELECT COUNT(DISTINCT line) FROM {ERRORS_TABLE}") or 0

    # ------------------------------------------------------------------
    # Apply
    # ------------------------------------------------------------------
    def apply(self) -> BillingOutcome:
        outcome = BillingOutcome()
        if self.layout in (FULL, CUSTOMER):
            self._rate_codes_apply(outcome)
            self._premises_apply(outcome)
            self._customers_apply(outcome)
            self._customers_collect(outcome)
            self._service_points_apply(outcome)
            self._accounts_apply(outcome)
        if self.layout in (FULL, USAGE):
            self._usage_apply(outcome)
            self._holds_apply(outcome)
            self._new_periods_collect(outcome)
        else:
            # A customer file delivers accounts: count those.
            accounts = outcome.details["accounts"]
            keys = self._scalar("SELECT COUNT(*) FROM imp_keys")
            outcome.created, outcome.updated = accounts["created"], accounts["updated"]
            outcome.unchanged = max(0, keys - accounts["created"] - accounts["updated"])
        return outcome

    def _rate_codes_apply(self, outcome: BillingOutcome) -> None:
        """Unknown rate codes are created off the allowlist, pending staff review."""
        reason = f"New in data file {self.source}; not allowlisted until staff review it"[:200]
        self.cursor.execute(
            """
            SELECT DISTINCT k.rate_code FROM imp_keys k
            WHERE NOT EXISTS (SELECT 1 FROM billing_ratecode r WHERE r.code = k.rate_code)
            ORDER BY k.rate_code
            """
        )
        codes = [row[0] for row in self.cursor.fetchall()]
        if codes:
            self._x(
                f"""
                INSERT INTO billing_ratecode (code, description, is_allowlisted, exclusion_reason,
                                              is_net_metering, created_at, updated_at)
                SELECT DISTINCT k.rate_code, '', {self.dialect.false()}, %s, {self.dialect.false()},
                       %s, %s
                FROM imp_keys k
                WHERE NOT EXISTS (SELECT 1 FROM billing_ratecode r WHERE r.code = k.rate_code)
                """,
                [reason, self.now, self.now],
            )
        outcome.details["rate_codes_created"] = codes[:100]

    def _last_per(self, name: str, partition: str, select: str, joins: str = "") -> None:
        self.dialect.temp_create_as(
            self.cursor,
            name,
            f"""
            SELECT {select}
            FROM (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY {partition}
                                                 ORDER BY entity_line DESC) AS rn
                  FROM {ENTITIES_TABLE} e) x
            {joins}
            WHERE x.rn = 1
            """,
        )
        self.dialect.analyze(self.cursor, name)

    def _premises_apply(self, outcome: BillingOutcome) -> None:
        d = self.dialect
        self._last_per(
            "imp_premises",
            "premise_id",
            "x.premise_id, x.house_number, x.street_name, x.unit, x.city, x.state, x.zip_code, "
            "x.square_feet, x.dwelling_type, x.heating_fuel, x.year_built",
        )
        # Building facts the file leaves blank keep what is on file.
        kept = ("square_feet", "dwelling_type", "heating_fuel", "year_built")
        replaced = ("house_number", "street_name", "unit", "city", "state", "zip_code")
        sets = [f"{c} = p.{c}" for c in replaced] + [
            f"{c} = COALESCE(p.{c}, billing_premise.{c})" for c in kept
        ]
        changed = [f"billing_premise.{c} <> p.{c}" for c in replaced] + [
            f"(p.{c} IS NOT NULL AND {d.differs(f'billing_premise.{c}', f'p.{c}')})" for c in kept
        ]
        updated = self._x(
            f"""
            UPDATE billing_premise SET {", ".join(sets)}, updated_at = %s
            FROM imp_premises p
            WHERE billing_premise.premise_id = p.premise_id AND ({" OR ".join(changed)})
            """,
            [self.now],
        )
        created = self._x(
            """
            INSERT INTO billing_premise (premise_id, house_number, street_name, unit, city, state,
              zip_code, square_feet, dwelling_type, heating_fuel, year_built, created_at,
              updated_at)
            SELECT p.premise_id, p.house_number, p.street_name, p.unit, p.city, p.state,
              p.zip_code, p.square_feet, COALESCE(p.dwelling_type, ''),
              COALESCE(p.heating_fuel, ''), p.year_built, %s, %s
            FROM imp_premises p
            WHERE NOT EXISTS (SELECT 1 FROM billing_premise t WHERE t.premise_id = p.premise_id)
            """,
            [self.now, self.now],
        )
        outcome.details["premises"] = {"created": created, "updated": updated}

    def _customers_apply(self, outcome: BillingOutcome) -> None:
        self._last_per(
            "imp_customers",
            "customer_id, premise_id",
            "x.customer_id, p.id AS premise_pk, x.secondary_id, x.customer_type, x.first_name, "
            "x.last_name, x.email, x.phone, x.language",
            "JOIN billing_premise p ON p.premise_id = x.premise_id",
        )
        columns = (
            "secondary_id",
            "customer_type",
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
        )
        updated = self._x(
            f"""
            UPDATE billing_customer SET {", ".join(f"{c} = c.{c}" for c in columns)},
              updated_at = %s
            FROM imp_customers c
            WHERE billing_customer.customer_id = c.customer_id
              AND billing_customer.premise_id = c.premise_pk
              AND ({" OR ".join(f"billing_customer.{c} <> c.{c}" for c in columns)})
            """,
            [self.now],
        )
        created = self._x(
            f"""
            INSERT INTO billing_customer (customer_id, premise_id, {", ".join(columns)},
                                          created_at, updated_at)
            SELECT c.customer_id, c.premise_pk, {", ".join(f"c.{c}" for c in columns)}, %s, %s
            FROM imp_customers c
            WHERE NOT EXISTS (SELECT 1 FROM billing_customer t
                              WHERE t.customer_id = c.customer_id AND t.premise_id = c.premise_pk)
            """,
            [self.now, self.now],
        )
        outcome.details["customers"] = {"created": created, "updated": updated}

    def _customers_collect(self, outcome: BillingOutcome) -> None:
        self.cursor.execute(
            """
            SELECT t.id FROM billing_customer t
            JOIN imp_customers c ON t.customer_id = c.customer_id AND t.premise_id = c.premise_pk
            ORDER BY t.id
            """
        )
        outcome.customer_pks = [row[0] for row in self.cursor.fetchall()]

    def _service_points_apply(self, outcome: BillingOutcome) -> None:
        d = self.dialect
        self._last_per(
            "imp_sps",
            "sp_code",
            "x.sp_code, p.id AS premise_pk, x.fuel, x.meter_id, x.meter_type",
            "JOIN billing_premise p ON p.premise_id = x.premise_id",
        )
        # A blank meter ID or type keeps what is on file.
        updated = self._x(
            f"""
            UPDATE billing_servicepoint SET
              meter_id = COALESCE(s.meter_id, billing_servicepoint.meter_id),
              meter_type = COALESCE(s.meter_type, billing_servicepoint.meter_type),
              updated_at = %s
            FROM imp_sps s
            WHERE billing_servicepoint.service_point_id = s.sp_code AND (
              (s.meter_id IS NOT NULL
               AND {d.differs("billing_servicepoint.meter_id", "s.meter_id")})
              OR (s.meter_type IS NOT NULL
                  AND {d.differs("billing_servicepoint.meter_type", "s.meter_type")}))
            """,
            [self.now],
        )
        # With the ids the direct lane's usage rows already carry, if any.
        created = 0
        for with_id in (True, False):
            created += self._x(
                f"""
                INSERT INTO billing_servicepoint ({"id, " if with_id else ""}service_point_id,
                  premise_id, fuel, meter_id, meter_type, created_at, updated_at)
                SELECT {"i.id, " if with_id else ""}s.sp_code, s.premise_pk, s.fuel,
                       COALESCE(s.meter_id, ''), COALESCE(s.meter_type, 'amr'), %s, %s
                FROM imp_sps s
                {f"JOIN {IDS_TABLE} i ON i.sp_code = s.sp_code" if with_id else ""}
                WHERE NOT EXISTS (SELECT 1 FROM billing_servicepoint t
                                  WHERE t.service_point_id = s.sp_code)
                """,
                [self.now, self.now],
            )
        outcome.details["service_points"] = {"created": created, "updated": updated}

    def _accounts_apply(self, outcome: BillingOutcome) -> None:
        """Accounts, with the active_date rules.

        On each service point the account with the newest active_date (on
        file or in this import) is the current one; every older account that
        is still open is closed the day before the next one starts. This is
        how a new occupant's account hides the previous occupant's usage.
        """
        d = self.dialect
        c = self.cursor
        d.temp_create_as(
            c,
            "imp_accts",
            """
            SELECT k.account_id, k.active_date, k.inactive_date, k.read_cycle, k.entity_line,
                   sp.id AS sp_pk, cu.id AS customer_pk, r.id AS rate_pk, a.id AS account_pk
            FROM imp_keys k
            JOIN billing_servicepoint sp ON sp.service_point_id = k.sp_code
            JOIN billing_premise p ON p.premise_id = k.premise_id
            JOIN billing_customer cu ON cu.customer_id = k.customer_id AND cu.premise_id = p.id
            JOIN billing_ratecode r ON r.code = k.rate_code
            LEFT JOIN billing_account a ON a.service_point_id = sp.id
              AND a.account_id = k.account_id AND a.active_date = k.active_date
            """,
        )
        self._x("CREATE INDEX imp_accts_sp ON imp_accts (sp_pk)")
        d.analyze(c, "imp_accts")
        d.temp_create_as(
            c,
            "imp_timeline",
            """
            SELECT a.id AS account_pk, a.service_point_id AS sp_pk, a.active_date,
                   a.inactive_date AS old_inactive,
                   CASE WHEN k.account_pk IS NULL THEN a.inactive_date ELSE k.inactive_date END
                     AS inactive_date,
                   k.entity_line AS key_line
            FROM billing_account a
            JOIN (SELECT DISTINCT sp_pk FROM imp_accts) s ON s.sp_pk = a.service_point_id
            LEFT JOIN imp_accts k ON k.account_pk = a.id
            UNION ALL
            SELECT NULL, k.sp_pk, k.active_date, NULL, k.inactive_date, k.entity_line
            FROM imp_accts k WHERE k.account_pk IS NULL
            """,
        )
        d.analyze(c, "imp_timeline")
        day_before = d.days_add("n.next_active", "-1")
        d.temp_create_as(
            c,
            "imp_final",
            f"""
            WITH dates AS (SELECT DISTINCT sp_pk, active_date FROM imp_timeline),
            n AS (SELECT sp_pk, active_date,
                         LEAD(active_date) OVER (PARTITION BY sp_pk ORDER BY active_date)
                           AS next_active
                  FROM dates)
            SELECT t.account_pk, t.sp_pk, t.key_line, t.active_date, t.old_inactive,
              CASE WHEN t.inactive_date IS NULL AND n.next_active IS NOT NULL THEN
                CASE WHEN {day_before} > t.active_date THEN {day_before} ELSE n.next_active END
              ELSE t.inactive_date END AS new_inactive
            FROM imp_timeline t
            JOIN n ON n.sp_pk = t.sp_pk AND n.active_date = t.active_date
            """,
        )
        d.analyze(c, "imp_final")
        changed_inactive = d.differs("f.new_inactive", "f.old_inactive")
        deactivated = self._scalar(
            "SELECT COUNT(*) FROM imp_final f WHERE f.account_pk IS NOT NULL "
            "AND f.old_inactive IS NULL AND f.new_inactive IS NOT NULL"
        )
        reactivated = self._scalar(
            "SELECT COUNT(*) FROM imp_final f WHERE f.account_pk IS NOT NULL "
            "AND f.old_inactive IS NOT NULL AND f.new_inactive IS NULL"
        )
        # Close first (the partial unique index allows one open account per
        # service point at every moment), then change, then reopen, then add.
        updated = self._x(
            f"""
            UPDATE billing_account SET inactive_date = f.new_inactive,
              rate_code_id = COALESCE(k.rate_pk, billing_account.rate_code_id),
              read_cycle = COALESCE(k.read_cycle, billing_account.read_cycle),
              updated_at = %s
            FROM imp_final f LEFT JOIN imp_accts k ON k.account_pk = f.account_pk
            WHERE billing_account.id = f.account_pk AND f.new_inactive IS NOT NULL
              AND {changed_inactive}
            """,
            [self.now],
        )
        updated += self._x(
            f"""
            UPDATE billing_account SET rate_code_id = k.rate_pk, read_cycle = k.read_cycle,
              updated_at = %s
            FROM imp_accts k
            WHERE billing_account.id = k.account_pk
              AND (billing_account.rate_code_id <> k.rate_pk
                   OR billing_account.read_cycle <> k.read_cycle)
              AND NOT EXISTS (SELECT 1 FROM imp_final f
                              WHERE f.account_pk = k.account_pk AND f.new_inactive IS NOT NULL
                                AND {changed_inactive})
            """,
            [self.now],
        )
        updated += self._x(
            """
            UPDATE billing_account SET inactive_date = NULL, rate_code_id = k.rate_pk,
              read_cycle = k.read_cycle, updated_at = %s
            FROM imp_accts k JOIN imp_final f ON f.account_pk = k.account_pk
            WHERE billing_account.id = k.account_pk AND f.new_inactive IS NULL
              AND f.old_inactive IS NOT NULL
            """,
            [self.now],
        )
        created = self._x(
            """
            INSERT INTO billing_account (account_id, customer_id, service_point_id, active_date,
              inactive_date, rate_code_id, read_cycle, created_at, updated_at)
            SELECT k.account_id, k.customer_pk, k.sp_pk, k.active_date, f.new_inactive, k.rate_pk,
                   k.read_cycle, %s, %s
            FROM imp_accts k JOIN imp_final f ON f.key_line = k.entity_line
            WHERE k.account_pk IS NULL
            ORDER BY f.new_inactive IS NULL, k.sp_pk, k.active_date
            """,
            [self.now, self.now],
        )
        # Keys with the rows that were changed twice above (closed and then
        # given a new rate) count once.
        outcome.details["accounts"] = {
            "created": created,
            "updated": updated,
            "deactivated": deactivated,
            "reactivated": reactivated,
        }

    # Usage ---------------------------------------------------------------
    # A billing period this import creates or changes carries the import's
    # own time stamp (created_at / updated_at = now): that is how the rules
    # after the write find the new and corrected periods without returning a
    # million rows from the INSERT.
    def _usage_apply(self, outcome: BillingOutcome) -> None:
        if self.direct:
            self._usage_apply_direct(outcome)
            return
        d = self.dialect
        d.temp_create_as(
            self.cursor,
            "imp_affected",
            f"""
            SELECT sp.id AS sp_pk, MIN(r.date_to) AS first_to, MAX(r.date_to) AS last_to
            FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
            GROUP BY sp.id
            """,
        )
        self._x("CREATE UNIQUE INDEX imp_affected_pk ON imp_affected (sp_pk)")
        d.analyze(self.cursor, "imp_affected")
        d.service_points_hold(self.cursor, "imp_affected")
        written = self._usage_write_postgresql() if d.postgresql else None
        if written is None:
            self._usage_apply_generic(outcome)
        # Created periods per service point (for the counts and the signal).
        d.temp_create_as(
            self.cursor,
            "imp_new",
            """
            SELECT u.service_point_id AS sp_pk, COUNT(*) AS n, MAX(u.date_to) AS last_to
            FROM billing_usagevalue u JOIN imp_affected a ON a.sp_pk = u.service_point_id
            WHERE u.created_at = %s
            GROUP BY u.service_point_id
            """,
            [self.now],
        )
        if written is not None:
            # Rows written = created + updated; created ones carry created_at = now.
            outcome.created = int(self._scalar("SELECT COALESCE(SUM(n), 0) FROM imp_new"))
            outcome.updated = written - outcome.created
            outcome.unchanged = self._scalar(f"SELECT COUNT(*) FROM {ROWS_TABLE}") - written

    def _usage_apply_direct(self, outcome: BillingOutcome) -> None:
        """The direct lane wrote the clean rows (per service point in
        SPANS_TABLE); the staged ones passed the rules and are new too: a
        plain INSERT, whose unique key refuses a period the lane wrote or one
        already stored (the runner then abandons the lane)."""
        d = self.dialect
        d.temp_create_as(
            self.cursor,
            "imp_affected",
            f"""
            SELECT sp_pk, SUM(n) AS n, MIN(first_to) AS first_to, MAX(last_to) AS last_to,
                   MIN(settled) AS settled
            FROM (
              SELECT sp_pk, n, first_to, last_to, settled FROM {SPANS_TABLE}
              UNION ALL
              SELECT sp.id, COUNT(*), MIN(r.date_to), MAX(r.date_to), 0
              FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
              GROUP BY sp.id
            ) x
            GROUP BY sp_pk
            """,
        )
        # The latest period of each service point, for the signal.
        d.temp_create_as(
            self.cursor,
            "imp_new",
            f"""
            SELECT a.sp_pk, a.n, a.last_to, MAX(x.duration) AS last_duration
            FROM imp_affected a JOIN (
              SELECT sp_pk, last_to, last_duration AS duration FROM {SPANS_TABLE}
              UNION ALL
              SELECT sp.id, r.date_to, r.duration
              FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
            ) x ON x.sp_pk = a.sp_pk AND x.last_to = a.last_to
            GROUP BY a.sp_pk, a.n, a.last_to
            """,
        )
        self._x("CREATE UNIQUE INDEX imp_affected_pk ON imp_affected (sp_pk)")
        d.analyze(self.cursor, "imp_affected")
        held, wanted = self._row(
            "SELECT (SELECT COUNT(*) FROM (SELECT sp.id FROM billing_servicepoint sp "
            "WHERE sp.id IN (SELECT sp_pk FROM imp_affected) FOR KEY SHARE OF sp) held), "
            "(SELECT COUNT(*) FROM imp_affected)"
        )
        if held != wanted:
            raise Abandon("a service point of the file is missing")
        self._x(
            f"""
            INSERT INTO billing_usagevalue (service_point_id, date_to, duration,
              usage_value, usage_charge, is_estimate, unit, created_at, updated_at)
            SELECT sp.id, r.date_to, r.duration, r.usage_value, r.usage_charge,
                   r.is_estimate, r.unit, %s, %s
            FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
            """,
            [self.now, self.now],
        )
        outcome.created = int(self._scalar("SELECT COALESCE(SUM(n), 0) FROM imp_new"))

    def _usage_write_postgresql(self) -> int | None:
        """One INSERT when no period repeats in the file; returns the rows
        written (created or changed).

        A repeated period makes PostgreSQL refuse the statement (ON CONFLICT
        cannot update a row twice; a plain INSERT breaks the unique key): the
        savepoint is rolled back, None is returned and the generic path, which
        orders corrections by line, takes over.
        """
        # New periods only (the usual case: no stored period of these service
        # points ends within the file's dates): a plain INSERT, cheaper than
        # ON CONFLICT; a period repeated in the file breaks the unique key
        # and the generic path takes over.
        overlap = self._scalar(
            """
            SELECT COUNT(*) FROM imp_affected a
            WHERE EXISTS (SELECT 1 FROM billing_usagevalue u
                          WHERE u.service_point_id = a.sp_pk
                            AND u.date_to BETWEEN a.first_to AND a.last_to)
            """
        )
        on_conflict = (
            """
            ON CONFLICT (service_point_id, date_to, duration) DO UPDATE SET
              usage_value = EXCLUDED.usage_value, usage_charge = EXCLUDED.usage_charge,
              is_estimate = EXCLUDED.is_estimate, unit = EXCLUDED.unit,
              updated_at = EXCLUDED.updated_at
            WHERE (billing_usagevalue.usage_value, billing_usagevalue.usage_charge,
                   billing_usagevalue.is_estimate, billing_usagevalue.unit)
                  IS DISTINCT FROM
                  (EXCLUDED.usage_value, EXCLUDED.usage_charge, EXCLUDED.is_estimate,
                   EXCLUDED.unit)
            """
            if overlap
            else ""
        )
        try:
            with transaction.atomic(using=self.cursor.db.alias):
                written = self._x(
                    f"""
                    INSERT INTO billing_usagevalue (service_point_id, date_to, duration,
                      usage_value, usage_charge, is_estimate, unit, created_at, updated_at)
                    SELECT sp.id, r.date_to, r.duration, r.usage_value, r.usage_charge,
                           r.is_estimate, r.unit, %s, %s
                    FROM {ROWS_TABLE} r
                    JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
                    {on_conflict}
                    """,
                    [self.now, self.now],
                )
        except DatabaseError as exc:
            # 21000: ON CONFLICT met a period twice; 23505: a plain INSERT did.
            if getattr(exc.__cause__, "sqlstate", None) in ("21000", "23505"):
                return None
            raise
        return written

    def _usage_apply_generic(self, outcome: BillingOutcome) -> None:
        """Corrections in line order: each row that differs from the state
        before it (the stored period, or the previous row for the same days)
        counts as an update; the last row of each period is what is stored."""
        d = self.dialect
        c = self.cursor
        values = ("usage_value", "usage_charge", "is_estimate", "unit")
        d.temp_create_as(
            c,
            "imp_usage_seq",
            f"""
            SELECT r.line, sp.id AS sp_pk, r.date_to, r.duration, r.usage_value, r.usage_charge,
                   r.is_estimate, r.unit,
                   ROW_NUMBER() OVER (PARTITION BY sp.id, r.date_to, r.duration
                                      ORDER BY r.line DESC) AS rn_last,
                   {", ".join(f"LAG(r.{v}) OVER w AS p_{v}" for v in values)},
                   LAG(r.line) OVER w AS p_line
            FROM {ROWS_TABLE} r JOIN billing_servicepoint sp ON sp.service_point_id = r.sp_code
            WINDOW w AS (PARTITION BY sp.id, r.date_to, r.duration ORDER BY r.line)
            """,
        )
        self._x("ALTER TABLE imp_usage_seq ADD COLUMN existing_pk bigint")
        self._x("ALTER TABLE imp_usage_seq ADD COLUMN existing_differs int")
        self._x("CREATE INDEX imp_usage_seq_key ON imp_usage_seq (sp_pk, date_to, duration)")
        d.analyze(c, "imp_usage_seq")
        stored_differs = " OR ".join(d.differs(f"u.{v}", f"imp_usage_seq.{v}") for v in values)
        self._x(
            f"""
            UPDATE imp_usage_seq SET existing_pk = u.id,
              existing_differs = CASE WHEN {stored_differs} THEN 1 ELSE 0 END
            FROM billing_usagevalue u
            WHERE u.service_point_id = imp_usage_seq.sp_pk AND u.date_to = imp_usage_seq.date_to
              AND u.duration = imp_usage_seq.duration
            """
        )
        previous_differs = " OR ".join(d.differs(f"p_{v}", v) for v in values)
        self.cursor.execute(
            f"""
            SELECT
              SUM(CASE WHEN p_line IS NULL AND existing_pk IS NULL THEN 1 ELSE 0 END),
              SUM(CASE WHEN (p_line IS NULL AND existing_pk IS NOT NULL AND existing_differs = 1)
                        OR (p_line IS NOT NULL AND ({previous_differs})) THEN 1 ELSE 0 END),
              COUNT(*)
            FROM imp_usage_seq
            """
        )
        created, updated, total = (value or 0 for value in self.cursor.fetchone())
        outcome.created, outcome.updated = created, updated
        outcome.unchanged = total - created - updated
        # The last row of each period is what is stored.
        self._x(
            """
            INSERT INTO billing_usagevalue (service_point_id, date_to, duration, usage_value,
              usage_charge, is_estimate, unit, created_at, updated_at)
            SELECT sp_pk, date_to, duration, usage_value, usage_charge, is_estimate, unit, %s, %s
            FROM imp_usage_seq WHERE rn_last = 1 AND existing_pk IS NULL
            """,
            [self.now, self.now],
        )
        self._x(
            f"""
            UPDATE billing_usagevalue SET {", ".join(f"{v} = s.{v}" for v in values)},
              updated_at = %s
            FROM imp_usage_seq s
            WHERE billing_usagevalue.id = s.existing_pk AND s.rn_last = 1
              AND s.existing_differs = 1
            """,
            [self.now],
        )

    def _holds_apply(self, outcome: BillingOutcome) -> None:
        """Gaps and overlaps next to a new or corrected period hold the
        customer's communications for two years (seed 002)."""
        d = self.dialect
        c = self.cursor
        if not (outcome.created or outcome.updated):
            outcome.details["eligibility_holds_created"] = 0
            return
        touched = "CASE WHEN u.updated_at = %s THEN 1 ELSE 0 END"
        # Only the written periods and their stored neighbours matter: the
        # window runs from the last stored period before the file's first
        # date_to to the first one after its last. Service points the direct
        # lane found settled (new, in order, no gaps) have nothing to find.
        d.temp_create_as(
            c,
            "imp_bounds",
            f"""
            SELECT a.sp_pk,
              COALESCE((SELECT MAX(u.date_to) FROM billing_usagevalue u
                        WHERE u.service_point_id = a.sp_pk AND u.date_to < a.first_to),
                       a.first_to) AS low,
              COALESCE((SELECT MIN(u.date_to) FROM billing_usagevalue u
                        WHERE u.service_point_id = a.sp_pk AND u.date_to > a.last_to),
                       a.last_to) AS high
            FROM imp_affected a
            {"WHERE a.settled = 0" if self.direct else ""}
            """,
        )
        d.temp_create_as(
            c,
            "imp_seq",
            f"""
            SELECT s.sp_pk, s.date_to, s.duration, s.prev_to, s.start_day
            FROM (
              SELECT u.service_point_id AS sp_pk, u.date_to, u.duration,
                     {d.days_add("u.date_to", "1 - u.duration")} AS start_day,
                     LAG(u.date_to) OVER w AS prev_to,
                     {touched} AS touched,
                     LAG({touched}) OVER w AS prev_touched
              FROM billing_usagevalue u
              JOIN imp_bounds b ON b.sp_pk = u.service_point_id
                AND u.date_to BETWEEN b.low AND b.high
              WINDOW w AS (PARTITION BY u.service_point_id ORDER BY u.date_to, u.duration)
            ) s
            WHERE s.prev_to IS NOT NULL AND (s.touched = 1 OR s.prev_touched = 1)
              AND s.start_day <> {d.days_add("s.prev_to", "1")}
            """,
            [self.now, self.now],
        )
        # The customer is the one whose account covers the later period; a
        # gap between two occupants' accounts is nobody's gap.
        d.temp_create_as(
            c,
            "imp_gaps",
            """
            SELECT s.*, (
              SELECT a.id FROM billing_account a
              WHERE a.service_point_id = s.sp_pk AND a.active_date <= s.date_to
                AND (a.inactive_date IS NULL OR a.inactive_date >= s.start_day)
              ORDER BY a.active_date DESC LIMIT 1) AS account_pk
            FROM imp_seq s
            """,
        )
        gap = f"x.start_day > {d.days_add('x.prev_to', '1')}"
        first_missing = d.days_add("x.prev_to", "1")
        gap_days = d.days_between("x.start_day", "x.prev_to") + " - 1"
        overlap_days = d.days_between("x.prev_to", "x.start_day") + " + 1"
        detail = (
            f"CASE WHEN {gap} THEN "
            + " || ".join(
                [
                    "'Service point '",
                    "sp.service_point_id",
                    "': '",
                    d.as_text(gap_days),
                    "' days without billed usage ('",
                    d.as_text(first_missing),
                    "' to '",
                    d.as_text(d.days_add("x.start_day", "-1")),
                    "')'",
                ]
            )
            + " ELSE "
            + " || ".join(
                [
                    "'Service point '",
                    "sp.service_point_id",
                    "': the period '",
                    d.as_text("x.start_day"),
                    "' to '",
                    d.as_text("x.date_to"),
                    "' overlaps the previous one (to '",
                    d.as_text("x.prev_to"),
                    "') by '",
                    d.as_text(overlap_days),
                    "' days'",
                ]
            )
            + " END"
        )
        created = self._x(
            f"""
            INSERT INTO billing_eligibilityhold (customer_id, purpose, reason, detail, starts_on,
              ends_on, source, created_at, updated_at)
            SELECT h.customer_id, '{Purpose.COMMUNICATIONS}', h.reason, h.detail, h.starts_on,
                   {d.years_add("h.starts_on", HOLD_YEARS)}, %s, %s, %s
            FROM (
              SELECT a.customer_id,
                     CASE WHEN {gap} THEN '{HoldReason.USAGE_GAP}'
                          ELSE '{HoldReason.USAGE_OVERLAP}' END AS reason,
                     CASE WHEN {gap} THEN {first_missing} ELSE x.start_day END AS starts_on,
                     MIN(substr({detail}, 1, 300)) AS detail
              FROM imp_gaps x
              JOIN billing_account a ON a.id = x.account_pk
              JOIN billing_servicepoint sp ON sp.id = x.sp_pk
              WHERE x.prev_to >= a.active_date
              GROUP BY a.customer_id,
                       CASE WHEN {gap} THEN '{HoldReason.USAGE_GAP}'
                            ELSE '{HoldReason.USAGE_OVERLAP}' END,
                       CASE WHEN {gap} THEN {first_missing} ELSE x.start_day END
            ) h
            WHERE NOT EXISTS (
              SELECT 1 FROM billing_eligibilityhold e
              WHERE e.customer_id = h.customer_id AND e.purpose = '{Purpose.COMMUNICATIONS}'
                AND e.reason = h.reason AND e.starts_on = h.starts_on)
            """,
            [self.source, self.now, self.now],
        )
        outcome.details["eligibility_holds_created"] = created

    def _new_periods_collect(self, outcome: BillingOutcome) -> None:
        """New billing periods per service point and customer (for the signal).

        The customer is the one whose account covers the latest new period.
        """
        d = self.dialect
        start = d.days_add("u.date_to", "1 - u.duration")
        # The direct lane knows each latest period's duration (imp_new);
        # otherwise the new periods are found by their time stamp.
        latest = (
            "(SELECT sp_pk, last_to AS date_to, last_duration AS duration FROM imp_new) u "
            "ON u.sp_pk = g.sp_pk"
            if self.direct
            else "billing_usagevalue u ON u.service_point_id = g.sp_pk "
            "AND u.date_to = g.last_to AND u.created_at = %s"
        )
        self.cursor.execute(
            f"""
            SELECT g.sp_pk, (
                SELECT a.customer_id FROM billing_account a
                WHERE a.service_point_id = g.sp_pk AND a.active_date <= g.last_to
                  AND (a.inactive_date IS NULL OR a.inactive_date >= {start})
                ORDER BY a.active_date DESC LIMIT 1),
              g.n, g.last_to
            FROM imp_new g JOIN {latest}
            ORDER BY g.sp_pk, u.duration DESC
            """,
            [] if self.direct else [self.now],
        )
        seen = set()
        for sp_pk, customer_pk, count, last_to in self.cursor.fetchall():
            if sp_pk in seen:
                continue
            seen.add(sp_pk)
            if isinstance(last_to, str):
                last_to = date.fromisoformat(last_to)
            outcome.new_periods.append(NewBillingPeriods(sp_pk, customer_pk, count, last_to))


def unit_matches_fuel(unit: str, fuel: str) -> str:
    return (
        "("
        + " OR ".join(
            f"({fuel} = '{name}' AND {unit} IN ({', '.join(_lit(u) for u in units)}))"
            for name, units in f.FUEL_UNITS.items()
        )
        + ")"
    )
