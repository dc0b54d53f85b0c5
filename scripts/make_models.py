"""Rebuild the document models in ``docsec/models/data/`` (one JSON file per model).

The JSON files are the source of truth that :mod:`docsec.models` loads; this script only
saves typing the shared geometry of the fictional designs. Run it from the repository root::

    .venv/bin/python scripts/make_models.py

Geometry is in millimetres from the top-left corner of each side; sizes follow ICAO Doc 9303
Part 4 (TD3 125 x 88 mm), Part 5 (TD1 85.6 x 54 mm), Part 6 (TD2 105 x 74 mm) and Part 7
(MRV-A 120 x 80 mm); the vehicle certificate follows the field codes of Council Directive
1999/37/EC (A, B, C.1, D.1, D.3, E, ...), on a fictional design.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "docsec" / "models" / "data"

Box = list[float]

INKS: dict[str, dict[str, Any]] = {
    # How each ink looks in each light: RGB in white light, darkness (0..1) in IR and UV,
    # shadow in transmitted light (ICAO 9303-2 / DOMAIN.md §2.3 row 4 "B900").
    "carbon": {"white": [22, 22, 30], "ir": 0.92, "uv": 0.55, "transmitted": 0.22},
    "dye": {"white": [28, 34, 88], "ir": 0.0, "uv": 0.5, "transmitted": 0.18},
    "label": {"white": [70, 60, 110], "ir": 0.0, "uv": 0.35, "transmitted": 0.10},
}

FEATURE_VIEWS: dict[str, dict[str, str]] = {
    "uv_dull_substrate": {"uv365": "dull", "white": "paper"},
    "uv_fibres": {"uv365": "fluoresce", "white": "invisible"},
    "uv_emblem": {"uv365": "fluoresce", "white": "invisible"},
    "ir_mrz": {"ir": "dark", "white": "dark"},
    "ir_fields": {"ir": "dark", "white": "dark"},
    "guilloche": {"white": "fine_lines", "ir": "invisible"},
    "microprint": {"white": "sharp_text", "ir": "invisible"},
    "rainbow": {"white": "smooth_gradient", "ir": "invisible"},
    "watermark": {"transmitted": "multitone", "white": "invisible"},
    "security_thread": {"transmitted": "dark_band", "uv365": "fluoresce", "white": "invisible"},
    "ghost_image": {"white": "faint", "uv365": "fluoresce", "ir": "invisible"},
    "hologram": {"tilt": "dynamic", "white": "frame_0"},
    "ovi": {"white": "hue_a", "tilt": "hue_b"},
    "laser_perforation": {"transmitted": "bright_holes", "white": "dots"},
    "latent_image": {"tilt_2": "visible", "white": "invisible"},
    "mrz_font": {"white": "ocr_b"},
    "viz_font": {"white": "sans"},
    "portrait": {"white": "colour", "ir": "gray", "uv365": "dim"},
}


def feature(fid: str, kind: str, side: str, box: Box, **params: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "kind": kind,
        "side": side,
        "box_mm": box,
        "views": FEATURE_VIEWS[kind],
        "params": params,
    }


def field(
    name: str,
    label: str,
    side: str,
    box: Box,
    *,
    script: str = "latin",
    ink: str = "carbon",
    font: str = "sans",
    size_mm: float = 2.6,
) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "side": side,
        "box_mm": box,
        "font": font,
        "script": script,
        "ink": ink,
        "size_mm": size_mm,
    }


def td3(
    model_id: str, issuer: str, name: str, palette: dict[str, Any], cyr: bool,
    layout: str = "uto",
) -> dict[str, Any]:
    """A TD3 data page (ICAO 9303-4: 125 x 88 mm, the MRZ in its fixed zone at the bottom)
    in one of the issuers' own layouts (``uto``, ``zza``, ``xzf``)."""
    s = "cyrillic" if cyr else "latin"
    lab = _labels_ru if cyr else _labels_en
    fields, feats, titles, portrait = _TD3_LAYOUTS[layout](lab, s, issuer, name)
    return {
        "id": model_id,
        "issuer": issuer,
        "issuer_name": name,
        "kind": "passport_td3",
        "format": "TD3",
        "document_code": "P",
        "size_mm": [125, 88],
        "sides": ["front"],
        "script": s,
        "date_style": "dmy_dots" if cyr else "dd_mon_yyyy",
        "validity_years": 10,
        "number_prefix": palette["number_prefix"],
        "titles": [{"side": "front", "text": palette["title"] if t is None else t,
                    "xy_mm": xy, "size_mm": size} for t, xy, size in titles],
        "fields": fields,
        "mrz": {"side": "front", "box_mm": TD3_MRZ},
        "portrait": {"side": "front", "box_mm": portrait},
        "features": feats,
        "palette": palette,
        "inks": INKS,
    }


