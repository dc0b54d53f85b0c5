"""Every single-character substitution in a checked numeric field is caught where the 7-3-1
arithmetic says it must be: a digit for a digit always changes the sum mod 10 (7, 3 and 1 are
prime to 10); a letter for a digit changes it unless (value difference x weight) = 0 mod 10."""

from __future__ import annotations

import datetime

import pytest

from docsec.checkdigit.icao9303 import ALPHABET, WEIGHTS, char_value
from docsec.mrz import LAYOUTS, MRZFormat, parse
from docsec.report import Status

from .test_specimens import MRVA, MRVB, TD1, TD2, TD3

REF = datetime.date(1990, 1, 1)
SPECIMENS = {MRZFormat.TD1: TD1, MRZFormat.TD2: TD2, MRZFormat.TD3: TD3, MRZFormat.MRVA: MRVA,
             MRZFormat.MRVB: MRVB}  # fmt: skip
NUMERIC = ("date_of_birth", "date_of_expiry")


def _substitute(lines: tuple[str, ...], line: int, col: int, char: str) -> tuple[str, ...]:
    row = lines[line]
    return tuple(
        row[:col] + char + row[col + 1 :] if i == line else other for i, other in enumerate(lines)
    )


def _cases() -> list[tuple[MRZFormat, str, int]]:
    out = []
    for fmt, layout in LAYOUTS.items():
        for spec in layout.check_digits:
            if spec.field in NUMERIC:
                out.extend((fmt, spec.id, i) for i in range(spec.covers[0].width))
    return out


@pytest.mark.parametrize(("fmt", "check_id", "offset"), _cases())
def test_digit_for_digit_is_always_caught(fmt: MRZFormat, check_id: str, offset: int) -> None:
    lines = SPECIMENS[fmt]
    spec = LAYOUTS[fmt].check_digit(check_id)
    assert spec is not None
    field = spec.covers[0]
    col = field.start + offset
    old = lines[field.line][col]
    for new in "0123456789":
        if new == old:
            continue
        mrz = parse(_substitute(lines, field.line, col, new), reference_date=REF)
        assert mrz.finding(check_id).status is Status.FAIL, (fmt, check_id, offset, new)
        assert not mrz.valid
        composite = LAYOUTS[fmt].check_digit("mrz.check_digit.composite")
        if composite is not None:
            # The composite covers the field at another phase: digit-for-digit is caught there too.
            assert mrz.finding("mrz.check_digit.composite").status is Status.FAIL


@pytest.mark.parametrize(("fmt", "check_id", "offset"), _cases())
def test_letter_for_digit_is_caught_exactly_when_the_arithmetic_says(
    fmt: MRZFormat, check_id: str, offset: int
) -> None:
    lines = SPECIMENS[fmt]
    spec = LAYOUTS[fmt].check_digit(check_id)
    assert spec is not None
    field = spec.covers[0]
    col = field.start + offset
    old = lines[field.line][col]
    weight = WEIGHTS[offset % 3]
    collisions = 0
    for new in ALPHABET[10:36]:
        must_catch = (char_value(new) - char_value(old)) * weight % 10 != 0
        collisions += not must_catch
        mrz = parse(_substitute(lines, field.line, col, new), reference_date=REF)
        caught = mrz.finding(check_id).status is Status.FAIL
        assert caught == must_catch, (fmt, check_id, offset, new)
        # The letter always breaks the date itself.
        assert mrz.finding(f"mrz.{spec.field}").status is Status.FAIL
    assert collisions >= 2  # e.g. a letter whose value differs by 10 or 20


@pytest.mark.parametrize("fmt", list(MRZFormat))
def test_every_check_digit_substitution_is_caught(fmt: MRZFormat) -> None:
    lines = SPECIMENS[fmt]
    for spec in LAYOUTS[fmt].check_digits:
        digit = spec.digit
        old = lines[digit.line][digit.start]
        for new in "0123456789":
            if new == old:
                continue
            mrz = parse(_substitute(lines, digit.line, digit.start, new), reference_date=REF)
            assert mrz.finding(spec.id).status is Status.FAIL, (spec.id, new)


@pytest.mark.parametrize("fmt", [MRZFormat.TD1, MRZFormat.TD2, MRZFormat.TD3])
def test_document_number_digit_substitutions(fmt: MRZFormat) -> None:
    lines = SPECIMENS[fmt]
    spec = LAYOUTS[fmt].check_digit("mrz.check_digit.document_number")
    assert spec is not None
    field = spec.covers[0]
    for offset in range(field.width):
        col = field.start + offset
        old = lines[field.line][col]
        if not old.isdigit():
            continue
        for new in "0123456789":
            if new != old:
                mrz = parse(_substitute(lines, field.line, col, new), reference_date=REF)
                assert mrz.finding(spec.id).status is Status.FAIL
