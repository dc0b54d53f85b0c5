"""Cross-check against the PyPI ``mrz`` package (a test-only reference, never imported by docsec):
its checkers must accept every check digit docsec renders, and reject the ones docsec rejects."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from mrz.checker.mrva import MRVACodeChecker
from mrz.checker.mrvb import MRVBCodeChecker
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from docsec.mrz import MRZData, MRZFormat, parse, render

from .test_roundtrip import mrz_data

CHECKERS = {MRZFormat.TD1: TD1CodeChecker, MRZFormat.TD2: TD2CodeChecker,
            MRZFormat.TD3: TD3CodeChecker, MRZFormat.MRVA: MRVACodeChecker,
            MRZFormat.MRVB: MRVBCodeChecker}  # fmt: skip
REF = datetime.date(2026, 6, 1)
any_data = st.sampled_from(list(MRZFormat)).flatmap(lambda f: st.tuples(st.just(f), mrz_data(f)))


def _hash_errors(fmt: MRZFormat, lines: tuple[str, ...]) -> list[str]:
    report = CHECKERS[fmt]("\n".join(lines)).report
    return [str(e) for e in report.errors if "hash" in str(e)]


@settings(max_examples=150, deadline=None)
@given(any_data)
def test_reference_checker_accepts_rendered_check_digits(case: tuple[MRZFormat, MRZData]) -> None:
    fmt, data = case
    assert _hash_errors(fmt, render(data, fmt)) == []


@settings(max_examples=150, deadline=None)
@given(any_data, st.integers(0, 200), st.sampled_from("0123456789"))
def test_both_reject_the_same_altered_digits(
    case: tuple[MRZFormat, MRZData], where: int, new: str
) -> None:
    fmt, data = case
    lines = list(render(data, fmt))
    line = 1 if fmt is not MRZFormat.TD1 else where % 2
    col = where % fmt.length
    if not lines[line][col].isdigit():
        return
    lines[line] = lines[line][:col] + new + lines[line][col + 1 :]
    mrz = parse(lines, reference_date=REF)
    ours = any(f.status.value == "fail" for f in mrz.findings if "check_digit" in f.id)
    assert ours == bool(_hash_errors(fmt, tuple(lines)))
