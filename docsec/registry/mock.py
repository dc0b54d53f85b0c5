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
from numpy.typing import NDArray

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
_YEAR_START = {y: datetime.date(y, 1, 1).toordinal() for y in range(1950, 2041)}


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
    weight: int  # relative frequency in mock lists (small makers are rare)


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
                region=lookup_country(row["wmi"])[2], weight=int(row["weight"]),
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


_Bytes = NDArray[np.uint8]


def _as_array(options: str | Sequence[str]) -> NDArray[np.str_]:
    return np.array(list(options), dtype=np.str_)


@cache
def _compiled(e: CatalogEntry) -> tuple[tuple[_Bytes, ...], tuple[_Bytes, ...]]:
    """Byte options of each VDS position, before MY2010 and from MY2010."""

    def options(ch: str, modern: bool) -> NDArray[np.uint8]:
        if ch == "#":
            text = _DIGITS
        elif ch == "@":
            text = _LETTERS
        elif ch == "*":  # 49 CFR 565.15(b): numeric before MY2010, a letter from MY2010
            text = _LETTERS if modern else _DIGITS
        else:
            text = ch
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)

    return (
        tuple(options(c, False) for c in e.vds),
        tuple(options(c, True) for c in e.vds),
    )


def _vehicle_type(wmi: str) -> str:
    entry = load_wmi().get(wmi)
    return entry.vehicle_type if entry and entry.vehicle_type else "car"


@cache
def _plate_columns(country: str) -> tuple[NDArray[np.str_], ...]:
    pattern, regions, areas = _PLATES[country]
    table: dict[str, str | tuple[str, ...]] = {
        "D": _DIGITS, "L": _LATIN, "C": _CYRILLIC, "R": regions, "A": areas,
    }  # fmt: skip
    return tuple(_as_array(table.get(ch, ch)) for ch in pattern)


def _plates(u: NDArray[np.int64], country: str) -> NDArray[np.str_]:
    """Plates in the format of ``country``; ``u`` holds one random column per character."""
    out: NDArray[np.str_] | None = None
    for i, options in enumerate(_plate_columns(country)):
        col = options[(u[:, i % u.shape[1]] + i) % len(options)]
        out = col if out is None else np.strings.add(out, col)
    assert out is not None
    return out


def make_plate(u: Sequence[int], country: str) -> str:
    """A plate in the format of ``country`` from random integers ``u`` (one per character)."""
    return str(_plates(np.asarray([u], dtype=np.int64), country)[0])


@cache
def _cumulative(rows: tuple[CatalogEntry, ...]) -> NDArray[np.int64]:
    return np.cumsum([e.weight for e in rows], dtype=np.int64)


_YEAR_CODES = np.frombuffer(MODEL_YEAR_CODES.encode("ascii"), dtype=np.uint8)
_Row = tuple[str, str, str, str, int, str, str, str, str, str]


