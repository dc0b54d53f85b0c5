"""A ghost image no registration error explains fails even on a view the page's quality gate
would otherwise turn into a warning; a nearer one still only warns there."""

from __future__ import annotations

from dataclasses import replace

import pytest

import docsec.inspect.faces as faces
from docsec.inspect import _gate
from docsec.inspect.context import Context
from docsec.inspect.faces import GHOST_LOOSE_MAX, _face_table, ghost_image_matches_portrait
from docsec.inspect.register import QUALITY_MIN
from docsec.report import Status
from tests.docsec.inspect.test_faces import _context


@pytest.mark.slow
def test_a_ghost_image_far_off_stands_through_the_quality_gate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = _context((), "rendered", monkeypatch)
    limit = float(_face_table()["ghost_distance_max"])
    for score, status in ((GHOST_LOOSE_MAX * 3, Status.FAIL),
                          ((limit + GHOST_LOOSE_MAX) / 2, Status.WARN)):
        ctx: Context = replace(base, memo={}, views={
            k: replace(v, quality=QUALITY_MIN / 2, measured=True)
            for k, v in base.views.items()})  # fmt: skip
        monkeypatch.setattr(faces, "_ghost_distance", lambda *a, s=score, **k: (s, 1))
        found = _gate(ghost_image_matches_portrait(ctx), ctx.views,
                      ctx.memo.get("located", set()))  # fmt: skip
        assert found.status == status, (score, found.status)
