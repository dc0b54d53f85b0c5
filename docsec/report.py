"""Shared result vocabulary: statuses and findings.

A *finding* is one answered check: a stable dotted check ID
(``mrz.check_digit.document_number``, ``vin.check_digit``...), a status, the field
and the character positions it concerns, what was expected and what was found.
Instructor answer keys and trainee scoring refer to check IDs, never to messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "Status", "worst"]


class Status(StrEnum):
    """Outcome of one check."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Finding:
    """One answered check.

    ``positions`` are 1-based ``(line, column)`` pairs of the characters concerned, in
    the coordinates of the thing checked (MRZ lines, VIN characters as line 1).

    Image checks (:mod:`docsec.inspect`) also give the measured ``score`` and the
    ``threshold`` it was held against, the ``view`` looked at, the ``region`` (a mapping
    with ``canonical`` and ``capture`` polygons) and the message in Russian (``message_ru``).
    """

    id: str
    status: Status
    field: str | None = None
    positions: tuple[tuple[int, int], ...] = ()
    expected: str | None = None
    found: str | None = None
    message: str = ""
    score: float | None = None
    threshold: float | None = None
    view: str | None = None
    region: Mapping[str, object] | None = None
    message_ru: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "id": self.id,
            "status": self.status.value,
            "field": self.field,
            "positions": [list(p) for p in self.positions],
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


_RANK = {
    Status.NOT_APPLICABLE: 0,
    Status.PASS: 1,
    Status.WARN: 2,
    Status.ERROR: 3,
    Status.FAIL: 4,
}


def worst(statuses: Iterable[Status]) -> Status:
    """Return the most severe status (fail > error > warn > pass > not applicable).

    >>> worst([Status.PASS, Status.WARN])
    <Status.WARN: 'warn'>
    >>> worst([])
    <Status.NOT_APPLICABLE: 'not_applicable'>
    """
    return max(statuses, key=_RANK.__getitem__, default=Status.NOT_APPLICABLE)
