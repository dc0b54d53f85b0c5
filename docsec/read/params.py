"""The reader's thresholds, each a named field of a frozen parameter object with its reason.

Probabilities are the OCR-B recogniser's softmax outputs (:mod:`docsec.ocr.ocrb`); the
calibration of :attr:`TrustParams.trust_unchecked` is printed by ``bench/read.py``
(reliability table) and measured on held-out captures, never on training renderings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DECODE",
    "GRID",
    "REPORT",
    "TRUST",
    "DecodeParams",
    "GridParams",
    "ReportParams",
    "TrustParams",
]


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
class GridParams:
    """When a character's cell is misplaced on its glyph (:func:`docsec.read.mrz.misplaced_cells`).

    Every MRZ cell holds one printed glyph (Doc 9303-3 §4.2, fillers included), centred
    in it; a grid fitted a cell short or long over part of a line puts two cells on one
    glyph or leaves a glyph between cells, and each cell then reads a neighbour's glyph,
    often with the recogniser's full confidence. Lengths are shares of the pitch.
    """

    #: Normalised ink density (paper 0, ink 1) above which a strip pixel is ink: thin
    #: fillers blurred or under glare peak at 0.3-0.5, and glyphs blur joins are split
    #: at the pitch.
    ink: float = 0.3
    #: Ink pieces lower than this are specks (dust, a pattern's dot), not glyphs: a
    #: filler ``<``, the lowest OCR-B glyph, is about half a pitch tall.
    min_height: float = 0.2
    #: ... or holding fewer ink pixels than this share of a pitch squared.
    min_area: float = 0.02
    #: A glyph belongs to the line when it covers the line's middle within this distance
    #: (another line's glyph reaching into the strip edge does not).
    mid_band: float = 0.25
    #: Pieces overlapping by more than this share of the narrower one are one broken glyph.
    overlap: float = 0.3
    #: A cell is misplaced when its glyph's centre is farther than this from its centre:
    #: the recogniser's window (1.1 pitch wide) then holds as much of a neighbour.
    max_offset: float = 0.3
    #: A cell whose nearest glyph is farther than this holds none (print too faint to
    #: pass :attr:`ink`): it is misplaced alone, not sharing its neighbour's glyph.
    empty: float = 0.7
    #: Reported confidence of a misplaced character no check digit vouches for: below
    #: :attr:`TrustParams.trust_unchecked` and :attr:`DecodeParams.unsure`, as the
    #: recogniser's probability says nothing about which glyph the cell should hold.
    capped: float = 0.9


@dataclass(frozen=True, slots=True)
class ReportParams:
    """When a band's reading is reported as an MRZ at all (else: no MRZ found): a
    document code of a known kind (``Layout.document_code_first``), :attr:`min_checks`
    passing check digits over real data, both dates shaped as dates (month 01-12, day
    01-31), a known issuing state (or one more passing check digit, when the state
    code itself is misread) and most characters read with some confidence
    (:attr:`max_low_share`)."""

    #: Check digits over non-empty data that must pass: a random line of capitals,
    #: digits and fillers passes one 7-3-1 digit one time in ten.
    min_checks: int = 2
    #: Characters other than fillers the name field must hold: the primary identifier is
    #: mandatory (Doc 9303-3 §4.6); a page without an MRZ read as one (fillers read
    #: from its blank space) passed four check digits with an empty name.
    min_name_letters: int = 2
    #: Share of the characters read below ``DecodeParams.low_confidence`` that no check
    #: digit vouches for, above which the reading is guesses, not an MRZ: readings of
    #: real MRZs on the independent set's hard photos (seeds 9303 and 11, right or
    #: wrong) have at most 0.47, a page without an MRZ read from faint cells stretched
    #: to full ink 0.82 (three check digits passing by chance).
    max_low_share: float = 0.6


DECODE = DecodeParams()
GRID = GridParams()
TRUST = TrustParams()
REPORT = ReportParams()
