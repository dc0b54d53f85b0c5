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

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

__all__ = ["GENUINE_STATES", "ImageItem", "Plan", "TextItem"]

BoxPx = tuple[int, int, int, int]

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


@dataclass(frozen=True, slots=True)
class ImageItem:
    """A personalised image (portrait RGB, ghost image gray) in its box."""

    key: str
    side: str
    box_px: BoxPx
    image: NDArray[np.uint8]


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
