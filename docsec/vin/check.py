"""Check a VIN as an officer would: every rule answered as a finding, nothing raised.

:func:`check` never raises for bad input: junk (empty, emoji, 10 kB strings, Cyrillic
look-alikes, ``O`` in a VIN) becomes error findings. Check IDs (stable, see
:mod:`docsec.report`):

* ``vin.format.empty``, ``vin.format.length``, ``vin.format.character`` (``I``/``O``/``Q``
  and anything outside the alphabet, with look-alike suggestions), ``vin.format.homoglyph``
  (Cyrillic/Greek letters mapped to Latin: a warning);
* ``vin.chassis_number``: 11-16 characters, a pre-1981 chassis number (a warning, not
  an error: such vehicles are searched by chassis number);
* ``vin.check_digit``: position 9, a **three-way verdict**: pass / fail where mandatory
  (North America, China; 49 CFR 565.15(c), GB 16735), pass / not applicable elsewhere
  (ISO 3779 leaves position 9 to the maker, so a non-computing EU VIN is no evidence);
* ``vin.model_year``: position 10 (49 CFR 565.15(b)); fail on ``U``/``Z``/``0`` in North
  America, not applicable where the maker encodes no year, warn where it varies by market;
* ``vin.wmi``: warn when the WMI is not in the table;
* ``vehicle.stolen``: warn on registry candidates (a hit is a lead, never a verdict), pass
  when the registry was searched without a candidate, **not applicable ("not checked",
  with the reason) when no registry was searched**: never a pass without a search.

>>> r = check('WVWZZZ1KZ6W000001')
>>> r.valid, r.check_digit.status.value, r.region, r.country
(True, 'not_applicable', 'Europe', 'Germany')
>>> r = check('1M8GDM9A1KP042788')
>>> r.valid, r.errors
(False, ('vin.check_digit',))
>>> check('1M8GDM9AXKPO42788').suggestions
('1M8GDM9AXKP042788',)
>>> check('1M8GDM9AXKP042788').findings[-1].message
'not checked: no registry was given'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from docsec.checkdigit import vin_mod11
from docsec.report import Finding, Status
from docsec.vin.decode import VINDecode, _decode, load_wmi
from docsec.vin.number import (
    ALPHABET,
    CHASSIS_LENGTHS,
    LOOKALIKE_SUGGESTIONS,
    check_digit_required,
    normalize_with_changes,
    suggest,
)

if TYPE_CHECKING:
    from docsec.registry.base import SearchAnswer, VehicleRegistry

__all__ = ["NO_REGISTRY", "CheckDigitVerdict", "VINCheck", "check"]

_ALPHABET_SET = frozenset(ALPHABET)
_CHASSIS_SET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MAX_ANALYSED = 64  # longer input is reported as a length error only
_ECHO = 200  # longest input echoed back in results
#: Reason of the ``vehicle.stolen`` finding when :func:`check` is given no registry.
NO_REGISTRY = "no registry was given"


@dataclass(frozen=True, slots=True)
class CheckDigitVerdict:
    """Position-9 verdict: pass, fail (only where mandatory) or not applicable."""

    status: Status
    expected: str | None
    found: str | None
    required: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (the issue's ``check_digit`` object)."""
        return {"status": self.status.value, "expected": self.expected, "found": self.found}


_NA_DIGIT = CheckDigitVerdict(Status.NOT_APPLICABLE, None, None, False)


