"""Checking and normalising one value of a data file.

Each function takes the stripped text of a field and returns the value in the
form the staging tables take (ISO dates, plain decimal strings, choice
values), or raises `Invalid` with the reason. They run once per field per row
on files of millions of rows, so the common case is kept short and repeated
values (dates) are cached.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from billing.models.usage import USAGE_VALUE_MAX

YEAR_MIN, YEAR_MAX = 1900, 2199
DURATION_MAX = 366
INTERVAL_VALUE_MAX = Decimal("99999999.9999")  # numeric(12, 4)
CHARGE_MAX = Decimal("9999999999.99")  # numeric(12, 2)

NEGATIVE_NEVER = "never"
NEGATIVE_NET_METERING = "net_metering"
NEGATIVE_ALWAYS = "always"
NEGATIVE_USAGE_MODES = (NEGATIVE_NEVER, NEGATIVE_NET_METERING, NEGATIVE_ALWAYS)


class Invalid(Exception):  # noqa: N818 - a reason, not a bug
    """The value is not acceptable; the message says why."""


_DATE_CACHE: dict[str, str] = {}
_DATE_CACHE_MAX = 200_000


def date_parse(text: str) -> str:
    """`yyyymmdd` -> 'yyyy-mm-dd'."""
    cached = _DATE_CACHE.get(text)
    if cached is not None:
        return cached
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise Invalid("is not a date in the form yyyymmdd")
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Invalid(f"has a year outside {YEAR_MIN}–{YEAR_MAX}")
    try:
        date(year, month, day)
    except ValueError:
        raise Invalid("is not a calendar date") from None
    iso = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if len(_DATE_CACHE) < _DATE_CACHE_MAX:
        _DATE_CACHE[text] = iso
    return iso


_DURATION_CACHE: dict[str, int] = {}


def duration_parse(text: str) -> int:
    """Days in a billing period, 1–366 (cached: files repeat a few values)."""
    cached = _DURATION_CACHE.get(text)
    if cached is not None:
        return cached
    value = int_parse(text, low=1, high=DURATION_MAX)
    if len(_DURATION_CACHE) < 1000:
        _DURATION_CACHE[text] = value
    return value


def int_parse(text: str, *, low: int, high: int) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        raise Invalid("is not a whole number")
    value = int(text)
    if not low <= value <= high:
        raise Invalid(f"must be between {low:,} and {high:,}")
    return value


_SIMPLE_DECIMAL = re.compile(r"-?\d{1,8}(?:\.\d{1,3})?")
_SIMPLE_INTERVAL = re.compile(r"-?\d{1,8}(?:\.\d{1,4})?")
# Values the fast path takes as they are: non-negative, within every limit.
SIMPLE_USAGE = re.compile(r"\d{1,8}(?:\.\d{1,3})?")
SIMPLE_CHARGE = re.compile(r"\d{1,9}(?:\.\d{1,2})?")
SIMPLE_READ = re.compile(r"\d{1,8}(?:\.\d{1,4})?")
# Texts already found simple, so that a hot loop tests a set instead of the
# pattern (four times faster): billed usage and charges repeat (whole kWh,
# common amounts). Bounded, like the date cache.
SIMPLE_SEEN_MAX = 100_000
SIMPLE_USAGE_SEEN: set[str] = set()
SIMPLE_CHARGE_SEEN: set[str] = set()
SIMPLE_READ_SEEN: set[str] = set()


def simple_seen(text: str, check, seen: set[str], limit: int = SIMPLE_SEEN_MAX) -> bool:
    """True if `check` (a pattern's fullmatch, or any test) takes `text`;
    remembered in `seen` while it holds fewer than `limit`."""
    if not check(text):
        return False
    if len(seen) < limit:
        seen.add(text)
    return True


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _decimal(text: str, *, places: int, maximum: Decimal, label: str, round_: bool) -> Decimal:
    if not text:
        raise Invalid("is required")
    if "," in text:
        raise Invalid("must not contain commas (write 1234.5, not 1,234.5)")
    if _DECIMAL.fullmatch(text) is None:
        raise Invalid("is not a number")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        raise Invalid("is not a number") from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if not round_:
            raise Invalid(f"has more than {places} decimal places")
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    if abs(value) > maximum:
        raise Invalid(f"is larger than the maximum {label}")
    return value


def usage_value_parse(text: str, *, negative: str) -> str:
    """A billed usage: no commas, at most 999,999,999, 3 decimals (rounded)."""
    if _SIMPLE_DECIMAL.fullmatch(text) is None:
        text = _canonical(
            _decimal(text, places=3, maximum=USAGE_VALUE_MAX, label="999,999,999", round_=True)
        )
    if text[0] == "-" and negative == NEGATIVE_NEVER and Decimal(text) != 0:
        raise Invalid("is negative; negative usage is not accepted (BILLING_IMPORT_NEGATIVE_USAGE)")
    return text


def interval_value_parse(text: str, *, negative: str) -> str:
    """An interval read: no commas, 4 decimals (rounded), within numeric(12, 4)."""
    if _SIMPLE_INTERVAL.fullmatch(text) is None:
        text = _canonical(
            _decimal(
                text, places=4, maximum=INTERVAL_VALUE_MAX, label="99,999,999.9999", round_=True
            )
        )
    if text[0] == "-" and negative == NEGATIVE_NEVER and Decimal(text) != 0:
        raise Invalid("is negative; negative usage is not accepted (BILLING_IMPORT_NEGATIVE_USAGE)")
    return text


def charge_parse(text: str, *, negative: str) -> str | None:
    """A usage charge in dollars: optional, no commas, at most 2 decimals."""
    if not text:
        return None
    value = _decimal(text, places=2, maximum=CHARGE_MAX, label="9,999,999,999.99", round_=False)
    if value < 0 and negative == NEGATIVE_NEVER:
        raise Invalid(
            "is negative; negative charges are not accepted (BILLING_IMPORT_NEGATIVE_USAGE)"
        )
    return _canonical(value)


def _canonical(value: Decimal) -> str:
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0", "-0.00", "-0.000", "-0.0000") else text


ESTIMATE_FLAGS = {"": "E", "A": "A", "E": "E", "U": "U", "a": "A", "e": "E", "u": "U"}


def estimate_parse(text: str) -> str:
    """A, E or U; blank means E (estimated); U counts as estimated."""
    flag = ESTIMATE_FLAGS.get(text)
    if flag is None:
        raise Invalid("must be A (actual), E (estimated), U (customer-reported) or blank")
    return flag


UNITS = {
    "kWh": "kWh",
    "KWH": "kWh",
    "CCF": "ccf",
    "kwh": "kWh",
    "therm": "therm",
    "therms": "therm",
    "ccf": "ccf",
    "gal": "gal",
    "gallon": "gal",
    "gallons": "gal",
}
FUEL_UNITS = {"electric": ("kWh",), "gas": ("therm", "ccf"), "water": ("gal",)}


def unit_parse(text: str) -> str:
    unit = UNITS.get(text.lower())
    if unit is None:
        raise Invalid("must be kWh, therm, ccf or gal")
    return unit


FUELS = {
    "electric": "electric",
    "electricity": "electric",
    "e": "electric",
    "gas": "gas",
    "g": "gas",
    "water": "water",
    "w": "water",
}


def fuel_parse(text: str) -> str:
    fuel = FUELS.get(text.lower())
    if fuel is None:
        raise Invalid("must be electric, gas or water (or E, G, W)")
    return fuel


def choice_parse(text: str, choices: dict[str, str], label: str) -> str | None:
    """An optional choice; blank is None (keep what is on file)."""
    if not text:
        return None
    value = choices.get(text.lower().replace("-", "_").replace(" ", "_"))
    if value is None:
        raise Invalid(f"must be one of {label} or blank")
    return value


CUSTOMER_TYPES = {
    "": "residential",
    "residential": "residential",
    "res": "residential",
    "r": "residential",
    "commercial": "commercial",
    "com": "commercial",
    "c": "commercial",
}
LANGUAGES = {"en", "es"}
DWELLING_TYPES = {
    "single_family": "single_family",
    "townhouse": "townhouse",
    "multi_family": "multi_family",
    "mobile_home": "mobile_home",
}
HEATING_FUELS = {
    "electric": "electric",
    "gas": "gas",
    "oil": "oil",
    "propane": "propane",
    "other": "other",
}
METER_TYPES = {"ami": "ami", "amr": "amr", "manual": "manual"}


def customer_type_parse(text: str) -> str:
    value = CUSTOMER_TYPES.get(text.lower())
    if value is None:
        raise Invalid("must be residential, commercial or blank")
    return value


def language_parse(text: str) -> str:
    """en, es, en_US, es-MX...; blank is English."""
    if not text:
        return "en"
    code = text[:2].lower()
    if code not in LANGUAGES or (len(text) > 2 and text[2] not in "_-") or len(text) > 8:
        raise Invalid("must be en or es (en_US, es_US... accepted) or blank")
    return code


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9+()\-. ]{7,20}")
_STATE = re.compile(r"[A-Za-z]{2}")
_ZIP = re.compile(r"(\d{5})(?:-?(\d{4}))?")


def email_parse(text: str) -> str:
    if text and (len(text) > 254 or _EMAIL.fullmatch(text) is None):
        raise Invalid("is not an e-mail address")
    return text


def phone_parse(text: str) -> str:
    if text and _PHONE.fullmatch(text) is None:
        raise Invalid("is not a phone number (digits, spaces, + ( ) - . only, 7–20 characters)")
    return text


def state_parse(text: str) -> str:
    if _STATE.fullmatch(text) is None or not text.isascii():
        raise Invalid("must be a two-letter state code such as VA")
    return text.upper()


def zip_parse(text: str) -> str:
    match = _ZIP.fullmatch(text) if text.isascii() else None
    if match is None:
        raise Invalid("must be a 5-digit ZIP code or ZIP+4 such as 22209-1234")
    return f"{match[1]}-{match[2]}" if match[2] else match[1]


def text_parse(text: str, *, max_length: int, required: bool) -> str:
    if not text:
        if required:
            raise Invalid("is required")
        return ""
    if len(text) > max_length:
        raise Invalid(f"is longer than {max_length} characters")
    return text
