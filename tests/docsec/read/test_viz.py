"""Visual zone: colour-aware ink separation, value-line cut-out, fields of pages without MRZ."""

from __future__ import annotations

import datetime as dt
import shutil

import cv2
import numpy as np
import pytest

from docsec.imaging.geometry import to_gray
from docsec.read import read_document
from docsec.read.viz import (
    VIZ,
    VIZ_DPI,
    _clean,
    _spacing_variants,
    _value_line,
    _value_rows,
    ink_image,
)

REF = dt.date(2026, 11, 26)
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract")

PAPER = (246, 243, 232)
GUILLOCHE = (189, 200, 218)  # light blue line work printed at 45 % over the paper
SPECIMEN = (225, 95, 110)  # the red SPECIMEN overprint
CARBON = (22, 22, 30)
DYE = (28, 34, 88)


def _patch() -> np.ndarray:
    img = np.zeros((40, 80, 3), np.uint8)
    img[:] = PAPER
    img[:, 0:20] = GUILLOCHE
    img[:, 20:40] = SPECIMEN
    img[:, 40:60] = CARBON
    img[:, 60:80] = DYE
    return img


def test_ink_image_keeps_dark_neutral_ink_and_lifts_coloured_print() -> None:
    img = _patch()
    ink = ink_image(img)
    luma = to_gray(img)
    assert ink[0, 50] < 40 and ink[0, 70] < 100  # carbon and dye stay dark
    assert ink[0, 10] > 200 and ink[0, 30] > 200  # guilloche and SPECIMEN go light
    assert luma[0, 30] < 150  # ... which plain luma would keep dark
    cleaned = _clean(ink)
    assert cleaned[0, 10] == 255 and cleaned[0, 30] == 255
    assert cleaned[0, 50] == 0


def test_clean_of_an_empty_field_is_white() -> None:
    flat = np.full((30, 60), 230, np.uint8)
    assert (_clean(flat) == 255).all()


def test_value_line_is_the_tallest_inked_run() -> None:
    px_mm = VIZ_DPI / 25.4
    window = np.full((round(7 * px_mm), 200), 255, np.uint8)
    label = (round(0.3 * px_mm), round(1.4 * px_mm))  # small label print
    value = (round(3.0 * px_mm), round(5.2 * px_mm))  # the value, taller
    window[label[0] : label[1], 10:120:3] = 1  # ink of the label (marked 1)
    window[value[0] : value[1], 10:180:4] = 0  # ink of the value (marked 0)
    line = _value_line(window)
    assert value[1] - value[0] <= line.shape[0] <= value[1] - value[0] + round(0.9 * px_mm)
    assert (line == 1).sum() == 0  # no label
    assert (line == 0).sum() == (window == 0).sum()  # the whole value


def test_a_value_run_joined_to_the_label_under_it_is_cut_off_it() -> None:
    # blur closed the gap between a value and the next field's label: one run of inked
    # rows; with the capital height known it is cut at its least inked row
    px_mm = VIZ_DPI / 25.4
    cap = 0.73 * 2.4 * px_mm
    window = np.full((round(9 * px_mm), 200), 255, np.uint8)
    value = (round(2.0 * px_mm), round(2.0 * px_mm + cap) + 6)  # blur: 3 px a side
    label = (value[1] + 1, value[1] + 1 + round(1.2 * px_mm))
    window[value[0] : value[1], 10:180:4] = 0
    window[value[1], 10:180:40] = 0  # a few inked pixels in the blurred gap
    window[label[0] : label[1], 10:120:3] = 0
    expected_mm = (value[0] + value[1]) / 2 / px_mm
    joined = _value_rows(window, expected_mm, VIZ)
    assert joined is not None and joined[1] >= label[1] - 1  # without the capital height
    rows = _value_rows(window, expected_mm, VIZ, cap)
    assert rows is not None
    assert abs(rows[0] - value[0]) <= 1 and abs(rows[1] - value[1]) <= 2


def test_spacing_variants_split_short_words_at_digit_letter_joins() -> None:
    assert _spacing_variants("UT 8414A") == ["UT 8414 A"]
    assert _spacing_variants("4T1BF1CKXSU166902") == []  # a VIN is one long word
    assert _spacing_variants("ACKERMAN") == []


def test_value_line_without_ink_keeps_the_window() -> None:
    window = np.full((50, 80), 255, np.uint8)
    assert _value_line(window).shape == window.shape


