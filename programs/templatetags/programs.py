"""Template helpers of the program and cohort pages: compact inputs for repeating rows, with their errors tied
to the input (aria-describedby), and figures such as rates."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def row_field(bound: forms.BoundField, visible_label: bool = False, size: str = "sm") -> SafeString:
    """A field of a row without its own visible label: the label becomes the accessible name; errors follow it."""
    widget = bound.field.widget
    base = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if isinstance(widget, forms.CheckboxInput):
        base = "form-check-input"
    css = f"{base} {base}-{size}" if size and base != "form-check-input" else base
    attrs: dict[str, Any] = {"class": css + (" is-invalid" if bound.errors else "")}
    if not visible_label:
        attrs["aria-label"] = bound.label
    described = []
    if bound.help_text and visible_label:
        described.append(f"{bound.auto_id}_helptext")
    if bound.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{bound.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    html = bound.as_widget(attrs=attrs)
    if bound.errors:
        html += format_html('<div id="{}_error" class="invalid-feedback d-block">{}</div>', bound.auto_id,
                            format_html_join(" ", "{}", ((e,) for e in bound.errors)))
    return mark_safe(html)  # noqa: S308 (as_widget and format_html escaped every value)


@register.filter
def percent(value: float | None) -> str:
    """A 0-1 rate as a whole percentage; "—" when there is nothing to divide."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)
