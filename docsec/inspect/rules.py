"""Data rules: what the reading says, checked against ICAO 9303, the VIN rules and the registry.

* every MRZ finding of :func:`docsec.mrz.parse` (check digits, dates, expiry against the
  reference date, codes, name format);
* ``feature.viz_mrz.match``: each visual-zone field read against its MRZ counterpart after
  transliteration (ICAO 9303-3 §6) and truncation (the MRZ name may stop short);
* ``feature.issuer.known``: the issuing state is a known ICAO or training issuer;
* ``document.alert``: the issuing state and document number looked up in the lost, stolen
  and revoked documents list (:mod:`docsec.alerts`): a hit fails as a lead to confirm;
* vehicles: ``vin.check_digit`` and the model year (:func:`docsec.vin.check`), the VIN plate
  against field E, the registry (``vehicle.stolen``) and the registry record against the
  certificate (``feature.vin_record.matches_certificate``), make and year against the VIN.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docsec.checkdigit import vin_mod11
from docsec.errors import DocsecError
from docsec.inspect.context import Context, make_finding
from docsec.lookalikes import same_class
from docsec.models import MONTHS
from docsec.report import Finding, Status

__all__ = ["data_findings", "document_alert", "edit_distance"]

#: A VIN-plate cell fits another character better than the expected one by more than this:
#: the plate may differ from the certificate (edge correlation of the stamping; genuine
#: plates, rendered and photographed hand-held by docsec's capture and the independent
#: comparator, 56 captures: at most 0.037; one digit changed: 0.068 (9 for 0, the closest
#: pair) to 0.43) ...
_PLATE_MARGIN = 0.05
#: ... and by more than this it does even between characters the plate's face draws alike
#: (:data:`_PLATE_LOOKALIKE`; genuine photos at docsec's harder capture level reach 0.06
#: between M and N, a changed digit 0.17 and more otherwise).
_PLATE_SURE = 0.1
#: Largest number of plate readings (every cell's characters within :data:`_PLATE_MARGIN` of
#: its best) tried for a check digit that fails whichever they are; a plate more doubtful
#: than that confirms nothing (a photographed plate has one or two such cells).
_PLATE_OPTIONS_MAX = 64
#: Characters whose stamped edges differ little in the plate's face (DejaVu Sans Mono):
#: a difference between them is sure only above :data:`_PLATE_SURE`.
_PLATE_LOOKALIKE = [set("8B"), set("NHM"), set("VWU"), set("1J7T"), set("5S"), set("2Z"),
                    set("0DQ"), set("6G")]
#: A plate reading is trusted when at least this many of its 17 cells read as the
#: certificate's VIN; fewer means the stamping was not found (unreadable, not different).
_PLATE_AGREE = 13
#: Visual-zone reads below this Tesseract confidence only warn when they disagree.
_SURE = 0.93

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


#: Letters OCR reads for the digits of a date (a date's day and year hold digits only) ...
_DATE_DIGITS = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2",
                              "S": "5", "B": "8", "G": "6"})  # fmt: skip
#: ... and digits it reads for the letters of a month's abbreviation.
_MONTH_LETTERS = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})
_MON_DATE = re.compile(r"([0-9A-Z]{1,2})\s*([A-Z0-9]{3})\s*([0-9A-Z]{4})")


def _parse_date(text: str, style: str) -> dt.date | None:
    """A visual-zone date as printed in the model's ``style`` (``dmy_dots``: 23.04.1981;
    otherwise 23 APR 1981), read tolerantly: spaces lost or doubled between its parts and
    the look-alike characters OCR reads for digits (O/0, I/1, S/5...) or for a month's
    letters. None when the text is no date.

    >>> _parse_date("23 APR1981", "dd_mon_yyyy"), _parse_date("O8 0CT 1999", "dd_mon_yyyy")
    (datetime.date(1981, 4, 23), datetime.date(1999, 10, 8))
    >>> _parse_date("23.O4.198I", "dmy_dots"), _parse_date("31 FEB 2001", "dd_mon_yyyy")
    (datetime.date(1981, 4, 23), None)
    >>> _parse_date("08 DEC 2033.", "dd_mon_yyyy"), _parse_date("23.04.1981.", "dmy_dots")
    (datetime.date(2033, 12, 8), datetime.date(1981, 4, 23))
    """
    # stray marks read beside the date (a dot, a comma, a quote) are no part of it
    t = " ".join(re.sub(r"[^0-9A-Z.\s]" if style == "dmy_dots" else r"[^0-9A-Z\s]", " ",
                        text.upper()).split())
    try:
        if style == "dmy_dots":
            d, m, y = (int(p.translate(_DATE_DIGITS)) for p in re.split(r"[.\s/,]+", t) if p)
            return dt.date(y, m, d)
        match = _MON_DATE.fullmatch(t)
        if match is None:
            return None
        day, month, year = match.groups()
        month = month.translate(_MONTH_LETTERS)
        if month not in MONTHS:
            return None
        return dt.date(int(year.translate(_DATE_DIGITS)), MONTHS.index(month) + 1,
                       int(day.translate(_DATE_DIGITS)))  # fmt: skip
    except (ValueError, TypeError):
        return None


def _mrz_name(text: str, script: str) -> str | None:
    from docsec.mrz import transliterate

    try:
        # ICAO 9303-3 §4.6: spaces and hyphens become fillers, apostrophes are dropped
        clean = text.replace("'", "").replace("’", "").replace(" ", "<").replace("-", "<")
        return transliterate(clean, language=None).replace(" ", "<")
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


#: Characters OCR confuses in print; a difference only between these is a doubt, not a fail.
_LOOKALIKE = [set("0OQD"), set("1IL7"), set("2Z"), set("5S"), set("8B"), set("6G"), set("UV")]


def _lookalike_only(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    return all(x == y or any(x in g and y in g for g in _LOOKALIKE) for x, y in zip(a, b,
                                                                                  strict=True))


#: Two printed characters OCR reads as one glyph (their strokes run together in a blurred
#: photo: the foot of an L and the stem of the I after it make a U) ...
_MERGED = {"LI": "U", "L1": "U", "LJ": "U", "IJ": "U", "VV": "W"}
#: ... and one glyph read as two (the reverse split).
_SPLIT = {glyph: pair for pair, glyph in _MERGED.items()}


def _glyph_confusion(read: str, mrz: str) -> bool:
    """Whether ``read`` differs from ``mrz`` only by OCR's glyph confusions: look-alike
    characters (:data:`_LOOKALIKE`) and at least one pair of characters read as one glyph
    or one glyph as two (:data:`_MERGED`: FELIX read FEUX in a blurred photo, its L and I
    run together). A forger's changed name or letter is none of these.

    >>> _glyph_confusion("MACALUSTER", "MACALLISTER"), _glyph_confusion("FEUX", "FELIX")
    (True, True)
    >>> _glyph_confusion("FELIX", "FELIX"), _glyph_confusion("FEUX", "FELIK")
    (False, False)
    >>> _glyph_confusion("KESTREL", "MACALLISTER"), _glyph_confusion("WALLIS", "VVALLIS")
    (False, True)
    """
    # reach[i][j]: read[:i] explains mrz[:j]; value: a merge or split was used on the way
    n, m = len(read), len(mrz)
    reach: list[list[bool | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = False
    for i in range(n + 1):
        for j in range(m + 1):
            used = reach[i][j]
            if used is None:
                continue
            steps = []
            if i < n and j < m and (read[i] == mrz[j] or _lookalike_only(read[i], mrz[j])):
                steps.append((i + 1, j + 1, used))
            if i < n and _MERGED.get(mrz[j : j + 2]) == read[i]:
                steps.append((i + 1, j + 2, True))
            if j < m and _SPLIT.get(mrz[j]) == read[i : i + 2]:
                steps.append((i + 2, j + 1, True))
            for a, b, u in steps:
                if reach[a][b] is None or u:
                    reach[a][b] = bool(u)
    return bool(reach[n][m])


_LATIN_NAME = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CYRILLIC_NAME = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
#: Resolution (pixels per inch) of a name's second read: capitals ~60 px tall.
_SECOND_READ_DPI = 400


def _read_again(ctx: Context, name: str, chars: str, lang: str, *,
                dpi: int = _SECOND_READ_DPI, binarise: bool = True,
                slack_mm: float = 0.5) -> str | None:
    """The visual-zone field ``name`` read again on its own: cut from the registered white
    view at ``dpi`` with ``slack_mm`` beyond the box on both sides, binarised (Otsu) or left
    grey, one line of ``chars`` with no dictionary (Tesseract ``--psm 7``). None when it
    cannot be read."""
    import cv2
    import numpy as np

    from docsec.errors import OCRError
    from docsec.ocr.tesseract import ocr_words
    from docsec.read.viz import LABEL_MM, ink_image

    try:
        field = ctx.model.field(name)
    except DocsecError:
        return None
    view = ctx.view("white", field.side)
    if view is None:
        return None
    x, y, w, h = field.box_mm
    crop = view.crop((x - slack_mm, y + LABEL_MM - 0.3, w + 2 * slack_mm,
                      max(1.0, h - LABEL_MM + 0.6)), dpi)
    gray = ink_image(np.clip(crop, 0, 255).astype(np.uint8))
    if binarise:
        _, gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    pad = round(24 * dpi / _SECOND_READ_DPI)
    bw = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_CONSTANT,
                            value=int(np.percentile(gray, 95)))  # fmt: skip
    whitelist = chars.replace("'", "\\'").replace(" ", "\\ ")
    try:
        words = ocr_words(bw, lang=lang, psm=7, whitelist=whitelist, timeout=5.0)
    except OCRError:
        return None
    text = " ".join(wd.text for wd in words).strip()
    return text or None


def _second_read(ctx: Context, name: str) -> str | None:
    """The name field ``name`` read again on its own (:func:`_read_again`: the script's
    capitals), as MRZ characters."""
    try:
        cyrillic = ctx.model.field(name).script == "cyrillic"
    except DocsecError:
        return None
    text = _read_again(ctx, name, (_CYRILLIC_NAME if cyrillic else _LATIN_NAME) + " -'",
                       "rus" if cyrillic else "eng")
    return _mrz_name(text, ctx.model.script) if text else None


#: At most this many look-alike substitutions (O/0, I/1, S/5...) between a document number
#: read in the visual zone and the MRZ's are OCR's confusions of the same number; more is
#: another number.
_CONFUSION_MAX = 2


def _differences(read: str, mrz: str) -> dict[tuple[int, str], str]:
    """Where ``read`` differs from ``mrz`` (a Levenshtein alignment): ``{(position, kind):
    character read}`` with kind ``sub`` (the MRZ character at position read otherwise),
    ``del`` (lost) or ``ins`` (a character read before the MRZ's position).

    >>> _differences("LINNQVIST", "LINDQVIST")
    {(3, 'sub'): 'N'}
    >>> sorted(_differences("AKERMANN", "ACKERMAN").items())
    [((1, 'del'), ''), ((7, 'ins'), 'N')]
    """
    n, m = len(read), len(mrz)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (read[i - 1] != mrz[j - 1]))  # fmt: skip
    out: dict[tuple[int, str], str] = {}
    i, j = n, m
    while i or j:
        if i and j and d[i][j] == d[i - 1][j - 1] + (read[i - 1] != mrz[j - 1]):
            if read[i - 1] != mrz[j - 1]:
                out[(j - 1, "sub")] = read[i - 1]
            i, j = i - 1, j - 1
        elif j and d[i][j] == d[i][j - 1] + 1:
            out[(j - 1, "del")] = ""
            j -= 1
        else:
            out[(j, "ins")] = read[i - 1]
            i -= 1
    return out


def _confirmed(reads: list[str], mrz: str) -> dict[tuple[int, str], str]:
    """The first read's differences from ``mrz`` that every other read makes too (at the same
    place, whatever character it reads there): a difference one read does not make is that
    read's OCR error, not the print's."""
    first, *others = (_differences(r, mrz) for r in reads)
    places = [{pos for pos, _ in o} for o in others]
    return {k: v for k, v in first.items() if all(k[0] in p for p in places)}


def _number_confusion(place: tuple[int, str], read: str, mrz: str) -> bool:
    """Whether a difference between a number read and the MRZ's is an OCR confusion: a
    look-alike read for the MRZ's character (O for 0...), or a glyph read twice (a
    character put in beside an MRZ character it equals or looks like: BO06 for B06)."""
    pos, kind = place
    if kind == "sub":
        return _lookalike_only(read, mrz[pos])
    if kind == "ins":
        return any(_lookalike_only(read, mrz[j]) for j in (pos - 1, pos) if 0 <= j < len(mrz))
    return False


def viz_mrz_match(ctx: Context) -> Finding:
    """Each visual-zone field read equals its MRZ counterpart after transliteration and
    truncation (ICAO 9303-3).

    A field that differs is read again on its own (:func:`_second_value`); only the
    differences both reads make count (:func:`_confirmed`), and in a document number not
    OCR's confusions (:func:`_number_confusion`), at most :data:`_CONFUSION_MAX`. A field
    a read of which differs only by glyph confusions, two letters run together among them
    (:func:`_glyph_confusion`), warns. What is left fails when the first read was confident
    or the second read gives the same character at one of its places; otherwise it warns
    (look again)."""
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
    worst: tuple[str, str, str, bool] | None = None
    doubt = False
    for name, viz, mrz in pairs:
        if _agrees(name, viz, mrz):
            continue
        # a name read without the MRZ's last word(s) is more often a word the read dropped
        # than a forgery: never sure on its own
        dropped = name in ("surname", "given_names") and mrz.startswith(viz + "<")
        sure = conf.get(name, 0.0) >= _SURE and not dropped
        again = _second_value(ctx, name)
        if again is not None and _agrees(name, again, mrz):
            continue
        reads = [viz] if again is None else [viz, again]
        if name in ("surname", "given_names"):
            # the MRZ may truncate a long name: only its characters are compared
            reads = [r[: len(mrz)] if r.startswith(mrz[:1]) and len(r) > len(mrz) else r
                     for r in reads]  # fmt: skip
        left = _confirmed(reads, mrz)
        lookalike = all(k[1] == "sub" and _lookalike_only(v, mrz[k[0]]) for k, v in left.items())
        if not left or (name == "document_number" and len(left) <= _CONFUSION_MAX and all(
                _number_confusion(k, v, mrz) for k, v in left.items())):
            continue
        if any(_glyph_confusion(r, mrz) for r in reads):
            # two letters run together into one glyph (LI read as U): both reads of the same
            # blurred print make it, so reading twice confirms nothing; the confidence is
            # the merged glyph's own, not the field's, so it is no proof either way
            doubt = True
            continue
        if lookalike and not sure:
            doubt = True
            continue
        # the second read gives the same character at a place where both differ
        second = _differences(reads[1], mrz) if len(reads) > 1 else {}
        twice = any(second.get(k) == v for k, v in left.items())
        certain = sure or (twice and not lookalike)
        rank = (certain, conf.get(name, 0.0))
        if worst is None or rank > (worst[3], conf.get(worst[0], 0.0)):
            worst = (name, viz, mrz, certain)
    if worst is None and doubt:
        return make_finding(cid, Status.WARN,
                            "The visual zone agrees with the MRZ except for look-alike "
                            "characters (O/0, I/1, S/5, LI/U...) read twice: compare them "
                            "by eye.",
                            "Визуальная зона совпадает с МСЗ, кроме похожих символов "
                            "(O/0, I/1, S/5, LI/U...), прочитанных дважды: сверьте их "
                            "визуально.",
                            view=view)  # fmt: skip
    if worst is None:
        return make_finding(cid, Status.PASS,
                            f"{len(pairs)} visual-zone fields agree with the MRZ.",
                            f"{len(pairs)} полей визуальной зоны совпадают с МСЗ.",
                            view=view, score=0.0, threshold=0.0)  # fmt: skip
    name, viz, mrz, certain = worst
    field = ctx.model.field(name)
    fview = ctx.views.get("white" if field.side == "front" else "white_back")
    sure = conf.get(name, 0.0) >= _SURE
    return make_finding(
        cid, Status.FAIL if certain else Status.WARN,
        f"The visual zone's {name.replace('_', ' ')} ({viz}) differs from the MRZ ({mrz})"
        + ("." if sure else " (read twice)." if certain else
           "; the visual zone was read with low confidence: look again."),
        f"Поле {name} визуальной зоны ({viz}) не совпадает с МСЗ ({mrz})"
        + ("." if sure else " (прочитано дважды)." if certain else
           "; поле прочитано неуверенно, проверьте визуально."),
        view=fview, box_mm=field.box_mm, field_name=name, expected=mrz, found=viz,
        score=conf.get(name, 0.0), threshold=_SURE)


def _agrees(name: str, viz: str, mrz: str) -> bool:
    """A visual-zone value (as MRZ characters) agrees with the MRZ's: equal, or a name the
    MRZ truncated (ICAO 9303-3 §4.6) that begins with it."""
    return viz == mrz or (name in ("surname", "given_names") and viz.startswith(mrz)
                          and len(mrz) >= 2)  # fmt: skip


_DATE_CHARS = "0123456789 ABCDEFGHIJKLMNOPRSTUVY./"
_NUMBER_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _second_value(ctx: Context, name: str) -> str | None:
    """The field ``name`` read again on its own (:func:`_read_again`), in the form
    :func:`_viz_pairs` compares: MRZ characters for names, ISO dates, a compact number."""
    if name in ("surname", "given_names"):
        return _second_read(ctx, name)
    if name in ("date_of_birth", "date_of_expiry", "valid_until"):
        text = _read_again(ctx, name, _DATE_CHARS, "eng")
        d = _parse_date(text, ctx.model.date_style) if text else None
        return d.isoformat() if d is not None else None
    if name == "document_number":
        text = _read_again(ctx, name, _NUMBER_CHARS, "eng")
        return text.replace(" ", "").upper() if text else None
    return None


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


#: Letters a VIN never holds (ISO 3779) that OCR reads for the digits printed there.
_VIN_OCR_DIGITS = str.maketrans({"O": "0", "Q": "0", "I": "1"})


def _vin_read(text: str) -> str:
    """A VIN as read by OCR from the certificate: letters VINs never use (I, O, Q) are the
    digits the typeface draws alike (an unmapped O would miss the registry's exact record).

    >>> _vin_read("5XYPDAYO6FG 136634")
    '5XYPDAY06FG136634'
    """
    return _vin_text(text).translate(_VIN_OCR_DIGITS)


_PLATE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
#: Columns of blank added on both sides of the stamped line before the cells are matched.
_PLATE_PAD = 6
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


#: A plate found in a photo covers at least this share of the frame (smaller bright blobs are
#: reflections) and at most this share (more is a crop of the plate itself: used as it is).
_PLATE_AREA = (0.05, 0.9)


#: Thresholds tried between Otsu's level and the brightest percentile, as shares of the
#: gap: a glare spot on the car beside the plate merges with it at Otsu's level only.
_PLATE_LEVELS = (0.0, 0.15, 0.3, 0.45)
#: A found outline is the plate when it fills at least this share of its four-corner fit
#: (plates alone 1.01-1.04 measured; with a glare spot merged 0.83-0.91).
_PLATE_FILL = 0.97
#: A plate is at least this tall for its width (a stamped line on its own, merged into one
#: dark block, is about 0.08).
_PLATE_ASPECT = 0.15
#: An outline of at most this many corners may be cut back to the plate's four ...
_PLATE_CUT_CORNERS = 6
#: ... when what lies outside those four adds at most this share of their area (a glare
#: spot on the body merged with the plate's lower side on an independent photo: 0.04-0.07
#: at the four threshold levels; plates alone have four corners and are never cut) ...
_PLATE_BUMP = 0.1
#: ... and its opposite sides are at least this near in length (a plate in a photo's mild
#: perspective: 0.92-1.0 on the independent photo it was measured on; a plate cut back
#: with a decoy's corner for one of its own on a generated photo: 0.66).
_PLATE_PARALLEL = 0.85
#: A frame whose brighter part (Otsu) covers more than this share is a crop of the plate.
_PLATE_CROP = 0.6


def _four_corners(poly: Any) -> Any:
    """``poly`` (a convex outline's corners) cut back to four: the corner whose triangle with
    its neighbours is smallest (a bump on one side) dropped until four are left."""
    import numpy as np

    pts = [np.asarray(p, np.float64) for p in poly]
    while len(pts) > 4:
        n = len(pts)
        tri = []
        for i in range(n):
            (ax, ay), (bx, by) = pts[i] - pts[i - 1], pts[(i + 1) % n] - pts[i - 1]
            tri.append(abs(float(ax * by - ay * bx)))
        del pts[int(np.argmin(tri))]
    return np.round(np.array(pts)).astype(np.int32)


def _plate_quad(gray: Any) -> Any | None:
    """The plate's four corners (a quadrilateral brighter or darker than its background,
    inside the frame), or None. When no threshold gives four corners, outlines with a few
    more (a glare spot on the body merged with one of the plate's sides) are cut back to
    four (:func:`_four_corners`) where the bump is small (:data:`_PLATE_BUMP`)."""
    import cv2
    import numpy as np

    blur = cv2.GaussianBlur(gray, (0, 0), 2)
    otsu, _ = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    top = float(np.percentile(blur, 99))
    bottom = float(np.percentile(blur, 1))
    # a plate brighter than the car around it, or darker (a light paint, a bright wall)
    for cut, share, bright in ((cut, s, b) for cut in (False, True) for b in (True, False)
                               for s in _PLATE_LEVELS):  # fmt: skip
        if bright:
            th = (blur > otsu + share * max(0.0, top - otsu)).astype(np.uint8) * 255
        else:
            th = (blur < otsu - share * max(0.0, otsu - bottom)).astype(np.uint8) * 255
        th = cv2.morphologyEx(th, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
        contours, _ = cv2.findContours(th, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            continue
        c = max(contours, key=cv2.contourArea)
        area = cv2.contourArea(c)
        share_of_frame = area / float(gray.shape[0] * gray.shape[1])
        if not _PLATE_AREA[0] <= share_of_frame <= _PLATE_AREA[1]:
            continue
        hull = cv2.convexHull(c)
        quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2)
        if cut and 4 < len(quad) <= _PLATE_CUT_CORNERS:
            quad = _four_corners(quad)
            side = [float(np.linalg.norm(quad[i] - quad[i - 1])) for i in range(4)]
            if area > (1 + _PLATE_BUMP) * cv2.contourArea(quad) or min(
                    min(side[0], side[2]) / max(side[0], side[2], 1e-9),
                    min(side[1], side[3]) / max(side[1], side[3], 1e-9)) < _PLATE_PARALLEL:
                continue
        h, w = gray.shape
        inside = bool((quad.min(axis=0) > 2).all() and (quad[:, 0].max() < w - 3)
                      and quad[:, 1].max() < h - 3)  # fmt: skip
        if len(quad) != 4 or not inside or area < _PLATE_FILL * cv2.contourArea(quad):
            continue
        (_, _), (rw, rh), _ = cv2.minAreaRect(quad.astype(np.float32))
        if min(rw, rh) >= _PLATE_ASPECT * max(rw, rh):
            return quad
    return None


def _rectify_plate(img: Any) -> tuple[Any, bool]:
    """The plate of a photo (:func:`_plate_quad`) warped flat, rows horizontal, and True;
    the image as it is and True when it shows nothing but the plate (a crop: its bright
    part covers more than :data:`_PLATE_CROP` of it), or False when no plate outline was
    found."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else np.asarray(img, np.uint8)
    quad = _plate_quad(gray)
    if quad is None:
        blur = cv2.GaussianBlur(gray, (0, 0), 2)
        _, th = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return img, float(np.count_nonzero(th)) / th.size > _PLATE_CROP
    pts = quad.astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    tl, br, tr, bl = pts[np.argmin(s)], pts[np.argmax(s)], pts[np.argmin(d)], pts[np.argmax(d)]
    w = round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)
    h = round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2)
    if w < 64 or h < 16:
        return img, False
    # a few pixels in from the found outline: the plate's bevelled edge is no stamping
    inset = 0.02 * min(w, h)
    dst = np.array([[-inset, -inset], [w + inset, -inset], [w + inset, h + inset],
                    [-inset, h + inset]], np.float32)
    m = cv2.getPerspectiveTransform(np.array([tl, tr, br, bl], np.float32), dst)
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE), True


