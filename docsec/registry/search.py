"""Search logic shared by every registry: query parsing, index columns, ranking, answers.

A query names exactly one key: a VIN (exact, plus look-alike candidates when fuzzy, plus
near misses only when asked), the
last characters of a VIN (6-16: officers are taught to check the last six, not four), a
plate or an engine number (normalised: spaces, dashes, case, Cyrillic look-alikes).
Storage back-ends only find *candidates*; :func:`rank` decides what is a hit and how far.

>>> q = parse_query(vin='1m8 gdm9a xkp042788')
>>> q.kind, q.value
('vin', '1M8GDM9AXKP042788')
>>> parse_query(last='042788').kind
'suffix'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from docsec.errors import InvalidFormat, InvalidLength
from docsec.registry.base import Match, SearchAnswer, StolenRecord, normalize_key
from docsec.registry.lookalike import classify, fold, record_keys

__all__ = ["MAX_LIMIT", "Query", "answer", "index_columns", "parse_query", "rank"]

MAX_LIMIT = 1000
_KEY_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SUFFIX_LENGTHS = range(6, 17)


@dataclass(frozen=True, slots=True)
class Query:
    """A normalised query: ``kind`` is vin, suffix, plate or engine.

    ``fuzzy`` adds look-alike candidates (look-alike characters and transpositions only);
    ``near`` adds near misses as well (other substitutions): another vehicle, possibly.
    """

    kind: str
    value: str
    fuzzy: bool
    limit: int
    near: bool = False

    def to_dict(self) -> dict[str, object]:
        """The query as echoed in answers.

        >>> parse_query(vin='1M8GDM9AXKP042788').to_dict()['fuzzy']
        True
        """
        return {"kind": self.kind, "value": self.value, "fuzzy": self.fuzzy, "near": self.near}


def parse_query(
    *,
    vin: str | None = None,
    last: str | None = None,
    plate: str | None = None,
    engine: str | None = None,
    fuzzy: bool = True,
    limit: int = 20,
    near: bool = False,
) -> Query:
    """Validate and normalise a search request.

    Raises
    ------
    InvalidFormat
        Not exactly one key, or characters other than letters and digits.
    InvalidLength
        A VIN outside 11-17 characters, a suffix outside 4-16, an empty plate or engine.
    """
    given = [(k, v) for k, v in (("vin", vin), ("suffix", last), ("plate", plate),
                                 ("engine", engine)) if v is not None]  # fmt: skip
    if len(given) != 1:
        raise InvalidFormat("search by exactly one of: vin, last, plate, engine")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidFormat(f"limit must be 1..{MAX_LIMIT}, got {limit}")
    kind, raw = given[0]
    if not isinstance(raw, str) or len(raw) > 64:
        raise InvalidFormat(f"the {kind} must be text of at most 64 characters")
    value = normalize_key(raw)
    if not value:
        raise InvalidLength(f"the {kind} is empty")
    if not _KEY_CHARS.issuperset(value):
        bad = next(c for c in value if c not in _KEY_CHARS)
        raise InvalidFormat(f"{bad!r} cannot appear in a {kind}", found=bad)
    if kind == "vin" and not 11 <= len(value) <= 17:
        raise InvalidLength(
            f"a VIN has 17 characters (a chassis number 11-16), got {len(value)}",
            length=len(value),
        )
    if kind == "suffix" and len(value) not in _SUFFIX_LENGTHS:
        raise InvalidLength(
            f"search by the last 6-16 characters (check six, not four), got {len(value)}"
        )
    return Query(kind, value, fuzzy or near, limit, near)


def index_columns(record: StolenRecord) -> dict[str, str]:
    """Derived search columns of a record: fold, blocking keys, plate, engine."""
    folded = fold(record.vin)
    return {
        "fold": folded,
        **record_keys(folded),
        "plate_norm": normalize_key(record.plate),
        "engine_norm": normalize_key(record.engine_number),
    }


def rank(query: Query, candidates: Iterable[StolenRecord]) -> list[Match]:
    """Turn candidates into ranked hits (distance, then newest report, then VIN)."""
    hits: dict[StolenRecord, Match] = {}
    value = query.value
    for rec in candidates:
        if rec in hits:
            continue
        if query.kind == "vin":
            if rec.vin == value:
                hits[rec] = Match("exact", 0.0, rec)
            elif query.fuzzy:
                found = classify(value, rec.vin)
                if found is not None and (found[0] == "lookalike" or query.near):
                    hits[rec] = Match(found[0], found[1], rec)
        elif query.kind == "suffix":
            if rec.vin.endswith(value):
                hits[rec] = Match("suffix", 0.0, rec)
        elif query.kind == "plate":
            if normalize_key(rec.plate) == value:
                hits[rec] = Match("plate", 0.0, rec)
        elif normalize_key(rec.engine_number) == value:
            hits[rec] = Match("engine", 0.0, rec)
    return sorted(
        hits.values(),
        key=lambda m: (m.distance, -m.record.date_reported.toordinal(), m.record.vin),
    )


def answer(query: Query, matches: list[Match]) -> SearchAnswer:
    """Build the answer: the first ``limit`` hits, the advice, and notes for the officer."""
    notes: list[str] = []
    shown = tuple(matches[: query.limit])
    if len(matches) > query.limit:
        notes.append(f"{len(matches)} candidates, the first {query.limit} shown")
    per_vin = Counter(m.record.vin for m in matches)
    for vin, n in per_vin.items():
        if n > 1:
            notes.append(
                f"VIN {vin} appears in {n} records with different plates or colours: "
                "possible clone (a legal twin's VIN copied onto a stolen vehicle)"
            )
    if any(m.record.status == "recovered" for m in shown):
        notes.append("some hits are recovered vehicles: the report may no longer be active")
    if any(m.match == "lookalike" for m in shown):
        notes.append(
            "look-alike candidates differ from the query: compare the VIN on the vehicle "
            "character by character (0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V)"
        )
    if any(m.match == "near" for m in shown):
        notes.append(
            "near candidates differ by characters that are no look-alikes: probably other "
            "vehicles, shown because near misses were asked for"
        )
    return SearchAnswer(query=query.to_dict(), hits=shown, notes=tuple(notes))
