from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docsec.ocr.ocrb import (
    CLASSES,
    MARGIN,
    N_OUTPUTS,
    PITCH,
    STRIP_H,
    cell_features,
    load_classifier,
    normalise_strip,
    strip_width,
)

OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"


def _strip(text: str) -> np.ndarray:
    """A canonical strip drawn directly in OCR-B at the canonical pitch."""
    im = Image.new("L", (strip_width(len(text)), STRIP_H), 235)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(OCRB, round(PITCH / 0.72297))
    for k, ch in enumerate(text):
        draw.text((MARGIN + PITCH * (k + 0.5), STRIP_H / 2), ch, font=font, fill=30, anchor="mm")
    return np.asarray(im)


def test_weights_load_and_are_small() -> None:
    clf = load_classifier()
    assert clf.w2.shape[1] == N_OUTPUTS == len(CLASSES) + 1
    assert clf.version.startswith("ocrb-mlp")


def test_every_character_read_with_confidence() -> None:
    clf = load_classifier()
    text = CLASSES + "<<<<P<UTO"
    cells = clf.read_cells(cell_features(normalise_strip(_strip(text)), len(text)))
    assert "".join(c.char for c in cells) == text
    assert min(c.confidence for c in cells) > 0.9
    assert all(len(c.candidates) == 3 and c.candidates[0][0] == c.char for c in cells)


def test_upside_down_cells_are_unsure() -> None:
    clf = load_classifier()
    text = "PKGLJ47"
    norm = normalise_strip(_strip(text))[::-1, ::-1]
    proba = clf.predict_proba(cell_features(np.ascontiguousarray(norm), len(text)))
    assert proba.shape == (len(text), N_OUTPUTS)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert float(proba[:, : len(CLASSES)].max(axis=1).mean()) < 0.7