#: Width (px) a plate is brought to before it is read: its stamped characters are then
#: about 20-45 px tall whatever the photo's resolution.
_PLATE_WORK_W = 640
#: Shares of the plate's width the stamped line may span (the size search's range; a plate
#: is made to hold its VIN), and of a photo's width when no plate outline was found ...
_PLATE_LINE_SPAN = (0.4, 0.97)
_PHOTO_LINE_SPAN = (0.2, 0.9)
#: ... searched in steps of this factor at half the working scale, then refined.
_PLATE_SIZE_STEP = 1.06
#: Turns (degrees) tried when no plate outline was found to warp flat (a tilted hand photo).
_PLATE_TURNS = (0.0, -4.0, 4.0, -8.0, 8.0)
#: Small turns (degrees) tried about the line once found.
_PLATE_TWEAKS = (0.0, -1.5, 1.5)
#: Pixels (working scale) a character is looked for around its place on the fitted line:
#: across, and up or down (the stamping's uneven depth and a residual perspective).
_PLATE_CELL_SLACK = (2, 2)
#: Pixels the cells may drift off the fitted line from one end to the other.
_PLATE_DRIFT = 8
#: Weight of the channel of edges across the rows against the upright edges' channel
#: (equal: kept apart, the two tell a bar from a stem; summed for fitting the line).
_PLATE_ACROSS = 1.0
#: Size (px) the font is drawn at before its edges are scaled to the plate's.
_PLATE_DRAW = 100