def _batch(
    u: NDArray[np.int64],
    rows: Sequence[CatalogEntry],
    year_range: tuple[int, int],
    plate_country: str | None,
) -> list[_Row]:
    """Assemble vehicles from random draws, one row of ``_DRAWS`` integers per vehicle.

    Returns ``(vin, make, model, colour, year, plate, plate_country, engine_number, body,
    vehicle_type)`` tuples. The VIN is built as bytes, column by column (numpy), then the
    check digit is computed by :mod:`docsec.checkdigit.vin_mod11` where the maker uses it.
    """
    n = u.shape[0]
    cumulative = _cumulative(tuple(rows))
    entry = np.searchsorted(cumulative, u[:, 0] % cumulative[-1], side="right")
    vin = np.empty((n, 17), dtype=np.uint8)
    years = np.empty(n, dtype=np.int64)
    for k in np.unique(entry).tolist():
        e = rows[k]
        m = np.nonzero(entry == k)[0]
        um = u[m]
        lo, hi = max(e.year_from, year_range[0]), min(e.year_to, year_range[1])
        year = lo + um[:, 1] % (hi - lo + 1)
        years[m] = year
        modern = year >= 2010
        block = np.empty((m.size, 17), dtype=np.uint8)
        block[:, :3] = np.frombuffer(e.wmi.encode("ascii"), dtype=np.uint8)
        for j, (old, new) in enumerate(zip(*_compiled(e), strict=True)):
            r = um[:, 2 + j]
            block[:, 3 + j] = np.where(modern, new[r % len(new)], old[r % len(old)])
        block[:, 8] = ord("0") if e.pos9 == "check" else ord(e.pos9)
        block[:, 9] = _YEAR_CODES[(year - 1980) % 30]
        plants = np.frombuffer(e.plants.encode("ascii"), dtype=np.uint8)
        block[:, 10] = plants[um[:, 9] % len(plants)]
        prefix = e.serial_prefix.encode("ascii")
        block[:, 11 : 11 + len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
        serial = um[:, 8]
        for pos in range(16, 10 + len(prefix), -1):
            block[:, pos] = ord("0") + serial % 10
            serial = serial // 10
        vin[m] = block
    vins = [str(v) for v in vin.view("S17").reshape(n).astype(np.str_).tolist()]
    for i, k in enumerate(entry.tolist()):
        if rows[k].pos9 == "check":
            v = vins[i]
            vins[i] = v[:8] + vin_mod11.calc_check_digit(v) + v[9:]
    if plate_country is None:
        countries = np.asarray(PLATE_COUNTRIES)[u[:, 10] % len(PLATE_COUNTRIES)]
    else:
        countries = np.full(n, plate_country)
    plates = np.empty(n, dtype=object)
    for c in np.unique(countries).tolist():
        m = np.nonzero(countries == c)[0]
        plates[m] = _plates(u[m, 12:24], c).tolist()
    codes = _as_array([e.engine_code for e in rows])[entry]
    engines = np.strings.add(codes, np.strings.zfill((u[:, 11] % 10**7).astype(np.str_), 7))
    colours = _as_array(COLOURS)[u[:, 24] % len(COLOURS)]
    vtypes = [_vehicle_type(e.wmi) for e in rows]
    return [
        (v, rows[k].make, rows[k].model, col, y, p, c, eng, rows[k].body, vtypes[k])
        for v, k, col, y, p, c, eng in zip(
            vins, entry.tolist(), colours.tolist(), years.tolist(), plates.tolist(),
            countries.tolist(), engines.tolist(), strict=True,
        )
    ]  # fmt: skip


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
    u = gen.integers(0, 2**31, size=(1, _DRAWS), dtype=np.int64)
    return Vehicle(*_batch(u, rows, (int(year_range[0]), int(year_range[1])), plate_country)[0])


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
    previous: StolenRecord | None = None
    done = 0
    while done < n:
        size = min(8192, n - done)
        draws = gen.integers(0, 2**31, size=(size, _DRAWS), dtype=np.int64)
        vehicles = _batch(draws, rows, (1995, 2026), None)
        for u, v in zip(draws[:, 30:37].tolist(), vehicles, strict=True):
            done += 1
            kind = u[0] % 100
            if kind < 1:
                make, model, frame, digits, (y0, y1) = _CHASSIS[u[2] % len(_CHASSIS)]
                day = datetime.date.fromordinal(_DAY0 + u[1] % _DAYS)
                record = StolenRecord(
                    vin=frame + str(u[3] % 10**digits).zfill(digits),
                    make=make, model=model, colour=v[3], year=y0 + u[4] % (y1 - y0 + 1),
                    plate=v[5], plate_country=v[6], engine_number=f"E{u[3] % 10**6:06d}",
                    reporting_country=v[6], date_reported=day,
                    case_ref=f"{v[6]}-{day.year}-{done:07d}", status="stolen",
                )  # fmt: skip
            else:
                abroad = u[5] % 10 == 0  # stolen in one country, registered in another
                reporter = PLATE_COUNTRIES[u[6] % len(PLATE_COUNTRIES)] if abroad else v[6]
                vin, make, model, year = v[0], v[1], v[2], v[4]
                if kind < 4 and previous is not None and previous.kind == "vin":
                    # a clone: the VIN (and identity) of an earlier, legal-looking vehicle
                    vin, make, model = previous.vin, previous.make, previous.model
                    year = previous.year or year
                    status = "cloned_vin"
                else:
                    status = "recovered" if kind >= 92 else "stolen"
                first = max(_DAY0, _YEAR_START[year])
                day = datetime.date.fromordinal(first + u[1] % (_DAY0 + _DAYS - first + 1))
                record = StolenRecord(
                    vin=vin, make=make, model=model, colour=v[3], year=year, plate=v[5],
                    plate_country=v[6], engine_number=v[7], reporting_country=reporter,
                    date_reported=day, case_ref=f"{reporter}-{day.year}-{done:07d}",
                    status=status,
                )  # fmt: skip
            previous = record
            yield record
