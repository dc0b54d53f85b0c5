"""Arbitrary input never raises anything but NotAnMRZ, and every answer is JSON-ready."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec.errors import NotAnMRZ
from docsec.mrz import CHECK_IDS, parse

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
