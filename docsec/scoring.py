"""Scoring a trainee: signal detection, located findings, item scores (DOMAIN.md §5.0).

Signal = an item with at least one planted defect; noise = a genuine item. A *hit* is a
signal answered ``refer`` or ``reject``; a *false alarm* is noise answered ``refer`` or
``reject``. Rates use the log-linear correction (Hautus 1995) so that d′ stays finite:
``H = (hits + 0.5) / (signals + 1)``, ``F = (false alarms + 0.5) / (noise + 1)``,
``d′ = z(H) − z(F)``, ``c = −(z(H) + z(F)) / 2`` (positive = conservative: accepts too much).

A finding names a defect (its catalogue ID, or a feature check ID the defect declares) and may
carry a point ``[x, y]`` or a box ``[x0, y0, x1, y1]`` in a named view. It is *located* when
the point lies in, or the box overlaps with IoU ≥ 0.3, one of the key's regions for that view.
A finding that names nothing planted is a *false finding*.

Item score (0-100): on a signal, 40 for refer/reject, 40 × the share of defects identified,
20 × the share located, minus 10 per false finding; on noise, 40 for accept and 60 minus 20
per false finding. The score is clamped to 0-100.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from docsec.errors import InvalidComponent

__all__ = [
    "DECISIONS",
    "IOU_LOCATED",
    "Finding",
    "ItemResult",
    "SdtStats",
    "Summary",
    "allowed_views",
    "box_iou_polygon",
    "is_located",
    "key_regions",
    "point_in_polygon",
    "polygon_area",
    "score_item",
    "sdt",
    "summarize",
]

Decision = Literal["accept", "refer", "reject"]
DECISIONS: tuple[str, ...] = ("accept", "refer", "reject")
IOU_LOCATED = 0.3
Point = tuple[float, float]

def allowed_views(level: int, views: Iterable[str]) -> list[str]:
    """The views a trainee at ``level`` (1-3) may open, in the given order.

    The tools of each level are the generator's (:data:`docsec.generate.exercise.LEVEL_TOOLS`,
    DOMAIN.md §5: first line white light, UV 365 nm and a loupe; second line adds IR,
    transmitted light, tilt and UV 254 nm; third line magnified views); captures (photographs
    in white light), the VIN plate and the traveller's photo are always given
    (:data:`docsec.generate.defects.ALWAYS_AVAILABLE`). A view of a multi-document item is
    named after its document's role (``visa_uv365``) and allowed as its light is.

    >>> allowed_views(1, ["white", "uv365", "ir", "tilt_1", "white_back", "capture_white",
    ...                   "loupe_microprint", "mag_rainbow"])
    ['white', 'uv365', 'white_back', 'capture_white', 'loupe_microprint']
    >>> allowed_views(2, ["white", "ir_back", "tilt_1", "transmitted", "vin_plate", "uv254"])
    ['white', 'ir_back', 'tilt_1', 'transmitted', 'vin_plate', 'uv254']
    >>> allowed_views(1, ["traveller", "ir", "visa_uv365", "visa_ir", "passport_capture_white"])
    ['traveller', 'visa_uv365', 'passport_capture_white']
    """
    from docsec.generate.defects import ALWAYS_AVAILABLE
    from docsec.generate.exercise import LEVEL_TOOLS
    from docsec.generate.render import view_family

    if level not in LEVEL_TOOLS:
        raise InvalidComponent(f"level must be one of {sorted(LEVEL_TOOLS)}, got {level!r}")
    from docsec.generate.bundles import bundle_roles

    tools = LEVEL_TOOLS[level] | ALWAYS_AVAILABLE
    roles = tuple(f"{r}_" for r in bundle_roles())

    def light(view: str) -> str:
        for r in roles:
            if view.startswith(r):
                return view.removeprefix(r)
        return view

    return [v for v in views
            if light(v).startswith("capture_") or view_family(light(v)) in tools]


# ---------------------------------------------------------------- signal detection


@dataclass(frozen=True, slots=True)
class SdtStats:
    """Signal-detection measures with the counts they come from.

    ``hit_rate`` and ``false_alarm_rate`` are the raw proportions (None without signals or
    noise); ``d_prime`` and ``criterion`` use the log-linear corrected rates.
    """

    signals: int
    hits: int
    noise: int
    false_alarms: int
    hit_rate: float | None
    false_alarm_rate: float | None
    hit_rate_corrected: float
    false_alarm_rate_corrected: float
    d_prime: float
    criterion: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {k: getattr(self, k) for k in self.__slots__}


def sdt(hits: int, signals: int, false_alarms: int, noise: int) -> SdtStats:
    """Hit and false-alarm rates, d′ and criterion c with the log-linear correction.

    >>> s = sdt(hits=9, signals=10, false_alarms=1, noise=10)
    >>> round(s.hit_rate_corrected, 4), round(s.d_prime, 3), round(s.criterion, 3)
    (0.8636, 2.194, 0.0)
    >>> s = sdt(hits=5, signals=5, false_alarms=0, noise=5)   # perfect: still finite
    >>> round(s.d_prime, 3), s.hit_rate, s.false_alarm_rate
    (2.766, 1.0, 0.0)
    >>> round(sdt(2, 10, 0, 10).criterion, 3)   # misses most forgeries: conservative
    1.219
    """
    if not (0 <= hits <= signals and 0 <= false_alarms <= noise):
        raise InvalidComponent("counts must satisfy 0 <= hits <= signals, 0 <= FA <= noise")
    h = (hits + 0.5) / (signals + 1)
    f = (false_alarms + 0.5) / (noise + 1)
    z = statistics.NormalDist().inv_cdf
    zh, zf = z(h), z(f)
    return SdtStats(
        signals=signals,
        hits=hits,
        noise=noise,
        false_alarms=false_alarms,
        hit_rate=hits / signals if signals else None,
        false_alarm_rate=false_alarms / noise if noise else None,
        hit_rate_corrected=h,
        false_alarm_rate_corrected=f,
        d_prime=zh - zf,
        criterion=-(zh + zf) / 2 + 0.0,  # + 0.0 turns -0.0 into 0.0
    )


# ---------------------------------------------------------------- geometry


def polygon_area(poly: Sequence[Point]) -> float:
    """Area of a simple polygon (shoelace formula).

    >>> polygon_area([(0, 0), (4, 0), (4, 3), (0, 3)])
    12.0
    """
    n = len(poly)
    s = 0.0
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return abs(s) / 2.0


def point_in_polygon(pt: Point, poly: Sequence[Point]) -> bool:
    """Whether ``pt`` lies inside ``poly`` or on its edge (even-odd rule).

    >>> sq = [(0, 0), (10, 0), (10, 10), (0, 10)]
    >>> point_in_polygon((5, 5), sq), point_in_polygon((10, 5), sq), point_in_polygon((11, 5), sq)
    (True, True, False)
    """
    x, y = pt
    n = len(poly)
    if n < 3:
        return False
    inside = False
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % n]
        # on the edge: collinear and within the segment's box
        cross = (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)
        if (abs(cross) <= 1e-9 * max(1.0, abs(x1 - x0) + abs(y1 - y0))
                and min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)):
            return True
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _clip(poly: list[Point], inside: Any, cut: Any) -> list[Point]:
    out: list[Point] = []
    for i, cur in enumerate(poly):
        prev = poly[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(cut(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(cut(prev, cur))
    return out


def _clip_to_box(poly: Sequence[Point], box: Sequence[float]) -> list[Point]:
    """Sutherland-Hodgman: the part of ``poly`` inside the axis-aligned ``box``."""
    x0, y0, x1, y1 = box

    def at_x(xc: float) -> Any:
        def cut(p: Point, q: Point) -> Point:
            t = (xc - p[0]) / (q[0] - p[0])
            return (xc, p[1] + t * (q[1] - p[1]))
        return cut

    def at_y(yc: float) -> Any:
        def cut(p: Point, q: Point) -> Point:
            t = (yc - p[1]) / (q[1] - p[1])
            return (p[0] + t * (q[0] - p[0]), yc)
        return cut

    out = [(float(x), float(y)) for x, y in poly]
    for inside, cut in (
        (lambda p: p[0] >= x0, at_x(x0)),
        (lambda p: p[0] <= x1, at_x(x1)),
        (lambda p: p[1] >= y0, at_y(y0)),
        (lambda p: p[1] <= y1, at_y(y1)),
    ):
        if not out:
            break
        out = _clip(out, inside, cut)
    return out


def box_iou_polygon(box: Sequence[float], poly: Sequence[Point]) -> float:
    """Intersection over union of an axis-aligned box ``[x0, y0, x1, y1]`` and a polygon.

    >>> box_iou_polygon([0, 0, 10, 10], [(5, 0), (15, 0), (15, 10), (5, 10)])
    0.3333333333333333
    >>> box_iou_polygon([0, 0, 10, 10], [(20, 20), (30, 20), (30, 30)])
    0.0
    """
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    box_area = (x1 - x0) * (y1 - y0)
    poly_area = polygon_area(poly)
    if box_area <= 0 or poly_area <= 0:
        return 0.0
    inter = _clip_to_box(poly, (x0, y0, x1, y1))
    inter_area = polygon_area(inter) if len(inter) >= 3 else 0.0
    union = box_area + poly_area - inter_area
    return inter_area / union if union > 0 else 0.0


# ---------------------------------------------------------------- findings and items


@dataclass(frozen=True, slots=True)
class Finding:
    """A trainee's finding: a defect or check ID, optionally placed in a view."""

    id: str
    view: str | None = None
    point: tuple[float, float] | None = None
    box: tuple[float, float, float, float] | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Finding:
        """From ``{"id", "view", "point", "box"}`` (point and box optional)."""
        point = data.get("point")
        box = data.get("box")
        return cls(
            id=str(data["id"]),
            view=data.get("view"),
            point=(float(point[0]), float(point[1])) if point is not None else None,
            box=tuple(float(v) for v in box) if box is not None else None,  # type: ignore[arg-type]
        )