#: The MRZ zone of a TD3 data page (ICAO 9303-4: two lines at the bottom edge): every TD3
#: layout keeps it.
TD3_MRZ: Box = [4, 67, 117, 17]

Layout = tuple[list[dict[str, Any]], list[dict[str, Any]],
               list[tuple[str | None, list[float], float]], Box]


def _td3_uto(lab: Any, s: str, issuer: str, name: str) -> Layout:
    """Utopia: portrait on the left under the perforated number, one column of data beside a
    vertical thread, ghost image and watermark on the right; title over the data."""
    row = [12.0, 18.5, 25.0, 31.5, 38.0, 44.5, 51.0, 57.5]
    fields = [
        field("document_code", lab("Type"), "front", [41, row[0], 10, 6]),
        field("issuing_state", lab("Code"), "front", [54, row[0], 14, 6]),
        field("document_number", lab("Passport No."), "front", [72, row[0], 26, 6]),
        field("surname", lab("Surname"), "front", [41, row[1], 55, 6], script=s),
        field("given_names", lab("Given names"), "front", [41, row[2], 55, 6], script=s),
        field("nationality", lab("Nationality"), "front", [41, row[3], 40, 6], script=s),
        field("date_of_birth", lab("Date of birth"), "front", [41, row[4], 28, 6]),
        field("sex", lab("Sex"), "front", [72, row[4], 10, 6]),
        field("place_of_birth", lab("Place of birth"), "front", [41, row[5], 40, 6], script=s,
              ink="dye"),
        field("date_of_issue", lab("Date of issue"), "front", [41, row[6], 28, 6], ink="dye"),
        field("authority", lab("Authority"), "front", [72, row[6], 26, 6], script=s, ink="dye"),
        field("date_of_expiry", lab("Date of expiry"), "front", [41, row[7], 28, 6]),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 125, 88]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 125, 88], count=70),
        feature("uv_emblem", "uv_emblem", "front", [50, 16, 40, 40]),
        feature("ir_mrz", "ir_mrz", "front", TD3_MRZ),
        feature("ir_fields", "ir_fields", "front", [41, 12, 57, 52]),
        feature("guilloche", "guilloche", "front", [40, 10, 85, 54]),
        feature("microprint", "microprint", "front", [5, 64.3, 115, 1.4], text=name.upper(),
                height_mm=0.25),
        feature("rainbow", "rainbow", "front", [0, 0, 125, 66]),
        feature("watermark", "watermark", "front", [100, 10, 18, 22]),
        feature("security_thread", "security_thread", "front", [38.6, 0, 1.4, 66], text=issuer),
        feature("ghost_image", "ghost_image", "front", [100, 34, 18, 22]),
        feature("hologram", "hologram", "front", [25, 45, 14, 13], frames=3),
        feature("ovi", "ovi", "front", [84, 38, 12, 12]),
        feature("laser_perforation", "laser_perforation", "front", [5, 4, 32, 7]),
        feature("latent_image", "latent_image", "front", [100, 57, 18, 6], text=issuer),
        feature("mrz_font", "mrz_font", "front", TD3_MRZ),
        feature("viz_font", "viz_font", "front", [41, 12, 57, 52]),
    ]
    return fields, feats, [(None, [41, 3.2], 3.4)], [5, 14, 32, 42]


