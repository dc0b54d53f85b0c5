"""Every specimen of DOMAIN.md §1: ICAO (Doubango page), German vectors, the long number."""

from __future__ import annotations

import datetime

import pytest

from docsec.checkdigit.icao9303 import calc_check_digit
from docsec.mrz import CHECK_IDS, MRZData, MRZFormat, parse, render
from docsec.report import Status

REF = datetime.date(2010, 1, 1)

TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<")
GERMAN_ID = (
    "IDD<<T220001293<<<<<<<<<<<<<<<",
    "6408125<2010315D<<<<<<<<<<<<<4",
    "MUSTERMANN<<ERIKA<<<<<<<<<<<<<",
)
GERMAN_PASSPORT = (
    "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
    "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
)
LONG_NUMBER = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)

SPECIMENS = [
    (TD1, MRZFormat.TD1, "D23145890", "I", "UTO", "F"),
    (TD2, MRZFormat.TD2, "D23145890", "I", "UTO", "F"),
    (TD3, MRZFormat.TD3, "L898902C3", "P", "UTO", "F"),
    (MRVA, MRZFormat.MRVA, "L8988901C", "V", "XXX", "F"),
    (MRVB, MRZFormat.MRVB, "L8988901C", "V", "XXX", "F"),
    (GERMAN_ID, MRZFormat.TD1, "T22000129", "ID", "D", None),
    (GERMAN_PASSPORT, MRZFormat.TD3, "C01X00T47", "P", "D", "F"),
    (LONG_NUMBER, MRZFormat.TD1, "D23145890734", "I", "UTO", "F"),
]


@pytest.mark.parametrize(("lines", "fmt", "number", "code", "nationality", "sex"), SPECIMENS)
def test_specimen_parses_with_every_check_digit_passing(
    lines: tuple[str, ...], fmt: MRZFormat, number: str, code: str, nationality: str,
    sex: str | None,
) -> None:  # fmt: skip
    mrz = parse(lines, reference_date=REF)
    assert mrz.format is fmt
    assert [f.id for f in mrz.findings] == list(CHECK_IDS)
    for f in mrz.findings:
        if f.id.startswith("mrz.check_digit."):
            assert f.status in (Status.PASS, Status.NOT_APPLICABLE), f
    assert mrz.fields["document_number"].value == number
    assert mrz.fields["document_code"].value == code
    assert mrz.fields["nationality"].value == nationality
    assert mrz.fields["sex"].value == sex
    assert mrz.lines == lines


def test_icao_specimens_interpret_every_field() -> None:
    mrz = parse(TD3, reference_date=REF)
    assert mrz.valid
    f = mrz.fields
    assert f["issuing_state"].value == "UTO"
    assert f["primary_identifier"].value == "ERIKSSON"
    assert f["secondary_identifier"].value == "ANNA MARIA"
    assert f["date_of_birth"].value == datetime.date(1974, 8, 12)
    assert f["date_of_expiry"].value == datetime.date(2012, 4, 15)
    assert f["optional_data"].value == "ZE184226B"
    assert f["optional_data_check_digit"].value == 1
    assert f["composite_check_digit"].value == 0
    assert f["date_of_birth"].positions == tuple((2, c) for c in range(14, 20))


def test_visas_have_no_composite_and_td1_no_personal_number_digit() -> None:
    for lines in (MRVA, MRVB):
        mrz = parse(lines, reference_date=REF)
        assert mrz.finding("mrz.check_digit.composite").status is Status.NOT_APPLICABLE
        assert "composite_check_digit" not in mrz.fields
    td1 = parse(TD1, reference_date=REF)
    assert td1.finding("mrz.check_digit.optional_data").status is Status.NOT_APPLICABLE
    # The visa specimens expired in 1996 relative to a 2010 reference date.
    assert parse(MRVA, reference_date=REF).finding("mrz.expired").status is Status.FAIL
    assert parse(MRVA, reference_date=datetime.date(1995, 1, 1)).valid


def test_composite_coverage_per_format_is_exact() -> None:
    """Changing a covered optional-data character breaks the composite (TD1 line 1 up to 30)."""
    changed = (TD1[0][:29] + "1", TD1[1], TD1[2])
    assert parse(changed, reference_date=REF).finding("mrz.check_digit.composite").status is (
        Status.FAIL
    )
    # ...while "A" there collides: 10 x weight 7 = 70 = 0 (mod 10), so the digit still matches.
    collide = (TD1[0][:29] + "A", TD1[1], TD1[2])
    assert parse(collide, reference_date=REF).finding("mrz.check_digit.composite").status is (
        Status.PASS
    )
    # Nationality and sex are outside every composite.
    td3 = TD3[1][:10] + "ZZA" + TD3[1][13:20] + "M" + TD3[1][21:]
    mrz = parse((TD3[0], td3), reference_date=REF)
    assert mrz.finding("mrz.check_digit.composite").status is Status.PASS


