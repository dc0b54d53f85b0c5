"""The defect catalogue and how each defect is planted (DOMAIN.md §3, §5.0.1).

The catalogue is data (``data/defects.json``): stable IDs, PRADO term, difficulty 1-3, the lights
that reveal the defect, what a model must have for it to apply, the check IDs it must trip, the
officer's expected action, trainee feedback in English and Russian, and the **effects** that
plant it: named physical or data changes with their parameters (``{"effect": "feature_state",
"feature": "hologram", "state": "static"}``). Each effect is one function of this module
(:data:`DATA_EFFECTS` change what the document prints before the plan is built,
:data:`PLAN_EFFECTS` change the plan: portrait, feature states, surface traces); no code
branches on a defect's ID. Forgery scenarios (``scenarios`` in the same file) are sets of
coordinated defects, each keeping its own answer-key entry.

Each effect records what it touched: the data fields, the regions (boxes in view pixels at the
document's dpi) of the changed items and of the items they contradict, and the lights whose
pixels change (derived from the model's ink table and feature behaviour, DOMAIN.md §2.3).
:func:`finish` expands the lights into the names of the rendered views. The answer key is
therefore what was planted, never what a check found.

>>> sorted(catalogue())[:2]
['dates.expired', 'dates.impossible_birth']
>>> catalogue()["uv.bright_substrate"].checks
('feature.uv_substrate.dull',)
>>> catalogue()["uv.bright_substrate"].effects[0].name
'feature_state'
"""

from __future__ import annotations

import datetime
import functools
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import numpy as np

from docsec.checkdigit import icao9303, vin_mod11
from docsec.errors import InvalidComponent
from docsec.generate.content import Content, format_date
from docsec.generate.identities import add_years
from docsec.generate.plan import ImageItem, Plan, PlantedDefect, Trace
from docsec.generate.render import TILT_FRAMES, side_of, view_family, view_names
from docsec.models import FANTASY_MODEL_IDS, DocumentModel, mm_to_px
from docsec.mrz import LAYOUTS, render

__all__ = [
    "ALWAYS_AVAILABLE",
    "DATA_EFFECTS",
    "PLAN_EFFECTS",
    "Context",
    "DefectSpec",
    "EffectSpec",
    "ScenarioSpec",
    "applicable",
    "apply_data",
    "apply_plan",
    "catalogue",
    "catalogue_listing",
    "defect_rng",
    "finish",
    "revealed_with",
    "scenario_applicable",
    "scenarios",
]

Polygon = tuple[tuple[float, float], ...]
Region = tuple[str, Polygon]

# Lights in which a personalised image leaves a mark.
_PORTRAIT_LIGHTS = ("white", "tilt", "uv365", "uv254", "ir", "transmitted")
# Lights whose pixels change when a feature is switched to a counterfeit state.
_FEATURE_LIGHTS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("uv_substrate", "bright"): ("uv365", "uv254"),
    ("uv_fibres", "absent"): ("uv365", "uv254"),
    ("uv_fibres", "printed"): ("white", "tilt", "uv365", "uv254"),
    ("uv_emblem", "absent"): ("uv365", "uv254"),
    ("uv_emblem", "visible_in_white"): ("white", "tilt"),
    ("guilloche", "scan_print"): ("white", "tilt"),
    ("microprint", "blurred"): ("white", "tilt"),
    ("rainbow", "halftone"): ("white", "tilt"),
    ("watermark", "on_surface"): ("white", "tilt", "transmitted"),
    ("security_thread", "absent"): ("transmitted", "uv365", "uv254"),
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
ACTIONS = ("refer", "reject")


