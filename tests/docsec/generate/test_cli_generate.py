"""docsec generate and docsec exercise generate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from docsec.cli import app

runner = CliRunner()


def test_generate_list() -> None:
    result = runner.invoke(app, ["generate", "--list"])
    assert result.exit_code == 0
    assert "uto_vehicle_registration" in result.output
    assert "uv.bright_substrate" in result.output


def test_generate_list_json() -> None:
    result = runner.invoke(app, ["generate", "--list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"models", "defects", "scenarios", "bundles", "bundle_scenarios"}
    for group in data.values():
        assert all(entry["id"] for entry in group)
    assert len(data["scenarios"]) >= 8
    sc = next(s for s in data["scenarios"] if s["id"] == "falsified.photo_substitution")
    assert "photo.cut_edge" in sc["defects"] and "uto_passport_td3" in sc["models"]


def test_generate_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "uto_passport_td3", "--seed", "2", "--scenario",
                                 "stolen_blank", "--dpi", "50", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "document.json").read_text())
    assert data["scenario"] == "stolen_blank"
    assert [d["id"] for d in data["defects"]] == ["personalisation.inkjet",
                                                  "document.stolen_blank"]
    assert data["alert"]["status"] == "stolen_blank"
    bad = runner.invoke(app, ["generate", "uto_vehicle_registration", "--scenario",
                              "stolen_blank", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "does not apply" in bad.output


def test_exercise_drills(tmp_path: Path) -> None:
    result = runner.invoke(app, ["exercise", "generate", "--count", "2", "--forgery-rate", "1",
                                 "--drill", "falsified.photo_substitution", "--level", "2",
                                 "--dpi", "50", "--seed", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    key = json.loads((tmp_path / "instructor" / "answer_key.json").read_text())
    assert {it["scenario"] for it in key["items"]} == {"falsified.photo_substitution"}
    bad = runner.invoke(app, ["exercise", "generate", "--drill", "ovd.hologram_static",
                              "--level", "1", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "level 1" in bad.output


def test_generate_one_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "uto_id_td1", "--seed", "3", "--defect",
                                 "uv.emblem_missing", "--dpi", "60", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "document.json").read_text())
    assert data["defects"][0]["id"] == "uv.emblem_missing"
    assert (tmp_path / "uv365_back.png").is_file()


def test_generate_errors() -> None:
    assert runner.invoke(app, ["generate"]).exit_code == 2
    result = runner.invoke(app, ["generate", "uto_id_td1", "--defect", "nope"])
    assert result.exit_code == 2
    assert "unknown defect" in result.output


def test_exercise_generate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["exercise", "generate", "--topic", "document", "--level", "1",
                                 "--count", "2", "--forgery-rate", "0.5", "--seed", "4",
                                 "--dpi", "50", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "trainee" / "manifest.json").is_file()
    assert (tmp_path / "instructor" / "answer_key.json").is_file()
    assert runner.invoke(app, ["exercise", "generate", "--topic", "x",
                               "--out", str(tmp_path)]).exit_code == 2
