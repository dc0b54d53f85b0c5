"""Make one synthetic document: identity -> content -> defects -> plan -> views.

The randomness of a document is split into independent streams (identity, portrait, fibres,
defects, vehicle) spawned from the one ``rng``, so planting a defect never shifts the draws of
the rest: the genuine and the defective document of one seed differ only where the defect
says (the answer key).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from docsec.errors import InvalidComponent
from docsec.generate import defects as defect_mod
from docsec.generate.content import Content, make_content
from docsec.generate.identities import Holder, make_identity
from docsec.generate.plan import ImageItem, Plan, PlantedDefect, TextItem
from docsec.generate.regions import RegionView
from docsec.generate.render import (
    render_region,
    render_views,
    side_of,
    view_family,
    view_names,
)
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


BoxPx = tuple[int, int, int, int]


def _field_layout(model: DocumentModel, name: str, value: str, dpi: int,
                  font_name: str) -> tuple[BoxPx, int]:
    """Box of a visual-zone value (below its label) and its type size, shrunk to fit."""
    spec = model.field(name)
    box = DocumentModel.box_px(spec.box_mm, dpi)
    label_h = mm_to_px(1.9, dpi)
    vbox = (box[0], box[1] + label_h, box[2], max(1, box[3] - label_h))
    size_px = mm_to_px(spec.size_mm, dpi)
    f = font(font_name, size_px)
    width = f.getlength(value) if value else 0.0
    if width > vbox[2] - 2:
        size_px = max(4, int(size_px * (vbox[2] - 2) / width))
    return vbox, size_px


def _field_mask(
    model: DocumentModel, name: str, value: str, dpi: int, font_name: str
) -> tuple[tuple[int, int, int, int], NDArray[np.uint8]]:
    """Box and coverage mask of a visual-zone value (below its label, shrunk to fit)."""
    vbox, size_px = _field_layout(model, name, value, dpi, font_name)
    mask = text_mask(value, vbox[2:4], font=font_name, size_px=size_px, offset_xy=(1, 0))
    return vbox, mask


def _in_window(box: BoxPx, win: BoxPx) -> tuple[BoxPx, BoxPx] | None:
    """The part of ``box`` inside ``win``: in the box's frame and in the window's."""
    x0, y0 = max(box[0], win[0]), max(box[1], win[1])
    x1, y1 = min(box[0] + box[2], win[0] + win[2]), min(box[1] + box[3], win[1] + win[3])
    if x1 <= x0 or y1 <= y0:
        return None
    w, h = x1 - x0, y1 - y0
    return (x0 - box[0], y0 - box[1], w, h), (x0 - win[0], y0 - win[1], w, h)


def _field_redraw(model: DocumentModel, name: str, value: str, font_name: str,
                  page_dpi: int) -> Callable[[int, BoxPx], tuple[BoxPx, NDArray[np.uint8]] | None]:
    def redraw(dpi: int, win: BoxPx) -> tuple[BoxPx, NDArray[np.uint8]] | None:
        vbox, size_px = _field_layout(model, name, value, dpi, font_name)
        # the type size that fits at the page's dpi, scaled (the same text, magnified)
        size_px = max(4, round(_field_layout(model, name, value, page_dpi, font_name)[1]
                               * dpi / page_dpi))
        part = _in_window(vbox, win)
        if part is None:
            return None
        return part[1], text_mask(value, vbox[2:4], font=font_name, size_px=size_px,
                                  offset_xy=(round(dpi / page_dpi), 0), window=part[0])
    return redraw


def _mrz_redraw(model: DocumentModel, lines: tuple[str, ...],
                font_name: str) -> Callable[[int, BoxPx], tuple[BoxPx, NDArray[np.uint8]] | None]:
    assert model.mrz is not None
    box_mm = model.mrz.box_mm

    def redraw(dpi: int, win: BoxPx) -> tuple[BoxPx, NDArray[np.uint8]] | None:
        box = DocumentModel.box_px(box_mm, dpi)
        part = _in_window(box, win)
        if part is None:
            return None
        return part[1], mrz_mask(lines, box[2:4], dpi=dpi, font_name=font_name,
                                 window=part[0])
    return redraw


def build_plan(model: DocumentModel, content: Content, *, dpi: int, fibre_seed: int,
               portrait: NDArray[np.uint8] | None, ghost: NDArray[np.uint8] | None) -> Plan:
    """The personalisation plan of ``content`` on ``model`` at ``dpi`` (all features genuine)."""
    texts: list[TextItem] = []
    for spec in model.fields:
        value = content.viz.get(spec.name, "")
        fname = content.fonts.get(spec.name, spec.font)
        box, mask = _field_mask(model, spec.name, value, dpi, fname)
        ink = content.inks.get(spec.name, spec.ink)
        # A field in another ink than the model's was printed by another device (a forger's
        # inkjet printer): a magnified view shows its drops.
        texts.append(TextItem(spec.name, spec.side, box, mask, ink,
                              _field_redraw(model, spec.name, value, fname, dpi),
                              "genuine" if ink == spec.ink else "inkjet"))
    if model.mrz is not None and content.mrz_lines is not None:
        box = DocumentModel.box_px(model.mrz.box_mm, dpi)
        mrz_font = content.fonts.get("mrz", "ocrb")
        mask = mrz_mask(content.mrz_lines, box[2:4], dpi=dpi, font_name=mrz_font)
        texts.append(TextItem("mrz", model.mrz.side, box, mask, content.inks.get("mrz", "carbon"),
                              _mrz_redraw(model, content.mrz_lines, mrz_font)))
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
    regions: Sequence[RegionView] = (),
    person: Holder | None = None,
    face_seed: int | None = None,
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
    regions : sequence of RegionView
        Loupe and magnified views to render as well (:func:`docsec.generate.regions.
        region_views`): each a box of a side at its own dpi, in white light, of the same
        document (:func:`docsec.generate.render.render_region`).
    person : Holder, optional
        The holder of another document presented with this one
        (:func:`docsec.generate.identities.make_identity`): the same person, and for a visa
        or a residence card the same nationality.
    face_seed : int, optional
        Seed of the holder's face (documents of one person show one face).
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
    if face_seed is not None:
        face_rng = np.random.default_rng(face_seed)
    holder, data = make_identity(model, rng=id_rng, reference_date=reference_date,
                                 person=person)
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
        if person is not None and person.nationality != model.issuer:
            nationality = person.nationality
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
    for rv in regions:
        if rv.name in rendered:
            raise InvalidComponent(f"view {rv.name!r} is listed twice")
        rendered[rv.name] = render_region(plan, rv.side, rv.box_mm, rv.dpi)["white"]
    answer = tuple(_with_regions(defect_mod.finish(p, model, rendered), regions, dpi)
                   for p in planted)
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


def _with_regions(planted: PlantedDefect, regions: Sequence[RegionView],
                  dpi: int) -> PlantedDefect:
    """Add the loupe and magnified views over a defect's regions to its answer-key entry: a
    region view is among the changed views when the defect changed white light on its side
    and one of its regions overlaps the view's field, and among the revealing views when the
    defect is revealed by that tool (the catalogue's ``reveal_views``: ``loupe``, ``mag``)."""
    if not regions:
        return planted
    spec = defect_mod.catalogue()[planted.id]
    white_sides = {side_of(v) for v in planted.changed_views
                   if view_family(v) in ("white", "tilt")}
    changed, revealing = list(planted.changed_views), list(planted.views)
    for rv in regions:
        if rv.side not in white_sides:
            continue
        x, y, w, h = DocumentModel.box_px(rv.box_mm, dpi)
        for space, poly in planted.regions:
            if space != rv.side or not poly:
                continue
            # one pixel of slack: the regions are whole pixels at the document's dpi, the
            # field is drawn from millimetres at its own
            xs, ys = [p[0] for p in poly], [p[1] for p in poly]
            if (min(xs) - 1 < x + w and max(xs) + 1 > x and min(ys) - 1 < y + h
                    and max(ys) + 1 > y):
                changed.append(rv.name)
                if view_family(rv.name) in spec.reveal_views:
                    revealing.append(rv.name)
                break
    return dataclasses.replace(planted, changed_views=tuple(changed), views=tuple(revealing))


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
        views = [v for v in view_names(model) if v != "vin_plate"]
    return render_views(plan, views=views)
