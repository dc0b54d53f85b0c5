"""The reading benchmark's split of misses by what the band finder proposed."""

from __future__ import annotations

import numpy as np

from bench.read import BAND_FOUND, Item, band_found, encode_png

from .conftest import TD3, render_mrz_page


def _item(image: np.ndarray) -> Item:
    return Item("hard", "TD3", TD3, encode_png(image))


def test_a_located_mrz_is_a_whole_band() -> None:
    assert band_found(_item(render_mrz_page(TD3))) == BAND_FOUND[0]


def test_an_mrz_half_wiped_out_is_a_piece() -> None:
    page = render_mrz_page(TD3).copy()
    # a glare spot that leaves nothing of the lines' right half (the page's light paper)
    page[-int(0.45 * page.shape[0]) :, page.shape[1] // 2 :] = (236, 240, 232)
    assert band_found(_item(page)) == BAND_FOUND[1]


def test_a_page_without_print_has_no_band() -> None:
    blank = np.full((400, 600, 3), (236, 240, 232), np.uint8)
    assert band_found(_item(blank)) == BAND_FOUND[2]
