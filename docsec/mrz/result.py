"""The result of :func:`docsec.mrz.parse`: an :class:`MRZ` with its fields and findings."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from docsec.mrz.formats import MRZFormat
from docsec.mrz.render import MRZData
from docsec.report import Finding, Status

__all__ = ["MRZ", "FieldValue", "MRZField"]

FieldValue = str | int | datetime.date | None


class MRZField(NamedTuple):
    """One field as printed (``raw``) and as understood (``value``), with its 1-based positions.

    Values: codes and texts without their fillers (``'D<<'`` -> ``'D'``); the full document
    number (long-number rule applied); dates as :class:`datetime.date`, partly unknown dates as
    ``'1968-XX-XX'``, invalid dates None; check digits as ``int`` (None for ``<`` or junk); sex
    ``'M'``/``'F'``/``'X'``, None for ``<``; names with spaces between components.
    """

    raw: str
    value: FieldValue
    positions: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class MRZ:
    """A parsed machine-readable zone: its fields and one finding per check ID."""

    format: MRZFormat
    lines: tuple[str, ...]
    fields: Mapping[str, MRZField]
    findings: tuple[Finding, ...]
    valid: bool
    """No finding failed."""
    truncated_name: bool
    """The name field ends in a letter: the name may have been truncated (Doc 9303-4 §4.2.3)."""
    reference_date: datetime.date

    def finding(self, check_id: str) -> Finding:
        """The finding of one check ID (``KeyError`` if the ID is unknown)."""
        for f in self.findings:
            if f.id == check_id:
                return f
        raise KeyError(check_id)

    def invalid_reasons(self) -> list[dict[str, object]]:
        """Why the MRZ is not valid: one ``{"reason": "finding", "id", "message"}`` per
        failed finding (typed text has no unsure characters); empty when valid."""
        return [
            {"reason": "finding", "id": f.id, "message": f.message}
            for f in self.findings
            if f.status is Status.FAIL
        ]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping: format, valid (and why not), fields (raw and value), findings."""
        return {
            "format": self.format.value,
            "valid": self.valid,
            "invalid_reasons": self.invalid_reasons(),
            "lines": list(self.lines),
            "reference_date": self.reference_date.isoformat(),
            "truncated_name": self.truncated_name,
            "fields": {
                name: {
                    "raw": f.raw,
                    "value": f.value.isoformat()
                    if isinstance(f.value, datetime.date)
                    else f.value,
                }
                for name, f in self.fields.items()
            },
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_data(self) -> MRZData:
        """The fields as :class:`~docsec.mrz.render.MRZData` (``render`` gives the lines back)."""

        def val(name: str) -> str:
            f = self.fields.get(name)
            return "" if f is None or f.value is None else str(f.value)

        def date(name: str) -> datetime.date | str:
            f = self.fields[name]
            return f.value if isinstance(f.value, datetime.date) else f.raw

        sex = self.fields["sex"].value
        return MRZData(
            document_code=val("document_code"),
            issuing_state=val("issuing_state"),
            document_number=val("document_number"),
            nationality=val("nationality"),
            date_of_birth=date("date_of_birth"),
            sex="<" if sex is None else str(sex),
            date_of_expiry=date("date_of_expiry"),
            primary_identifier=val("primary_identifier"),
            secondary_identifier=val("secondary_identifier"),
            optional_data=val("optional_data"),
            optional_data_2=val("optional_data_2"),
        )