@pytest.mark.slow
@pytest.mark.tesseract
@needs_tesseract
@pytest.mark.parametrize("model_id", ["uto_vehicle_registration", "uto_id_td1"])
def test_visual_zone_of_a_page_without_mrz(model_id: str) -> None:
    from docsec.generate import make_document
    from docsec.generate.capture import capture

    doc = make_document(model_id, rng=8, reference_date=REF, views=["white"])
    cap = capture(doc.views["white"], kind="scan", level=1, rng=9)
    reading = read_document(cap.image, reference_date=REF)
    assert reading.page is not None and reading.page.model is not None
    assert reading.page.model.id == model_id and reading.page.side == "front"
    viz = reading.viz or {}
    names = [f.name for f in reading.page.model.fields if f.side == "front"]
    exact = [n for n in names if " ".join(viz[n].value.upper().split()) == doc.fields[n].upper()]
    assert len(exact) >= 0.75 * len(names), {n: (viz[n].value, doc.fields[n]) for n in names}


def test_format_value_fits_dates_and_numbers_to_the_model_format() -> None:
    from docsec.models import get_model
    from docsec.read.viz import format_value

    card = get_model("uto_card_td2")
    dob = card.field("date_of_birth")
    assert format_value(dob, card, "04 NOV 19/7") == "04 NOV 1977"
    assert format_value(dob, card, "O4 N0V 1977.") == "04 NOV 1977"
    assert format_value(dob, card, "4 NOV 1977") == "4 NOV 1977"  # not the format: as read
    assert format_value(dob, card, "04 XYZ 1977") == "04 XYZ 1977"  # no such month
    number = card.field("document_number")
    assert format_value(number, card, "RO2149333") == "R02149333"
    assert format_value(number, card, "02149333") == "02149333"  # a lost letter is not invented
    vr = get_model("uto_vehicle_registration")
    assert format_value(vr.field("B"), vr, "1O.09.2006") == "10.09.2006"
    assert format_value(vr.field("A"), vr, "UT 481O W") == "UT 481O W"  # not a date or number
    assert format_value(card.field("surname"), card, "O'CONNELL") == "O'CONNELL"
    # a VIN holds no I, O or Q (ISO 3779): read there they are its 1 and 0
    assert format_value(vr.field("E"), vr, "JNITANJ17BW523761") == "JN1TANJ17BW523761"
    assert format_value(vr.field("E"), vr, "WVWZZZ1KZ8MQ38893") == "WVWZZZ1KZ8M038893"
    assert format_value(vr.field("E"), vr, "JNITANJ17BW52376") == "JNITANJ17BW52376"  # 16


def test_field_classes_follow_the_field_meaning() -> None:
    from docsec.models import get_model
    from docsec.read.viz import CHARSETS, field_class

    passport = get_model("uto_passport_td3")
    classes = {f.name: field_class(f) for f in passport.fields}
    assert classes["date_of_birth"] == classes["date_of_expiry"] == "date"
    assert classes["nationality"] == classes["sex"] == classes["document_code"] == "code"
    assert classes["document_number"] == "number"
    assert classes["surname"] == classes["place_of_birth"] == "text"
    vr = get_model("uto_vehicle_registration")
    assert field_class(vr.field("B")) == "date"
    assert field_class(vr.field("E")) == "number"  # the VIN
    assert field_class(vr.field("D.1")) == "text"  # the make, mixed case
    code = CHARSETS["code"]
    assert code is not None and "7" not in code and "Z" in code  # ZZB never reads 7Z8


def test_field_crop_finds_a_value_shifted_by_the_page_quad() -> None:
    """A page quad 1.5 mm off: the crop still starts just before the first letter."""
    from docsec.models import get_model
    from docsec.read.viz import VIZ, _field_crop

    model = get_model("uto_passport_td3")
    field = model.field("surname")
    px_mm = VIZ.dpi / 25.4
    size = (round(model.size_mm[0] * px_mm), round(model.size_mm[1] * px_mm))
    page = np.full((size[1], size[0]), 235, np.uint8)
    x, y, w, h = field.box_mm
    for shift_mm in (-1.5, 0.0, 1.5):
        img = page.copy()
        left = round((x + shift_mm) * px_mm)
        top = round((y + VIZ.label_mm + 1.0) * px_mm)
        for k in range(6):  # six glyph-like bars, 2.4 mm tall
            x0 = left + round(k * 2.2 * px_mm)
            img[top : top + round(2.4 * px_mm), x0 : x0 + round(1.4 * px_mm)] = 20
        crop = _field_crop(img, field, size, VIZ)
        assert crop is not None
        cols = np.flatnonzero((crop < 128).any(axis=0))
        margin = round(VIZ.margin_mm * px_mm)
        assert abs(int(cols[0]) - margin) <= 2  # the first letter, whole, after the margin
        assert (crop < 128).sum() == (img < 128).sum()  # every glyph inside the crop


