"""Reading through glare and shade: lines split by wiped-out cells, bands found short of
their line, and strips whose contrast changes along the line."""

from __future__ import annotations

import numpy as np

from docsec.ocr.ocrb import PITCH, STRIP_H, normalise_strip, strip_width
from docsec.read import read_mrz
from docsec.read.locate import find_mrz_bands
from docsec.read.mrz import PATCH_PITCH, _Blob, _extended, _index_line

from .conftest import TD3, render_mrz_page


def _glare(page: np.ndarray, x0: float, x1: float, keep: float) -> np.ndarray:
    """Columns ``x0``-``x1`` washed towards white, keeping ``keep`` of the contrast, with
    soft edges (a specular spot across the MRZ)."""
    cols = np.arange(page.shape[1], dtype=np.float64)
    ramp = np.clip(np.minimum(cols - x0, x1 - cols) / 6.0, 0.0, 1.0)
    wash = 1.0 - (1.0 - keep) * ramp
    out = 255.0 - (255.0 - page.astype(np.float64)) * wash[None, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def test_line_split_by_glare_is_read_whole() -> None:
    dpi = 200
    pitch = 2.54 * dpi / 25.4
    page = render_mrz_page(TD3, dpi=dpi)
    # cells 12-17 of both lines keep 30 % of their contrast: the blob threshold loses
    # them, so each line falls into two pieces more than three pitches apart
    faded = _glare(page, 3 * pitch + 12 * pitch, 3 * pitch + 18 * pitch, 0.3)
    r = read_mrz(faded, tesseract=False)
    assert r is not None
    assert r.lines == TD3


def test_pieces_of_a_line_are_joined_only_when_asked() -> None:
    y = 40.0
    xs = [12.0 + PATCH_PITCH * k for k in range(44) if not 14 <= k < 20]
    line = [_Blob(x, y, 14.0, 22.0, 0.4) for x in xs]
    plain = _index_line(line)
    merged = _index_line(line, merge=True)
    assert [i for i, _, _ in plain] == list(range(24))  # the longer piece, cells 20-43
    assert [i for i, _, _ in merged] == [float(k) for k in range(44) if not 14 <= k < 20]


def test_pieces_beyond_the_longest_line_stay_apart() -> None:
    y = 40.0
    # 30 cells, a gap of 10, then 20 more: 60 cells in all, longer than any MRZ line
    xs = [12.0 + PATCH_PITCH * k for k in range(60) if not 30 <= k < 40]
    merged = _index_line([_Blob(x, y, 14.0, 22.0, 0.4) for x in xs], merge=True)
    assert len(merged) == 30


def test_band_reaching_the_patch_edge_is_lengthened() -> None:
    page = render_mrz_page(TD3)
    band = find_mrz_bands(page[:, :, 0])[0]
    blobs = [_Blob(5.0 + PATCH_PITCH * k, 40.0, 14.0, 22.0, 0.4) for k in range(30)]
    width = int(5 + PATCH_PITCH * 30)
    longer = _extended(band, width, blobs)
    assert longer is not None and longer.length > 1.5 * band.length
    inside = [_Blob(3 * PATCH_PITCH + PATCH_PITCH * k, 40.0, 14.0, 22.0, 0.4) for k in range(30)]
    assert _extended(band, int(PATCH_PITCH * 40), inside) is None


def test_strip_under_glare_keeps_its_ink_density() -> None:
    n = 20
    strip = np.full((STRIP_H, strip_width(n)), 200.0)
    centres = [12 + PITCH * (k + 0.5) for k in range(n)]
    for k, cx in enumerate(centres):
        contrast = 150.0 if k < n // 2 else 45.0  # the right half washed out by glare
        strip[STRIP_H // 2 - 9 : STRIP_H // 2 + 9, int(cx) - 2 : int(cx) + 2] -= contrast
    norm = normalise_strip(strip.astype(np.uint8))
    left = norm[STRIP_H // 2, int(centres[2])]
    right = norm[STRIP_H // 2, int(centres[n - 3])]
    assert left > 0.8 and right > 0.8
    assert norm[STRIP_H // 2, int(centres[n - 3] + PITCH / 2)] < 0.1  # paper stays paper


def test_paper_under_a_lighting_gradient_stays_paper() -> None:
    rng = np.random.default_rng(3)
    width = strip_width(10)
    light = np.linspace(140.0, 250.0, width)[None, :]  # shade on the left, glare on the right
    strip = np.clip(light + rng.normal(0, 3, (STRIP_H, width)), 0, 255).astype(np.uint8)
    norm = normalise_strip(strip)
    assert float(norm.mean()) < 0.3
    assert float(np.percentile(norm, 95)) < 0.75  # no cell of plain paper looks inked


def test_cells_off_the_grid_are_read_through_shifted_windows() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from docsec.ocr.ocrb import MARGIN, load_classifier
    from docsec.read.mrz import _cell_proba

    text = "P<UTOERIKSSON<<ANNA<MARIA<<L898902C36UTO74081"
    im = Image.new("L", (strip_width(len(text)), STRIP_H), 235)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype("/usr/share/fonts/opentype/ocr-b/OCRB.otf", round(PITCH / 0.72297))
    for k, ch in enumerate(text):
        # every glyph 3 px right of and 3 px below its cell centre: a grid slightly off
        xy = (MARGIN + PITCH * (k + 0.5) + 3, STRIP_H / 2 + 3)
        draw.text(xy, ch, font=font, fill=30, anchor="mm")
    norm = normalise_strip(np.asarray(im))
    clf = load_classifier()
    plain = clf.predict_proba(cell_features_of(norm, len(text)))
    shifted = _cell_proba(clf, norm, len(text))
    assert shifted.shape == plain.shape
    best_plain = plain.argmax(axis=1)
    best = shifted.argmax(axis=1)
    right_plain = sum(c == text[k] for k, c in enumerate(CLASSES_OF(best_plain)))
    right = sum(c == text[k] for k, c in enumerate(CLASSES_OF(best)))
    assert right >= right_plain and right == len(text)
    same = best == best_plain
    # a character the grid and the shifted windows agree on keeps the grid's confidence
    assert np.allclose(shifted[same], plain[same], rtol=1e-4, atol=1e-7)


def cell_features_of(norm: np.ndarray, n: int) -> np.ndarray:
    from docsec.ocr.ocrb import cell_features

    return cell_features(norm, n)


def CLASSES_OF(index: np.ndarray) -> str:  # noqa: N802 - reads like the constant it maps to
    from docsec.ocr.ocrb import CLASSES

    return "".join(CLASSES[int(i)] if i < len(CLASSES) else "?" for i in index)


def test_window_of_a_longer_line_is_reported_only_when_every_check_passes() -> None:
    from dataclasses import replace

    r = read_mrz(render_mrz_page(TD3), tesseract=False)
    assert r is not None and r.plausible and r.checks_passed == r.checks_total
    assert replace(r, complete=False).plausible
    assert replace(r, checks_passed=r.checks_total - 1).plausible  # a misread digit
    assert not replace(r, complete=False, checks_passed=r.checks_total - 1).plausible


def test_reading_without_a_name_is_no_mrz() -> None:
    # other print read as an MRZ: blank space reads as fillers, the name among them
    from dataclasses import replace

    r = read_mrz(render_mrz_page(TD3), tesseract=False)
    assert r is not None and r.plausible
    empty = ("P<UTO" + "<" * 39, r.lines[1])
    assert not replace(r, lines=empty).plausible
    assert replace(r, lines=("P<UTOE<<A" + "<" * 35, r.lines[1])).plausible


def test_reading_of_mostly_guesses_is_no_mrz() -> None:
    # faint print stretched to full ink reads as characters at random; a few check
    # digits then pass by chance (a page without an MRZ: 59 of 72 characters unsure)
    from dataclasses import replace

    from docsec.read.params import REPORT

    r = read_mrz(render_mrz_page(TD3), tesseract=False)
    assert r is not None and r.plausible
    n = sum(len(line) for line in r.lines)
    assert replace(r, low_count=int(0.5 * n)).plausible
    assert not replace(r, low_count=int(REPORT.max_low_share * n) + 1).plausible