def test_german_quirks() -> None:
    mrz = parse(GERMAN_ID, reference_date=REF)
    assert mrz.valid
    assert mrz.fields["issuing_state"].raw == "D<<"
    assert mrz.fields["issuing_state"].value == "D"
    assert mrz.finding("mrz.sex").status is Status.PASS
    passport = parse(GERMAN_PASSPORT, reference_date=REF)
    # Position 43 may be '<' when the personal number is empty (Doc 9303-4).
    opt = passport.finding("mrz.check_digit.optional_data")
    assert opt.status is Status.PASS and opt.found == "<"
    assert passport.valid


def test_td3_optional_digit_filler_only_when_empty() -> None:
    line2 = TD3[1][:42] + "<" + TD3[1][43]
    mrz = parse((TD3[0], line2), reference_date=REF)
    assert mrz.finding("mrz.check_digit.optional_data").status is Status.FAIL


# -- long document numbers (Doc 9303-5 §4.2.4): the check digit covers the full number, no '<' --

LONG_NUMBERS = ["D23145890734", "AB1234567890", "X98765432101", "ZZ0000000019", "123456789ABC",
                "K7Q2M9R4T1Z", "P0000000001234"]  # fmt: skip


def test_long_number_icao_example_digit() -> None:
    assert calc_check_digit("D23145890734") == "9"


@pytest.mark.parametrize("number", LONG_NUMBERS)
def test_long_number_check_digit_covers_the_bare_full_number(number: str) -> None:
    data = MRZData("I", "UTO", number, "UTO", datetime.date(1974, 8, 12), "F",
                   datetime.date(2012, 4, 15), "ERIKSSON", "ANNA")  # fmt: skip
    lines = render(data, MRZFormat.TD1)
    rest = number[9:]
    assert lines[0][5:15] == number[:9] + "<"
    assert lines[0][15 : 15 + len(rest) + 1] == rest + calc_check_digit(number)
    mrz = parse(lines, reference_date=REF)
    assert mrz.valid
    assert mrz.fields["document_number"].value == number
    assert mrz.finding("mrz.check_digit.document_number").expected == calc_check_digit(number)


def test_the_two_overflow_conventions_disagree_and_the_other_one_fails() -> None:
    """Hashing ``first9 + '<' + rest`` is the competing convention: it must be rejected."""
    disagreeing = [n for n in LONG_NUMBERS if calc_check_digit(n) != calc_check_digit(
        n[:9] + "<" + n[9:])]  # fmt: skip
    assert len(disagreeing) >= 3
    for number in disagreeing:
        wrong = calc_check_digit(number[:9] + "<" + number[9:])
        rest = number[9:] + wrong
        line1 = ("I<UTO" + number[:9] + "<" + rest).ljust(30, "<")
        line2 = "7408122F1204159UTO<<<<<<<<<<<"
        line2 += calc_check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        mrz = parse((line1, line2, TD1[2]), reference_date=REF)
        finding = mrz.finding("mrz.check_digit.document_number")
        assert finding.status is Status.FAIL
        assert finding.found == wrong
        assert mrz.finding("mrz.check_digit.composite").status is Status.PASS


def test_long_number_in_td3_and_td2() -> None:
    for fmt, code in ((MRZFormat.TD3, "P"), (MRZFormat.TD2, "I")):
        data = MRZData(code, "UTO", "AB1234567890", "UTO", datetime.date(1974, 8, 12), "F",
                       datetime.date(2012, 4, 15), "ERIKSSON", "ANNA")  # fmt: skip
        mrz = parse(render(data, fmt), reference_date=REF)
        assert mrz.valid, mrz.findings
        assert mrz.fields["document_number"].value == "AB1234567890"


def test_long_number_marker_without_continuation_fails() -> None:
    line1 = "I<UTOD23145890<<<<<<<<<<<<<<<<"
    mrz = parse((line1, TD1[1], TD1[2]), reference_date=REF)
    assert mrz.finding("mrz.check_digit.document_number").status is Status.FAIL


def test_results_pickle_and_compare() -> None:
    import copy
    import pickle

    mrz = parse(TD3, reference_date=REF)
    again = pickle.loads(pickle.dumps(mrz))  # noqa: S301 (our own bytes)
    assert again == mrz and again.fields == mrz.fields
    assert len(pickle.dumps(mrz)) < 6000
    assert copy.deepcopy(mrz) == mrz
