"""The committed samples (samples/manifest.json) read through the real loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docsec.imaging.io import load_image
from docsec.read import read_mrz

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
_MANIFEST = json.loads((SAMPLES / "manifest.json").read_text())["samples"]
_WITH_MRZ = [s for s in _MANIFEST if s.get("mrz")]
_WITHOUT_MRZ = [s for s in _MANIFEST if not s.get("mrz")]


def _mrz_capture(sample: dict[str, object], kind: str) -> str:
    files = sample["files"]
    assert isinstance(files, dict)
    return str(files.get(f"{kind}_back", files[kind]))  # TD1: the MRZ is on the back


@pytest.mark.slow
def test_phone_photos_read_and_never_wrong_but_trusted() -> None:
    exact = 0
    for sample in _WITH_MRZ:
        r = read_mrz(load_image(SAMPLES / _mrz_capture(sample, "capture_photo")))
        assert r is not None, sample["id"]
        if list(r.lines) == sample["mrz"]:
            exact += 1
        else:
            assert not r.trusted, (sample["id"], r.lines)  # a misread is never valid
    assert exact >= len(_WITH_MRZ) - 1


@pytest.mark.parametrize("sample", _WITHOUT_MRZ, ids=lambda s: str(s["id"]))
@pytest.mark.parametrize("kind", ["capture_scan", "capture_photo"])
def test_vehicle_registration_has_no_mrz(sample: dict[str, object], kind: str) -> None:
    # a registration certificate's printed blocks once gave a 32-character "MRZ"
    files = sample["files"]
    assert isinstance(files, dict)
    assert read_mrz(load_image(SAMPLES / str(files[kind]))) is None