def test_format_value_months_sex_and_prefix_look_alikes() -> None:
    from docsec.models import get_model
    from docsec.read.viz import fits_format, format_value

    card = get_model("uto_card_td2")
    dob = card.field("date_of_birth")
    assert format_value(dob, card, "12 GEC 2030") == "12 DEC 2030"  # one letter off one month
    assert format_value(dob, card, "08 MAA 2018") == "08 MAA 2018"  # MAR or MAY: as read
    sex = card.field("sex")
    assert format_value(sex, card, "M U") == "M"  # one sex among stray marks
    assert format_value(sex, card, "M F") == "M F"  # two: as read
    zza = get_model("zza_passport_td3")
    number = zza.field("document_number")
    assert format_value(number, zza, "7A9601122") == "ZA9601122"
    assert format_value(number, zza, "7B9601122") == "7B9601122"  # B is not A's look-alike
    assert fits_format(number, zza, "ZA9601122") and not fits_format(number, zza, "ZA96011")
    assert fits_format(sex, card, "F") and not fits_format(sex, card, "")
    assert fits_format(card.field("nationality"), card, "ZZB")
    assert not fits_format(card.field("nationality"), card, "ZZ")
    assert fits_format(card.field("document_code"), card, "IR")
    assert not fits_format(card.field("document_code"), card, "D")  # no ICAO document code
    assert fits_format(dob, card, "12 DEC 2030") and not fits_format(dob, card, "12 DEC")
    vr = get_model("uto_vehicle_registration")
    assert fits_format(vr.field("B"), vr, "01.11.2007") and not fits_format(
        vr.field("B"), vr, "1.11.2007"
    )
    assert fits_format(vr.field("D.1"), vr, "Jeep") and not fits_format(vr.field("D.1"), vr, " ")


def test_sharpen_restores_the_gap_between_blurred_strokes() -> None:
    import cv2

    from docsec.read.viz import _sharpen

    img = np.full((40, 40), 230, np.uint8)
    img[:, 14:18] = 20
    img[:, 22:26] = 20  # two strokes 4 px apart
    blurred = cv2.GaussianBlur(img, (0, 0), 1.7)
    sharp = _sharpen(blurred)
    depth = lambda a: int(a[20, 20]) - int(a[20, 16])  # noqa: E731 - gap over stroke
    assert depth(sharp) > depth(blurred) + 10


def _fake_page(
    monkeypatch: pytest.MonkeyPatch, sheet: list[tuple[str, float]], alone: object
) -> tuple[object, np.ndarray]:
    """A vehicle certificate page: Tesseract answers ``sheet`` on every stacked sheet
    (``--psm 6``) and ``alone`` (words, or an error to raise) on a field read alone."""
    import docsec.read.viz as viz
    from docsec.models import get_model
    from docsec.ocr.tesseract import OcrWord
    from docsec.read.page import PageFit

    model = get_model("uto_vehicle_registration")

    def fake(gray: np.ndarray, *, psm: int = 6, **kw: object) -> list[OcrWord]:
        answer = sheet if psm == 6 else alone
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, list)
        return [OcrWord(t, c, (10, 0, 10, gray.shape[0]), (1, 1, 1)) for t, c in answer]

    monkeypatch.setattr(viz, "ocr_words", fake)
    w, h = model.size_mm
    px = 4.0  # capture pixels a millimetre
    image = np.full((round(h * px), round(w * px), 3), 240, np.uint8)
    page = PageFit(model, None, 0, np.diag([px, px, 1.0]), "front", "edges")
    return page, image


def test_an_unsure_field_is_read_again_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from docsec.read.viz import read_viz

    words = [("UT", 0.9), ("5987", 0.9), ("L", 0.9)]
    page, image = _fake_page(monkeypatch, [("UT", 0.5)], words)
    out = read_viz(image, page)  # type: ignore[arg-type]
    assert out["A"].value == "UT 5987 L" and out["D.1"].value == "UT 5987 L"
    page, image = _fake_page(monkeypatch, [("UT", 0.95)], words)
    assert read_viz(image, page)["D.1"].value == "UT"  # type: ignore[arg-type]  # sure: kept


