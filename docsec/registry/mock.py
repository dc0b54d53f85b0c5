"""Deterministic mock vehicles and stolen-vehicle lists (synthetic only).

Vehicles come from a small catalogue (``data/catalog.csv``: real manufacturer WMIs and
models, VDS patterns, plants, engine codes); the VINs are *generated*, never real ones:
17 characters, the model-year code at position 10 agreeing with the year (and, for
North-American cars and light trucks, position 7 numeric before 2010 and a letter from
2010, 49 CFR 565.15(b)), the mod-11 check digit at position 9 where the maker or the
region uses it. Plates follow real-looking formats of the countries trainees meet
(KAZ, KGZ, UZB, TJK, DEU, POL, LTU, RUS with Cyrillic letters, and the specimen state
UTO), but the registrations are fictional.

Stolen lists (:func:`make_records`) mix active reports, recovered vehicles, clones (the
same VIN reported again on a vehicle of another colour, plate and country: a legal
twin's VIN copied onto a stolen car) and pre-1981 chassis numbers.

Randomness only through ``numpy.random.default_rng``: the same seed gives the same
vehicles and records, byte for byte.

>>> from docsec.vin import decode
>>> v = make_vehicle(np.random.default_rng(7))
>>> len(v.vin), v.make in decode(v.vin).makes, v.year in decode(v.vin).model_years
(17, True, True)
>>> [r.vin for r in make_records(2, seed=1)] == [r.vin for r in make_records(2, seed=1)]
True
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from docsec.checkdigit import vin_mod11
from docsec.errors import InvalidComponent
from docsec.registry.base import StolenRecord
from docsec.vin.decode import load_wmi, lookup_country
from docsec.vin.number import MODEL_YEAR_CODES

__all__ = [
    "COLOURS",
    "PLATE_COUNTRIES",
    "REGIONS",
    "CatalogEntry",
    "Vehicle",
    "load_catalog",
    "make_plate",
    "make_records",
    "make_vehicle",
]

COLOURS: tuple[str, ...] = (
    "white", "black", "silver", "grey", "blue", "red", "green", "beige", "brown", "yellow",
    "orange", "dark blue",
)  # fmt: skip
REGIONS: tuple[str, ...] = (
    "Africa", "Asia", "Europe", "North America", "Oceania", "South America",
)  # fmt: skip
_LATIN = "ABCEHKMNPTXYZDFGJLRSUVW"  # plate letters (no I, O, Q)
_CYRILLIC = "АВЕКМНОРСТУХ"  # the twelve Cyrillic letters Russian plates use
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # VIN letters
_DIGITS = "0123456789"
# Plate patterns: D digit, L Latin letter, C Cyrillic letter, R region code, A area code.
_PLATES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "KAZ": ("DDD LLL R", tuple(f"{i:02d}" for i in range(1, 21)), ()),
    "KGZ": ("R DDD LLL", ("01", "02", "03", "04", "05", "06", "07", "08", "09"), ()),
    "UZB": ("R L DDD LL", ("01", "10", "20", "25", "30", "40", "50", "60", "70", "80", "90"), ()),
    "TJK": ("DDDD LL R", ("01", "02", "03", "04", "05", "06", "07", "08"), ()),
    "DEU": ("A-LL DDDD", (), ("B", "M", "HH", "K", "F", "S", "DD", "L", "H", "N")),
    "POL": ("A DDDDD", (), ("WA", "WI", "KR", "PO", "GD", "WR", "LU", "SK")),
    "LTU": ("LLL DDD", (), ()),
    "RUS": ("CDDDCC R", ("77", "97", "99", "177", "50", "78", "16", "23", "54", "66"), ()),
    "UTO": ("UT DDDD L", (), ()),
}
PLATE_COUNTRIES: tuple[str, ...] = tuple(_PLATES)
_DRAWS = 48  # random integers consumed per vehicle
_DAY0 = datetime.date(2015, 1, 1).toordinal()
_DAYS = datetime.date(2026, 6, 30).toordinal() - _DAY0


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One catalogue row: a model built under a WMI and how its VINs look."""

    wmi: str
    make: str
    model: str
    body: str
    vds: str  # positions 4-8; '#' digit, '@' letter, '*' the 49 CFR 565.15(b) position-7 slot
    pos9: str  # "check" or the literal character the maker puts there
    plants: str
    serial_prefix: str
    year_from: int
    year_to: int
    engine_code: str
    region: str


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A coherent synthetic vehicle."""

    vin: str
    make: str
    model: str
    colour: str
    year: int
    plate: str
    plate_country: str
    engine_number: str
    body: str
    vehicle_type: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "vin": self.vin,
            "make": self.make,
            "model": self.model,
            "colour": self.colour,
            "year": self.year,
            "plate": self.plate,
            "plate_country": self.plate_country,
            "engine_number": self.engine_number,
            "body": self.body,
            "vehicle_type": self.vehicle_type,
        }


@cache
def load_catalog() -> tuple[CatalogEntry, ...]:
    """The vehicle catalogue (``data/catalog.csv``)."""
    text = resources.files("docsec.registry").joinpath("data", "catalog.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append(
            CatalogEntry(
                wmi=row["wmi"], make=row["make"], model=row["model"], body=row["body"],
                vds=row["vds"], pos9=row["pos9"], plants=row["plants"],
                serial_prefix=row["serial_prefix"], year_from=int(row["year_from"]),
                year_to=int(row["year_to"]), engine_code=row["engine_code"],
                region=lookup_country(row["wmi"])[2],
            )  # fmt: skip
        )
    return tuple(rows)


@cache
def _choices(region: str | None, year_range: tuple[int, int]) -> tuple[CatalogEntry, ...]:
    lo, hi = year_range
    rows = tuple(
        e
        for e in load_catalog()
        if (region is None or e.region == region) and e.year_from <= hi and e.year_to >= lo
    )
    if not rows:
        raise InvalidComponent(
            f"no catalogue vehicle for region {region!r} in {lo}-{hi}",
            region=region,
            year_range=year_range,
        )
    return rows


@cache
def _compiled(e: CatalogEntry) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Per-position options of the VDS before and from MY2010, and the vehicle type."""

    def options(ch: str, modern: bool) -> str:
        if ch == "#":
            return _DIGITS
        if ch == "@":
            return _LETTERS
        if ch == "*":  # 49 CFR 565.15(b): numeric before MY2010, a letter from MY2010
            return _LETTERS if modern else _DIGITS
        return ch

    entry = load_wmi().get(e.wmi)
    vtype = entry.vehicle_type if entry and entry.vehicle_type else "car"
    return (
        tuple(options(c, False) for c in e.vds),
        tuple(options(c, True) for c in e.vds),
        vtype,
    )


