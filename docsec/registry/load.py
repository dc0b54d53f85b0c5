"""Read and write stolen-vehicle lists as CSV or JSON Lines (how a lab loads its own list).

Both formats carry the record fields of :class:`~docsec.registry.base.StolenRecord`:
``vin, make, model, colour, year, plate, plate_country, engine_number,
reporting_country, date_reported, case_ref, status``. ``vin`` (a VIN or chassis
number), ``reporting_country`` and ``date_reported`` (YYYY-MM-DD) are required; ``year``
may be empty, ``status`` defaults to ``stolen``; other text fields default to empty.
VINs, plates and countries are normalised (spaces, dashes, case, look-alikes).

CSV files may start with a byte-order mark (Excel's "CSV UTF-8") and may separate fields
with commas, semicolons (Excel in locales with a decimal comma) or tabs: the header line
decides. Other encodings are refused with what to do. Control characters (NUL,
bidirectional overrides) and values longer than their column are refused with the line
number, whatever the database.

>>> import io
>>> text = 'vin,reporting_country,date_reported\\n1M8GDM9AXKP042788,uto,2024-05-01\\n'
>>> [r.vin for r in read_records(io.StringIO(text), format='csv')]
['1M8GDM9AXKP042788']
>>> text = "\\ufeffvin;reporting_country;date_reported\\n1M8GDM9AXKP042788;uto;2024-05-01\\n"
>>> [r.reporting_country for r in read_records(io.StringIO(text), format='csv')]
['UTO']
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Literal

from docsec.csvrows import read_rows
from docsec.errors import InvalidFormat, RegistryError
from docsec.registry.base import RECORD_FIELDS, STATUSES, StolenRecord, normalize_key

__all__ = ["detect_format", "read_file", "read_records", "record_from_mapping", "write_records"]

_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: Longest CSV field read at all (far above every column; longer ones are refused by line).
_MAX_FIELD = 4096
_REQUIRED = ("vin", "reporting_country", "date_reported")


def record_from_mapping(row: Mapping[str, object]) -> StolenRecord:
    """Build a record from a mapping of field names to values (strings or JSON values).

    Raises
    ------
    InvalidFormat
        A required field is missing or a value is malformed.
    """
    missing = [name for name in _REQUIRED if not str(row.get(name) or "").strip()]
    if missing:
        raise InvalidFormat(f"missing required field(s): {', '.join(missing)}")
    unknown = set(row) - set(RECORD_FIELDS) - {"kind"}
    if unknown:
        raise InvalidFormat(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    vin = normalize_key(text("vin"))
    if not 11 <= len(vin) <= 17 or not _ALNUM.issuperset(vin):
        raise InvalidFormat(f"vin {text('vin')!r} is not a VIN or chassis number (11-17 A-Z 0-9)")
    countries = {}
    for name in ("reporting_country", "plate_country"):
        code = text(name).upper()
        if code and (len(code) != 3 or not code.isalpha() or not code.isascii()):
            raise InvalidFormat(f"{name} must be an ISO 3166 alpha-3 code, got {code!r}")
        countries[name] = code
    year_text = text("year")
    try:
        year = int(year_text) if year_text else None
        date = datetime.date.fromisoformat(text("date_reported"))
    except ValueError as exc:
        raise InvalidFormat(f"bad year or date_reported: {exc}") from None
    if year is not None and not 1886 <= year <= 2100:
        raise InvalidFormat(f"year {year} is out of range")
    status = text("status") or "stolen"
    if status not in STATUSES:
        raise InvalidFormat(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    return StolenRecord(
        vin=vin, make=text("make"), model=text("model"), colour=text("colour"), year=year,
        plate=text("plate"), plate_country=countries["plate_country"],
        engine_number=text("engine_number"), reporting_country=countries["reporting_country"],
        date_reported=date, case_ref=text("case_ref"), status=status,
    )  # fmt: skip


def detect_format(path: Path) -> Literal["csv", "jsonl"]:
    """``jsonl`` for ``.jsonl``/``.ndjson``/``.json`` files, else ``csv``."""
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"


def read_records(stream: IO[str], *, format: Literal["csv", "jsonl"]) -> Iterator[StolenRecord]:
    """Records from an open text stream.

    Raises
    ------
    RegistryError
        A line cannot be parsed (the message names the line).
    """
    if format == "csv":
        yield from _read_csv(stream)
        return
    for line, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise InvalidFormat("each line must be a JSON object")
            yield record_from_mapping(data)
        except (json.JSONDecodeError, InvalidFormat) as exc:
            raise RegistryError(f"line {line}: {exc}") from None


def _read_csv(stream: IO[str]) -> Iterator[StolenRecord]:
    rows = read_rows(stream, required=_REQUIRED, known={*RECORD_FIELDS, "kind"},
                     error=RegistryError, max_field=_MAX_FIELD, what="record fields")
    for line, row in rows:
        try:
            yield record_from_mapping(row)
        except InvalidFormat as exc:
            raise RegistryError(f"line {line}: {exc}") from None


def read_file(path: str | Path) -> Iterator[StolenRecord]:
    """Records from a CSV or JSON Lines file (format from the extension).

    Raises
    ------
    RegistryError
        The file cannot be read, is not UTF-8, or a line is malformed (named by number).
    """
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            yield from read_records(fh, format=detect_format(p))
    except UnicodeDecodeError as exc:
        raise RegistryError(
            f"cannot read {p}: it is not UTF-8 text (byte {exc.start}); save it as "
            "\"CSV UTF-8\" (Excel) or re-encode it as UTF-8"
        ) from None
    except OSError as exc:
        raise RegistryError(f"cannot read {p}: {exc.strerror or exc}") from None


def write_records(
    records: Iterable[StolenRecord], stream: IO[str], *, format: Literal["csv", "jsonl"]
) -> int:
    """Write records; return how many were written."""
    n = 0
    if format == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(RECORD_FIELDS), lineterminator="\n")
        writer.writeheader()
        for rec in records:
            row = rec.to_dict()
            row.pop("kind")
            writer.writerow(row)
            n += 1
        return n
    for rec in records:
        row = rec.to_dict()
        row.pop("kind")
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n
