"""``docsec registry seed|import|search``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docsec.cli import app
from docsec.registry.load import write_records
from docsec.registry.mock import make_records

runner = CliRunner()


@pytest.fixture
def reg_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DOCSEC_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "var" / "registry.sqlite"


def test_seed_search_default_path(reg_path: Path) -> None:
    result = runner.invoke(app, ["registry", "seed", "--records", "500", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert reg_path.exists() and "500" in result.output
    rec = list(make_records(500, seed=5))[10]
    out = runner.invoke(app, ["registry", "search", "--vin", rec.vin, "--json"])
    assert out.exit_code == 3
    data = json.loads(out.output)
    assert data["hits"][0]["record"]["vin"] == rec.vin and "confirm" in data["advice"]
    out = runner.invoke(app, ["registry", "search", "--last", "8", rec.vin])
    assert out.exit_code == 3 and rec.vin in out.output and "confirm" in out.output
    out = runner.invoke(app, ["registry", "search", "--plate", rec.plate, "--json"])
    assert any(h["record"]["vin"] == rec.vin for h in json.loads(out.output)["hits"])
    out = runner.invoke(app, ["registry", "search", "--engine", rec.engine_number, "--json"])
    assert any(h["record"]["vin"] == rec.vin for h in json.loads(out.output)["hits"])
    out = runner.invoke(app, ["registry", "search", "--vin", "1M8GDM9AXKP042788"])
    assert out.exit_code == 0 and "0 hit(s)" in out.output


@pytest.mark.parametrize(
    "args",
    [["--vin", "🚗"], ["--last", "4", "ABCD1234"], ["--last", "8", "123"], ["--vin", ""],
     ["--vin", "1M8GDM9AXKP042788", "--plate", "X"], []],
)
def test_search_bad_input_exit_2(reg_path: Path, args: list[str]) -> None:
    runner.invoke(app, ["registry", "seed", "--records", "10"])
    out = runner.invoke(app, ["registry", "search", *args])
    assert out.exit_code == 2, out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)


def test_search_without_registry_exit_2(reg_path: Path) -> None:
    out = runner.invoke(app, ["registry", "search", "--vin", "1M8GDM9AXKP042788"])
    assert out.exit_code == 2 and "seed" in out.output


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_import_csv_and_jsonl(tmp_path: Path, reg_path: Path, fmt: str) -> None:
    records = list(make_records(40, seed=8))
    path = tmp_path / f"list.{fmt}"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_records(records, fh, format="csv" if fmt == "csv" else "jsonl")
    out = runner.invoke(app, ["registry", "import", str(path)])
    assert out.exit_code == 0, out.output
    assert "40 inserted, 0 updated, 0 unchanged" in out.output
    hit = runner.invoke(app, ["registry", "search", "--vin", records[3].vin, "--json"])
    assert json.loads(hit.output)["hits"][0]["record"] == records[3].to_dict()


def test_import_bad_file_names_the_line(tmp_path: Path, reg_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "vin,reporting_country,date_reported\n1M8GDM9AXKP042788,UTO,2024-01-01\nNOPE,UTO,2024-01-01\n"
    )
    out = runner.invoke(app, ["registry", "import", str(bad)])
    assert out.exit_code == 2 and "line 3" in out.output
    jl = tmp_path / "bad.jsonl"
    jl.write_text('{"vin": "1M8GDM9AXKP042788", "reporting_country": "UTO"}\n')
    out = runner.invoke(app, ["registry", "import", str(jl)])
    assert out.exit_code == 2 and "date_reported" in out.output
    out = runner.invoke(app, ["registry", "import", str(tmp_path / "missing.csv")])
    assert out.exit_code == 2


def test_last_n_normalises_before_cutting(reg_path: Path) -> None:
    runner.invoke(app, ["registry", "seed", "--records", "200", "--seed", "6"])
    rec = next(r for r in make_records(200, seed=6) if r.kind == "vin")
    spaced = rec.vin[:9].lower() + " - " + rec.vin[9:13] + "-" + rec.vin[13:]
    out = runner.invoke(app, ["registry", "search", "--last", "8", spaced, "--json"])
    assert out.exit_code == 3
    assert json.loads(out.output)["query"]["value"] == rec.vin[-8:]


def test_import_rejects_a_csv_without_the_record_header(tmp_path: Path, reg_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("hostname\nexample\n")
    out = runner.invoke(app, ["registry", "import", str(other)])
    assert out.exit_code == 2 and "header" in out.output
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert runner.invoke(app, ["registry", "import", str(empty)]).exit_code == 2
