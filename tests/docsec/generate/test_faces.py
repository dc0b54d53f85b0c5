"""Synthetic parametric faces: determinism, variety, look-alikes, errors."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from docsec.errors import ValidationError
from docsec.generate.faces import (
    HAIR_STYLES,
    FaceParams,
    face_distance,
    lookalike,
    make_face,
    render_face,
)

SIZE = (207, 266)  # 35 x 45 mm at 150 dpi: small keeps the tests fast


def _face_crop(img: np.ndarray) -> np.ndarray:
    """Eyes-to-mouth region: identity, not background or clothes."""
    h, w = img.shape[:2]
    return img[int(0.3 * h) : int(0.7 * h), int(0.25 * w) : int(0.75 * w)].astype(float)


@pytest.mark.parametrize("size", [(64, 80), SIZE, (413, 531), (600, 500)])
def test_shape_and_dtype(size: tuple[int, int]) -> None:
    img, params = make_face(1, size)
    assert img.shape == (size[1], size[0], 3) and img.dtype == np.uint8
    assert isinstance(params, FaceParams)
    json.dumps(params.to_dict())


def test_same_seed_same_face_and_render_is_pure() -> None:
    a, pa = make_face(42, SIZE)
    b, pb = make_face(np.random.default_rng(42), SIZE)
    assert pa == pb and a.tobytes() == b.tobytes()
    assert render_face(pa, SIZE).tobytes() == a.tobytes()


def test_faces_differ() -> None:
    faces = [make_face(s, SIZE) for s in range(12)]
    for i in range(len(faces)):
        for j in range(i + 1, len(faces)):
            assert face_distance(faces[i][1], faces[j][1]) > 0.3
            assert np.abs(_face_crop(faces[i][0]) - _face_crop(faces[j][0])).mean() > 2.0


def test_all_hair_styles_occur() -> None:
    styles = {make_face(s, (32, 40))[1].hair_style for s in range(80)}
    assert styles == set(range(len(HAIR_STYLES)))


def test_lookalikes_are_nearer_than_random_faces() -> None:
    near_d, far_d, near_px, far_px = [], [], [], []
    for s in range(20):
        img, p = make_face(s, SIZE)
        twin = lookalike(p, 1000 + s)
        other_img, other = make_face(500 + s, SIZE)
        near_d.append(face_distance(p, twin))
        far_d.append(face_distance(p, other))
        near_px.append(np.abs(_face_crop(img) - _face_crop(render_face(twin, SIZE))).mean())
        far_px.append(np.abs(_face_crop(img) - _face_crop(other_img)).mean())
        assert twin != p
    assert max(near_d) < np.median(far_d)
    assert sum(n < f for n, f in zip(near_d, far_d, strict=True)) >= 19
    assert np.mean(near_px) < 0.7 * np.mean(far_px)
    assert 0.2 < np.mean(near_d) < 0.5 and 0.8 < np.mean(far_d) < 1.6


def test_lookalike_strength_orders_distance() -> None:
    _, p = make_face(7, SIZE)
    d = {
        s: np.mean([face_distance(p, lookalike(p, k, strength=s)) for k in range(10)])
        for s in (0.0, 0.05, 0.15, 0.3)
    }
    assert d[0.0] == 0.0 and d[0.0] < d[0.05] < d[0.15] < d[0.3]


def test_distance_is_symmetric_and_ignores_pose() -> None:
    _, a = make_face(1, SIZE)
    _, b = make_face(2, SIZE)
    assert face_distance(a, b) == pytest.approx(face_distance(b, a))
    assert face_distance(a, a) == 0.0
    moved = dataclasses.replace(a, head_x=-a.head_x, head_roll=0.0, clothing=0.0, background=1.0)
    assert face_distance(a, moved) == 0.0
    assert render_face(moved, SIZE).tobytes() != render_face(a, SIZE).tobytes()
    styled = dataclasses.replace(a, hair_style=(a.hair_style + 1) % len(HAIR_STYLES))
    assert face_distance(a, styled) > 0.3


def test_sex_and_age_bias() -> None:
    women = [make_face(s, (32, 40), sex="F")[1] for s in range(30)]
    assert all(p.beard == 0 for p in women)
    old = [make_face(s, (32, 40), age=80)[1].hair_grey for s in range(30)]
    young = [make_face(s, (32, 40), age=20)[1].hair_grey for s in range(30)]
    assert np.mean(old) > np.mean(young) + 0.5


def test_bad_input() -> None:
    _, p = make_face(3, SIZE)
    with pytest.raises(ValidationError):
        render_face(p, (8, 8))
    with pytest.raises(ValidationError):
        render_face(dataclasses.replace(p, hair_style=99), SIZE)
    with pytest.raises(ValidationError):
        render_face(dataclasses.replace(p, jaw=float("nan")), SIZE)
    with pytest.raises(ValidationError):
        lookalike(p, 1, strength=2.0)
