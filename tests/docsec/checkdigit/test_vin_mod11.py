"""VIN mod-11 check digit (49 CFR 565.15(c))."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docsec.checkdigit import vin_mod11
from docsec.errors import InvalidChecksum, InvalidFormat, InvalidLength

PUBLIC_VINS = [
    "1M8GDM9AXKP042788",  # worked example, check digit X
    "11111111111111111",  # the classic all-ones example computes to 1
    "1HGCM82633A004352",
]


@pytest.mark.parametrize("vin", PUBLIC_VINS)
def test_public_examples(vin: str) -> None:
    assert vin_mod11.calc_check_digit(vin) == vin[8]
    assert vin_mod11.validate(vin) == vin


def test_mismatch_and_bad_input() -> None:
    with pytest.raises(InvalidChecksum) as exc:
        vin_mod11.validate("1M8GDM9A1KP042788")
    assert exc.value.context == {"expected": "X", "found": "1"}
    with pytest.raises(InvalidFormat):
        vin_mod11.calc_check_digit("1M8GDM9AXKO042788")  # letter O
    with pytest.raises(InvalidLength):
        vin_mod11.calc_check_digit("1M8GDM9AXKP04278")
    assert not vin_mod11.is_valid("")


def test_weights_and_table_follow_the_rule() -> None:
    assert len(vin_mod11.WEIGHTS) == 17 and vin_mod11.WEIGHTS[8] == 0
    assert not set("IOQ") & set(vin_mod11.TRANSLITERATION)
    assert vin_mod11.TRANSLITERATION["Z"] == 9 and vin_mod11.TRANSLITERATION["P"] == 7


@given(st.text(alphabet=vin_mod11.ALPHABET, min_size=17, max_size=17))
def test_computed_digit_validates(vin: str) -> None:
    fixed = vin[:8] + vin_mod11.calc_check_digit(vin) + vin[9:]
    assert vin_mod11.is_valid(fixed)
