"""Visual zone: colour-aware ink separation, value-line cut-out, fields of pages without MRZ."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest

from docsec.imaging.geometry import to_gray
from docsec.read import read_document
from docsec.read.viz import VIZ_DPI, _clean, _value_line, ink_image

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
