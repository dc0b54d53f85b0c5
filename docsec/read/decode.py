"""Image-free MRZ decoding: class probabilities of every cell -> characters, corrections,
check digits and trust.

Decoding rules:

* every character keeps its confidence and ranked candidates;
* a character its field cannot hold (Doc 9303-3 §4.2: dates and check digits are
  numeric, names and codes alphabetic; a date's month tens digit is 0 or 1 and its day's
  0 to 3) is replaced by the field's best candidate, or by its ``O``/``0`` look-alike
  when no candidate the field holds reaches :data:`_LOOKALIKE_NOISE`; a digit so replaced in a
  date is as unsure as the digit chosen;
* a character read below :data:`UNSURE` may be replaced by a candidate that makes a
  failing check digit pass, or a state code a known one;
* a character read with confidence is otherwise never changed, check digits included,
  so a forged check digit stays visible;
* of several sure ``O``/``0`` look-alikes in a failing span whose twins the recogniser
  gives some weight, the one whose swap alone makes the digit pass is swapped, and that
  digit does not vouch for it;
* a character in the span of another check digit that passes is not changed to make
  one more pass (the composite digit re-reading a date its own digit vouches for);
  which digits pass is judged on the final text;
* every replacement is reported as a :class:`Correction`;
* a character is vouched for by a passing check digit only if its span holds at most
  one unsure character and no other candidate passes the same digits; every other
  character must be read above
  :attr:`~docsec.read.params.TrustParams.trust_unchecked` (its probability among the
  characters its field can hold), or it is listed in ``Decoded.unsure``;
* a character whose cell is misplaced on its glyph (``misplaced``: the grid put two
  cells on one glyph, or left one between cells) is never read surely: unless a check
  digit vouches for it, its confidence is capped at :attr:`GridParams.capped
  <docsec.read.params.GridParams.capped>` and it is unsure, and one misplaced cell on
  the name's line makes the whole line's unvouched characters so (a name has no check
  digit).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from docsec.checkdigit.icao9303 import calc_check_digit
from docsec.lookalikes import MRZ_SURE_SWAPS
from docsec.mrz.countries import category
from docsec.mrz.formats import LAYOUTS, CheckDigitSpec, Layout, MRZFormat
from docsec.ocr.ocrb import CLASSES
from docsec.read.params import DECODE, GRID, TRUST

__all__ = [
    "CLASS_INDEX",
    "DOCUMENT_CODE_FIRST",
    "FORMATS_BY_SHAPE",
    "LOW_CONFIDENCE",
    "UNSURE",
    "Correction",
    "Decoded",
    "date_shaped",
    "decode_cells",
    "format_for",
    "name_structure_ok",
]

#: Below this probability a character is "unsure" (:attr:`DecodeParams.unsure`).
UNSURE = DECODE.unsure
#: Below this probability a character weighs on the ranking (:attr:`DecodeParams.low_confidence`).
LOW_CONFIDENCE = DECODE.low_confidence
_ALPHA = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
_NUMERIC = frozenset("0123456789<")
#: Column of each character in the recogniser's probabilities.
CLASS_INDEX = {c: i for i, c in enumerate(CLASSES)}


@dataclass(frozen=True, slots=True)
class Correction:
    """One character the decoder changed: where, from what, to what, and why."""

    line: int  # 1-based
    column: int  # 1-based
    found: str
    chosen: str
    confidence: float  # of the character that was read
    reason: str  # "check_digit:<check id>", "charset:<field>" or "tesseract"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "position": [self.line, self.column],
            "found": self.found,
            "chosen": self.chosen,
            "confidence": round(self.confidence, 4),
            "reason": self.reason,
        }


def date_shaped(text: str) -> bool:
    """``YYMMDD`` with a month 01-12 and a day 01-31, or an unknown part filled with ``<``
    (Doc 9303-3 §4.2.2.3)."""
    if len(text) != 6 or not set(text) <= _NUMERIC:
        return False
    month, day = text[2:4], text[4:6]
    month_ok = month == "<<" or (month.isdigit() and 1 <= int(month) <= 12)
    day_ok = day == "<<" or (day.isdigit() and 1 <= int(day) <= 31)
    return month_ok and day_ok


@dataclass(frozen=True, slots=True)
class Decoded:
    """Result of :func:`decode_cells`.

    ``unsure`` lists the characters no passing check digit vouches for (a span with two
    or more unsure characters vouches for none of them) read below
    :attr:`~docsec.read.params.TrustParams.trust_unchecked`, ``unverified_low`` counts
    them; ``low_count`` counts those below :data:`LOW_CONFIDENCE` (ranking);
    ``syntax_ok`` is False when the name field breaks the ICAO
    structure (Doc 9303-3 §4.6: primary ``<<`` secondary, components joined by one
    ``<``, fillers only at the end) - the name has no check digit, so its structure is
    the only guard against a misread there.
    """

    lines: tuple[str, ...]
    corrections: tuple[Correction, ...]
    checks_passed: int
    checks_total: int
    unverified_low: int
    syntax_ok: bool
    unsure: tuple[tuple[int, int], ...] = ()
    low_count: int = 0
    checks_meaningful: int = 0
    confidence: tuple[tuple[float, ...], ...] = ()


def name_structure_ok(name: str) -> bool:
    """Whether an MRZ name field is well formed (see :class:`Decoded`).

    >>> name_structure_ok("ERIKSSON<<ANNA<MARIA<<<<<<"), name_structure_ok("ERIKSSON<<ANNA<<<<H")
    (True, False)
    """
    core = name.rstrip("<")
    if not core or core.startswith("<") or "<<<" in core:
        return False
    return core.count("<<") <= 1


def _choose_code(
    spec_line: int,
    start: int,
    text: list[list[str]],
    proba: Sequence[np.ndarray],
    conf: Sequence[np.ndarray],
) -> list[tuple[int, str, str]]:
    """Replace unsure letters of a 3-letter state code so that it becomes a known code."""
    cols = [c for c in range(start, start + 3) if conf[spec_line][c] < UNSURE]
    code = "".join(text[spec_line][start : start + 3])
    if not cols or category(code.rstrip("<")) is not None:
        return []
    options = []
    for col in cols:
        row = proba[spec_line][col]
        options.append([c for c in _ALPHA if row[CLASS_INDEX[c]] >= DECODE.candidate_floor])
    best: tuple[float, tuple[str, ...]] | None = None
    for combo in itertools.product(*options):
        chars = list(code)
        for col, ch in zip(cols, combo, strict=True):
            chars[col - start] = ch
        if category("".join(chars).rstrip("<")) is None:
            continue
        score = sum(
            math.log(float(proba[spec_line][col][CLASS_INDEX[ch]]))
            for col, ch in zip(cols, combo, strict=True)
        )
        if best is None or score > best[0]:
            best = (score, combo)
    if best is None:
        return []
    changes = []
    for col, ch in zip(cols, best[1], strict=True):
        if text[spec_line][col] != ch:
            changes.append((col, text[spec_line][col], ch))
            text[spec_line][col] = ch
    return changes


#: The sex field holds F, M or ``<`` (Doc 9303-4 §4.2.2; X in Doc 9303 8th edition).
_SEX = frozenset("FMX<")


#: Below this probability beside a look-alike read for it (0 for O), what a field can
#: hold is noise, not the recogniser's choice: the look-alike stands (a dot-matrix O read
#: 0 at 0.93 in a name, G at 0.018 and O at 0.004 beside it).
_LOOKALIKE_NOISE = 0.05
#: What a date's month tens and day tens can hold (YYMMDD; ``<`` for an unknown part).
_MONTH_TENS = frozenset("01<")
_DAY_TENS = frozenset("0123<")


def _allowed(layout: Layout, *, dates: bool = True) -> dict[tuple[int, int], frozenset[str]]:
    """The characters each position can hold, by its field (Doc 9303-3 §4.2); ``dates``
    narrows a date's month and day tens to the digits a date can have there."""
    allowed: dict[tuple[int, int], frozenset[str]] = {}
    for spec in layout.fields:
        chars = {"alpha": _ALPHA, "numeric": _NUMERIC}.get(spec.charset)
        if spec.name == "sex":
            chars = _SEX
        if chars is None:
            continue
        for col in range(spec.start, spec.stop):
            allowed[(spec.line, col)] = chars
    # the document code's first character names the kind of document (Doc 9303-4..7:
    # P for a passport, V for a visa, A, C or I for an official travel document)
    code = layout.field("document_code")
    allowed[(code.line, code.start)] = frozenset(layout.document_code_first)
    if dates:
        # a date is YYMMDD (Doc 9303-3 §4.2.2.3): the month's tens digit is 0 or 1 and
        # the day's 0 to 3 (or a filler, for an unknown part)
        for name in ("date_of_birth", "date_of_expiry"):
            f = layout.field(name)
            allowed[(f.line, f.start + 2)] = _MONTH_TENS
            allowed[(f.line, f.start + 4)] = _DAY_TENS
    return allowed


