"""Each issuer its own layout and design, within ICAO Doc 9303's zones; microprint at 0.2-0.3 mm,
legible only in a magnified view."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from docsec.models import FANTASY_MODEL_IDS, MODEL_IDS, DocumentModel, get_model

BoxMM = tuple[float, float, float, float]

#: Models of one document kind by different issuers (and the fantasy design of that kind).
SAME_KIND = [("uto_passport_td3", "zza_passport_td3"), ("uto_passport_td3", "xzf_passport_td3"),
             ("zza_passport_td3", "xzf_passport_td3"), ("uto_id_td1", "zzb_id_td1")]
ALL_MODELS = MODEL_IDS + FANTASY_MODEL_IDS
#: Personal-data fields of a data page (ICAO 9303-4/5 Zone II), beside the portrait (Zone V).
ZONE_II = ("surname", "given_names", "nationality", "date_of_birth", "sex")


def _iou(a: BoxMM, b: BoxMM) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / (aw * ah + bw * bh - inter)


def _edge_shift(a: BoxMM, b: BoxMM) -> float:
    """Largest distance between corresponding edges of two boxes (mm)."""
    ea = (a[0], a[1], a[0] + a[2], a[1] + a[3])
    eb = (b[0], b[1], b[0] + b[2], b[1] + b[3])
    return max(abs(u - v) for u, v in zip(ea, eb, strict=True))


def _overlap(a: BoxMM, b: BoxMM) -> bool:
    return (min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]) > 1e-6
            and min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) > 1e-6)


@pytest.mark.parametrize(("one", "other"), SAME_KIND)
def test_issuers_of_one_kind_have_their_own_layout(one: str, other: str) -> None:
    a, b = get_model(one), get_model(other)
    assert a.kind == b.kind and a.size_mm == b.size_mm
    # The MRZ zone is ICAO's, the same on every design of the format.
    assert a.mrz == b.mrz
    assert a.portrait is not None and b.portrait is not None
    # The portrait sits elsewhere or has another size: an edge at least 3 mm off (more than
    # the 2 mm an inspection lets a portrait stray from its box).
    assert _edge_shift(a.portrait.box_mm, b.portrait.box_mm) >= 3.0
    # Most fields and most shared features sit elsewhere.
    fields = [_iou(a.field(f.name).box_mm, f.box_mm) for f in b.fields]
    assert sum(v > 0.7 for v in fields) <= len(fields) // 4, fields
    skip = {"uv_substrate", "uv_fibres", "rainbow", "ir_mrz", "mrz_font", "uv_substrate_back",
            "rainbow_back"}  # page-wide backgrounds or ICAO zones
    shared = [f.id for f in b.features if a.has_feature(f.id) and f.id not in skip]
    moved = [i for i in shared if _iou(a.feature(i).box_mm, b.feature(i).box_mm) < 0.7]
    assert len(moved) >= 0.6 * len(shared), (shared, moved)
    assert a.titles[0].xy_mm != b.titles[0].xy_mm
    # And its own print design: guilloche families or pitch, rainbow direction, OVI inks.
    keys = ("guilloche_styles", "guilloche_pitch", "rainbow_angle", "ovi_pair")
    assert sum(a.palette[k] != b.palette[k] for k in keys) >= 2
    assert a.palette["design_seed"] != b.palette["design_seed"]


@pytest.mark.parametrize("model_id", ALL_MODELS)
def test_personalisation_boxes_do_not_collide(model_id: str) -> None:
    m = get_model(model_id)
    for side in m.sides:
        boxes = [(f.name, f.box_mm) for f in m.fields if f.side == side]
        boxes += [(z, getattr(m, z).box_mm) for z in ("mrz", "portrait")
                  if getattr(m, z) is not None and getattr(m, z).side == side]
        boxes += [(f.id, f.box_mm) for f in m.features
                  if f.side == side and f.kind in ("ghost_image", "laser_perforation")]
        for (na, a), (nb, b) in itertools.combinations(boxes, 2):
            assert not _overlap(a, b), (model_id, na, nb)


@pytest.mark.parametrize("model_id", [m for m in MODEL_IDS if get_model(m).kind in
                                      ("passport_td3", "id_td1")])
def test_issuers_keep_the_portrait_left_of_the_personal_data(model_id: str) -> None:
    # ICAO 9303-4 and -5: Zone V (portrait) left of Zone II on an issuer's data page.
    m = get_model(model_id)
    assert m.portrait is not None
    right = m.portrait.box_mm[0] + m.portrait.box_mm[2]
    assert all(m.field(n).box_mm[0] >= right for n in ZONE_II)
    if m.kind == "passport_td3":  # 9303-4: portrait 26-35 mm wide, 32-45 mm high
        assert 26 <= m.portrait.box_mm[2] <= 35 and 32 <= m.portrait.box_mm[3] <= 45


@pytest.mark.parametrize("model_id", ALL_MODELS)
def test_microprint_is_two_to_three_tenths_of_a_millimetre(model_id: str) -> None:
    f = get_model(model_id).feature("microprint")
    height = float(f.params["height_mm"])
    assert 0.2 <= height <= 0.3
    assert f.box_mm[3] >= height * 1.35  # at least one whole row fits its band
    assert height * 300 / 25.4 < 3.6  # about 3 px at 300 dpi: a texture, not text


def _microprint(model_id: str, dpi: int) -> np.ndarray:
    from docsec.generate.design import region_design

    m = get_model(model_id)
    x, y, w, h = DocumentModel.box_px(m.feature("microprint").box_mm, dpi)
    window = (x, y, min(w, round(30 * dpi / 25.4)), h)  # 30 mm of the line
    layers = region_design(model_id, "front", dpi, window, 300)
    return np.asarray(cv2.cvtColor(np.ascontiguousarray(layers.under), cv2.COLOR_RGB2GRAY))


@pytest.mark.slow
@pytest.mark.parametrize("model_id", ["uto_passport_td3", "zza_passport_td3", "zzb_id_td1"])
def test_microprint_reads_only_in_a_magnified_view(model_id: str) -> None:
    from docsec.ocr.tesseract import ocr_words

    word = str(get_model(model_id).feature("microprint").params["text"])

    def exact(gray: np.ndarray) -> float:
        words = [w.text for w in ocr_words(gray, psm=6, timeout=20)]
        return sum(w == word for w in words) / max(1, len(words))

    # A 300 dpi view enlarged four times (a loupe over a scan): the letters are a texture.
    page = _microprint(model_id, 300)
    assert exact(cv2.resize(page, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)) < 0.2
    # A view rendered at 1200 dpi (the magnified views of an exercise): the text reads.
    assert exact(_microprint(model_id, 1200)) > 0.6
