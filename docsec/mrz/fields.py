"""MRZ field encodings: dates (YYMMDD, century inference), names (``<<`` structure, truncation).

Dates (Doc 9303-3 §4.8 "Representation of dates"): six characters ``YYMMDD``. The century is not
printed, so it is inferred against an explicit reference date (the "today" of an exercise):

* date of birth: the latest century that does not put the birth after the reference date;
* date of expiry: the century that puts the year within 50 years either side of the reference
  year (``[ref - 50, ref + 50)``).

Unknown parts are legitimate (a Swiss birth date ``680000``): day or month ``00`` or ``<<``, and a
year ``<<``. They give a partial value ``'1968-XX-XX'`` instead of a date.

Names (Doc 9303-3 §4.6, 9303-4 §4.2.3): primary identifier, ``<<``, secondary identifier;
components separated by one ``<``; the rest filled with ``<``. A name too long for the field is
truncated (:func:`encode_name`), and a field ending in a letter may be truncated.

>>> decode_date('740812', kind='birth', reference_date=datetime.date(2026, 1, 1))
(datetime.date(1974, 8, 12), None)
>>> decode_date('120415', kind='expiry', reference_date=datetime.date(2026, 1, 1))
(datetime.date(2012, 4, 15), None)
>>> decode_date('680000', kind='birth', reference_date=datetime.date(2026, 1, 1))
('1968-XX-XX', None)
>>> encode_name('Eriksson', 'Anna Maria', 39)
('ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', False)
"""

from __future__ import annotations

import datetime
from typing import Literal

from docsec.errors import InvalidFormat, InvalidLength
from docsec.mrz.translit import transliterate

__all__ = ["decode_date", "decode_name", "encode_date", "encode_name", "DateKind"]

DateKind = Literal["birth", "expiry"]
_DIGITS = frozenset("0123456789")
_DATE_CHARS = frozenset("0123456789<")
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def decode_date(
    raw: str, *, kind: DateKind, reference_date: datetime.date
) -> tuple[datetime.date | str | None, str | None]:
    """Interpret a printed ``YYMMDD``: ``(value, problem)``.

    ``value`` is a :class:`datetime.date`, a partial ``'YYYY-MM-DD'`` string with ``XX``/``XXXX``
    for unknown parts, or None when the field is no valid date; ``problem`` explains why.
    """
    return _decode_date(raw, kind, reference_date)


def _decode_date(
    raw: str, kind: DateKind, reference_date: datetime.date
) -> tuple[datetime.date | str | None, str | None]:
    """:func:`decode_date` with positional arguments (the parser's hot path)."""
    if len(raw) != 6:
        return None, f"a date has 6 characters, found {len(raw)}"
    if raw.isdigit() and raw.isascii():
        yymm, dd = divmod(int(raw), 100)
        yy, mm = divmod(yymm, 100)
        if mm and dd:
            if mm > 12:
                return None, f"month {raw[2:4]} does not exist"
            if kind == "birth":
                year = 2000 + yy
                if (year, mm, dd) > (reference_date.year, reference_date.month, reference_date.day):
                    year -= 100
            else:
                low = reference_date.year - 50
                year = low + (yy - low) % 100
            try:
                return datetime.date(year, mm, dd), None
            except ValueError:
                return None, f"{year}-{raw[2:4]}-{raw[4:6]} is not a calendar date"
        return _partial(raw, kind, reference_date)
    if not set(raw) <= _DATE_CHARS:
        return None, f"{raw!r} holds characters other than digits and the filler '<'"
    return _partial(raw, kind, reference_date)


def _century(yy: int, mm: int, dd: int, kind: DateKind, ref: datetime.date) -> int:
    """Birth: latest century not after ``ref``; expiry: within 50 years of ``ref``."""
    if kind == "birth":
        year = 2000 + yy
        return year - 100 if (year, mm, dd) > (ref.year, ref.month, ref.day) else year
    low = ref.year - 50
    return low + (yy - low) % 100