def _covered(spec: CheckDigitSpec) -> list[tuple[int, int]]:
    return [(f.line, c) for f in spec.covers for c in range(f.start, f.stop)]


def _check_ok(spec: CheckDigitSpec, text: list[list[str]]) -> bool:
    data = "".join(text[line][col] for line, col in _covered(spec))
    digit = text[spec.digit.line][spec.digit.start]
    if spec.filler_when_empty and digit == "<" and set(data) <= {"<"}:
        return True
    try:
        return calc_check_digit(data) == digit
    except ValueError:
        return False


def decode_cells(
    proba: Sequence[np.ndarray],
    fmt: MRZFormat,
    misplaced: Collection[tuple[int, int]] = (),
) -> Decoded:
    """Decode per-line class probabilities ``(n, len(CLASSES))`` of one format.

    Order: field character sets, then state codes (issuing state, nationality) against
    :mod:`docsec.mrz.countries`, then check digits (each digit's own field first, the
    composite last). Only characters below :data:`UNSURE` ever change. ``misplaced``
    lists the 0-based ``(line, column)`` of cells the grid put off their glyph
    (:func:`docsec.read.mrz.misplaced_cells`).
    """
    layout = LAYOUTS[fmt]
    name_line = layout.field("name").line
    off = set(misplaced)
    if any(line == name_line for line, _ in off):
        # the name has no check digit: a line whose grid slipped anywhere is not trusted
        off.update((name_line, col) for col in range(len(proba[name_line])))
    text = [[CLASSES[int(i)] for i in p.argmax(axis=1)] for p in proba]
    conf = [p.max(axis=1) for p in proba]
    corrections: list[Correction] = []
    allowed = _allowed(layout)
    broad = _allowed(layout, dates=False)
    for (line, col), chars in sorted(allowed.items()):
        ch = text[line][col]
        if ch in chars:
            continue  # a character the field cannot hold is replaced however sure it looks
        row = proba[line][col]
        best = max(chars, key=lambda c: row[CLASS_INDEX[c]])
        swap = MRZ_SURE_SWAPS.get(ch)
        if swap is not None and swap in chars and row[CLASS_INDEX[best]] < _LOOKALIKE_NOISE:
            # the recogniser has no opinion among what the field holds (a dot-matrix O
            # read as 0 surely, its letters all below the floor): the look-alike stands
            best = swap
        corrections.append(
            Correction(line + 1, col + 1, ch, best, float(conf[line][col]), "charset")
        )
        text[line][col] = best
        if ch in broad.get((line, col), frozenset()):
            # a digit no date holds there (a day's tens read 8): the digit chosen instead
            # is no look-alike of it, and is as unsure as the recogniser's reading of it
            conf[line][col] = row[CLASS_INDEX[best]]
    for name in ("issuing_state", "nationality"):
        if layout.has(name):
            code_spec = layout.field(name)
            line = code_spec.line
            for col, old, new in _choose_code(line, code_spec.start, text, proba, conf):
                corrections.append(
                    Correction(line + 1, col + 1, old, new, float(conf[line][col]),
                               f"code:{name}")  # fmt: skip
                )
    ordered = sorted(layout.check_digits, key=lambda s: s.id == "mrz.check_digit.composite")
    # characters a check digit chose among several look-alikes: never vouched for by it
    doubtful: set[tuple[int, int]] = set()
    # sure characters a check digit swapped for a look-alike: a span passing only through
    # such a swap is no evidence of an MRZ (any print of capitals and digits passes some
    # 7-3-1 sums once an O may be a 0)
    swapped_sure: set[tuple[int, int]] = set()
    for spec in ordered:
        if _check_ok(spec, text):
            continue
        # a character another passing check digit holds is not changed for this one (the
        # composite re-reading a date its own digit passes would make that digit fail)
        held = {
            pos
            for other in ordered
            if other is not spec and _check_ok(other, text)
            for pos in (*_covered(other), (other.digit.line, other.digit.start))
        }
        positions = [
            pos for pos in (*_covered(spec), (spec.digit.line, spec.digit.start))
            if pos not in held
        ]  # fmt: skip
        for line, col, old, new in _choose(
            spec, positions, text, proba, conf, allowed, held, doubtful
        ):
            corrections.append(
                Correction(line + 1, col + 1, old, new, float(conf[line][col]),
                           f"check_digit:{spec.id}")  # fmt: skip
            )
            # a look-alike swapped from a sure reading is as unsure as its new reading
            # (one more such character in the span and the digit vouches for neither)
            if conf[line][col] >= UNSURE:
                swapped_sure.add((line, col))
                conf[line][col] = proba[line][col][CLASS_INDEX[new]]
    # what passes is judged on the final text, after every change
    verified: set[tuple[int, int]] = set()
    passing: list[CheckDigitSpec] = []
    passed = meaningful = 0
    for spec in ordered:
        if not _check_ok(spec, text):
            continue
        positions = [*_covered(spec), (spec.digit.line, spec.digit.start)]
        passed += 1
        meaningful += any(text[line][col] != "<" for line, col in _covered(spec)) and not any(
            pos in swapped_sure for pos in positions)
        shaky = sum(conf[line][col] < DECODE.unsure for line, col in positions)
        if shaky <= TRUST.max_unsure_in_span:
            # two unsure characters of one span can cancel in the 7-3-1 sum
            verified.update(positions)
            passing.append(spec)
    # the document code's first character is judged among every kind's (P, V, A, C, I),
    # not only the format's: one allowed letter would make any reading of it sure
    kind = layout.field("document_code")
    # ... and a date's digits among all digits: the narrower sets choose a digit, they
    # do not make the recogniser surer of it
    judged = {**broad, (kind.line, kind.start): DOCUMENT_CODE_FIRST}
    sure = _final_confidence(text, proba, judged)
    low = 0
    unsure: list[tuple[int, int]] = []
    for line, row in enumerate(conf):
        for col, c in enumerate(row):
            vouched = (
                (line, col) in verified
                and (line, col) not in doubtful
                and not _ambiguous(line, col, passing, text, proba, broad)
            )
            if vouched:
                continue
            low += c < DECODE.low_confidence
            if (line, col) in off:
                sure[line][col] = min(sure[line][col], GRID.capped)
            if sure[line][col] < TRUST.trust_unchecked:
                unsure.append((line, col))
    name_spec = layout.field("name")
    name = "".join(text[name_spec.line][name_spec.start : name_spec.stop])
    syntax_ok = name_structure_ok(name) and all(
        text[line][col] in chars for (line, col), chars in allowed.items()
    )
    for code_field in ("issuing_state", "nationality"):
        if layout.has(code_field):
            cf = layout.field(code_field)
            code = "".join(text[cf.line][cf.start : cf.stop]).rstrip("<")
            syntax_ok = syntax_ok and category(code) is not None
    return Decoded(
        tuple("".join(t) for t in text),
        tuple(corrections),
        passed,
        len(layout.check_digits),
        len(unsure),
        syntax_ok,
        tuple(unsure),
        low,
        meaningful,
        tuple(tuple(row) for row in sure),
    )


