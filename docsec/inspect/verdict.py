"""The verdict as first-line practice has it: accept, refer to second line, or reject.

* **reject**: the document is wrong on its face, on data read by machine: an MRZ check digit,
  date or format rule fails, it has expired, its issuer belongs to no state, a VIN check digit
  fails or the registry's record of the VIN disagrees with the certificate (a cloned VIN).
* **refer** (to second line): a security feature fails (the second line examines it under
  magnification and with reference material), the visual zone or the VIN plate disagrees with
  what the machine read (an OCR read is checked by eye before anyone is turned away), a check
  could not be run on a view it needed (error), a warning stands, or the registry lists the
  vehicle (a hit is a lead, never a verdict on its own).
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
    "feature.vin_record.matches_certificate",
})


#: Findings that are leads for the second line, never a rejection (a registry hit).
_LEADS = frozenset({"vehicle.stolen"})


def _decisive(f: Finding) -> bool:
    return f.id in _DECISIVE or f.id.startswith(_DECISIVE_PREFIXES)


def decide(findings: Sequence[Finding]) -> tuple[str, list[dict[str, str]]]:
    """The verdict and the reasons that led to it (``{"id", "en", "ru"}`` each)."""
    fails = [f for f in findings if f.status == Status.FAIL]
    decisive = [f for f in fails if _decisive(f)]
    leads = [f for f in fails if f.id in _LEADS]
    features = [f for f in fails if not _decisive(f) and f.id not in _LEADS]

    def why(fs: Sequence[Finding]) -> list[dict[str, str]]:
        return [{"id": f.id, "en": f.message, "ru": f.message_ru} for f in fs]

    if decisive:
        return REJECT, why(decisive + features + leads)
    doubts = leads + features + [f for f in findings
                                 if f.status in (Status.WARN, Status.ERROR)]
    if doubts:
        return REFER, why(doubts)
    return ACCEPT, [{"id": "all", "en": "Every check that could be run passed.",
                     "ru": "Все проверки, которые удалось выполнить, пройдены."}]