def _plate_features(gray: Any, streaks: bool = True) -> Any:
    """Edge strength of the stamping, upright and across in two channels, after each row's
    median is taken out (the brushed metal's streaks run along the rows), slightly blurred. A
    stamped character shows a dark and a bright edge whichever way the light falls, so its
    edges, not its tones, are compared (``streaks=False``: a drawn template, no streaks)."""
    import cv2
    import numpy as np

    g = np.asarray(gray, np.float32)
    if streaks:
        g = g - np.median(g, axis=1, keepdims=True)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    both = np.dstack([np.abs(gx), _PLATE_ACROSS * np.abs(gy)])
    return cv2.GaussianBlur(both, (0, 0), 1.0)


def _drawn(text: str, font: Any, pad: int, width: int) -> Any:
    """``text`` drawn white on black in ``font``, ``pad`` px from the top left, on a canvas
    ``width`` wide and as tall as the font (every cell and the line share the baseline)."""
    import numpy as np
    from PIL import Image, ImageDraw

    asc, desc = font.getmetrics()
    canvas = Image.new("L", (width, asc + desc + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad, pad), text, fill=255, font=font)
    return np.asarray(canvas, np.float32)


def _scaled_features(drawn: Any, f: float) -> Any:
    """:func:`_plate_features` of a drawn canvas scaled by ``f``."""
    import cv2

    h, w = drawn.shape
    size = (max(1, round(w * f)), max(1, round(h * f)))
    return _plate_features(cv2.resize(drawn, size, interpolation=cv2.INTER_AREA), False)


