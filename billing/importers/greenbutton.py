"""Green Button (NAESB ESPI) XML: interval readings of one meter.

An ESPI file is an Atom feed whose entries hold a UsagePoint (the service
category), a ReadingType (unit, power-of-ten multiplier, interval length) and
IntervalBlocks of IntervalReadings (start in Unix seconds UTC, duration in
seconds, value, optional cost and quality). It carries no service point ID of
the utility's, so the caller names the service point the readings are for.

The file is read twice as a stream with defusedxml (no entity expansion, no
external references): first the reading type, which may come after the
readings, then the readings themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from billing.importers.errors import FileRejected
from billing.models.usage import INTERVAL_MINUTES

ESPI = "{http://naesb.org/espi}"
# ESPI unit-of-measure codes (espi.xsd UnitSymbolKind) -> the portal's units,
# with the factor from the natural unit.
UNITS = {72: ("kWh", Decimal("0.001")), 169: ("therm", Decimal(1)), 128: ("gal", Decimal(1))}
# ESPI QualityOfReading: 0 valid, 19 validated; anything else (estimated,
# edited, derived, projected...) is stored as an estimate.
VALID_QUALITY = {"0", "19"}


@dataclass(frozen=True)
class ReadingType:
    uom: int
    power_of_ten: int
    interval_length: int | None


@dataclass(frozen=True)
class GreenButtonReading:
    index: int
    start: int
    duration: int
    value: Decimal  # in the natural unit of the reading type (e.g. Wh)
    cost: int | None
    quality: str | None


def _int(element, tag: str) -> int | None:
    child = element.find(f"{ESPI}{tag}")
    if child is None or child.text is None:
        return None
    try:
        return int(child.text.strip())
    except ValueError:
        raise FileRejected(f"ESPI {tag} “{child.text.strip()}” is not a whole number.") from None


def _events(path: Path):
    try:
        yield from iterparse(str(path), events=("end",))
    except ParseError as exc:
        raise FileRejected(f"The file is not well-formed Green Button XML ({exc}).") from None
    except DefusedXmlException as exc:
        raise FileRejected(
            "The file uses XML features that are refused for safety (entity declarations or "
            f"external references): {type(exc).__name__}."
        ) from None
    except OSError as exc:
        raise FileRejected(f"The file cannot be read: {exc.strerror}.") from None


def reading_type_read(path: Path) -> ReadingType:
    """The file's one ReadingType (first pass)."""
    found = []
    for _, element in _events(path):
        if element.tag == f"{ESPI}ReadingType":
            uom = _int(element, "uom")
            found.append(
                ReadingType(
                    uom=uom if uom is not None else -1,
                    power_of_ten=_int(element, "powerOfTenMultiplier") or 0,
                    interval_length=_int(element, "intervalLength"),
                )
            )
            element.clear()
        elif element.tag == f"{ESPI}IntervalBlock":
            element.clear()
    if not found:
        raise FileRejected("The file has no ESPI ReadingType: it is not Green Button usage data.")
    if len(set(found)) > 1:
        raise FileRejected("The file has several reading types; import one meter reading per file.")
    return found[0]


def readings_read(path: Path) -> Iterator[GreenButtonReading]:
    """Every IntervalReading, in file order (second pass)."""
    index = 0
    for _, element in _events(path):
        if element.tag != f"{ESPI}IntervalBlock":
            continue
        for reading in element.iter(f"{ESPI}IntervalReading"):
            index += 1
            period = reading.find(f"{ESPI}timePeriod")
            value = reading.find(f"{ESPI}value")
            if period is None or value is None or value.text is None:
                raise FileRejected(f"Interval reading {index} has no time period or value.")
            start, duration = _int(period, "start"), _int(period, "duration")
            if start is None or duration is None:
                raise FileRejected(f"Interval reading {index} has no start or duration.")
            try:
                amount = Decimal(value.text.strip())
            except InvalidOperation:
                raise FileRejected(
                    f"Interval reading {index} has the value “{value.text.strip()}”, not a number."
                ) from None
            quality = reading.find(f"{ESPI}ReadingQuality/{ESPI}quality")
            yield GreenButtonReading(
                index=index,
                start=start,
                duration=duration,
                value=amount,
                cost=_int(reading, "cost"),
                quality=quality.text.strip() if quality is not None and quality.text else None,
            )
        element.clear()


def unit_and_factor(reading_type: ReadingType) -> tuple[str, Decimal]:
    """The portal's unit, and what to multiply a raw ESPI value by to get it."""
    if reading_type.uom not in UNITS:
        raise FileRejected(
            f"ESPI unit of measure {reading_type.uom} is not supported "
            "(72 Wh, 169 therm, 128 US gallons)."
        )
    unit, factor = UNITS[reading_type.uom]
    return unit, factor * Decimal(10) ** reading_type.power_of_ten


def interval_minutes_check(seconds: int) -> int:
    if seconds % 60 or seconds // 60 not in INTERVAL_MINUTES:
        raise FileRejected(
            f"The readings last {seconds:,} seconds; interval data must be "
            f"{', '.join(map(str, INTERVAL_MINUTES))} minutes long (monthly Green Button data "
            "is billing data, not interval data)."
        )
    return seconds // 60