def _td3_zza(lab: Any, s: str, issuer: str, name: str) -> Layout:
    """Zandaria: a full-size portrait (35 x 45 mm) on the left from the top with the hologram
    over its lower corner and the perforated number under it; the title across the whole
    page with a microprint line under it; the data in a two-column grid (number first, the
    dates paired); OVI, ghost image and watermark in a right-hand column; the thread near
    the right edge; a larger UV emblem over the lower data."""
    row = [10.5, 17.0, 23.5, 30.0, 36.5, 43.0, 49.5]
    fields = [
        field("document_code", lab("Type"), "front", [44, row[0], 10, 6]),
        field("issuing_state", lab("Code"), "front", [56, row[0], 13, 6]),
        field("document_number", lab("Passport No."), "front", [71, row[0], 29, 6]),
        field("surname", lab("Surname"), "front", [44, row[1], 56, 6], script=s),
        field("given_names", lab("Given names"), "front", [44, row[2], 56, 6], script=s),
        field("nationality", lab("Nationality"), "front", [44, row[3], 34, 6], script=s),
        field("sex", lab("Sex"), "front", [80, row[3], 12, 6]),
        field("date_of_birth", lab("Date of birth"), "front", [44, row[4], 27, 6]),
        field("place_of_birth", lab("Place of birth"), "front", [73, row[4], 27, 6], script=s,
              ink="dye"),
        field("date_of_issue", lab("Date of issue"), "front", [44, row[5], 27, 6], ink="dye"),
        field("date_of_expiry", lab("Date of expiry"), "front", [73, row[5], 27, 6]),
        field("authority", lab("Authority"), "front", [44, row[6], 56, 6], script=s, ink="dye"),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 125, 88]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 125, 88], count=90),
        feature("uv_emblem", "uv_emblem", "front", [62, 20, 44, 44]),
        feature("ir_mrz", "ir_mrz", "front", TD3_MRZ),
        feature("ir_fields", "ir_fields", "front", [44, 10.5, 56, 45]),
        feature("guilloche", "guilloche", "front", [42, 9.6, 83, 56]),
        feature("microprint", "microprint", "front", [5, 8.6, 115, 0.9], text=name.upper(),
                height_mm=0.22),
        feature("rainbow", "rainbow", "front", [0, 0, 125, 66]),
        feature("watermark", "watermark", "front", [103, 50.5, 17, 14]),
        feature("security_thread", "security_thread", "front", [122.2, 0, 1.2, 66],
                text=issuer),
        feature("ghost_image", "ghost_image", "front", [103, 27.5, 17, 22]),
        feature("hologram", "hologram", "front", [2, 41.5, 13, 13], frames=3),
        feature("ovi", "ovi", "front", [104, 10.5, 15, 15]),
        feature("laser_perforation", "laser_perforation", "front", [5, 57, 35, 7]),
        feature("latent_image", "latent_image", "front", [72, 57, 28, 6.5], text=issuer),
        feature("mrz_font", "mrz_font", "front", TD3_MRZ),
        feature("viz_font", "viz_font", "front", [44, 10.5, 56, 45]),
    ]
    return fields, feats, [(None, [5, 2.4], 3.8)], [5, 10.5, 35, 45]


def _td3_xzf(lab: Any, s: str, issuer: str, name: str) -> Layout:
    """The fantasy "world passport": its own design, not an issuer's: the portrait on the
    right, the data on the left in a grid, the ghost image at the top of the data, a coarse
    net guilloche over the whole left part (under the MRZ too, in an ink that IR does not
    see) and a page-wide diagonal rainbow; no perforation, thread, OVI or latent image."""
    row = [11.0, 17.5, 24.0, 30.5, 37.0, 43.5, 50.0]
    fields = [
        field("document_code", lab("Type"), "front", [6, row[0], 10, 6]),
        field("issuing_state", lab("Code"), "front", [18, row[0], 14, 6]),
        field("document_number", lab("Passport No."), "front", [34, row[0], 30, 6]),
        field("surname", lab("Surname"), "front", [6, row[1], 58, 6], script=s),
        field("given_names", lab("Given names"), "front", [6, row[2], 58, 6], script=s),
        field("nationality", lab("Nationality"), "front", [6, row[3], 34, 6], script=s),
        field("sex", lab("Sex"), "front", [42, row[3], 10, 6]),
        field("date_of_birth", lab("Date of birth"), "front", [54, row[3], 28, 6]),
        field("place_of_birth", lab("Place of birth"), "front", [6, row[4], 46, 6], script=s,
              ink="dye"),
        field("date_of_issue", lab("Date of issue"), "front", [6, row[5], 28, 6], ink="dye"),
        field("date_of_expiry", lab("Date of expiry"), "front", [36, row[5], 28, 6]),
        field("authority", lab("Authority"), "front", [6, row[6], 60, 6], script=s, ink="dye"),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 125, 88]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 125, 88], count=60),
        feature("uv_emblem", "uv_emblem", "front", [16, 12, 46, 46]),
        feature("ir_mrz", "ir_mrz", "front", TD3_MRZ),
        feature("ir_fields", "ir_fields", "front", [6, 11, 76, 45]),
        feature("guilloche", "guilloche", "front", [0, 0, 84, 88]),
        feature("microprint", "microprint", "front", [6, 63.2, 113, 1.2], text=name.upper(),
                height_mm=0.3),
        feature("rainbow", "rainbow", "front", [0, 0, 125, 88]),
        feature("watermark", "watermark", "front", [66, 56, 18, 7]),
        feature("ghost_image", "ghost_image", "front", [67, 10, 16, 20]),
        feature("hologram", "hologram", "front", [80, 44, 13, 13], frames=3),
        feature("mrz_font", "mrz_font", "front", TD3_MRZ),
        feature("viz_font", "viz_font", "front", [6, 11, 76, 45]),
    ]
    return fields, feats, [(None, [8, 2.8], 3.6)], [86, 12, 33, 42]


_TD3_LAYOUTS = {"uto": _td3_uto, "zza": _td3_zza, "xzf": _td3_xzf}


