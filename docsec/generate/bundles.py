"""Multi-document items: documents presented together (issue 12 §6).

A *bundle* (``data/bundles.json``) is a set of documents of one person or one vehicle: a
passport with the visa issued in it, a passport and an identity card, a vehicle certificate
with its VIN plate and the registry. Every document of a bundle has the same holder (name,
transliterated when the script differs; sex; date and place of birth; face). A *bundle
scenario* plants either a contradiction between two documents (``mismatch``: a field of one
document differs from the other's while each document is consistent in itself, so only the
comparison reveals it) or catalogue defects on one document; the answer says which document
carries it and what the officer should do.

>>> sorted(bundles())
['passport_id_card', 'passport_visa', 'vehicle_certificate']
>>> bundle_scenarios()["bundle.visa_name_mismatch"].document
'visa'
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from docsec.errors import InvalidComponent
from docsec.generate.defects import applicable, catalogue, revealed_with
from docsec.generate.document import SyntheticDocument, make_document
from docsec.generate.identities import Holder
from docsec.generate.regions import RegionView
from docsec.models import DocumentModel, get_model

__all__ = [
    "BundleItem",
    "BundleScenario",
    "BundleSpec",
    "bundle_listing",
    "bundle_roles",
    "bundle_scenarios",
    "bundles",
    "make_bundle",
]

#: Fields a mismatch scenario may contradict.
MISMATCH_FIELDS = ("surname", "date_of_birth")


@dataclass(frozen=True, slots=True)
class BundleSpec:
    """Documents presented together: (role, model id) pairs, the first made first."""

    id: str
    about: str
    documents: tuple[tuple[str, str], ...]

    def model_of(self, role: str) -> str:
        """The model of document ``role`` (:class:`InvalidComponent` if the bundle has none)."""
        for r, m in self.documents:
            if r == role:
                return m
        raise InvalidComponent(f"bundle {self.id!r} has no document {role!r}")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"id": self.id, "about": self.about,
                "documents": [{"role": r, "model": m} for r, m in self.documents]}


@dataclass(frozen=True, slots=True)
class BundleScenario:
    """A forgery of a bundle: a contradiction between two documents or defects on one."""

    id: str
    bundle: str
    document: str
    forgery_type: str
    difficulty: int
    action: str
    feedback: Mapping[str, str]
    mismatch_field: str | None = None
    against: str | None = None
    defects: tuple[str, ...] = ()

    def reveal_views(self) -> tuple[str, ...]:
        """The lights or sources that reveal it (a mismatch: reading the data)."""
        if self.mismatch_field is not None:
            return ("data",)
        cat = catalogue()
        return tuple(dict.fromkeys(v for d in self.defects for v in cat[d].reveal_views))

    def revealed_with(self, tools: frozenset[str] | set[str]) -> bool:
        """Whether a trainee with ``tools`` can find it."""
        if self.mismatch_field is not None:
            return True
        cat = catalogue()
        return any(revealed_with(cat[d], tools) for d in self.defects)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {"id": self.id, "bundle": self.bundle, "document": self.document,
                "forgery_type": self.forgery_type, "difficulty": self.difficulty,
                "mismatch": ({"field": self.mismatch_field, "against": self.against}
                             if self.mismatch_field else None),
                "defects": list(self.defects), "action": self.action,
                "reveal_views": list(self.reveal_views()), "feedback": dict(self.feedback)}


def _raw() -> dict[str, Any]:
    text = (resources.files("docsec.generate") / "data" / "bundles.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def bundles() -> Mapping[str, BundleSpec]:
    """Every bundle of ``data/bundles.json`` by id (models checked)."""
    out: dict[str, BundleSpec] = {}
    for b in _raw()["bundles"]:
        docs = tuple((str(d["role"]), str(d["model"])) for d in b["documents"])
        for _, m in docs:
            get_model(m)
        if len({r for r, _ in docs}) != len(docs):
            raise InvalidComponent(f"bundle {b['id']!r}: a role is listed twice")
        out[str(b["id"])] = BundleSpec(str(b["id"]), str(b["about"]), docs)
    return out


@functools.cache
def bundle_scenarios() -> Mapping[str, BundleScenario]:
    """Every bundle scenario of ``data/bundles.json`` by id (bundles, roles, fields and
    defects checked against the documents they apply to)."""
    specs = bundles()
    cat = catalogue()
    out: dict[str, BundleScenario] = {}
    for s in _raw()["scenarios"]:
        sid = str(s["id"])
        bundle = specs.get(str(s["bundle"]))
        if bundle is None:
            raise InvalidComponent(f"bundle scenario {sid!r}: unknown bundle {s['bundle']!r}")
        model = get_model(bundle.model_of(str(s["document"])))
        mismatch = s.get("mismatch")
        defects = tuple(str(d) for d in s.get("defects", ()))
        if (mismatch is None) == (not defects):
            raise InvalidComponent(f"bundle scenario {sid!r}: give a mismatch or defects")
        for d in defects:
            if d not in cat or d not in applicable(model):
                raise InvalidComponent(f"bundle scenario {sid!r}: {d!r} does not apply to "
                                       f"{model.id!r}")
        field = against = None
        if mismatch is not None:
            field, against = str(mismatch["field"]), str(mismatch["against"])
            bundle.model_of(against)
            if field not in MISMATCH_FIELDS:
                raise InvalidComponent(f"bundle scenario {sid!r}: field must be one of "
                                       f"{MISMATCH_FIELDS}")
        out[sid] = BundleScenario(
            id=sid, bundle=bundle.id, document=str(s["document"]),
            forgery_type=str(s["forgery_type"]), difficulty=int(s["difficulty"]),
            action=str(s["action"]), feedback=dict(s["feedback"]), mismatch_field=field,
            against=against, defects=defects)
    return out


def bundle_roles() -> tuple[str, ...]:
    """The roles documents take in bundles (the prefixes of their views in an item)."""
    return tuple(dict.fromkeys(r for b in bundles().values() for r, _ in b.documents))


def bundle_listing() -> dict[str, list[dict[str, object]]]:
    """Bundles and bundle scenarios as JSON-ready lists, each entry with its ``id``."""
    return {"bundles": [b.to_dict() for b in bundles().values()],
            "bundle_scenarios": [s.to_dict() for s in bundle_scenarios().values()]}


@dataclass(frozen=True, slots=True)
class BundleItem:
    """A generated bundle: its documents by role and the answer of its scenario."""

    bundle: str
    scenario: str | None
    documents: tuple[tuple[str, SyntheticDocument], ...]
    findings: tuple[Mapping[str, Any], ...]
    """Contradictions between documents (``id``, ``document``, ``against``, ``field``,
    ``regions`` per document, ``views``, ``action``, ``feedback``); defects planted on one
    document are in that document's own answer key."""

    @property
    def genuine(self) -> bool:
        """No contradiction and no defect on any document."""
        return not self.findings and all(d.genuine for _, d in self.documents)

    @property
    def carrier(self) -> str | None:
        """The role of the document that carries the forgery (None when genuine)."""
        if self.scenario is None:
            return None
        return bundle_scenarios()[self.scenario].document

    def expected_action(self) -> str:
        """``accept`` a genuine bundle, else the scenario's action (``refer``, ``reject``)."""
        if self.genuine or self.scenario is None:
            return "accept"
        return bundle_scenarios()[self.scenario].action


