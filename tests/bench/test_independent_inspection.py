"""The independent inspection set builds deterministically, its forgeries change the
pixels they claim to (and only those), and its captures keep one geometry per side."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache

import numpy as np
import pytest

from bench.independent import inspection_cases as ind
from bench.independent.comparator import capture_views
from bench.independent.forge import FORGERIES, Doc, Forged, ForgeryDoesNotFit, forge
from docsec.generate import make_document

REF = dt.date(2026, 1, 15)
DPI = 120


def _digest(views: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(views):
        h.update(name.encode())
        h.update(np.ascontiguousarray(views[name]).tobytes())
    return h.hexdigest()


@cache
def _doc(model: str) -> Doc:
    g = make_document(model, rng=11, reference_date=REF, dpi=DPI, traveller=True)
    donor = make_document(model, rng=12, reference_date=REF, dpi=DPI, traveller=True)
    return Doc(model, DPI, g.views, g.mrz_lines, dict(g.fields), donor.views)


def test_plan_is_deterministic_and_half_genuine() -> None:
    a, b = ind.plan(40, 5), ind.plan(40, 5)
    assert a == b
    assert sum(i.genuine for i in a) == 20
    forged = {i.forgery for i in a if not i.genuine}
    assert forged == set(FORGERIES)  # 20 forged documents cover the 17 forgeries
    assert ind.plan(40, 6) != a
    only = ind.plan(10, 5, "uv.*")
    assert {i.forgery for i in only if not i.genuine} <= {f for f in FORGERIES
                                                           if f.startswith("uv.")}
    assert sum(i.genuine for i in only) == 5


def test_build_and_capture_are_deterministic() -> None:
    item = next(i for i in ind.plan(12, 3) if i.forgery == "mrz.number_digit_swapped") \
        if any(i.forgery == "mrz.number_digit_swapped" for i in ind.plan(12, 3)) \
        else ind.Item(0, "uto_passport_td3", "mrz.number_digit_swapped", 77)
    a = ind.build(item, dpi=DPI, reference_date=REF)
    b = ind.build(item, dpi=DPI, reference_date=REF)
    assert _digest(a.views) == _digest(b.views)
    for mode in ("scan", "photo"):
        ca, cb = ind.captured(a, mode), ind.captured(b, mode)
        assert _digest(ca) == _digest(cb)
        fronts = {v.shape[:2] for k, v in ca.items() if k not in ("traveller", "vin_plate")}
        assert len(fronts) == 1  # every light from one position
        assert ca["ir"].ndim == 2 and ca["white"].ndim == 3
        assert not np.array_equal(ca["white"], ca["tilt_1"])


def test_negative_pages_are_deterministic() -> None:
    negs = ind.negatives(4, 9)
    assert [n.has_mrz for n in negs] == [True, False, True, False]
    for n in negs[:2]:
        a = ind.build_negative(n, "photo", dpi=DPI)
        assert _digest(a) == _digest(ind.build_negative(n, "photo", dpi=DPI))


def _boxes_mask(shape: tuple[int, ...], boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    m = np.zeros(shape[:2], bool)
    for x, y, w, h in boxes:
        m[y : y + h, x : x + w] = True
    return m


def _check_claims(doc: Doc, out: Forged, min_change: float) -> None:
    """Every view changes inside the boxes it is claimed for and nowhere else; every box
    changes; in at least one view every box changes strongly over a share of its area."""
    assert out.changed, "the forgery claims no change"
    strong = []
    for name, img in out.views.items():
        diff = np.abs(img.astype(np.int16) - np.asarray(doc.views[name], np.int16))
        if diff.ndim == 3:
            diff = diff.max(axis=2)
        if name not in out.changed:
            assert not diff.any(), f"{name} changed but not claimed"
            continue
        inside = _boxes_mask(img.shape, out.changed[name])
        assert not diff[~inside].any(), f"{name} changed outside its boxes"
        boxes = [diff[y : y + h, x : x + w] for x, y, w, h in out.changed[name]]
        assert all(d.any() for d in boxes), f"{name}: a claimed box is unchanged"
        strong.append(all(d.max() >= 20 and (d > 8).mean() > min_change for d in boxes))
    assert any(strong), "no view changes visibly"


@pytest.mark.parametrize("forgery", sorted(f for f in FORGERIES if f not in (
    "dates.presented_expired", "vin.digit_swapped")))
def test_forgery_changes_what_it_claims(forgery: str) -> None:
    doc = _doc("uto_passport_td3")
    out = forge(forgery, doc, np.random.default_rng(4))
    _check_claims(doc, out, 0.002)


def test_vin_digit_and_expiry() -> None:
    # a VIN whose characters touch at this dpi does not fit (the bench draws another seed)
    for seed in range(11, 21):
        g = make_document("uto_vehicle_registration", rng=seed, reference_date=REF, dpi=DPI)
        doc = Doc(g.model_id, DPI, g.views, None, dict(g.fields))
        try:
            out = forge("vin.digit_swapped", doc, np.random.default_rng(4))
        except ForgeryDoesNotFit:
            continue
        break
    else:
        pytest.fail("no VIN of ten documents could be forged")
    _check_claims(doc, out, 0.05)
    assert "vin_plate" not in out.changed  # the car's plate still shows the real VIN
    pas = _doc("uto_passport_td3")
    expired = forge("dates.presented_expired", pas, np.random.default_rng(4))
    assert not expired.changed and _digest(expired.views) == _digest(dict(pas.views))
    assert pas.mrz_lines is not None
    s = pas.mrz_lines[1][21:27]
    assert expired.reference_date is not None
    assert expired.reference_date > dt.date(2000 + int(s[:2]), int(s[2:4]), int(s[4:6]))


def test_mrz_digit_swap_breaks_the_check_digit() -> None:
    """The swapped cell holds another digit's glyph: the line's printed digits differ
    from the original exactly in one document-number cell."""
    doc = _doc("uto_passport_td3")
    out = forge("mrz.number_digit_swapped", doc, np.random.default_rng(4))
    (box,) = out.changed["white"]
    x, y, w, h = box
    before = doc.views["white"][y : y + h, x : x + w]
    after = out.views["white"][y : y + h, x : x + w]
    assert np.abs(before.astype(int) - after.astype(int)).max() > 100  # another glyph


def test_capture_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="capture kind"):
        capture_views({"white": np.zeros((40, 40, 3), np.uint8)}, "fax", 1)