def _edge_sums(feat: Any) -> tuple[Any, Any, float]:
    """Integral images of ``feat`` and its square, and the spread below which a window
    holds no edges (for :func:`_edge_ncc`)."""
    import cv2
    import numpy as np

    one = feat.sum(axis=2) if feat.ndim == 3 else feat
    ii = cv2.integral(one, sdepth=cv2.CV_64F)
    sq = cv2.integral(np.square(one, dtype=np.float64), sdepth=cv2.CV_64F)
    return ii, sq, 1e-3 * float(np.var(one)) + 1e-9


def _edge_ncc(feat: Any, t: Any, sums: tuple[Any, Any, float] | None = None) -> Any:
    """Normalised correlation (Pearson) of template ``t`` at every place of ``feat``; places
    whose window holds (nearly) no edges at all correlate with nothing (-1), where OpenCV
    would divide by a vanishing spread."""
    import cv2
    import numpy as np

    r = cv2.matchTemplate(feat, t, cv2.TM_CCOEFF_NORMED)
    th, tw = t.shape[:2]
    ii, sq, floor = sums if sums is not None else _edge_sums(feat)

    def window(a: Any) -> Any:
        return a[th:, tw:] - a[:-th, tw:] - a[th:, :-tw] + a[:-th, :-tw]

    n = th * tw
    var = window(sq) / n - np.square(window(ii) / n)
    return np.where(var > floor, r, -1.0).astype(np.float32)


def _fit_line(feat: Any, line: Any, factors: Any,
              scaled: dict[float, Any] | None = None) -> tuple[float, float, int, int]:
    """The scale (of the drawn line) and top-left place where the line's edges correlate
    best with the plate's: (correlation, scale, x, y). ``scaled`` keeps the line's edges at
    each scale for the next call (the same line fitted in several turns)."""
    import cv2

    best = (-2.0, 0.0, 0, 0)
    feat = feat.sum(axis=2) if feat.ndim == 3 else feat  # the line is placed on all edges
    sums = _edge_sums(feat)
    kept = {} if scaled is None else scaled
    for f in factors:
        t = kept.get(float(f))
        if t is None:
            t = kept[float(f)] = _scaled_features(line, float(f)).sum(axis=2)
        if t.shape[0] >= feat.shape[0] or t.shape[1] >= feat.shape[1] or t.shape[0] < 6:
            continue
        r = _edge_ncc(feat, t, sums)
        _, mx, _, loc = cv2.minMaxLoc(r)
        if mx > best[0]:
            best = (float(mx), float(f), int(loc[0]), int(loc[1]))
    return best


def read_vin_plate(image: object, expected: str) -> tuple[str, float] | None:
    """Read the VIN stamped on a VIN-plate photo against the ``expected`` VIN.

    Returns the characters read (the best fit in each of the 17 cells, :func:`plate_cells`)
    and the largest margin by which another character fits a cell better than the expected
    one (0 when every cell fits its expected character best), or None when no stamped line
    is found.
    """
    cells = plate_cells(image, expected)
    return None if cells is None else (_plate_text(cells), plate_margin(cells, expected))


def _plate_text(cells: list[dict[str, float]]) -> str:
    return "".join(max(fits, key=lambda c: fits[c]) for fits in cells)


def plate_margin(cells: list[dict[str, float]], vin: str) -> float:
    """The largest margin by which a plate cell fits another character better than ``vin``'s
    (0 when every cell fits ``vin``'s character best)."""
    return max((max(fits.values()) - fits[ch] for fits, ch in zip(cells, vin, strict=False)
                if ch in fits), default=0.0)  # fmt: skip