@cache
def _plate_options(country: str) -> tuple[tuple[str, ...] | str, ...]:
    pattern, regions, areas = _PLATES[country]
    table: dict[str, tuple[str, ...] | str] = {
        "D": _DIGITS, "L": _LATIN, "C": _CYRILLIC, "R": regions, "A": areas,
    }  # fmt: skip
    return tuple(table.get(ch, ch) for ch in pattern)


def make_plate(u: Sequence[int], country: str) -> str:
    """A plate in the format of ``country`` from random integers ``u`` (one per character)."""
    n = len(u)
    return "".join(
        o[(u[i % n] + i) % len(o)] for i, o in enumerate(_plate_options(country))
    )


def _build(
    u: Sequence[int],
    rows: Sequence[CatalogEntry],
    year_range: tuple[int, int],
    plate_country: str | None,
) -> Vehicle:
    """Assemble one vehicle from ``_DRAWS`` random non-negative integers."""
    e = rows[u[0] % len(rows)]
    lo, hi = max(e.year_from, year_range[0]), min(e.year_to, year_range[1])
    year = lo + u[1] % (hi - lo + 1)
    old, modern, vehicle_type = _compiled(e)
    opts = modern if year >= 2010 else old
    vds = "".join(o[u[2 + k] % len(o)] for k, o in enumerate(opts))
    serial_digits = 6 - len(e.serial_prefix)
    serial = e.serial_prefix + str(u[8] % 10**serial_digits).zfill(serial_digits)
    body = (
        e.wmi
        + vds
        + ("0" if e.pos9 == "check" else e.pos9)
        + MODEL_YEAR_CODES[(year - 1980) % 30]
        + e.plants[u[9] % len(e.plants)]
        + serial
    )
    vin = body[:8] + vin_mod11.calc_check_digit(body) + body[9:] if e.pos9 == "check" else body
    country = plate_country or PLATE_COUNTRIES[u[10] % len(PLATE_COUNTRIES)]
    plate = make_plate(u[12:24], country)
    engine = f"{e.engine_code}{u[11] % 10**7:07d}"
    return Vehicle(
        vin=vin,
        make=e.make,
        model=e.model,
        colour=COLOURS[u[24] % len(COLOURS)],
        year=year,
        plate=plate,
        plate_country=country,
        engine_number=engine,
        body=e.body,
        vehicle_type=vehicle_type,
    )


def _resolve(region: str | None) -> tuple[str | None, str | None]:
    """Split ``region`` into (VIN region filter, plate country)."""
    if region is None:
        return None, None
    if region in REGIONS:
        return region, None
    if region.upper() in _PLATES:
        return None, region.upper()
    raise InvalidComponent(
        f"region must be one of {REGIONS} or a plate country {PLATE_COUNTRIES}, got {region!r}",
        region=region,
    )


