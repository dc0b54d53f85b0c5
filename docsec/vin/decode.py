"""Decode a VIN: region, country, manufacturer, model year, plant, serial.

Structure (ISO 3779, 49 CFR 565.15):

* positions 1-3, the **WMI** (ISO 3780): position 1 the region, positions 1-2 the
  country (ranges in ``data/iso3780.csv``), positions 1-3 the manufacturer
  (``data/wmi.csv``, rebuilt by ``scripts/build_wmi.py``). A WMI names the
  *assembler* (1C4 builds Chrysler, Dodge and Jeep; 5XY is Kia Georgia building Kia
  and Hyundai) and the country is the plant's, not the brand's.
  Small manufacturers (fewer than 1,000 vehicles a year) have ``9`` at position 3 and a
  **6-character WMI**: positions 1-3 plus 12-14; their serial is positions 15-17.
* positions 4-9, the VDS (position 9: check digit where mandatory);
* positions 10-17, the VIS: position 10 the model-year code (30-year cycle
  1980-2009, 2010-2039, ...), position 11 the plant, 12-17 the serial number.

Model year: for North-American passenger cars, MPVs and trucks up to 10,000 lb GVWR,
position 7 disambiguates the cycle (numeric: 1980-2009, letter: 2010-2039,
49 CFR 565.15(b), 2008 rule 73 FR 23367). The rule does **not** apply to heavy trucks,
buses, trailers or motorcycles, nor outside North America; there every year of the
cycle up to the reference year is a candidate. Where position 10 holds no year code
(``0``, ``Z``, ``U``), the year is *not encoded* (many European makers).

More information:

* 49 CFR 565.15; ISO 3779; ISO 3780; SAE J272

>>> d = decode('1M8GDM9AXKP042788')
>>> d.manufacturer, d.country, d.region, d.model_years, d.plant, d.serial
('Motor Coach Industries', 'United States', 'North America', (1989, 2019), 'P', '042788')
>>> decode('YT9NN1U14KA007175').wmi
'YT9007'
>>> decode('1FTFW1E50NFA00001', reference_year=2026).model_years   # light truck, pos 7 letter
(2022,)
"""

from __future__ import annotations

import csv
import datetime
import io
import time
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from docsec.errors import InvalidFormat, InvalidLength
from docsec.vin.number import ALPHABET, MODEL_YEAR_CODES, check_digit_required, normalize

__all__ = [
    "VINDecode",
    "WMIEntry",
    "WMIFacts",
    "decode",
    "load_wmi",
    "lookup_country",
    "model_years",
]

#: Region by the first WMI character (ISO 3780), used when no country range matches.
_REGION_BY_FIRST = {
    **dict.fromkeys("ABCDEFGH", "Africa"),
    **dict.fromkeys("JKLMNPR", "Asia"),
    **dict.fromkeys("STUVWXYZ", "Europe"),
    **dict.fromkeys("12345", "North America"),
    **dict.fromkeys("67", "Oceania"),
    **dict.fromkeys("890", "South America"),
}
_REGION_BY_FIRST["H"] = "Asia"  # H is a Chinese allocation
#: Vehicle types for which the position-7 rule of 49 CFR 565.15(b) does not hold.
_NO_POSITION_7_RULE = frozenset({"heavy_truck", "bus", "trailer", "motorcycle", "incomplete"})
_YEAR_INDEX = {c: i for i, c in enumerate(MODEL_YEAR_CODES)}
_ALPHABET_SET = frozenset(ALPHABET)


@dataclass(frozen=True, slots=True)
class WMIEntry:
    """One row of ``data/wmi.csv``."""

    wmi: str
    manufacturer: str
    makes: tuple[str, ...]
    vehicle_type: str  # car, light_truck, heavy_truck, bus, trailer, motorcycle, incomplete, ""
    model_year: str  # encoded, varies, not_encoded, "" (unknown)
    source: str


@dataclass(frozen=True, slots=True)
class WMIFacts:
    """What the first three characters (or the 6-character WMI) say about any VIN."""

    entry: WMIEntry | None
    country: str | None
    country_code: str | None  # ISO 3166 alpha-3 of the plant country
    region: str
    check_digit_required: bool
    vehicle_type: str | None
    position_7_rule: bool  # 49 CFR 565.15(b) applies (North-American car or light truck)
    year_not_encoded: bool