def _labels_en(text: str) -> str:
    fr = {
        "Type": "Type", "Code": "Code", "Passport No.": "N° du passeport", "Surname": "Nom",
        "Given names": "Prénoms", "Nationality": "Nationalité",
        "Date of birth": "Date de naissance",
        "Sex": "Sexe", "Place of birth": "Lieu de naissance", "Date of issue": "Date de délivrance",
        "Authority": "Autorité", "Date of expiry": "Date d'expiration", "Address": "Adresse",
        "Document No.": "N° du document", "Valid until": "Valable jusqu'au",
        "Number of entries": "Nombre d'entrées", "Place of issue": "Lieu de délivrance",
        "Remarks": "Remarques", "Valid from": "Valable du", "Duration": "Durée",
    }
    return f"{text} / {fr[text]}"


def _labels_ru(text: str) -> str:
    ru = {
        "Type": "Тип", "Code": "Код", "Passport No.": "Номер паспорта", "Surname": "Фамилия",
        "Given names": "Имя", "Nationality": "Гражданство", "Date of birth": "Дата рождения",
        "Sex": "Пол", "Place of birth": "Место рождения", "Date of issue": "Дата выдачи",
        "Authority": "Орган, выдавший документ", "Date of expiry": "Дата окончания срока",
        "Address": "Адрес", "Document No.": "Номер документа",
    }
    return f"{ru[text]} / {text}"


def td1(
    model_id: str, issuer: str, name: str, palette: dict[str, Any], layout: str = "uto"
) -> dict[str, Any]:
    """A TD1 card (ICAO 9303-5: 85.6 x 54 mm, the three-line MRZ on the back) in one of the
    issuers' own layouts (``uto``, ``zzb``)."""
    fields, feats, title, portrait = _TD1_LAYOUTS[layout](_labels_en, issuer, name)
    return {
        "id": model_id,
        "issuer": issuer,
        "issuer_name": name,
        "kind": "id_td1",
        "format": "TD1",
        "document_code": "ID",
        "size_mm": [85.6, 54],
        "sides": ["front", "back"],
        "script": "latin",
        "date_style": "dd_mon_yyyy",
        "validity_years": 10,
        "number_prefix": palette["number_prefix"],
        "titles": [{"side": "front", "text": palette["title"], "xy_mm": title[0],
                    "size_mm": title[1]}],
        "fields": fields,
        "mrz": {"side": "back", "box_mm": TD1_MRZ},
        "portrait": {"side": "front", "box_mm": portrait},
        "features": feats,
        "palette": palette,
        "inks": INKS,
    }


#: The MRZ zone of a TD1 card (ICAO 9303-5: three lines at the bottom of the back).
TD1_MRZ: Box = [3, 33.5, 80, 18]

CardLayout = tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[list[float], float], Box]


def _td1_uto(lab: Any, issuer: str, name: str) -> CardLayout:
    """Utopia: portrait top left, one column of data, ghost image and OVI on the right;
    on the back the issue data on the left and the UV emblem on the right."""
    fields = [
        field("surname", lab("Surname"), "front", [27, 9, 42, 5.2], size_mm=2.3),
        field("given_names", lab("Given names"), "front", [27, 14.5, 42, 5.2], size_mm=2.3),
        field("sex", lab("Sex"), "front", [27, 20, 10, 5.2], size_mm=2.3),
        field("nationality", lab("Nationality"), "front", [39, 20, 30, 5.2], size_mm=2.3),
        field("date_of_birth", lab("Date of birth"), "front", [27, 25.5, 30, 5.2], size_mm=2.3),
        field("document_number", lab("Document No."), "front", [27, 31, 30, 5.2], size_mm=2.3),
        field("date_of_expiry", lab("Date of expiry"), "front", [27, 36.5, 30, 5.2], size_mm=2.3),
        field("date_of_issue", lab("Date of issue"), "back", [4, 4, 30, 5.2], size_mm=2.3,
              ink="dye"),
        field("authority", lab("Authority"), "back", [4, 10, 45, 5.2], size_mm=2.3, ink="dye"),
        field("address", lab("Address"), "back", [4, 16, 60, 5.2], size_mm=2.3, ink="dye"),
        field("place_of_birth", lab("Place of birth"), "back", [4, 22, 45, 5.2], size_mm=2.3,
              ink="dye"),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 85.6, 54]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 85.6, 54], count=35),
        feature("uv_emblem", "uv_emblem", "front", [30, 8, 34, 34]),
        feature("ir_fields", "ir_fields", "front", [27, 9, 42, 33]),
        feature("guilloche", "guilloche", "front", [26, 7, 58, 40]),
        feature("microprint", "microprint", "front", [3, 47.5, 80, 1.1], text=name.upper(),
                height_mm=0.25),
        feature("rainbow", "rainbow", "front", [0, 0, 85.6, 54]),
        feature("ghost_image", "ghost_image", "front", [71, 27, 11, 14]),
        feature("hologram", "hologram", "front", [16, 32, 12, 10], frames=3),
        feature("ovi", "ovi", "front", [71, 9, 11, 11]),
        feature("latent_image", "latent_image", "front", [58, 42, 14, 4.5], text=issuer),
        feature("viz_font", "viz_font", "front", [27, 9, 42, 33]),
        feature("uv_substrate_back", "uv_dull_substrate", "back", [0, 0, 85.6, 54]),
        feature("uv_emblem_back", "uv_emblem", "back", [56, 4, 26, 26]),
        feature("guilloche_back", "guilloche", "back", [0, 0, 85.6, 32]),
        feature("rainbow_back", "rainbow", "back", [0, 0, 85.6, 32]),
        feature("ir_mrz", "ir_mrz", "back", TD1_MRZ),
        feature("mrz_font", "mrz_font", "back", TD1_MRZ),
    ]
    return fields, feats, ([4, 2.5], 2.8), [3.5, 9, 21, 28]