def make_vehicle(
    rng: np.random.Generator | int | None = None,
    *,
    region: str | None = None,
    year_range: tuple[int, int] = (1995, 2026),
) -> Vehicle:
    """A coherent synthetic vehicle.

    Parameters
    ----------
    rng : numpy.random.Generator or int or None
        Source of randomness (an int seeds ``default_rng``).
    region : str, optional
        A VIN region (``"Europe"``, ``"Asia"``, ``"North America"``...: the WMI's
        region) or a plate country (``"KAZ"``, ``"RUS"``, ``"UTO"``...: the plate's).
    year_range : (int, int)
        Inclusive range of model years.

    Returns
    -------
    Vehicle
        ``decode(vehicle.vin)`` names ``vehicle.make`` among its makes and lists
        ``vehicle.year`` among its model-year candidates.

    Raises
    ------
    InvalidComponent
        Unknown region, or no catalogue vehicle in that region and year range.
    """
    gen = np.random.default_rng(rng)
    vin_region, plate_country = _resolve(region)
    rows = _choices(vin_region, (int(year_range[0]), int(year_range[1])))
    u = gen.integers(0, 2**31, size=_DRAWS).tolist()
    return _build(u, rows, (int(year_range[0]), int(year_range[1])), plate_country)


# Pre-1981 chassis numbers: (make, model, frame prefix, serial digits, year range)
_CHASSIS = (
    ("Toyota", "Corolla KE70", "KE70", 7, (1979, 1980)),
    ("Toyota", "Land Cruiser", "FJ40", 7, (1970, 1980)),
    ("Nissan", "Fairlady Z", "S30", 8, (1970, 1978)),
    ("Lada", "2101", "VAZ2101", 7, (1970, 1980)),
    ("Mercedes-Benz", "W123", "12302012", 6, (1976, 1980)),
)


def make_records(n: int, *, seed: int) -> Iterator[StolenRecord]:
    """A deterministic mock stolen-vehicle list of ``n`` records.

    About 90 % active reports and recovered vehicles with valid VINs across makes and
    regions, 3 % clones (the VIN of an earlier record reported again on another car:
    a legal twin's VIN copied onto a stolen vehicle, status ``cloned_vin``), 1 %
    pre-1981 chassis numbers. Reporting countries are ISO alpha-3 codes (UTO included).
    """
    gen = np.random.default_rng(seed)
    rows = _choices(None, (1995, 2026))
    chunk = 8192
    previous: StolenRecord | None = None
    done = 0
    while done < n:
        size = min(chunk, n - done)
        block = gen.integers(0, 2**31, size=(size, _DRAWS)).tolist()
        for u in block:
            done += 1
            kind = u[30] % 100
            day = datetime.date.fromordinal(_DAY0 + u[31] % _DAYS)
            if kind < 1:
                make, model, frame, digits, (y0, y1) = _CHASSIS[u[32] % len(_CHASSIS)]
                country = PLATE_COUNTRIES[u[10] % len(PLATE_COUNTRIES)]
                record = StolenRecord(
                    vin=frame + str(u[33] % 10**digits).zfill(digits),
                    make=make, model=model, colour=COLOURS[u[24] % len(COLOURS)],
                    year=y0 + u[34] % (y1 - y0 + 1), plate=make_plate(u[12:24], country),
                    plate_country=country, engine_number=f"E{u[11] % 10**6:06d}",
                    reporting_country=country, date_reported=day,
                    case_ref=f"{country}-{day.year}-{done:07d}", status="stolen",
                )  # fmt: skip
            else:
                v = _build(u, rows, (1995, 2026), None)
                abroad = u[35] % 10 == 0  # stolen in one country, registered in another
                reporter = PLATE_COUNTRIES[u[36] % len(PLATE_COUNTRIES)] if abroad else (
                    v.plate_country
                )
                if kind < 4 and previous is not None and previous.kind == "vin":
                    v = Vehicle(
                        previous.vin, previous.make, previous.model, v.colour,
                        previous.year or v.year, v.plate, v.plate_country, v.engine_number,
                        v.body, v.vehicle_type,
                    )  # fmt: skip
                    status = "cloned_vin"
                else:
                    status = "recovered" if kind >= 92 else "stolen"
                first = max(_DAY0, datetime.date(v.year, 1, 1).toordinal())
                day = datetime.date.fromordinal(first + u[31] % (_DAY0 + _DAYS - first + 1))
                record = StolenRecord(
                    vin=v.vin, make=v.make, model=v.model, colour=v.colour, year=v.year,
                    plate=v.plate, plate_country=v.plate_country,
                    engine_number=v.engine_number, reporting_country=reporter,
                    date_reported=day, case_ref=f"{reporter}-{day.year}-{done:07d}",
                    status=status,
                )  # fmt: skip
            previous = record
            yield record
