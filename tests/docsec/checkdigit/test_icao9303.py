"""ICAO 9303 7-3-1 check digits against the published specimens (DOMAIN.md §1.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docsec.checkdigit import icao9303
from docsec.errors import InvalidChecksum, InvalidFormat, InvalidLength

SPECIMEN_DIGITS = [
    # ICAO TD3 specimen (Anna Maria Eriksson): document number, DOB, expiry, personal number
    ("L898902C3", "6"),
    ("740812", "2"),
    ("120415", "9"),
    ("ZE184226B<<<<<", "1"),
    # TD3 composite: L2 1-10 + 14-20 + 22-43
    ("L898902C36" + "7408122" + "1204159ZE184226B<<<<<1", "0"),
    # TD1 specimen document number
    ("D23145890", "7"),
    # MRV-A specimen
    ("L8988901C", "4"),
    ("400907", "8"),
    ("961210", "9"),
    # German specimens
    ("T22000129", "3"),
    ("640812", "5"),
    ("201031", "5"),
]


@pytest.mark.parametrize(("data", "digit"), SPECIMEN_DIGITS)
def test_specimen_check_digits(data: str, digit: str) -> None:
    assert icao9303.calc_check_digit(data) == digit
    assert icao9303.validate(data + digit) == data + digit
    assert icao9303.is_valid(data + digit)


def test_filler_counts_zero_and_letters_count_from_ten() -> None:
    assert icao9303.calc_check_digit("<<<<<<<<<") == "0"
    assert icao9303.char_value("A") == 10
    assert icao9303.calc_check_digit("A") == "0"  # 10 * 7 = 70
    assert icao9303.calc_check_digit("B") == "7"  # 11 * 7 = 77


def test_errors_are_typed() -> None:
    with pytest.raises(InvalidChecksum) as exc:
        icao9303.validate("L898902C37")
    assert exc.value.context == {"expected": "6", "found": "7"}
    with pytest.raises(InvalidFormat):
        icao9303.calc_check_digit("l898902c3")
    with pytest.raises(InvalidLength):
        icao9303.validate("6")
    assert not icao9303.is_valid("L898 02C36")


@given(st.text(alphabet=icao9303.ALPHABET, min_size=1, max_size=40))
def test_round_trip(data: str) -> None:
    assert icao9303.is_valid(data + icao9303.calc_check_digit(data))


@given(st.text(max_size=20))
def test_arbitrary_text_never_raises_from_is_valid(text: str) -> None:
    assert icao9303.is_valid(text) in (True, False)


def test_single_digit_substitution_in_numeric_field_is_always_caught() -> None:
    # Weights 7, 3 and 1 are all coprime with 10, so changing one digit always changes the sum.
    base = "740812"
    for i in range(len(base)):
        for d in "0123456789":
            if d == base[i]:
                continue
            altered = base[:i] + d + base[i + 1 :]
            assert icao9303.calc_check_digit(altered) != "2"


def test_no_other_module_carries_the_weights() -> None:
    """One algorithm, one module: no other 7-3-1 table in the package."""
    import pathlib
    import re

    root = pathlib.Path(icao9303.__file__).parents[1]
    pattern = re.compile(r"\(\s*7\s*,\s*3\s*,\s*1\s*\)|\[\s*7\s*,\s*3\s*,\s*1\s*\]")
    offenders = [
        str(p)
        for p in root.rglob("*.py")
        if p.name != "icao9303.py" and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