def _td1_zzb(lab: Any, issuer: str, name: str) -> CardLayout:
    """Borealis: the title right of the portrait with a microprint line under it; a taller
    portrait (24 x 31 mm) from under the title; the data in a grid (names, then birth, sex
    and nationality on one row, number and expiry on the next); the ghost image top right,
    hologram, latent image and OVI in a row under the data; rosette guilloche and a vertical
    rainbow; on the back the UV emblem on the left and the issue data on the right."""
    fields = [
        field("surname", lab("Surname"), "front", [29, 9.5, 40, 5.2], size_mm=2.3),
        field("given_names", lab("Given names"), "front", [29, 15, 40, 5.2], size_mm=2.3),
        field("date_of_birth", lab("Date of birth"), "front", [29, 20.5, 25, 5.2], size_mm=2.3),
        field("sex", lab("Sex"), "front", [55, 20.5, 9, 5.2], size_mm=2.3),
        field("nationality", lab("Nationality"), "front", [65, 20.5, 18, 5.2], size_mm=2.3),
        field("document_number", lab("Document No."), "front", [29, 26, 26, 5.2], size_mm=2.3),
        field("date_of_expiry", lab("Date of expiry"), "front", [57, 26, 26, 5.2], size_mm=2.3),
        field("address", lab("Address"), "back", [32, 3, 51, 5.2], size_mm=2.3, ink="dye"),
        field("place_of_birth", lab("Place of birth"), "back", [32, 9, 51, 5.2], size_mm=2.3,
              ink="dye"),
        field("authority", lab("Authority"), "back", [32, 15, 51, 5.2], size_mm=2.3, ink="dye"),
        field("date_of_issue", lab("Date of issue"), "back", [32, 21, 26, 5.2], size_mm=2.3,
              ink="dye"),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 85.6, 54]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 85.6, 54], count=45),
        feature("uv_emblem", "uv_emblem", "front", [46, 16, 36, 36]),
        feature("ir_fields", "ir_fields", "front", [29, 9.5, 54, 22]),
        feature("guilloche", "guilloche", "front", [27, 8, 58.6, 46]),
        feature("microprint", "microprint", "front", [28, 6.4, 55, 1.0], text=name.upper(),
                height_mm=0.3),
        feature("rainbow", "rainbow", "front", [0, 0, 85.6, 54]),
        feature("ghost_image", "ghost_image", "front", [70, 33, 12, 16]),
        feature("hologram", "hologram", "front", [29, 33, 14, 11], frames=3),
        feature("ovi", "ovi", "front", [59, 33, 10, 10]),
        feature("latent_image", "latent_image", "front", [29, 46, 28, 5], text=issuer),
        feature("viz_font", "viz_font", "front", [29, 9.5, 54, 22]),
        feature("uv_substrate_back", "uv_dull_substrate", "back", [0, 0, 85.6, 54]),
        feature("uv_emblem_back", "uv_emblem", "back", [3, 3, 26, 26]),
        feature("guilloche_back", "guilloche", "back", [30, 0, 55.6, 32]),
        feature("rainbow_back", "rainbow", "back", [0, 0, 85.6, 32]),
        feature("ir_mrz", "ir_mrz", "back", TD1_MRZ),
        feature("mrz_font", "mrz_font", "back", TD1_MRZ),
    ]
    return fields, feats, ([28, 1.8], 2.7), [3, 9.5, 24, 31]


_TD1_LAYOUTS = {"uto": _td1_uto, "zzb": _td1_zzb}


