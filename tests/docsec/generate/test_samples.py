"""The committed samples are what ``scripts/make_samples.py`` makes with today's code."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from docsec.generate import make_document
from docsec.generate.exercise import save_jpeg
from docsec.imaging import load_image
from docsec.read import read_document

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def _manifest() -> dict[str, object]:
    data: dict[str, object] = json.loads((SAMPLES / "manifest.json").read_text("utf-8"))
    return data


def test_every_model_genuine_and_defective() -> None:
    entries = _manifest()["samples"]
    assert isinstance(entries, list)
    by_model: dict[str, set[bool]] = {}
    for e in entries:
        by_model.setdefault(e["model"], set()).add(e["genuine"])
        for rel in e["files"].values():
            assert (SAMPLES / rel).is_file(), rel
            assert not any(d["id"] in rel for d in e["defects"])  # opaque names
    assert len(by_model) == 7 and all(v == {True, False} for v in by_model.values())
    assert (SAMPLES / "registry_extract.csv").read_text().startswith("vin,")


@pytest.mark.parametrize("index", [0, 5, 13])
def test_samples_regenerate_byte_identical(index: int, tmp_path: Path) -> None:
    manifest = _manifest()
    entry = manifest["samples"][index]  # type: ignore[index]
    doc = make_document(entry["model"], rng=entry["seed"],
                        defects=[d["id"] for d in entry["defects"]],
                        reference_date=datetime.date.fromisoformat(str(manifest["reference_date"])),
                        dpi=int(manifest["dpi"]))  # type: ignore[call-overload]
    for name in ("white", "uv365", "transmitted"):
        save_jpeg(doc.views[name], tmp_path / "x.jpg", quality=85)
        assert (tmp_path / "x.jpg").read_bytes() == (SAMPLES / entry["files"][name]).read_bytes()


def test_reader_reads_the_sample_scans() -> None:
    """Generator, capture and reader agree: every clean sample scan of an MRZ side reads exactly."""
    read = 0
    for e in _manifest()["samples"]:  # type: ignore[attr-defined]
        if not e["mrz"]:
            continue
        name = "capture_scan_back" if "capture_scan_back" in e["files"] else "capture_scan"
        reading = read_document(load_image(SAMPLES / e["files"][name]), viz=False)
        assert reading.mrz_lines == tuple(e["mrz"]), e["id"]
        assert reading.page is not None and reading.page.model is not None
        assert reading.page.model.id == e["model"]
        read += 1
    assert read == 12
