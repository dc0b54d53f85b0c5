"""The five ICAO Doc 9303 machine-readable zone formats, as data.

Every field of every format is one :class:`FieldSpec` (0-based ``line``, ``start``, ``stop`` as in
Python slices; docstrings and findings use the 1-based positions of Doc 9303). Every check digit is
one :class:`CheckDigitSpec` naming the slices it covers. :mod:`docsec.mrz.parse`,
:mod:`docsec.mrz.render` and the findings' character positions all derive from these tables, so no
slice is written twice.

===========  =====  ======================  ===================================================
Format       Lines  Reference               Composite check digit covers (1-based positions)
===========  =====  ======================  ===================================================
TD1          3×30   Doc 9303-5 §4.2         L1 6-30, L2 1-7, L2 9-15, L2 19-29 -> L2 30
TD2          2×36   Doc 9303-6 §4.2         L2 1-10, L2 14-20, L2 22-35 -> L2 36
TD3          2×44   Doc 9303-4 §4.2         L2 1-10, L2 14-20, L2 22-43 -> L2 44
MRV-A        2×44   Doc 9303-7 §4.2         (none)
MRV-B        2×36   Doc 9303-7 §4.2         (none)
===========  =====  ======================  ===================================================

>>> MRZFormat.TD1.lines, MRZFormat.TD1.length
(3, 30)
>>> LAYOUTS[MRZFormat.TD3].field("date_of_birth").positions[0]
(2, 14)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "LAYOUTS",
    "CheckDigitSpec",
    "FieldSpec",
    "Layout",
    "MRZFormat",
]


class MRZFormat(StrEnum):
    """Doc 9303 MRZ formats: TD1 (ID-1 cards), TD2, TD3 (passports), MRV-A and MRV-B (visas)."""

    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRVA = "MRVA"
    MRVB = "MRVB"

    @property
    def lines(self) -> int:
        """Number of MRZ lines."""
        return _SHAPE[self.value][0]

    @property
    def length(self) -> int:
        """Characters per line."""
        return _SHAPE[self.value][1]


_SHAPE = {"TD1": (3, 30), "TD2": (2, 36), "TD3": (2, 44), "MRVA": (2, 44), "MRVB": (2, 36)}

Charset = Literal["alpha", "numeric", "alphanumeric"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One MRZ field: ICAO name, 0-based line and ``[start, stop)`` slice, expected characters."""

    name: str
    line: int
    start: int
    stop: int
    charset: Charset = "alphanumeric"

    @property
    def width(self) -> int:
        """Number of characters."""
        return self.stop - self.start

    @property
    def positions(self) -> tuple[tuple[int, int], ...]:
        """1-based ``(line, column)`` of every character of the field."""
        return tuple((self.line + 1, c + 1) for c in range(self.start, self.stop))


@dataclass(frozen=True, slots=True)
class CheckDigitSpec:
    """A check digit: its check ID, the field it protects, the digit and the slices it covers.

    ``filler_when_empty`` marks the TD3 personal-number digit (Doc 9303-4 §4.2.2, position 43 of
    line 2), which may be ``<`` when the optional data is all fillers.
    """

    id: str
    field: str
    digit: FieldSpec
    covers: tuple[FieldSpec, ...]
    filler_when_empty: bool = False

    @property
    def positions(self) -> tuple[tuple[int, int], ...]:
        """Covered character positions followed by the digit's own position."""
        out: list[tuple[int, int]] = []
        for spec in self.covers:
            out.extend(spec.positions)
        return (*out, *self.digit.positions)


