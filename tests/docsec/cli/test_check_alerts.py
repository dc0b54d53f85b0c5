"""``docsec check --alerts FILE`` and the exercise folder's ``document_alerts.csv``, end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from docsec.cli import app
from docsec.generate import SyntheticDocument, make_document

runner = CliRunner()
REF = dt.date(2026, 1, 15)
HEADER = "document_number,issuing_state,document_type,status,date_reported,case_ref\n"
OTHER = "ZB7654321,ZZB,id_card_td1,lost,2024-11-20,ZZB-2024-0000002\n"


@pytest.fixture(scope="module")
def listed() -> SyntheticDocument:
    return make_document("uto_passport_td3", rng=11, defects=("document.stolen_blank",),
                         reference_date=REF, dpi=200, views=("white", "uv365"))


def _write(doc: SyntheticDocument, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, img in doc.views.items():
        Image.fromarray(img).save(folder / f"{name}.png")
    (folder.parent / "manifest.json").write_text(json.dumps({"reference_date": REF.isoformat()}))
    return folder


def _row(doc: SyntheticDocument) -> str:
    a = doc.alert
    assert a is not None
    return (f"{a['document_number']},{a['issuing_state']},{a['document_type']},{a['status']},"
            f"{a['date_reported']},UTO-2024-0000001\n")


def _alert(data: dict[str, object]) -> dict[str, object]:
    findings = data["findings"]
    assert isinstance(findings, list)
    return next(f for f in findings if f["id"] == "document.alert")


def test_exercise_folder_picks_up_the_alert_list(listed: SyntheticDocument,
                                                 tmp_path: Path) -> None:
    folder = _write(listed, tmp_path / "item-001")
    (tmp_path / "document_alerts.csv").write_text(HEADER + OTHER + _row(listed))
    res = runner.invoke(app, ["check", str(folder), "--level", "1", "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    finding = _alert(data)
    assert finding["status"] == "fail"
    assert "stolen blank" in finding["message"]["en"]
    assert "UTO-2024-0000001" in finding["message"]["en"]
    assert data["verdict"] == "refer"
    assert "document.alert" in {r["id"] for r in data["reasons"]}


def test_alerts_option_and_no_list(listed: SyntheticDocument, tmp_path: Path) -> None:
    folder = _write(listed, tmp_path / "item")
    base = ["check", "--white", str(folder / "white.png"), "--uv365", str(folder / "uv365.png"),
            "--reference-date", REF.isoformat(), "--json"]
    none = json.loads(runner.invoke(app, base).output)
    assert _alert(none)["status"] == "not_applicable"
    assert "no list" in _alert(none)["message"]["en"]
    clean = tmp_path / "clean.csv"
    clean.write_text(HEADER + OTHER)
    data = json.loads(runner.invoke(app, [*base, "--alerts", str(clean)]).output)
    assert _alert(data)["status"] == "pass"
    hit = tmp_path / "hit.csv"
    hit.write_text(HEADER + _row(listed))
    res = runner.invoke(app, [*base, "--alerts", str(hit)])
    assert _alert(json.loads(res.output))["status"] == "fail"
    human = runner.invoke(app, base[:-1] + ["--alerts", str(hit)])
    assert human.exit_code == 1
    assert "document.alert" in human.output


def test_bad_alert_list_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "PA1234567,UTO,passport,confiscated,2025-01-01,\n")
    res = runner.invoke(app, ["check", "--white", str(tmp_path / "w.png"), "--alerts", str(bad),
                              "--json"])
    assert res.exit_code == 2
    err = json.loads(res.output)["error"]
    assert err["code"] == "AlertListError"
    assert "line 2" in err["message"]