def test_a_failed_second_read_keeps_the_first_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    from docsec.errors import OCRError
    from docsec.read.viz import read_viz

    page, image = _fake_page(monkeypatch, [("UT", 0.5)], OCRError("timed out"))
    warnings: list[str] = []
    out = read_viz(image, page, warnings=warnings)  # type: ignore[arg-type]
    # the sheet's answer lands in the field whose slot holds its box; the others read
    # nothing; the failed second reads change neither and are reported
    assert "UT" in {v.value for v in out.values()} <= {"UT", ""}
    assert any("not read again: timed out" in w for w in warnings)


@pytest.mark.parametrize("letter", ["M", "F", "X"])
def test_closed_vocabulary_reads_a_blurred_letter_and_refuses_a_blob(letter: str) -> None:
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    from docsec.read.viz import closed_vocabulary

    # a face none of the templates is (DejaVu Sans Condensed Bold), blurred like a photo
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf", 26)
    im = Image.new("L", (60, 36), 255)
    ImageDraw.Draw(im).text((8, 2), letter, fill=20, font=font)
    crop = cv2.GaussianBlur(np.asarray(im), (0, 0), 1.2)
    got = closed_vocabulary(crop, "MFX")
    assert got is not None and got[0] == letter
    blob = np.full((36, 60), 255, np.uint8)
    cv2.circle(blob, (25, 18), 9, 20, -1)
    assert closed_vocabulary(blob, "MFX") is None  # like no letter: nothing
    assert closed_vocabulary(np.full((36, 60), 255, np.uint8), "MFX") is None


def test_a_value_that_lost_a_word_is_not_sure() -> None:
    from docsec.models import get_model
    from docsec.ocr.tesseract import OcrWord
    from docsec.read.viz import VIZ, _field_value

    card = get_model("uto_id_td1")
    words = [OcrWord("OROMWVO", 0.2, (0, 0, 9, 9), (1, 1, 1)),
             OcrWord("ACKERMAN", 0.94, (20, 0, 9, 9), (1, 1, 1))]  # fmt: skip
    read = _field_value(card.field("surname"), card, words, VIZ)
    assert read.value == "ACKERMAN"  # the stray-looking word dropped ...
    assert read.confidence < VIZ.unsure_confidence  # ... but the value is not sure


def _blurred_text(text: str, width: int = 90) -> np.ndarray:
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    # a face none of the templates is (DejaVu Sans Condensed Bold), blurred like a photo
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf", 26)
    im = Image.new("L", (width, 36), 255)
    ImageDraw.Draw(im).text((8, 2), text, fill=20, font=font)
    return np.asarray(cv2.GaussianBlur(np.asarray(im), (0, 0), 1.2))


@pytest.mark.parametrize("letter", ["P", "I", "A", "C", "V"])
def test_a_one_letter_document_code_is_read_by_shape(letter: str) -> None:
    from docsec.read.viz import closed_vocabulary, glyph_count

    crop = _blurred_text(letter)
    assert glyph_count(crop) == 1
    got = closed_vocabulary(crop, "PIACV")
    assert got is not None and got[0] == letter


def test_glyph_count_counts_capitals_not_specks() -> None:
    import cv2

    from docsec.read.viz import glyph_count

    crop = _blurred_text("IR")
    assert glyph_count(crop) == 2  # a two-letter code is left to Tesseract
    cv2.circle(crop, (80, 30), 1, 20, -1)  # a speck of dust
    assert glyph_count(crop) == 2
    assert glyph_count(np.full((36, 90), 255, np.uint8)) == 0


def test_a_document_code_tesseract_drops_is_read_by_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tesseract returns nothing for a passport's lone ``P``: the shape gives it, marked
    with the shape's correlation as its confidence; a two-letter code stays as read."""
    import docsec.read.viz as viz
    from docsec.models import get_model
    from docsec.read.page import PageFit

    model = get_model("uto_passport_td3")
    field = model.field("document_code")
    monkeypatch.setattr(viz, "ocr_words", lambda *a, **k: [])
    monkeypatch.setattr(viz, "rectify", lambda image, page, dpi: image)
    w, h = model.size_mm
    px = viz.VIZ.dpi / 25.4
    image = np.full((round(h * px), round(w * px), 3), 245, np.uint8)
    x, y, _, _ = field.box_mm
    letter = _blurred_text("P", 40)
    top, left = round((y + viz.LABEL_MM + 0.3) * px), round(x * px)
    image[top : top + 36, left : left + 40] = letter[..., None]
    page = PageFit(model, None, 0, np.eye(3), "front", "edges")
    got = viz.read_viz(image, page)["document_code"]
    assert got.value == "P" and got.confidence >= viz.VIZ.glyph_min_score


