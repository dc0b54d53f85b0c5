from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docsec.ocr.ocrb import (
    CLASSES,
    CROP_H,
    CROP_W,
    MARGIN,
    N_OUTPUTS,
    PITCH,
    STRIP_H,
    cell_features,
    load_classifier,
    normalise_strip,
    strip_width,
)
from docsec.read.params import TRUST

FONTS = "/usr/share/fonts/opentype/ocr-b/"
OCRB = FONTS + "OCRB.otf"
TEXT = CLASSES + "<<<<P<UTO"


def _strip(text: str) -> np.ndarray:
    """A canonical strip drawn directly in OCR-B at the canonical pitch."""
    im = Image.new("L", (strip_width(len(text)), STRIP_H), 235)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(OCRB, round(PITCH / 0.72297))
    for k, ch in enumerate(text):
        draw.text((MARGIN + PITCH * (k + 0.5), STRIP_H / 2), ch, font=font, fill=30, anchor="mm")
    return np.asarray(im)


def _ink(text: str, pitch: int, *, font_file: str = OCRB, aliased: bool = False) -> np.ndarray:
    """Ink (0-1) of ``text`` printed at ``pitch`` pixels a character, laid out like a
    canonical strip at that pitch: capitals centred on the middle row, character ``k``
    centred at ``(MARGIN + pitch * (k + 0.5)) * pitch / PITCH``."""
    size = round(pitch / 0.723)
    font = ImageFont.truetype(font_file, size)
    k = pitch / PITCH
    probe = Image.new("L", (4 * size, 4 * size), 0)
    ImageDraw.Draw(probe).text((size, size), "H", font=font, fill=255)
    ys, xs = np.nonzero(np.asarray(probe) > 127)
    ox, oy = (xs.min() + xs.max()) / 2 - size, (ys.min() + ys.max()) / 2 - size
    im = Image.new("L", (round(strip_width(len(text)) * k), round(STRIP_H * k)), 0)
    draw = ImageDraw.Draw(im)
    if aliased:
        draw.fontmode = "1"
    for i, ch in enumerate(text):
        cx = (MARGIN + PITCH * (i + 0.5)) * k
        draw.text((cx - ox, STRIP_H * k / 2 - oy), ch, font=font, fill=255)
    return np.asarray(im, dtype=np.float32) / 255.0


def _capture(ink: np.ndarray, paper: float = 225.0, ink_level: float = 40.0) -> np.ndarray:
    return np.asarray(np.clip(paper - (paper - ink_level) * ink, 0, 255), np.float32)


def _to_strip(gray: np.ndarray) -> np.ndarray:
    """A low-resolution capture of a strip resampled to the canonical strip."""
    out = cv2.resize(gray.astype(np.float32), (strip_width(len(TEXT)), STRIP_H),
                     interpolation=cv2.INTER_LINEAR)  # fmt: skip
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def _jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(np.clip(gray, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(buf).convert("L"), np.float32)


def _dot_matrix(ink: np.ndarray, step: int) -> np.ndarray:
    """Ink printed as round dots on a grid ``step`` pixels apart (drawn at 4x, averaged)."""
    big = cv2.resize(ink, None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR)
    dots = np.zeros_like(big)
    for y in range(step * 2, big.shape[0], step * 4):
        for x in range(step * 2, big.shape[1], step * 4):
            if big[y, x] > 0.4:
                cv2.circle(dots, (x, y), int(step * 2.4), 1.0, -1)
    return np.asarray(cv2.resize(dots, ink.shape[::-1], interpolation=cv2.INTER_AREA))


def _motion(gray: np.ndarray, length: int) -> np.ndarray:
    kernel = np.zeros((length, length), np.float32)
    cv2.line(kernel, (0, length - 1), (length - 1, 0), 1.0, 1)
    return np.asarray(cv2.filter2D(gray, -1, kernel / kernel.sum()))


def _glare(gray: np.ndarray) -> np.ndarray:
    rows, cols = gray.shape
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    blob = np.exp(-(((xx - cols * 0.4) / (cols * 0.12)) ** 2 + ((yy - rows / 2) / rows) ** 2))
    return gray + 0.75 * blob * (255 - gray)


def _read(strip: np.ndarray) -> tuple[str, list[float]]:
    cells = load_classifier().read_cells(cell_features(normalise_strip(strip), len(TEXT)))
    return "".join(c.char for c in cells), [c.confidence for c in cells]


def test_weights_load_and_are_small() -> None:
    clf = load_classifier()
    assert clf.w2.shape[1] == N_OUTPUTS == len(CLASSES) + 1
    assert clf.w1.shape[1] <= 256  # small network: a few microseconds a cell
    assert clf.version.startswith("ocrb-mlp")


def test_every_character_read_with_confidence() -> None:
    clf = load_classifier()
    cells = clf.read_cells(cell_features(normalise_strip(_strip(TEXT)), len(TEXT)))
    assert "".join(c.char for c in cells) == TEXT
    assert min(c.confidence for c in cells) > 0.9
    assert all(len(c.candidates) == 3 and c.candidates[0][0] == c.char for c in cells)


# Renderings and print processes other than the training script's own: FreeType at the
# capture's own low resolution (anti-aliased and one-bit aliased), another cut of OCR-B
# the recogniser never saw (the Sharp cut, squared terminals), motion blur with JPEG,
# glare over a third of the line, a low-contrast print, dot-matrix print.
PRINTS: dict[str, Callable[[], np.ndarray]] = {
    "freetype 12 px": lambda: _capture(_ink(TEXT, 12)),
    "aliased 14 px": lambda: _capture(_ink(TEXT, 14, aliased=True)),
    "aliased 10 px": lambda: _capture(_ink(TEXT, 10, aliased=True)),
    "sharp cut 13 px": lambda: _capture(_ink(TEXT, 13, font_file=FONTS + "OCRBS.otf")),
    "motion blur 6 px, JPEG 40": lambda: _jpeg(_motion(_capture(_ink(TEXT, 16)), 6), 40),
    "glare": lambda: _glare(_capture(_ink(TEXT, 14))),
    "low contrast": lambda: _capture(_ink(TEXT, 12), paper=200.0, ink_level=150.0),
}


#: Known weakness of the committed weights (ocrb-mlp-4, trained on FreeType renderings
#: of the regular cut only): a dot-matrix "0" is read "O", unsure (about 0.6), so never
#: trusted. Strict: the test fails once a retrained recogniser reads it.
DOT_MATRIX = "dot matrix 16 px"
PRINTS[DOT_MATRIX] = lambda: _capture(_dot_matrix(_ink(TEXT, 16), 2))


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="dot-matrix 0 read as O"))
        if n == DOT_MATRIX
        else n
        for n in PRINTS
    ],
)
def test_other_renderings_and_prints_read_exactly(name: str) -> None:
    text, conf = _read(_to_strip(PRINTS[name]()))
    assert text == TEXT, name
    assert float(np.median(conf)) > 0.99, name


