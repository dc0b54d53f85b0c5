"""``docsec vin check``: JSON Lines, exit codes, registry lookup, junk input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docsec.cli import app
from docsec.registry.mock import make_records
from docsec.registry.sql import SqlRegistry

runner = CliRunner()
KEYS = {
    "input", "vin", "kind", "valid", "errors", "warnings", "check_digit", "wmi", "region",
    "country", "manufacturer", "model_years", "plant", "serial", "registry",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _no_default_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOCSEC_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)  # ./var/registry.sqlite does not exist here


def test_json_lines_for_several_vins() -> None:
    args = ["vin", "check", "1M8GDM9AXKP042788", "WVWZZZ1KZ6W000001", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2
    for data in lines:
        assert set(data) >= KEYS
        assert data["registry"] is None  # no registry here
    assert lines[0]["check_digit"] == {"status": "pass", "expected": "X", "found": "X"}
    assert lines[1]["check_digit"]["status"] == "not_applicable"


@pytest.mark.parametrize(
    "junk", ["", "🚗🚗🚗", "x" * 10_000, "ХТА21901ОВУ123456", "1M8GDM9AXKPO42788", "\x00"]
)
def test_junk_gives_findings_and_exit_1(junk: str) -> None:
    result = runner.invoke(app, ["vin", "check", junk, "--json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    data = json.loads(result.output)
    assert data["valid"] is False and data["errors"]


def test_human_output_and_corrupted_vin() -> None:
    result = runner.invoke(app, ["vin", "check", "1M8GDM9A1KP042788"])
    assert result.exit_code == 1
    assert "vin.check_digit" in result.output and "INVALID" in result.output


def test_registry_hit_exit_3_and_advice(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    reg = SqlRegistry(path, create=True)
    reg.add(make_records(300, seed=2))
    reg.close()
    rec = next(r for r in make_records(300, seed=2) if r.kind == "vin")
    result = runner.invoke(app, ["vin", "check", rec.vin, "--json", "--registry", str(path)])
    assert result.exit_code == 3, result.output
    data = json.loads(result.output)
    assert data["registry"]["hits"][0]["match"] == "exact"
    assert "confirm" in data["registry"]["advice"]
    assert "vehicle.stolen" in data["warnings"]
    human = runner.invoke(app, ["vin", "check", rec.vin, "--registry", f"sqlite:///{path}"])
    assert human.exit_code == 3 and "confirm" in human.output


def test_env_registry_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.sqlite"
    SqlRegistry(path, create=True).add(make_records(50, seed=3))
    monkeypatch.setenv("DOCSEC_REGISTRY", str(path))
    rec = next(iter(make_records(1, seed=3)))
    result = runner.invoke(app, ["vin", "check", rec.vin, "--json"])
    assert json.loads(result.output)["registry"]["hits"]


def test_unopenable_registry_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["vin", "check", "1M8GDM9AXKP042788", "--registry", "nosuch://x"])
    assert result.exit_code == 2
