"""The visual zone's print match: candidates set in the model's typeface against the ink."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docsec.models import get_model
from docsec.read.viz import mrz_values
from docsec.read.vizmatch import FONT_FILES, choose, digit_variants, letter_variants, match_score

DPI = 300
SIZE_MM = 2.4


def _crop(text: str, sigma: float = 2.0, seed: int = 0) -> np.ndarray:
    """``text`` printed in DejaVu Sans at 2.4 mm, 300 dpi, blurred and noisy (0 ink)."""
    size = round(SIZE_MM * DPI / 25.4)
    face = ImageFont.truetype(str(FONT_FILES["sans"]), size)
    im = Image.new("L", (int(face.getlength(text)) + 30, size + 16), 255)
    ImageDraw.Draw(im).text((12, 2), text, fill=20, font=face)
    a = cv2.GaussianBlur(np.asarray(im, np.float32), (0, 0), sigma)
    a += np.random.default_rng(seed).normal(0, 6, a.shape)
    return np.asarray(np.clip(a, 0, 255), np.uint8)


def test_the_printed_value_scores_best() -> None:
    crop = _crop("29 OCT 2025")
    right = match_score(crop, "29 OCT 2025", "sans", SIZE_MM, 40.0, DPI)
    for wrong in ("79 OCT 2075", "29 OCT 2026", "29 DCT 2025", "29 OCT", ""):
        assert match_score(crop, wrong, "sans", SIZE_MM, 40.0, DPI) < right


def test_look_alike_digits_are_corrected_by_the_print() -> None:
    crop = _crop("29 OCT 2025", sigma=2.5)
    places = [i for i, ch in enumerate("79 OCT 2075") if ch.isdigit()]
    value, score, own = choose(crop, "79 OCT 2075", [], "sans", SIZE_MM, 40.0, DPI,
                               digit_places=places)  # fmt: skip
    assert value == "29 OCT 2025"
    assert score > own


def test_a_candidate_the_print_does_not_show_is_not_taken() -> None:
    crop = _crop("HOLMGREN")
    value, _, _ = choose(crop, "HOLMGREN", ["DUBOIS", "HOLMGREM", "HOLM"], "sans", SIZE_MM,
                         50.0, DPI, letters=True)  # fmt: skip
    assert value == "HOLMGREN"


def test_a_dropped_letter_is_restored_from_a_candidate() -> None:
    crop = _crop("ZZB")
    value, _, _ = choose(crop, "B", ["ZZB", "ZZA", "UTO"], "sans", SIZE_MM, 30.0, DPI)
    assert value == "ZZB"


def test_look_alike_tables() -> None:
    assert "29 OCT 2025" in digit_variants("79 OCT 2025", [0, 1])
    assert "NORDHAVN" in letter_variants("NOROHAVN")
    assert "SKARBY" in letter_variants("SKARSY")


@pytest.mark.parametrize(
    ("model_id", "dob"), [("uto_passport_td3", "03 MAY 1976"), ("zza_passport_td3", "03.05.1976")]
)
def test_mrz_values_in_the_models_date_style(model_id: str, dob: str) -> None:
    parsed = {
        "fields": {
            "date_of_birth": {"raw": "760503", "value": "1976-05-03"},
            "secondary_identifier": {"raw": "ANNA<MARIA", "value": "ANNA MARIA"},
            "optional_data": {"raw": "<<<", "value": ""},
        }
    }
    values = mrz_values(parsed, get_model(model_id))
    assert values == {"date_of_birth": dob, "given_names": "ANNA MARIA"}
    assert mrz_values(None, get_model(model_id)) == {}


def _direct_place(crop: np.ndarray, text: str, size_px: int, sigma: float) -> float:
    """The placement score computed over the whole canvas (setting drawn on a full-size
    plane, union of inks found by scanning both), as the print match defines it."""
    from docsec.read import vizmatch as vm

    p = vm.MATCH
    ink = 1.0 - crop.astype(np.float32) / 255.0
    ink /= float(ink.max())
    anchor = vm._anchor(ink, p)
    setting = vm._setting(text, "sans", size_px)
    assert anchor is not None and setting is not None
    pad = p.pad_px + int(3 * sigma)
    t = cv2.GaussianBlur(cv2.copyMakeBorder(setting, pad, pad, pad, pad, cv2.BORDER_CONSTANT,
                                            value=0.0), (0, 0), sigma)  # fmt: skip
    th, tw = t.shape
    h, w = ink.shape
    r = p.reach_px
    x0 = anchor[0] - pad
    y0 = round(anchor[1] - setting.shape[0] / 2) - pad
    left, top = max(0, r - x0), max(0, r - y0)
    right, bottom = max(0, x0 + tw + r - w), max(0, y0 + th + r - h)
    big = cv2.copyMakeBorder(ink, top, bottom, left, right, cv2.BORDER_CONSTANT, value=0.0)
    x0, y0 = x0 + left, y0 + top
    res = cv2.matchTemplate(big[y0 - r : y0 + th + r, x0 - r : x0 + tw + r], t,
                            cv2.TM_CCORR_NORMED)  # fmt: skip
    _, _, _, (dx, dy) = cv2.minMaxLoc(res)
    placed = np.zeros_like(big)
    placed[y0 - r + dy : y0 - r + dy + th, x0 - r + dx : x0 - r + dx + tw] = t
    ys, xs = np.nonzero((big > p.ink) | (placed > p.ink))
    q = p.pad_px
    box = (slice(max(ys.min() - q, 0), ys.max() + q + 1),
           slice(max(xs.min() - q, 0), xs.max() + q + 1))  # fmt: skip
    a, b = big[box].ravel(), placed[box].ravel()
    a, b = a - a.mean(), b - b.mean()
    return float(a @ b) / float(np.sqrt((a @ a) * (b @ b)))


@pytest.mark.parametrize(("printed", "text", "size_px"),
                         [("29 OCT 2025", "29 OCT 2025", 28), ("29 OCT 2025", "79 OCT 2075", 30),
                          ("ZZB", "B", 26), ("HOLMGREN", "HOLMGREN ANDERSSON", 28)])  # fmt: skip
def test_the_prepared_crop_scores_as_the_whole_canvas(printed: str, text: str,
                                                      size_px: int) -> None:
    """The match compares only the union of both inks' boxes and keeps each setting's
    score per crop: the same scores as the computation over the whole canvas."""
    from docsec.read import vizmatch as vm

    crop = _crop(printed, sigma=2.0, seed=3)
    prep = vm._Crop.of(crop, vm.MATCH)
    assert prep is not None and prep.anchor is not None
    for sigma in vm.MATCH.blur_sigmas:
        got = vm._place(prep, prep.anchor, text, "sans", size_px, sigma, vm.MATCH)
        assert got == pytest.approx(_direct_place(crop, text, size_px, sigma), abs=1e-6)
    # a score asked for again is the one kept, not a new computation
    first = vm._fit(prep, text, "sans", SIZE_MM, 60.0, DPI, vm.MATCH)
    kept = dict(prep.scores)
    assert 0 < len(kept) <= 6 and all(k[0] == text for k in kept)
    assert vm._fit(prep, text, "sans", SIZE_MM, 60.0, DPI, vm.MATCH) == first
    assert prep.scores == kept


def test_every_digit_is_tried_when_asked() -> None:
    """A blurred ``1`` read ``2`` is no look-alike pair: only the search over every digit
    reaches the printed number, and the print decides it."""
    assert "B11595507" not in digit_variants("B12595507", range(1, 9))
    assert "B11595507" in digit_variants("B12595507", range(1, 9), every=True)
    crop = _crop("B11595507", sigma=2.5)
    places = list(range(1, 9))
    value, score, own = choose(crop, "B12595507", [], "sans", SIZE_MM, 30.0, DPI,
                               digit_places=places, every_digit=True)  # fmt: skip
    assert value == "B11595507"
    assert score > own


def test_the_incumbent_is_replaced_only_by_a_clear_lead() -> None:
    """The MRZ's value (the incumbent) is replaced by another candidate only when that
    one leads it by the margin; the print still overrules it when it clearly shows more."""
    from dataclasses import replace

    from docsec.read.vizmatch import MATCH

    crop = _crop("26 AUG 1972", sigma=3.0)
    cands = ["26 FEB 1972", "26 AUG 1972"]
    assert choose(crop, "", cands, "sans", SIZE_MM, 40.0, DPI)[0] == "26 AUG 1972"
    got = choose(crop, "", cands, "sans", SIZE_MM, 40.0, DPI, incumbent="26 FEB 1972")
    assert got[0] == "26 AUG 1972"  # the print shows AUG: the MRZ's FEB does not hold
    feb = match_score(crop, "26 FEB 1972", "sans", SIZE_MM, 40.0, DPI)
    aug = match_score(crop, "26 AUG 1972", "sans", SIZE_MM, 40.0, DPI)
    assert MATCH.min_score < feb < aug - MATCH.margin  # the margin the rule works with
    # a margin wider than AUG's lead: FEB, the incumbent, holds
    wide = replace(MATCH, margin=aug - feb + 0.05)
    got = choose(crop, "", cands, "sans", SIZE_MM, 40.0, DPI, incumbent="26 FEB 1972",
                 params=wide)  # fmt: skip
    assert got[0] == "26 FEB 1972"
    assert choose(crop, "", cands, "sans", SIZE_MM, 40.0, DPI, params=wide)[0] == "26 AUG 1972"


def test_a_number_is_read_glyph_by_glyph_from_its_print() -> None:
    """Tesseract returned fragments only: the digits of the number's fixed places are read
    from the print one glyph at a time, from a template of zeros."""
    from docsec.read.vizmatch import read_digits

    crop = _crop("D62374842", sigma=2.5)
    value, score = read_digits(crop, "D00000000", range(1, 9), "sans", SIZE_MM, 30.0, DPI)
    assert value == "D62374842"
    assert score > 0.9
    dots = _crop("23.04.2023", sigma=2.5, seed=1)
    slots = [i for i, ch in enumerate("00.00.0000") if ch == "0"]
    assert read_digits(dots, "00.00.0000", slots, "sans", SIZE_MM, 40.0, DPI)[0] == "23.04.2023"
