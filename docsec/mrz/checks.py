"""The stable check IDs of :func:`docsec.mrz.parse`.

Every parse answers every check below exactly once, in this order (``not_applicable`` where the
format has no such element, e.g. no composite digit on a visa). Generator defect catalogues and
trainee scoring refer to these IDs, never to message text.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CHECKS", "CHECK_IDS"]

CHECKS: Mapping[str, str] = {
    "mrz.line_length": "every line has the format's length (30, 36 or 44)",
    "mrz.charset": "only A-Z, 0-9 and the filler '<' (Doc 9303-3 §4.1)",
    "mrz.filler": "fillers only after the content of the document number and the codes",
    "mrz.document_code": "document code: P (TD3), V (MRV), A/C/I (TD1, TD2), 2nd char not V",
    "mrz.issuing_state": "issuing state is an ICAO code (warn: non-ICAO, fail: fantasy/unknown)",
    "mrz.nationality": "nationality is an ICAO code (warn: non-ICAO, fail: fantasy/unknown)",
    "mrz.check_digit.document_number": "check digit of the document number (full, if >9 chars)",
    "mrz.check_digit.date_of_birth": "check digit of the date of birth",
    "mrz.check_digit.date_of_expiry": "check digit of the date of expiry",
    "mrz.check_digit.optional_data": "check digit of the TD3 personal number ('<' if it is empty)",
    "mrz.check_digit.composite": "composite check digit over the format's exact coverage",
    "mrz.date_of_birth": "date of birth is a calendar date (unknown 00/<< parts: warn)",
    "mrz.date_of_expiry": "date of expiry is a calendar date (unknown 00/<< parts: warn)",
    "mrz.expired": "the document has not expired on the reference date",
    "mrz.sex": "sex is M, F or < (X: non-conformant warning)",
    "mrz.name.format": "name is primary<<secondary, single '<' between components, letters only",
    "mrz.name.truncated": "the name field ends in a filler (warn: the name may be truncated)",
}

CHECK_IDS: tuple[str, ...] = tuple(CHECKS)