@dataclass(frozen=True, slots=True)
class VINCheck:
    """Everything :func:`check` found about one input."""

    input: str
    vin: str | None
    kind: Literal["vin", "chassis"]
    findings: tuple[Finding, ...]
    check_digit: CheckDigitVerdict
    decoded: VINDecode | None
    suggestions: tuple[str, ...] = ()
    registry: SearchAnswer | None = None

    @property
    def errors(self) -> tuple[str, ...]:
        """Check IDs that failed."""
        return tuple(dict.fromkeys(f.id for f in self.findings if f.status is Status.FAIL))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Check IDs that warned."""
        return tuple(dict.fromkeys(f.id for f in self.findings if f.status is Status.WARN))

    @property
    def valid(self) -> bool:
        """No error finding (warnings, registry hits included, do not make a VIN invalid)."""
        return not self.errors

    @property
    def wmi(self) -> str | None:
        """World Manufacturer Identifier (3 or 6 characters)."""
        return self.decoded.wmi if self.decoded else None

    @property
    def region(self) -> str | None:
        """Region of the WMI (ISO 3780)."""
        return self.decoded.region if self.decoded else None

    @property
    def country(self) -> str | None:
        """Plant country of the WMI (ISO 3780 ranges)."""
        return self.decoded.country if self.decoded else None

    @property
    def manufacturer(self) -> str | None:
        """Manufacturer or assembler the WMI is assigned to."""
        return self.decoded.manufacturer if self.decoded else None

    @property
    def model_years(self) -> tuple[int, ...]:
        """Model-year candidates (empty: not encoded or unreadable)."""
        return self.decoded.model_years if self.decoded else ()

    def to_dict(self) -> dict[str, object]:
        """The JSON of ``docsec vin check`` (issue 3), plus findings and suggestions."""
        d = self.decoded
        return {
            "input": self.input,
            "vin": self.vin,
            "kind": self.kind,
            "valid": self.valid,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "check_digit": self.check_digit.to_dict(),
            "wmi": self.wmi,
            "region": self.region,
            "country": self.country,
            "manufacturer": self.manufacturer,
            "model_years": list(self.model_years),
            "plant": d.plant if d else None,
            "serial": d.serial if d else None,
            "registry": self.registry.to_dict() if self.registry is not None else None,
            "suggestions": list(self.suggestions),
            "findings": [f.to_dict() for f in self.findings],
        }


def check(
    text: object,
    *,
    registry: VehicleRegistry | None = None,
    reference_year: int | None = None,
    near: bool = False,
    not_checked: str = NO_REGISTRY,
) -> VINCheck:
    """Check a VIN or chassis number; never raises for bad input (registry failures raise
    :class:`~docsec.errors.RegistryError`: the registry, not the VIN, could not answer).

    Parameters
    ----------
    text : str
        The VIN as typed or read (normalised here: spaces, dashes, case, look-alikes).
    registry : VehicleRegistry, optional
        When given, the VIN is searched (exact and look-alike) and hits become
        ``vehicle.stolen`` warnings. Without it, ``vehicle.stolen`` is not applicable,
        "not checked" with the reason ``not_checked``.
    reference_year : int, optional
        Year of the inspection, bounds the model-year candidates (default: this year).
    near : bool
        Also return near misses (other substitutions than look-alikes: possibly
        another vehicle).
    not_checked : str
        Why no registry is given (shown in the ``vehicle.stolen`` finding).

    Returns
    -------
    VINCheck
    """
    if not isinstance(text, str):
        finding = Finding(
            "vin.format.empty", Status.FAIL, "vin", message="no text was given"
        )
        return VINCheck("", None, "vin", (finding, _unsearchable()), _NA_DIGIT, None)
    echo = text if len(text) <= _ECHO else text[:_ECHO] + "…"
    if len(text) > 4 * _MAX_ANALYSED:
        finding = Finding(
            "vin.format.length", Status.FAIL, "vin", expected="17",
            found=str(len(text)), message=f"{len(text)} characters: this is not a VIN",
        )  # fmt: skip
        return VINCheck(echo, None, "vin", (finding, _unsearchable()), _NA_DIGIT, None)
    vin, changes = normalize_with_changes(text)
    findings: list[Finding] = []
    if changes:
        findings.append(
            Finding(
                "vin.format.homoglyph", Status.WARN, "vin",
                positions=tuple((1, p) for p, _, _ in changes),
                expected="".join(new for _, _, new in changes),
                found="".join(old for _, old, _ in changes),
                message="non-Latin look-alike characters were read as Latin: "
                + ", ".join(f"{old!r}->{new!r} at {p}" for p, old, new in changes),
            )  # fmt: skip
        )
    if not vin:
        findings.append(Finding("vin.format.empty", Status.FAIL, "vin", message="empty input"))
        findings.append(_unsearchable())
        return VINCheck(echo, None, "vin", tuple(findings), _NA_DIGIT, None)
    kind: Literal["vin", "chassis"] = "chassis" if len(vin) in CHASSIS_LENGTHS else "vin"
    if len(vin) != 17 and kind == "vin":
        findings.append(
            Finding(
                "vin.format.length", Status.FAIL, "vin", expected="17", found=str(len(vin)),
                message=f"a VIN has 17 characters (11-16 for a pre-1981 chassis number), "
                f"got {len(vin)}",
            )  # fmt: skip
        )
        findings.append(_unsearchable())
        return VINCheck(echo, vin[:_ECHO], "vin", tuple(findings), _NA_DIGIT, None)
    allowed = _ALPHABET_SET if kind == "vin" else _CHASSIS_SET
    bad = [(i + 1, c) for i, c in enumerate(vin) if c not in allowed]
    for pos, char in bad:
        hint = LOOKALIKE_SUGGESTIONS.get(char) if kind == "vin" else None
        findings.append(
            Finding(
                "vin.format.character", Status.FAIL, "vin", positions=((1, pos),),
                expected=hint, found=char,
                message=f"{char!r} at position {pos} is not used in VINs"
                + (f"; did you mean {hint!r}?" if hint else ""),
            )  # fmt: skip
        )
    suggestions = suggest(vin) if bad and kind == "vin" else ()
    answer = None
    if set(vin) - _CHASSIS_SET:
        stolen = _unsearchable()
    elif registry is None:
        stolen = _not_checked(not_checked)
    else:
        answer = registry.search(vin=vin, fuzzy=True, near=near)
        stolen = _registry_finding(answer)
    if bad or kind == "chassis":
        if kind == "chassis":
            findings.append(
                Finding(
                    "vin.chassis_number", Status.WARN, "vin", found=str(len(vin)),
                    message=f"{len(vin)} characters: a pre-1981 chassis number, not a "
                    "17-character VIN; no check digit or model-year rules apply",
                )  # fmt: skip
            )
        findings.append(stolen)
        return VINCheck(echo, vin, kind, tuple(findings), _NA_DIGIT, None, suggestions, answer)
    decoded = _decode(vin, reference_year)
    verdict = _check_digit(vin, findings)
    _model_year(vin, decoded, findings)
    if decoded.manufacturer is None:
        findings.append(
            Finding(
                "vin.wmi", Status.WARN, "wmi", positions=((1, 1), (1, 2), (1, 3)),
                found=decoded.wmi,
                message=f"WMI {decoded.wmi} is not in the table ({len(load_wmi())} codes)",
            )  # fmt: skip
        )
    findings.append(stolen)
    return VINCheck(echo, vin, "vin", tuple(findings), verdict, decoded, (), answer)


def _check_digit(vin: str, findings: list[Finding]) -> CheckDigitVerdict:
    required = check_digit_required(vin)
    expected = vin_mod11.calc_check_digit(vin)
    found = vin[8]
    if found == expected:
        status = Status.PASS
        message = "position 9 holds the computed check digit"
    elif required:
        status = Status.FAIL
        message = (
            f"check digit is {found!r}, computes to {expected!r}: mandatory here "
            "(49 CFR 565.15(c) / GB 16735), so the VIN was altered or mistyped"
        )
    else:
        status = Status.NOT_APPLICABLE
        message = (
            "position 9 does not compute, which is normal outside North America and "
            "China (ISO 3779): no evidence of tampering"
        )
    findings.append(
        Finding("vin.check_digit", status, "check_digit", ((1, 9),), expected, found, message)
    )
    return CheckDigitVerdict(status, expected, found, required)


def _model_year(vin: str, decoded: VINDecode, findings: list[Finding]) -> None:
    code = vin[9]
    pos = ((1, 10),)
    if decoded.model_year_status == "invalid":
        status = Status.FAIL
        message = f"{code!r} is not a model-year code (never U, Z or 0; 49 CFR 565.15(b))"
    elif decoded.model_year_status == "not_encoded":
        status = Status.NOT_APPLICABLE
        message = "the maker does not encode the model year at position 10"
    else:
        entry = load_wmi().get(decoded.wmi)
        years = ", ".join(map(str, decoded.model_years)) or "none up to the reference year"
        if decoded.region != "North America" and (entry is None or entry.model_year != "encoded"):
            status = Status.WARN
            message = (
                f"position 10 {code!r} would mean {years}, but outside North America the "
                "year is not always encoded: confirm with the registration document"
            )
        else:
            status = Status.PASS
            message = f"model year {years}"
    findings.append(Finding("vin.model_year", status, "model_year", pos, None, code, message))


def _not_checked(reason: str) -> Finding:
    return Finding(
        "vehicle.stolen", Status.NOT_APPLICABLE, "vin", message=f"not checked: {reason}"
    )


def _unsearchable() -> Finding:
    return _not_checked("the input is no VIN or chassis number the registry can search")


def _registry_finding(answer: SearchAnswer) -> Finding:
    if not answer.hits:
        return Finding("vehicle.stolen", Status.PASS, "vin", message="no registry hit")
    best = answer.hits[0]
    return Finding(
        "vehicle.stolen",
        Status.WARN,
        "vin",
        expected=None,
        found=best.record.vin,
        message=f"{len(answer.hits)} registry candidate(s), best: {best.match} "
        f"(distance {best.distance}) reported by {best.record.reporting_country} "
        f"on {best.record.date_reported.isoformat()}. {answer.advice}",
    )
