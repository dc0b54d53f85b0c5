"""The reader's thresholds, each a named field of a frozen parameter object with its reason.

Probabilities are the OCR-B recogniser's softmax outputs (:mod:`docsec.ocr.ocrb`); the
calibration of :attr:`TrustParams.trust_unchecked` is printed by ``bench/read.py``
(reliability table) and measured on held-out captures, never on training renderings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DECODE", "REPORT", "TRUST", "DecodeParams", "ReportParams", "TrustParams"]


@dataclass(frozen=True, slots=True)
class DecodeParams:
    """How the decoder may change characters (Doc 9303-3 §4.2 character sets, §4.9 digits)."""

    #: Below this probability a character is unsure: a check digit may replace it by a
    #: candidate that makes the digit pass. O/0 and I/1 look-alikes land at 0.91-0.93
    #: under blur, so 0.95 keeps them changeable while a clear glyph never changes.
    unsure: float = 0.95
    #: Below this probability a character weighs on the ranking of competing readings
    #: (:attr:`BandRead.score`): a misaligned grid has many such cells.
    low_confidence: float = 0.60
    #: A candidate below this probability is never substituted: it is noise, and the
    #: search over combinations stays small.
    candidate_floor: float = 0.01
    #: A runner-up below this probability does not make a verified character ambiguous.
    runner_up_floor: float = 0.02
    #: At most this many characters change to make one check digit pass: one digit
    #: cannot vouch for more (Doc 9303-3 §4.9 detects every single substitution only).
    max_changes: int = 2
    #: The most unsure characters of one span tried in combination.
    max_tried: int = 4


@dataclass(frozen=True, slots=True)
class TrustParams:
    """When a reading is trusted (``valid``): what a passing check digit vouches for."""

    #: A character no passing check digit vouches for (the name line, optional data
    #: without a digit, MRV optional data) must be read at least this surely. On held-out
    #: captures no character at or above it was wrong (bench/read.py reliability table);
    #: a misread name has no other guard.
    trust_unchecked: float = 0.9995
    #: A passing check digit vouches for its span only if at most this many of the
    #: span's characters were unsure: two misreads can cancel in the 7-3-1 sum.
    max_unsure_in_span: int = 1


@dataclass(frozen=True, slots=True)
class ReportParams:
    """When a band's reading is reported as an MRZ at all (else: no MRZ found): a
    document code of a known kind (``Layout.document_code_first``), :attr:`min_checks`
    passing check digits over real data, both dates shaped as dates (month 01-12, day
    01-31) and a known issuing state (or one more passing check digit, when the state
    code itself is misread)."""

    #: Check digits over non-empty data that must pass: a random line of capitals,
    #: digits and fillers passes one 7-3-1 digit one time in ten.
    min_checks: int = 2


DECODE = DecodeParams()
TRUST = TrustParams()
REPORT = ReportParams()
