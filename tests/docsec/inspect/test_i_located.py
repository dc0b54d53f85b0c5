"""A hologram check that found its patch itself is judged whatever the page's registration
quality: the quality gate turns its failure into a warning only when the patch was not found
where the check read it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

import docsec.inspect as inspection
from docsec.generate import SyntheticDocument
from docsec.inspect import _gate, inspect_document, tilt
from docsec.inspect.context import Context, make_finding
from docsec.inspect.features import hologram_dynamic, hologram_present
from docsec.inspect.register import RegisteredView
from docsec.models import get_model
from docsec.report import Status

from .conftest import REF

MakeDoc = Callable[..., SyntheticDocument]
HOLOGRAM_CHECKS = ("feature.hologram.present", "feature.hologram.dynamic")


def _view(quality: float) -> RegisteredView:
    return RegisteredView("tilt_3", np.zeros((8, 8, 3), np.uint8), get_model("uto_visa_mrva"),
                          np.eye(3), quality=quality, measured=True)


def test_gate_lets_a_located_failure_stand() -> None:
    v = _view(0.3)
    f = make_finding("feature.hologram.dynamic", Status.FAIL, "static", "статична",
                     score=0.2, threshold=20.0, view=v)
    assert _gate(f, {v.name: v}).status == Status.WARN
    assert _gate(f, {v.name: v}, {("feature.hologram.dynamic", "tilt_3")}).status == Status.FAIL
    # another check's or another view's note does not count
    assert _gate(f, {v.name: v}, {("feature.hologram.present", "tilt_3")}).status == Status.WARN
    assert _gate(f, {v.name: v}, {("feature.hologram.dynamic", "tilt_2")}).status == Status.WARN
    # a view registered well enough is judged as before
    good = _view(0.9)
    assert _gate(f, {good.name: good}).status == Status.FAIL


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 8])
def test_a_static_hologram_fails_on_a_loosely_registered_capture(
        make_doc: MakeDoc, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Every view below the quality gate (as a photo whose lamp lowers the page's figure):
    the static patch is found in place, so its failure stands; a genuine one still passes."""
    monkeypatch.setattr(inspection, "QUALITY_MIN", 1.01)
    forged = inspect_document(dict(make_doc("uto_visa_mrva", "ovd.hologram_static",
                                            seed=seed).views),
                              reference_date=REF, level=3, viz=False)
    assert forged.finding("feature.hologram.dynamic").status == Status.FAIL  # type: ignore[union-attr]
    genuine = inspect_document(dict(make_doc("uto_visa_mrva", seed=seed).views),
                               reference_date=REF, level=3, viz=False)
    for cid in HOLOGRAM_CHECKS:
        assert genuine.finding(cid).status == Status.PASS, genuine.finding(cid)  # type: ignore[union-attr]


def _registered_off(ctx: Context, dx_mm: float, dy_mm: float) -> Context:
    move = np.array([[1.0, 0.0, dx_mm], [0.0, 1.0, dy_mm], [0.0, 0.0, 1.0]])
    views = {n: dataclasses.replace(v, mm_to_capture=v.mm_to_capture @ move, _cache={})
             for n, v in ctx.views.items() if v.mm_to_capture is not None}
    return dataclasses.replace(ctx, views=views, memo={})


@pytest.mark.slow
@pytest.mark.parametrize(("dx", "dy"), [(8.0, 0.0), (0.0, 8.0), (-8.0, -5.0)])
def test_a_patch_not_found_where_it_was_read_keeps_the_gate(make_doc: MakeDoc, dx: float,
                                                            dy: float) -> None:
    """A page registered 8 mm off reads the hologram's box on other print: what fails there
    is not noted as located (the gate turns it into a warning on a loose registration)."""
    views = dict(make_doc("uto_visa_mrva").views)
    rep = inspect_document(views, reference_date=REF, level=3, viz=False)
    assert rep.model is not None
    ctx = _registered_off(Context(model=rep.model, views=rep.views, supplied=frozenset(views),
                                  readings=rep.readings, mrz=None, reference_date=REF,
                                  level=3), dx, dy)
    holo = next(f for f in ctx.model.features if f.kind == "hologram")
    white = ctx.view("white")
    assert white is not None
    assert tilt.feature_match(ctx, white, holo.box_mm) < tilt.LOCATED_MIN - 0.2
    for fn in (hologram_present, hologram_dynamic):
        f = fn(ctx)
        assert (f.id, f.view) not in ctx.memo.get("located", set())
