"""The stolen-vehicle registry seam: records, matches, answers and the registry Protocol.

Modelled on INTERPOL's Stolen Motor Vehicle database (ASF-SMV): records hold a VIN or a
chassis number, vehicle data, the plate and its country, the engine number, the reporting
country, date and case reference, and a status; no personal data. Searches run by exact
VIN, by the last characters of the VIN, by plate, by engine number and by look-alike
(OCR / hand-transcription confusions). Every answer carries the hit-handling advice:
**a hit is a lead, confirmed with the reporting country before any action.**

Implementations: :class:`docsec.registry.memory.InMemoryRegistry` (tests, labs) and
:class:`docsec.registry.sql.SqlRegistry` (SQLite file by default, PostgreSQL by URL).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from docsec.errors import InvalidFormat
from docsec.vin.number import normalize_with_changes

__all__ = [
    "ADVICE",
    "FIELD_LIMITS",
    "LoadCounts",
    "MATCH_TYPES",
    "RECORD_FIELDS",
    "STATUSES",
    "Match",
    "MatchType",
    "SearchAnswer",
    "StolenRecord",
    "VehicleRegistry",
    "normalize_key",
]

ADVICE = (
    "A hit is a lead, not a verdict: confirm it with the reporting country "
    "(through its INTERPOL National Central Bureau) before any action."
)
MatchType = Literal["exact", "suffix", "plate", "engine", "lookalike", "near"]
MATCH_TYPES: tuple[str, ...] = ("exact", "suffix", "plate", "engine", "lookalike", "near")
#: stolen: active report; recovered: found, record kept for history;
#: cloned_vin: the VIN of a legal vehicle known to be copied onto a stolen one.
STATUSES: tuple[str, ...] = ("stolen", "recovered", "cloned_vin")
RECORD_FIELDS: tuple[str, ...] = (
    "vin", "make", "model", "colour", "year", "plate", "plate_country", "engine_number",
    "reporting_country", "date_reported", "case_ref", "status",
)  # fmt: skip
#: Longest value of each text field (the SQL column widths, enforced on every database).
FIELD_LIMITS: dict[str, int] = {
    "vin": 17, "make": 60, "model": 60, "colour": 30, "plate": 20, "plate_country": 3,
    "engine_number": 40, "reporting_country": 3, "case_ref": 40,
}  # fmt: skip
# C0 and C1 control characters, and the invisible bidirectional marks, embeddings,
# overrides and isolates that can make a record display as something else.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normalize_key(text: str) -> str:
    """Canonical form of a VIN, plate or engine number for searching.

    Spaces and dashes go, letters are upper-cased, Cyrillic and Greek look-alikes become
    Latin (Russian plates use the twelve Cyrillic letters that look Latin).

    >>> normalize_key('а 123 вс-77')
    'A123BC77'
    """
    return normalize_with_changes(text)[0]


@dataclass(frozen=True, slots=True)
class StolenRecord:
    """One stolen-vehicle record (INTERPOL SMV-like, no personal data).

    ``vin`` is a 17-character VIN or an 11-16 character pre-1981 chassis number, stored
    normalised. ``reporting_country`` and ``plate_country`` are ISO 3166 alpha-3 codes
    (``UTO`` for the ICAO specimen state).
    """

    vin: str
    make: str
    model: str
    colour: str
    year: int | None
    plate: str
    plate_country: str
    engine_number: str
    reporting_country: str
    date_reported: datetime.date
    case_ref: str
    status: str = "stolen"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InvalidFormat(f"status must be one of {STATUSES}, got {self.status!r}")
        values = [getattr(self, name) for name in FIELD_LIMITS]
        for name, value in zip(FIELD_LIMITS, values, strict=True):
            if len(value) > FIELD_LIMITS[name]:
                raise InvalidFormat(
                    f"{name} is {len(value)} characters long, at most "
                    f"{FIELD_LIMITS[name]} are allowed"
                )
        if _FORBIDDEN.search("".join(values)):  # one scan; find the field only on failure
            for name, value in zip(FIELD_LIMITS, values, strict=True):
                bad = _FORBIDDEN.search(value)
                if bad is not None:
                    raise InvalidFormat(
                        f"{name} holds the control character U+{ord(bad.group()):04X}: "
                        "records hold printable text only"
                    )

    @property
    def kind(self) -> Literal["vin", "chassis"]:
        """``vin`` for 17 characters, else ``chassis``."""
        return "vin" if len(self.vin) == 17 else "chassis"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (date as ISO 8601)."""
        return {
            "vin": self.vin,
            "kind": self.kind,
            "make": self.make,
            "model": self.model,
            "colour": self.colour,
            "year": self.year,
            "plate": self.plate,
            "plate_country": self.plate_country,
            "engine_number": self.engine_number,
            "reporting_country": self.reporting_country,
            "date_reported": self.date_reported.isoformat(),
            "case_ref": self.case_ref,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class LoadCounts:
    """What a load did: records inserted (new key), updated (changed) and unchanged.

    The natural key of a record is its VIN (or chassis number) and its case reference.
    """

    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        """Records read."""
        return self.inserted + self.updated + self.unchanged

    def to_dict(self) -> dict[str, int]:
        """JSON-ready mapping."""
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True, slots=True)
class Match:
    """One candidate: how it matched, how far it is from the query, the record.

    ``match`` is ``exact``, ``suffix``, ``plate``, ``engine``, ``lookalike`` (every
    difference is a look-alike substitution, 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V, or
    an adjacent transposition) or ``near`` (other substitutions too: returned only when
    near misses are asked for). ``distance`` is 0 for an exact match, 0.25 per look-alike
    substitution, 1 per other substitution and 1 per adjacent transposition.
    """

    match: str
    distance: float
    record: StolenRecord

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"match": self.match, "distance": self.distance, "record": self.record.to_dict()}


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """A registry answer: the normalised query, ranked hits and the hit-handling advice."""

    query: dict[str, object]
    hits: tuple[Match, ...]
    advice: str = ADVICE
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "query": dict(self.query),
            "hits": [m.to_dict() for m in self.hits],
            "advice": self.advice,
            "notes": list(self.notes),
        }


@runtime_checkable
class VehicleRegistry(Protocol):
    """A stolen-vehicle registry (the seam between checks and storage)."""

    def add(self, records: Iterable[StolenRecord]) -> LoadCounts:
        """Store records keyed by VIN and case reference (insert, update or leave alone)."""
        ...

    def count(self) -> int:
        """Number of records held."""
        ...

    def search(
        self,
        *,
        vin: str | None = None,
        last: str | None = None,
        plate: str | None = None,
        engine: str | None = None,
        fuzzy: bool = True,
        limit: int = 20,
        near: bool = False,
    ) -> SearchAnswer:
        """Search by exactly one key; hits are ranked by distance, then date reported.

        ``fuzzy`` adds look-alike candidates of a VIN; ``near`` adds near misses too.
        """
        ...
