"""A realistic fictional utility, generated deterministically.

Every random choice comes from a generator seeded by (seed, entity index), so
the same seed and as-of date give the same data whatever the batch size.
Usage is drawn from one daily series per service point: billing periods sum
it, and hourly AMI reads split it by a load profile, so bills and interval
data agree the way they do at a real utility.
"""

from __future__ import annotations

import itertools
import math
import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from billing.models import CustomerType, DwellingType, Fuel, HeatingFuel, MeterType

BILLING_MONTHS = 24

RATE_CODES = [
    # code, description, allowlisted, exclusion reason, net metering, price per unit
    ("RES-1", "Residential standard", True, "", False, Decimal("0.1420")),
    ("RES-TOU", "Residential time of use", True, "", False, Decimal("0.1280")),
    ("RES-MED", "Residential medical baseline", False, "Medical rate", False, Decimal("0.1100")),
    ("RES-NEM", "Residential net metering (solar)", True, "", True, Decimal("0.1420")),
    ("GAS-R", "Residential natural gas", True, "", False, Decimal("1.1500")),
    (
        "GAS-MED",
        "Residential gas medical baseline",
        False,
        "Medical rate",
        False,
        Decimal("0.9500"),
    ),
    ("COM-1", "Small commercial", True, "", False, Decimal("0.1310")),
    ("GAS-C", "Commercial natural gas", True, "", False, Decimal("1.0200")),
]
RATE_PRICE = {code: price for code, *_, price in RATE_CODES}

CITIES = [
    # city, state, ZIP prefixes, latitude, longitude
    ("Springfield", "IL", ["62701", "62702", "62703", "62704"], 39.7817, -89.6501),
    ("Riverton", "IL", ["62561"], 39.8442, -89.5437),
    ("Chatham", "IL", ["62629"], 39.6761, -89.7043),
    ("Sherman", "IL", ["62684"], 39.8937, -89.6048),
    ("Rochester", "IL", ["62563"], 39.7495, -89.5318),
]
# Most homes are in the main city, so a small demo still has enough similar
# homes nearby for neighbor comparisons.
CITY_WEIGHTS = [55, 12, 11, 11, 11]
STREETS = [
    "Oak St",
    "Maple Ave",
    "W Washington St",
    "N Grand Ave",
    "Cedar Ln",
    "Lincoln Blvd",
    "S 5th St",
    "Prairie Dr",
    "Elm St",
    "Walnut St",
    "E Monroe St",
    "Hickory Ct",
    "Birch Rd",
    "Sunset Dr",
    "Lakeview Ter",
    "Meadow Ln",
    "W Jefferson St",
    "Willow Way",
    "Orchard Rd",
    "Park Ave",
    "Chestnut St",
    "Spring St",
    "Ridge Rd",
    "Cherry Ln",
]
FIRST_NAMES = [
    "Alex",
    "Maria",
    "James",
    "Linda",
    "Robert",
    "Patricia",
    "Michael",
    "Jennifer",
    "David",
    "Elizabeth",
    "Carlos",
    "Sofia",
    "Daniel",
    "Aisha",
    "Kevin",
    "Mei",
    "Brian",
    "Fatima",
    "Jose",
    "Emily",
    "Thomas",
    "Grace",
    "Luis",
    "Hannah",
    "Samuel",
    "Olivia",
    "Andre",
    "Nora",
]
LAST_NAMES = [
    "Rivera",
    "Johnson",
    "Nguyen",
    "Smith",
    "Garcia",
    "Brown",
    "Martinez",
    "Davis",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Patel",
    "Kim",
]

# Share of the day's use in each local hour (weekday, weekend), residential.
WEEKDAY_PROFILE = [
    0.030,
    0.026,
    0.024,
    0.023,
    0.024,
    0.030,
    0.042,
    0.050,
    0.044,
    0.036,
    0.034,
    0.034,
    0.035,
    0.035,
    0.037,
    0.041,
    0.048,
    0.058,
    0.066,
    0.064,
    0.058,
    0.050,
    0.040,
    0.033,
]
WEEKEND_PROFILE = [
    0.032,
    0.028,
    0.025,
    0.024,
    0.024,
    0.026,
    0.031,
    0.039,
    0.046,
    0.047,
    0.046,
    0.045,
    0.044,
    0.043,
    0.043,
    0.044,
    0.047,
    0.053,
    0.058,
    0.057,
    0.053,
    0.047,
    0.040,
    0.034,
]


@dataclass
class DemoServicePoint:
    service_point_id: str
    fuel: str
    meter_id: str
    meter_type: str
    daily: list[float] = field(default_factory=list)


