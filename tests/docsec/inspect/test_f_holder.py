"""The holder comparison on a dark, flat portrait printed through a screen: the fine
detail's correlation is weighed down for a face too flat for it to mean much
(``HOLDER_FINE_FLOOR``)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from docsec.generate.faces import lookalike, make_face, render_face
from docsec.inspect.context import Context
from docsec.inspect.faces import HOLDER_DISTANCE_MAX, _holder_distance
from docsec.report import Status
from tests.docsec.inspect.test_faces import _PORTRAIT_PX, _TRAVELLER_PX, _as_portrait, _context

#: Contrast kept around the mean (a dark skin printed flat) and the screen's amplitude
#: (grey levels) and period (pixels at 100 dpi) of the printed portrait.
_FLAT, _SCREEN, _PERIOD = 0.4, 3.0, 3.0
_SEEDS = (3, 11, 29, 41, 57)


def _printed(img: NDArray[np.uint8]) -> NDArray[np.float32]:
    """``img`` darkened, flattened to :data:`_FLAT` of its contrast and printed through a
    fine screen."""
    f = img.astype(np.float32)
    mean = f.mean(axis=(0, 1), keepdims=True)
    yy, xx = np.mgrid[0 : f.shape[0], 0 : f.shape[1]]
    screen = _SCREEN * np.sin(2 * np.pi * xx / _PERIOD) * np.sin(2 * np.pi * yy / _PERIOD)
    out = mean * 0.55 + (f - mean) * _FLAT + screen[..., None]
    return np.asarray(np.clip(out, 0, 255), np.float32)


def test_a_flat_screened_portrait_matches_its_holder_and_not_a_look_alike() -> None:
    near_ok = far_ok = 0
    for seed in _SEEDS:
        portrait, face = make_face(seed, _PORTRAIT_PX)
        printed = _printed(portrait)
        same = render_face(lookalike(face, seed + 100, strength=0.0), _TRAVELLER_PX)
        other = render_face(lookalike(face, seed + 200, strength=0.25), _TRAVELLER_PX)
        near_ok += _holder_distance(printed, _as_portrait(same)) < HOLDER_DISTANCE_MAX
        far_ok += _holder_distance(printed, _as_portrait(other)) > HOLDER_DISTANCE_MAX
    # a margin for another CPU's alignment: 4 of 5 each way
    assert near_ok >= 4 and far_ok >= 4, (near_ok, far_ok)


@pytest.mark.slow
def test_a_loosely_registered_portrait_warns_of_a_near_holder_distance(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered under HOLDER_SURE_QUALITY, a holder distance a little over the threshold
    warns; one over HOLDER_LOOSE_MAX fails; registered tightly, both fail."""
    from dataclasses import replace

    import docsec.inspect.faces as faces
    from docsec.inspect.faces import HOLDER_LOOSE_MAX, HOLDER_SURE_QUALITY
    from docsec.inspect.faces import portrait_matches_holder as check

    base = _context((), "rendered", monkeypatch)

    def at(quality: float) -> Context:
        return replace(base, views={k: replace(v, quality=quality)
                                    for k, v in base.views.items()})  # fmt: skip

    for score, loose in (((HOLDER_DISTANCE_MAX + HOLDER_LOOSE_MAX) / 2, Status.WARN),
                         (HOLDER_LOOSE_MAX * 2, Status.FAIL)):
        monkeypatch.setattr(faces, "_holder_distance", lambda *a, s=score, **k: s)
        assert check(at(HOLDER_SURE_QUALITY - 0.1)).status == loose, score
        assert check(at(HOLDER_SURE_QUALITY + 0.1)).status == Status.FAIL, score
