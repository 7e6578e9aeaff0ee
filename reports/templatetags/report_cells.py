"""Template filters for report figures: a suppressed cell looks different from a zero and from "no data"."""

from django import template
from django.utils.html import format_html

from reports.presentation import Cell

register = template.Library()


@register.filter
def cell(value: Cell | None) -> str:
    if value is None:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    if value.suppressed:
        return format_html('<span class="suppressed-cell" title="{}">{}</span>',
                           "Hidden: too few people behind this figure to show it safely", value.text)
    if value.value is None:
        return format_html('<span class="text-body-secondary" title="{}">{}</span>', "No one to measure yet", "—")
    return format_html("{}", value.text)


@register.filter
def trend_class(value: Cell | None) -> str:
    if value is None or not isinstance(value.value, (int, float)) or abs(value.value) < 1e-9:
        return "trend-flat"
    return "trend-up" if value.value > 0 else "trend-down"


@register.filter
def at(values: list | dict | None, index: int | str) -> object:
    """``values[index]``, or "" when there is none (drill-down links aligned with table rows)."""
    if not values:
        return ""
    try:
        return values[index]  # type: ignore[index]
    except (IndexError, KeyError, TypeError):
        return ""
