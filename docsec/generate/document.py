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
from typing import Any

import numpy as np
from numpy.typing import NDArray

from docsec.errors import InvalidComponent
from docsec.generate import defects as defect_mod
from docsec.generate.content import Content, make_content
from docsec.generate.identities import make_identity
from docsec.generate.plan import ImageItem, Plan, PlantedDefect, TextItem
from docsec.generate.render import TILT_FRAMES, render_views
from docsec.generate.text import font, mrz_mask, text_mask
from docsec.generate.vehicles import CHECK_DIGIT_ORIGINS, ORIGINS, make_vehicle_record
from docsec.models import DocumentModel, get_model, mm_to_px
from docsec.mrz import TRANSLITERATION_VERSION

__all__ = [
    "PlantedDefect",
    "SyntheticDocument",
    "build_plan",
    "make_document",
    "reference_views",
]


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
    scenario: str | None = None
    """The forgery scenario the defects make up (None for a drill or a genuine document)."""
    alert: Mapping[str, object] | None = None
    """The document's record in the lost, stolen and revoked documents extract, if any."""

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
            "scenario": self.scenario,
            "alert": dict(self.alert) if self.alert is not None else None,
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
        vin_maker=str(content.vehicle["make"]) if content.vehicle is not None else None,
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
    scenario: str | None = None,
    traveller: bool = False,
    vehicle_origin: str | None = None,
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
    scenario : str or None
        A forgery scenario (:func:`docsec.generate.defects.scenarios`): its defects are
        planted after ``defects``.
    vehicle_origin : str or None
        Vehicle certificates: where the vehicle was built (``North America``, ``Europe``,
        ``Asia``; drawn when None, North America for a check-digit defect).
    traveller : bool
        Also render ``traveller``, a photo of the person presenting the document (models with
        a portrait): its holder in another photo, or a look-alike (defect ``photo.impostor``).

    Returns
    -------
    SyntheticDocument

    Raises
    ------
    InvalidComponent
        Unknown model, view, defect or scenario, or one that does not apply to the model.
    """
    from docsec.generate.faces import make_face

    if not 50 <= dpi <= 1200:
        raise InvalidComponent(f"dpi must be between 50 and 1200, got {dpi}")
    model = get_model(model_id)
    if scenario is not None:
        spec = defect_mod.scenarios().get(scenario)
        if spec is None:
            raise InvalidComponent(f"unknown scenario {scenario!r}; docsec generate --list shows "
                                   "them")
        if scenario not in defect_mod.scenario_applicable(model):
            raise InvalidComponent(f"scenario {scenario!r} does not apply to model {model.id!r}")
        defects = (*defects, *(d for d in spec.defects if d not in defects))
    if len(set(defects)) != len(defects):
        raise InvalidComponent(f"a defect is listed twice: {list(defects)}")
    gen = np.random.default_rng(rng)
    id_rng, face_rng, fibre_rng, defect_rng, vehicle_rng = gen.spawn(5)
    holder, data = make_identity(model, rng=id_rng, reference_date=reference_date)
    vehicle: dict[str, object] | None = None
    nationality = None
    if model.kind == "vehicle_registration":
        # A planted check-digit error needs a VIN whose check digit is compulsory.
        cat = defect_mod.catalogue()
        needs_check_digit = any(e.name == "vin_check_digit" for d in defects if d in cat
                                for e in cat[d].effects)
        origins = ((vehicle_origin,) if vehicle_origin is not None
                   else CHECK_DIGIT_ORIGINS if needs_check_digit else ORIGINS)
        vehicle = make_vehicle_record(vehicle_rng, reference_date, origins=origins)
    if model.kind in ("visa_mrva", "card_td2"):  # visas and residence cards: foreigners
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
    # Every defect has its own stream, so a scenario's defects do not shift each other.
    defect_seed = int(defect_rng.integers(0, 2**63))
    streams = [defect_mod.defect_rng(defect_seed, d) for d in defects]
    for defect_id, stream in zip(defects, streams, strict=True):
        content, change = defect_mod.apply_data(defect_id, ctx, content, stream)
        planted.append(change)
    plan = build_plan(model, content, dpi=dpi, fibre_seed=fibre_seed, portrait=portrait,
                      ghost=ghost)
    for i, (defect_id, stream) in enumerate(zip(defects, streams, strict=True)):
        plan, planted[i] = defect_mod.apply_plan(defect_id, ctx, plan, planted[i], stream)
    rendered = render_views(plan, views=views)
    if traveller and face_params is not None:
        rendered["traveller"] = _traveller(face_params, gen.spawn(1)[0], content.impostor, dpi)
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
        scenario=scenario,
        alert=content.alert,
    )


def _traveller(face: Any, rng: np.random.Generator, impostor: bool,
               dpi: int) -> NDArray[np.uint8]:
    """A photo of the person presenting the document (35 x 45 mm at ``dpi``): the holder in
    another pose, clothes and light, or (``impostor``) a look-alike."""
    from docsec.generate.faces import lookalike, render_face

    size = (mm_to_px(35, dpi), mm_to_px(45, dpi))
    return render_face(lookalike(face, rng, strength=IMPOSTOR_LIKENESS if impostor else 0.0),
                       size)


#: How far an impostor's face is from the holder's (:func:`docsec.generate.faces.lookalike`).
IMPOSTOR_LIKENESS = 0.25


def reference_views(model_id: str, *, dpi: int,
                    views: Sequence[str] | None = None) -> dict[str, NDArray[np.uint8]]:
    """The model's unpersonalised genuine specimen in every light (or the ``views`` given):
    the design with no holder data, no portrait and no per-copy fibres, as a reference
    collection shows it. Deterministic: the design is fixed per model.

    Raises :class:`InvalidComponent` for an unknown model or view.
    """
    model = get_model(model_id)
    if not 50 <= dpi <= 1200:
        raise InvalidComponent(f"dpi must be between 50 and 1200, got {dpi}")
    plan = Plan(model_id=model.id, dpi=dpi).with_state("uv_fibres", "absent")
    if views is None:  # a VIN plate belongs to a vehicle, not to the document design
        views = [v for v in model.view_names(tilt_frames=TILT_FRAMES) if v != "vin_plate"]
    return render_views(plan, views=views)
