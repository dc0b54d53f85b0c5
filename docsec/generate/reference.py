"""Reference sheets: a model's genuine specimen in every light with numbered callouts.

Like a page of a reference collection (PRADO), a sheet shows each side of the unpersonalised
genuine specimen (:func:`docsec.generate.document.reference_views`) in white light, UV 365 nm,
infrared, transmitted light and tilted, with every security feature boxed and numbered in
the light that shows it best, and a legend giving each number's glossary term in English and
Russian (``data/glossary.json``) and what a genuine feature looks like.

:func:`reference_sheet` builds the sheet as data (panels and legend); :func:`write_reference_sheet`
writes ``sheet.png`` (all panels), one PNG per panel and ``index.html``.

>>> sheet = reference_sheet("uto_id_td1", dpi=60)
>>> sheet.entries[0].number, sheet.entries[0].term_en
(1, 'UV-dull substrate')
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from docsec.errors import InvalidComponent
from docsec.generate.document import reference_views
from docsec.generate.text import font
from docsec.models import DocumentModel, get_model

__all__ = [
    "Callout",
    "ReferenceSheet",
    "glossary",
    "model_reference_files",
    "reference_files",
    "reference_sheet",
    "write_reference_sheet",
]

_LIGHT_ORDER = ("white", "uv365", "ir", "transmitted", "tilt_2", "tilt_3")
_CALLOUT = (220, 30, 60)
_COLUMNS = 3


@functools.cache
def glossary() -> Mapping[str, Any]:
    """``data/glossary.json``: feature terms (EN, RU), their best light, and light names."""
    text = (resources.files("docsec.generate") / "data" / "glossary.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True, slots=True)
class Callout:
    """One numbered feature of a sheet."""

    number: int
    feature_id: str
    kind: str
    side: str
    light: str
    panel: str
    box_px: tuple[int, int, int, int]
    term_en: str
    term_ru: str
    note_en: str
    note_ru: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping."""
        return {
            "number": self.number, "feature": self.feature_id, "kind": self.kind,
            "side": self.side, "light": self.light, "panel": self.panel,
            "box_px": list(self.box_px), "term": {"en": self.term_en, "ru": self.term_ru},
            "note": {"en": self.note_en, "ru": self.note_ru},
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReferenceSheet:
    """A model's reference sheet: annotated panels by name (``front_uv365``...) and legend."""

    model_id: str
    issuer: str
    kind: str
    dpi: int
    panels: Mapping[str, NDArray[np.uint8]]
    entries: tuple[Callout, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready mapping (no pixels)."""
        return {"model": self.model_id, "issuer": self.issuer, "kind": self.kind,
                "dpi": self.dpi, "panels": list(self.panels),
                "callouts": [e.to_dict() for e in self.entries]}


def _panel_name(side: str, light: str) -> str:
    return f"{side}_{light}"


def _view_name(side: str, light: str) -> str:
    return light if side == "front" else f"{light}_{side}"


def reference_sheet(model_id: str, *, dpi: int = 150) -> ReferenceSheet:
    """The reference sheet of ``model_id`` at ``dpi`` (see the module docstring).

    Raises :class:`~docsec.errors.InvalidComponent` for an unknown model or a dpi out of
    50-600.
    """
    if not 50 <= dpi <= 600:
        raise InvalidComponent(f"dpi must be between 50 and 600, got {dpi}")
    model = get_model(model_id)
    terms = glossary()["features"]
    views = reference_views(model.id, dpi=dpi)
    entries: list[Callout] = []
    for f in model.features:
        term = terms.get(f.kind)
        if term is None:
            raise InvalidComponent(f"no glossary term for feature kind {f.kind!r}")
        light = term["light"]
        if _view_name(f.side, light) not in views:
            light = "white"
        entries.append(Callout(
            number=len(entries) + 1, feature_id=f.id, kind=f.kind, side=f.side, light=light,
            panel=_panel_name(f.side, light), box_px=_clip(DocumentModel.box_px(f.box_mm, dpi),
                                                           model, dpi),
            term_en=term["en"], term_ru=term["ru"], note_en=term["en_note"],
            note_ru=term["ru_note"],
        ))  # fmt: skip
    panels: dict[str, NDArray[np.uint8]] = {}
    for side in model.sides:
        for light in _LIGHT_ORDER:
            view = _view_name(side, light)
            if view not in views:
                continue
            mine = [e for e in entries if e.panel == _panel_name(side, light)]
            panels[_panel_name(side, light)] = _annotate(views[view], mine, dpi)
    return ReferenceSheet(model_id=model.id, issuer=model.issuer, kind=model.kind, dpi=dpi,
                          panels=panels, entries=tuple(entries))


def _clip(box: tuple[int, int, int, int], model: DocumentModel,
          dpi: int) -> tuple[int, int, int, int]:
    w, h = model.canonical_px(dpi)
    x, y = min(max(0, box[0]), w - 1), min(max(0, box[1]), h - 1)
    return x, y, max(1, min(box[2], w - x)), max(1, min(box[3], h - y))


def _annotate(view: NDArray[np.uint8], entries: list[Callout], dpi: int) -> NDArray[np.uint8]:
    """The view (gray promoted to RGB) with each callout's box outlined and numbered."""
    img = Image.fromarray(view if view.ndim == 3 else np.stack([view] * 3, axis=-1))
    draw = ImageDraw.Draw(img)
    r = max(6, dpi // 14)
    label = font("sans_bold", int(r * 1.3))
    line = max(1, dpi // 100)
    for e in entries:
        x, y, w, h = e.box_px
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline=_CALLOUT, width=line)
        cx = min(max(r, x + r), img.width - r - 1)
        cy = min(max(r, y + r), img.height - r - 1)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_CALLOUT)
        draw.text((cx, cy), str(e.number), fill=(255, 255, 255), font=label, anchor="mm")
    return np.asarray(img, np.uint8).copy()


def _montage(panels: Mapping[str, NDArray[np.uint8]], light_names: Mapping[str, Any],
             dpi: int) -> NDArray[np.uint8]:
    """All panels on one sheet, a row per side, each captioned with its light."""
    caption_h = max(14, dpi // 6)
    caption = font("sans_bold", int(caption_h * 0.7))
    gap = max(4, dpi // 25)
    rows: list[list[tuple[str, str, NDArray[np.uint8]]]] = []
    for name, img in panels.items():
        side, _, light = name.partition("_")
        if not rows or rows[-1][0][0] != side or len(rows[-1]) == _COLUMNS:
            rows.append([])
        rows[-1].append((side, light, img))
    cell_w = max(img.shape[1] for img in panels.values())
    cell_h = max(img.shape[0] for img in panels.values()) + caption_h
    cols = max(len(r) for r in rows)
    sheet = Image.new("RGB", (cols * (cell_w + gap) + gap, len(rows) * (cell_h + gap) + gap),
                      (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for i, cells in enumerate(rows):
        for j, (side, light, img) in enumerate(cells):
            x, y = gap + j * (cell_w + gap), gap + i * (cell_h + gap)
            names = light_names.get(light, {"en": light, "ru": light})
            draw.text((x, y), f"{side}: {names['en']} / {names['ru']}", fill=(20, 20, 20),
                      font=caption)
            sheet.paste(Image.fromarray(img), (x, y + caption_h))
    return np.asarray(sheet, np.uint8).copy()


_HTML = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Reference: {{ s.model_id }} ({{ s.issuer }})</title>
<style>body{font-family:sans-serif;margin:1.5em}img{max-width:100%;border:1px solid #ccc}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .5em;vertical-align:top}
figure{display:inline-block;margin:.5em}</style></head><body>
<h1>{{ s.model_id }} &mdash; {{ s.issuer }} {{ s.kind }}</h1>
<p>Genuine specimen, unpersonalised (training issuer; SPECIMEN). Numbers mark each security
feature in the light that shows it best. / Подлинный образец без персонализации (учебный
эмитент). Номерами отмечены защитные элементы в том освещении, где они видны лучше всего.</p>
<table><tr><th>#</th><th>Feature</th><th>Защитный элемент</th><th>Light / Освещение</th>
<th>Genuine</th><th>Подлинный</th></tr>
{% for e in s.entries %}<tr><td>{{ e.number }}</td><td>{{ e.term_en }}</td><td>{{ e.term_ru }}</td>
<td>{{ lights[e.light].en }} / {{ lights[e.light].ru }}</td><td>{{ e.note_en }}</td>
<td>{{ e.note_ru }}</td></tr>
{% endfor %}</table>
{% for name in s.panels %}<figure><img src="{{ name }}.png" alt="{{ name }}">
<figcaption>{{ name }}</figcaption></figure>
{% endfor %}</body></html>
""")


def reference_files(sheet: ReferenceSheet) -> dict[str, bytes]:
    """The files of a sheet by name: ``<side>_<light>.png`` per panel, ``sheet.png``,
    ``index.html`` and ``sheet.json``."""
    lights = glossary()["lights"]
    files: dict[str, bytes] = {}
    for name, img in sheet.panels.items():
        files[f"{name}.png"] = _png(img)
    files["sheet.png"] = _png(_montage(sheet.panels, lights, sheet.dpi))
    files["index.html"] = _HTML.render(s=sheet, lights=lights).encode("utf-8")
    files["sheet.json"] = (json.dumps(sheet.to_dict(), ensure_ascii=False, indent=1)
                           + "\n").encode("utf-8")
    return files


def _png(img: NDArray[np.uint8]) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


@functools.lru_cache(maxsize=16)
def model_reference_files(model_id: str, dpi: int) -> Mapping[str, bytes]:
    """:func:`reference_files` of the sheet of ``model_id`` at ``dpi`` (cached: exercises
    copy them into every level-3 package)."""
    return reference_files(reference_sheet(model_id, dpi=dpi))


def write_reference_sheet(sheet: ReferenceSheet | str, out: Path, *, dpi: int = 150,
                          ) -> list[Path]:
    """Write the files of ``sheet`` (a sheet, or a model id drawn at ``dpi``, cached) into the
    folder ``out`` (created); return the paths written."""
    files = (model_reference_files(sheet, dpi) if isinstance(sheet, str)
             else reference_files(sheet))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written
