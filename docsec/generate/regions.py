"""Named regions of a document side for the loupe and the microscope (DOMAIN.md §5).

A first-line officer puts a loupe (about 8x) over the places where a counterfeit gives itself
away at close range: the microprint, a corner of the guilloche, the edge of the portrait. A
second- or third-line examiner looks at chosen regions under a microscope (1200-2400 dpi):
the same places, the rainbow background and a personalised field. Each region is a fixed
field of view placed on the model's own features (:func:`region_box`), so its place says
nothing about an item; a model without the feature has no such region.

>>> from docsec.models import get_model
>>> region_box(get_model("uto_passport_td3"), "microprint", MAG_FIELD_MM)[0]
'front'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docsec.errors import InvalidComponent
from docsec.models import DocumentModel

__all__ = [
    "LOUPE_FIELD_MM",
    "LOUPE_MAGNIFICATION",
    "LOUPE_REGIONS",
    "MAG_DPI",
    "MAG_FIELD_MM",
    "REGIONS",
    "RegionView",
    "loupe_dpi",
    "region_box",
    "region_views",
]

BoxMM = tuple[float, float, float, float]

#: Where each region sits, by what it looks at.
REGIONS = ("microprint", "guilloche", "rainbow", "portrait", "personalisation", "mrz")
#: The regions of a loupe view (level 1): microprint, guilloche corner, portrait edge.
LOUPE_REGIONS = ("microprint", "guilloche", "portrait")
#: A loupe magnifies about 8 times (DOMAIN.md §5: first line's magnifier): its view is the
#: page at 8 times the resolution of the trainee's other views.
LOUPE_MAGNIFICATION = 8
#: Field shown by a loupe view (mm): the sharp centre of an 8x loupe's field, as a trainee
#: would photograph it through the lens.
LOUPE_FIELD_MM = (8.0, 5.0)
#: Resolution of a magnified (microscope) view (level 3).
MAG_DPI = 2400
#: Field of a magnified view (mm).
MAG_FIELD_MM = (4.0, 3.0)
#: Highest loupe resolution (the microscope's).
_MAX_LOUPE_DPI = 2400


def loupe_dpi(view_dpi: int) -> int:
    """Resolution of a loupe view beside views at ``view_dpi``."""
    return min(_MAX_LOUPE_DPI, LOUPE_MAGNIFICATION * view_dpi)


@dataclass(frozen=True, slots=True)
class RegionView:
    """A magnified view to render: its name, the side, the box on it (mm) and the dpi."""

    name: str
    side: str
    box_mm: BoxMM
    dpi: int


def _field(anchor_xy: tuple[float, float], field_mm: tuple[float, float],
           model: DocumentModel) -> BoxMM:
    """A field of ``field_mm`` centred on ``anchor_xy``, moved inside the side."""
    fw, fh = field_mm
    sw, sh = model.size_mm
    x = min(max(0.0, anchor_xy[0] - fw / 2), sw - fw)
    y = min(max(0.0, anchor_xy[1] - fh / 2), sh - fh)
    return round(x, 2), round(y, 2), fw, fh


def region_box(model: DocumentModel, name: str,
               field_mm: tuple[float, float]) -> tuple[str, BoxMM] | None:
    """Side and box (mm) of region ``name`` on ``model`` (None when the model lacks it).

    Raises :class:`InvalidComponent` for a name not in :data:`REGIONS`.
    """
    if name not in REGIONS:
        raise InvalidComponent(f"unknown region {name!r}; regions: {', '.join(REGIONS)}")
    fw, fh = field_mm
    feats = {f.kind: f for f in reversed(model.features)}  # the first of each kind
    if name in ("microprint", "guilloche", "rainbow"):
        f = feats.get(name)
        if f is None:
            return None
        x, y, w, h = f.box_mm
        anchor = {
            # the start of the microprint line, away from the page edge
            "microprint": (x + min(w / 2, fw / 2 + 4.0), y + h / 2),
            # the top right corner of the guilloche, inside its box
            "guilloche": (x + w - fw / 2 - 1.0, y + fh / 2 + 1.0),
            # the bottom right of the rainbow background
            "rainbow": (x + w - fw / 2 - 2.0, y + h - fh / 2 - 2.0),
        }[name]
        return f.side, _field(anchor, field_mm, model)
    if name == "portrait":
        if model.portrait is None:
            return None
        x, y, w, h = model.portrait.box_mm
        return model.portrait.side, _field((x + w, y + h * 0.4), field_mm, model)
    if name == "mrz":
        if model.mrz is None:
            return None
        x, y, w, h = model.mrz.box_mm
        return model.mrz.side, _field((x + fw / 2 + 1.0, y + h / 2), field_mm, model)
    carbon = [f for f in model.fields if f.ink == "carbon"]
    if not carbon:
        return None
    spec = next((f for f in carbon if f.name == "surname"), carbon[0])
    x, y, w, h = spec.box_mm
    return spec.side, _field((x + fw / 2, y + h * 0.6), field_mm, model)


def region_views(model: DocumentModel, *, loupe: Sequence[str] = (),
                 magnified: Sequence[str] = (), view_dpi: int) -> list[RegionView]:
    """The loupe views (``loupe_<region>``) and magnified views (``mag_<region>``) of the
    regions named that ``model`` has; ``_back`` ends the name of a back-side region.

    Raises :class:`InvalidComponent` for an unknown region name.
    """
    out: list[RegionView] = []
    for prefix, names, field_mm, dpi in (("loupe", loupe, LOUPE_FIELD_MM, loupe_dpi(view_dpi)),
                                         ("mag", magnified, MAG_FIELD_MM, MAG_DPI)):
        for name in dict.fromkeys(names):
            where = region_box(model, name, field_mm)
            if where is None:
                continue
            side, box = where
            suffix = "" if side == "front" else f"_{side}"
            out.append(RegionView(f"{prefix}_{name}{suffix}", side, box, dpi))
    return out
