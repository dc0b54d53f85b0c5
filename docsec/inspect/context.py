"""The inspection context every check is a plain function of, and how a finding is made."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from docsec.alerts import DocumentAlerts
from docsec.inspect.register import RegisteredView, canonical_polygon
from docsec.models import DocumentModel
from docsec.read import Reading
from docsec.registry.base import VehicleRegistry
from docsec.report import Finding, Status

__all__ = ["Context", "make_finding"]

BoxMM = tuple[float, float, float, float]


@dataclass
class Context:
    """What the checks see: the registered views of the level, the readings, the model.

    ``views`` holds only the views the level uses; ``supplied`` names every view given (a
    check that needs a view the level leaves out says so); ``readings`` is the reading of
    each side's white view; ``mrz`` the parsed MRZ (:class:`docsec.mrz.MRZ`) when one was read;
    ``alerts`` the lost, stolen and revoked documents list (:mod:`docsec.alerts`) if given.
    """

    model: DocumentModel
    views: Mapping[str, RegisteredView]
    supplied: frozenset[str]
    readings: Mapping[str, Reading]
    mrz: Any
    reference_date: dt.date
    level: int
    registry: VehicleRegistry | None = None
    vin_plate: NDArray[np.uint8] | None = None
    vin_plate_text: str | None = None
    traveller: NDArray[np.uint8] | None = None
    alerts: DocumentAlerts | None = None
    memo: dict[str, Any] = field(default_factory=dict)

    def view(self, light: str, side: str = "front") -> RegisteredView | None:
        """The registered view of ``light`` on ``side`` (None if absent or unregistered)."""
        name = light if side == "front" else f"{light}_back"
        v = self.views.get(name)
        return v if v is not None and v.registered else None

    def missing(self, light: str, side: str = "front") -> str:
        """Why a view is not there: not supplied, left out by the level, or not registered."""
        name = light if side == "front" else f"{light}_back"
        if name in self.views:
            return f"view {name} could not be registered"
        if name in self.supplied:
            return f"view {name} is not used at level {self.level}"
        return f"needs view {name}"


def make_finding(
    check_id: str,
    status: Status,
    en: str,
    ru: str,
    *,
    score: float | None = None,
    threshold: float | None = None,
    view: RegisteredView | None = None,
    view_name: str | None = None,
    box_mm: BoxMM | None = None,
    field_name: str | None = None,
    expected: str | None = None,
    found: str | None = None,
    positions: tuple[tuple[int, int], ...] = (),
) -> Finding:
    """A finding with its region in canonical (600 dpi) and capture coordinates."""
    region: dict[str, object] | None = None
    if box_mm is not None:
        region = {
            "side": view.side if view is not None else None,
            "box_mm": [round(v, 2) for v in box_mm],
            "canonical": canonical_polygon(box_mm),
            "capture": view.to_capture(box_mm) if view is not None else None,
        }
    return Finding(
        id=check_id,
        status=status,
        field=field_name,
        positions=positions,
        expected=expected,
        found=found,
        message=en,
        score=None if score is None else round(float(score), 4),
        threshold=threshold,
        view=view.name if view is not None else view_name,
        region=region,
        message_ru=ru,
    )
