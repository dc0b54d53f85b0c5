"""The stored references are what scripts/make_references.py builds from today's design."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from docsec.inspect.reference import REF_DPI, glyphs, reference
from docsec.models import MODEL_IDS, get_model

ROOT = Path(__file__).resolve().parents[3]


def test_every_model_side_and_light_has_a_reference() -> None:
    for model_id in MODEL_IDS:
        model = get_model(model_id)
        w, h = model.canonical_px(REF_DPI)
        for side in model.sides:
            for light in ("white", "uv365", "ir", "transmitted", "tilt_1", "tilt_2", "tilt_3"):
                img = reference(model_id, side, light)
                assert img.shape[:2] == (h, w)
    assert set("0123456789") <= set(glyphs())


def test_references_are_unpersonalised() -> None:
    # no MRZ print in the MRZ box of the reference: the box is as light as the paper around
    model = get_model("uto_passport_td3")
    assert model.mrz is not None
    x, y, w, h = (round(v * REF_DPI / 25.4) for v in model.mrz.box_mm)
    white = reference(model.id, "front", "white").mean(axis=2)
    assert white[y : y + h, x : x + w].min() > 150


@pytest.mark.slow
def test_stored_references_match_the_script() -> None:
    spec = importlib.util.spec_from_file_location("make_references",
                                                  ROOT / "scripts" / "make_references.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fresh = mod.build()
    with np.load(mod.OUT) as stored:
        assert set(stored.files) == set(fresh)
        changed = [k for k in fresh if not np.array_equal(stored[k], fresh[k])]
    assert changed == [], "the design changed: run scripts/make_references.py"
