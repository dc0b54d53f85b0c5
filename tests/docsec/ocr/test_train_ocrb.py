"""The training data of the OCR-B recogniser (``scripts/train_ocrb.py``): reproducible from
its seed, every class and junk present, and never drawn from the Sharp cut of OCR-B
(``OCRBS.otf``, or ``OCRBE.otf``: the Sharp cut inverted), which the independent
evaluation set of ``bench/independent`` prints with."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import ImageFont

from docsec.ocr.ocrb import CLASSES, N_FEATURES

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def train() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_ocrb", ROOT / "scripts" / "train_ocrb.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_samples_are_reproducible_and_cover_every_class(train: ModuleType) -> None:
    x, y = train.make_samples(12, 5)
    x2, y2 = train.make_samples(12, 5)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert x.shape == (len(y), N_FEATURES) and x.dtype == np.float32
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert set(np.unique(y).tolist()) == set(range(len(CLASSES) + 1))  # characters and junk
    other, _ = train.make_samples(12, 6)
    assert not np.array_equal(x[:100], other[:100])


def test_training_never_opens_the_sharp_cut(
    train: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[ImageFont.FreeTypeFont] = []
    real = ImageFont.truetype

    def spy(font: str, size: int = 10, *args: object, **kwargs: object) -> ImageFont.FreeTypeFont:
        got = real(font, size, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(got)
        return got

    monkeypatch.setattr(train.ImageFont, "truetype", spy)
    monkeypatch.setattr(train, "_FONTS", {})
    train.make_samples(20, 11)
    styles = {f.getname() for f in opened}
    assert ("OCR B", "Regular") in styles
    assert not any("Sharp" in style for _, style in styles), styles


def test_the_sharp_files_are_named_by_their_style() -> None:
    """The style names the test above relies on: ``OCRBE.otf`` is the Sharp cut too."""
    for name, style in (("OCRBS", "Sharp"), ("OCRBE", "Inverted Sharp"), ("OCRB", "Regular")):
        font = ImageFont.truetype(f"/usr/share/fonts/opentype/ocr-b/{name}.otf", 20)
        assert font.getname() == ("OCR B", style)