@dataclass
class DemoAccount:
    account_id: str
    customer_key: int
    service_point_id: str
    active_date: date
    inactive_date: date | None
    rate_code: str
    read_cycle: str


@dataclass
class DemoCustomer:
    key: int
    customer_id: str
    secondary_id: str
    first_name: str
    last_name: str
    customer_type: str
    language: str
    email: str
    phone: str


@dataclass
class DemoPremise:
    index: int
    premise_id: str
    house_number: str
    street_name: str
    unit: str
    city: str
    state: str
    zip_code: str
    square_feet: int
    dwelling_type: str
    heating_fuel: str
    year_built: int
    latitude: Decimal
    longitude: Decimal
    service_points: list[DemoServicePoint] = field(default_factory=list)
    customers: list[DemoCustomer] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)


@dataclass(frozen=True)
class DemoPlan:
    """What to generate: the seed, the size and the last day of data."""

    seed: int
    customers: int
    as_of: date
    interval_days: int = 90
    time_zone: str = "America/Chicago"

    @property
    def first_day(self) -> date:
        return _add_months(self.as_of, -BILLING_MONTHS) - timedelta(days=40)


def premises_generate(plan: DemoPlan, start: int, stop: int) -> Iterator[DemoPremise]:
    """Yield premises `start`..`stop-1` with their customers and accounts."""
    for index in range(start, stop):
        yield _premise_build(plan, index)


def _rng(plan: DemoPlan, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (plan.seed, *parts)))  # noqa: S311


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, 28))


def _premise_build(plan: DemoPlan, index: int) -> DemoPremise:
    rng = _rng(plan, "premise", index)
    city, state, zips, lat, lon = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
    # Premises 0 and 1 belong to the demo customer: a dual-fuel house with a
    # smart meter and a second home, so the premise switcher has two choices.
    if index == 0:
        kind = "house"
    elif index == 1:
        kind = "apartment"
    else:
        kind = rng.choices(["house", "townhouse", "apartment"], weights=[68, 10, 22])[0]
    building = index // 12 if kind == "apartment" else index
    building_rng = _rng(plan, "building", building) if kind == "apartment" else rng
    street = STREETS[building_rng.randrange(len(STREETS))]
    house_number = str(100 + building_rng.randrange(9800))
    unit = str(100 + index % 12 + 1) if kind == "apartment" else ""
    dwelling, sqft_range = {
        "house": (DwellingType.SINGLE_FAMILY, (1100, 3400)),
        "townhouse": (DwellingType.TOWNHOUSE, (1000, 2200)),
        "apartment": (DwellingType.MULTI_FAMILY, (550, 1400)),
    }[kind]
    dual_fuel = index == 0 or (rng.random() < (0.2 if kind == "apartment" else 0.6))
    if index == 1:
        dual_fuel = False
    heating = HeatingFuel.GAS if dual_fuel else HeatingFuel.ELECTRIC
    zip_code = zips[rng.randrange(len(zips))]
    if rng.random() < 0.5:
        zip_code = f"{zip_code}-{rng.randrange(1000, 9999)}"
    premise = DemoPremise(
        index=index,
        premise_id=f"P{100000 + index}",
        house_number=house_number,
        street_name=street,
        unit=unit,
        city=city,
        state=state,
        zip_code=zip_code,
        square_feet=rng.randrange(*sqft_range),
        dwelling_type=dwelling,
        heating_fuel=heating,
        year_built=rng.randrange(1925, 2022),
        latitude=Decimal(f"{lat + rng.uniform(-0.05, 0.05):.6f}"),
        longitude=Decimal(f"{lon + rng.uniform(-0.05, 0.05):.6f}"),
    )
    _service_points_build(plan, premise, rng, dual_fuel)
    _occupants_build(plan, premise, rng)
    return premise


def _service_points_build(plan, premise, rng, dual_fuel) -> None:
    ami = premise.index in (0, 1) or rng.random() < 0.75
    premise.service_points.append(
        DemoServicePoint(
            service_point_id=f"{premise.premise_id}-E",
            fuel=Fuel.ELECTRIC,
            meter_id=f"EM{rng.randrange(10**7, 10**8)}",
            meter_type=MeterType.AMI if ami else MeterType.AMR,
        )
    )
    if dual_fuel:
        premise.service_points.append(
            DemoServicePoint(
                service_point_id=f"{premise.premise_id}-G",
                fuel=Fuel.GAS,
                meter_id=f"GM{rng.randrange(10**7, 10**8)}",
                meter_type=MeterType.AMR,
            )
        )
    for sp in premise.service_points:
        sp.daily = _daily_series(plan, premise, sp)


