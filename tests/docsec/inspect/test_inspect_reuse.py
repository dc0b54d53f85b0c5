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
    assert front.quad_xy is not None and front.quad_xy[:, 0].min() > 100
    assert rep.views["white"].quality >= QUALITY_MIN
