"""Document alert lists: reading, typed errors for bad files, lookups with look-alike folding."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from docsec.alerts import (
    AlertListError,
    DocumentAlerts,
    fold_number,
    normalize_number,
    read_alerts,
    read_alerts_file,
)

HEADER = "document_number,issuing_state,document_type,status,date_reported,case_ref\n"
ROWS = ("PA1234567,UTO,passport_td3,stolen_blank,2025-03-01,UTO-2025-0000001\n"
        "ZB7654321,ZZB,id_card_td1,revoked_fraud,2024-11-20,ZZB-2024-0000002\n"
        "PA1234567,ZZA,passport_td3,lost,2023-01-05,ZZA-2023-0000003\n")


def _alerts(text: str = HEADER + ROWS) -> DocumentAlerts:
    return read_alerts(io.StringIO(text))


def test_exact_hit_by_state_and_number() -> None:
    alerts = _alerts()
    assert len(alerts) == 3
    hits = alerts.lookup("UTO", "PA1234567")
    assert [(h.match, h.record.status, h.record.case_ref) for h in hits] == [
        ("exact", "stolen_blank", "UTO-2025-0000001")]
    # the same number of another issuer is another document
    assert [h.record.status for h in alerts.lookup("ZZA", "PA1234567")] == ["lost"]
    assert alerts.lookup("ZZB", "PA1234567") == []


def test_numbers_are_normalised_before_comparison() -> None:
    alerts = _alerts()
    # lower case, spaces, dashes, fillers, Cyrillic capitals that print like Latin ones
    for typed in ("pa1234567", "PA 123 4567", "PA-1234567<<", "РА1234567"):
        assert [h.match for h in alerts.lookup("uto", typed)] == ["exact"], typed
    assert normalize_number(" zb-765 4321<") == "ZB7654321"


def test_lookalike_hits_and_near_misses() -> None:
    alerts = _alerts()
    assert [h.match for h in alerts.lookup("UTO", "PA1Z34S67")] == ["lookalike"]
    assert [h.match for h in alerts.lookup("ZZB", "Z87654321")] == ["lookalike"]
    # a difference outside the look-alike classes is no hit
    assert alerts.lookup("UTO", "PA1234568") == []
    assert alerts.lookup("UTO", "PA123456") == []
    assert fold_number("O0QD") == "0000"


def test_exact_hits_come_first_and_later_reports_are_not_yet_listed() -> None:
    text = HEADER + ("PA1234567,UTO,,stolen,2025-06-01,\n"
                     "PAI234567,UTO,,lost,2020-06-01,\n")
    alerts = _alerts(text)
    assert [h.match for h in alerts.lookup("UTO", "PA1234567")] == ["exact", "lookalike"]
    early = alerts.lookup("UTO", "PA1234567", reference_date=dt.date(2024, 1, 1))
    assert [h.record.status for h in early] == ["lost"]


def test_semicolons_bom_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "alerts.csv"
    p.write_text("\ufeff" + (HEADER + "\n" + ROWS).replace(",", ";"), encoding="utf-8")
    assert len(read_alerts_file(p)) == 3


@pytest.mark.parametrize(("text", "says"), [
    ("number,state\nA,B\n", "line 1: the header"),
    (HEADER + "PA1234567,UTO,passport,stolen,2025-13-01,\n", "line 2: date_reported"),
    (HEADER + "PA1234567,UTO,passport,confiscated,2025-01-01,\n", "line 2: status"),
    (HEADER + ROWS + "PA!234567,UTO,passport,lost,2025-01-01,\n", "line 5: document_number"),
    (HEADER + "PA1234567,U7O,passport,lost,2025-01-01,\n", "line 2: issuing_state"),
    (HEADER + ",UTO,passport,lost,2025-01-01,\n", "line 2: missing value.*document_number"),
    (HEADER + "PA1234567,UTO,passport,lost,2025-01-01,x,extra\n", "line 2: 7 values"),
    (HEADER + "PA1234567,UTO," + "x" * 300 + ",lost,2025-01-01,\n", "longer than"),
])
def test_bad_lists_raise_a_typed_error_naming_the_line(text: str, says: str) -> None:
    with pytest.raises(AlertListError, match=says):
        _alerts(text)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(AlertListError, match="cannot read"):
        read_alerts_file(tmp_path / "missing.csv")
    p = tmp_path / "latin1.csv"
    p.write_bytes(HEADER.encode() + "PA1234567,UTO,pass\xe9port,lost,2025-01-01,\n".encode(
        "latin-1"))
    with pytest.raises(AlertListError, match="not UTF-8"):
        read_alerts_file(p)


def test_lookup_needs_a_number() -> None:
    with pytest.raises(AlertListError):
        _alerts().lookup("UTO", "  ")