@dataclass(frozen=True, slots=True)
class Layout:
    """All fields and check digits of one format."""

    format: MRZFormat
    fields: tuple[FieldSpec, ...]
    check_digits: tuple[CheckDigitSpec, ...]
    document_code_first: str
    """Allowed first characters of the document code."""
    long_number: bool
    """Whether a document number over 9 characters may overflow into the optional data."""

    def field(self, name: str) -> FieldSpec:
        """The field spec called ``name`` (``KeyError`` if the format has no such field)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def has(self, name: str) -> bool:
        """Whether the format has a field called ``name``."""
        return any(spec.name == name for spec in self.fields)

    def check_digit(self, check_id: str) -> CheckDigitSpec | None:
        """The check-digit spec with ``check_id``, or None if the format has none."""
        for spec in self.check_digits:
            if spec.id == check_id:
                return spec
        return None


def _f(name: str, line: int, start: int, stop: int, charset: Charset = "alphanumeric") -> FieldSpec:
    return FieldSpec(name, line, start, stop, charset)


def _two_line(fmt: MRZFormat, optional_stop: int, *, optional_cd: bool, composite: bool) -> Layout:
    """TD2, TD3, MRV-A and MRV-B share line 1 and line 2 up to position 28 (Doc 9303-4/6/7)."""
    n = fmt.length
    number = _f("document_number", 1, 0, 9)
    number_cd = _f("document_number_check_digit", 1, 9, 10, "numeric")
    birth = _f("date_of_birth", 1, 13, 19, "numeric")
    birth_cd = _f("date_of_birth_check_digit", 1, 19, 20, "numeric")
    expiry = _f("date_of_expiry", 1, 21, 27, "numeric")
    expiry_cd = _f("date_of_expiry_check_digit", 1, 27, 28, "numeric")
    optional = _f("optional_data", 1, 28, optional_stop)
    fields = [
        _f("document_code", 0, 0, 2, "alpha"),
        _f("issuing_state", 0, 2, 5, "alpha"),
        _f("name", 0, 5, n, "alpha"),
        number,
        number_cd,
        _f("nationality", 1, 10, 13, "alpha"),
        birth,
        birth_cd,
        _f("sex", 1, 20, 21, "alpha"),
        expiry,
        expiry_cd,
        optional,
    ]
    checks = [
        CheckDigitSpec("mrz.check_digit.document_number", "document_number", number_cd, (number,)),
        CheckDigitSpec("mrz.check_digit.date_of_birth", "date_of_birth", birth_cd, (birth,)),
        CheckDigitSpec("mrz.check_digit.date_of_expiry", "date_of_expiry", expiry_cd, (expiry,)),
    ]
    composite_covers: list[FieldSpec] = [
        _f("", 1, 0, 10),
        _f("", 1, 13, 20),
        _f("", 1, 21, optional_stop + (1 if optional_cd else 0)),
    ]
    if optional_cd:
        optional_digit = _f("optional_data_check_digit", 1, optional_stop, optional_stop + 1)
        fields.append(optional_digit)
        checks.append(
            CheckDigitSpec(
                "mrz.check_digit.optional_data",
                "optional_data",
                optional_digit,
                (optional,),
                filler_when_empty=True,
            )
        )
    if composite:
        digit = _f("composite_check_digit", 1, n - 1, n, "numeric")
        fields.append(digit)
        checks.append(
            CheckDigitSpec("mrz.check_digit.composite", "composite", digit, tuple(composite_covers))
        )
    visa = fmt in (MRZFormat.MRVA, MRZFormat.MRVB)
    first = "V" if visa else ("P" if fmt is MRZFormat.TD3 else "ACI")
    return Layout(fmt, tuple(fields), tuple(checks), first, long_number=composite)


def _td1() -> Layout:
    """TD1 (Doc 9303-5 §4.2): three lines of 30."""
    number = _f("document_number", 0, 5, 14)
    number_cd = _f("document_number_check_digit", 0, 14, 15, "numeric")
    birth = _f("date_of_birth", 1, 0, 6, "numeric")
    birth_cd = _f("date_of_birth_check_digit", 1, 6, 7, "numeric")
    expiry = _f("date_of_expiry", 1, 8, 14, "numeric")
    expiry_cd = _f("date_of_expiry_check_digit", 1, 14, 15, "numeric")
    composite = _f("composite_check_digit", 1, 29, 30, "numeric")
    fields = (
        _f("document_code", 0, 0, 2, "alpha"),
        _f("issuing_state", 0, 2, 5, "alpha"),
        number,
        number_cd,
        _f("optional_data", 0, 15, 30),
        birth,
        birth_cd,
        _f("sex", 1, 7, 8, "alpha"),
        expiry,
        expiry_cd,
        _f("nationality", 1, 15, 18, "alpha"),
        _f("optional_data_2", 1, 18, 29),
        composite,
        _f("name", 2, 0, 30, "alpha"),
    )
    checks = (
        CheckDigitSpec("mrz.check_digit.document_number", "document_number", number_cd, (number,)),
        CheckDigitSpec("mrz.check_digit.date_of_birth", "date_of_birth", birth_cd, (birth,)),
        CheckDigitSpec("mrz.check_digit.date_of_expiry", "date_of_expiry", expiry_cd, (expiry,)),
        CheckDigitSpec(
            "mrz.check_digit.composite",
            "composite",
            composite,
            (_f("", 0, 5, 30), _f("", 1, 0, 7), _f("", 1, 8, 15), _f("", 1, 18, 29)),
        ),
    )
    return Layout(MRZFormat.TD1, fields, checks, "ACI", long_number=True)


LAYOUTS: Mapping[MRZFormat, Layout] = {
    MRZFormat.TD1: _td1(),
    MRZFormat.TD2: _two_line(MRZFormat.TD2, 35, optional_cd=False, composite=True),
    MRZFormat.TD3: _two_line(MRZFormat.TD3, 42, optional_cd=True, composite=True),
    MRZFormat.MRVA: _two_line(MRZFormat.MRVA, 44, optional_cd=False, composite=False),
    MRZFormat.MRVB: _two_line(MRZFormat.MRVB, 36, optional_cd=False, composite=False),
}
