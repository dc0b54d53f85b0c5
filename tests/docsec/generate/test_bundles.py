"""Multi-document items: one holder across documents, contradictions between documents,
defects on one document, and exercises made of them."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docsec.cli import app
from docsec.errors import InvalidComponent
from docsec.generate.bundles import bundle_scenarios, bundles, make_bundle
from docsec.generate.exercise import make_exercise
from docsec.mrz import parse, transliterate

REF = datetime.date(2026, 1, 15)
DPI = 60


def test_one_holder_across_the_documents() -> None:
    item = make_bundle("passport_visa", rng=4, reference_date=REF, dpi=DPI)
    (_, passport), (_, visa) = item.documents
    assert item.genuine and item.expected_action() == "accept" and item.carrier is None
    assert passport.holder["date_of_birth"] == visa.holder["date_of_birth"]
    assert transliterate(str(passport.holder["surname"])) == visa.fields["surname"]
    assert visa.fields["nationality"] == passport.fields["nationality"] == "ZZA"
    for _, doc in item.documents:  # every document valid in itself
        assert doc.mrz_lines is not None
        result = parse(doc.mrz_lines, reference_date=REF)
        assert not [f for f in result.findings if f.status == "fail"]


@pytest.mark.parametrize("scenario", ["bundle.visa_name_mismatch",
                                      "bundle.id_card_birth_mismatch"])
def test_a_mismatch_is_only_between_documents(scenario: str) -> None:
    sc = bundle_scenarios()[scenario]
    item = make_bundle(sc.bundle, rng=7, reference_date=REF, dpi=DPI, scenario=scenario)
    genuine = make_bundle(sc.bundle, rng=7, reference_date=REF, dpi=DPI)
    docs, base = dict(item.documents), dict(genuine.documents)
    assert not item.genuine and item.carrier == sc.document
    assert item.expected_action() == sc.action
    (finding,) = item.findings
    assert finding["document"] == sc.document and finding["against"] == sc.against
    assert {r["document"] for r in finding["regions"]} == {sc.document, sc.against}
    # the carrier differs from its genuine twin in the contradicted field, the other not at all
    assert docs[sc.against].fields == base[sc.against].fields
    changed = {k for k in docs[sc.document].fields
               if docs[sc.document].fields[k] != base[sc.document].fields[k]}
    assert changed == {sc.mismatch_field}
    # each document is consistent in itself: no check digit fails, no defect planted
    for doc in docs.values():
        assert doc.genuine and doc.mrz_lines is not None
        assert not [f for f in parse(doc.mrz_lines, reference_date=REF).findings
                    if f.status == "fail"]


def test_defects_go_on_the_carrier_only() -> None:
    item = make_bundle("passport_visa", rng=2, reference_date=REF, dpi=DPI,
                       scenario="bundle.counterfeit_visa")
    docs = dict(item.documents)
    assert docs["passport"].genuine
    assert [d.id for d in docs["visa"].answer_key] == list(
        bundle_scenarios()["bundle.counterfeit_visa"].defects)
    assert item.carrier == "visa" and not item.genuine


def test_bad_bundles() -> None:
    with pytest.raises(InvalidComponent):
        make_bundle("passport_and_hat", rng=1, reference_date=REF)
    with pytest.raises(InvalidComponent):
        make_bundle("passport_id_card", rng=1, reference_date=REF,
                    scenario="bundle.visa_name_mismatch")
    assert set(bundles()) == {"passport_visa", "passport_id_card", "vehicle_certificate"}


def test_exercise_of_multi_document_items(tmp_path: Path) -> None:
    ex = make_exercise(topic="document", level=2, count=4, forgery_rate=0.5, seed=11,
                       out=tmp_path / "ex", dpi=50, drills=["bundle.visa_name_mismatch"])
    items = ex.answer_key["items"]
    assert all(it["bundle"] == "passport_visa" for it in items)
    forged = [it for it in items if not it["genuine"]]
    assert len(forged) == 2
    for it in forged:
        assert it["defect_document"] == "visa" and it["expected_action"] == "refer"
        assert it["defects"][0]["id"] == "bundle.visa_name_mismatch"
    # every item has the same files, each document's prefixed with its role
    names = [sorted(entry["files"]) for entry in ex.manifest["items"]]
    assert all(n == names[0] for n in names)
    assert {"passport_white", "visa_white", "passport_uv254", "visa_loupe_microprint"} <= set(
        names[0])
    sizes = {(rel.split("/", 1)[1], (ex.trainee_dir / rel).stat().st_size)
             for entry in ex.manifest["items"] for rel in entry["files"].values()
             if rel.endswith(".png") and "traveller" not in rel}
    by_name: dict[str, set[int]] = {}
    for name, size in sizes:
        by_name.setdefault(name, set()).add(size)
    assert all(len(v) == 1 for v in by_name.values())  # uncompressed: size = dimensions
    with pytest.raises(InvalidComponent):
        make_exercise(topic="document", level=2, count=2, forgery_rate=0.5, seed=1,
                      out=tmp_path / "bad", dpi=50,
                      drills=["bundle.visa_name_mismatch", "uv.bright_substrate"])
    with pytest.raises(InvalidComponent):
        make_exercise(topic="vehicle", level=2, count=2, forgery_rate=0.5, seed=1,
                      out=tmp_path / "bad2", dpi=50, drills=["bundle.visa_name_mismatch"])


def test_listing_shows_bundles() -> None:
    result = CliRunner().invoke(app, ["generate", "--list", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {b["id"] for b in data["bundles"]} == set(bundles())
    assert {s["id"] for s in data["bundle_scenarios"]} == set(bundle_scenarios())
    assert all("id" in s and "document" in s for s in data["bundle_scenarios"])