@dataclass(frozen=True, slots=True)
class VINDecode:
    """What a 17-character VIN says about the vehicle (nothing here is a verdict).

    Fields hold what needs computing; the rest are plain accessors (positions cited).
    """

    vin: str
    wmi: str
    facts: WMIFacts
    model_years: tuple[int, ...]
    model_year_status: str  # "single", "candidates", "not_encoded", "invalid"

    @property
    def region(self) -> str:
        """Region of position 1 (ISO 3780)."""
        return self.facts.region

    @property
    def country(self) -> str | None:
        """Plant country of positions 1-2 (ISO 3780 ranges)."""
        return self.facts.country

    @property
    def country_code(self) -> str | None:
        """ISO 3166 alpha-3 of the plant country."""
        return self.facts.country_code

    @property
    def manufacturer(self) -> str | None:
        """Manufacturer or assembler the WMI is assigned to."""
        return self.facts.entry.manufacturer if self.facts.entry else None

    @property
    def makes(self) -> tuple[str, ...]:
        """Brands built under the WMI."""
        return self.facts.entry.makes if self.facts.entry else ()

    @property
    def vehicle_type(self) -> str | None:
        """Vehicle type known for the WMI (car, light_truck, heavy_truck, bus...)."""
        return self.facts.vehicle_type

    @property
    def check_digit_required(self) -> bool:
        """Position 9 must compute (North America, China)."""
        return self.facts.check_digit_required

    @property
    def small_manufacturer(self) -> bool:
        """Position 3 is ``9``: a small maker (6-character WMI, positions 1-3 + 12-14)."""
        return self.vin[2] == "9"

    @property
    def vds(self) -> str:
        """Vehicle descriptor section, positions 4-9."""
        return self.vin[3:9]

    @property
    def vis(self) -> str:
        """Vehicle identifier section, positions 10-17."""
        return self.vin[9:]

    @property
    def model_year_code(self) -> str:
        """Position 10."""
        return self.vin[9]

    @property
    def plant(self) -> str:
        """Position 11, the plant code (manufacturer-specific)."""
        return self.vin[10]

    @property
    def serial(self) -> str:
        """Positions 12-17 (15-17 for a small manufacturer with a 6-character WMI)."""
        return self.vin[14:] if len(self.wmi) == 6 else self.vin[11:]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "vin": self.vin,
            "wmi": self.wmi,
            "region": self.region,
            "country": self.country,
            "country_code": self.country_code,
            "manufacturer": self.manufacturer,
            "makes": list(self.makes),
            "vehicle_type": self.vehicle_type,
            "small_manufacturer": self.small_manufacturer,
            "vds": self.vds,
            "vis": self.vis,
            "check_digit_required": self.check_digit_required,
            "model_year_code": self.model_year_code,
            "model_years": list(self.model_years),
            "model_year_status": self.model_year_status,
            "plant": self.plant,
            "serial": self.serial,
        }


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("docsec.vin").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def load_wmi() -> dict[str, WMIEntry]:
    """The WMI table: 3-character WMIs, 6-character small-maker WMIs, 2-character prefixes."""
    return {
        row["wmi"]: WMIEntry(
            wmi=row["wmi"],
            manufacturer=row["manufacturer"],
            makes=tuple(m for m in row["makes"].split("|") if m),
            vehicle_type=row["vehicle_type"],
            model_year=row["model_year"],
            source=row["source"],
        )
        for row in _read("wmi.csv")
    }


@cache
def _countries() -> dict[str, tuple[str, str, str]]:
    """Every 2-character prefix -> (country, ISO alpha-3, region), from the ISO 3780 ranges."""
    order = ALPHABET[10:] + ALPHABET[1:10] + "0"  # ISO 3780 order: A..Z, 1..9, 0
    table: dict[str, tuple[str, str, str]] = {}
    for row in _read("iso3780.csv"):
        lo, hi = order.index(row["from"]), order.index(row["to"])
        for ch in order[lo : hi + 1]:
            table[row["first"] + ch] = (row["country"], row["iso3"], row["region"])
    return table


def lookup_country(vin: str) -> tuple[str | None, str | None, str]:
    """``(country, ISO alpha-3, region)`` of a VIN's first two characters (ISO 3780)."""
    hit = _countries().get(vin[:2])
    if hit is not None:
        return hit
    return None, None, _REGION_BY_FIRST.get(vin[:1], "unknown")


