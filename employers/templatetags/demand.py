"""Rendering demand figures: a suppressed cell reads "Suppressed (fewer than 3 employers)", never 0."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from employers.exports import SUPPRESSED_TEXT

register = template.Library()


def _suppressed() -> SafeString:
    return format_html('<span class="suppressed-cell">{}</span>', SUPPRESSED_TEXT)


@register.simple_tag
def cell(row: dict[str, Any] | None, key: str, money: bool = False) -> Any:
    """One figure of a cell; blank-but-visible dash when absent."""
    if row is None or row.get("suppressed"):
        return _suppressed()
    value = row.get(key)
    if value is None:
        return format_html('<span class="text-body-secondary">–</span>')
    if money:
        return f"${Decimal(str(value)):.2f}"
    return value


@register.simple_tag
def quarter_cell(occupation: dict[str, Any], quarter_cell: dict[str, Any] | None) -> Any:
    if occupation.get("suppressed") or (quarter_cell is not None and quarter_cell.get("suppressed")):
        return _suppressed()
    if quarter_cell is None:
        return 0
    return quarter_cell.get("openings") or 0
