"""The defect catalogue and how each defect is planted (DOMAIN.md §3).

The catalogue is data (``data/defects.json``): stable IDs, PRADO term, difficulty 1-3, the lights
that reveal the defect, what a model must have for it to apply, the check IDs it must trip, and
trainee feedback in English and Russian. This module plants them in two stages:

* :func:`apply_data` changes what the document prints (MRZ lines, visual-zone values, inks,
  fonts, the perforated number, the VIN) before the plan is built;
* :func:`apply_plan` changes the plan (portrait, feature states) before rendering.

Each stage records what it touched: the data fields, the regions (boxes of the items changed,
in view pixels at the document's dpi) and the lights whose pixels change (derived from the
model's ink table and feature behaviour, DOMAIN.md §2.3). :func:`finish` expands the lights into
the names of the rendered views. The answer key is therefore what was planted, never what a
check found.

>>> sorted(catalogue())[:2]
['dates.expired', 'dates.impossible_birth']
>>> catalogue()["uv.bright_substrate"].checks
('feature.uv_substrate.dull',)
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np

from docsec.checkdigit import icao9303, vin_mod11
from docsec.errors import InvalidComponent
from docsec.generate.content import Content, format_date
from docsec.generate.document import PlantedDefect
from docsec.generate.identities import add_years
from docsec.generate.plan import ImageItem, Plan
from docsec.generate.render import TILT_FRAMES, view_family
from docsec.models import DocumentModel, mm_to_px
from docsec.mrz import LAYOUTS, render

__all__ = [
    "Context",
    "DefectSpec",
    "applicable",
    "apply_data",
    "apply_plan",
    "catalogue",
    "revealed_with",
    "finish",
    "make_vehicle_record",
]

Polygon = tuple[tuple[float, float], ...]

# Issuer codes that belong to no state, ICAO or training (fantasy documents, DOMAIN.md §1.7).
FANTASY_ISSUERS = ("XZF", "QAR", "ZZQ")

# Lights in which an ink leaves a mark (DOMAIN.md §2.3 row 4: dye inks drop out in IR).
_PORTRAIT_LIGHTS = ("white", "tilt", "uv365", "ir", "transmitted")
_FEATURE_LIGHTS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("uv_substrate", "bright"): ("uv365",),
    ("uv_fibres", "absent"): ("uv365",),
    ("uv_fibres", "printed"): ("white", "tilt", "uv365"),
    ("uv_emblem", "absent"): ("uv365",),
    ("uv_emblem", "visible_in_white"): ("white", "tilt"),
    ("guilloche", "scan_print"): ("white", "tilt"),
    ("microprint", "blurred"): ("white", "tilt"),
    ("rainbow", "halftone"): ("white", "tilt"),
    ("watermark", "on_surface"): ("white", "tilt", "transmitted"),
    ("security_thread", "absent"): ("transmitted", "uv365"),
    ("hologram", "static"): ("tilt",),
    ("hologram", "absent"): ("white", "tilt"),
    ("ovi", "static"): ("tilt",),
    ("latent_image", "absent"): ("tilt_2",),
}
# Plan state name -> feature kind in the model.
_STATE_KIND = {
    "uv_substrate": "uv_dull_substrate",
    "uv_fibres": "uv_fibres",
    "uv_emblem": "uv_emblem",
    "guilloche": "guilloche",
    "microprint": "microprint",
    "rainbow": "rainbow",
    "watermark": "watermark",
    "security_thread": "security_thread",
    "hologram": "hologram",
    "ovi": "ovi",
    "latent_image": "latent_image",
}
_SWITCHES: Mapping[str, tuple[str, str]] = {
    "uv.bright_substrate": ("uv_substrate", "bright"),
    "uv.fibres_missing": ("uv_fibres", "absent"),
    "uv.fibres_printed": ("uv_fibres", "printed"),
    "uv.emblem_missing": ("uv_emblem", "absent"),
    "uv.emblem_visible_in_white": ("uv_emblem", "visible_in_white"),
    "print.guilloche_scan_print": ("guilloche", "scan_print"),
    "print.microprint_blurred": ("microprint", "blurred"),
    "print.rainbow_halftone": ("rainbow", "halftone"),
    "substrate.watermark_on_surface": ("watermark", "on_surface"),
    "substrate.thread_missing": ("security_thread", "absent"),
    "ovd.hologram_static": ("hologram", "static"),
    "ovd.hologram_missing": ("hologram", "absent"),
    "ovd.ovi_static": ("ovi", "static"),
    "print.latent_image_missing": ("latent_image", "absent"),
}


@dataclass(frozen=True, slots=True)
class DefectSpec:
    """One catalogue entry."""

    id: str
    forgery_type: str
    prado: str
    difficulty: int
    reveal_views: tuple[str, ...]
    requires: tuple[str, ...]
    checks: tuple[str, ...]
    feedback: Mapping[str, str]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "id": self.id,
            "forgery_type": self.forgery_type,
            "prado": self.prado,
            "difficulty": self.difficulty,
            "reveal_views": list(self.reveal_views),
            "requires": list(self.requires),
            "checks": list(self.checks),
            "feedback": dict(self.feedback),
        }


@functools.cache
def catalogue() -> Mapping[str, DefectSpec]:
    """Every defect of ``data/defects.json`` by id (cached)."""
    text = (resources.files("docsec.generate") / "data" / "defects.json").read_text("utf-8")
    out: dict[str, DefectSpec] = {}
    for d in json.loads(text)["defects"]:
        out[d["id"]] = DefectSpec(
            id=d["id"],
            forgery_type=d["forgery_type"],
            prado=d["prado"],
            difficulty=int(d["difficulty"]),
            reveal_views=tuple(d["reveal_views"]),
            requires=tuple(d["requires"]),
            checks=tuple(d["checks"]),
            feedback=dict(d["feedback"]),
        )
    return out


#: Reveal views that need no light: reading the data, the registry, the VIN plate.
ALWAYS_AVAILABLE = frozenset({"data", "registry", "vin_plate"})


def revealed_with(spec: DefectSpec, tools: frozenset[str] | set[str]) -> bool:
    """Whether a trainee with the lights ``tools`` can find the defect ``spec``."""
    return any(v in tools or v in ALWAYS_AVAILABLE for v in spec.reveal_views)


def _has_composite(model: DocumentModel) -> bool:
    fmt = model.format
    return fmt is not None and LAYOUTS[fmt].check_digit("mrz.check_digit.composite") is not None


def applicable(model: DocumentModel) -> tuple[str, ...]:
    """IDs of the catalogue's defects that can be planted on ``model``."""
    kinds = {f.kind for f in model.features}
    out = []
    for spec in catalogue().values():
        ok = True
        for req in spec.requires:
            if req == "mrz":
                ok &= model.mrz is not None
            elif req == "portrait":
                ok &= model.portrait is not None
            elif req == "composite":
                ok &= _has_composite(model)
            elif req.startswith("feature:"):
                ok &= req.removeprefix("feature:") in kinds
            elif req.startswith("kind:"):
                ok &= model.kind == req.removeprefix("kind:")
        if ok:
            out.append(spec.id)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Context:
    """What the defects need to know about the document being made."""

    model: DocumentModel
    dpi: int
    reference_date: datetime.date
    face_params: Any = None


