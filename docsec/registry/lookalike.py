"""Look-alike VIN matching: folding, blocking keys, the weighted distance and the match class.

Officers, OCR engines and forgers confuse the same strokes: 0/O/Q/D, 1/I/L, 2/Z, 5/S,
8/B, 6/G and U/V (:data:`docsec.lookalikes.REGISTRY_CLASSES`). Two VINs are *look-alike*
when every difference is such a confusion or an adjacent transposition: the same vehicle,
mistyped or misread. They are *near* when up to two other substitutions are needed as
well: possibly another vehicle, shown only when the officer asks for near misses.
A search returns *ranked candidates*, never a verdict.

Index design (works in SQL and in memory):

* ``fold``: every look-alike class mapped to one representative (``O``, ``Q``, ``D`` ->
  ``0``...). Any number of look-alike confusions leaves the folded VIN unchanged.
  Folding merges legal letters (``D`` and ``0``), so candidates are re-ranked by the
  true weighted distance.
* blocking keys for the remaining substitutions: the folded VIN is cut into five blocks
  A = positions 1-8 (WMI, VDS), B = 9-11 (check digit, year, plant), C = 12-13,
  D = 14-15, E = 16-17 (the serial). Two substitutions touch at most two blocks, so at
  least three blocks are intact: each of the ten block triples is a stored, indexed key
  (``k_abc`` .. ``k_cde``). Triples keep about 20 bits of the VIN each, so a key matches
  about one unrelated record in a million; pairs would not (the WMI and model part of a
  VIN carries little information). The query side also tries its 16 adjacent
  transpositions, so a transposition on top of two substitutions is found too.
  ``k_cde`` is the last six characters (every record, chassis numbers included): it also
  serves exact and last-N lookups.

>>> fold('1M8GDM9AXKPO42788')
'1M860M9AXKP042788'
>>> distance('1M8GDM9AXKP042788', '1M8GDM9AXKPO42788')    # one look-alike
0.25
>>> distance('1M8GDM9AXKP042788', '1M8GDM9AXKP047288')    # one transposition
1.0
>>> distance('1M8GDM9AXKP042788', 'WVWZZZ1KZ6W000001') is None
True
>>> classify('SALU604BZJB798296', 'SALU6O4BZJB798296')     # O for 0: the same vehicle
('lookalike', 0.25)
>>> classify('SALU604BZJB798296', 'SALU604BZJB728296')     # 9 for 2: another vehicle?
('near', 1.0)
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from operator import ne
from typing import Literal

from docsec.lookalikes import REGISTRY_CLASSES, same_class

__all__ = [
    "CLASSES",
    "KEY_NAMES",
    "LOOKALIKE_COST",
    "MAX_SUBSTITUTIONS",
    "MAX_TRANSPOSITIONS",
    "SERIAL_KEY",
    "classify",
    "distance",
    "fold",
    "key_tuple",
    "lookalike_folds",
    "may_match",
    "query_keys",
    "record_keys",
    "within",
]

CLASSES: tuple[str, ...] = REGISTRY_CLASSES
LOOKALIKE_COST = 0.25
MAX_SUBSTITUTIONS = 2
MAX_TRANSPOSITIONS = 1
_FOLD = str.maketrans({c: cls[0] for cls in CLASSES for c in cls[1:]})
_BLOCKS = {"a": (0, 8), "b": (8, 11), "c": (11, 13), "d": (13, 15), "e": (15, 17)}
_TRIPLES = tuple(combinations("abcde", 3))
#: Stored blocking keys: the ten triples of blocks of the folded VIN.
KEY_NAMES: tuple[str, ...] = tuple("k_" + "".join(t) for t in _TRIPLES)
#: The key holding the last six characters (suffix and exact lookups).
SERIAL_KEY = "k_cde"


def fold(vin: str) -> str:
    """Map every look-alike class to its representative."""
    return vin.translate(_FOLD)


def key_tuple(folded: str) -> tuple[str, ...]:
    """Blocking keys of a folded VIN in :data:`KEY_NAMES` order; a chassis number (not 17
    characters) gets only its last six characters, as ``k_cde``."""
    if len(folded) != 17:
        return ("",) * 9 + (folded[-6:],)
    a, b, c, d, e = folded[:8], folded[8:11], folded[11:13], folded[13:15], folded[15:]
    ab, cd = a + b, c + d
    # the ten triples of A B C D E, in KEY_NAMES order (written out: bulk-load hot path)
    return (ab + c, ab + d, ab + e, a + cd, a + c + e, a + d + e, b + cd, b + c + e,
            b + d + e, cd + e)  # fmt: skip


def record_keys(folded: str) -> dict[str, str]:
    """:func:`key_tuple` as a mapping from key name to value."""
    return dict(zip(KEY_NAMES, key_tuple(folded), strict=True))


def lookalike_folds(folded: str) -> set[str]:
    """The folded VIN and its adjacent transpositions: the folds a look-alike can have.

    Every difference of a look-alike is a confusion inside a class (folding erases it) or
    the one adjacent transposition, so its fold is one of these (at most 17) strings: a
    search without near misses looks them up directly instead of probing blocking keys.

    >>> sorted(lookalike_folds('AB'))
    ['AB', 'BA']
    """
    variants = {folded}
    for i in range(len(folded) - 1):
        if folded[i] != folded[i + 1]:
            variants.add(folded[:i] + folded[i + 1] + folded[i] + folded[i + 2 :])
    return variants


def query_keys(folded: str) -> dict[str, set[str]]:
    """Blocking keys to probe for a folded 17-character query and its 16 adjacent
    transpositions (so that a transposition plus two substitutions is still found)."""
    keys: dict[str, set[str]] = {name: set() for name in KEY_NAMES}
    for v in lookalike_folds(folded):
        for name, value in zip(KEY_NAMES, key_tuple(v), strict=True):
            keys[name].add(value)
    return keys


def distance(query: str, candidate: str) -> float | None:
    """Weighted distance between two equal-length strings, or None beyond the limits.

    Look-alike substitution 0.25, other substitution 1, adjacent transposition 1; at most
    :data:`MAX_SUBSTITUTIONS` other substitutions and :data:`MAX_TRANSPOSITIONS`
    transposition (no insertions or deletions: a VIN has a fixed length).
    """
    found = _best(query, candidate)
    return None if found is None else found[0]


def classify(query: str, candidate: str) -> tuple[Literal["lookalike", "near"], float] | None:
    """``("lookalike", distance)`` when every difference is a look-alike substitution or an
    adjacent transposition, ``("near", distance)`` when other substitutions are needed too
    (within :data:`MAX_SUBSTITUTIONS`), None beyond the limits or for equal strings."""
    found = _best(query, candidate)
    if found is None or found[0] == 0.0:
        return None
    cost, hard = found
    return ("near" if hard else "lookalike"), cost


def _best(query: str, candidate: str) -> tuple[float, int] | None:
    """Cheapest ``(cost, other substitutions)`` explaining the differences, or None."""
    if len(query) != len(candidate):
        return None
    diffs = [i for i, (a, b) in enumerate(zip(query, candidate, strict=True)) if a != b]
    if not diffs:
        return 0.0, 0
    cost = 0.0
    hard = 0
    costs: dict[int, float] = {}
    for i in diffs:
        c = _cost(query[i], candidate[i])
        costs[i] = c
        cost += c
        hard += c == 1.0
    best = (cost, hard) if hard <= MAX_SUBSTITUTIONS else None
    for i in diffs:  # one adjacent transposition replaces two substitutions
        j = i + 1
        if j in costs and query[i] == candidate[j] and query[j] == candidate[i]:
            t_hard = hard - (costs[i] == 1.0) - (costs[j] == 1.0)
            t_cost = cost - costs[i] - costs[j] + 1.0
            if t_hard <= MAX_SUBSTITUTIONS and (best is None or (t_hard, t_cost) < best[::-1]):
                best = (t_cost, t_hard)
    return best


def may_match(query: str) -> Callable[[str], bool]:
    """A cheap necessary test on a candidate's *folded* VIN alone, for many candidates.

    Folded strings of a candidate within the limits differ from the folded query in at
    most four places (two substitutions and the two characters of one transposition), and
    in more than two only with an adjacent swap. Most blocking-key candidates fail at C
    speed; a registry reads only the stored folds (a covering index) for this test, and
    full records only for the few that pass.

    >>> test = may_match('1M8GDM9AXKP042788')
    >>> test(fold('1M8GDM9AXKPO42788')), test(fold('WVWZZZ1KZ6W000001'))
    (True, False)
    """
    folded = fold(query)
    limit = MAX_SUBSTITUTIONS + 2 * MAX_TRANSPOSITIONS
    n = len(folded)

    def test(cf: str) -> bool:
        if len(cf) != n:
            return False
        mismatches = sum(map(ne, folded, cf))
        if mismatches > limit:
            return False
        # more differences than substitutions allow need a swap
        return mismatches <= MAX_SUBSTITUTIONS or any(
            a == d and b == c and a != b
            for a, b, c, d in zip(folded, folded[1:], cf, cf[1:], strict=False)
        )

    return test


def within(query: str) -> Callable[[str, str], float | None]:
    """``distance`` to ``query`` after the :func:`may_match` pre-filter, for scoring many
    candidates: the returned function takes a candidate VIN and its folded form (stored by
    the registries)."""
    test = may_match(query)

    def score(candidate: str, candidate_fold: str) -> float | None:
        if len(candidate) != len(query) or not test(candidate_fold):
            return None
        return distance(query, candidate)

    return score


def _cost(a: str, b: str) -> float:
    return LOOKALIKE_COST if same_class(a, b) else 1.0