def _customer_build(plan, key: int, rng, *, commercial: bool) -> DemoCustomer:
    first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
    last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
    if key == 0:
        first, last = "Alex", "Rivera"
    customer_id = f"C{2000000 + key}"
    return DemoCustomer(
        key=key,
        customer_id=customer_id,
        secondary_id=f"{rng.randrange(10**9, 10**10)}" if rng.random() < 0.3 else "",
        first_name=first,
        last_name=last if not commercial else f"{last} Holdings LLC",
        customer_type=CustomerType.COMMERCIAL if commercial else CustomerType.RESIDENTIAL,
        language="es" if rng.random() < 0.12 else "en",
        email=f"{first.lower()}.{last.lower()}.{key}@example.com",
        phone=f"+1217555{key % 10000:04d}",
    )


def _owner_key(plan: DemoPlan, index: int) -> int:
    """The customer key of a premise's current occupant.

    About 1.5% of premises belong to someone who also holds another premise
    (a second home), and every 200th block of premises has a property manager
    holding three, who is then ineligible for neighbor comparisons.
    """
    if index in (0, 1):
        return 0
    rng = _rng(plan, "owner", index)
    if index % 200 in (10, 11, 12):
        return index - index % 200 + 10
    if rng.random() < 0.015 and index >= 3:
        return index - 1 - rng.randrange(min(index - 2, 50))
    return index


def _occupants_build(plan, premise, rng) -> None:
    index = premise.index
    owner_key = _owner_key(plan, index)
    owner_rng = _rng(plan, "customer", owner_key)
    commercial = owner_key != 0 and owner_rng.random() < 0.03
    current = _customer_build(plan, owner_key, owner_rng, commercial=commercial)
    history_start = plan.first_day
    moved_in = None
    # Some premises changed hands inside the window: the previous occupant's
    # account is closed and the new one starts the next day.
    if index > 1 and rng.random() < 0.07:
        # The move falls on a meter read, as a final bill does.
        read = _add_months(plan.first_day, rng.randrange(4, 20))
        moved_in = date(read.year, read.month, _cycle_day(index)) + timedelta(days=1)
        previous_key = 10_000_000 + index
        previous = _customer_build(
            plan, previous_key, _rng(plan, "customer", previous_key), commercial=False
        )
        premise.customers.append(previous)
    premise.customers.append(current)
    rate_roll = rng.random()
    for sp in premise.service_points:
        cycle = f"{_cycle_day(index):02d}"
        if sp.fuel == Fuel.ELECTRIC:
            if commercial:
                rate = "COM-1"
            elif rate_roll < 0.02:
                rate = "RES-MED"
            elif rate_roll < 0.05:
                rate = "RES-NEM"
            elif rate_roll < 0.15:
                rate = "RES-TOU"
            else:
                rate = "RES-1"
        else:
            rate = "GAS-C" if commercial else ("GAS-MED" if rate_roll < 0.02 else "GAS-R")
        if moved_in:
            premise.accounts.append(
                DemoAccount(
                    account_id=f"A{30000000 + previous.key}{sp.fuel[0].upper()}",
                    customer_key=previous.key,
                    service_point_id=sp.service_point_id,
                    active_date=history_start - timedelta(days=rng.randrange(200, 3000)),
                    inactive_date=moved_in - timedelta(days=1),
                    rate_code=rate,
                    read_cycle=cycle,
                )
            )
            active = moved_in
        else:
            active = history_start - timedelta(days=rng.randrange(30, 4000))
        premise.accounts.append(
            DemoAccount(
                account_id=f"A{30000000 + index}{sp.fuel[0].upper()}",
                customer_key=current.key,
                service_point_id=sp.service_point_id,
                active_date=active,
                inactive_date=None,
                rate_code=rate,
                read_cycle=cycle,
            )
        )


# Meters are read on four cycles a week apart; homes read in the same week
# are the ones compared with each other (insights).
READ_CYCLE_DAYS = (3, 10, 17, 24)


def _cycle_day(index: int) -> int:
    return READ_CYCLE_DAYS[index % len(READ_CYCLE_DAYS)]


