from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from docsec.cli import app
from docsec.ocr.tesseract import ocr_words
from docsec.read import read_document

from .conftest import TD1, TD3, render_mrz_page

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract")


def test_cli_json_lines_for_several_images(tmp_path) -> None:
    paths = []
    for i, (lines, turn) in enumerate([(TD3, 180), (TD1, 90)]):
        p = tmp_path / f"c{i}.png"
        Image.fromarray(render_mrz_page(lines, turn=turn)).save(p)
        paths.append(str(p))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    result = CliRunner().invoke(app, ["read", "--json", "--no-viz", *paths, str(bad)])
    rows = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [r["image"] for r in rows] == [*paths, str(bad)]
    assert rows[0]["mrz"]["lines"] == list(TD3) and rows[0]["document"]["orientation"] == 180
    assert rows[1]["mrz"]["lines"] == list(TD1) and rows[1]["document"]["orientation"] == 90
    assert rows[2]["error"]["code"] == "ImageLoadError"
    assert result.exit_code == 1


@pytest.mark.tesseract
@needs_tesseract
def test_tesseract_words_with_confidence() -> None:
    page = render_mrz_page(TD3)
    words = ocr_words(page[: page.shape[0] // 3, :, 0], psm=6, timeout=10)
    assert any("SPECIMEN" in w.text for w in words)
    assert all(0.0 <= w.confidence <= 1.0 for w in words)


@pytest.mark.slow
@pytest.mark.tesseract
@needs_tesseract
def test_visual_zone_of_a_generated_passport() -> None:
    from docsec.generate import make_document
    from docsec.generate.capture import capture

    ref = dt.date(2026, 11, 26)
    doc = make_document("uto_passport_td3", rng=3, reference_date=ref, views=["white"])
    cap = capture(doc.views["white"], kind="scan", level=1, rng=4)
    out = read_document(cap.image, reference_date=ref).to_dict()
    assert out["mrz"]["lines"] == list(doc.mrz_lines)
    assert out["document"]["model"] == "uto_passport_td3"
    truth = doc.fields
    viz = out["viz"]
    for name in ("date_of_expiry", "place_of_birth", "authority"):
        assert viz[name]["value"] == truth[name], name
    quad = out["document"]["quad"]
    assert max(abs(a - b) for p, q in zip(quad, cap.page_quad_xy, strict=True)
               for a, b in zip(p, q, strict=True)) < 40  # fmt: skip


def test_read_debug_writes_band_and_grid_pictures(tmp_path: Path) -> None:
    image = tmp_path / "td3.png"
    Image.fromarray(render_mrz_page(TD3)).save(image)
    out = tmp_path / "dbg"
    args = ["read", str(image), "--json", "--no-viz", "--reference-date", "2010-01-01",
            "--debug", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip().splitlines()[-1])
    assert sorted(Path(p).name for p in line["debug"]) == [
        "td3.bands.png", "td3.crops.png", "td3.grid.png"]
    assert all(Path(p).stat().st_size > 1000 for p in line["debug"])
