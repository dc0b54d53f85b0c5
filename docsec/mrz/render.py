"""Render holder data into exact MRZ lines: the mirror image of :mod:`docsec.mrz.parse`.

The same format tables (:data:`docsec.mrz.formats.LAYOUTS`) place every field; every check digit
is computed with :mod:`docsec.checkdigit.icao9303`. Names are transliterated
(:mod:`docsec.mrz.translit`) and truncated (:func:`docsec.mrz.fields.encode_name`); document
numbers longer than 9 characters use the ICAO overflow rule (Doc 9303-5 §4.2.4, 9303-4 §4.2.2.2):
the first 9 characters in the number field, ``<`` in its check-digit position, the remainder at
the start of the optional data followed by the check digit of the whole number, then a filler.

>>> import datetime
>>> data = MRZData('P', 'UTO', 'L898902C3', 'UTO', datetime.date(1974, 8, 12), 'F',
...                datetime.date(2012, 4, 15), 'Eriksson', 'Anna María', 'ZE184226B')
>>> for line in render(data, MRZFormat.TD3):
...     print(line)
P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36UTO7408122F1204159ZE184226B<<<<<10
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from docsec.checkdigit.icao9303 import ALPHABET, calc_check_digit
from docsec.errors import InvalidFormat, InvalidLength
from docsec.mrz.fields import encode_date, encode_name
from docsec.mrz.formats import LAYOUTS, MRZFormat

__all__ = ["MRZData", "render"]

_ALPHABET = frozenset(ALPHABET)
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_VISAS = (MRZFormat.MRVA, MRZFormat.MRVB)


@dataclass(frozen=True, slots=True)
class MRZData:
    """Holder and document data to print in an MRZ (ICAO 9303 field names).

    Dates are :class:`datetime.date` or a raw ``YYMMDD`` with unknown parts (``'68<<<<'``,
    ``'680000'``). Names may be in any supported script: :func:`render` transliterates them.
    ``optional_data`` is the TD3 personal number, the TD1 line-1 optional data, or the TD2/MRV
    optional data; ``optional_data_2`` is the TD1 line-2 optional data.
    """

    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    date_of_birth: datetime.date | str
    sex: str
    date_of_expiry: datetime.date | str
    primary_identifier: str
    secondary_identifier: str
    optional_data: str = ""
    optional_data_2: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (dates as ISO strings, raw dates as printed)."""
        out: dict[str, object] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return out


def render(
    data: MRZData,
    format: MRZFormat,
    *,
    allow_sex_x: bool = False,
    language: str | None = None,
) -> tuple[str, ...]:
    """Render ``data`` as the exact MRZ lines of ``format``, every check digit computed.

    ``allow_sex_x`` prints ``X`` as given (non-conformant; by default ``X`` becomes ``<`` as
    Doc 9303 requires); ``language`` selects transliteration overrides for the names.
    Raises :class:`~docsec.errors.InvalidFormat` / :class:`~docsec.errors.InvalidLength` for
    data that cannot be printed in this format.
    """
    fmt = MRZFormat(format)
    layout = LAYOUTS[fmt]
    width = fmt.length
    grid = [["<"] * width for _ in range(fmt.lines)]

    def put(name: str, text: str) -> None:
        spec = layout.field(name)
        if len(text) > spec.width:
            raise InvalidLength(
                f"{name} {text!r} has {len(text)} characters; {fmt.value} holds {spec.width}"
            )
        grid[spec.line][spec.start : spec.start + len(text)] = text

    code = _clean(data.document_code, "document_code")
    if not 1 <= len(code) <= 2 or not _LETTERS.issuperset(code.replace("<", "")):
        raise InvalidFormat(f"document code {data.document_code!r}: one or two letters")
    if (code[0] == "V") != (fmt in _VISAS):
        raise InvalidFormat(f"document code {code!r} does not match the format {fmt.value}")
    put("document_code", code)
    put("issuing_state", _state(data.issuing_state, "issuing_state"))
    put("nationality", _state(data.nationality, "nationality"))

    optional = _clean(data.optional_data, "optional_data")
    number = _clean(data.document_number, "document_number")
    if not number or "<" in number:
        raise InvalidFormat(f"document number {data.document_number!r}: letters and digits only")
    number_field = layout.field("document_number")
    overflow = len(number) > number_field.width
    if overflow:
        if not layout.long_number:
            raise InvalidLength(f"{fmt.value} has no long-number rule: {number!r} exceeds 9")
        rest = number[number_field.width :] + calc_check_digit(number)
        optional = rest + ("<" + optional if optional else "")
        number = number[: number_field.width]
    put("document_number", number)
    put("optional_data", optional)
    if data.optional_data_2:
        if not layout.has("optional_data_2"):
            raise InvalidFormat(f"{fmt.value} has no second optional-data field")
        put("optional_data_2", _clean(data.optional_data_2, "optional_data_2"))

    put("date_of_birth", encode_date(data.date_of_birth))
    put("date_of_expiry", encode_date(data.date_of_expiry))
    put("sex", _sex(data.sex, allow_sex_x))
    name_spec = layout.field("name")
    name, _ = encode_name(
        data.primary_identifier, data.secondary_identifier, name_spec.width, language=language
    )
    put("name", name)

    # Check digits in table order: the composite comes last and covers the others.
    for spec in layout.check_digits:
        if overflow and spec.id == "mrz.check_digit.document_number":
            continue  # the '<' stays; the digit of the full number sits in the optional data
        covered = "".join("".join(grid[c.line][c.start : c.stop]) for c in spec.covers)
        if spec.filler_when_empty and not covered.strip("<"):
            continue  # Doc 9303-4: position 43 may be '<' when the personal number is empty
        grid[spec.digit.line][spec.digit.start] = calc_check_digit(covered)
    if overflow:
        grid[number_field.line][number_field.stop] = "<"
    return tuple("".join(row) for row in grid)


def _clean(text: str, name: str) -> str:
    out = text.strip().upper().replace(" ", "<")
    if not _ALPHABET.issuperset(out):
        raise InvalidFormat(f"{name} {text!r}: only A-Z, 0-9 and < can be printed in an MRZ")
    return out


def _state(code: str, name: str) -> str:
    out = _clean(code, name).rstrip("<")
    if not 1 <= len(out) <= 3 or not _LETTERS.issuperset(out):
        raise InvalidFormat(f"{name} {code!r}: a code of one to three letters (D, UTO)")
    return out


def _sex(sex: str, allow_x: bool) -> str:
    s = sex.strip().upper() or "<"
    if s == "X" and not allow_x:
        return "<"  # X is a visual-zone value only (Doc 9303-4 §4.2.2)
    if s not in ("M", "F", "<", "X"):
        raise InvalidFormat(f"sex {sex!r}: M, F, < (or X in the visual zone)")
    return s
