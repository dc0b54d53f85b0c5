"""The printed content of one document: visual-zone strings, MRZ data and lines, portrait.

:func:`make_content` turns a holder and document data (:mod:`docsec.generate.identities`)
into what the document prints: the visual-zone values in the model's script and date style,
the :class:`~docsec.mrz.MRZData` and its lines (rendered by :func:`docsec.mrz.render`, which
transliterates Cyrillic names per ICAO Doc 9303 Part 3 §6), the number to laser-perforate and,
for vehicle certificates, the vehicle. Data defects act on a :class:`Content` before any pixel
is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from docsec.generate.identities import DocumentData, Holder
from docsec.models import DocumentModel, format_date
from docsec.mrz import MRZData, render

__all__ = ["Content", "format_date", "make_content"]


@dataclass(frozen=True, slots=True)
class Content:
    """What one document prints (before rendering)."""

    viz: Mapping[str, str]
    mrz_data: MRZData | None
    mrz_lines: tuple[str, ...] | None
    perforation: str | None
    holder: Holder
    document: DocumentData
    vehicle: Mapping[str, Any] | None = None
    vin_plate: str | None = None
    fonts: Mapping[str, str] = field(default_factory=dict)
    """Per-field font overrides (``mrz`` for the MRZ): defects that print in the wrong font."""
    inks: Mapping[str, str] = field(default_factory=dict)
    """Per-field ink overrides (``mrz`` for the MRZ): defects that print in the wrong ink."""
    alert: Mapping[str, Any] | None = None
    """A record of this document in the lost, stolen and revoked documents extract."""
    impostor: bool = False
    """The person presenting the document is not its holder (a look-alike)."""

    def with_viz(self, **values: str) -> Content:
        """A copy with visual-zone values replaced."""
        return replace(self, viz={**self.viz, **values})


def make_content(
    model: DocumentModel,
    holder: Holder,
    data: DocumentData,
    *,
    vehicle: Mapping[str, Any] | None = None,
    nationality: str | None = None,
) -> Content:
    """Printed content of a genuine document of ``model`` for ``holder`` and ``data``.

    ``nationality`` overrides the holder's (a visa is issued to a foreign national).
    """
    style = model.date_style
    nat = nationality or holder.nationality
    viz: dict[str, str] = {}
    values = {
        "document_code": model.document_code or "",
        "issuing_state": model.issuer,
        "document_number": data.document_number,
        "surname": holder.surname,
        "given_names": holder.given_names,
        "nationality": nat,
        "date_of_birth": format_date(holder.date_of_birth, style),
        "sex": holder.sex,
        "place_of_birth": holder.place_of_birth,
        "date_of_issue": format_date(data.date_of_issue, style),
        "authority": data.authority,
        "date_of_expiry": format_date(data.date_of_expiry, style),
        "address": holder.address,
        "place_of_issue": "UTOPIA CITY",
        "valid_from": format_date(data.date_of_issue, style),
        "valid_until": format_date(data.date_of_expiry, style),
        "number_of_entries": "MULT",
        "remarks": "TOURISM",
    }
    if vehicle is not None:
        values.update(
            {
                "A": str(vehicle["plate"]),
                "B": format_date(vehicle["first_registration"], style),
                "I": format_date(data.date_of_issue, style),
                "C.1.1": holder.surname,
                "C.1.2": holder.given_names,
                "C.1.3": holder.address,
                "D.1": str(vehicle["make"]),
                "D.2": str(vehicle.get("type", "")),
                "D.3": str(vehicle["model"]),
                "E": str(vehicle["vin"]),
                "P.5": str(vehicle["engine_number"]),
                "R": str(vehicle["colour"]),
            }
        )
    for f in model.fields:
        viz[f.name] = values.get(f.name, "")
    mrz_data: MRZData | None = None
    lines: tuple[str, ...] | None = None
    fmt = model.format
    if fmt is not None:
        mrz_data = MRZData(
            document_code=model.document_code or "P",
            issuing_state=model.issuer,
            document_number=data.document_number,
            nationality=nat,
            date_of_birth=holder.date_of_birth,
            sex=holder.sex,
            date_of_expiry=data.date_of_expiry,
            primary_identifier=holder.surname,
            secondary_identifier=holder.given_names,
            optional_data=data.optional_data,
        )
        lines = render(mrz_data, fmt)
    perforation = data.document_number if model.has_feature("laser_perforation") else None
    return Content(
        viz=viz,
        mrz_data=mrz_data,
        mrz_lines=lines,
        perforation=perforation,
        holder=holder,
        document=data,
        vehicle=vehicle,
        vin_plate=str(vehicle["vin"]) if vehicle is not None else None,
    )
