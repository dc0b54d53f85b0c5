"""Make one synthetic document: identity -> content -> defects -> plan -> views.

The randomness of a document is split into independent streams (identity, portrait, fibres,
defects, vehicle) spawned from the one ``rng``, so planting a defect never shifts the draws of
the rest: the genuine and the defective document of one seed differ only where the defect
says (the answer key).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from docsec.errors import InvalidComponent
from docsec.generate.content import Content, make_content
from docsec.generate.identities import make_identity
from docsec.generate.plan import ImageItem, Plan, TextItem
from docsec.generate.render import render_views
from docsec.generate.text import font, mrz_mask, text_mask
from docsec.models import DocumentModel, get_model, mm_to_px
from docsec.mrz import TRANSLITERATION_VERSION

__all__ = ["PlantedDefect", "SyntheticDocument", "build_plan", "make_document"]

Polygon = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class PlantedDefect:
    """One planted defect as the answer key records it (what was planted, never what a check found).

    ``regions`` are ``(space, polygon_xy)`` pairs: ``space`` is the side (``front``, ``back``)
    or ``vin_plate``, the polygon is in the pixels of that uncaptured view at the document's dpi
    (``regions_canonical`` in :meth:`to_dict` gives them in the 600 dpi canonical frame);
    ``views`` are the views whose pixels the defect changed; ``fields`` the data fields it
    changed; ``checks`` the check IDs it must trip.
    """

    id: str
    views: tuple[str, ...]
    regions: tuple[tuple[str, Polygon], ...]
    checks: tuple[str, ...]
    fields: tuple[str, ...] = ()
    note: str = ""

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


@dataclass(frozen=True, slots=True)
class SyntheticDocument:
    """A generated document: its views, what it prints, and the answer key of planted defects."""

    model_id: str
    format: str | None
    views: Mapping[str, NDArray[np.uint8]]
    mrz_lines: tuple[str, ...] | None
    fields: Mapping[str, str]
    genuine: bool
    answer_key: tuple[PlantedDefect, ...]
    dpi: int
    reference_date: datetime.date
    holder: Mapping[str, object] = field(default_factory=dict)
    vehicle: Mapping[str, object] | None = None
    transliteration_version: str = TRANSLITERATION_VERSION

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping of everything but the pixels."""
        return {
            "model": self.model_id,
            "format": self.format,
            "mrz": list(self.mrz_lines) if self.mrz_lines else None,
            "fields": dict(self.fields),
            "genuine": self.genuine,
            "defects": [d.to_dict(dpi=self.dpi) for d in self.answer_key],
            "dpi": self.dpi,
            "reference_date": self.reference_date.isoformat(),
            "holder": dict(self.holder),
            "vehicle": dict(self.vehicle) if self.vehicle is not None else None,
            "transliteration_version": self.transliteration_version,
            "views": sorted(self.views),
        }


def _field_mask(
    model: DocumentModel, name: str, value: str, dpi: int, font_name: str
) -> tuple[tuple[int, int, int, int], NDArray[np.uint8]]:
    """Box and coverage mask of a visual-zone value (below its label, shrunk to fit)."""
    spec = model.field(name)
    box = DocumentModel.box_px(spec.box_mm, dpi)
    label_h = mm_to_px(1.9, dpi)
    vbox = (box[0], box[1] + label_h, box[2], max(1, box[3] - label_h))
    size_px = mm_to_px(spec.size_mm, dpi)
    f = font(font_name, size_px)
    width = f.getlength(value) if value else 0.0
    if width > vbox[2] - 2:
        size_px = max(4, int(size_px * (vbox[2] - 2) / width))
    mask = text_mask(value, vbox[2:4], font=font_name, size_px=size_px, offset_xy=(1, 0))
    return vbox, mask


def build_plan(model: DocumentModel, content: Content, *, dpi: int, fibre_seed: int,
               portrait: NDArray[np.uint8] | None, ghost: NDArray[np.uint8] | None) -> Plan:
    """The personalisation plan of ``content`` on ``model`` at ``dpi`` (all features genuine)."""
    texts: list[TextItem] = []
    for spec in model.fields:
        value = content.viz.get(spec.name, "")
        fname = content.fonts.get(spec.name, spec.font)
        box, mask = _field_mask(model, spec.name, value, dpi, fname)
        ink = content.inks.get(spec.name, spec.ink)
        texts.append(TextItem(spec.name, spec.side, box, mask, ink))
    if model.mrz is not None and content.mrz_lines is not None:
        box = DocumentModel.box_px(model.mrz.box_mm, dpi)
        mask = mrz_mask(content.mrz_lines, box[2:4], dpi=dpi,
                        font_name=content.fonts.get("mrz", "ocrb"))
        texts.append(TextItem("mrz", model.mrz.side, box, mask, content.inks.get("mrz", "carbon")))
    images: list[ImageItem] = []
    if model.portrait is not None and portrait is not None:
        box = DocumentModel.box_px(model.portrait.box_mm, dpi)
        images.append(ImageItem("portrait", model.portrait.side, box, portrait))
    if ghost is not None and model.has_feature("ghost_image"):
        f = model.feature("ghost_image")
        box = DocumentModel.box_px(f.box_mm, dpi)
        images.append(ImageItem("ghost", f.side, box, ghost))
    perforation = None
    if content.perforation is not None and model.has_feature("laser_perforation"):
        f = model.feature("laser_perforation")
        perforation = (f.side, content.perforation, DocumentModel.box_px(f.box_mm, dpi))
    return Plan(
        model_id=model.id,
        dpi=dpi,
        texts=tuple(texts),
        images=tuple(images),
        perforation=perforation,
        fibre_seed=fibre_seed,
        vin_plate=content.vin_plate,
    )