def _daily_series(plan: DemoPlan, premise: DemoPremise, sp: DemoServicePoint) -> list[float]:
    """Daily use from `plan.first_day` to `plan.as_of`, seasonal and noisy."""
    rng = _rng(plan, "usage", sp.service_point_id)
    household = math.exp(rng.gauss(0, 0.28))
    days = (plan.as_of - plan.first_day).days + 1
    series = []
    electric_heat = premise.heating_fuel == HeatingFuel.ELECTRIC
    for offset in range(days):
        day = plan.first_day + timedelta(days=offset)
        # Day of year as an angle: 0 at mid-July (peak cooling), pi at mid-January.
        angle = 2 * math.pi * ((day.timetuple().tm_yday - 196) / 365.25)
        cooling = max(0.0, math.cos(angle)) ** 2
        heating = max(0.0, -math.cos(angle)) ** 1.5
        weekend = day.weekday() >= 5
        if sp.fuel == Fuel.ELECTRIC:
            base = 0.0075 * premise.square_feet + 7
            value = base * (1 + 0.9 * cooling + (0.8 if electric_heat else 0.15) * heating)
            value *= 1.06 if weekend else 1.0
        else:
            base = 0.35 + 0.0006 * premise.square_feet
            value = base + 5.2 * heating * premise.square_feet / 2000
        value *= household * (1 + rng.gauss(0, 0.09))
        series.append(max(0.0, value))
    # A few homes stand empty for a month: a temporary lapse keeps the account
    # active and sends zero usage (seed 002, "Temporary Lapses").
    if rng.random() < 0.01:
        start = rng.randrange(60, days - 60)
        series[start : start + 30] = [0.0] * 30
    return series


def billing_periods(
    plan: DemoPlan, premise: DemoPremise, sp: DemoServicePoint, read_cycle: str
) -> Iterator[tuple[date, int, Decimal, str]]:
    """Yield (date_to, duration, usage, estimate flag) for 24 monthly bills.

    Read dates fall on the cycle's day of the month, so periods run 28–33
    days and meet end to end: no gaps, no overlaps.
    """
    rng = _rng(plan, "bills", sp.service_point_id)
    cycle_day = int(read_cycle)
    reads = []
    month = _add_months(plan.as_of, -BILLING_MONTHS - 1)
    while True:
        read = date(month.year, month.month, cycle_day)
        if read > plan.as_of:
            break
        if read >= plan.first_day:
            reads.append(read)
        month = _add_months(month, 1)
    for previous, current in itertools.pairwise(reads):
        duration = (current - previous).days
        start_offset = (previous - plan.first_day).days + 1
        usage = sum(sp.daily[start_offset : start_offset + duration])
        flag = rng.choices(["A", "E", "U"], weights=[96, 3.5, 0.5])[0]
        yield current, duration, Decimal(f"{usage:.3f}"), flag


def usage_charge(rate_code: str, usage: Decimal) -> Decimal:
    return (usage * RATE_PRICE[rate_code]).quantize(Decimal("0.01"))


def hourly_slots(plan: DemoPlan) -> list[tuple[int, list[tuple[str, int]]]]:
    """[(day offset, [(UTC interval end as text, local hour), ...]), ...].

    Built once: every AMI service point shares the clock, including the
    23- and 25-hour days of daylight-saving changes.
    """
    zone = zoneinfo.ZoneInfo(plan.time_zone)
    last_local = datetime(plan.as_of.year, plan.as_of.month, plan.as_of.day, tzinfo=zone)
    last_local += timedelta(days=1)
    first_local = last_local - timedelta(days=plan.interval_days)
    days: dict[int, list[tuple[str, int]]] = {}
    end = first_local.astimezone(UTC) + timedelta(hours=1)
    last_utc = last_local.astimezone(UTC)
    while end <= last_utc:
        # The interval ending at `end` began an hour earlier; its local start
        # fixes the day and hour of the load profile.
        local_start = (end - timedelta(hours=1)).astimezone(zone)
        offset = (local_start.date() - plan.first_day).days
        days.setdefault(offset, []).append((end.strftime("%Y-%m-%d %H:%M:%S+00"), local_start.hour))
        end += timedelta(hours=1)
    return sorted(days.items())


def hourly_values(
    plan: DemoPlan, sp: DemoServicePoint, slots: list[tuple[int, list[tuple[str, int]]]]
) -> Iterator[tuple[str, float]]:
    """Split each day's use over its hours by a noisy residential profile.

    The hours of a day add up to the day's use, so AMI reads and bills agree.
    """
    rng = _rng(plan, "hourly", sp.service_point_id)
    for offset, hours in slots:
        day = plan.first_day + timedelta(days=offset)
        profile = WEEKEND_PROFILE if day.weekday() >= 5 else WEEKDAY_PROFILE
        weights = [profile[hour] * max(0.2, 1 + rng.gauss(0, 0.15)) for _, hour in hours]
        scale = sp.daily[offset] / sum(weights)
        for (stamp, _), weight in zip(hours, weights, strict=True):
            yield stamp, weight * scale