def td2(palette: dict[str, Any]) -> dict[str, Any]:
    lab = _labels_en
    fields = [
        field("document_code", lab("Type"), "front", [36, 9, 10, 5.6], size_mm=2.4),
        field("issuing_state", lab("Code"), "front", [48, 9, 14, 5.6], size_mm=2.4),
        field("document_number", lab("Document No."), "front", [64, 9, 22, 5.6], size_mm=2.4),
        field("surname", lab("Surname"), "front", [36, 15, 50, 5.6], size_mm=2.4),
        field("given_names", lab("Given names"), "front", [36, 21, 50, 5.6], size_mm=2.4),
        field("nationality", lab("Nationality"), "front", [36, 27, 30, 5.6], size_mm=2.4),
        field("sex", lab("Sex"), "front", [68, 27, 10, 5.6], size_mm=2.4),
        field("date_of_birth", lab("Date of birth"), "front", [36, 33, 30, 5.6], size_mm=2.4),
        field("date_of_issue", lab("Date of issue"), "front", [36, 39, 30, 5.6], size_mm=2.4,
              ink="dye"),
        field("authority", lab("Authority"), "front", [68, 39, 30, 5.6], size_mm=2.4, ink="dye"),
        field("date_of_expiry", lab("Date of expiry"), "front", [36, 45, 30, 5.6], size_mm=2.4),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 105, 74]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 105, 74], count=50),
        feature("uv_emblem", "uv_emblem", "front", [40, 12, 34, 34]),
        feature("ir_mrz", "ir_mrz", "front", [4, 56, 97, 14]),
        feature("ir_fields", "ir_fields", "front", [36, 9, 58, 42]),
        feature("guilloche", "guilloche", "front", [34, 7, 70, 46]),
        feature("microprint", "microprint", "front", [4, 53, 97, 1.2], text="UTOPIA",
                height_mm=0.25),
        feature("rainbow", "rainbow", "front", [0, 0, 105, 54]),
        feature("watermark", "watermark", "front", [84, 27, 16, 20]),
        feature("security_thread", "security_thread", "front", [32.6, 0, 1.2, 54], text="UTO"),
        feature("ghost_image", "ghost_image", "front", [88, 8, 13, 17]),
        feature("hologram", "hologram", "front", [22, 36, 12, 11], frames=3),
        feature("ovi", "ovi", "front", [80, 44, 10, 8]),
        feature("latent_image", "latent_image", "front", [4, 47, 26, 5], text="UTO"),
        feature("mrz_font", "mrz_font", "front", [4, 56, 97, 14]),
        feature("viz_font", "viz_font", "front", [36, 9, 58, 42]),
    ]
    return {
        "id": "uto_card_td2",
        "issuer": "UTO",
        "issuer_name": "Utopia",
        "kind": "card_td2",
        "format": "TD2",
        "document_code": "IR",
        "size_mm": [105, 74],
        "sides": ["front"],
        "script": "latin",
        "date_style": "dd_mon_yyyy",
        "validity_years": 5,
        "number_prefix": palette["number_prefix"],
        "titles": [{"side": "front", "text": palette["title"], "xy_mm": [36, 2.8], "size_mm": 3.0}],
        "fields": fields,
        "mrz": {"side": "front", "box_mm": [4, 56, 97, 14]},
        "portrait": {"side": "front", "box_mm": [4, 8, 26, 34]},
        "features": feats,
        "palette": palette,
        "inks": INKS,
    }


def mrva(palette: dict[str, Any]) -> dict[str, Any]:
    lab = _labels_en
    fields = [
        field("place_of_issue", lab("Place of issue"), "front", [36, 8, 40, 5.6], size_mm=2.4,
              ink="dye"),
        field("valid_from", lab("Valid from"), "front", [36, 14, 26, 5.6], size_mm=2.4),
        field("valid_until", lab("Valid until"), "front", [64, 14, 26, 5.6], size_mm=2.4),
        field("number_of_entries", lab("Number of entries"), "front", [92, 14, 24, 5.6],
              size_mm=2.4, ink="dye"),
        field("document_number", lab("Document No."), "front", [80, 8, 36, 5.6], size_mm=2.4),
        field("surname", lab("Surname"), "front", [36, 20, 60, 5.6], size_mm=2.4),
        field("given_names", lab("Given names"), "front", [36, 26, 60, 5.6], size_mm=2.4),
        field("date_of_birth", lab("Date of birth"), "front", [36, 32, 28, 5.6], size_mm=2.4),
        field("sex", lab("Sex"), "front", [66, 32, 10, 5.6], size_mm=2.4),
        field("nationality", lab("Nationality"), "front", [78, 32, 30, 5.6], size_mm=2.4),
        field("remarks", lab("Remarks"), "front", [36, 38, 60, 5.6], size_mm=2.4, ink="dye"),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 120, 80]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 120, 80], count=55),
        feature("uv_emblem", "uv_emblem", "front", [60, 20, 36, 36]),
        feature("ir_mrz", "ir_mrz", "front", [4, 62, 113, 15]),
        feature("ir_fields", "ir_fields", "front", [36, 14, 72, 24]),
        feature("guilloche", "guilloche", "front", [34, 6, 84, 50]),
        feature("microprint", "microprint", "front", [4, 58, 113, 1.2], text="VISAUTOPIA",
                height_mm=0.25),
        feature("rainbow", "rainbow", "front", [0, 0, 120, 58]),
        feature("ghost_image", "ghost_image", "front", [100, 40, 15, 17]),
        feature("hologram", "hologram", "front", [4, 44, 28, 12], frames=3),
        feature("ovi", "ovi", "front", [100, 22, 14, 9]),
        feature("latent_image", "latent_image", "front", [36, 47, 30, 6], text="VISA"),
        feature("mrz_font", "mrz_font", "front", [4, 62, 113, 15]),
        feature("viz_font", "viz_font", "front", [36, 8, 80, 36]),
    ]
    return {
        "id": "uto_visa_mrva",
        "issuer": "UTO",
        "issuer_name": "Utopia",
        "kind": "visa_mrva",
        "format": "MRVA",
        "document_code": "VC",
        "size_mm": [120, 80],
        "sides": ["front"],
        "script": "latin",
        "date_style": "dd_mon_yyyy",
        "validity_years": 1,
        "number_prefix": palette["number_prefix"],
        "titles": [{"side": "front", "text": palette["title"], "xy_mm": [36, 2.6], "size_mm": 3.2}],
        "fields": fields,
        "mrz": {"side": "front", "box_mm": [4, 62, 113, 15]},
        "portrait": {"side": "front", "box_mm": [4, 8, 28, 35]},
        "features": feats,
        "palette": palette,
        "inks": INKS,
    }


