"""docsec.scoring: signal detection with the log-linear correction, located findings, scores."""

from __future__ import annotations

import doctest
import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

import docsec.scoring as scoring
from docsec.errors import InvalidComponent
from docsec.scoring import Finding, box_iou_polygon, is_located, score_item, sdt, summarize

SQUARE = [[100.0, 100.0], [200.0, 100.0], [200.0, 200.0], [100.0, 200.0]]
DEFECT = {
    "id": "uv.emblem_missing",
    "checks": ["feature.uv_emblem.present"],
    "regions": [{"space": "front", "polygon_xy": SQUARE},
                {"space": "vin_plate", "polygon_xy": []}],
    "capture_regions": {"capture_white": [{"polygon_xy": [[10, 10], [20, 10], [20, 20],
                                                          [10, 20]]}]},
}
KEY = {"id": "item-001", "defects": [DEFECT]}
GENUINE = {"id": "item-002", "defects": []}


def test_doctests() -> None:
    assert doctest.testmod(scoring).failed == 0


def test_log_linear_correction_by_hand() -> None:
    s = sdt(hits=3, signals=4, false_alarms=1, noise=6)
    z = statistics.NormalDist().inv_cdf
    h, f = 3.5 / 5, 1.5 / 7
    assert s.hit_rate_corrected == h and s.false_alarm_rate_corrected == f
    assert s.d_prime == pytest.approx(z(h) - z(f))
    assert s.criterion == pytest.approx(-(z(h) + z(f)) / 2)
    assert (s.hit_rate, s.false_alarm_rate) == (0.75, 1 / 6)
    none = sdt(0, 0, 0, 0)
    assert none.hit_rate is None and none.d_prime == 0.0
    with pytest.raises(InvalidComponent):
        sdt(hits=5, signals=4, false_alarms=0, noise=1)


@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200), st.integers(0, 200))
def test_sdt_is_finite_and_ordered(h: int, extra_s: int, fa: int, extra_n: int) -> None:
    s = sdt(h, h + extra_s, fa, fa + extra_n)
    assert math.isfinite(s.d_prime) and math.isfinite(s.criterion)
    assert 0 < s.hit_rate_corrected < 1 and 0 < s.false_alarm_rate_corrected < 1
    better = sdt(h + 1, h + extra_s + 1, fa, fa + extra_n)  # one more hit
    assert better.d_prime > s.d_prime


def test_points_and_boxes_in_the_views_of_the_region() -> None:
    def located(view: str, **kw: object) -> bool:
        return is_located(Finding("uv.emblem_missing", view, **kw), DEFECT)  # type: ignore[arg-type]

    assert located("uv365", point=(150, 150))
    assert located("white", point=(100, 150))  # on the edge
    assert not located("uv365", point=(99, 150))
    assert not located("uv365_back", point=(150, 150))  # the other side
    assert located("capture_white", point=(15, 15)) and not located("capture_white",
                                                                    point=(150, 150))
    assert not located("vin_plate", point=(0, 0))  # no polygon there
    assert not located("traveller", point=(150, 150))  # a photo of its own, not the page
    assert not located("uv365")  # named, not placed
    # box [100,100,200,130] inside the square: IoU 0.3 exactly -> located; a hair less -> not
    assert box_iou_polygon([100, 100, 200, 130], SQUARE) == pytest.approx(0.3)
    assert located("uv365", box=(100, 100, 200, 130))
    assert not located("uv365", box=(100, 100, 200, 129.9))
    # a box around the region: IoU = 100² / 150² = 0.44 -> located; far too big -> not
    assert located("uv365", box=(75, 75, 225, 225))
    assert not located("uv365", box=(0, 0, 400, 400))
    assert box_iou_polygon([200, 200, 100, 100], SQUARE) == pytest.approx(1.0)  # corner order


def test_item_scores() -> None:
    place = {"view": "uv365", "point": (150, 150)}
    perfect = score_item(KEY, "refer", [Finding("feature.uv_emblem.present", **place)], 20)
    assert perfect.score == 100 and perfect.caught[0]["named_as"] == ["feature.uv_emblem.present"]
    unplaced = score_item(KEY, "reject", [Finding("uv.emblem_missing")], 20)
    assert unplaced.score == 80 and unplaced.caught[0]["located"] is False
    noisy = score_item(KEY, "reject", [Finding("uv.emblem_missing", **place),
                                       Finding("ir.mrz_not_dark")], 20)
    assert noisy.score == 90 and noisy.false_findings == ({"id": "ir.mrz_not_dark",
                                                           "view": None},)
    miss = score_item(KEY, "accept", [], 5)
    assert (miss.outcome, miss.score, miss.missed) == ("miss", 0, ("uv.emblem_missing",))
    cr = score_item(GENUINE, "accept", [], 5)
    assert (cr.outcome, cr.score) == ("correct_rejection", 100)
    fa = score_item(GENUINE, "refer", [Finding("uv.emblem_missing")], 5)
    assert (fa.outcome, fa.score, len(fa.false_findings)) == ("false_alarm", 40, 1)
    for bad in (("maybe", 1.0), ("accept", -1.0), ("accept", float("nan"))):
        with pytest.raises(InvalidComponent):
            score_item(KEY, bad[0], [], bad[1])


def test_summary() -> None:
    rows = [score_item(KEY, "reject", [Finding("uv.emblem_missing", "uv365", (150, 150))],
                       30).to_dict(),
            score_item(KEY, "accept", [], 50).to_dict(),
            score_item(GENUINE, "refer", [], 10).to_dict()]
    s = summarize(rows)
    assert (s.sdt.signals, s.sdt.hits, s.sdt.noise, s.sdt.false_alarms) == (2, 1, 1, 1)
    assert s.median_time_s == 30 and s.defects_planted == 2 and s.defects_located == 1
    assert summarize([]).items == 0 and summarize([]).mean_score is None
