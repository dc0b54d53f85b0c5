"""Round glare spots are not looked for where a lamp's glare clips a tilt frame: no fit maps
the face-on view there, and a bubble has no headroom to show."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from docsec.generate import SyntheticDocument
from docsec.inspect.tilt import _clipped, laminate_bubbles
from docsec.report import Status

from .test_tilt import _context

MakeDoc = Callable[..., SyntheticDocument]


def _glared(views: dict[str, np.ndarray], name: str, at: tuple[float, float],
            levels: float) -> dict[str, np.ndarray]:
    """``name`` with a lamp's glare spot (``levels`` at its centre, 10 mm Gaussian at 200
    dpi) at ``at`` (shares of the width and height), clipped at 255."""
    out = dict(views)
    img = views[name].astype(np.float32)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 10 * 200 / 25.4
    spot = levels * np.exp(-((xx - at[0] * w) ** 2 + (yy - at[1] * h) ** 2) / (2 * r * r))
    out[name] = np.clip(img + (spot[..., None] if img.ndim == 3 else spot), 0, 255).astype(
        np.uint8)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 8])
def test_a_clipping_glare_spot_is_no_bubble(make_doc: MakeDoc, seed: int) -> None:
    """The print under a clipping glare spot leaves round spots where no fit holds: 2.5-3.1
    per mille of the page when they were counted, 0.3-0.6 now (bubbles fail above 5)."""
    views = _glared(dict(make_doc("zza_passport_td3", seed=seed).views), "tilt_3",
                    (0.55, 0.45), 140.0)
    ctx = _context(views)
    t3 = ctx.view("tilt_3")
    assert t3 is not None and float(_clipped(t3).mean()) > 0.01  # the glare clips
    f = laminate_bubbles(ctx)
    assert f.status == Status.PASS, f
    assert (f.score or 0.0) < 1.5, f


@pytest.mark.slow
def test_bubbles_beside_a_clipping_glare_spot_still_show(make_doc: MakeDoc) -> None:
    views = dict(make_doc("zza_passport_td3", "laminate.relaminated").views)
    f = laminate_bubbles(_context(_glared(views, "tilt_3", (0.9, 0.1), 90.0)))
    assert f.status == Status.FAIL, f
