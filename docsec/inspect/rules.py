"""Data rules: what the reading says, checked against ICAO 9303, the VIN rules and the registry.

* every MRZ finding of :func:`docsec.mrz.parse` (check digits, dates, expiry against the
  reference date, codes, name format);
* ``feature.viz_mrz.match``: each visual-zone field read against its MRZ counterpart after
  transliteration (ICAO 9303-3 §6) and truncation (the MRZ name may stop short);
* ``feature.issuer.known``: the issuing state is a known ICAO or training issuer;
* vehicles: ``vin.check_digit`` and the model year (:func:`docsec.vin.check`), the VIN plate
  against field E, the registry (``vehicle.stolen``) and the registry record against the
  certificate (``feature.vin_record.matches_certificate``), make and year against the VIN.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from docsec.errors import DocsecError
from docsec.inspect.context import Context, make_finding
from docsec.report import Finding, Status

__all__ = ["data_findings"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
#: Visual-zone reads below this Tesseract confidence only warn when they disagree.
_SURE = 0.75

_MRZ_RU = {
    "pass": "проверка МСЗ пройдена",
    "fail": "ошибка в МСЗ",
    "warn": "замечание по МСЗ",
    "not_applicable": "не применяется",
    "error": "не удалось проверить",
}


def _mrz_findings(ctx: Context) -> list[Finding]:
    if ctx.mrz is None:
        return []
    side = ctx.model.mrz.side if ctx.model.mrz else "front"
    view = ctx.views.get("white" if side == "front" else "white_back")
    box = ctx.model.mrz.box_mm if ctx.model.mrz else None
    out = []
    for f in ctx.mrz.findings:
        ru = f"{_MRZ_RU[f.status.value]}: {f.id}"
        if f.id == "mrz.expired" and f.status == Status.FAIL:
            ru = f"срок действия истёк ({f.message})"
        out.append(make_finding(f.id, f.status, f.message, ru, view=view, box_mm=box,
                                field_name=f.field, expected=f.expected, found=f.found,
                                positions=f.positions))  # fmt: skip
    return out


def _parse_date(text: str, style: str) -> dt.date | None:
    t = text.strip().upper()
    try:
        if style == "dmy_dots":
            d, m, y = (int(p) for p in re.split(r"[.\s/]+", t) if p)
            return dt.date(y, m, d)
        parts = t.split()
        if len(parts) == 3 and parts[1] in _MONTHS:
            return dt.date(int(parts[2]), _MONTHS.index(parts[1]) + 1, int(parts[0]))
    except (ValueError, TypeError):
        return None
    return None


def _mrz_name(text: str, script: str) -> str | None:
    from docsec.mrz import transliterate

    try:
        return transliterate(text.replace(" ", "<").replace("-", "<"),
                             language=None).replace(" ", "<")  # fmt: skip
    except DocsecError:
        return None
    del script


def _viz_pairs(ctx: Context) -> list[tuple[str, str, str]]:
    """(field, visual-zone value as MRZ characters, MRZ value) for each comparable field."""
    if ctx.mrz is None:
        return []
    fields = ctx.mrz.fields
    out: list[tuple[str, str, str]] = []
    viz: dict[str, tuple[str, float]] = {}
    for reading in ctx.readings.values():
        for name, vf in (reading.viz or {}).items():
            viz[name] = (vf.value, vf.confidence)
    style = ctx.model.date_style
    for name, mrz_name in (("date_of_birth", "date_of_birth"),
                           ("date_of_expiry", "date_of_expiry"),
                           ("valid_until", "date_of_expiry")):  # fmt: skip
        if name in viz and mrz_name in fields and fields[mrz_name].value:
            d = _parse_date(viz[name][0], style)
            if d is not None:
                mrz_val = fields[mrz_name].value
                mrz_d = mrz_val.isoformat() if isinstance(mrz_val, dt.date) else str(mrz_val)
                out.append((name, d.isoformat(), mrz_d))
    for name, mrz_name in (("surname", "primary_identifier"),
                           ("given_names", "secondary_identifier")):  # fmt: skip
        if name in viz and mrz_name in fields:
            conv = _mrz_name(viz[name][0], ctx.model.script)
            raw = str(fields[mrz_name].raw).rstrip("<")
            if conv is not None and raw:
                out.append((name, conv, raw))
    if "document_number" in viz and "document_number" in fields:
        out.append(("document_number", viz["document_number"][0].replace(" ", "").upper(),
                    str(fields["document_number"].value)))
    return [(n, a, b) for n, a, b in out]


def viz_mrz_match(ctx: Context) -> Finding:
    """Each visual-zone field read equals its MRZ counterpart after transliteration and
    truncation; a disagreement on a confidently read field fails, an unsure one warns."""
    cid = "feature.viz_mrz.match"
    side = ctx.model.mrz.side if ctx.model.mrz else "front"
    view = ctx.views.get("white" if side == "front" else "white_back")
    if ctx.mrz is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "no MRZ was read.", "МСЗ не прочитана.",
                            view=view)
    pairs = _viz_pairs(ctx)
    if not pairs:
        return make_finding(cid, Status.ERROR, "no visual-zone field could be read.",
                            "поля визуальной зоны не прочитаны.", view=view)
    conf: dict[str, float] = {}
    for reading in ctx.readings.values():
        for name, vf in (reading.viz or {}).items():
            conf[name] = vf.confidence
    worst: tuple[str, str, str] | None = None
    for name, viz, mrz in pairs:
        same = viz == mrz or (name in ("surname", "given_names")
                              and viz.startswith(mrz) and len(mrz) >= 2)  # fmt: skip
        if not same and (worst is None or conf.get(name, 0) > conf.get(worst[0], 0)):
            worst = (name, viz, mrz)
    if worst is None:
        return make_finding(cid, Status.PASS,
                            f"{len(pairs)} visual-zone fields agree with the MRZ.",
                            f"{len(pairs)} полей визуальной зоны совпадают с МСЗ.",
                            view=view, score=0.0, threshold=0.0)  # fmt: skip
    name, viz, mrz = worst
    field = ctx.model.field(name)
    fview = ctx.views.get("white" if field.side == "front" else "white_back")
    sure = conf.get(name, 0.0) >= _SURE
    return make_finding(
        cid, Status.FAIL if sure else Status.WARN,
        f"The visual zone's {name.replace('_', ' ')} ({viz}) differs from the MRZ ({mrz})"
        + ("." if sure else "; the visual zone was read with low confidence: look again."),
        f"Поле {name} визуальной зоны ({viz}) не совпадает с МСЗ ({mrz})"
        + ("." if sure else "; поле прочитано неуверенно, проверьте визуально."),
        view=fview, box_mm=field.box_mm, field_name=name, expected=mrz, found=viz,
        score=conf.get(name, 0.0), threshold=_SURE)


def issuer_known(ctx: Context) -> Finding:
    """The MRZ issuing state is an ICAO or training issuer (``mrz.issuing_state`` passes)."""
    cid = "feature.issuer.known"
    if ctx.mrz is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "no MRZ was read.", "МСЗ не прочитана.")
    f = ctx.mrz.finding("mrz.issuing_state")
    code = ctx.mrz.fields["issuing_state"].value if "issuing_state" in ctx.mrz.fields else "?"
    if f is not None and f.status == Status.FAIL:
        return make_finding(cid, Status.FAIL,
                            f"Issuing state {code} belongs to no state: a fantasy document.",
                            f"Код государства {code} никому не принадлежит: фантазийный "
                            "документ.", found=str(code))  # fmt: skip
    return make_finding(cid, Status.PASS, f"Issuing state {code} is known.",
                        f"Государство выдачи {code} известно.", found=str(code))


# --- vehicles -------------------------------------------------------------------------------


def _cert(ctx: Context) -> Mapping[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for reading in ctx.readings.values():
        for name, vf in (reading.viz or {}).items():
            out[name] = (vf.value.strip(), vf.confidence)
    return out


def _vin_text(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def read_vin_plate(image: object) -> str | None:
    """The VIN stamped on a VIN-plate photo (Tesseract, VIN alphabet), or None."""
    import cv2
    import numpy as np

    from docsec.ocr.tesseract import ocr_words

    img = np.asarray(image)
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    gray = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    words = ocr_words(gray, psm=6, whitelist="ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
    best = None
    for w in words:
        t = _vin_text(w.text)
        if len(t) == 17 and (best is None or w.confidence > best[1]):
            best = (t, w.confidence)
    return best[0] if best else None


def vehicle_findings(ctx: Context) -> list[Finding]:
    """VIN check digit, model year, registry, plate and record against the certificate."""
    if ctx.model.kind != "vehicle_registration":
        return []
    from docsec.vin import check

    cert = _cert(ctx)
    white = ctx.views.get("white")
    out: list[Finding] = []
    vin = _vin_text(cert["E"][0]) if "E" in cert else ""
    e_box = ctx.model.field("E").box_mm
    if len(vin) != 17:
        out.append(make_finding("vin.check_digit", Status.ERROR,
                                "the VIN (field E) could not be read on the certificate.",
                                "VIN (поле E) в свидетельстве не прочитан.", view=white,
                                box_mm=e_box, found=vin or None))  # fmt: skip
        return out
    result = check(vin, registry=ctx.registry, reference_year=ctx.reference_date.year)
    for f in result.findings:
        if f.id in ("vin.check_digit", "vin.model_year", "vehicle.stolen", "vin.wmi"):
            ru = {"vin.check_digit": "контрольный знак VIN (позиция 9)",
                  "vin.model_year": "модельный год VIN (позиция 10)",
                  "vehicle.stolen": "розыск по реестру угнанных ТС",
                  "vin.wmi": "код изготовителя (WMI)"}[f.id]
            out.append(make_finding(f.id, f.status, f.message, f"{ru}: {f.status.value}",
                                    view=white, box_mm=e_box, field_name="E",
                                    expected=f.expected, found=f.found,
                                    positions=f.positions))  # fmt: skip
    # make and model year on the certificate against what the VIN says
    decoded = result.decoded
    make = cert.get("D.1", ("", 0.0))[0].upper()
    if decoded is not None and make:
        makes = {m.upper() for m in decoded.makes}
        if decoded.manufacturer:
            makes.add(decoded.manufacturer.upper())
        ok = not makes or any(make in m or m in make for m in makes)
        out.append(make_finding(
            "vin.make.matches_certificate", Status.PASS if ok else Status.WARN,
            f"Make {make} " + ("agrees with" if ok else "does not agree with")
            + f" the VIN's manufacturer ({', '.join(sorted(makes)) or 'unknown'}).",
            f"Марка {make} " + ("соответствует" if ok else "не соответствует")
            + " изготовителю по VIN.", view=white, box_mm=ctx.model.field("D.1").box_mm,
            field_name="D.1", found=make))
    # VIN plate against field E
    plate_vin = ctx.vin_plate_text
    if plate_vin is None and ctx.vin_plate is not None:
        try:
            plate_vin = read_vin_plate(ctx.vin_plate)
        except DocsecError:
            plate_vin = None
    cid = "feature.vin_plate.matches_certificate"
    if ctx.vin_plate is None and ctx.vin_plate_text is None:
        out.append(make_finding(cid, Status.NOT_APPLICABLE, "needs view vin_plate.",
                                "нужен снимок таблички VIN.", view_name="vin_plate"))
    elif plate_vin is None:
        out.append(make_finding(cid, Status.ERROR, "the VIN plate could not be read.",
                                "табличка VIN не читается.", view_name="vin_plate"))
    else:
        diff = sum(a != b for a, b in zip(plate_vin, vin, strict=False))
        same = diff == 0
        out.append(make_finding(
            cid, Status.PASS if same else Status.FAIL,
            "The VIN plate equals field E." if same else
            f"The VIN plate reads {plate_vin}, the certificate says {vin}.",
            "VIN на табличке совпадает с полем E." if same else
            f"На табличке VIN {plate_vin}, в свидетельстве {vin}.",
            view_name="vin_plate", expected=vin, found=plate_vin, score=float(diff),
            threshold=0.0))
    # the registry's record against the certificate (a legal twin elsewhere: cloned VIN)
    cid = "feature.vin_record.matches_certificate"
    hits = [h for h in (result.registry.hits if result.registry is not None else ())
            if h.match == "exact"]
    if ctx.registry is None:
        out.append(make_finding(cid, Status.NOT_APPLICABLE, "no registry was given.",
                                "реестр не подключён.", view_name="registry"))
    elif not hits:
        out.append(make_finding(cid, Status.PASS, "The registry holds no record of this VIN.",
                                "В реестре нет записи об этом VIN.", view_name="registry"))
    else:
        rec = hits[0].record
        plate = _vin_text(cert.get("A", ("", 0.0))[0])
        colour = cert.get("R", ("", 0.0))[0].upper()
        diffs = []
        if rec.plate and plate and _vin_text(rec.plate) != plate:
            diffs.append(f"plate {rec.plate} vs {cert['A'][0]}")
        if rec.colour and colour and rec.colour.upper() != colour:
            diffs.append(f"colour {rec.colour} vs {colour}")
        out.append(make_finding(
            cid, Status.FAIL if diffs else Status.PASS,
            ("The registry's record of this VIN disagrees with the certificate ("
             + "; ".join(diffs) + "): a cloned VIN.") if diffs else
            "The registry's record agrees with the certificate.",
            ("Запись реестра по этому VIN расходится со свидетельством: VIN клонирован.")
            if diffs else "Запись реестра совпадает со свидетельством.",
            view=white, box_mm=e_box, score=float(len(diffs)), threshold=0.0))
    return out


def data_findings(ctx: Context) -> list[Finding]:
    """Every data rule that applies to the document."""
    out = _mrz_findings(ctx)
    if ctx.model.mrz is not None:
        out.append(viz_mrz_match(ctx))
        out.append(issuer_known(ctx))
    out.extend(vehicle_findings(ctx))
    return out
