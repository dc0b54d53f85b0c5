"""Printed fibres and re-typed fields on held-out captures: a few fibres meeting by chance at
one shift are no repeat, printed strokes whose colour a JPEG photo kept at only some pixels
still repeat, a field re-typed in a Courier clone fails, and a genuine Cyrillic field that
Tesseract read as Latin look-alikes is no evidence of re-typing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from docsec.generate import SyntheticDocument
from docsec.inspect.fonts import OTHER_FACES, viz_font_consistent
from docsec.inspect.uvir import FIBRES_REPEAT_MAX, _repeat_share
from docsec.report import Status
from tests.docsec.inspect.test_fonts import _context, _inspect, _retyped
from tests.docsec.inspect.test_uvir import _status, _strokes_tiled

MakeDoc = Callable[..., SyntheticDocument]
Views = dict[str, NDArray[np.uint8]]
MONO = OTHER_FACES["Liberation Mono"]


def _strokes(mask: NDArray[np.uint8], rng: np.random.Generator, n: int,
             ys: tuple[int, int], xs: tuple[int, int],
             length: tuple[float, float] = (8, 16)) -> list[tuple[int, int, int, int]]:
    out = []
    for _ in range(n):
        x, y = int(rng.uniform(*xs)), int(rng.uniform(*ys))
        a, ln = rng.uniform(0, np.pi), rng.uniform(*length)
        x1, y1 = int(x + ln * np.cos(a)), int(y + ln * np.sin(a))
        cv2.line(mask, (x, y), (x1, y1), 1)
        out.append((x, y, x1, y1))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_three_fibres_meeting_at_one_shift_are_no_repeat(seed: int) -> None:
    # a card at 100 dpi: fibres over the page, three of them (and only those) left room
    # at a shift of 37 mm, where they meet fibres by chance; a scanned card's fibres scored
    # 0.70 so, past the level for a printed tile
    rng = np.random.default_rng(seed)
    shape = (213, 337)
    mask = np.zeros(shape, np.uint8)
    blank = np.ones(shape, bool)
    top = _strokes(mask, rng, 3, (8, 40), (20, 310), (22, 27))
    for x0, y0, x1, y1 in top:  # their twins 145 px lower, where the page ends
        cv2.line(mask, (x0, y0 + 145), (x1, y1 + 145), 1)
    _strokes(mask, rng, 25, (45, 140), (10, 320))  # the rest, out of the shift's room
    assert _repeat_share(mask > 0, blank, 100) < FIBRES_REPEAT_MAX - 0.1


def _jpeg_colour(views: Views) -> Views:
    """The UV view with its colour kept at half resolution (a JPEG photo's 4:2:0), its
    luminance untouched."""
    out = dict(views)
    ycc = cv2.cvtColor(views["uv365"], cv2.COLOR_RGB2YCrCb)
    h, w = ycc.shape[:2]
    for c in (1, 2):
        half = cv2.resize(ycc[..., c], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        ycc[..., c] = cv2.resize(cv2.GaussianBlur(half, (0, 0), 1.0), (w, h),
                                 interpolation=cv2.INTER_LINEAR)  # fmt: skip
    out["uv365"] = cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)
    return out


@pytest.mark.slow
def test_printed_strokes_whose_colour_is_smeared_still_repeat(make_doc: MakeDoc) -> None:
    fails = 0
    for seed in (2, 3, 4):
        forged = _strokes_tiled(dict(make_doc("uto_passport_td3", "uv.fibres_missing",
                                              seed=seed).views), seed)  # fmt: skip
        fails += _status(_jpeg_colour(forged), "feature.uv_fibres.random") == Status.FAIL
    assert fails >= 2
    genuine = dict(make_doc("uto_passport_td3").views)
    assert _status(_jpeg_colour(genuine), "feature.uv_fibres.random") == Status.PASS


@pytest.mark.skipif(not MONO.exists(), reason="fonts-liberation2 is not installed")
def test_a_surname_typed_again_in_a_courier_clone_fails(make_doc: MakeDoc) -> None:
    caught = 0
    for seed in (11, 12, 13):
        f = _inspect(_retyped(make_doc("uto_passport_td3", seed=seed), "surname", str(MONO)))
        found = f.finding("feature.viz_font.consistent")
        assert found is not None
        caught += found.status == Status.FAIL and found.field == "surname"
    assert caught >= 2


#: Latin letters Tesseract reads for Cyrillic capitals (N for those without a look-alike).
_LOOK = {ord(c): "ABEKMHOPCTXYA"["АВЕКМНОРСТХУЯ".index(c)] if c in "АВЕКМНОРСТХУЯ" else "N"
         for c in "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"}  # fmt: skip


def test_a_cyrillic_field_read_as_latin_look_alikes_is_no_evidence(make_doc: MakeDoc) -> None:
    for seed in (7, 8):
        rep = _inspect(dict(make_doc("zza_passport_td3", seed=seed).views))
        readings = {s: replace(r, viz={n: (replace(v, value=v.value.translate(_LOOK).upper(),
                                                   confidence=0.95)
                                           if n == "surname" else v)
                                       for n, v in (r.viz or {}).items()})
                    for s, r in rep.readings.items()}  # fmt: skip
        f = viz_font_consistent(_context(rep, readings=readings))
        assert f.status in (Status.PASS, Status.WARN, Status.NOT_APPLICABLE), f.message
        assert f.status != Status.FAIL