@dataclass(frozen=True, slots=True)
class EffectSpec:
    """One effect of a defect: the name of its function and its parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (``effect`` plus the parameters)."""
        return {"effect": self.name, **dict(self.params)}


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
    effects: tuple[EffectSpec, ...] = ()
    action: str = "refer"

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
            "action": self.action,
            "effects": [e.to_dict() for e in self.effects],
            "feedback": dict(self.feedback),
        }


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    """A forgery as it comes (DOMAIN.md §5.0.1): several coordinated defects."""

    id: str
    forgery_type: str
    difficulty: int
    defects: tuple[str, ...]
    action: str
    feedback: Mapping[str, str]
    documents: tuple[str, ...] = ()
    """Other documents presented with it (``visa``, ``id_card``...), for multi-document work."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "id": self.id,
            "forgery_type": self.forgery_type,
            "difficulty": self.difficulty,
            "defects": list(self.defects),
            "action": self.action,
            "feedback": dict(self.feedback),
        }


def _raw() -> dict[str, Any]:
    text = (resources.files("docsec.generate") / "data" / "defects.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def catalogue() -> Mapping[str, DefectSpec]:
    """Every defect of ``data/defects.json`` by id (cached).

    Raises :class:`InvalidComponent` when an entry names an effect this module does not have
    or an unknown action.
    """
    out: dict[str, DefectSpec] = {}
    for d in _raw()["defects"]:
        effects = tuple(
            EffectSpec(e["effect"], {k: v for k, v in e.items() if k != "effect"})
            for e in d["effects"]
        )
        for e in effects:
            if e.name not in DATA_EFFECTS and e.name not in PLAN_EFFECTS:
                raise InvalidComponent(f"defect {d['id']!r}: no effect named {e.name!r}")
        if d["action"] not in ACTIONS:
            raise InvalidComponent(f"defect {d['id']!r}: action must be one of {ACTIONS}")
        out[d["id"]] = DefectSpec(
            id=d["id"],
            forgery_type=d["forgery_type"],
            prado=d["prado"],
            difficulty=int(d["difficulty"]),
            reveal_views=tuple(d["reveal_views"]),
            requires=tuple(d["requires"]),
            checks=tuple(d["checks"]),
            feedback=dict(d["feedback"]),
            effects=effects,
            action=d["action"],
        )
    return out


@functools.cache
def scenarios() -> Mapping[str, ScenarioSpec]:
    """Every forgery scenario of ``data/defects.json`` by id (cached)."""
    cat = catalogue()
    out: dict[str, ScenarioSpec] = {}
    for s in _raw()["scenarios"]:
        for d in s["defects"]:
            if d not in cat:
                raise InvalidComponent(f"scenario {s['id']!r}: unknown defect {d!r}")
        out[s["id"]] = ScenarioSpec(
            id=s["id"],
            forgery_type=s["forgery_type"],
            difficulty=int(s["difficulty"]),
            defects=tuple(s["defects"]),
            action=s["action"],
            feedback=dict(s["feedback"]),
        )
    return out


#: Reveal views that need no light: reading the data, the vehicle registry, the documents
#: database, the VIN plate, a traveller's photo.
ALWAYS_AVAILABLE = frozenset({"data", "registry", "database", "vin_plate", "traveller"})


def revealed_with(spec: DefectSpec | ScenarioSpec, tools: frozenset[str] | set[str]) -> bool:
    """Whether a trainee with the lights ``tools`` can find the defect or scenario ``spec``."""
    if isinstance(spec, ScenarioSpec):
        cat = catalogue()
        return any(revealed_with(cat[d], tools) for d in spec.defects)
    return any(v in tools or v in ALWAYS_AVAILABLE for v in spec.reveal_views)


def defect_rng(seed: int, defect_id: str) -> np.random.Generator:
    """The random stream of one planted defect: its own, so planting it alongside others (a
    scenario) leaves their draws unchanged."""
    return np.random.default_rng([seed, zlib.crc32(defect_id.encode())])


def _has_composite(model: DocumentModel) -> bool:
    fmt = model.format
    return fmt is not None and LAYOUTS[fmt].check_digit("mrz.check_digit.composite") is not None


def _requirement_met(model: DocumentModel, req: str) -> bool:
    kinds = {f.kind for f in model.features}
    if req == "mrz":
        return model.mrz is not None
    if req == "portrait":
        return model.portrait is not None
    if req == "composite":
        return _has_composite(model)
    if req.startswith("feature:"):
        return req.removeprefix("feature:") in kinds
    if req.startswith("kind:"):
        return model.kind == req.removeprefix("kind:")
    if req == "fantasy":
        return model.id in FANTASY_MODEL_IDS
    if req.startswith("not_kind:"):
        return model.kind != req.removeprefix("not_kind:")
    raise InvalidComponent(f"unknown requirement {req!r}")


def applicable(model: DocumentModel) -> tuple[str, ...]:
    """IDs of the catalogue's defects that can be planted on ``model``."""
    return tuple(spec.id for spec in catalogue().values()
                 if all(_requirement_met(model, r) for r in spec.requires))


def scenario_applicable(model: DocumentModel) -> tuple[str, ...]:
    """IDs of the scenarios whose every defect can be planted on ``model``."""
    mine = set(applicable(model))
    return tuple(s.id for s in scenarios().values() if set(s.defects) <= mine)


@dataclass(frozen=True, slots=True)
class Context:
    """What the defects need to know about the document being made."""

    model: DocumentModel
    dpi: int
    reference_date: datetime.date
    face_params: Any = None


