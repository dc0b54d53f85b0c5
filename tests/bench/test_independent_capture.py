"""The independent set's hard photos count the characters their glare erased, without
changing a byte of the image."""

from __future__ import annotations

import numpy as np

from bench.independent.capture import _erased, photo_hard, photo_hard_erased
from bench.independent.glyphs import PrintStyle
from bench.independent.mrztext import compose
from bench.independent.pages import draw_document


def test_counting_erased_characters_leaves_the_photo_unchanged() -> None:
    for seed in range(4):
        rng = np.random.default_rng(seed)
        lines = compose("TD1", rng)
        style = PrintStyle.random(rng)
        page, box = draw_document("TD1", lines, 9.0, rng, style=style)
        pitch = style.pitch_mm * 9.0
        plain = photo_hard(page, pitch, box, np.random.default_rng(100 + seed))
        data, erased = photo_hard_erased(page, pitch, box, np.random.default_rng(100 + seed),
                                         (len(lines), len(lines[0])))  # fmt: skip
        assert data == plain
        assert erased is not None and 0 <= erased <= 90


def test_a_character_is_erased_when_most_of_its_print_is_clipped_white() -> None:
    labels = np.zeros((4, 6), np.float32)
    labels[:, :3] = 1  # character 1 on the left half, character 2 on the right
    labels[:, 3:] = 2
    img = np.full((4, 6, 3), 120.0)
    img[:, :3] = 255.0  # glare over character 1, print and paper alike
    img[:1, 3:] = 255.0  # a quarter of character 2
    assert _erased(img, labels, 2) == 1
    img[:, :3, 0] = 250.0  # one colour channel still below white: character 1 can be seen
    assert _erased(img, labels, 2) == 0
