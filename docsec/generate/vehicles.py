"""The vehicle behind a vehicle registration certificate."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

__all__ = ["make_vehicle_record"]


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