def vehicle(palette: dict[str, Any]) -> dict[str, Any]:
    def f(name: str, label: str, box: Box, ink: str = "carbon") -> dict[str, Any]:
        return field(name, label, "front", box, size_mm=2.4, ink=ink)

    fields = [
        f("A", "A  Registration number", [6, 12, 40, 5.6]),
        f("B", "B  Date of first registration", [50, 12, 40, 5.6]),
        f("I", "I  Date of this registration", [94, 12, 40, 5.6], ink="dye"),
        f("C.1.1", "C.1.1  Holder: surname", [6, 19, 60, 5.6]),
        f("C.1.2", "C.1.2  Holder: given names", [70, 19, 64, 5.6]),
        f("C.1.3", "C.1.3  Holder: address", [6, 26, 128, 5.6], ink="dye"),
        f("D.1", "D.1  Make", [6, 33, 40, 5.6]),
        f("D.2", "D.2  Type", [50, 33, 40, 5.6]),
        f("D.3", "D.3  Commercial description", [94, 33, 40, 5.6]),
        f("E", "E  Vehicle identification number", [6, 40, 70, 5.6]),
        f("P.5", "P.5  Engine identification number", [80, 40, 54, 5.6]),
        f("R", "R  Colour", [6, 47, 40, 5.6], ink="dye"),
        f("document_number", "Document No.", [94, 47, 40, 5.6]),
    ]
    feats = [
        feature("uv_substrate", "uv_dull_substrate", "front", [0, 0, 148, 74]),
        feature("uv_fibres", "uv_fibres", "front", [0, 0, 148, 74], count=60),
        feature("uv_emblem", "uv_emblem", "front", [52, 14, 44, 44]),
        feature("ir_fields", "ir_fields", "front", [6, 12, 128, 41]),
        feature("guilloche", "guilloche", "front", [0, 10, 148, 46]),
        feature("microprint", "microprint", "front", [6, 55, 136, 1.2], text="UTOPIAVEHICLE",
                height_mm=0.25),
        feature("rainbow", "rainbow", "front", [0, 0, 148, 74]),
        feature("watermark", "watermark", "front", [120, 55, 20, 16]),
        feature("security_thread", "security_thread", "front", [140, 0, 1.2, 74], text="UTO"),
        feature("hologram", "hologram", "front", [6, 58, 16, 13], frames=3),
        feature("ovi", "ovi", "front", [26, 59, 12, 11]),
        feature("latent_image", "latent_image", "front", [42, 60, 30, 6], text="UTO"),
        feature("viz_font", "viz_font", "front", [6, 12, 128, 41]),
    ]
    return {
        "id": "uto_vehicle_registration",
        "issuer": "UTO",
        "issuer_name": "Utopia",
        "kind": "vehicle_registration",
        "format": None,
        "document_code": None,
        "size_mm": [148, 74],
        "sides": ["front"],
        "script": "latin",
        "date_style": "dmy_dots",
        "validity_years": 0,
        "number_prefix": palette["number_prefix"],
        "titles": [{"side": "front", "text": palette["title"], "xy_mm": [6, 3.0], "size_mm": 3.4}],
        "fields": fields,
        "mrz": None,
        "portrait": None,
        "features": feats,
        "palette": palette,
        "inks": INKS,
        "vin_plate": {"size_mm": [90, 30], "dpi_scale": 1.0},
    }