def make_vehicle_record(rng: np.random.Generator, reference_date: datetime.date) -> dict[str, Any]:
    """A coherent vehicle for a certificate (``docsec.registry.mock.make_vehicle``), UTO plate.

    North-American-built vehicles are used so that the VIN check digit applies (49 CFR
    565.15(c)); the first registration falls in or after the model year, before the reference
    date.
    """
    from docsec.registry.mock import make_plate, make_vehicle

    v = make_vehicle(rng, region="North America", year_range=(2000, reference_date.year - 1))
    plate = make_plate([int(x) for x in rng.integers(0, 2**31, size=12)], "UTO")
    start = datetime.date(v.year, 1, 1)
    span = max(1, min(700, (reference_date - start).days - 30))
    first = start + datetime.timedelta(days=int(rng.integers(0, span)))
    return {
        "vin": v.vin,
        "make": v.make,
        "model": v.model,
        "colour": v.colour.upper(),
        "year": v.year,
        "plate": plate,
        "plate_country": "UTO",
        "engine_number": v.engine_number,
        "type": v.body.upper(),
        "first_registration": first,
    }


def _spec(defect_id: str, model: DocumentModel) -> DefectSpec:
    spec = catalogue().get(defect_id)
    if spec is None:
        raise InvalidComponent(f"unknown defect {defect_id!r}; see docsec.generate.defects")
    if defect_id not in applicable(model):
        raise InvalidComponent(f"defect {defect_id!r} does not apply to model {model.id!r}")
    return spec


