from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docsec.checkdigit.icao9303 import calc_check_digit
from docsec.mrz.formats import MRZFormat
from docsec.ocr.ocrb import CLASSES
from docsec.read import read_document, read_mrz
from docsec.read.mrz import UNSURE, decode_cells

from .conftest import TD1, TD3, render_mrz_page


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_reads_td3_at_every_quarter_turn(turn: int) -> None:
    r = read_mrz(render_mrz_page(TD3, turn=turn))
    assert r is not None
    assert r.lines == TD3
    assert r.format is MRZFormat.TD3
    assert r.trusted and not r.corrections
    assert round(r.direction_deg / 90) % 4 * 90 == turn


def test_reads_td1() -> None:
    r = read_mrz(render_mrz_page(TD1))
    assert r is not None and r.lines == TD1 and r.format is MRZFormat.TD1


def test_forged_check_digit_stays_visible() -> None:
    forged = (TD3[0], TD3[1][:19] + "5" + TD3[1][20:])  # date-of-birth check digit 2 -> 5
    r = read_mrz(render_mrz_page(forged))
    assert r is not None
    assert r.lines == forged  # read as printed, never "corrected"
    assert not r.trusted
    assert all(c.column != 20 for c in r.corrections)


def test_blank_page_has_no_mrz() -> None:
    assert read_mrz(np.full((400, 600, 3), 230, np.uint8)) is None


def _one_hot(text: str, conf: float = 0.9999) -> np.ndarray:
    p = np.full((len(text), len(CLASSES)), (1 - conf) / (len(CLASSES) - 1))
    for i, c in enumerate(text):
        p[i, CLASSES.index(c)] = conf
    return p


def test_unsure_character_chosen_by_check_digit_and_reported() -> None:
    lines = [_one_hot(TD3[0]), _one_hot(TD3[1])]
    # position 17 of line 2 (a date of birth digit, "8") read as "3" with low confidence,
    # '8' as the runner-up
    row = lines[1][16]
    row[:] = 0.001
    row[CLASSES.index("3")] = 0.55
    row[CLASSES.index("8")] = 0.40
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert d.checks_passed == d.checks_total == 5
    assert [(c.line, c.column, c.found, c.chosen) for c in d.corrections] == [(2, 17, "3", "8")]
    assert d.corrections[0].reason == "check_digit:mrz.check_digit.date_of_birth"


def test_confident_check_digit_never_corrected() -> None:
    forged = TD3[1][:19] + "5" + TD3[1][20:]
    lines = [_one_hot(TD3[0]), _one_hot(forged, conf=UNSURE + 0.02)]
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines[1] == forged
    assert d.checks_passed == d.checks_total - 2  # date of birth and composite fail
    assert d.corrections == ()


def test_unsure_state_code_becomes_a_known_code() -> None:
    misread = TD3[1][:12] + "D" + TD3[1][13:]  # nationality UTO read as UTD, unsure
    lines = [_one_hot(TD3[0]), _one_hot(misread)]
    row = lines[1][12]
    row[:] = 0.001
    row[CLASSES.index("D")] = 0.6
    row[CLASSES.index("O")] = 0.3
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.lines == TD3
    assert [c.reason for c in d.corrections] == ["code:nationality"]


def test_malformed_name_is_not_trusted() -> None:
    bad = TD3[0][:-1] + "H"  # a letter after the fillers: no check digit covers it
    d = decode_cells([_one_hot(bad), _one_hot(TD3[1])], MRZFormat.TD3)
    assert d.checks_passed == d.checks_total and not d.syntax_ok


def test_read_document_json_shape() -> None:
    out = read_document(render_mrz_page(TD3, turn=90), name="x.png", viz=False).to_dict()
    assert set(out) == {"image", "document", "mrz", "viz", "timings_ms", "warnings"}
    assert out["warnings"] == []
    assert out["document"]["orientation"] == 90
    mrz = out["mrz"]
    assert mrz["lines"] == list(TD3) and mrz["format"] == "TD3"
    assert len(mrz["char_confidence"]) == 2 and len(mrz["char_confidence"][0]) == 44
    assert {"corrections", "fields", "findings"} <= set(mrz)
    assert out["viz"] is None and out["timings_ms"]["mrz"] > 0


def test_check_digit_does_not_verify_filler_against_a() -> None:
    # Doc 9303-3 §4.9 values "<" as 0 and "A" as 10: the 7-3-1 sum cannot tell them
    # apart, so an unsure "<" whose runner-up is "A" stays unverified though every
    # check digit passes (the reading must not be trusted)
    number = "ZA5272520"
    line2 = number + calc_check_digit(number) + TD3[1][10:43]
    line2 += calc_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    lines = [_one_hot(TD3[0]), _one_hot(line2)]
    row = lines[1][1]
    row[:] = 0.001
    row[CLASSES.index("<")] = 0.50
    row[CLASSES.index("A")] = 0.45
    d = decode_cells(lines, MRZFormat.TD3)
    assert d.checks_passed == d.checks_total
    assert d.lines[1][1] == "<"
    assert d.unverified_low == 1
    row[:] = 0.001
    row[CLASSES.index("<")] = 0.50
    row[CLASSES.index("4")] = 0.45  # a runner-up that fails the check: verified
    assert decode_cells(lines, MRZFormat.TD3).unverified_low == 0


@pytest.mark.parametrize("angle", [30.0, 45.0, 137.0])
def test_finds_mrz_at_any_angle(angle: float) -> None:
    import cv2

    page = render_mrz_page(TD3)
    h, w = page.shape[:2]
    side = int(np.hypot(h, w)) + 20
    canvas = np.full((side, side, 3), 236, np.uint8)
    canvas[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = page
    rot = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    turned = cv2.warpAffine(canvas, rot, (side, side), borderValue=(236, 236, 236))
    r = read_mrz(turned)
    assert r is not None and r.lines == TD3


def test_finds_small_mrz_of_nine_pixel_pitch() -> None:
    r = read_mrz(render_mrz_page(TD3, dpi=90))  # pitch 2.54 mm at 90 dpi = 9 px
    assert r is not None and r.lines == TD3


def test_debug_pictures_of_bands_and_grid(tmp_path: Path) -> None:
    from docsec.read.debug import write_debug

    image = render_mrz_page(TD3)
    written = write_debug(tmp_path, "td3", image, read_mrz(image))
    assert [p.name for p in written] == ["td3.bands.png", "td3.crops.png", "td3.grid.png"]
    assert all(p.stat().st_size > 1000 for p in written)
    assert [p.name for p in write_debug(tmp_path, "blank", np.full((300, 400), 230, np.uint8),
                                        None)] == ["blank.bands.png"]  # fmt: skip


def test_decoy_text_with_fillers_is_not_an_mrz() -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 26)
    page = Image.new("RGB", (1300, 420), (240, 240, 232))
    draw = ImageDraw.Draw(page)
    lines = ("TICKET<<NORTH<GATE<<<<4471023<<<<<<<<<<<<<<",
             "REF<<<<KESTREL<<ZONE<<28<<<<99<<<OFFICE<<<<",
             "P<UTOPERMIT<<HARBOUR<STONE<<<<<<<<<<<<<<<<<")  # fmt: skip
    for k, text in enumerate(lines):
        draw.text((40, 80 + 60 * k), text, font=font, fill=(20, 20, 20))
    assert read_mrz(np.asarray(page)) is None