def plate_cells(image: object, expected: str) -> list[dict[str, float]] | None:
    """Each cell of the VIN stamped on a VIN-plate photo, read against the ``expected`` VIN.

    The plate is found and warped flat (:func:`_rectify_plate`) and brought to a working
    width; the stamping's edges (:func:`_plate_features`) are compared with the edges of
    the expected VIN drawn in the plate's monospaced face (DejaVu Sans Mono): the line is
    fitted in size and place over the whole plate (16 right characters of 17 still fit it),
    turned a few degrees when no plate outline was found. Each of the 17 cells is then
    compared with every VIN character at its place on the fitted line, a few pixels either
    way. Returns each cell's fit (edge correlation) of every VIN character, or None when no
    stamped line is found.
    """
    import cv2
    import numpy as np
    from PIL import ImageFont

    if len(expected) != 17:
        raise DocsecError(f"a VIN has 17 characters, got {expected!r}")
    arr = np.asarray(image)
    if arr.ndim not in (2, 3) or arr.size == 0:
        raise DocsecError(f"a VIN-plate image must be 2-D or 3-D, got shape {arr.shape}")
    arr = arr.astype(np.uint8) if arr.dtype != np.uint8 else arr
    flat_plate, rectified = _rectify_plate(arr)
    gray = (cv2.cvtColor(flat_plate, cv2.COLOR_RGB2GRAY) if flat_plate.ndim == 3
            else flat_plate).astype(np.float32)  # fmt: skip
    k = _PLATE_WORK_W / gray.shape[1]
    gray = cv2.resize(gray, (_PLATE_WORK_W, max(8, round(gray.shape[0] * k))),
                      interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)
    try:
        font = ImageFont.truetype(_PLATE_FONT, _PLATE_DRAW)
    except OSError:
        return None
    pad = _PLATE_DRAW // 10
    advance = font.getlength("0")
    line = _drawn(expected, font, pad, round(advance * 17) + 2 * pad)
    # the line's size over the plate's width, searched at half scale in every turn tried
    span = _PLATE_LINE_SPAN if rectified else _PHOTO_LINE_SPAN
    lo, hi = (s * _PLATE_WORK_W / (advance * 17) for s in span)
    coarse = np.exp(np.arange(np.log(lo), np.log(hi), np.log(_PLATE_SIZE_STEP)))
    best: tuple[float, float, int, int, float] | None = None
    scaled: dict[float, Any] = {}  # the line's edges at each scale, drawn once for every turn
    for turn in _PLATE_TURNS if not rectified else (0.0,):
        g = gray
        if turn:
            h, w = gray.shape
            m = cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0)
            g = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        small = cv2.resize(g, (g.shape[1] // 2, g.shape[0] // 2), interpolation=cv2.INTER_AREA)
        fit = _fit_line(_plate_features(small), line, coarse / 2, scaled)
        if best is None or fit[0] > best[0]:
            best = (*fit, turn)
    if best is None or best[1] == 0.0:
        return None
    _, f_half, x_half, y_half, turn = best
    # refined at the working scale, turned a little about the line's centre (a plate's
    # outline found a few pixels off leaves the line tilted), within a band around it
    f0 = f_half * 2
    lh, lw = line.shape[0] * f0, line.shape[1] * f0
    centre = (2 * x_half + lw / 2, 2 * y_half + lh / 2)
    fine = f0 * np.exp(np.linspace(-np.log(_PLATE_SIZE_STEP), np.log(_PLATE_SIZE_STEP), 5))
    margin_rows = round(0.5 * lh) + 4
    top = max(0, 2 * y_half - margin_rows)
    bottom = min(gray.shape[0], 2 * y_half + round(lh * 1.1) + margin_rows)
    h, w = gray.shape
    fitted: tuple[float, float, int, int, Any] | None = None
    scaled = {}
    for tweak in _PLATE_TWEAKS:
        m = cv2.getRotationMatrix2D(centre, turn + tweak, 1.0)
        g = gray if turn + tweak == 0 else cv2.warpAffine(
            gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        feat = _plate_features(g)
        score, f, x, y = _fit_line(feat[top:bottom], line, fine, scaled)
        if f and (fitted is None or score > fitted[0]):
            fitted = (score, f, x, y + top, feat)
    if fitted is None:
        return None
    _, f, x, y, feat = fitted
    # every character's correlation at each place of a strip along the line, in one pass
    sx, sy = _PLATE_CELL_SLACK
    reach = sy + _PLATE_DRIFT
    cell_w = round(advance) + 2 * pad
    cells = {ch: _scaled_features(_drawn(ch, font, pad, cell_w), f) for ch in _VIN_CHARS}
    th, tw = next(iter(cells.values())).shape[:2]
    step = round(advance * f)
    y0 = y - reach
    # the strip spans the line, a cell more on either side and the drift, no more
    left = max(0, x - step - _PLATE_DRIFT - sx)
    strip = feat[max(0, y0) : y + th + reach,
                 left : x + 18 * step + tw + _PLATE_DRIFT + sx]  # fmt: skip
    x -= left
    if y0 < 0:
        strip = np.pad(strip, ((-y0, 0), (0, 0), (0, 0)))
    if strip.shape[0] < th or strip.shape[1] < tw:
        return None
    sums = _edge_sums(strip)
    corr = {ch: _edge_ncc(strip, t, sums) for ch, t in cells.items()}
    best_any = np.maximum.reduce(list(corr.values()))
    read: tuple[float, list[dict[str, float]]] | None = None
    for shift in _PLATE_SHIFTS:
        out = _follow_cells(corr, best_any, x + shift * step, reach, advance * f)
        total = sum(max(fits.values()) for fits in out) if out is not None else -np.inf
        if out is not None and (read is None or total > read[0]):
            read = (total, out)
    return None if read is None else read[1]


#: Whole cells the read line is moved either way from where the expected VIN's line fitted
#: (a VIN expected with a character too many or too few fits the stamping a cell off): the
#: place whose 17 cells fit characters best is read, whatever VIN was expected.
_PLATE_SHIFTS = (0, -1, 1)


def _follow_cells(corr: dict[str, Any], best_any: Any, x: int, reach: int,
                  pitch: float) -> list[dict[str, float]] | None:
    """Each of the 17 cells' fit of every VIN character, the first cell's place at ``x`` on
    the strip's line (``reach`` rows down), the cells ``pitch`` apart; None when a cell
    falls off the strip."""
    import numpy as np

    sx, sy = _PLATE_CELL_SLACK
    out: list[dict[str, float]] = []
    # the cells followed along the line: each looked for around its place on the fitted
    # line shifted as its left neighbour was found (a residual perspective or bow)
    dx = dy = 0
    for i in range(17):
        cx = x + round(i * pitch) + dx
        cy = reach + dy
        a, b = max(0, cx - sx), min(best_any.shape[1] - 1, cx + sx) + 1
        c0, c1 = max(0, cy - sy), min(best_any.shape[0] - 1, cy + sy) + 1
        if b <= a or c1 <= c0:
            return None
        out.append({ch: float(c[c0:c1, a:b].max()) for ch, c in corr.items()})
        at = np.unravel_index(int(np.argmax(best_any[c0:c1, a:b])), (c1 - c0, b - a))
        ny, nx = c0 + int(at[0]) - reach, a + int(at[1]) - (x + round(i * pitch))
        dx = int(np.clip(nx, -_PLATE_DRIFT, _PLATE_DRIFT))
        dy = int(np.clip(ny, -_PLATE_DRIFT, _PLATE_DRIFT))
    return out


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _really_differs(record: str, read: str, confidence: float) -> bool:
    """Whether a certificate value read by OCR differs from the registry's beyond what a
    misread explains: read with confidence (:data:`_SURE`), not a part of the record's
    value (a line read short), more than one character from it and not only by look-alike
    characters."""
    if confidence < _SURE or record == read or read in record or record in read:
        return False
    return edit_distance(record, read) > 1 and not _lookalike_only(record, read)


#: At most this many of a 17-character VIN's characters may be explained by confusions or
#: taken from the plate where the certificate's read lost them: more is another VIN.
_VIN_BORROW_MAX = 3
#: Resolution (pixels per inch) of field E's third read (grey, not binarised): other
#: pixels than the second read's 400 ppi binarised crop, so its errors fall elsewhere.
_THIRD_READ_DPI = 300
#: Field E is read again this far (mm) beyond its box on both sides: on photos the page's
#: registration may leave the VIN's first characters up to ~2 mm left of the box (the
#: sheet read looks for a value's first letter within 2 mm too).
_VIN_SLACK_MM = 2.0


#: The VIN plate's read counts as this many reads of field E where a lost character is placed
#: (:func:`vin_consensus`): its 17 cells are matched against every character at the
#: stamping's fixed pitch, so it neither loses nor adds characters as OCR of the
#: certificate does (two independent photos' misses: a lost J placed at the wrong spot by
#: one reading as equal as the right one, a noisy 15-character read tipping it).
_PLATE_READ_WEIGHT = 2


def vin_consensus(reads: list[str], plate: str | None = None
                  ) -> tuple[str, frozenset[int]] | None:
    """The 17-character VIN nearest to every read of field E, and the positions of it no
    read decides (a character a short read lost or a long read's character left out: a
    guess); None without a candidate.

    Candidates: each 17-character read, an 18-character read less one character, a
    16-character read with one of the reads' characters put in. The nearest has the least
    summed edit distance to all reads and to the VIN ``plate`` reads when one is given
    (weighing :data:`_PLATE_READ_WEIGHT` reads; an independent read of the same number: it
    tells where a lost character goes, never makes a candidate of its own, so a
    certificate's changed character stays as read);
    among equals, one whose check digit computes, then one with fewer guesses, then one
    equal to the most reads, then one of a known maker.

    >>> vin_consensus(["5YJ3E1CAQ9MF869082", "5Y3E1CA9MF869082"])  # one Q too many, J lost
    ('5YJ3E1CA9MF869082', frozenset({8}))
    >>> vin_consensus(["WVW2ZZZ1KZ5P613113"])  # one too many: which one is a guess (the plate's)
    ('VW2ZZZ1KZ5P613113', frozenset({0}))
    >>> vin_consensus(["1FUJ"]) is None
    True
    """
    reads = [r for r in reads if r]
    chars = sorted(set("".join(reads)) & set(_VIN_CHARS))
    cands: dict[str, frozenset[int]] = {}
    for r in reads:
        if len(r) == 17:
            cands[r] = frozenset()
        elif len(r) == 18:
            for i in range(18):
                cands.setdefault(r[:i] + r[i + 1 :], frozenset({i}))
        elif len(r) == 16:
            for i in range(17):
                for ch in chars:
                    cands.setdefault(r[:i] + ch + r[i:], frozenset({i}))
    if not cands:
        return None

    def rank(c: str) -> tuple[int, bool, int, int]:
        near = sum(edit_distance(c, r) for r in reads)
        if plate is not None:
            near += _PLATE_READ_WEIGHT * edit_distance(c, plate)
        return (near, not vin_mod11.is_valid(c), len(cands[c]), -sum(c == r for r in reads))

    ranked = sorted(cands, key=rank)
    # among equals (a character too many could be any of a run), one of a known maker
    best = next((c for c in ranked if rank(c) == rank(ranked[0]) and _maker_known(c)), ranked[0])
    return best, cands[best]


def _confusable(a: str, b: str) -> bool:
    """Whether the certificate's typeface draws ``a`` and ``b`` alike, a letter against a
    digit (Tesseract's misreads of field E: 1 as L, 0 as O or D, 5 as S...: the registry's
    look-alike classes, one side a digit or a letter no VIN holds). Where an unsure read of
    field E and the plate differ only by these, the plate's character is the certificate's
    too (a re-stamped plate changes a VIN character for another, U for V or a digit for a
    digit, which this never explains away)."""

    def misread(c: str) -> bool:
        return c.isdigit() or c not in _VIN_CHARS

    return a != b and same_class(a, b) and (misread(a) or misread(b))


def _disputed(reads: list[str], i: int, plate_char: str) -> bool:
    """Whether the 17-character reads of field E disagree at position ``i`` and one of them
    gives there the plate's character or its look-alike (B read where the plate shows 8
    and two other reads S): the certificate's character is in doubt there, and the plate
    decides it. A changed character of the certificate is read as changed by every read."""
    at = {r[i] for r in reads if len(r) == 17}
    return len(at) > 1 and any(c == plate_char or same_class(c, plate_char) for c in at)


@dataclass
class _VinEvidence:
    """The certificate's VIN as the reads of field E and the plate give it."""

    vin: str
    sure: bool
    reads: list[str]
    plate: list[dict[str, float]] | None = None
    borrowed: tuple[int, ...] = ()


def _certificate_vin(ctx: Context, first: str, confidence: float) -> _VinEvidence:
    """Field E's VIN, decided from the sheet read (``first``), field E read again on its own
    (twice at most: 400 ppi binarised, then 300 ppi grey) when that read is short, long or
    unsure and its check digit does not compute, and the VIN plate when one was supplied.

    Sure: a confident 17-character read, or two reads that give the same VIN, or a VIN
    whose check digit computes, or a plate whose stamping fits it (an independent read of
    the same number). Where the reads differ from the plate only by letter/digit
    confusions of the certificate's typeface (at most :data:`_VIN_BORROW_MAX`), the plate's
    characters are taken when the read was unsure or they make the VIN more plausible
    (its check digit computes, its maker is known); where a character the reads lost had
    to be guessed, the plate's VIN is taken when it explains the reads as well."""
    from docsec.vin.number import check_digit_required

    reads = [first]
    vin = first if len(first) == 17 else ""
    sure = bool(vin) and confidence >= _SURE
    guessed: frozenset[int] = frozenset()
    if not vin or not vin_mod11.is_valid(vin) and (not sure or check_digit_required(vin)):
        for dpi, binarise in ((_SECOND_READ_DPI, True), (_THIRD_READ_DPI, False)):
            text = _read_again(ctx, "E", _VIN_CHARS, "eng", dpi=dpi, binarise=binarise,
                               slack_mm=_VIN_SLACK_MM)
            reads.append(_vin_read(text or ""))
            found = vin_consensus(reads)
            vin, guessed = found if found is not None else ("", frozenset())
            agreeing = sum(vin == r for r in reads)
            sure = bool(vin) and (agreeing >= 2 or vin_mod11.is_valid(vin)
                                  or (vin == first and confidence >= _SURE))  # fmt: skip
            if sure:
                break
    ev = _VinEvidence(vin, sure and not guessed, reads)
    if len(vin) != 17 or ctx.vin_plate is None or ctx.vin_plate_text is not None:
        return ev
    ev.plate = plate_cells(ctx.vin_plate, vin)
    if ev.plate is None:
        return ev
    plate_vin = _plate_text(ev.plate)
    if guessed and plate_vin != vin:
        # where a character the reads lost goes, the plate's stamping tells (the plate read
        # against the guess fits whichever cell the guess's line fits best, see plate_cells)
        found = vin_consensus(reads, plate=plate_vin)
        if found is not None and found[0] != vin:
            vin, guessed = found
            ev.vin, ev.sure = vin, False
            ev.plate = plate_cells(ctx.vin_plate, vin)
            if ev.plate is None:
                return ev
            plate_vin = _plate_text(ev.plate)
    if sum(a == b for a, b in zip(plate_vin, vin, strict=True)) < _PLATE_AGREE:
        return ev  # the stamping was not found: no evidence either way
    diffs = [i for i in range(17) if plate_vin[i] != vin[i]]
    if guessed and diffs and (sum(edit_distance(plate_vin, r) for r in reads if r)
                              <= sum(edit_distance(vin, r) for r in reads if r)):
        # a character the reads lost was guessed: the plate's VIN explains the reads as
        # well as the guess does, and is read
        ev.vin, ev.borrowed, ev.sure = plate_vin, tuple(diffs), True
        return ev
    disputed = all(_disputed(reads, i, plate_vin[i]) for i in diffs)
    if not diffs or len(diffs) > _VIN_BORROW_MAX or not all(
            i in guessed or _confusable(vin[i], plate_vin[i]) or _disputed(reads, i, plate_vin[i])
            for i in diffs):  # fmt: skip
        ev.sure = ev.sure or plate_margin(ev.plate, vin) <= _PLATE_MARGIN
        return ev
    borrowed = "".join(plate_vin[i] if i in diffs else c for i, c in enumerate(vin))
    if vin_mod11.is_valid(vin) and not vin_mod11.is_valid(borrowed):
        # the read's check digit computes and the plate's characters would break it: the
        # stamping was misread there (an S for a 5 in a scan's stamped serial), not field E
        ev.sure = True
        return ev
    # a sure read gives way only to a VIN more plausible than its own (check digit, maker)
    # or where the reads of field E disagree among themselves, one siding with the plate
    if not ev.sure or disputed or (
            vin_mod11.is_valid(borrowed) and not vin_mod11.is_valid(vin)) or (
            _maker_known(borrowed) and not _maker_known(vin)):
        ev.vin, ev.borrowed, ev.sure = borrowed, tuple(diffs), True
    else:
        ev.sure = ev.sure or plate_margin(ev.plate, vin) <= _PLATE_MARGIN
    return ev


def _maker_known(vin: str) -> bool:
    """Whether the VIN's world manufacturer identifier (WMI) is in the table."""
    from docsec.vin.decode import decode

    try:
        return decode(vin).manufacturer is not None
    except DocsecError:
        return False


def _makes_of(vin: str) -> set[str]:
    """The makes and the manufacturer the VIN's WMI names, in capitals (empty when unknown)."""
    from docsec.vin.decode import decode

    try:
        decoded = decode(vin)
    except DocsecError:
        return set()
    makes = {m.upper() for m in decoded.makes}
    if decoded.manufacturer:
        makes.add(decoded.manufacturer.upper())
    return makes


def _wmi_by_make(vin: str, make: str) -> str | None:
    """``vin`` with look-alike characters read for its world manufacturer identifier
    (positions 1-3: S for 5, O for 0, B for 8...: :func:`_confusable`) put back so that it
    names the certificate's make (field D.1), when the VIN as read names no known maker and
    exactly one such variant names that make; None otherwise. A 5 read S in a North
    American WMI (5YJ) made the VIN foreign, its check digit optional: a bad check digit
    passed when field E and the plate both read S.

    >>> _wmi_by_make("SYJ3E1EA7KF331111", "TESLA"), _wmi_by_make("5YJ3E1EA7KF331111", "TESLA")
    ('5YJ3E1EA7KF331111', None)
    """
    if not make or _makes_of(vin):
        return None
    options = [[vin[i]] + [c for c in _VIN_CHARS if _confusable(vin[i], c)] for i in range(3)]
    found = {a + b + c + vin[3:] for a in options[0] for b in options[1] for c in options[2]}
    found = {v for v in found - {vin}
             if any(make in m or m in make for m in _makes_of(v))}  # fmt: skip
    return found.pop() if len(found) == 1 else None


def _plate_fails_check_digit(cells: list[dict[str, float]] | None, vin: str) -> bool:
    """Whether the plate gives ``vin``'s check character surely and a VIN that fails its
    check digit whichever character each cell may hold (any fitting within
    :data:`_PLATE_MARGIN` of its best): an unsure read of field E whose check digit fails is
    then confirmed by the vehicle itself (a photographed certificate's 3 read as Z had
    turned a bad check digit, stamped alike on the plate, into a warning)."""
    if cells is None or len(cells) != 17:
        return False
    options = [[c for c, v in fits.items() if v >= max(fits.values()) - _PLATE_MARGIN]
               for fits in cells]  # fmt: skip
    if options[8] != [vin[8]] or math.prod(len(o) for o in options) > _PLATE_OPTIONS_MAX:
        return False
    return not any(vin_mod11.is_valid("".join(p)) for p in itertools.product(*options))


def vehicle_findings(ctx: Context) -> list[Finding]:
    """VIN check digit, model year, registry, plate and record against the certificate."""
    if ctx.model.kind != "vehicle_registration":
        return [make_finding(cid, Status.NOT_APPLICABLE, "not a vehicle document.",
                             "это не документ на транспортное средство.")
                for cid in ("feature.vin_plate.matches_certificate",
                            "feature.vin_record.matches_certificate")]  # fmt: skip
    from docsec.vin import check

    cert = _cert(ctx)
    white = ctx.views.get("white")
    out: list[Finding] = []
    first, confidence = cert.get("E", ("", 0.0))
    ev = _certificate_vin(ctx, _vin_read(first), confidence)
    make = cert.get("D.1", ("", 0.0))[0].upper()
    wmi_fixed: tuple[int, ...] = ()
    if len(ev.vin) == 17 and (named := _wmi_by_make(ev.vin, make)) is not None:
        # the certificate's make names the maker a look-alike of the WMI read belongs to
        wmi_fixed = tuple(i for i in range(3) if named[i] != ev.vin[i])
        ev.vin = named
        if ev.plate is not None:
            # the plate's cells there read the same look-alike: they are not compared
            ev.plate = [dict(c, **{named[i]: max(c.values())}) if i in wmi_fixed else c
                        for i, c in enumerate(ev.plate)]  # fmt: skip
    vin = ev.vin
    e_box = ctx.model.field("E").box_mm
    if len(vin) != 17:
        out.append(make_finding("vin.check_digit", Status.ERROR,
                                "the VIN (field E) could not be read on the certificate.",
                                "VIN (поле E) в свидетельстве не прочитан.", view=white,
                                box_mm=e_box, found=vin or None))  # fmt: skip
        return out
    result = check(vin, registry=ctx.registry, reference_year=ctx.reference_date.year)
    hits = list(result.registry.hits) if result.registry is not None else []
    plate_vin = _plate_text(ev.plate) if ev.plate is not None else None
    if (ctx.registry is not None and plate_vin is not None and plate_vin != vin
            and sum(a == b for a, b in zip(plate_vin, vin, strict=True)) >= _PLATE_AGREE):
        # the VIN stamped on the vehicle is searched too: a plate on the list is a hit
        hits += [h for h in ctx.registry.search(vin=plate_vin, fuzzy=False).hits
                 if h.match == "exact"]  # fmt: skip

    def confirmed(h: Any) -> bool:
        # a look-alike record is this vehicle's when a read of field E gives it or the
        # plate's stamping fits it
        v = h.record.vin
        return h.match == "exact" or (h.match == "lookalike" and (
            v in ev.reads or (ev.plate is not None and plate_margin(ev.plate, v) <= _PLATE_MARGIN)))

    exact = [h for h in hits if confirmed(h)]
    for f in result.findings:
        if f.id == "vehicle.stolen" and exact:
            rec = exact[0].record
            out.append(make_finding(
                f.id, Status.FAIL,
                f"The VIN is on the stolen-vehicle list ({rec.status}, reported by "
                f"{rec.reporting_country} on {rec.date_reported.isoformat()}): hold the vehicle "
                "and confirm with the reporting country.",
                f"VIN в списке угнанных ТС ({rec.status}, {rec.reporting_country}, "
                f"{rec.date_reported.isoformat()}): задержать ТС и запросить подтверждение.",
                view=white, box_mm=e_box, field_name="E", found=rec.vin))
            continue
        if f.id in ("vin.check_digit", "vin.model_year", "vehicle.stolen", "vin.wmi"):
            ru = {"vin.check_digit": "контрольный знак VIN (позиция 9)",
                  "vin.model_year": "модельный год VIN (позиция 10)",
                  "vehicle.stolen": "розыск по реестру угнанных ТС",
                  "vin.wmi": "код изготовителя (WMI)"}[f.id]
            status, message = f.status, f.message
            if (f.id == "vin.check_digit" and status == Status.FAIL and not ev.sure
                    and _plate_fails_check_digit(ev.plate, vin)):
                message = (f"{message}; field E was read with low confidence, but the VIN "
                           "plate reads surely and its VIN fails the check digit the same way")
            elif f.id == "vin.check_digit" and status == Status.FAIL and not ev.sure:
                status = Status.WARN
                message = (f"{message}; but field E was read with low confidence and no "
                           "second read or plate confirms it: compare the VIN with the plate "
                           "by eye")
            elif f.id == "vin.model_year" and status == Status.WARN:
                # the year may not be encoded and the certificate states none to compare
                status = Status.NOT_APPLICABLE
                message = f"{message} (not judged: the certificate states no model year)"
            out.append(make_finding(f.id, status, message, f"{ru}: {status.value}",
                                    view=white, box_mm=e_box, field_name="E",
                                    expected=f.expected, found=f.found,
                                    positions=f.positions))  # fmt: skip
    # make and model year on the certificate against what the VIN says
    decoded = result.decoded
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
    cid = "feature.vin_plate.matches_certificate"
    if ctx.vin_plate_text is not None:
        typed = _vin_text(ctx.vin_plate_text)
        plate_read: tuple[str, float] | None = (typed, 0.0 if typed == vin else 1.0)
    elif ev.plate is not None:
        plate_read = (_plate_text(ev.plate), plate_margin(ev.plate, vin))
    else:
        plate_read = None
    if ctx.vin_plate is None and ctx.vin_plate_text is None:
        out.append(make_finding(cid, Status.NOT_APPLICABLE, "needs view vin_plate.",
                                "нужен снимок таблички VIN.", view_name="vin_plate"))
    elif plate_read is None:
        out.append(make_finding(cid, Status.ERROR, "the VIN plate could not be read.",
                                "табличка VIN не читается.", view_name="vin_plate"))
    else:
        plate_vin_read, plate_margin_ = plate_read
        agree = sum(a == b for a, b in zip(plate_vin_read, vin, strict=False))
        same = plate_margin_ <= _PLATE_MARGIN
        borrowed = (f" (field E's characters {', '.join(str(i + 1) for i in ev.borrowed)} "
                    "read unsurely, taken as the plate's)") if ev.borrowed else ""  # fmt: skip
        if ctx.vin_plate_text is None and agree < _PLATE_AGREE:
            out.append(make_finding(
                cid, Status.ERROR,
                f"The VIN plate could not be read reliably (read {plate_vin_read}): compare it "
                "with field E by eye.",
                f"Табличка VIN читается ненадёжно ({plate_vin_read}): сверьте её с полем E "
                "визуально.", view_name="vin_plate", expected=vin, found=plate_vin_read,
                score=float(agree), threshold=float(_PLATE_AGREE)))
        else:
            unlike = any(a != b and not any(a in g and b in g for g in _PLATE_LOOKALIKE)
                         for a, b in zip(plate_vin_read, vin, strict=False))
            sure = (ctx.vin_plate_text is not None or plate_margin_ > _PLATE_SURE
                    or (unlike and not same))
            status = Status.PASS if same else Status.FAIL if sure else Status.WARN
            out.append(make_finding(
                cid, status,
                f"The VIN plate equals field E{borrowed}." if same else
                f"The VIN plate reads {plate_vin_read}, the certificate says {vin}"
                + ("." if sure else ": compare them by eye."),
                "VIN на табличке совпадает с полем E." if same else
                f"На табличке VIN {plate_vin_read}, в свидетельстве {vin}"
                + ("." if sure else ": сверьте визуально."),
                view_name="vin_plate", expected=vin, found=plate_vin_read, score=plate_margin_,
                threshold=_PLATE_SURE if not same and not unlike else _PLATE_MARGIN))
    # the registry's record against the certificate (a legal twin elsewhere: cloned VIN)
    cid = "feature.vin_record.matches_certificate"
    hits = exact
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
        plate_conf = cert.get("A", ("", 0.0))[1]
        colour_conf = cert.get("R", ("", 0.0))[1]
        if rec.plate and plate and _really_differs(_vin_text(rec.plate), plate, plate_conf):
            diffs.append(f"plate {rec.plate} vs {cert['A'][0]}")
        if rec.colour and colour and _really_differs(rec.colour.upper(), colour, colour_conf):
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


def mrz_only_findings(parsed: Any) -> list[Finding]:
    """The MRZ rules and the issuer rule of an MRZ read on a page of no known model (a
    fantasy design, say): the features cannot be compared, the data still can."""
    out = [make_finding(f.id, f.status, f.message, f"{_MRZ_RU[f.status.value]}: {f.id}",
                        field_name=f.field, expected=f.expected, found=f.found,
                        positions=f.positions, view_name="white")
           for f in parsed.findings]  # fmt: skip
    f = parsed.finding("mrz.issuing_state")
    code = parsed.fields["issuing_state"].value if "issuing_state" in parsed.fields else "?"
    bad = f is not None and f.status == Status.FAIL
    out.append(make_finding(
        "feature.issuer.known", Status.FAIL if bad else Status.PASS,
        f"Issuing state {code} belongs to no state: a fantasy document." if bad else
        f"Issuing state {code} is known.",
        f"Код государства {code} никому не принадлежит: фантазийный документ." if bad else
        f"Государство выдачи {code} известно.", found=str(code), view_name="white"))
    out.append(make_finding(
        "document.model", Status.ERROR,
        "The page is of no known document model: its security features cannot be compared "
        "with a reference; only the machine-readable data was checked.",
        "Бланк не соответствует ни одной известной модели: защитные элементы сравнить не с "
        "чем, проверены только данные МСЗ.", view_name="white"))
    return out


_ALERT_EN = {
    "lost": "reported lost",
    "stolen": "reported stolen",
    "stolen_blank": "listed as a stolen blank",
    "revoked_fraud": "revoked as obtained by fraud",
    "invalidated": "invalidated by its issuer",
}
_ALERT_RU = {
    "lost": "заявлен как утраченный",
    "stolen": "заявлен как похищенный",
    "stolen_blank": "числится как похищенный незаполненный бланк",
    "revoked_fraud": "аннулирован как полученный по подложным документам",
    "invalidated": "признан недействительным органом выдачи",
}


def _number_and_state(ctx: Context) -> tuple[str, str, str] | None:
    """(document number, issuing state, where they were read) of the document."""
    if ctx.mrz is not None:
        num = ctx.mrz.fields.get("document_number")
        state = ctx.mrz.fields.get("issuing_state")
        if num is not None and num.value and state is not None and state.value:
            return str(num.value), str(state.value), "MRZ"
    unsure: str | None = None
    for reading in ctx.readings.values():
        vf = (reading.viz or {}).get("document_number")
        if vf is not None and vf.value.strip():
            if vf.confidence >= _SURE:
                return vf.value, ctx.model.issuer, "visual zone"
            unsure = vf.value
    if unsure is not None:
        # an unsure read is read again on its own; the list is searched with look-alikes
        again = _read_again(ctx, "document_number", _NUMBER_CHARS, "eng")
        number = (again or unsure).replace(" ", "").upper()
        return number, ctx.model.issuer, "visual zone, read with low confidence"
    return None


def document_alert(ctx: Context) -> Finding:
    """The issuing state and document number looked up in the document alert list (lost,
    stolen, revoked documents): an exact hit fails, a look-alike hit (the numbers differ only
    by O/0, I/1, S/5...) warns; a hit is a lead for the second line to confirm with the
    issuing state. Not applicable when no list was given."""
    cid = "document.alert"
    if ctx.alerts is None:
        return make_finding(cid, Status.NOT_APPLICABLE, "not checked: no list was given.",
                            "не проверено: список утраченных и похищенных документов не "
                            "подключён.", view_name="alerts")  # fmt: skip
    found = _number_and_state(ctx)
    if found is None:
        return make_finding(cid, Status.ERROR,
                            "not checked: the document number could not be read.",
                            "не проверено: номер документа не прочитан.", view_name="alerts")
    number, state, where = found
    hits = ctx.alerts.lookup(state, number, reference_date=ctx.reference_date)
    if not hits:
        return make_finding(cid, Status.PASS,
                            f"Document {state} {number} is not on the alert list "
                            f"({len(ctx.alerts)} records).",
                            f"Документ {state} {number} в списке утраченных и похищенных "
                            f"документов не значится ({len(ctx.alerts)} записей).",
                            view_name="alerts", found=number, score=0.0, threshold=0.0)
    hit = hits[0]
    rec = hit.record
    ref = f", case {rec.case_ref}" if rec.case_ref else ""
    ref_ru = f", дело {rec.case_ref}" if rec.case_ref else ""
    # a number read with low confidence is a lead to compare, never a failure on its own
    exact = hit.match == "exact" and "low confidence" not in where
    en_what = _ALERT_EN.get(rec.status, rec.status)
    ru_what = _ALERT_RU.get(rec.status, rec.status)
    if exact:
        en = (f"Document {state} {number} ({where}) is on the alert list: {en_what} on "
              f"{rec.date_reported.isoformat()}{ref}. A hit is a lead, not proof: refer the "
              "document to the second line, which confirms the listing with the issuing "
              "state before anything is done.")
        ru = (f"Документ {state} {number} ({'МСЗ' if where == 'MRZ' else 'визуальная зона'}) "
              f"значится в розыскном списке: {ru_what} {rec.date_reported.isoformat()}{ref_ru}. "
              "Совпадение является основанием для проверки, а не доказательством: направить "
              "документ на вторую линию контроля для подтверждения у государства выдачи.")
    else:
        en = (f"Document {state} {number} is a look-alike of listed number "
              f"{rec.document_number} ({en_what} on {rec.date_reported.isoformat()}{ref}): "
              "compare the numbers character by character and confirm with the issuing "
              "state.")
        ru = (f"Номер документа {state} {number} схож с номером {rec.document_number} из "
              f"розыскного списка ({ru_what} {rec.date_reported.isoformat()}{ref_ru}): сверьте "
              "номера посимвольно и запросите подтверждение у государства выдачи.")
    box = None
    view = None
    if where == "MRZ" and ctx.model.mrz is not None:
        box = ctx.model.mrz.box_mm
        view = ctx.views.get("white" if ctx.model.mrz.side == "front" else "white_back")
    else:
        try:
            f = ctx.model.field("document_number")
            box = f.box_mm
            view = ctx.views.get("white" if f.side == "front" else "white_back")
        except DocsecError:
            box = None
    return make_finding(cid, Status.FAIL if exact else Status.WARN, en, ru, view=view,
                        view_name=None if view is not None else "alerts", box_mm=box,
                        field_name="document_number", expected=rec.document_number,
                        found=number, score=1.0 if exact else 0.5, threshold=0.0)


def data_findings(ctx: Context) -> list[Finding]:
    """Every data rule that applies to the document."""
    out = _mrz_findings(ctx)
    if ctx.model.mrz is not None:
        out.append(viz_mrz_match(ctx))
        out.append(issuer_known(ctx))
    if ctx.model.mrz is not None or any(f.name == "document_number" for f in ctx.model.fields):
        out.append(document_alert(ctx))
    out.extend(vehicle_findings(ctx))
    return out
