"""What to print on one document: the personalisation items and the state of each feature.

A :class:`Plan` is the bridge between the data of a document (identity, MRZ, defects) and its
pixels: :mod:`docsec.generate.render` turns a plan into views and never looks at the data.
Defects (:mod:`docsec.generate.defects`) act on the plan: they swap an ink, replace a portrait,
switch a feature into its counterfeit state, so the answer key can say exactly which items,
regions and views they touched.

Feature states (``Plan.states``; the genuine state is listed first):

================  =====================================================================
feature           states
================  =====================================================================
uv_substrate      ``dull`` | ``bright`` (paper with optical brightener)
uv_fibres         ``embedded`` | ``absent`` | ``printed`` (fixed positions, visible in white)
uv_emblem         ``uv_only`` | ``absent`` | ``visible_in_white``
guilloche         ``genuine`` | ``scan_print`` (blur + halftone + colour shift)
microprint        ``sharp`` | ``blurred``
rainbow           ``smooth`` | ``halftone``
watermark         ``in_paper`` | ``on_surface``
security_thread   ``embedded`` | ``absent``
hologram          ``dynamic`` | ``static`` | ``absent``
ovi               ``shift`` | ``static``
latent_image      ``present`` | ``absent``
================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

__all__ = ["GENUINE_STATES", "ImageItem", "Plan", "PlantedDefect", "TextItem", "Trace"]

BoxPx = tuple[int, int, int, int]
Redraw = Callable[[int, BoxPx], "tuple[BoxPx, NDArray[np.uint8]] | None"]
"""Draws a text item again at another dpi over a window (pixels of the side at that dpi):
its part in the window, as a box in the window's frame and a coverage mask (None if none)."""
Polygon = tuple[tuple[float, float], ...]

GENUINE_STATES: Mapping[str, str] = {
    "uv_substrate": "dull",
    "uv_fibres": "embedded",
    "uv_emblem": "uv_only",
    "guilloche": "genuine",
    "microprint": "sharp",
    "rainbow": "smooth",
    "watermark": "in_paper",
    "security_thread": "embedded",
    "hologram": "dynamic",
    "ovi": "shift",
    "latent_image": "present",
}


@dataclass(frozen=True, slots=True)
class TextItem:
    """One printed string: a coverage mask in its box, printed with an ink of the model."""

    key: str
    side: str
    box_px: BoxPx
    mask: NDArray[np.uint8]
    ink: str
    redraw: Redraw | None = field(default=None, compare=False)
    """The item drawn again as outlines at another dpi (a magnified view), when known."""
    process: str = "genuine"
    """How it was printed: ``genuine`` (the model's own technique) or ``inkjet`` (another
    printer's, which a magnified view resolves into drops)."""


@dataclass(frozen=True, slots=True)
class ImageItem:
    """A personalised image (portrait RGB, ghost image gray) in its box."""

    key: str
    side: str
    box_px: BoxPx
    image: NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Trace:
    """A local trace of tampering over the finished print of a side, in a box.

    Kinds (:func:`docsec.generate.render.render_views` draws each in its lights):
    ``uv_stain`` (chemical erasure: a fluorescent halo under UV), ``thin_spot`` (mechanical
    erasure: thinner paper, brighter in transmitted light, raised fibres in reflected light),
    ``cut_edge`` (a cut through the laminate around a substituted photo), ``glue`` (adhesive
    seeping from under the photo, fluorescent under UV), ``photo_paper`` (a photo printed on
    paper with optical brightener), ``laminate`` (a re-laminated page: trapped bubbles and an
    uneven film that catch the light when tilted).
    """

    kind: str
    side: str
    box_px: BoxPx
    seed: int


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything :func:`docsec.generate.render.render_views` draws for one document."""

    model_id: str
    dpi: int
    texts: tuple[TextItem, ...] = ()
    images: tuple[ImageItem, ...] = ()
    perforation: tuple[str, str, BoxPx] | None = None
    """(side, number, box) of the laser-perforated number."""
    fibre_seed: int = 0
    states: Mapping[str, str] = field(default_factory=lambda: dict(GENUINE_STATES))
    vin_plate: str | None = None
    """VIN stamped on the vehicle's VIN plate (vehicle certificates only)."""
    vin_maker: str | None = None
    """Maker's name cast on the VIN plate."""
    traces: tuple[Trace, ...] = ()

    def with_state(self, feature: str, state: str) -> Plan:
        """A copy with ``feature`` switched to ``state``."""
        return replace(self, states={**self.states, feature: state})

    def text(self, key: str) -> TextItem:
        """The text item ``key`` (KeyError if absent)."""
        for t in self.texts:
            if t.key == key:
                return t
        raise KeyError(key)

    def with_text(self, item: TextItem) -> Plan:
        """A copy with the text item of the same key replaced by ``item``."""
        return replace(self, texts=tuple(item if t.key == item.key else t for t in self.texts))

    def with_image(self, item: ImageItem) -> Plan:
        """A copy with the image item of the same key replaced by ``item``."""
        return replace(self, images=tuple(item if t.key == item.key else t for t in self.images))


@dataclass(frozen=True, slots=True)
class PlantedDefect:
    """One planted defect as the answer key records it (what was planted, never what a check found).

    ``regions`` are ``(space, polygon_xy)`` pairs: ``space`` is the side (``front``, ``back``)
    or ``vin_plate``, the polygon is in the pixels of that uncaptured view at the document's dpi
    (``regions_canonical`` in :meth:`to_dict` gives them in the 600 dpi canonical frame);
    the regions include the items a change contradicts (the MRZ of an altered visual-zone
    field, the ghost image of a substituted portrait); ``changed_views`` are the views whose
    pixels the defect changed and ``views`` those of them that reveal it; ``fields`` the data
    fields it changed; ``checks`` the check IDs it must trip; ``action`` what the officer
    should do (``refer`` to second line, ``reject``).
    """

    id: str
    views: tuple[str, ...]
    regions: tuple[tuple[str, Polygon], ...]
    checks: tuple[str, ...]
    fields: tuple[str, ...] = ()
    note: str = ""
    changed_views: tuple[str, ...] = ()
    action: str = "refer"

    @property
    def region(self) -> Polygon:
        """Bounding polygon of the regions in the first space (empty if there is none)."""
        if not self.regions:
            return ()
        space = self.regions[0][0]
        pts = [p for s, r in self.regions if s == space for p in r]
        if not pts:
            return ()
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))

    def to_dict(self, *, dpi: int | None = None) -> dict[str, object]:
        """JSON-ready mapping; with ``dpi`` also the regions in the canonical 600 dpi frame."""
        out: dict[str, object] = {
            "id": self.id,
            "views": list(self.views),
            "changed_views": list(self.changed_views),
            "action": self.action,
            "region": {
                "space": self.regions[0][0] if self.regions else None,
                "polygon_xy": [list(p) for p in self.region],
            },
            "regions": [{"space": s, "polygon_xy": [list(p) for p in r]} for s, r in self.regions],
            "checks": list(self.checks),
            "fields": list(self.fields),
            "note": self.note,
        }
        if dpi is not None:
            k = 600 / dpi
            out["regions_canonical"] = [
                {"space": s, "polygon_xy": [[round(x * k, 1), round(y * k, 1)] for x, y in r]}
                for s, r in self.regions
            ]
        return out
