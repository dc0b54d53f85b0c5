"""Document models: the fictional designs as data (layout, fonts, inks, security features).

A model describes one document type of one fictional issuer: its size (ICAO Doc 9303 Part 4
TD3 125 x 88 mm, Part 5 TD1 85.6 x 54 mm, Part 6 TD2 105 x 74 mm, Part 7 MRV-A 120 x 80 mm),
its sides, the boxes of the visual-zone fields, the machine-readable zone and the portrait, and
its security features with how each looks in each light (white, UV 365 nm, IR, transmitted,
tilt). Geometry is in millimetres from the top-left corner of a side; the canonical frame is
600 dpi and a box converts to pixels with ``mm * dpi / 25.4``.

Models live in ``docsec/models/data/<model_id>.json`` (rebuilt by ``scripts/make_models.py``);
``feature_checks.json`` next to them lists the per-feature check IDs
(``feature.<feature_id>.<property>``) that the defect catalogue and the feature inspection share.

Both the generator (to render) and the checks (to compare) import this package; it never
imports :mod:`docsec.generate`.

>>> m = get_model("uto_passport_td3")
>>> m.issuer, m.kind, m.size_mm, m.canonical_px()
('UTO', 'passport_td3', (125.0, 88.0), (2953, 2079))
>>> m.box_px(m.mrz.box_mm, dpi=300) if m.mrz else None
(47, 791, 1382, 201)
>>> get_model("xxx_passport")
Traceback (most recent call last):
...
docsec.errors.InvalidComponent: unknown document model 'xxx_passport'
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docsec.errors import InvalidComponent

if TYPE_CHECKING:
    from docsec.mrz import MRZFormat

__all__ = [
    "CANONICAL_DPI",
    "FANTASY_MODEL_IDS",
    "FONT_FILES",
    "MONTHS",
    "MODEL_IDS",
    "MRZ_LEFT_MM",
    "MRZ_LINE_PITCH_MM",
    "MRZ_PITCH_MM",
    "DocumentModel",
    "FeatureCheck",
    "FeatureSpec",
    "FieldSpec",
    "InkSpec",
    "TitleSpec",
    "ZoneSpec",
    "feature_checks",
    "format_date",
    "get_model",
    "load_models",
    "mm_to_px",
]

CANONICAL_DPI = 600
MODEL_IDS = (
    "uto_passport_td3",
    "uto_id_td1",
    "uto_card_td2",
    "uto_visa_mrva",
    "zza_passport_td3",
    "zzb_id_td1",
    "uto_vehicle_registration",
)
#: Fantasy documents (DOMAIN.md §1.7): designs of a state or organisation that issues no such
#: document. :func:`get_model` knows them; :func:`load_models` and :data:`MODEL_IDS` list only
#: the models of issuers, so a fantasy document is never a genuine item.
FANTASY_MODEL_IDS = ("xzf_passport_td3",)

# How docsec prints an MRZ inside a model's MRZ box: one definition for the generator (which
# prints it) and the reader (which maps the read grid back onto the page).
#: Character pitch: 10 characters per 25.4 mm (ICAO 9303-3 §4.2.2).
MRZ_PITCH_MM = 2.54
#: Line pitch; the block of lines is centred vertically in the box (closer if the box is short).
MRZ_LINE_PITCH_MM = 4.3
#: Left edge of the first character cell inside the MRZ box.
MRZ_LEFT_MM = 1.0

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
#: The font file of each typeface a model names (``FieldSpec.font``): DejaVu, Debian's
#: ``fonts-dejavu-core``, as the designs are set. One table for the generator (which sets
#: the fields), the reader (which checks a reading against its print) and the typeface check.
FONT_FILES: Mapping[str, Path] = {
    "sans": _DEJAVU / "DejaVuSans.ttf",
    "sans_bold": _DEJAVU / "DejaVuSans-Bold.ttf",
    "condensed": _DEJAVU / "DejaVuSansCondensed.ttf",
    "serif": _DEJAVU / "DejaVuSerif.ttf",
    "mono": _DEJAVU / "DejaVuSansMono.ttf",
}

#: Month abbreviations of the ``dd_mon_yyyy`` date style (ICAO 9303-3 §4.4.2's visual zone
#: date: day, the month's three letters, year).
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def format_date(day: dt.date, style: str) -> str:
    """A date as a model's visual zone prints it in its ``date_style`` (``12 AUG 1974`` or
    ``12.08.1974``): one definition for the generator, the reader and the checks.

    >>> format_date(dt.date(1974, 8, 12), "dd_mon_yyyy")
    '12 AUG 1974'
    >>> format_date(dt.date(1974, 8, 12), "dmy_dots")
    '12.08.1974'
    """
    if style == "dmy_dots":
        return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year:04d}"


BoxMM = tuple[float, float, float, float]


def mm_to_px(mm: float, dpi: int) -> int:
    """Millimetres to whole pixels at ``dpi`` (``round(mm * dpi / 25.4)``).

    >>> mm_to_px(25.4, 300)
    300
    """
    return round(mm * dpi / 25.4)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One visual-zone field: where it is printed, with which font, script and ink."""

    name: str
    label: str
    side: str
    box_mm: BoxMM
    font: str
    script: str
    ink: str
    size_mm: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "name": self.name,
            "label": self.label,
            "side": self.side,
            "box_mm": list(self.box_mm),
            "font": self.font,
            "script": self.script,
            "ink": self.ink,
            "size_mm": self.size_mm,
        }


