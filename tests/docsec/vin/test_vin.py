"""docsec.vin: normalise, validate, decode, check."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from docsec.report import Status
from docsec.vin import (
    check,
    decode,
    is_valid,
    load_wmi,
    model_years,
    normalize,
    validate,
)

NA_PUBLIC = [
    "1M8GDM9AXKP042788",  # 49 CFR 565 worked example (check digit X)
    "1HGCM82633A004352",  # Honda Accord 2003 (public example)
    "11111111111111111",
]
EU_NO_CHECK_DIGIT = [
    "WVWZZZ1KZ6W000001",  # VW: filler Z at position 9
    "WDD2470031J059461",  # Mercedes, EU market (vininfo issue 9)
    "VF1LSRAB4AK123456",
]


@pytest.mark.parametrize("vin", NA_PUBLIC)
def test_north_american_public_examples_pass(vin: str) -> None:
    result = check(vin, reference_year=2026)
    assert result.valid
    assert result.check_digit.status is Status.PASS
    assert result.kind == "vin"
    assert validate(vin) == vin


@pytest.mark.parametrize("vin", EU_NO_CHECK_DIGIT)
def test_eu_vins_without_check_digit_are_accepted(vin: str) -> None:
    result = check(vin)
    assert result.valid, result.errors
    assert result.check_digit.status is Status.NOT_APPLICABLE
    assert "vin.check_digit" not in result.warnings
    assert is_valid(vin)
    with pytest.raises(InvalidChecksum):
        validate(vin, check_digit="require")


@pytest.mark.parametrize("position", range(17))
def test_corrupted_north_american_vins_are_caught(position: int) -> None:
    vin = "1M8GDM9AXKP042788"
    if position in (8, 9):  # the check digit itself, the year code (also changes the sum)
        replacement = "1" if position == 8 else "L"
    else:
        replacement = "3" if vin[position] != "3" else "4"
    bad = vin[:position] + replacement + vin[position + 1 :]
    result = check(bad)
    assert "vin.check_digit" in result.errors
    assert result.check_digit.status is Status.FAIL
    assert result.check_digit.expected != result.check_digit.found
    assert not is_valid(bad)


def test_china_check_digit_is_mandatory() -> None:
    good = "LSVA4185XB2123456"
    from docsec.checkdigit import vin_mod11

    good = good[:8] + vin_mod11.calc_check_digit(good) + good[9:]
    assert check(good).check_digit.status is Status.PASS
    wrong = good[:8] + ("1" if good[8] != "1" else "2") + good[9:]
    assert check(wrong).errors == ("vin.check_digit",)


def test_normalize_spaces_dashes_case_and_homoglyphs() -> None:
    assert normalize(" 1m8-gdm9a\txkp042788 ") == "1M8GDM9AXKP042788"
    cyr = "ХТА21901ОВУ123456"  # Cyrillic Х Т А О В У
    result = check(cyr)
    assert result.vin is not None and result.vin.isascii()
    assert "vin.format.homoglyph" in result.warnings
    homoglyph = next(f for f in result.findings if f.id == "vin.format.homoglyph")
    assert homoglyph.positions[:3] == ((1, 1), (1, 2), (1, 3))
    # the Cyrillic O became Latin O, which is not a VIN letter: an error with a suggestion
    assert "vin.format.character" in result.errors


def test_letter_o_in_vin_is_an_error_with_suggestion() -> None:
    result = check("1M8GDM9AXKPO42788")
    assert not result.valid
    assert result.errors == ("vin.format.character",)
    assert result.suggestions == ("1M8GDM9AXKP042788",)
    finding = result.findings[0]
    assert finding.positions == ((1, 12),) and finding.expected == "0" and finding.found == "O"
    with pytest.raises(InvalidFormat) as exc:
        validate("1M8GDM9AXKPO42788")
    assert exc.value.context["suggestions"] == ("1M8GDM9AXKP042788",)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "-", "🚗" * 17, "x" * 10_000, "1M8GDM9AX", "ÆØÅ", "\x00" * 17,
     "1M8GDM9AXKP04278899"],
)
def test_junk_never_crashes(text: str) -> None:
    result = check(text)
    assert not result.valid
    assert result.errors
    assert isinstance(result.to_dict(), dict)
    assert not is_valid(text)


@pytest.mark.parametrize("junk", [None, 17, b"1M8GDM9AXKP042788", object()])
def test_non_text_never_crashes(junk: object) -> None:
    assert not is_valid(junk)
    assert not check(junk).valid


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_check_never_raises(text: str) -> None:
    result = check(text)
    assert result.valid == (not result.errors)
    result.to_dict()


def test_pre_1981_chassis_numbers_are_not_invalid() -> None:
    result = check("JZA80-0012345")
    assert result.kind == "chassis"
    assert result.valid
    assert result.warnings == ("vin.chassis_number",)
    assert result.check_digit.status is Status.NOT_APPLICABLE
    with pytest.raises(InvalidLength, match="chassis"):
        validate("JZA80-0012345")


def test_model_year_code_invalid_in_north_america() -> None:
    from docsec.checkdigit import vin_mod11

    body = "1M8GDM9A0UP042788"
    vin = body[:8] + vin_mod11.calc_check_digit(body) + body[9:]
    result = check(vin)
    assert "vin.model_year" in result.errors
    with pytest.raises(InvalidComponent):
        validate(vin)
    # a year code on an EU-market Mercedes is only a candidate: warn, never guess
    mb = check("WDD2470031J059461", reference_year=2026)
    assert mb.valid and "vin.model_year" in mb.warnings
    # elsewhere a U, Z or 0 at position 10 just means the year is not encoded
    eu = check("WDD247003ZJ059461")
    assert eu.valid and eu.model_years == ()
    assert next(f for f in eu.findings if f.id == "vin.model_year").status is Status.NOT_APPLICABLE


def test_model_year_position_7_rule_only_for_light_vehicles() -> None:
    # heavy truck (Freightliner): MY2009, the naive position-7 rule would say 2039
    assert decode("1FUJGLDR69LAC9984", reference_year=2026).model_years == (2009,)
    # fire apparatus (E-ONE) 1994: position 7 is a letter, yet not 2024
    assert 1994 in decode("4ENGAAA81R1003437", reference_year=2026).model_years
    # light truck: letter at position 7 -> 2010-2039 cycle
    assert decode("1FTFW1E50NFA00001", reference_year=2026).model_years == (2022,)
    assert decode("1FTFW150XNFA00001", reference_year=2026).model_years == (1992,)
    assert model_years("N", position_7="1", reference_year=2026) == (1992,)
    # outside North America: every cycle year up to the reference year is a candidate
    assert decode("WVWZZZ1KZAW000001", reference_year=2026).model_years == (1980, 2010)


def test_decode_wmi_is_assembler_not_brand() -> None:
    assert decode("KMHJ81C40EU000001").manufacturer == "Hyundai Motor Company"
    assert decode("1M8GDM9AXKP042788").manufacturer == "Motor Coach Industries"
    kia_georgia = decode("5XYPDA0C0GG000001")
    assert {"Kia", "Hyundai"} <= set(kia_georgia.makes)
    assert kia_georgia.country == "United States"
    assert decode("3FA6P0H70HR000001").country == "Mexico"
    assert decode("XTA219010K0000001").country_code == "RUS"


def test_small_manufacturer_six_character_wmi() -> None:
    d = decode("YT9NN1U14KA007175")
    assert d.wmi == "YT9007" and d.manufacturer == "Koenigsegg Automotive"
    assert d.serial == "175" and d.small_manufacturer


def test_wmi_table_size_and_source() -> None:
    table = load_wmi()
    full = [w for w in table if len(w) in (3, 6)]
    assert len(full) >= 600
    assert all(entry.source for entry in table.values())
    assert all(not set(w) & set("IOQ") for w in table)


def test_unknown_wmi_is_a_warning() -> None:
    from docsec.checkdigit import vin_mod11

    body = "9ZZ00000000000001"
    vin = body[:8] + vin_mod11.calc_check_digit(body) + body[9:]
    result = check(vin)
    assert "vin.wmi" in result.warnings


def test_json_shape_matches_the_issue() -> None:
    data = check("1M8GDM9AXKP042788", reference_year=2026).to_dict()
    for key in (
        "input", "vin", "kind", "valid", "errors", "warnings", "check_digit", "wmi", "region",
        "country", "manufacturer", "model_years", "plant", "serial", "registry",
    ):  # fmt: skip
        assert key in data
    assert data["check_digit"] == {"status": "pass", "expected": "X", "found": "X"}
    assert data["model_years"] == [1989, 2019]
    assert data["wmi"] == "1M8" and data["plant"] == "P" and data["serial"] == "042788"


def test_decode_rejects_malformed() -> None:
    with pytest.raises(InvalidLength):
        decode("1M8")
    with pytest.raises(InvalidFormat):
        decode("1M8GDM9AXKPO42788")


def test_import_is_light() -> None:
    code = "import sys, docsec.vin; print('cv2' in sys.modules or 'pytesseract' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
