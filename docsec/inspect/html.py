"""The self-contained HTML report of an inspection (Jinja2; every image inline).

For each view used: the capture annotated with a box per finding (green pass, red fail,
amber warn, grey error), a heat map over the box where a check has one (fibres found in UV,
the change of the hologram between tilt frames), beside the model's unpersonalised reference
in the same light. Then the verdict with its reasons and the table of findings in English
and Russian.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import cv2
import jinja2
import numpy as np
from numpy.typing import NDArray

from docsec.errors import InvalidComponent
from docsec.inspect.reference import reference
from docsec.report import Status

if TYPE_CHECKING:
    from docsec.inspect import InspectionReport

__all__ = ["render_html"]

_MAX_W = 760
_COLOURS = {  # BGR for OpenCV
    Status.PASS: (60, 160, 40),
    Status.FAIL: (40, 40, 220),
    Status.WARN: (0, 170, 240),
    Status.ERROR: (140, 140, 140),
    Status.NOT_APPLICABLE: (180, 180, 180),
}

_TEMPLATE = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>docsec inspection: {{ model }} ({{ verdict }})</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
.verdict{font-size:1.6em;font-weight:bold;padding:.3em .6em;display:inline-block;border-radius:6px}
.accept{background:#d8f0d0}.refer{background:#fde9b8}.reject{background:#f6c9c9}
.pair{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}.pair figure{margin:0}
figcaption{font-size:.85em;color:#555}img{max-width:100%;border:1px solid #ccc}
table{border-collapse:collapse;font-size:.88em}td,th{border:1px solid #ccc;padding:.25em .5em;
vertical-align:top}.s-fail{color:#b00;font-weight:bold}.s-warn{color:#a60}.s-pass{color:#270}
.s-error{color:#666}.s-not_applicable{color:#999}
</style></head><body>
<h1>Inspection of a {{ model }}</h1>
<p>Level {{ level }}, reference date {{ reference_date }}, {{ n_findings }} findings,
{{ "%.0f"|format(total_ms) }} ms.</p>
<p class="verdict {{ verdict }}">{{ verdict|upper }}</p>
<ul>{% for r in reasons %}<li><b>{{ r.id }}</b>: {{ r.en }}<br><i>{{ r.ru }}</i></li>
{% endfor %}</ul>
{% for v in views %}
<h2>{{ v.name }} <small>(registration quality {{ "%.2f"|format(v.quality) }}{% if v.shared %},
homography shared with {{ v.shared }}{% endif %})</small></h2>
<div class="pair">
<figure><img alt="capture {{ v.name }}" src="data:image/jpeg;base64,{{ v.capture }}">
<figcaption>Capture with a box per finding</figcaption></figure>
{% if v.reference %}<figure><img alt="reference {{ v.name }}"
src="data:image/jpeg;base64,{{ v.reference }}">
<figcaption>Model reference in the same light (unpersonalised)</figcaption></figure>{% endif %}
</div>
{% endfor %}
<h2>Findings</h2>
<table><tr><th>check</th><th>status</th><th>view</th><th>score / threshold</th>
<th>message</th></tr>
{% for f in findings %}<tr><td>{{ f.id }}</td><td class="s-{{ f.status.value }}">
{{ f.status.value }}</td><td>{{ f.view or "" }}</td><td>{% if f.score is not none %}
{{ f.score }}{% if f.threshold is not none %} / {{ f.threshold }}{% endif %}{% endif %}</td>
<td>{{ f.message }}<br><i>{{ f.message_ru }}</i></td></tr>
{% endfor %}</table>
</body></html>
""")


def _jpeg(img: NDArray[np.uint8]) -> str:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:  # pragma: no cover - OpenCV encodes every uint8 image
        raise InvalidComponent("could not encode an image for the report")
    return base64.b64encode(buf.tobytes()).decode("ascii")


def _bgr(img: NDArray[np.uint8]) -> NDArray[np.uint8]:
    if img.ndim == 2:
        return np.asarray(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), np.uint8)
    return np.ascontiguousarray(img[..., ::-1])


def _scaled(img: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float]:
    k = min(1.0, _MAX_W / img.shape[1])
    if k < 1.0:
        img = np.asarray(cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA),
                         np.uint8)  # fmt: skip
    return img, k


def _annotated(report: InspectionReport, name: str) -> str:
    view = report.views[name]
    img, k = _scaled(_bgr(view.image))
    img = img.copy()
    for heat_view, quad, heat in report.heat.values():
        if heat_view != name:
            continue
        _paint_heat(img, np.asarray(quad, np.float64) * k, heat)
    for f in report.findings:
        if f.view != name or f.region is None or f.region.get("capture") is None:
            continue
        pts = np.round(np.asarray(f.region["capture"], np.float64) * k).astype(np.int32)
        colour = _COLOURS[f.status]
        cv2.polylines(img, [pts], True, colour, 2 if f.status == Status.FAIL else 1,
                      cv2.LINE_AA)  # fmt: skip
        if f.status in (Status.FAIL, Status.WARN):
            x, y = int(pts[:, 0].min()), int(pts[:, 1].min()) - 4
            cv2.putText(img, f.id.removeprefix("feature."), (x, max(10, y)),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1, cv2.LINE_AA)  # fmt: skip
    return _jpeg(img)


def _paint_heat(img: NDArray[np.uint8], quad: NDArray[np.float64],
                heat: NDArray[np.float32]) -> None:
    """Blend a 0..1 heat map (in the box's own pixels) over its quad in the capture."""
    h, w = heat.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    colour = cv2.applyColorMap(np.clip(heat * 255, 0, 255).astype(np.uint8), cv2.COLORMAP_JET)
    size = (img.shape[1], img.shape[0])
    warped = cv2.warpPerspective(colour, m, size)
    alpha = cv2.warpPerspective(np.clip(heat, 0, 1).astype(np.float32), m, size)[..., None]
    img[:] = (img * (1 - 0.6 * alpha) + warped * 0.6 * alpha).astype(np.uint8)


def render_html(report: InspectionReport) -> str:
    """The report as one self-contained HTML page."""
    views = []
    model_id = report.model.id if report.model is not None else "unknown model"
    for name, v in report.views.items():
        try:
            ref = reference(v.model.id, v.side, v.light)
            ref_b64 = _jpeg(_scaled(_bgr(np.asarray(ref)))[0])
        except InvalidComponent:
            ref_b64 = None
        views.append({"name": name, "quality": v.quality, "shared": v.shared_with,
                      "capture": _annotated(report, name), "reference": ref_b64})
    return _TEMPLATE.render(
        model=model_id, verdict=report.verdict, reasons=report.reasons,
        level=report.level, reference_date=report.reference_date.isoformat(),
        n_findings=len(report.findings), total_ms=report.timings_ms.get("total", 0.0),
        views=views, findings=report.findings)