def _checks(spec: DefectSpec, model: DocumentModel) -> tuple[str, ...]:
    composite = _has_composite(model)
    return tuple(c for c in spec.checks if c != "mrz.check_digit.composite" or composite)


def _poly(box: tuple[int, int, int, int]) -> Polygon:
    x, y, w, h = box
    return ((float(x), float(y)), (float(x + w), float(y)), (float(x + w), float(y + h)),
            (float(x), float(y + h)))


def _tag(side: str, lights: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{light}@{side}" for light in lights)


def _ink_lights(model: DocumentModel, ink: str) -> tuple[str, ...]:
    spec = model.inks[ink]
    out = ["white", "tilt", "uv365", "transmitted"]
    if spec.ir > 0:
        out.append("ir")
    return tuple(out)


def _field_box(model: DocumentModel, name: str, dpi: int) -> tuple[int, int, int, int]:
    """Box of the printed value of a field (below its label), as build_plan places it."""
    x, y, w, h = DocumentModel.box_px(model.field(name).box_mm, dpi)
    label_h = mm_to_px(1.9, dpi)
    return x, y + label_h, w, max(1, h - label_h)


def _mrz_change(ctx: Context, content: Content) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    model = ctx.model
    assert model.mrz is not None
    ink = content.inks.get("mrz", "carbon")
    box = DocumentModel.box_px(model.mrz.box_mm, ctx.dpi)
    return _tag(model.mrz.side, _ink_lights(model, ink)), ((model.mrz.side, _poly(box)),)


def _field_change(ctx: Context, content: Content, name: str,
                  ink: str | None = None) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    model = ctx.model
    spec = model.field(name)
    lights = set(_ink_lights(model, spec.ink)) | set(
        _ink_lights(model, ink or content.inks.get(name, spec.ink))
    )
    order = ("white", "tilt", "uv365", "ir", "transmitted")
    box = _field_box(model, name, ctx.dpi)
    return _tag(spec.side, tuple(x for x in order if x in lights)), ((spec.side, _poly(box)),)


def _patch_mrz(model: DocumentModel, lines: tuple[str, ...], field: str, value: str,
               recompute: tuple[str, ...]) -> tuple[str, ...]:
    """Write ``value`` into an MRZ field and recompute the named check digits (7-3-1)."""
    fmt = model.format
    assert fmt is not None
    layout = LAYOUTS[fmt]
    grid = [list(line) for line in lines]
    spec = layout.field(field)
    grid[spec.line][spec.start : spec.stop] = list(value)
    for cd in layout.check_digits:
        if cd.id not in recompute:
            continue
        covered = "".join("".join(grid[c.line][c.start : c.stop]) for c in cd.covers)
        grid[cd.digit.line][cd.digit.start] = icao9303.calc_check_digit(covered)
    return tuple("".join(row) for row in grid)


def _wrong_digit(rng: np.random.Generator, current: str) -> str:
    d = int(current) if current.isdigit() else 0
    return str((d + 1 + int(rng.integers(0, 9))) % 10)


def apply_data(defect_id: str, ctx: Context, content: Content,
               rng: np.random.Generator) -> tuple[Content, PlantedDefect]:
    """Plant the data part of ``defect_id``: returns the new content and the record so far."""
    model = ctx.model
    spec = _spec(defect_id, model)
    checks = _checks(spec, model)
    lights: tuple[str, ...] = ()
    regions: tuple[Any, ...] = ()
    fields: tuple[str, ...] = ()
    note = ""
    if defect_id.startswith("mrz.bad_check_digit."):
        assert content.mrz_lines is not None and model.format is not None
        which = defect_id.removeprefix("mrz.bad_check_digit.")
        cd = LAYOUTS[model.format].check_digit(f"mrz.check_digit.{which}")
        assert cd is not None
        lines = [list(x) for x in content.mrz_lines]
        old = lines[cd.digit.line][cd.digit.start]
        new = _wrong_digit(rng, old)
        lines[cd.digit.line][cd.digit.start] = new
        content = replace(content, mrz_lines=tuple("".join(x) for x in lines))
        lights, regions = _mrz_change(ctx, content)
        fields = ("mrz",)
        note = f"line {cd.digit.line + 1} position {cd.digit.start + 1}: {old} -> {new}"
    elif defect_id == "viz_mrz.date_of_birth":
        dob = content.holder.date_of_birth
        shifted = dob + datetime.timedelta(days=int(rng.integers(30, 3000)))
        content = content.with_viz(date_of_birth=format_date(shifted, model.date_style))
        lights, regions = _field_change(ctx, content, "date_of_birth")
        fields = ("date_of_birth",)
    elif defect_id == "viz_mrz.surname":
        name = content.viz["surname"]
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        i = letters[int(rng.integers(len(letters)))]
        pool = "АБВГДЕИКЛМНОПРСТУ" if model.script == "cyrillic" else "ABDEGIKLMNORSTU"
        choices = [c for c in pool if c != name[i]]
        new = name[:i] + choices[int(rng.integers(len(choices)))] + name[i + 1 :]
        content = content.with_viz(surname=new)
        lights, regions = _field_change(ctx, content, "surname")
        fields = ("surname",)
        note = f"{name} -> {new}"
    elif defect_id == "dates.expired":
        assert content.mrz_data is not None and model.format is not None
        expiry = ctx.reference_date - datetime.timedelta(days=int(rng.integers(20, 900)))
        issue = add_years(expiry + datetime.timedelta(days=1), -max(1, model.validity_years))
        data = replace(content.mrz_data, date_of_expiry=expiry)
        values = {}
        changed = []
        for name, when in (("date_of_expiry", expiry), ("date_of_issue", issue),
                          ("valid_until", expiry), ("valid_from", issue)):
            if name in content.viz:
                values[name] = format_date(when, model.date_style)
                changed.append(name)
        content = replace(content.with_viz(**values), mrz_data=data,
                          mrz_lines=render(data, model.format))
        lights, regions = _mrz_change(ctx, content)
        for name in changed:
            more_l, more_r = _field_change(ctx, content, name)
            lights = tuple(dict.fromkeys(lights + more_l))
            regions += more_r
        fields = ("mrz", *changed)
        note = f"expired on {expiry.isoformat()}"
    elif defect_id == "dates.impossible_birth":
        assert content.mrz_lines is not None
        year = content.holder.date_of_birth.year
        month = (2, 4, 6, 9, 11)[int(rng.integers(5))]
        day = 30 if month == 2 else 31
        raw = f"{year % 100:02d}{month:02d}{day:02d}"
        patched = _patch_mrz(model, content.mrz_lines, "date_of_birth", raw,
                             ("mrz.check_digit.date_of_birth", "mrz.check_digit.composite"))
        if model.date_style == "dmy_dots":
            shown = f"{day:02d}.{month:02d}.{year:04d}"
        else:
            mon = format_date(datetime.date(2000, month, 1), model.date_style)[3:6]
            shown = f"{day:02d} {mon} {year:04d}"
        content = replace(content.with_viz(date_of_birth=shown), mrz_lines=patched)
        lights, regions = _mrz_change(ctx, content)
        more_l, more_r = _field_change(ctx, content, "date_of_birth")
        lights = tuple(dict.fromkeys(lights + more_l))
        regions += more_r
        fields = ("mrz", "date_of_birth")
        note = f"date of birth {shown}"
    elif defect_id == "issuer.fantasy":
        assert content.mrz_data is not None and model.format is not None
        code = FANTASY_ISSUERS[int(rng.integers(len(FANTASY_ISSUERS)))]
        data = replace(content.mrz_data, issuing_state=code)
        content = replace(content, mrz_data=data, mrz_lines=render(data, model.format))
        lights, regions = _mrz_change(ctx, content)
        fields = ("mrz",)
        if "issuing_state" in content.viz:
            content = content.with_viz(issuing_state=code)
            more_l, more_r = _field_change(ctx, content, "issuing_state")
            lights = tuple(dict.fromkeys(lights + more_l))
            regions += more_r
            fields += ("issuing_state",)
        note = f"issuing state {code}"
    elif defect_id == "ir.mrz_transparent":
        content = replace(content, inks={**content.inks, "mrz": "dye"})
        lights, regions = _mrz_change(ctx, content)
        lights = tuple(dict.fromkeys(lights + _mrz_change(ctx, replace(content, inks={}))[0]))
    elif defect_id == "ir.field_wrong_ink":
        name = "date_of_expiry" if "date_of_expiry" in content.viz else "valid_until"
        later = add_years(content.document.date_of_expiry, int(rng.integers(2, 6)))
        content = replace(content.with_viz(**{name: format_date(later, model.date_style)}),
                          inks={**content.inks, name: "dye"})
        lights, regions = _field_change(ctx, content, name, ink="dye")
        fields = (name,)
        note = f"{name} rewritten as {format_date(later, model.date_style)} in IR-transparent ink"
    elif defect_id == "font.field_mismatch":
        name = next(n for n in ("date_of_birth", "E", "document_number") if n in content.viz)
        content = replace(content, fonts={**content.fonts, name: "serif"})
        lights, regions = _field_change(ctx, content, name)
        note = f"{name} printed in a serif typeface"
    elif defect_id == "font.mrz_not_ocr_b":
        content = replace(content, fonts={**content.fonts, "mrz": "mono"})
        lights, regions = _mrz_change(ctx, content)
    elif defect_id == "perforation.number_mismatch":
        assert content.perforation is not None
        number = content.perforation
        digits = [i for i, c in enumerate(number) if c.isdigit()]
        i = digits[int(rng.integers(len(digits)))]
        new = number[:i] + _wrong_digit(rng, number[i]) + number[i + 1 :]
        content = replace(content, perforation=new)
        f = model.feature("laser_perforation")
        box = DocumentModel.box_px(f.box_mm, ctx.dpi)
        lights = _tag(f.side, ("white", "tilt", "transmitted"))
        regions = ((f.side, _poly(box)),)
        fields = ("perforation",)
        note = f"perforated {new}, printed {number}"
    elif defect_id == "vin.bad_check_digit":
        assert content.vehicle is not None
        vin = str(content.vehicle["vin"])
        good = vin_mod11.calc_check_digit(vin)
        wrong = [c for c in "0123456789X" if c != good]
        bad = wrong[int(rng.integers(len(wrong)))]
        new = vin[:8] + bad + vin[9:]
        content = replace(content.with_viz(E=new), vin_plate=new,
                          vehicle={**content.vehicle, "vin": new})
        lights, regions = _field_change(ctx, content, "E")
        lights += ("vin_plate",)
        regions += (("vin_plate", ()),)
        fields = ("E", "vin_plate")
        note = f"VIN {new}: position 9 is {bad}, mod 11 gives {good}"
    elif defect_id == "vin.plate_mismatch":
        assert content.vin_plate is not None
        vin = content.vin_plate
        i = 11 + int(rng.integers(6))
        others = [c for c in "0123456789" if c != vin[i]]
        new = vin[:i] + others[int(rng.integers(len(others)))] + vin[i + 1 :]
        content = replace(content, vin_plate=new)
        lights = ("vin_plate",)
        regions = (("vin_plate", ()),)
        fields = ("vin_plate",)
        note = f"VIN plate {new}, certificate {vin}"
    elif defect_id in ("vehicle.on_stolen_list", "vehicle.cloned_vin"):
        assert content.vehicle is not None
        v = content.vehicle
        colours = [c for c in ("WHITE", "BLACK", "SILVER", "RED", "BLUE") if c != v["colour"]]
        reported = ctx.reference_date - datetime.timedelta(days=int(rng.integers(10, 700)))
        country = ("KAZ", "UZB", "KGZ", "DEU", "POL")[int(rng.integers(5))]
        if defect_id == "vehicle.on_stolen_list":
            record = {"vin": v["vin"], "make": v["make"], "model": v["model"],
                      "colour": v["colour"], "year": v["year"], "plate": v["plate"],
                      "plate_country": v["plate_country"], "engine_number": v["engine_number"],
                      "reporting_country": country, "date_reported": reported.isoformat(),
                      "status": "stolen"}
        else:
            record = {"vin": v["vin"], "make": v["make"], "model": v["model"],
                      "colour": colours[int(rng.integers(len(colours)))], "year": v["year"],
                      "plate": f"{country[:2]} {int(rng.integers(1000, 9999))} "
                               f"{'ABCEHKMPTX'[int(rng.integers(10))]}",
                      "plate_country": country, "engine_number": v["engine_number"],
                      "reporting_country": country, "date_reported": reported.isoformat(),
                      "status": "cloned_vin"}
        content = replace(content, vehicle={**v, "registry_record": record})
        fields = ()
        regions = (("front", _poly(_field_box(model, "E", ctx.dpi))),)
        note = f"registry record {record['status']} reported by {country}"
    elif defect_id in _SWITCHES or defect_id.startswith("photo."):
        pass  # planted on the plan
    else:  # pragma: no cover - the catalogue and this table are tested to agree
        raise InvalidComponent(f"defect {defect_id!r} has no planting rule")
    return content, PlantedDefect(
        id=defect_id, views=lights, regions=regions, checks=checks, fields=fields, note=note
    )


def apply_plan(defect_id: str, ctx: Context, plan: Plan, planted: PlantedDefect,
               rng: np.random.Generator) -> tuple[Plan, PlantedDefect]:
    """Plant the image part of ``defect_id`` on ``plan``; extend the record."""
    model = ctx.model
    if defect_id in _SWITCHES:
        state_name, state = _SWITCHES[defect_id]
        kind = _STATE_KIND[state_name]
        plan = plan.with_state(state_name, state)
        lights: tuple[str, ...] = ()
        regions: tuple[Any, ...] = ()
        for f in model.features:
            if f.kind != kind:
                continue
            lights += _tag(f.side, _FEATURE_LIGHTS[(state_name, state)])
            box = DocumentModel.box_px(f.box_mm, ctx.dpi)
            w, h = model.canonical_px(ctx.dpi)
            x, y = min(max(0, box[0]), w - 1), min(max(0, box[1]), h - 1)
            box = (x, y, min(box[2], w - x), min(box[3], h - y))
            regions += ((f.side, _poly(box)),)
        planted = replace(planted, views=lights, regions=regions)
    elif defect_id.startswith("photo."):
        from docsec.generate.faces import lookalike, make_face, render_face

        portrait = next(i for i in plan.images if i.key == "portrait")
        size = (portrait.box_px[2], portrait.box_px[3])
        if defect_id == "photo.substitution_lookalike" and ctx.face_params is not None:
            img = render_face(lookalike(ctx.face_params, rng), size)
        else:
            img, _ = make_face(rng, size)
        plan = plan.with_image(ImageItem("portrait", portrait.side, portrait.box_px, img))
        planted = replace(
            planted,
            views=_tag(portrait.side, _PORTRAIT_LIGHTS),
            regions=((portrait.side, _poly(portrait.box_px)),),
        )
    return plan, planted


def finish(planted: PlantedDefect, model: DocumentModel,
           rendered: Mapping[str, Any]) -> PlantedDefect:
    """Expand ``light@side`` tags into rendered view names; fill VIN-plate regions."""
    names: list[str] = []
    for tag in planted.views:
        light, _, side = tag.partition("@")
        if light == "vin_plate":
            if "vin_plate" in rendered:
                names.append("vin_plate")
            continue
        suffix = "" if side in ("", "front") else f"_{side}"
        for k in range(1, TILT_FRAMES + 1):
            if light == f"tilt_{k}" and f"tilt_{k}{suffix}" in rendered:
                names.append(f"tilt_{k}{suffix}")
        for view in rendered:
            if view.endswith("_back") != bool(suffix) or view == "vin_plate":
                continue
            if view_family(view) == light:
                names.append(view)
    regions: list[Any] = []
    for space, poly in planted.regions:
        if space == "vin_plate":
            if "vin_plate" in rendered:
                h, w = rendered["vin_plate"].shape[:2]
                regions.append(("vin_plate", _poly((0, 0, w, h))))
            continue
        regions.append((space, poly))
    order = {v: i for i, v in enumerate(model.view_names(tilt_frames=TILT_FRAMES))}
    return replace(
        planted,
        views=tuple(sorted(dict.fromkeys(names), key=lambda v: order.get(v, 99))),
        regions=tuple(regions),
    )
