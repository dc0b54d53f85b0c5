"""The verdict as first-line practice has it: accept, refer to second line, or reject.

* **reject**: the document is wrong on its face: an MRZ check digit, date or format rule
  fails, it has expired, its issuer belongs to no state, the visual zone disagrees with the
  MRZ, a VIN check digit fails or the VIN plate or the registry record disagrees with the
  certificate; or two or more security features fail at once.
* **refer** (to second line): one security feature fails, a check could not be run on a view
  it needed (error), a warning stands (an unsure visual-zone read, a registry candidate:
  a hit is a lead, never a verdict on its own).
* **accept**: everything that could be checked passed.
"""

from __future__ import annotations

from collections.abc import Sequence

from docsec.report import Finding, Status

__all__ = ["ACCEPT", "REFER", "REJECT", "decide"]

ACCEPT, REFER, REJECT = "accept", "refer", "reject"

#: Findings whose failure alone rejects the document.
_DECISIVE_PREFIXES = ("mrz.", "vin.check_digit", "vin.model_year")
_DECISIVE = frozenset({
    "feature.issuer.known",
    "feature.viz_mrz.match",
    "feature.vin_plate.matches_certificate",
    "feature.vin_record.matches_certificate",
})


def _decisive(f: Finding) -> bool:
    return f.id in _DECISIVE or f.id.startswith(_DECISIVE_PREFIXES)


def decide(findings: Sequence[Finding]) -> tuple[str, list[dict[str, str]]]:
    """The verdict and the reasons that led to it (``{"id", "en", "ru"}`` each)."""
    fails = [f for f in findings if f.status == Status.FAIL]
    decisive = [f for f in fails if _decisive(f)]
    features = [f for f in fails if not _decisive(f)]

    def why(fs: Sequence[Finding]) -> list[dict[str, str]]:
        return [{"id": f.id, "en": f.message, "ru": f.message_ru} for f in fs]

    if decisive or len(features) >= 2:
        return REJECT, why(decisive + features)
    doubts = features + [f for f in findings if f.status in (Status.WARN, Status.ERROR)]
    if doubts:
        return REFER, why(doubts)
    return ACCEPT, [{"id": "all", "en": "Every check that could be run passed.",
                     "ru": "Все проверки, которые удалось выполнить, пройдены."}]
