"""Server-rendered chart geometry (inline SVG in the templates). Every chart also has a data table."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def _nice_step(top: float, ticks: int = 4) -> float:
    raw = max(top, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def quarter_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Vertical bars of openings per quarter; a suppressed quarter is drawn as an outlined, labelled slot."""
    if not rows:
        return None
    width, height, left, bottom, top_pad = 640, 240, 48, 36, 16
    plot_h = height - bottom - top_pad
    visible = [r["openings"] for r in rows if not r.get("suppressed") and r.get("openings") is not None]
    step = _nice_step(max(visible or [1]))
    # At least one step tall: every visible quarter can be 0 (the others suppressed), and 0 must not divide.
    top = max(step * math.ceil(max(visible or [1]) / step), step)
    slot = (width - left - 8) / len(rows)
    bar_w = min(56.0, slot * 0.6)
    bars = []
    for i, r in enumerate(rows):
        x = left + i * slot + (slot - bar_w) / 2
        if r.get("suppressed") or r.get("openings") is None:
            bars.append({"x": x, "y": top_pad, "w": bar_w, "h": plot_h, "suppressed": True, "label": r["quarter"],
                         "cx": x + bar_w / 2, "value": None})
            continue
        h = plot_h * r["openings"] / top if top else 0
        bars.append({"x": x, "y": top_pad + plot_h - h, "w": bar_w, "h": h, "suppressed": False,
                     "label": r["quarter"], "cx": x + bar_w / 2, "value": r["openings"]})
    grid = []
    value = 0.0
    while value <= top + 1e-9:
        grid.append({"y": top_pad + plot_h - plot_h * value / top, "label": f"{value:g}"})
        value += step
    return {"width": width, "height": height, "left": left, "base": top_pad + plot_h, "bars": bars, "grid": grid,
            "label_y": height - 12}


def wage_chart(occupations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Per occupation: the offered range (min to max, median tick) over the market's 10th-90th band and median."""
    if not occupations:
        return None

    def num(v: Any) -> float | None:
        return None if v is None else float(Decimal(str(v)))

    values = [num(o.get(k)) for o in occupations
              for k in ("wage_min", "wage_max", "market_p10", "market_p90", "market_median")]
    top_value = max([v for v in values if v is not None] or [20.0])
    step = _nice_step(top_value, 5)
    top = step * math.ceil(top_value * 1.05 / step)
    label_w, width, row_h, top_pad = 300, 1000, 34, 10
    plot_w = width - label_w - 16

    def x(v: float) -> float:
        return label_w + plot_w * v / top

    rows = []
    for i, o in enumerate(occupations):
        y = top_pad + i * row_h
        title = o["title"]
        row: dict[str, Any] = {"y": y, "mid": y + row_h / 2, "label": title[:40] + ("…" if len(title) > 40 else ""),
                               "suppressed": bool(o.get("suppressed")), "text_x": label_w + 6}
        p10, p90, med = num(o.get("market_p10")), num(o.get("market_p90")), num(o.get("market_median"))
        if p10 is not None and p90 is not None:
            row["band"] = {"x": x(p10), "w": max(x(p90) - x(p10), 1)}
        if med is not None:
            row["market_x"] = x(med)
        lo, hi, offered = num(o.get("wage_min")), num(o.get("wage_max")), num(o.get("wage_median"))
        if not row["suppressed"] and lo is not None and hi is not None:
            row["offer"] = {"x": x(lo), "w": max(x(hi) - x(lo), 2)}
            if offered is not None:
                row["offer_median_x"] = x(offered)
        rows.append(row)
    height = top_pad + len(rows) * row_h + 30
    ticks = []
    value = 0.0
    while value <= top + 1e-9:
        ticks.append({"x": x(value), "label": f"${value:g}"})
        value += step
    return {"width": width, "height": height, "rows": rows, "ticks": ticks, "axis_y": top_pad + len(rows) * row_h,
            "label_w": label_w}


def share(value: Any, top: Any) -> int:
    """Percent width of a CSS bar (0 to 100)."""
    if value is None or not top:
        return 0
    return max(2, round(100 * float(value) / float(top)))