def test_a_document_number_read_without_its_prefix_gets_it_from_the_print() -> None:
    """Tesseract drops the first capital of a blurred number (``81904554`` for
    ``D81904554``); the prefixed candidate is taken only because the print shows it."""
    from PIL import Image, ImageDraw, ImageFont

    from docsec.models import get_model
    from docsec.read.viz import VIZ, VizField, _by_print
    from docsec.read.vizmatch import FONT_FILES

    model = get_model("uto_id_td1")
    field = model.field("document_number")
    size = round(field.size_mm * VIZ_DPI / 25.4)

    def crop(text: str) -> np.ndarray:
        face = ImageFont.truetype(str(FONT_FILES[field.font]), size)
        im = Image.new("L", (int(face.getlength(text)) + 30, size + 16), 255)
        ImageDraw.Draw(im).text((12, 2), text, fill=20, font=face)
        a = cv2.GaussianBlur(np.asarray(im, np.float32), (0, 0), 2.0)
        a += np.random.default_rng(0).normal(0, 6, a.shape)
        return np.asarray(np.clip(a, 0, 255), np.uint8)

    read = VizField("81904554", 0.4, "latin")
    got = _by_print(crop("D81904554"), field, model, read, [read.value], None, VIZ)
    assert got.value == "D81904554"
    kept = _by_print(crop("81904554"), field, model, read, [read.value], None, VIZ)
    assert kept.value == "81904554"  # printed without a prefix: nothing invented


def test_a_number_split_into_unsure_words_is_kept_whole_when_only_the_whole_fits() -> None:
    from docsec.models import get_model
    from docsec.ocr.tesseract import OcrWord
    from docsec.read.viz import _field_value

    model = get_model("uto_vehicle_registration")
    number = next(f for f in model.fields if f.name == "document_number")
    make = next(f for f in model.fields if f.name == "D.1")

    def words(*pairs: tuple[str, float]) -> list[OcrWord]:
        return [OcrWord(t, c, (40 * i, 0, 30, 20), (1, 1, 1)) for i, (t, c) in enumerate(pairs)]

    split = words(("VR", 0.15), ("31", 0.15), ("38845", 0.72))
    assert _field_value(number, model, split, VIZ).value == "VR3138845"
    # a free-text value still loses an unsure stray word at its end
    assert _field_value(make, model, words(("Toyota", 0.9), ("ee", 0.1)), VIZ).value == "Toyota"


def test_date_of_issue_implied_by_the_mrz_expiry_and_the_models_validity() -> None:
    from docsec.models import get_model
    from docsec.read.viz import _issue_from_expiry

    td3 = get_model("uto_passport_td3")  # 10 years, DD MON YYYY
    parsed = {"fields": {"date_of_expiry": {"value": "2031-11-03"}}}
    assert _issue_from_expiry(parsed, td3) == "04 NOV 2021"
    zza = get_model("zza_passport_td3")  # DD.MM.YYYY
    assert _issue_from_expiry({"fields": {"date_of_expiry": {"value": "2034-09-19"}}}, zza) == (
        "20.09.2024"
    )
    assert _issue_from_expiry(None, td3) is None
    assert _issue_from_expiry({"fields": {"date_of_expiry": {"value": "31/11"}}}, td3) is None


def test_a_field_window_sharpened_alone_equals_the_whole_page_sharpened() -> None:
    from dataclasses import replace

    from docsec.models import get_model, mm_to_px
    from docsec.read.viz import _field_window, _sharpen, _sharpen_window

    model = get_model("uto_vehicle_registration")
    size = (mm_to_px(model.size_mm[0], VIZ_DPI), mm_to_px(model.size_mm[1], VIZ_DPI))
    rng = np.random.default_rng(3)
    ink = cv2.GaussianBlur(rng.integers(0, 256, (size[1], size[0]), np.uint8), (0, 0), 1.5)
    whole = _sharpen(ink, replace(VIZ, sharpen_sigma=VIZ.reread_sharpen_sigma,
                                  sharpen_amount=VIZ.reread_sharpen_amount))  # fmt: skip
    for field in model.fields:  # windows at the page's edges and inside it
        out = np.zeros_like(ink)
        _sharpen_window(ink, out, field, size, VIZ)
        x0, y0, x1, y1 = _field_window(field, size, VIZ)
        assert np.array_equal(out[y0:y1, x0:x1], whole[y0:y1, x0:x1]), field.name
        assert not out[:y0].any() and not out[y1:].any()  # nothing outside the window


