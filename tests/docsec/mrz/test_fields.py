"""Dates (century inference, unknown parts), names (structure, truncation), sex, codes."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from docsec.errors import InvalidFormat
from docsec.mrz import MRZData, MRZFormat, parse, render
from docsec.mrz.countries import category, codes
from docsec.mrz.fields import decode_date, encode_name
from docsec.report import Status

from .test_specimens import TD1, TD3

REF = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("raw", "kind", "ref", "expected"),
    [
        ("490101", "birth", datetime.date(2026, 6, 1), datetime.date(1949, 1, 1)),
        ("260531", "birth", datetime.date(2026, 6, 1), datetime.date(2026, 5, 31)),
        ("260602", "birth", datetime.date(2026, 6, 1), datetime.date(1926, 6, 2)),
        ("000229", "birth", datetime.date(2026, 6, 1), datetime.date(2000, 2, 29)),
        ("740812", "expiry", datetime.date(2026, 6, 1), datetime.date(2074, 8, 12)),
        ("760101", "expiry", datetime.date(2026, 6, 1), datetime.date(1976, 1, 1)),
        ("961210", "expiry", datetime.date(2026, 6, 1), datetime.date(1996, 12, 10)),
        ("310101", "expiry", datetime.date(1990, 1, 1), datetime.date(2031, 1, 1)),
        ("300101", "birth", datetime.date(1990, 1, 1), datetime.date(1930, 1, 1)),
    ],
)
def test_century_inference_against_the_reference_date(
    raw: str, kind: str, ref: datetime.date, expected: datetime.date
) -> None:
    value, problem = decode_date(raw, kind=kind, reference_date=ref)  # type: ignore[arg-type]
    assert (value, problem) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("680000", "1968-XX-XX"), ("68<<<<", "1968-XX-XX"), ("680500", "1968-05-XX"),
     ("68<<15", "1968-XX-15"), ("<<<<<<", "XXXX-XX-XX"), ("<<0229", "XXXX-02-29")],
)  # fmt: skip
def test_unknown_parts(raw: str, expected: str) -> None:
    assert decode_date(raw, kind="birth", reference_date=REF) == (expected, None)


@pytest.mark.parametrize(
    "raw", ["741312", "740832", "010229", "74O812", "7408", "74<812", "740230"]
)
def test_invalid_dates_fail(raw: str) -> None:
    value, problem = decode_date(raw, kind="birth", reference_date=REF)
    assert value is None and problem


def test_invalid_date_is_a_failing_finding() -> None:
    line2 = TD3[1][:13] + "741312" + TD3[1][19:]
    mrz = parse((TD3[0], line2), reference_date=REF)
    assert mrz.finding("mrz.date_of_birth").status is Status.FAIL
    assert mrz.fields["date_of_birth"].value is None


def test_expiry_against_reference_date() -> None:
    assert parse(TD3, reference_date=datetime.date(2012, 4, 15)).finding("mrz.expired").status is (
        Status.PASS
    )
    expired = parse(TD3, reference_date=datetime.date(2012, 4, 16)).finding("mrz.expired")
    assert expired.status is Status.FAIL
    assert expired.found == "2012-04-15"


def test_name_truncation() -> None:
    field, truncated = encode_name(
        "Nilavadhanananda", "Chayapa Dejthamrong Krasuang", 30
    )
    assert truncated and len(field) == 30 and field[-1] != "<"
    assert field.startswith("NILAVADHANANANDA<<CHAYAPA<")
    long_primary, truncated = encode_name("A" * 40, "Bob", 30)
    assert truncated and long_primary == "A" * 27 + "<<B"
    only_primary, truncated = encode_name("A" * 35, "", 30)
    assert truncated and only_primary == "A" * 30
    fits, truncated = encode_name("Eriksson", "Anna Maria", 30)
    assert not truncated and fits == "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"


def test_truncated_name_is_flagged_on_parse() -> None:
    data = MRZData("I", "UTO", "D23145890", "UTO", datetime.date(1974, 8, 12), "F",
                   datetime.date(2030, 1, 1), "Nilavadhanananda",
                   "Chayapa Dejthamrong")  # fmt: skip
    mrz = parse(render(data, MRZFormat.TD1), reference_date=REF)
    assert mrz.truncated_name
    assert mrz.finding("mrz.name.truncated").status is Status.WARN
    assert mrz.valid
    assert not parse(TD1, reference_date=REF).truncated_name


@pytest.mark.parametrize(
    "name",
    ["<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<", "ERIKSSON<<<ANNA<<<<<<<<<<<<<<<",
     "ERIKSS0N<<ANNA<<<<<<<<<<<<<<<", "ERIKSSON<<ANNA<<MARIA<<<<<<<<<"],
)  # fmt: skip
def test_bad_name_structure_fails(name: str) -> None:
    mrz = parse((TD1[0], TD1[1], name), reference_date=REF)
    assert mrz.finding("mrz.name.format").status is Status.FAIL


@pytest.mark.parametrize(("sex", "status"), [("M", Status.PASS), ("F", Status.PASS),
                                             ("<", Status.PASS), ("X", Status.WARN),
                                             ("Q", Status.FAIL)])  # fmt: skip
def test_sex(sex: str, status: Status) -> None:
    line2 = TD3[1][:20] + sex + TD3[1][21:]
    assert parse((TD3[0], line2), reference_date=REF).finding("mrz.sex").status is status


def test_render_x_sex_as_filler_unless_allowed() -> None:
    data = MRZData("P", "UTO", "L898902C3", "UTO", datetime.date(1974, 8, 12), "X",
                   datetime.date(2030, 1, 1), "ERIKSSON", "ANNA")  # fmt: skip
    assert render(data, MRZFormat.TD3)[1][20] == "<"
    assert render(data, MRZFormat.TD3, allow_sex_x=True)[1][20] == "X"


@pytest.mark.parametrize(
    ("code", "status"),
    [("UTO", Status.PASS), ("ZZA", Status.PASS), ("ZZB", Status.PASS), ("D<<", Status.PASS),
     ("GBD", Status.PASS), ("UNO", Status.PASS), ("XXA", Status.PASS), ("EUE", Status.PASS),
     ("RKS", Status.WARN), ("WSA", Status.FAIL), ("QQQ", Status.FAIL), ("<D<", Status.FAIL),
     ("GB<", Status.FAIL)],
)  # fmt: skip
def test_issuing_state_and_nationality(code: str, status: Status) -> None:
    line1 = TD3[0][:2] + code + TD3[0][5:]
    line2 = TD3[1][:10] + code + TD3[1][13:]
    mrz = parse((line1, line2), reference_date=datetime.date(2010, 1, 1))
    assert mrz.finding("mrz.issuing_state").status is status
    assert mrz.finding("mrz.nationality").status is status


def test_training_issuers_pass_with_a_note() -> None:
    line1 = TD3[0][:2] + "ZZA" + TD3[0][5:]
    finding = parse((line1, TD3[1]), reference_date=REF).finding("mrz.issuing_state")
    assert finding.status is Status.PASS and "training" in finding.message
    assert category("WSA") == "fantasy" and category("RKS") == "non_icao"
    assert {"UTO", "ZZA", "ZZB"} == set(codes("training"))
    specials = {"D", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "XXA", "XXB", "XXC",
                "XXX", "EUE", "XBA", "XEC", "XOM", "XPO", "XCC", "XCO", "XIM"}  # fmt: skip
    assert specials <= set(codes("icao"))
    assert "DEU" not in codes("icao") and "GBR" in codes("icao")


@pytest.mark.parametrize(
    ("code", "fmt_lines", "status"),
    [("P<", "td3", Status.PASS), ("PD", "td3", Status.PASS), ("X<", "td3", Status.FAIL),
     ("I<", "td1", Status.PASS), ("AC", "td1", Status.PASS), ("ID", "td1", Status.PASS),
     ("IV", "td1", Status.FAIL), ("P<", "td1", Status.FAIL), ("ME", "td1", Status.WARN)],
)  # fmt: skip
def test_document_code(code: str, fmt_lines: str, status: Status) -> None:
    lines = TD3 if fmt_lines == "td3" else TD1
    changed = (code + lines[0][2:], *lines[1:])
    assert parse(changed, reference_date=REF).finding("mrz.document_code").status is status


def test_structure_findings() -> None:
    short = (TD3[0][:-2], TD3[1])
    mrz = parse(short, reference_date=datetime.date(2010, 1, 1))
    assert mrz.finding("mrz.line_length").status is Status.FAIL
    assert mrz.finding("mrz.line_length").found == "42"
    lower = (TD3[0].replace("ERIKSSON", "Eriksson"), TD3[1])
    charset = parse(lower, reference_date=REF).finding("mrz.charset")
    assert charset.status is Status.FAIL and charset.found == "riksson"
    assert charset.positions[0] == (1, 7)
    gap = (TD3[0], "L89<902C3" + TD3[1][9:])
    assert parse(gap, reference_date=REF).finding("mrz.filler").status is Status.FAIL


def test_single_string_input() -> None:
    assert parse("\n".join(TD3), reference_date=REF).format is MRZFormat.TD3
    assert parse("".join(TD1), reference_date=REF).format is MRZFormat.TD1
    assert parse(f"  {TD3[0]}  \r\n\n{TD3[1]}\n", reference_date=REF).lines == TD3


def test_render_rejects_what_cannot_be_printed() -> None:
    base = MRZData("P", "UTO", "L898902C3", "UTO", datetime.date(1974, 8, 12), "F",
                   datetime.date(2030, 1, 1), "ERIKSSON", "ANNA")  # fmt: skip
    bad = [
        (replace(base, document_code="V"), MRZFormat.TD3),
        (replace(base, sex="Z"), MRZFormat.TD3),
        (replace(base, issuing_state="U2O"), MRZFormat.TD3),
        (replace(base, date_of_birth="74-08-"), MRZFormat.TD3),
        (replace(base, optional_data="ÄÖ"), MRZFormat.TD3),
        (replace(base, optional_data_2="X"), MRZFormat.TD3),
        (replace(base, primary_identifier=""), MRZFormat.TD3),
        (replace(base, document_code="V", document_number="AB1234567890"), MRZFormat.MRVA),
    ]
    for data, fmt in bad:
        with pytest.raises(InvalidFormat):
            render(data, fmt)


def test_primary_identifier_alone_with_one_filler_left() -> None:
    data = MRZData("I", "UTO", "D23145890", "UTO", datetime.date(1974, 8, 12), "F",
                   datetime.date(2030, 1, 1), "AAAAAAAAA AAAAAAAAA AAAAAAAAA", "")  # fmt: skip
    lines = render(data, MRZFormat.TD1)
    assert lines[2] == "AAAAAAAAA<AAAAAAAAA<AAAAAAAAA<"
    mrz = parse(lines, reference_date=REF)
    assert mrz.fields["primary_identifier"].value == "AAAAAAAAA AAAAAAAAA AAAAAAAAA"
    assert mrz.to_data() == data
