"""Identities: dates coherent with the reference date, names in the issuer's script."""

from __future__ import annotations

import datetime

import pytest

from docsec.generate.identities import add_years, make_identity
from docsec.models import MODEL_IDS, get_model

REF = datetime.date(2026, 1, 15)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_dates_hang_together(model_id: str) -> None:
    model = get_model(model_id)
    for seed in range(40):
        holder, data = make_identity(model, rng=seed, reference_date=REF)
        age = (REF - holder.date_of_birth).days / 365.25
        assert 18 <= age <= 80
        assert add_years(holder.date_of_birth, 16) <= data.date_of_issue <= REF
        assert data.date_of_expiry > REF
        if model.validity_years:
            assert data.date_of_expiry == add_years(data.date_of_issue, model.validity_years) - (
                datetime.timedelta(days=1)
            )
        assert len(data.document_number) == 9
        assert data.document_number.startswith(model.number_prefix)


def test_scripts() -> None:
    holder, _ = make_identity(get_model("zza_passport_td3"), rng=1, reference_date=REF)
    assert any("\u0400" <= c <= "\u04ff" for c in holder.surname)
    holder, _ = make_identity(get_model("uto_passport_td3"), rng=1, reference_date=REF)
    assert holder.surname.replace(" ", "").replace("-", "").replace("'", "").isascii()


def test_same_seed_same_identity() -> None:
    m = get_model("uto_id_td1")
    first = make_identity(m, rng=9, reference_date=REF)
    assert first == make_identity(m, rng=9, reference_date=REF)
    assert first != make_identity(m, rng=8, reference_date=REF)


@pytest.mark.parametrize("model_id", [m for m in MODEL_IDS if get_model(m).format is not None])
def test_names_fit_the_mrz_whole_and_vary(model_id: str) -> None:
    """All given names are printed, yet a genuine MRZ never is, nor looks, truncated."""
    from docsec.generate.content import make_content
    from docsec.mrz import parse

    model = get_model(model_id)
    counts = set()
    for seed in range(120):
        holder, data = make_identity(model, rng=seed, reference_date=REF)
        lines = make_content(model, holder, data).mrz_lines
        assert lines is not None
        result = parse(lines, reference_date=REF)
        assert result.valid, (lines, result.to_dict())
        truncated = [f for f in result.findings if f.id == "mrz.name.truncated"]
        assert all(f.status.value == "pass" for f in truncated), lines
        counts.add(len(holder.given_names.split()))
    if model.script == "latin":
        assert counts == {1, 2, 3}


def test_td3_personal_number() -> None:
    """Utopia's TD3 optional data is a personal number like the specimen's ZE184226B."""
    for seed in range(30):
        _, data = make_identity(get_model("uto_passport_td3"), rng=seed, reference_date=REF)
        pn = data.optional_data
        assert len(pn) == 9 and pn[:2].isalpha() and pn[2:8].isdigit() and pn[8].isalpha(), pn
        _, data = make_identity(get_model("zza_passport_td3"), rng=seed, reference_date=REF)
        assert data.optional_data == ""
        _, data = make_identity(get_model("uto_id_td1"), rng=seed, reference_date=REF)
        assert data.optional_data == ""
