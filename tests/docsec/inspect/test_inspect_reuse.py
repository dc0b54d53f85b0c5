"""What one inspection does once: a card's first side located from its second side's outline
(the full page search only when the card was not turned over in place)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest

import docsec.read.pagefind as pagefind
from docsec.generate import SyntheticDocument
from docsec.inspect import inspect_document
from docsec.inspect.register import QUALITY_MIN
from tests.docsec.inspect.conftest import REF

MakeDoc = Callable[..., SyntheticDocument]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    real = pagefind.find_page

    def spy(image: np.ndarray, **kw: Any) -> Any:
        calls.append(kw)
        return real(image, **kw)

    monkeypatch.setattr(pagefind, "find_page", spy)
    return calls


def _searches(calls: list[dict[str, Any]]) -> int:
    """Full page searches (every candidate of the capture, not only a prior)."""
    return sum(1 for kw in calls if not kw.get("prior_only"))


def test_a_card_turned_over_in_place_is_located_without_a_page_search(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_doc("uto_id_td1")
    calls = _spy(monkeypatch)
    rep = inspect_document(doc.views, reference_date=REF, viz=False)
    front = rep.readings["front"].page
    assert front is not None and front.side == "front" and front.model is not None
    assert _searches(calls) == 0, calls
    assert rep.views["white"].quality >= QUALITY_MIN
    assert [f for f in rep.failed() if f.startswith("feature.")] == []


def test_a_first_side_captured_elsewhere_is_searched_for(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = make_doc("uto_id_td1")
    # the first side's captures: the card lies 120 px further right and 80 px lower on a
    # larger light table, so the second side's outline shows no page there
    views = {}
    for name, img in doc.views.items():
        if name.endswith("_back"):
            views[name] = img
            continue
        border = [236] * 3 if img.ndim == 3 else 236
        views[name] = cv2.copyMakeBorder(img, 80, 40, 120, 30, cv2.BORDER_CONSTANT,
                                         value=border)  # fmt: skip
    calls = _spy(monkeypatch)
    rep = inspect_document(views, reference_date=REF, viz=False)
    front = rep.readings["front"].page
    assert front is not None and front.side == "front"
    assert _searches(calls) == 1, calls
    # another frame size: the sides were captured apart, the outline is not even tried
    assert not any(kw.get("prior_only") for kw in calls), calls
    assert front.quad_xy is not None and front.quad_xy[:, 0].min() > 100
    assert rep.views["white"].quality >= QUALITY_MIN


def _on_table(img: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``img`` on a light table 60 px wider each way, moved ``dx``, ``dy`` from its centre."""
    border = [236] * 3 if img.ndim == 3 else 236
    return cv2.copyMakeBorder(img, 60 + dy, 60 - dy, 60 + dx, 60 - dx, cv2.BORDER_CONSTANT,
                              value=border)  # fmt: skip


@pytest.mark.parametrize(("dx", "dy", "searched"), [(0, 0, 0), (20, 14, 1), (16, 10, 1)])
def test_a_card_moved_when_turned_over_is_searched_for(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch, dx: int, dy: int,
        searched: int) -> None:
    doc = make_doc("uto_id_td1")
    # one frame size for both sides (a flatbed's whole bed): the card was turned over and
    # slid 2-3 % of its diagonal; the second side's outline, pulled onto the first side's
    # design edges nearby, still correlates with the template at 96 pixels (0.76-0.92)
    views = {name: _on_table(img, 0, 0) if name.endswith("_back") else _on_table(img, dx, dy)
             for name, img in doc.views.items()}  # fmt: skip
    calls = _spy(monkeypatch)
    rep = inspect_document(views, reference_date=REF, viz=False)
    front = rep.readings["front"].page
    assert front is not None and front.side == "front" and front.quad_xy is not None
    assert _searches(calls) == searched, calls
    h, w = doc.views["white"].shape[:2]
    truth = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64) + [60 + dx, 60 + dy]
    assert np.abs(front.quad_xy - truth).max() < 6, front.quad_xy
    assert rep.views["white"].quality >= QUALITY_MIN
    assert [f for f in rep.failed() if f.startswith("feature.")] == []


def _reads_bands(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import docsec.read as read

    calls: list[int] = []
    real = read.read_band

    def spy(*a: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(read, "read_band", spy)
    return calls


def _mrz_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inspection reading every capture's MRZ before its page (no ``page_first``)."""
    import docsec.inspect as insp

    real = insp.read_document

    def mrz_first(*a: Any, **kw: Any) -> Any:
        kw["page_first"] = False
        return real(*a, **kw)

    monkeypatch.setattr(insp, "read_document", mrz_first)


def _vehicle_views(make_doc: MakeDoc, kind: str) -> dict[str, np.ndarray]:
    from docsec.generate.capture import capture

    doc = make_doc("uto_vehicle_registration")
    views = dict(doc.views)
    if kind != "rendered":
        for name, img in doc.views.items():
            views[name] = capture(img, kind="photo" if name == "vin_plate" else kind,  # type: ignore[arg-type]
                                  level=1, rng=31).image
    return views


@pytest.mark.parametrize("kind", [
    "rendered", pytest.param("scan", marks=pytest.mark.slow),
    pytest.param("photo", marks=pytest.mark.slow)])  # fmt: skip
def test_a_vehicle_certificate_is_not_searched_for_an_mrz_and_is_judged_the_same(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    views = _vehicle_views(make_doc, kind)
    bands = _reads_bands(monkeypatch)
    fast = inspect_document(views, reference_date=REF)
    assert bands == [], "no MRZ band is read on a page that carries none"
    _mrz_first(monkeypatch)
    full = inspect_document(views, reference_date=REF)
    assert bands, "the MRZ-first reading reads the bands"
    assert fast.model is not None and fast.model.id == "uto_vehicle_registration"
    assert fast.verdict == full.verdict
    assert [(f.id, f.status, f.score, f.view) for f in fast.findings] == \
        [(f.id, f.status, f.score, f.view) for f in full.findings]
    assert {s: r.to_dict()["document"] for s, r in fast.readings.items()} == \
        {s: r.to_dict()["document"] for s, r in full.readings.items()}
    assert all(r.mrz is None for r in fast.readings.values())


@pytest.mark.slow
def test_a_passport_beside_a_vehicle_certificate_has_its_mrz_read(make_doc: MakeDoc) -> None:
    from docsec.read import read_document

    car = make_doc("uto_vehicle_registration").views["white"]
    passport = make_doc("uto_passport_td3").views["white"]
    h = max(car.shape[0], passport.shape[0]) + 40
    canvas = np.full((h, car.shape[1] + passport.shape[1] + 120, 3), 236, np.uint8)
    canvas[20:20 + car.shape[0], 20:20 + car.shape[1]] = car
    x = car.shape[1] + 100
    canvas[20:20 + passport.shape[0], x:x + passport.shape[1]] = passport
    first = read_document(canvas, viz=False, reference_date=REF, page_first=True)
    plain = read_document(canvas, viz=False, reference_date=REF)
    assert first.mrz is not None and first.mrz.trusted
    assert first.mrz_lines == plain.mrz_lines
    assert first.to_dict()["document"] == plain.to_dict()["document"]