@dataclass(frozen=True, slots=True)
class ZoneSpec:
    """A zone on one side (the MRZ, the portrait)."""

    side: str
    box_mm: BoxMM

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"side": self.side, "box_mm": list(self.box_mm)}


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One security feature and its behaviour per view (DOMAIN.md §2.3).

    ``views`` maps a view (``white``, ``uv365``, ``ir``, ``transmitted``, ``tilt``) to the
    expected look (``dull``, ``fluoresce``, ``invisible``, ``dark``, ``dynamic`` ...).
    """

    id: str
    kind: str
    side: str
    box_mm: BoxMM
    views: Mapping[str, str]
    params: Mapping[str, Any]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "id": self.id,
            "kind": self.kind,
            "side": self.side,
            "box_mm": list(self.box_mm),
            "views": dict(self.views),
            "params": dict(self.params),
        }


@dataclass(frozen=True, slots=True)
class InkSpec:
    """How an ink looks: RGB colour in white light, darkness in IR and UV, shadow in transmitted.

    Carbon-black inks absorb IR ("B900"); dye inks drop out in IR (DOMAIN.md §2.3 row 4).
    """

    name: str
    white: tuple[int, int, int]
    ir: float
    uv: float
    transmitted: float


@dataclass(frozen=True, slots=True)
class TitleSpec:
    """Static printed text of the design (title line)."""

    side: str
    text: str
    xy_mm: tuple[float, float]
    size_mm: float


@dataclass(frozen=True, slots=True)
class DocumentModel:
    """A document type of one fictional issuer, as data."""

    id: str
    issuer: str
    issuer_name: str
    kind: str
    format_name: str | None
    document_code: str | None
    size_mm: tuple[float, float]
    sides: tuple[str, ...]
    script: str
    date_style: str
    validity_years: int
    number_prefix: str
    titles: tuple[TitleSpec, ...]
    fields: tuple[FieldSpec, ...]
    mrz: ZoneSpec | None
    portrait: ZoneSpec | None
    features: tuple[FeatureSpec, ...]
    inks: Mapping[str, InkSpec]
    palette: Mapping[str, Any]
    vin_plate_mm: tuple[float, float] | None = None

    @property
    def format(self) -> MRZFormat | None:
        """The MRZ format (a ``docsec.mrz.MRZFormat``), None for documents without an MRZ."""
        if self.format_name is None:
            return None
        from docsec.mrz.formats import MRZFormat

        return MRZFormat(self.format_name)

    def canonical_px(self, dpi: int = CANONICAL_DPI) -> tuple[int, int]:
        """Pixel size ``(width, height)`` of one side at ``dpi``."""
        return mm_to_px(self.size_mm[0], dpi), mm_to_px(self.size_mm[1], dpi)

    @staticmethod
    def box_px(box_mm: BoxMM, dpi: int = CANONICAL_DPI) -> tuple[int, int, int, int]:
        """Box ``(x, y, w, h)`` in millimetres to pixels ``(x, y, w, h)`` at ``dpi``."""
        x, y, w, h = box_mm
        x0, y0 = mm_to_px(x, dpi), mm_to_px(y, dpi)
        return x0, y0, max(1, mm_to_px(x + w, dpi) - x0), max(1, mm_to_px(y + h, dpi) - y0)

    def field(self, name: str) -> FieldSpec:
        """The field called ``name`` (raises InvalidComponent if the model has none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise InvalidComponent(f"model {self.id!r} has no field {name!r}")

    def feature(self, feature_id: str) -> FeatureSpec:
        """The feature with id ``feature_id`` (raises InvalidComponent if absent)."""
        for f in self.features:
            if f.id == feature_id:
                return f
        raise InvalidComponent(f"model {self.id!r} has no feature {feature_id!r}")

    def has_feature(self, feature_id: str) -> bool:
        """Whether the model carries the feature ``feature_id``."""
        return any(f.id == feature_id for f in self.features)

    def view_names(self, *, tilt_frames: int = 3) -> tuple[str, ...]:
        """Names of every view of the model (``white``, ``uv365`` ... and ``*_back``)."""
        base = ("white", "uv365", "ir", "transmitted") + tuple(
            f"tilt_{k}" for k in range(1, tilt_frames + 1)
        )
        names: list[str] = []
        for side in self.sides:
            suffix = "" if side == "front" else f"_{side}"
            names.extend(f"{b}{suffix}" for b in base)
        if self.vin_plate_mm is not None:
            names.append("vin_plate")
        return tuple(names)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (the fields an answer key or a lab page needs)."""
        return {
            "id": self.id,
            "issuer": self.issuer,
            "issuer_name": self.issuer_name,
            "kind": self.kind,
            "format": self.format_name,
            "size_mm": list(self.size_mm),
            "sides": list(self.sides),
            "fields": [f.to_dict() for f in self.fields],
            "mrz": self.mrz.to_dict() if self.mrz else None,
            "portrait": self.portrait.to_dict() if self.portrait else None,
            "features": [f.to_dict() for f in self.features],
        }


@dataclass(frozen=True, slots=True)
class FeatureCheck:
    """A per-feature check ID (``feature.<feature_id>.<property>``) and its definition."""

    id: str
    definition: str


def _box(v: Any) -> BoxMM:
    x, y, w, h = (float(t) for t in v)
    return (x, y, w, h)


def _zone(v: Any) -> ZoneSpec | None:
    if v is None:
        return None
    return ZoneSpec(side=str(v["side"]), box_mm=_box(v["box_mm"]))


def _parse(raw: Mapping[str, Any]) -> DocumentModel:
    try:
        inks = {
            name: InkSpec(
                name=name,
                white=(int(i["white"][0]), int(i["white"][1]), int(i["white"][2])),
                ir=float(i["ir"]),
                uv=float(i["uv"]),
                transmitted=float(i["transmitted"]),
            )
            for name, i in raw["inks"].items()
        }
        plate = raw.get("vin_plate")
        return DocumentModel(
            id=str(raw["id"]),
            issuer=str(raw["issuer"]),
            issuer_name=str(raw["issuer_name"]),
            kind=str(raw["kind"]),
            format_name=raw["format"],
            document_code=raw["document_code"],
            size_mm=(float(raw["size_mm"][0]), float(raw["size_mm"][1])),
            sides=tuple(raw["sides"]),
            script=str(raw["script"]),
            date_style=str(raw["date_style"]),
            validity_years=int(raw["validity_years"]),
            number_prefix=str(raw["number_prefix"]),
            titles=tuple(
                TitleSpec(
                    side=t["side"],
                    text=t["text"],
                    xy_mm=(float(t["xy_mm"][0]), float(t["xy_mm"][1])),
                    size_mm=float(t["size_mm"]),
                )
                for t in raw["titles"]
            ),
            fields=tuple(
                FieldSpec(
                    name=f["name"],
                    label=f["label"],
                    side=f["side"],
                    box_mm=_box(f["box_mm"]),
                    font=f["font"],
                    script=f["script"],
                    ink=f["ink"],
                    size_mm=float(f["size_mm"]),
                )
                for f in raw["fields"]
            ),
            mrz=_zone(raw["mrz"]),
            portrait=_zone(raw["portrait"]),
            features=tuple(
                FeatureSpec(
                    id=f["id"],
                    kind=f["kind"],
                    side=f["side"],
                    box_mm=_box(f["box_mm"]),
                    views=dict(f["views"]),
                    params=dict(f["params"]),
                )
                for f in raw["features"]
            ),
            inks=inks,
            palette=dict(raw["palette"]),
            vin_plate_mm=(
                (float(plate["size_mm"][0]), float(plate["size_mm"][1])) if plate else None
            ),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InvalidComponent(f"malformed document model {raw.get('id')!r}: {exc}") from exc


@functools.cache
def load_models() -> Mapping[str, DocumentModel]:
    """Every document model shipped in ``docsec/models/data``, by id (cached)."""
    out: dict[str, DocumentModel] = {}
    root = resources.files("docsec.models") / "data"
    for model_id in MODEL_IDS:
        text = (root / f"{model_id}.json").read_text(encoding="utf-8")
        out[model_id] = _parse(json.loads(text))
    return out


@functools.cache
def _fantasy_models() -> Mapping[str, DocumentModel]:
    root = resources.files("docsec.models") / "data"
    return {m: _parse(json.loads((root / f"{m}.json").read_text(encoding="utf-8")))
            for m in FANTASY_MODEL_IDS}


def get_model(model_id: str) -> DocumentModel:
    """The model ``model_id``, of an issuer or a fantasy document (raises
    :class:`~docsec.errors.InvalidComponent` if unknown)."""
    model = load_models().get(model_id) or _fantasy_models().get(model_id)
    if model is None:
        raise InvalidComponent(f"unknown document model {model_id!r}")
    return model


@functools.cache
def feature_checks() -> Mapping[str, FeatureCheck]:
    """The per-feature check IDs with a one-line definition each (``feature_checks.json``)."""
    root = resources.files("docsec.models") / "data"
    raw = json.loads((root / "feature_checks.json").read_text(encoding="utf-8"))
    return {c["id"]: FeatureCheck(id=c["id"], definition=c["definition"]) for c in raw["checks"]}
