"""Document alert lists: lost, stolen and revoked travel documents (an SLTD-like extract).

A lab loads its list from CSV (``document_number, issuing_state, document_type, status,
date_reported, case_ref``; the first four of them with a value in every row but
``document_type``, which may be empty) and looks a document up by its issuing state and
number. Numbers are normalised (case, spaces, dashes, fillers, Cyrillic or Greek capitals
that print like Latin ones) and compared two ways:

* **exact**: the normalised numbers are equal;
* **look-alike**: they differ only by characters an officer, an OCR engine or a clerk typing
  the list confuses (``0/O/Q/D``, ``1/I/L``, ``2/Z``, ``5/S``, ``8/B``, ``6/G``, ``U/V``:
  :data:`docsec.lookalikes.REGISTRY_CLASSES`).

A hit is a lead for the second line to confirm with the issuing state, never a verdict on
its own.

>>> import io
>>> text = ("document_number,issuing_state,document_type,status,date_reported,case_ref\\n"
...         "PA1234567,UTO,passport,stolen_blank,2025-03-01,UTO-2025-0000001\\n")
>>> alerts = read_alerts(io.StringIO(text))
>>> [(h.match, h.record.status) for h in alerts.lookup("uto", "PA 123456 7")]
[('exact', 'stolen_blank')]
>>> [h.match for h in alerts.lookup("UTO", "PAI23456T")]
[]
>>> [h.match for h in alerts.lookup("UTO", "PA12E4S67")]
[]
>>> [h.match for h in alerts.lookup("UTO", "PA1Z34S67")]
['lookalike']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from docsec.csvrows import read_rows
from docsec.errors import DocsecError
from docsec.lookalikes import HOMOGLYPHS, REGISTRY_CLASSES

__all__ = [
    "ALERT_FIELDS",
    "ALERT_STATUSES",
    "AlertHit",
    "AlertListError",
    "AlertRecord",
    "DocumentAlerts",
    "fold_number",
    "normalize_number",
    "read_alerts",
    "read_alerts_file",
]

#: Columns of an alert list, in the order they are written.
ALERT_FIELDS: tuple[str, ...] = ("document_number", "issuing_state", "document_type",
                                 "status", "date_reported", "case_ref")
_REQUIRED = ("document_number", "issuing_state", "status", "date_reported")
#: What a listed document is reported as.
ALERT_STATUSES: tuple[str, ...] = ("lost", "stolen", "stolen_blank", "revoked_fraud",
                                   "invalidated")
#: Longest document number accepted (ICAO 9303 allows 9 characters in the number field and
#: the rest in the optional data; national lists rarely hold more than 20).
_MAX_NUMBER = 20
#: Longest CSV field read at all (far above every column; longer ones are refused by line).
_MAX_FIELD = 256
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DROP = str.maketrans(dict.fromkeys(" -<./\t"))
_LATIN = str.maketrans(dict(HOMOGLYPHS))
_FOLD = str.maketrans({c: cls[0] for cls in REGISTRY_CLASSES for c in cls})


class AlertListError(DocsecError):
    """A document alert list cannot be read: not UTF-8, a bad header or a bad line."""

    message = "the document alert list cannot be read"


def normalize_number(text: str) -> str:
    """A document number as compared: capitals, Latin look-alikes of Cyrillic and Greek
    capitals, no spaces, dashes, dots, slashes or MRZ fillers.

    >>> normalize_number(" pa-123 4567<")
    'PA1234567'
    """
    return text.upper().translate(_LATIN).translate(_DROP)


def fold_number(number: str) -> str:
    """Every look-alike class mapped to its representative (``O``, ``Q``, ``D`` -> ``0``).

    >>> fold_number("PAO1ISB")
    'PA01158'
    """
    return number.translate(_FOLD)


def _state(text: str) -> str:
    """An issuing state code as in the MRZ: capitals, padded with fillers to three."""
    s = text.strip().upper().translate(_LATIN)
    return s.ljust(3, "<") if s else s


@dataclass(frozen=True)
class AlertRecord:
    """One listed document."""

    document_number: str
    issuing_state: str
    status: str
    date_reported: dt.date
    document_type: str = ""
    case_ref: str = ""

    def to_dict(self) -> dict[str, str]:
        """The record as a row of the list (ISO date)."""
        return {"document_number": self.document_number, "issuing_state": self.issuing_state,
                "document_type": self.document_type, "status": self.status,
                "date_reported": self.date_reported.isoformat(), "case_ref": self.case_ref}


@dataclass(frozen=True)
class AlertHit:
    """A listed document found for a lookup: ``exact`` or ``lookalike``."""

    record: AlertRecord
    match: Literal["exact", "lookalike"]


def record_from_row(row: Mapping[str, str]) -> AlertRecord:
    """An :class:`AlertRecord` from a row of text values.

    Raises
    ------
    AlertListError
        A required value is missing or malformed (the message says which and why).
    """
    missing = [k for k in _REQUIRED if not (row.get(k) or "").strip()]
    if missing:
        raise AlertListError(f"missing value(s): {', '.join(missing)}")
    number = normalize_number(row["document_number"])
    if not number or len(number) > _MAX_NUMBER or not set(number) <= _ALNUM:
        raise AlertListError(
            f"document_number {row['document_number']!r}: 1 to {_MAX_NUMBER} letters and digits")
    state = _state(row["issuing_state"])
    if len(state) != 3 or not (set(state) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ<")) or (
            state[0] == "<"):
        raise AlertListError(
            f"issuing_state {row['issuing_state']!r}: an ICAO code of one to three letters")
    status = row["status"].strip().lower()
    if status not in ALERT_STATUSES:
        raise AlertListError(f"status {row['status']!r}: one of {', '.join(ALERT_STATUSES)}")
    try:
        day = dt.date.fromisoformat(row["date_reported"].strip())
    except ValueError:
        raise AlertListError(
            f"date_reported {row['date_reported']!r}: a date (YYYY-MM-DD)") from None
    kind = (row.get("document_type") or "").strip().lower()
    ref = (row.get("case_ref") or "").strip()
    if not all(c.isprintable() for c in kind + ref):
        raise AlertListError("document_type and case_ref hold printable text only")
    return AlertRecord(document_number=number, issuing_state=state, status=status,
                       date_reported=day, document_type=kind, case_ref=ref)


class DocumentAlerts:
    """An alert list held in memory, indexed by issuing state and folded number."""

    def __init__(self, records: Iterable[AlertRecord]) -> None:
        self.records: tuple[AlertRecord, ...] = tuple(records)
        self._index: dict[tuple[str, str], list[AlertRecord]] = {}
        for r in self.records:
            self._index.setdefault((r.issuing_state, fold_number(r.document_number)),
                                   []).append(r)

    def __len__(self) -> int:
        return len(self.records)

    def lookup(self, issuing_state: str, document_number: str, *,
               reference_date: dt.date | None = None) -> list[AlertHit]:
        """Listed documents of ``issuing_state`` whose number is ``document_number`` (exact)
        or a look-alike of it; exact hits first. Records reported after ``reference_date``
        are not yet on the list that day.

        Raises
        ------
        AlertListError
            The number or the state to look up is empty.
        """
        number = normalize_number(document_number)
        state = _state(issuing_state)
        if not number or not state:
            raise AlertListError("a lookup needs an issuing state and a document number")
        found = self._index.get((state, fold_number(number)), [])
        hits = [AlertHit(r, "exact" if r.document_number == number else "lookalike")
                for r in found
                if reference_date is None or r.date_reported <= reference_date]
        return sorted(hits, key=lambda h: (h.match != "exact", h.record.date_reported))


def read_alerts(stream: IO[str]) -> DocumentAlerts:
    """An alert list from CSV text (commas, semicolons or tabs, as the header line has them).

    Raises
    ------
    AlertListError
        A bad header, or a line that is malformed (named by its number).
    """
    records = []
    rows = read_rows(stream, required=_REQUIRED, known=ALERT_FIELDS, error=AlertListError,
                     max_field=_MAX_FIELD, what="alert list's columns", lower_header=True,
                     exact_length=True)
    for line, row in rows:
        try:
            records.append(record_from_row(row))
        except AlertListError as exc:
            raise AlertListError(f"line {line}: {exc}") from None
    return DocumentAlerts(records)


def read_alerts_file(path: str | Path) -> DocumentAlerts:
    """An alert list from a CSV file (UTF-8, with or without a byte-order mark).

    Raises
    ------
    AlertListError
        The file cannot be read, is not UTF-8 text, or a line is malformed.
    """
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            return read_alerts(fh)
    except UnicodeDecodeError as exc:
        raise AlertListError(f"cannot read {p}: it is not UTF-8 text (byte {exc.start}); "
                             "save it as \"CSV UTF-8\"") from None
    except OSError as exc:
        raise AlertListError(f"cannot read {p}: {exc.strerror or exc}") from None