def model_years(
    code: str, *, position_7: str | None = None, reference_year: int | None = None
) -> tuple[int, ...]:
    """Model years a position-10 code can mean, oldest first.

    Parameters
    ----------
    code : str
        Position 10 of the VIN.
    position_7 : str, optional
        Position 7, given only where the 49 CFR 565.15(b) rule holds (North-American
        cars and light trucks): a digit selects 1980-2009, a letter 2010-2039.
    reference_year : int, optional
        Latest plausible model year is ``reference_year + 1`` (default: this year).

    >>> model_years('K', reference_year=2026)
    (1989, 2019)
    >>> model_years('A', position_7='C', reference_year=2026)
    (2010,)
    >>> model_years('Z')
    ()
    """
    index = _YEAR_INDEX.get(code)
    if index is None:
        return ()
    latest = (reference_year or datetime.date.today().year) + 1
    if position_7 is not None:
        year = 1980 + index + (30 if not position_7.isdigit() else 0)
        return (year,) if year <= latest else ()
    return tuple(y for y in range(1980 + index, latest + 1, 30))


def decode(vin: str, *, reference_year: int | None = None) -> VINDecode:
    """Decode a 17-character VIN (normalised first; the check digit is not judged here).

    Parameters
    ----------
    vin : str
        The VIN.
    reference_year : int, optional
        Year of the inspection; model-year candidates stop one year after it.

    Returns
    -------
    VINDecode

    Raises
    ------
    InvalidLength
        Not 17 characters.
    InvalidFormat
        Characters outside the VIN alphabet.
    """
    if not isinstance(vin, str):
        raise InvalidFormat(f"a VIN is text, got {type(vin).__name__}")
    if len(vin) != 17 or not _ALPHABET_SET.issuperset(vin):
        vin = normalize(vin)
        if len(vin) != 17:
            raise InvalidLength(f"a VIN has 17 characters, got {len(vin)}", length=len(vin))
        if not _ALPHABET_SET.issuperset(vin):
            bad = next(c for c in vin if c not in _ALPHABET_SET)
            raise InvalidFormat(f"{bad!r} is not a VIN character", found=bad)
    return _decode(vin, reference_year)


# Memo tables of the hot path. _FACTS is bounded by the key space: a 3-character WMI of
# the VIN alphabet (33**3 keys) or a 6-character WMI of the table. Model-year candidates
# depend on a caller's reference year, so they sit in a bounded LRU. Values are immutable,
# so threads share them (a race only computes an entry twice).
_FACTS: dict[str, WMIFacts] = {}


@lru_cache(maxsize=4096)
def _years(code: str, position_7: str | None, reference_year: int) -> tuple[int, ...]:
    return model_years(code, position_7=position_7, reference_year=reference_year)


_CLOCK: list[float] = [0.0, 0.0]  # [current year, valid until (epoch seconds)]


def _this_year() -> int:
    """The current year, re-read at most once a minute (hot path)."""
    now = time.time()
    if now >= _CLOCK[1]:
        _CLOCK[0], _CLOCK[1] = float(datetime.date.today().year), now + 60.0
    return int(_CLOCK[0])


def _facts(prefix: str, entry: WMIEntry | None) -> WMIFacts:
    country, iso3, region = lookup_country(prefix)
    vehicle_type = entry.vehicle_type if entry and entry.vehicle_type else None
    return WMIFacts(
        entry, country, iso3, region, check_digit_required(prefix), vehicle_type,
        region == "North America" and vehicle_type not in _NO_POSITION_7_RULE,
        entry is not None and entry.model_year == "not_encoded",
    )  # fmt: skip


def _decode(vin: str, reference_year: int | None) -> VINDecode:
    """Decode a VIN already known to be 17 characters of the VIN alphabet.

    Hot path: per-WMI facts and model-year candidates come from memo tables.
    """
    wmi = vin[:3]
    if vin[2] == "9" and wmi + vin[11:14] in load_wmi():
        wmi += vin[11:14]
    facts = _FACTS.get(wmi)
    if facts is None:
        table = load_wmi()
        facts = _FACTS[wmi] = _facts(vin[:3], table.get(wmi) or table.get(wmi[:2]))
    code = vin[9]
    if code not in _YEAR_INDEX:
        return VINDecode(
            vin, wmi, facts, (), "invalid" if facts.region == "North America" else "not_encoded"
        )
    if facts.year_not_encoded:
        return VINDecode(vin, wmi, facts, (), "not_encoded")
    p7 = ("A" if vin[6].isalpha() else "0") if facts.position_7_rule else None
    ref = reference_year or _this_year()
    years = _years(code, p7, ref)
    return VINDecode(vin, wmi, facts, years, "single" if len(years) == 1 else "candidates")