def _holder(doc: SyntheticDocument) -> Holder:
    h = doc.holder
    return Holder(surname=str(h["surname"]), given_names=str(h["given_names"]),
                  sex=str(h["sex"]),
                  date_of_birth=datetime.date.fromisoformat(str(h["date_of_birth"])),
                  place_of_birth=str(h["place_of_birth"]), nationality=str(h["nationality"]),
                  address=str(h["address"]))


def _altered(person: Holder, field: str, rng: np.random.Generator) -> Holder:
    """The person with one field changed as a forger or a mix-up would: one letter of the
    surname, or the date of birth moved by one to three years and some days."""
    if field == "surname":
        name = person.surname
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        i = letters[int(rng.integers(len(letters)))]
        pool = "АБВГДЕИКЛМНОПРСТУ" if not name.isascii() else "ABDEGIKLMNORSTU"
        choices = [c for c in pool if c != name[i].upper()]
        return dataclasses.replace(person, surname=name[:i] + choices[
            int(rng.integers(len(choices)))] + name[i + 1 :])
    days = int(rng.integers(1, 4)) * 365 + int(rng.integers(3, 120))
    return dataclasses.replace(person, date_of_birth=person.date_of_birth
                               - datetime.timedelta(days=days))


def _field_region(model: DocumentModel, name: str, dpi: int) -> dict[str, object] | None:
    if not any(f.name == name for f in model.fields):
        return None
    spec = model.field(name)
    x, y, w, h = DocumentModel.box_px(spec.box_mm, dpi)
    return {"space": spec.side, "polygon_xy": [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]}


