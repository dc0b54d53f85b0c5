"""Reference sheets: every feature numbered in the light that shows it, EN and RU terms."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from docsec.cli import app
from docsec.errors import InvalidComponent
from docsec.generate import reference_views
from docsec.generate.reference import glossary, reference_sheet
from docsec.models import MODEL_IDS, get_model

runner = CliRunner()


def test_glossary_covers_every_feature_kind() -> None:
    kinds = {f.kind for m in MODEL_IDS for f in get_model(m).features}
    terms = glossary()["features"]
    assert kinds <= set(terms)
    for t in terms.values():
        assert t["en"] and t["ru"] and t["en_note"].endswith(".") and t["ru_note"]
        assert t["light"] in glossary()["lights"]
    assert "без оптического отбеливателя" in terms["uv_dull_substrate"]["ru"]
    assert "металлографская печать" in terms["latent_image"]["ru"]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_sheet_numbers_every_feature_on_its_panel(model_id: str) -> None:
    sheet = reference_sheet(model_id, dpi=50)
    model = get_model(model_id)
    assert [e.number for e in sheet.entries] == list(range(1, len(model.features) + 1))
    assert {e.feature_id for e in sheet.entries} == {f.id for f in model.features}
    plain = reference_views(model_id, dpi=50)
    for e in sheet.entries:
        panel = sheet.panels[e.panel]
        light = e.panel.partition("_")[2]
        view = light if e.side == "front" else f"{light}_{e.side}"
        base = plain[view] if plain[view].ndim == 3 else np.stack([plain[view]] * 3, -1)
        x, y, w, h = e.box_px
        # the callout is drawn on the box's corner, in the callout colour
        assert not np.array_equal(panel[y : y + h, x : x + w], base[y : y + h, x : x + w])
    uv = [e.kind for e in sheet.entries if e.light == "uv365"]
    assert "uv_fibres" in uv or "uv_fibres" not in {f.kind for f in model.features}


def test_cli_reference_writes_png_and_html(tmp_path: Path) -> None:
    out = tmp_path / "ref"
    result = runner.invoke(app, ["reference", "zzb_id_td1", "--out", str(out), "--dpi", "60",
                                 "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"sheet.png", "index.html", "sheet.json", "front_white.png",
            "back_white.png"} <= set(data["files"])
    html = (out / "index.html").read_text()
    assert "guilloche" in html and "гильоширная сетка" in html
    assert runner.invoke(app, ["reference", "zzb_id_td1", "--out", str(out)]).exit_code == 2
    assert runner.invoke(app, ["reference", "nope", "--out", str(tmp_path / "x")]).exit_code == 2


def test_bad_dpi() -> None:
    with pytest.raises(InvalidComponent):
        reference_sheet("uto_id_td1", dpi=10)