def _final_confidence(
    text: list[list[str]],
    proba: Sequence[np.ndarray],
    allowed: dict[tuple[int, int], frozenset[str]],
) -> list[list[float]]:
    """Probability of each decoded character among the characters its field can hold
    (Doc 9303-3 §4.2: a name holds no digit, a date no letter), junk excluded."""
    out = []
    for line, (chars, p) in enumerate(zip(text, proba, strict=True)):
        row = []
        for col, ch in enumerate(chars):
            cands = allowed.get((line, col))
            mass = float(p[col, : len(CLASSES)].sum()) if cands is None else float(
                sum(p[col, CLASS_INDEX[c]] for c in cands)
            )
            row.append(float(p[col, CLASS_INDEX[ch]]) / max(mass, 1e-12))
        out.append(row)
    return out


def _ambiguous(
    line: int,
    col: int,
    passing: Sequence[CheckDigitSpec],
    text: list[list[str]],
    proba: Sequence[np.ndarray],
    allowed: dict[tuple[int, int], frozenset[str]],
) -> bool:
    """Whether another plausible reading of an unsure character passes the same checks.

    Doc 9303-3 §4.9 values ``<`` as 0 and ``A`` as 10, ``K`` as 20 and so on, so the
    7-3-1 sum cannot tell such characters apart: a check digit that passes does not
    verify an unsure ``<`` whose runner-up is ``A`` (or the reverse).
    """
    here = (line, col)
    specs = [s for s in passing if here in _covered(s) or here == (s.digit.line, s.digit.start)]
    row = proba[line][col]
    found = text[line][col]
    for ch in allowed.get((line, col), frozenset(CLASSES)):
        if ch == found or row[CLASS_INDEX[ch]] < DECODE.runner_up_floor:
            continue
        text[line][col] = ch
        fooled = all(_check_ok(s, text) for s in specs)
        text[line][col] = found
        if fooled:
            return True
    return False