def _partial(
    raw: str, kind: DateKind, ref: datetime.date
) -> tuple[datetime.date | str | None, str | None]:
    """Dates with unknown parts: ``00`` or ``<<`` for day and month, ``<<`` for the year."""
    parts = (raw[0:2], raw[2:4], raw[4:6])
    for part in parts:
        if not (set(part) <= _DIGITS or part == "<<"):
            return None, f"{raw!r}: each of YY, MM, DD is two digits or '<<'"
    yy, mm, dd = parts
    month = 0 if mm in ("00", "<<") else int(mm)
    day = 0 if dd in ("00", "<<") else int(dd)
    if month > 12:
        return None, f"month {mm} does not exist"
    if day > (_DAYS[month] if month else 31):
        return None, f"day {dd} does not exist" + (f" in month {mm}" if month else "")
    if yy == "<<":
        year_text = "XXXX"
    else:
        year = _century(int(yy), month or 1, day or 1, kind, ref)
        if month == 2 and day == 29 and not _leap(year):
            return None, f"{year}-02-29 is not a calendar date"
        year_text = f"{year:04d}"
    month_text = f"{month:02d}" if month else "XX"
    day_text = f"{day:02d}" if day else "XX"
    return f"{year_text}-{month_text}-{day_text}", None


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def encode_date(value: datetime.date | str) -> str:
    """``YYMMDD`` for a date, or a raw 6-character value with unknown parts (``'68<<<<'``).

    Raises :class:`~docsec.errors.InvalidFormat` for anything else.

    >>> encode_date(datetime.date(1974, 8, 12)), encode_date('680000')
    ('740812', '680000')
    """
    if isinstance(value, datetime.date):
        return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"
    if len(value) != 6:
        raise InvalidLength(f"a raw MRZ date has 6 characters, got {value!r}")
    probe, problem = decode_date(value, kind="birth", reference_date=datetime.date(2000, 1, 1))
    if probe is None:
        raise InvalidFormat(f"{value!r} is not an MRZ date: {problem}")
    return value


def decode_name(raw: str) -> tuple[str, str, str | None]:
    """Split a name field into ``(primary, secondary, problem)``, fillers kept inside components.

    ``primary`` is everything before the first ``<<``; ``secondary`` the rest without trailing
    fillers. ``problem`` describes a structure violation, or is None.

    >>> decode_name('ERIKSSON<<ANNA<MARIA<<<<<<<<<<')
    ('ERIKSSON', 'ANNA<MARIA', None)
    >>> decode_name('VAN<DER<BERG<')
    ('VAN<DER<BERG', '', None)
    """
    primary, separator, rest = raw.partition("<<")
    if not separator:
        primary = primary.rstrip("<")  # one filler left after a primary identifier alone
    secondary = rest.rstrip("<")
    if not primary:
        return primary, secondary, "the name field must start with the primary identifier"
    if not (primary + secondary).replace("<", "").isalpha() or not raw.isascii():
        return primary, secondary, "names hold only letters A-Z and the filler '<'"
    if secondary.startswith("<") or "<<" in secondary:
        return primary, secondary, "name components are separated by a single '<'"
    return primary, secondary, None


def encode_name(
    primary: str, secondary: str, width: int, *, language: str | None = None
) -> tuple[str, bool]:
    """Encode a name into a field of ``width`` characters: ``(field, truncated)``.

    Both identifiers are transliterated (:func:`~docsec.mrz.translit.transliterate`), their
    components joined by ``<``, and separated by ``<<``. When the result is too long it is
    truncated per Doc 9303-4 §4.2.3: the primary identifier is kept whole if ``<<`` and at least
    one character of the secondary identifier still fit, and the name is cut at the end of the
    field; otherwise the primary identifier is cut so that ``<<`` and the initial of the secondary
    identifier fit. The field never ends in a cut-off filler.
    """
    p = _components(transliterate(primary, language=language))
    s = _components(transliterate(secondary, language=language))
    if not p:
        raise InvalidFormat("the primary identifier is empty")
    if any(not c.isalpha() for c in (p + s).replace("<", "")):
        raise InvalidFormat(f"names hold only letters: {primary!r} {secondary!r}")
    full = f"{p}<<{s}" if s else p
    if len(full) <= width:
        return full.ljust(width, "<"), False
    if not s or len(p) + 3 <= width:
        cut = full[:width].rstrip("<")
    else:
        cut = f"{p[: width - 3].rstrip('<')}<<{s[0]}"
    return cut.ljust(width, "<"), True


def _components(text: str) -> str:
    return "<".join(c for c in text.split("<") if c)
