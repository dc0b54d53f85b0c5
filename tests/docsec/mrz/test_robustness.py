"""Arbitrary input never raises anything but NotAnMRZ, and every answer is JSON-ready."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec.errors import NotAnMRZ
from docsec.mrz import CHECK_IDS, parse

from .test_specimens import GERMAN_ID, GERMAN_PASSPORT, LONG_NUMBER, MRVA, MRVB, TD1, TD2, TD3

REF = datetime.date(2026, 6, 1)
MRZISH = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<<<<"


def _exercise(lines: object) -> None:
    try:
        mrz = parse(lines, reference_date=REF)  # type: ignore[arg-type]
    except NotAnMRZ:
        return
    assert [f.id for f in mrz.findings] == list(CHECK_IDS)
    json.dumps(mrz.to_dict())
    assert mrz.valid == all(f.status.value != "fail" for f in mrz.findings)
    assert set(mrz.fields) >= {"document_number", "date_of_birth", "primary_identifier"}
    mrz.to_data()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(text: str) -> None:
    _exercise(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=4))
def test_any_lines(lines: list[str]) -> None:
    _exercise(lines)


mrz_like_line = st.one_of(
    st.text(MRZISH, min_size=22, max_size=56),
    st.text(MRZISH + "abc €é \t-", min_size=25, max_size=48),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(mrz_like_line, min_size=1, max_size=3))
def test_mrz_like_junk(lines: list[str]) -> None:
    _exercise(lines)


@pytest.mark.parametrize(
    "value", [None, 42, 3.5, b"P<UTO", object(), {"a": 1}, [None, None], ["", ""], [], ""]
)
def test_non_text_is_not_an_mrz(value: object) -> None:
    with pytest.raises(NotAnMRZ):
        parse(value, reference_date=REF)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "lines",
    [
        ("I<UTOD2314589a<<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
        ("I<UTOD2314589a<7é49<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
        ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
         "L898902c3<UTO7408122F1204159<<<<<<<<<<<<<<<0"),
    ],
)  # fmt: skip
def test_long_number_marker_with_bad_characters(lines: tuple[str, ...]) -> None:
    mrz = parse(lines, reference_date=REF)
    assert mrz.finding("mrz.check_digit.document_number").status.value == "fail"
    assert mrz.finding("mrz.charset").status.value == "fail"


SPECIMENS = [TD1, TD2, TD3, MRVA, MRVB, GERMAN_ID, GERMAN_PASSPORT, LONG_NUMBER]
NOISE = MRZISH + "abcxyz0O1lI€é \t-."


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SPECIMENS),
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 45), st.sampled_from(NOISE)),
             max_size=8),
    st.integers(-3, 3),
)  # fmt: skip
def test_mutated_specimens(
    lines: tuple[str, ...], edits: list[tuple[int, int, str]], stretch: int
) -> None:
    rows = list(lines)
    for line, col, char in edits:
        line %= len(rows)
        col %= len(rows[line])
        rows[line] = rows[line][:col] + char + rows[line][col + 1 :]
    if stretch > 0:
        rows[-1] += "<" * stretch
    elif stretch < 0:
        rows[0] = rows[0][:stretch]
    _exercise(rows)