def _choose(
    spec: CheckDigitSpec,
    positions: list[tuple[int, int]],
    text: list[list[str]],
    proba: Sequence[np.ndarray],
    conf: Sequence[np.ndarray],
    allowed: dict[tuple[int, int], frozenset[str]],
    verified: set[tuple[int, int]],
    doubtful: set[tuple[int, int]],
) -> list[tuple[int, int, str, str]]:
    """Best change of unsure characters making ``spec`` pass; applied to ``text``.

    With no unsure character in the span, or none of whose candidates makes the digit
    pass (a filler read at 0.9 beside a sure look-alike), a single ``O`` or ``0`` of a
    field that holds letters and digits whose look-alike is a candidate is swapped when
    that makes the digit pass (:data:`~docsec.lookalikes.MRZ_SURE_SWAPS`)."""
    unsure = sorted(
        (p for p in positions if conf[p[0]][p[1]] < UNSURE and p not in verified),
        key=lambda p: conf[p[0]][p[1]],
    )[: DECODE.max_tried]
    if not unsure:
        return _swap_lookalike(spec, positions, text, proba, allowed, verified, doubtful)
    options: list[list[tuple[str, float]]] = []
    for line, col in unsure:
        row = proba[line][col]
        chars = allowed.get((line, col), frozenset(CLASSES))
        cands = [
            (c, math.log(max(float(row[CLASS_INDEX[c]]), 1e-9)))
            for c in chars
            if row[CLASS_INDEX[c]] >= DECODE.candidate_floor or c == text[line][col]
        ]
        options.append(sorted(cands, key=lambda t: -t[1])[: DECODE.max_tried])
    best: tuple[float, tuple[str, ...]] | None = None
    original = [text[line][col] for line, col in unsure]
    for combo in itertools.product(*options):
        chars_ = tuple(c for c, _ in combo)
        if sum(a != b for a, b in zip(chars_, original, strict=True)) > DECODE.max_changes:
            continue
        for (line, col), ch in zip(unsure, chars_, strict=True):
            text[line][col] = ch
        if _check_ok(spec, text):
            score = sum(lp for _, lp in combo)
            if best is None or score > best[0]:
                best = (score, chars_)
    for (line, col), ch in zip(unsure, original, strict=True):
        text[line][col] = ch
    if best is None:
        return _swap_lookalike(spec, positions, text, proba, allowed, verified, doubtful)
    changes = []
    for (line, col), ch, old in zip(unsure, best[1], original, strict=True):
        if ch != old:
            text[line][col] = ch
            changes.append((line, col, old, ch))
    return changes


