"""docsec.registry.mock: coherent synthetic vehicles and deterministic stolen lists."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from docsec.errors import InvalidComponent
from docsec.registry.mock import PLATE_COUNTRIES, REGIONS, make_records, make_vehicle
from docsec.vin import check, decode


@pytest.mark.parametrize(
    "region",
    [None, "Europe", "Asia", "North America", "Africa", "Oceania", "South America", "KAZ", "RUS"],
)
def test_vehicles_decode_consistently(region: str | None) -> None:
    rng = np.random.default_rng(42)
    for _ in range(300):
        v = make_vehicle(rng, region=region)
        d = decode(v.vin, reference_year=2026)
        assert v.make in d.makes, v
        assert v.year in d.model_years, v
        assert check(v.vin, reference_year=2026).valid, v
        if region in REGIONS:
            assert d.region == region
        if region in PLATE_COUNTRIES:
            assert v.plate_country == region


def test_same_seed_same_vehicle_and_year_range() -> None:
    assert make_vehicle(5) == make_vehicle(np.random.default_rng(5))
    assert make_vehicle(5) != make_vehicle(6)
    for seed in range(50):
        assert 2000 <= make_vehicle(seed, year_range=(2000, 2004)).year <= 2004


def test_bad_region() -> None:
    with pytest.raises(InvalidComponent):
        make_vehicle(1, region="Atlantis")
    with pytest.raises(InvalidComponent):
        make_vehicle(1, region="Oceania", year_range=(2020, 2026))  # nothing in the catalogue


def test_russian_plates_use_cyrillic() -> None:
    plate = make_vehicle(3, region="RUS").plate
    assert any("\u0400" <= c <= "\u04ff" for c in plate)


def test_records_are_deterministic_and_mixed() -> None:
    a = list(make_records(3000, seed=9))
    assert a == list(make_records(3000, seed=9))
    assert a != list(make_records(3000, seed=10))
    status = collections.Counter(r.status for r in a)
    assert status["stolen"] > 2000 and status["recovered"] > 100 and status["cloned_vin"] > 30
    assert sum(r.kind == "chassis" for r in a) > 5
    by_vin = collections.defaultdict(list)
    for r in a:
        by_vin[r.vin].append(r)
    clones = [rs for rs in by_vin.values() if any(r.status == "cloned_vin" for r in rs)]
    assert clones and all(len(rs) >= 2 for rs in clones)
    for r in a:
        assert len(r.reporting_country) == 3 and r.reporting_country.isupper()
        if r.kind == "vin" and r.status != "cloned_vin":
            assert check(r.vin, reference_year=2026).valid


def test_generated_vins_cross_checked_with_vininfo() -> None:
    """An independent implementation agrees: mandatory check digits compute, years decode."""
    vininfo = pytest.importorskip("vininfo")
    rng = np.random.default_rng(17)
    for _ in range(300):
        v = make_vehicle(rng, region="North America")
        assert vininfo.Vin(v.vin).verify_checksum(), v.vin
        corrupted = v.vin[:12] + ("1" if v.vin[12] != "1" else "2") + v.vin[13:]
        assert not vininfo.Vin(corrupted).verify_checksum()
        assert not check(corrupted, reference_year=2026).valid