@dataclass(frozen=True, slots=True)
class Change:
    """What one effect touched: lights (``light@side``), regions, data fields, a note."""

    lights: tuple[str, ...] = ()
    regions: tuple[Region, ...] = ()
    fields: tuple[str, ...] = ()
    note: str = ""
    traces: tuple[Trace, ...] = ()

    def __add__(self, other: Change) -> Change:
        return Change(
            lights=tuple(dict.fromkeys(self.lights + other.lights)),
            regions=self.regions + tuple(r for r in other.regions if r not in self.regions),
            fields=tuple(dict.fromkeys(self.fields + other.fields)),
            note="; ".join(n for n in (self.note, other.note) if n),
            traces=self.traces + other.traces,
        )


DataEffect = Callable[[Context, Content, np.random.Generator, Mapping[str, Any]],
                      tuple[Content, Change]]
PlanEffect = Callable[[Context, Plan, np.random.Generator, Mapping[str, Any]],
                      tuple[Plan, Change]]
DATA_EFFECTS: dict[str, DataEffect] = {}
PLAN_EFFECTS: dict[str, PlanEffect] = {}


def _data_effect(name: str) -> Callable[[DataEffect], DataEffect]:
    def register(fn: DataEffect) -> DataEffect:
        DATA_EFFECTS[name] = fn
        return fn
    return register


def _plan_effect(name: str) -> Callable[[PlanEffect], PlanEffect]:
    def register(fn: PlanEffect) -> PlanEffect:
        PLAN_EFFECTS[name] = fn
        return fn
    return register


def _spec(defect_id: str, model: DocumentModel) -> DefectSpec:
    spec = catalogue().get(defect_id)
    if spec is None:
        raise InvalidComponent(f"unknown defect {defect_id!r}; docsec generate --list shows them")
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
    out = ["white", "tilt", "uv365", "uv254", "transmitted"]
    if spec.ir > 0:
        out.append("ir")
    return tuple(out)


def _field_box(model: DocumentModel, name: str, dpi: int) -> tuple[int, int, int, int]:
    """Box of the printed value of a field (below its label), as build_plan places it."""
    x, y, w, h = DocumentModel.box_px(model.field(name).box_mm, dpi)
    label_h = mm_to_px(1.9, dpi)
    return x, y + label_h, w, max(1, h - label_h)


def _feature_box(ctx: Context, kind: str, index: int = 0) -> tuple[str, tuple[int, int, int, int]]:
    """Side and box (clipped to the page) of the ``index``-th feature of ``kind``."""
    f = [f for f in ctx.model.features if f.kind == kind][index]
    box = DocumentModel.box_px(f.box_mm, ctx.dpi)
    w, h = ctx.model.canonical_px(ctx.dpi)
    x, y = min(max(0, box[0]), w - 1), min(max(0, box[1]), h - 1)
    return f.side, (x, y, max(1, min(box[2], w - x)), max(1, min(box[3], h - y)))


def _mrz_change(ctx: Context, content: Content) -> Change:
    model = ctx.model
    assert model.mrz is not None
    ink = content.inks.get("mrz", "carbon")
    box = DocumentModel.box_px(model.mrz.box_mm, ctx.dpi)
    return Change(_tag(model.mrz.side, _ink_lights(model, ink)), ((model.mrz.side, _poly(box)),))


def _field_change(ctx: Context, content: Content, name: str, ink: str | None = None) -> Change:
    model = ctx.model
    spec = model.field(name)
    lights = set(_ink_lights(model, spec.ink)) | set(
        _ink_lights(model, ink or content.inks.get(name, spec.ink))
    )
    order = ("white", "tilt", "uv365", "uv254", "ir", "transmitted")
    box = _field_box(model, name, ctx.dpi)
    return Change(_tag(spec.side, tuple(x for x in order if x in lights)),
                  ((spec.side, _poly(box)),), fields=(name,))


def _patch_mrz(model: DocumentModel, lines: tuple[str, ...], field_name: str, value: str,
               recompute: tuple[str, ...]) -> tuple[str, ...]:
    """Write ``value`` into an MRZ field and recompute the named check digits (7-3-1)."""
    fmt = model.format
    assert fmt is not None
    layout = LAYOUTS[fmt]
    grid = [list(line) for line in lines]
    spec = layout.field(field_name)
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


def _date_field(content: Content, names: tuple[str, ...]) -> str:
    return next(n for n in names if n in content.viz)


# --- Data effects -------------------------------------------------------------------------