def _swap_lookalike(
    spec: CheckDigitSpec,
    positions: list[tuple[int, int]],
    text: list[list[str]],
    proba: Sequence[np.ndarray],
    allowed: dict[tuple[int, int], frozenset[str]],
    verified: set[tuple[int, int]],
    doubtful: set[tuple[int, int]],
) -> list[tuple[int, int, str, str]]:
    """The swap of the one look-alike (:data:`~docsec.lookalikes.MRZ_SURE_SWAPS`) of
    ``spec``'s span that makes it pass, applied to ``text``; none when no swap or more than
    one makes it pass (which one is wrong is not known). When the span holds several
    look-alikes and one swap passes, the swapped character goes into ``doubtful``: the
    digit chose it among several, so it does not vouch for it. Only characters of
    fields of letters and digits (a date, a name or a code field has its own character
    set) whose look-alike has a probability of at least
    :attr:`~docsec.read.params.DecodeParams.candidate_floor` are candidates."""
    # only look-alikes the recogniser gives some weight: swapping one it read surely alone
    # (a 0 at 0.995) makes a wrong check digit pass on any number holding an O or a 0 and
    # hides a forged check digit (a visa's document number: the inspection benchmark)
    swaps = [
        (line, col)
        for line, col in positions
        if (line, col) not in verified
        and (line, col) not in allowed
        and text[line][col] in MRZ_SURE_SWAPS
        and proba[line][col][CLASS_INDEX[MRZ_SURE_SWAPS[text[line][col]]]]
        >= DECODE.candidate_floor
    ]
    passing = []
    for line, col in swaps:
        old = text[line][col]
        text[line][col] = MRZ_SURE_SWAPS[old]
        if _check_ok(spec, text):
            passing.append((line, col, old, text[line][col]))
        text[line][col] = old
    if len(passing) != 1:
        return []  # none passes, or more than one: which is wrong is not known
    line, col, old, new = passing[0]
    text[line][col] = new
    if len(swaps) > 1:
        # the digit chose it among several: it cannot also vouch for it
        doubtful.add((line, col))
    return [passing[0]]


