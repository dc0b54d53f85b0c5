"""``docsec check`` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from docsec.cli import app
from docsec.generate import SyntheticDocument

runner = CliRunner()
MakeDoc = Callable[..., SyntheticDocument]


def _write(doc: SyntheticDocument, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, img in doc.views.items():
        Image.fromarray(img).save(folder / f"{name}.png")
    (folder.parent / "manifest.json").write_text(json.dumps({"reference_date": "2026-01-15"}))
    return folder


def test_check_an_item_folder_json(make_doc: MakeDoc, tmp_path: Path) -> None:
    folder = _write(make_doc("uto_passport_td3", "uv.bright_substrate"), tmp_path / "item-001")
    res = runner.invoke(app, ["check", str(folder), "--json"])
    assert res.exit_code == 1, res.output
    data = json.loads(res.output)
    assert data["model"] == "uto_passport_td3"
    assert data["verdict"] in ("refer", "reject")
    failed = {f["id"] for f in data["findings"] if f["status"] == "fail"}
    assert "feature.uv_substrate.dull" in failed


def test_check_views_by_option_and_html(make_doc: MakeDoc, tmp_path: Path) -> None:
    folder = _write(make_doc("uto_passport_td3"), tmp_path / "item")
    out = tmp_path / "report.html"
    res = runner.invoke(app, ["check", "--white", str(folder / "white.png"), "--uv365",
                              str(folder / "uv365.png"), "--level", "1", "--reference-date",
                              "2026-01-15", "--html", str(out)])
    assert res.exit_code in (0, 1), res.output
    assert "uto_passport_td3" in res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_check_bad_input_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["check", "--uv365", str(tmp_path / "x.png")])
    assert res.exit_code == 2
    assert "white-light view is needed" in res.output
    missing = runner.invoke(app, ["check", "--white", str(tmp_path / "none.png"), "--json"])
    assert missing.exit_code == 2
    assert json.loads(missing.output)["error"]["code"] == "ImageLoadError"
    bad = runner.invoke(app, ["check", "--white", "x.png", "--level", "5"])
    assert bad.exit_code == 2