@_data_effect("mrz_check_digit")
def _mrz_check_digit(ctx: Context, content: Content, rng: np.random.Generator,
                     p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Replace one MRZ check digit (``digit``: the check's name) with a wrong one."""
    model = ctx.model
    assert content.mrz_lines is not None and model.format is not None
    cd = LAYOUTS[model.format].check_digit(f"mrz.check_digit.{p['digit']}")
    assert cd is not None
    lines = [list(x) for x in content.mrz_lines]
    old = lines[cd.digit.line][cd.digit.start]
    new = _wrong_digit(rng, old)
    lines[cd.digit.line][cd.digit.start] = new
    content = replace(content, mrz_lines=tuple("".join(x) for x in lines))
    change = _mrz_change(ctx, content)
    note = f"line {cd.digit.line + 1} position {cd.digit.start + 1}: {old} -> {new}"
    return content, replace(change, fields=("mrz",), note=note)


@_data_effect("viz_date_shift")
def _viz_date_shift(ctx: Context, content: Content, rng: np.random.Generator,
                    p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Print a later date of birth in the visual zone only (the MRZ keeps the true one)."""
    name = str(p.get("field", "date_of_birth"))
    dob = content.holder.date_of_birth
    shifted = dob + datetime.timedelta(days=int(rng.integers(30, 3000)))
    content = content.with_viz(**{name: format_date(shifted, ctx.model.date_style)})
    return content, _field_change(ctx, content, name)


@_data_effect("viz_letter")
def _viz_letter(ctx: Context, content: Content, rng: np.random.Generator,
                p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Change one letter of a visual-zone name (``field``)."""
    name_field = str(p.get("field", "surname"))
    name = content.viz[name_field]
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = letters[int(rng.integers(len(letters)))]
    pool = "АБВГДЕИКЛМНОПРСТУ" if ctx.model.script == "cyrillic" else "ABDEGIKLMNORSTU"
    choices = [c for c in pool if c != name[i]]
    new = name[:i] + choices[int(rng.integers(len(choices)))] + name[i + 1 :]
    content = content.with_viz(**{name_field: new})
    return content, replace(_field_change(ctx, content, name_field), note=f"{name} -> {new}")


@_data_effect("mrz_counterpart")
def _mrz_counterpart(ctx: Context, content: Content, rng: np.random.Generator,
                     p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Mark the MRZ as the other side of a visual-zone/MRZ contradiction (no pixel changes)."""
    model = ctx.model
    assert model.mrz is not None
    box = DocumentModel.box_px(model.mrz.box_mm, ctx.dpi)
    return content, Change(regions=((model.mrz.side, _poly(box)),))


@_data_effect("expired")
def _expired(ctx: Context, content: Content, rng: np.random.Generator,
             p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Move the validity period so the document expired before the reference date."""
    model = ctx.model
    assert content.mrz_data is not None and model.format is not None
    expiry = ctx.reference_date - datetime.timedelta(days=int(rng.integers(20, 900)))
    issue = add_years(expiry + datetime.timedelta(days=1), -max(1, model.validity_years))
    data = replace(content.mrz_data, date_of_expiry=expiry)
    values = {}
    for name, when in (("date_of_expiry", expiry), ("date_of_issue", issue),
                       ("valid_until", expiry), ("valid_from", issue)):
        if name in content.viz:
            values[name] = format_date(when, model.date_style)
    content = replace(content.with_viz(**values), mrz_data=data,
                      mrz_lines=render(data, model.format))
    change = replace(_mrz_change(ctx, content), fields=("mrz",))
    for name in values:
        change = change + _field_change(ctx, content, name)
    return content, replace(change, note=f"expired on {expiry.isoformat()}")


@_data_effect("impossible_birth")
def _impossible_birth(ctx: Context, content: Content, rng: np.random.Generator,
                      p: Mapping[str, Any]) -> tuple[Content, Change]:
    """A date of birth that does not exist (30 February, 31 April...), check digits recomputed."""
    model = ctx.model
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
    change = replace(_mrz_change(ctx, content), fields=("mrz",))
    change = change + _field_change(ctx, content, "date_of_birth")
    return content, replace(change, note=f"date of birth {shown}")


@_data_effect("issuing_state")
def _issuing_state(ctx: Context, content: Content, rng: np.random.Generator,
                   p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Print another issuing-state code (one of ``codes``) in the MRZ and the visual zone."""
    model = ctx.model
    assert content.mrz_data is not None and model.format is not None
    codes = tuple(p["codes"])
    code = codes[int(rng.integers(len(codes)))]
    data = replace(content.mrz_data, issuing_state=code)
    content = replace(content, mrz_data=data, mrz_lines=render(data, model.format))
    change = replace(_mrz_change(ctx, content), fields=("mrz",))
    if "issuing_state" in content.viz:
        content = content.with_viz(issuing_state=code)
        change = change + _field_change(ctx, content, "issuing_state")
    return content, replace(change, note=f"issuing state {code} on a {model.issuer} design")


@_data_effect("mrz_ink")
def _mrz_ink(ctx: Context, content: Content, rng: np.random.Generator,
             p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Print the MRZ with another ink of the model (``ink``)."""
    before = _mrz_change(ctx, content)
    content = replace(content, inks={**content.inks, "mrz": str(p["ink"])})
    after = _mrz_change(ctx, content)
    return content, before + after


@_data_effect("field_rewritten")
def _field_rewritten(ctx: Context, content: Content, rng: np.random.Generator,
                     p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Rewrite the date of expiry (or validity) later, in another ink (``ink``)."""
    model = ctx.model
    name = _date_field(content, ("date_of_expiry", "valid_until"))
    ink = str(p["ink"])
    later = add_years(content.document.date_of_expiry, int(rng.integers(2, 6)))
    shown = format_date(later, model.date_style)
    content = replace(content.with_viz(**{name: shown}), inks={**content.inks, name: ink})
    change = _field_change(ctx, content, name, ink=ink)
    return content, replace(change, note=f"{name} rewritten as {shown} in {ink} ink")


@_data_effect("personalisation_ink")
def _personalisation_ink(ctx: Context, content: Content, rng: np.random.Generator,
                         p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Personalise every carbon-printed field of the front with another ink and typeface
    (``ink``, ``font``): the technique of the wrong printer (a stolen blank, a counterfeit)."""
    model = ctx.model
    ink, font_name = str(p["ink"]), str(p.get("font", "serif"))
    change = Change()
    names = [f.name for f in model.fields if f.ink == "carbon" and content.viz.get(f.name)]
    content = replace(content, inks={**content.inks, **dict.fromkeys(names, ink)},
                      fonts={**content.fonts, **dict.fromkeys(names, font_name)})
    for name in names:
        change = change + _field_change(ctx, content, name, ink=ink)
    return content, replace(change, note=f"personalised in {ink} ink, {font_name} type")


@_data_effect("font")
def _font(ctx: Context, content: Content, rng: np.random.Generator,
          p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Print one item (``item``: ``mrz`` or the first of ``fields`` present) in ``font``."""
    if p.get("item") == "mrz":
        content = replace(content, fonts={**content.fonts, "mrz": str(p["font"])})
        return content, _mrz_change(ctx, content)
    name = _date_field(content, tuple(p["fields"]))
    content = replace(content, fonts={**content.fonts, name: str(p["font"])})
    change = _field_change(ctx, content, name)
    return content, replace(change, fields=(), note=f"{name} printed in a {p['font']} typeface")


@_data_effect("perforation_digit")
def _perforation_digit(ctx: Context, content: Content, rng: np.random.Generator,
                       p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Laser-perforate a number that differs from the printed one by one digit."""
    assert content.perforation is not None
    number = content.perforation
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    i = digits[int(rng.integers(len(digits)))]
    new = number[:i] + _wrong_digit(rng, number[i]) + number[i + 1 :]
    content = replace(content, perforation=new)
    side, box = _feature_box(ctx, "laser_perforation")
    change = Change(_tag(side, ("white", "tilt", "ir", "transmitted")), ((side, _poly(box)),),
                    fields=("perforation",), note=f"perforated {new}, printed {number}")
    if "document_number" in content.viz:  # the other side of the contradiction
        change = change + replace(_field_change(ctx, content, "document_number"), lights=(),
                                  fields=())
    return content, change


@_data_effect("vin_check_digit")
def _vin_check_digit(ctx: Context, content: Content, rng: np.random.Generator,
                     p: Mapping[str, Any]) -> tuple[Content, Change]:
    """A VIN whose position 9 does not compute (certificate and plate alike)."""
    assert content.vehicle is not None
    vin = str(content.vehicle["vin"])
    good = vin_mod11.calc_check_digit(vin)
    wrong = [c for c in "0123456789X" if c != good]
    bad = wrong[int(rng.integers(len(wrong)))]
    new = vin[:8] + bad + vin[9:]
    content = replace(content.with_viz(E=new), vin_plate=new,
                      vehicle={**content.vehicle, "vin": new})
    change = _field_change(ctx, content, "E") + Change(("vin_plate",), (("vin_plate", ()),),
                                                       fields=("vin_plate",))
    return content, replace(change, note=f"VIN {new}: position 9 is {bad}, mod 11 gives {good}")


@_data_effect("vin_plate_digit")
def _vin_plate_digit(ctx: Context, content: Content, rng: np.random.Generator,
                     p: Mapping[str, Any]) -> tuple[Content, Change]:
    """The VIN plate differs from certificate field E in one serial digit."""
    assert content.vin_plate is not None
    vin = content.vin_plate
    i = 11 + int(rng.integers(6))
    others = [c for c in "0123456789" if c != vin[i]]
    new = vin[:i] + others[int(rng.integers(len(others)))] + vin[i + 1 :]
    content = replace(content, vin_plate=new)
    field_e = replace(_field_change(ctx, content, "E"), lights=(), fields=())
    change = Change(("vin_plate",), (("vin_plate", ()),), fields=("vin_plate",)) + field_e
    return content, replace(change, note=f"VIN plate {new}, certificate {vin}")


@_data_effect("registry_record")
def _registry_record(ctx: Context, content: Content, rng: np.random.Generator,
                     p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Put the vehicle on the stolen list (``status`` ``stolen``) or a legal twin's VIN record
    (``cloned_vin``: another plate and colour) before the reference date."""
    assert content.vehicle is not None
    v = content.vehicle
    status = str(p["status"])
    reported = ctx.reference_date - datetime.timedelta(days=int(rng.integers(10, 700)))
    country = ("KAZ", "UZB", "KGZ", "DEU", "POL")[int(rng.integers(5))]
    record = {"vin": v["vin"], "make": v["make"], "model": v["model"],
              "colour": str(v["colour"]).lower(), "year": v["year"], "plate": v["plate"],
              "plate_country": v["plate_country"], "engine_number": v["engine_number"],
              "reporting_country": country, "date_reported": reported.isoformat(),
              "status": status}
    if status == "cloned_vin":
        colours = [c for c in ("white", "black", "silver", "red", "blue")
                   if c != str(v["colour"]).lower()]
        record.update(colour=colours[int(rng.integers(len(colours)))],
                      plate=f"{country[:2]} {int(rng.integers(1000, 9999))} "
                            f"{'ABCEHKMPTX'[int(rng.integers(10))]}",
                      plate_country=country)
    content = replace(content, vehicle={**v, "registry_record": record})
    region = (("front", _poly(_field_box(ctx.model, "E", ctx.dpi))),)
    return content, Change(regions=region, note=f"registry record {status} reported by {country}")


@_data_effect("document_alert")
def _document_alert(ctx: Context, content: Content, rng: np.random.Generator,
                    p: Mapping[str, Any]) -> tuple[Content, Change]:
    """Record the document's number in the lost/stolen/revoked documents extract (``status``:
    ``stolen_blank``, ``revoked_fraud``) before the reference date; nothing on the document."""
    number = content.viz.get("document_number") or (
        content.mrz_data.document_number if content.mrz_data is not None else "")
    reported = ctx.reference_date - datetime.timedelta(days=int(rng.integers(15, 900)))
    alert = {"document_number": number, "issuing_state": ctx.model.issuer,
             "document_type": ctx.model.kind, "status": str(p["status"]),
             "date_reported": reported.isoformat()}
    content = replace(content, alert=alert)
    region: tuple[Region, ...] = ()
    if "document_number" in content.viz:
        region = (("front" if ctx.model.field("document_number").side == "front" else "back",
                   _poly(_field_box(ctx.model, "document_number", ctx.dpi))),)
    return content, Change(regions=region, note=f"number {number} listed as {p['status']}")


@_data_effect("impostor")
def _impostor(ctx: Context, content: Content, rng: np.random.Generator,
              p: Mapping[str, Any]) -> tuple[Content, Change]:
    """The document is genuine; the person presenting it (the traveller photo) is a
    look-alike, compared with the portrait."""
    model = ctx.model
    assert model.portrait is not None
    box = DocumentModel.box_px(model.portrait.box_mm, ctx.dpi)
    content = replace(content, impostor=True)
    return content, Change(("traveller",), (("traveller", ()), (model.portrait.side, _poly(box))),
                           note="presented by a look-alike of the holder")


@_data_effect("fantasy_design")
def _fantasy_design(ctx: Context, content: Content, rng: np.random.Generator,
                    p: Mapping[str, Any]) -> tuple[Content, Change]:
    """The document is a fantasy design as a whole (a model of :data:`FANTASY_MODEL_IDS`):
    nothing changes on it; the whole page and the issuer code in the MRZ reveal it."""
    model = ctx.model
    w, h = model.canonical_px(ctx.dpi)
    regions: tuple[Region, ...] = (("front", _poly((0, 0, w, h))),)
    if model.mrz is not None:
        regions += ((model.mrz.side, _poly(DocumentModel.box_px(model.mrz.box_mm, ctx.dpi))),)
    return content, Change(regions=regions, note=f"{model.issuer_name} ({model.issuer}) issues "
                                                 "no travel documents")


# --- Plan effects -------------------------------------------------------------------------


@_plan_effect("feature_state")
def _feature_state(ctx: Context, plan: Plan, rng: np.random.Generator,
                   p: Mapping[str, Any]) -> tuple[Plan, Change]:
    """Switch a feature (``feature``) into a counterfeit ``state`` (see :mod:`.plan`)."""
    state_name, state = str(p["feature"]), str(p["state"])
    kind = _STATE_KIND[state_name]
    plan = plan.with_state(state_name, state)
    change = Change()
    for i, f in enumerate(f for f in ctx.model.features if f.kind == kind):
        side, box = _feature_box(ctx, kind, i)
        change = change + Change(_tag(f.side, _FEATURE_LIGHTS[(state_name, state)]),
                                 ((side, _poly(box)),))
    return plan, change


@_plan_effect("portrait")
def _portrait(ctx: Context, plan: Plan, rng: np.random.Generator,
              p: Mapping[str, Any]) -> tuple[Plan, Change]:
    """Replace the portrait with another face (``lookalike``: a similar one); the ghost image
    keeps the holder's face and is marked as the other side of the contradiction."""
    from docsec.generate.faces import lookalike, make_face, render_face

    portrait = next(i for i in plan.images if i.key == "portrait")
    size = (portrait.box_px[2], portrait.box_px[3])
    if p.get("lookalike") and ctx.face_params is not None:
        img = render_face(lookalike(ctx.face_params, rng), size)
    else:
        img, _ = make_face(rng, size)
    plan = plan.with_image(ImageItem("portrait", portrait.side, portrait.box_px, img))
    regions: tuple[Region, ...] = ((portrait.side, _poly(portrait.box_px)),)
    ghost = [i for i in plan.images if i.key == "ghost"]
    if ghost:
        regions += ((ghost[0].side, _poly(ghost[0].box_px)),)
    return plan, Change(_tag(portrait.side, _PORTRAIT_LIGHTS), regions)


def _trace_box(ctx: Context, plan: Plan, p: Mapping[str, Any],
               rng: np.random.Generator) -> tuple[str, tuple[int, int, int, int]]:
    """Where a trace goes: ``on`` = ``portrait``, ``field:<name>``, ``page`` or a feature."""
    on = str(p.get("on", "page"))
    if on == "portrait":
        item = next(i for i in plan.images if i.key == "portrait")
        return item.side, item.box_px
    if on.startswith("field:"):
        name = on.removeprefix("field:")
        candidates = [n for n in name.split("|") if n in {t.key for t in plan.texts}]
        t = plan.text(candidates[0])
        return t.side, t.box_px
    if on == "page":
        w, h = ctx.model.canonical_px(ctx.dpi)
        side = ctx.model.mrz.side if ctx.model.mrz is not None else "front"
        return side, (0, 0, w, h)
    return _feature_box(ctx, on)


# Lights in which each kind of trace shows (render.py draws them).
_TRACE_LIGHTS: Mapping[str, tuple[str, ...]] = {
    "uv_stain": ("uv365", "uv254"),
    "thin_spot": ("transmitted", "white", "tilt"),
    "cut_edge": ("white", "tilt"),
    "glue": ("uv365", "uv254"),
    "photo_paper": ("uv365", "uv254"),
    "laminate": ("tilt",),
}


@_plan_effect("trace")
def _trace(ctx: Context, plan: Plan, rng: np.random.Generator,
           p: Mapping[str, Any]) -> tuple[Plan, Change]:
    """A local trace of tampering (``kind``, see :data:`_TRACE_LIGHTS`) over ``on``."""
    kind = str(p["kind"])
    side, box = _trace_box(ctx, plan, p, rng)
    pad = mm_to_px(float(p.get("margin_mm", 0.0)), ctx.dpi)
    w, h = ctx.model.canonical_px(ctx.dpi)
    x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
    x1, y1 = min(w, box[0] + box[2] + pad), min(h, box[1] + box[3] + pad)
    box = (x0, y0, max(1, x1 - x0), max(1, y1 - y0))
    trace = Trace(kind, side, box, int(rng.integers(0, 2**31)))
    plan = replace(plan, traces=(*plan.traces, trace))
    return plan, Change(_tag(side, _TRACE_LIGHTS[kind]), ((side, _poly(box)),),
                        traces=(trace,))


# --- Planting -----------------------------------------------------------------------------


def apply_data(defect_id: str, ctx: Context, content: Content,
               rng: np.random.Generator) -> tuple[Content, PlantedDefect]:
    """Plant the data effects of ``defect_id``: returns the new content and the record so far."""
    spec = _spec(defect_id, ctx.model)
    change = Change()
    for effect in spec.effects:
        fn = DATA_EFFECTS.get(effect.name)
        if fn is not None:
            content, more = fn(ctx, content, rng, effect.params)
            change = change + more
    return content, PlantedDefect(
        id=defect_id, views=change.lights, regions=change.regions,
        checks=_checks(spec, ctx.model), fields=change.fields, note=change.note,
    )


def apply_plan(defect_id: str, ctx: Context, plan: Plan, planted: PlantedDefect,
               rng: np.random.Generator) -> tuple[Plan, PlantedDefect]:
    """Plant the plan effects of ``defect_id`` on ``plan``; extend the record."""
    spec = _spec(defect_id, ctx.model)
    change = Change(planted.views, planted.regions, planted.fields, planted.note)
    for effect in spec.effects:
        fn = PLAN_EFFECTS.get(effect.name)
        if fn is not None:
            plan, more = fn(ctx, plan, rng, effect.params)
            change = change + more
    return plan, replace(planted, views=change.lights, regions=change.regions,
                         fields=change.fields, note=change.note)


# Views that are a picture of their own rather than a side of the document.
_WHOLE_IMAGE_VIEWS = ("vin_plate", "traveller")


def _revealing(spec: DefectSpec, view: str) -> bool:
    families = set(spec.reveal_views)
    if "data" in families:  # data are read in white light
        families.add("white")
    if view in _WHOLE_IMAGE_VIEWS:
        return view in families
    return view_family(view) in families


def finish(planted: PlantedDefect, model: DocumentModel,
           rendered: Mapping[str, Any]) -> PlantedDefect:
    """Expand ``light@side`` tags into rendered view names; fill VIN-plate regions.

    ``changed_views`` are every view whose pixels the defect changed; ``views`` only those of
    them that reveal it (the catalogue's ``reveal_views``) or, when no pixel changed, the
    revealing views of the sides it marks.
    """
    names: list[str] = []
    for tag in planted.views:
        light, _, side = tag.partition("@")
        if light in _WHOLE_IMAGE_VIEWS:
            if light in rendered:
                names.append(light)
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
    regions: list[Region] = []
    for space, poly in planted.regions:
        if space in _WHOLE_IMAGE_VIEWS:
            if space in rendered:
                h, w = rendered[space].shape[:2]
                regions.append((space, _poly((0, 0, w, h))))
            continue
        regions.append((space, poly))
    order = {v: i for i, v in enumerate((*view_names(model),
                                         "traveller"))}
    changed = tuple(sorted(dict.fromkeys(names), key=lambda v: order.get(v, 99)))
    spec = catalogue()[planted.id]
    revealing = tuple(v for v in changed if _revealing(spec, v))
    if not changed:
        # Nothing printed changed (a registry hit, a fantasy design): the views to look at
        # are those of the revealing lights on the sides of the marked regions.
        sides = {space for space, _ in regions}
        revealing = tuple(v for v in sorted(rendered, key=lambda v: order.get(v, 99))
                          if _revealing(spec, v)
                          and (v if v in _WHOLE_IMAGE_VIEWS else side_of(v)) in sides)
    return replace(
        planted,
        views=revealing,
        changed_views=changed,
        regions=tuple(regions),
        action=spec.action,
    )



def catalogue_listing() -> dict[str, list[dict[str, Any]]]:
    """Models (fantasy documents flagged), defects and scenarios as JSON-ready lists, each
    entry with its ``id``."""
    from docsec.models import MODEL_IDS, get_model

    models = {mid: get_model(mid) for mid in (*MODEL_IDS, *FANTASY_MODEL_IDS)}
    return {
        "models": [{"id": mid, "kind": m.kind, "issuer": m.issuer, "format": m.format_name,
                    "fantasy": mid in FANTASY_MODEL_IDS,
                    "views": list(view_names(m))}
                   for mid, m in models.items()],
        "defects": [{**spec.to_dict(),
                     "models": [mid for mid, m in models.items() if spec.id in applicable(m)]}
                    for spec in catalogue().values()],
        "scenarios": [{**spec.to_dict(),
                       "models": [mid for mid, m in models.items()
                                  if spec.id in scenario_applicable(m)]}
                      for spec in scenarios().values()],
    }
