"""Bar widths as CSS classes, not style attributes, so pages work under a Content-Security-Policy without
'unsafe-inline' (style-src). static/css/portal.css defines ``.pct-0`` to ``.pct-100`` (width in percent)."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any, minimum: Any = 0) -> str:
    """The class of a bar ``value`` percent wide: rounded, at least ``minimum``, clamped to 0..100.

    ``{{ run.progress|pct:5 }}`` gives ``pct-5`` for 0 to 5 and ``pct-42`` for 42; None, text that is not a number
    and NaN give ``pct-0`` (or the minimum)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if math.isnan(number):
        number = 0.0
    try:
        floor = float(minimum)
    except (TypeError, ValueError):
        floor = 0.0
    return f"pct-{round(min(100.0, max(0.0, floor, number)))}"