def ghost_from(portrait: NDArray[np.uint8], size_xy: tuple[int, int]) -> NDArray[np.uint8]:
    """Ghost image: the portrait reduced, gray, low-contrast (1 = paper, dark = ink)."""
    from PIL import Image

    gray = np.asarray(Image.fromarray(portrait).convert("L").resize(size_xy,
                      Image.Resampling.BILINEAR), np.float32)
    lo, hi = np.percentile(gray, (2, 98))
    norm = np.clip((gray - lo) / max(1.0, hi - lo), 0.0, 1.0)
    ghost: NDArray[np.uint8] = (95 + norm * 155).astype(np.uint8)
    return ghost


def make_document(
    model_id: str,
    *,
    rng: np.random.Generator | int | None = None,
    defects: Sequence[str] = (),
    reference_date: datetime.date,
    dpi: int = 300,
    views: Sequence[str] | None = None,
) -> SyntheticDocument:
    """Generate one synthetic document of ``model_id`` with the ``defects`` planted.

    Parameters
    ----------
    model_id : str
        A model of :func:`docsec.models.load_models` (``uto_passport_td3`` ...).
    rng : numpy.random.Generator or int or None
        Source of randomness; the same seed gives byte-identical views.
    defects : sequence of str
        Defect IDs of the catalogue (:func:`docsec.generate.defects.catalogue`).
    reference_date : datetime.date
        The exercise's "today": a genuine document is valid on that day.
    dpi : int
        Output resolution of the views (geometry is in millimetres; 600 is canonical).
    views : sequence of str or None
        Views to render (all of the model's when None).

    Returns
    -------
    SyntheticDocument

    Raises
    ------
    InvalidComponent
        Unknown model, view or defect, or a defect that does not apply to the model.
    """
    from docsec.generate import defects as defect_mod
    from docsec.generate.faces import make_face

    if not 50 <= dpi <= 1200:
        raise InvalidComponent(f"dpi must be between 50 and 1200, got {dpi}")
    model = get_model(model_id)
    gen = np.random.default_rng(rng)
    id_rng, face_rng, fibre_rng, defect_rng, vehicle_rng = gen.spawn(5)
    holder, data = make_identity(model, rng=id_rng, reference_date=reference_date)
    vehicle: dict[str, object] | None = None
    nationality = None
    if model.kind == "vehicle_registration":
        vehicle = defect_mod.make_vehicle_record(vehicle_rng, reference_date)
    if model.kind == "visa_mrva":
        nationality = ("ZZA", "ZZB")[int(vehicle_rng.integers(2))]
    content = make_content(model, holder, data, vehicle=vehicle, nationality=nationality)
    portrait = ghost = None
    face_params = None
    if model.portrait is not None:
        pbox = DocumentModel.box_px(model.portrait.box_mm, dpi)
        age = (reference_date - holder.date_of_birth).days // 365
        portrait, face_params = make_face(face_rng, pbox[2:4], sex="F" if holder.sex == "F"
                                          else "M", age=age)
        if model.has_feature("ghost_image"):
            gbox = DocumentModel.box_px(model.feature("ghost_image").box_mm, dpi)
            ghost = ghost_from(portrait, gbox[2:4])
    fibre_seed = int(fibre_rng.integers(0, 2**31))
    planted: list[PlantedDefect] = []
    ctx = defect_mod.Context(model=model, dpi=dpi, reference_date=reference_date,
                             face_params=face_params)
    for defect_id in defects:
        content, change = defect_mod.apply_data(defect_id, ctx, content, defect_rng)
        planted.append(change)
    plan = build_plan(model, content, dpi=dpi, fibre_seed=fibre_seed, portrait=portrait,
                      ghost=ghost)
    for i, defect_id in enumerate(defects):
        plan, planted[i] = defect_mod.apply_plan(defect_id, ctx, plan, planted[i], defect_rng)
    rendered = render_views(plan, views=views)
    answer = tuple(defect_mod.finish(p, model, rendered) for p in planted)
    return SyntheticDocument(
        model_id=model.id,
        format=model.format_name,
        views=rendered,
        mrz_lines=content.mrz_lines,
        fields=dict(content.viz),
        genuine=not answer,
        answer_key=answer,
        dpi=dpi,
        reference_date=reference_date,
        holder=holder.to_dict(),
        vehicle=content.vehicle,
    )

