"""Checks of the local traces falsification leaves on a genuine document.

Erasure (a UV stain, a thin spot in transmitted light), a cut edge or glue around a
substituted photo, re-lamination, a foreign print process over the design: each is a plain
function of the inspection :class:`~docsec.inspect.context.Context` returning one
:class:`~docsec.report.Finding`, registered in :data:`TRACE_CHECKS` beside
:data:`docsec.inspect.features.FEATURE_CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from docsec.inspect.context import Context
from docsec.report import Finding

__all__ = ["TRACE_CHECKS"]

#: Check ID -> (function, the lights it looks at).
TRACE_CHECKS: Mapping[str, tuple[Callable[[Context], Finding], tuple[str, ...]]] = {}