def test_dot_matrix_misread_is_unsure() -> None:
    """What the dot-matrix print gets wrong is below the trust threshold of ``valid``."""
    text, conf = _read(_to_strip(PRINTS[DOT_MATRIX]()))
    for got, truth, c in zip(text, TEXT, conf, strict=True):
        assert got == truth or c < TRUST.trust_unchecked, (got, truth, c)


def test_misread_characters_are_not_trusted() -> None:
    """Hard prints (tiny pitch, heavy blur, JPEG): whatever is misread stays below the
    trust threshold of ``valid``."""
    rng = np.random.default_rng(7)
    wrong = 0
    for pitch in (8, 9, 10):
        for blur in (3, 4, 5):
            gray = _capture(_ink(TEXT, pitch, aliased=bool(pitch % 2)))
            gray = _jpeg(_motion(gray, blur) + rng.normal(0, 6, gray.shape), 35)
            text, conf = _read(_to_strip(gray))
            for got, truth, c in zip(text, TEXT, conf, strict=True):
                if got != truth:
                    wrong += 1
                    assert c < TRUST.trust_unchecked, (pitch, blur, got, truth, c)
    assert wrong > 0  # the prints are hard enough to test the claim


def test_upside_down_cells_are_unsure() -> None:
    clf = load_classifier()
    text = "PKGLJ47"
    norm = normalise_strip(_strip(text))[::-1, ::-1]
    proba = clf.predict_proba(cell_features(np.ascontiguousarray(norm), len(text)))
    assert proba.shape == (len(text), N_OUTPUTS)
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert float(proba[:, : len(CLASSES)].max(axis=1).mean()) < 0.7


@pytest.mark.parametrize("shift", [(0.0, 0), (-2.0, 0), (2.0, 0), (0.0, -2), (1.5, 9), (-30.0, -9)])
def test_cell_windows_are_the_strip_cut_at_the_pitch(shift: tuple[float, int]) -> None:
    n = 30
    rng = np.random.default_rng(3)
    norm = rng.random((STRIP_H, strip_width(n))).astype(np.float32)
    dx, dy = shift
    top = min(max((STRIP_H - CROP_H) // 2 + dy, 0), STRIP_H - CROP_H)
    for cells in (None, [29, 0, 7]):
        out = cell_features(norm, n, dx=dx, dy=dy, cells=cells)
        index = range(n) if cells is None else cells
        assert out.shape == (len(index), CROP_H * CROP_W) and out.dtype == np.float32
        for row, k in enumerate(index):
            left = min(max(round(MARGIN + PITCH * (k + 0.5) + dx - CROP_W / 2), 0),
                       norm.shape[1] - CROP_W)  # fmt: skip
            window = norm[top : top + CROP_H, left : left + CROP_W]
            assert np.array_equal(out[row].reshape(CROP_H, CROP_W), window)



@pytest.mark.parametrize("shape", [(36, 904), (36, 25), (1, 1), (3, 7)])
def test_strip_percentiles_are_numpys(shape: tuple[int, int]) -> None:
    from docsec.ocr.ocrb import _percentiles

    rng = np.random.default_rng(sum(shape))
    for strip in (
        rng.integers(0, 256, size=shape, dtype=np.uint8),
        rng.integers(100, 103, size=shape, dtype=np.uint8),
        np.full(shape, 7, np.uint8),
    ):
        want = np.percentile(strip.astype(np.float32), (85, 2)).astype(np.float32)
        assert _percentiles(strip, (85.0, 2.0)) == [float(v) for v in want]
        assert _percentiles(strip.astype(np.float64), (85.0, 2.0)) == [float(v) for v in want]