def make_bundle(
    bundle_id: str,
    *,
    rng: np.random.Generator | int | None = None,
    reference_date: datetime.date,
    dpi: int = 300,
    scenario: str | None = None,
    views: Callable[[str], Sequence[str] | None] | None = None,
    regions: Callable[[str], Sequence[RegionView]] | None = None,
    traveller: bool = False,
) -> BundleItem:
    """Generate the documents of bundle ``bundle_id`` for one holder, with ``scenario``
    (:func:`bundle_scenarios`) planted when given.

    ``views`` and ``regions`` give each model's views and loupe or magnified views (all
    views and none when not given); ``traveller`` adds the photo of the person presenting
    them to the first document with a portrait.

    Raises
    ------
    InvalidComponent
        Unknown bundle or scenario, or a scenario of another bundle.
    """
    spec = bundles().get(bundle_id)
    if spec is None:
        raise InvalidComponent(f"unknown bundle {bundle_id!r}; docsec generate --list shows "
                               "them")
    sc = None
    if scenario is not None:
        sc = bundle_scenarios().get(scenario)
        if sc is None or sc.bundle != bundle_id:
            raise InvalidComponent(f"{scenario!r} is not a scenario of bundle {bundle_id!r}")
    gen = np.random.default_rng(rng)
    seeds = [int(s) for s in gen.integers(0, 2**63, len(spec.documents) + 2)]
    face_seed, alter_seed = seeds[-2:]
    docs: list[tuple[str, SyntheticDocument]] = []
    person: Holder | None = None
    photo_given = False
    findings: list[dict[str, Any]] = []
    for (role, model_id), seed in zip(spec.documents, seeds, strict=False):
        model = get_model(model_id)
        who = person
        if sc is not None and sc.document == role and sc.mismatch_field and person is not None:
            who = _altered(person, sc.mismatch_field, np.random.default_rng(alter_seed))
        wants_photo = traveller and not photo_given and model.portrait is not None
        doc = make_document(
            model_id, rng=seed, reference_date=reference_date, dpi=dpi,
            views=views(model_id) if views is not None else None,
            regions=regions(model_id) if regions is not None else (),
            defects=sc.defects if sc is not None and sc.document == role else (),
            person=who, face_seed=face_seed, traveller=wants_photo)
        photo_given = photo_given or wants_photo
        docs.append((role, doc))
        if person is None:
            person = _holder(doc)
    if sc is not None and sc.mismatch_field is not None and sc.against is not None:
        field = sc.mismatch_field
        regions_out = []
        for role in (sc.document, sc.against):
            model = get_model(spec.model_of(role))
            region = _field_region(model, field, dpi)
            if region is not None:
                regions_out.append({"document": role, **region})
            if model.mrz is not None:  # the MRZ carries the same field
                x, y, w, h = DocumentModel.box_px(model.mrz.box_mm, dpi)
                regions_out.append({"document": role, "space": model.mrz.side,
                                    "polygon_xy": [[x, y], [x + w, y], [x + w, y + h],
                                                   [x, y + h]]})
        by_role = dict(docs)
        findings.append({
            "id": sc.id, "document": sc.document, "against": sc.against, "field": field,
            "values": {role: by_role[role].fields.get(field) for role in (sc.document,
                                                                           sc.against)},
            "views": [f"{role}_{v}" for role in (sc.document, sc.against)
                      for v in ("white",) if v in by_role[role].views],
            "regions": regions_out, "action": sc.action, "difficulty": sc.difficulty,
            "forgery_type": sc.forgery_type, "feedback": dict(sc.feedback)})
    return BundleItem(bundle=bundle_id, scenario=scenario, documents=tuple(docs),
                      findings=tuple(findings))