#: Formats by (lines, characters a line), from :mod:`docsec.mrz.formats`.
FORMATS_BY_SHAPE: dict[tuple[int, int], tuple[MRZFormat, ...]] = {
    shape: tuple(f for f in MRZFormat if (f.lines, f.length) == shape)
    for shape in {(f.lines, f.length) for f in MRZFormat}
}
#: Every first character a document code may have (Doc 9303-4..7).
DOCUMENT_CODE_FIRST = frozenset("".join(LAYOUTS[f].document_code_first for f in MRZFormat))


def format_for(
    lines: Sequence[str], shape: tuple[int, int], first_proba: np.ndarray | None = None
) -> MRZFormat:
    """The format of a reading of ``shape`` (lines, length): where two formats share a
    shape (TD3 and MRV-A, TD2 and MRV-B), the one whose document code fits the first
    character (:attr:`Layout.document_code_first`: visas start with ``V``); when it
    fits none, the one whose document codes the first cell's class probabilities
    ``first_proba`` favour."""
    options = FORMATS_BY_SHAPE[shape]
    first = lines[0][:1]
    fitting = [f for f in options if first and first in LAYOUTS[f].document_code_first]
    if not fitting and first_proba is not None:
        return max(options, key=lambda f: sum(
            float(first_proba[CLASS_INDEX[c]]) for c in LAYOUTS[f].document_code_first))
    return (fitting or list(options))[0]