def test_a_commas_tail_below_the_capitals_stays_in_the_value_line() -> None:
    from docsec.models import get_model, mm_to_px
    from docsec.read.viz import _field_crop

    model = get_model("uto_vehicle_registration")
    field = next(f for f in model.fields if f.name == "C.1.3")
    size = (mm_to_px(model.size_mm[0], VIZ_DPI), mm_to_px(model.size_mm[1], VIZ_DPI))
    page = np.full((size[1], size[0]), 240, np.uint8)
    px_mm = VIZ_DPI / 25.4
    x, y = field.box_mm[0], field.box_mm[1]
    top = round((y + 1.9 + 0.4) * px_mm)  # the value's capitals below the label line
    cap = round(0.73 * field.size_mm * px_mm)
    left = round(x * px_mm)
    n = 40  # forty capitals (a value covers a few per cent of its window), 4 px strokes
    for k in range(n):
        x0 = left + k * 24
        page[top : top + cap, x0 : x0 + 4] = 20
        page[top : top + cap, x0 + 12 : x0 + 16] = 20
        page[top : top + 4, x0 : x0 + 16] = 20
    comma_x = left + n * 24
    page[top + cap - 3 : top + cap + 4, comma_x : comma_x + 4] = 20  # a comma, 0.6 mm tall
    crop = _field_crop(page, field, size, VIZ)
    assert crop is not None
    ink_columns = np.flatnonzero((crop < 128).any(axis=0))
    # the comma is the line's last ink, past the capitals
    assert ink_columns.max() - ink_columns.min() >= n * 24 - 4


def test_every_digit_is_searched_only_when_the_reading_is_in_doubt() -> None:
    from docsec.models import get_model
    from docsec.read.viz import VizField, _search_digits

    model = get_model("uto_id_td1")
    dob = model.field("date_of_birth")

    def search(value: str, confidence: float, prior: str | None = None) -> bool:
        return _search_digits(dob, model, VizField(value, confidence, "latin"), prior, VIZ)

    assert not search("20 NOV 1967", 0.95)  # sure, in format: look-alikes only
    assert not search("20 NOV 1967", 0.95, "20 NOV 1967")  # and the MRZ agrees
    assert search("20 NOV 1967", 0.5)  # Tesseract doubts it
    assert search("20 NOV 1961", 0.95, "20 NOV 1967")  # the MRZ says otherwise
    assert search("20 NOV 3967", 0.95)  # a year no document prints
    assert search("20 N0V", 0.95)  # out of its format


def test_apostrophe_variants_of_a_name_the_mrz_gives() -> None:
    from docsec.read.viz import _apostrophe_variants

    assert "O'CONNELL" in _apostrophe_variants("OCONNELL")
    assert "DELACROIX O'CONNELL" in _apostrophe_variants("DELACROIX OCONNELL")
    assert _apostrophe_variants("LI") == []  # too short to carry one


def test_digit_templates_of_fixed_formats() -> None:
    from docsec.models import get_model
    from docsec.read.viz import _digit_template

    card, vr = get_model("uto_id_td1"), get_model("uto_vehicle_registration")
    number, dob = card.field("document_number"), card.field("date_of_birth")
    assert _digit_template(number, card, ["D172"]) == "D00000000"
    assert _digit_template(vr.field("document_number"), vr, []) == "VR0000000"
    assert _digit_template(vr.field("B"), vr, ["314.05 2016"]) == "00.00.0000"
    assert _digit_template(dob, card, ["O MAY 1978"]) == "00 MAY 0000"
    assert _digit_template(dob, card, ["11 DFC"]) == "00 DEC 0000"  # a letter away
    assert _digit_template(dob, card, ["2 A 989"]) is None  # no month shown
    assert _digit_template(dob, card, ["11 MAY", "11 MAR"]) is None  # two months read
    assert _digit_template(card.field("surname"), card, ["O MAY"]) is None
