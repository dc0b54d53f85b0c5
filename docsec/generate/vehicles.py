"""The vehicle behind a vehicle registration certificate."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

__all__ = ["CHECK_DIGIT_ORIGINS", "ORIGINS", "make_vehicle_record"]


#: Where the certificates' vehicles are built (VIN regions of ``docsec.registry.mock``):
#: North America (check digit compulsory, 49 CFR 565.15(c)), Europe (mostly no check digit:
#: a VIN that does not compute is no evidence there), Asia (Japan and Korea without, China
#: with a compulsory check digit, GB 16735).
ORIGINS = ("North America", "Europe", "Asia")
#: Origins whose VINs always carry a computed check digit.
CHECK_DIGIT_ORIGINS = ("North America",)


def make_vehicle_record(rng: np.random.Generator, reference_date: datetime.date, *,
                        origins: tuple[str, ...] = ORIGINS) -> dict[str, Any]:
    """A coherent vehicle for a certificate (``docsec.registry.mock.make_vehicle``), UTO plate.

    The origin is drawn from ``origins`` (one uniform draw, so a narrower list keeps the rest
    of the stream aligned); the first registration falls in or after the model year, before
    the reference date.
    """
    from docsec.registry.mock import make_plate, make_vehicle

    origin = origins[min(len(origins) - 1, int(rng.random() * len(origins)))]
    v = make_vehicle(rng, region=origin, year_range=(2000, reference_date.year - 1))
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
        "origin": origin,
    }