#: Views that are whole images of their own (not a light of a page side): their regions are
#: in their own coordinates.
WHOLE_IMAGE_VIEWS: tuple[str, ...] = ("vin_plate", "traveller")


def _space(view: str) -> str:
    """The coordinate space of a view: its page side, or the view itself.

    >>> [_space(v) for v in ("uv365", "ir_back", "vin_plate", "traveller")]
    ['front', 'back', 'vin_plate', 'traveller']
    """
    if view.startswith("capture_") or view in WHOLE_IMAGE_VIEWS:
        return view
    return "back" if view.endswith("_back") else "front"


def key_regions(defect: Mapping[str, Any], view: str) -> list[list[Point]]:
    """The answer key's polygons of ``defect`` in the coordinates of ``view``.

    Regions of a page side (``front``, ``back``) hold for every light of that side; the VIN
    plate and the traveller's photo have their own; captures have their own projected regions
    (``capture_regions``).
    """
    polys: list[list[Point]] = []
    if view.startswith("capture_"):
        entries = (defect.get("capture_regions") or {}).get(view, [])
    else:
        space = _space(view)
        entries = [r for r in defect.get("regions") or []
                   if r.get("view") == view or (r.get("view") is None and r.get("space") == space)]
    for r in entries:
        pts = r.get("polygon_xy") or []
        if len(pts) >= 3:
            polys.append([(float(x), float(y)) for x, y in pts])
    return polys