def palette(
    title: str, paper: list[int], g1: list[int], g2: list[int], r0: list[int], r1: list[int],
    uv: list[int], seed: int, prefix: str, *,
    guilloche_styles: tuple[str, str] = ("net", "rosettes"), guilloche_pitch: float = 14.0,
    rainbow_angle: float = 0.0, ovi_pair: str = "gold_green",
) -> dict[str, Any]:
    """The colours and print design of one model: the two guilloche inks with their families
    (``net``, ``rosettes``) and line pitch (in line widths), the rainbow's two inks and the
    direction they run (degrees, 0 = left to right), the OVI colour pair, the UV emblem ink,
    and the design seed that fixes every pattern's shapes."""
    return {
        "title": title,
        "paper": paper,
        "guilloche": [g1, g2],
        "guilloche_styles": list(guilloche_styles),
        "guilloche_pitch": guilloche_pitch,
        "rainbow": [r0, r1],
        "rainbow_angle": rainbow_angle,
        "ovi_pair": ovi_pair,
        "uv_emblem": uv,
        "uv_substrate": [26, 16, 48],
        "uv_fibres": [[250, 60, 60], [60, 230, 90], [80, 140, 255]],
        "ovi": [[40, 150, 90], [150, 60, 160]],
        "design_seed": seed,
        "number_prefix": prefix,
        "specimen": [200, 30, 40],
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    uto = palette("UTOPIA  PASSPORT / PASSEPORT", [246, 243, 232], [120, 150, 200], [200, 140, 170],
                  [236, 222, 240], [222, 238, 230], [120, 220, 255], 11, "L")
    zza = palette("ЗАНДАРИЯ  ПАСПОРТ / PASSPORT", [244, 240, 226], [190, 120, 110],
                  [120, 170, 150], [246, 226, 214], [220, 236, 246], [255, 200, 90], 23, "ZA",
                  guilloche_styles=("rosettes", "net"), guilloche_pitch=11.0, rainbow_angle=90.0,
                  ovi_pair="magenta_green")
    idc = palette("UTOPIA  IDENTITY CARD", [240, 244, 246], [110, 160, 190], [190, 170, 120],
                  [224, 236, 246], [244, 232, 222], [120, 255, 170], 31, "D")
    zzb = palette("BOREALIS  IDENTITY CARD", [238, 246, 242], [90, 150, 140], [150, 130, 190],
                  [220, 242, 236], [236, 228, 246], [255, 140, 220], 37, "B",
                  guilloche_styles=("rosettes", "rosettes"), guilloche_pitch=10.0,
                  rainbow_angle=90.0, ovi_pair="green_blue")
    td2p = palette("UTOPIA  RESIDENCE CARD", [244, 240, 236], [160, 130, 180], [120, 170, 160],
                   [240, 228, 238], [226, 240, 236], [200, 255, 120], 41, "R")
    visa = palette("UTOPIA  VISA", [240, 244, 236], [120, 170, 120], [200, 150, 110],
                   [226, 240, 226], [244, 232, 220], [255, 120, 120], 43, "V")
    veh = palette("UTOPIA  VEHICLE REGISTRATION CERTIFICATE  Part I", [242, 242, 236],
                  [130, 150, 170], [170, 150, 120], [232, 236, 244], [242, 236, 226],
                  [150, 200, 255], 47, "VR")
    # A fantasy document (DOMAIN.md §1.7): the own design of an "order" that issues no
    # travel documents; its code XZF belongs to no state. Not a model of a real issuer: it is
    # never drawn as a genuine item.
    xzf = palette("ORDER OF VALMORA  WORLD PASSPORT", [236, 238, 246],
                  [150, 120, 60], [90, 110, 160], [246, 238, 214], [226, 230, 246],
                  [255, 230, 120], 53, "W", guilloche_styles=("net", "net"),
                  guilloche_pitch=20.0, rainbow_angle=35.0, ovi_pair="copper_violet")
    fantasy = td3("xzf_passport_td3", "XZF", "Valmora", xzf, cyr=False, layout="xzf")
    models = [
        fantasy,
        td3("uto_passport_td3", "UTO", "Utopia", uto, cyr=False),
        td3("zza_passport_td3", "ZZA", "Zandaria", zza, cyr=True, layout="zza"),
        td1("uto_id_td1", "UTO", "Utopia", idc),
        td1("zzb_id_td1", "ZZB", "Borealis", zzb, layout="zzb"),
        td2(td2p),
        mrva(visa),
        vehicle(veh),
    ]
    for m in models:
        path = OUT / f"{m['id']}.json"
        path.write_text(json.dumps(m, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