def is_located(finding: Finding, defect: Mapping[str, Any]) -> bool:
    """Whether the finding's point lies in, or its box overlaps (IoU ≥ 0.3), the key's region
    of the defect in the finding's view."""
    if finding.view is None or (finding.point is None and finding.box is None):
        return False
    for poly in key_regions(defect, finding.view):
        if finding.point is not None and point_in_polygon(finding.point, poly):
            return True
        if finding.box is not None and box_iou_polygon(finding.box, poly) >= IOU_LOCATED:
            return True
    return False


def _names(finding: Finding, defect: Mapping[str, Any]) -> bool:
    return finding.id == defect.get("id") or finding.id in (defect.get("checks") or ())


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The outcome of one submitted item."""

    item_id: str
    signal: bool
    decision: str
    outcome: Literal["hit", "miss", "false_alarm", "correct_rejection"]
    caught: tuple[dict[str, Any], ...]
    missed: tuple[str, ...]
    false_findings: tuple[dict[str, Any], ...]
    score: float
    time_spent_s: float
    defects: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "item_id": self.item_id,
            "signal": self.signal,
            "decision": self.decision,
            "outcome": self.outcome,
            "caught": [dict(c) for c in self.caught],
            "missed": list(self.missed),
            "false_findings": [dict(f) for f in self.false_findings],
            "score": self.score,
            "time_spent_s": self.time_spent_s,
            "defects": list(self.defects),
        }


def score_item(answer: Mapping[str, Any], decision: str, findings: Sequence[Finding],
               time_spent_s: float) -> ItemResult:
    """Score one item against its answer-key entry (``id``, ``defects``).

    >>> square = [[0, 0], [10, 0], [10, 10], [0, 10]]
    >>> key = {"id": "item-001", "defects": [{"id": "uv.emblem_missing",
    ...        "checks": ["feature.uv_emblem.present"],
    ...        "regions": [{"space": "front", "polygon_xy": square}]}]}
    >>> r = score_item(key, "reject", [Finding("uv.emblem_missing", "uv365", point=(5, 5))], 30)
    >>> r.outcome, r.score, r.caught[0]["located"]
    ('hit', 100.0, True)
    >>> score_item(key, "accept", [], 5).score
    0.0
    """
    if decision not in DECISIONS:
        raise InvalidComponent(f"decision must be one of {DECISIONS}, got {decision!r}")
    if not (math.isfinite(time_spent_s) and time_spent_s >= 0):
        raise InvalidComponent("time spent must be a non-negative number of seconds")
    defects = list(answer.get("defects") or [])
    signal = bool(defects)
    flagged = decision != "accept"
    outcome: Literal["hit", "miss", "false_alarm", "correct_rejection"]
    if signal:
        outcome = "hit" if flagged else "miss"
    else:
        outcome = "false_alarm" if flagged else "correct_rejection"
    caught: list[dict[str, Any]] = []
    missed: list[str] = []
    for d in defects:
        naming = [f for f in findings if _names(f, d)]
        if naming:
            caught.append({"id": d["id"], "located": any(is_located(f, d) for f in naming),
                           "named_as": sorted({f.id for f in naming})})
        else:
            missed.append(str(d["id"]))
    false_findings = [
        {"id": f.id, "view": f.view}
        for f in findings
        if not any(_names(f, d) for d in defects)
    ]
    if signal:
        n = len(defects)
        score = (40.0 * flagged + 40.0 * len(caught) / n
                 + 20.0 * sum(c["located"] for c in caught) / n - 10.0 * len(false_findings))
    else:
        score = 40.0 * (not flagged) + max(0.0, 60.0 - 20.0 * len(false_findings))
    return ItemResult(
        item_id=str(answer.get("id")),
        signal=signal,
        decision=decision,
        outcome=outcome,
        caught=tuple(caught),
        missed=tuple(missed),
        false_findings=tuple(false_findings),
        score=round(min(100.0, max(0.0, score)), 1),
        time_spent_s=float(time_spent_s),
        defects=tuple(str(d["id"]) for d in defects),
    )


@dataclass(frozen=True, slots=True)
class Summary:
    """Aggregate of item results: counts, signal detection, mean score, median time."""

    items: int
    sdt: SdtStats
    mean_score: float | None
    median_time_s: float | None
    defects_planted: int
    defects_caught: int
    defects_located: int
    false_findings: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "items": self.items,
            **self.sdt.to_dict(),
            "mean_score": self.mean_score,
            "median_time_s": self.median_time_s,
            "defects_planted": self.defects_planted,
            "defects_caught": self.defects_caught,
            "defects_located": self.defects_located,
            "false_findings": self.false_findings,
        }


def summarize(results: Iterable[Mapping[str, Any]]) -> Summary:
    """Summarise item results (``ItemResult.to_dict()`` mappings).

    >>> rs = [{"signal": True, "outcome": "hit", "score": 90, "time_spent_s": 40,
    ...        "caught": [{"located": True}], "missed": [], "false_findings": []},
    ...       {"signal": False, "outcome": "correct_rejection", "score": 100, "time_spent_s": 20,
    ...        "caught": [], "missed": [], "false_findings": []}]
    >>> s = summarize(rs)
    >>> s.sdt.hits, s.sdt.noise, s.mean_score, s.median_time_s
    (1, 1, 95.0, 30.0)
    """
    rows = list(results)
    signals = sum(1 for r in rows if r["signal"])
    hits = sum(1 for r in rows if r["outcome"] == "hit")
    noise = len(rows) - signals
    fas = sum(1 for r in rows if r["outcome"] == "false_alarm")
    times = [float(r["time_spent_s"]) for r in rows]
    return Summary(
        items=len(rows),
        sdt=sdt(hits, signals, fas, noise),
        mean_score=round(statistics.fmean(float(r["score"]) for r in rows), 1) if rows else None,
        median_time_s=statistics.median(times) if times else None,
        defects_planted=sum(len(r["caught"]) + len(r["missed"]) for r in rows),
        defects_caught=sum(len(r["caught"]) for r in rows),
        defects_located=sum(1 for r in rows for c in r["caught"] if c["located"]),
        false_findings=sum(len(r["false_findings"]) for r in rows),
    )
