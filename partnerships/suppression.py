"""Small-cell suppression, the one place it is decided (DOMAIN.md §3 and §4).

Demand: a cell built from fewer than 3 employers is hidden from employers and funders. Outcomes: counts
below the tenant's threshold (default 10), and rates or medians over fewer people, are hidden from funders
and employers. Complementary suppression: when one cell of a group is hidden and the group's total is
shown, the next smallest cell is hidden too, so the hidden one cannot be recovered by subtraction.
Suppressed values are ``None`` with ``suppressed: True``, never 0, so pages render them differently.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

DEMAND_MIN_EMPLOYERS = 3

SUPPRESSED_LABEL = "Suppressed"


def suppress_cells(
    cells: Iterable[dict[str, Any]],
    *,
    count_key: str,
    threshold: int,
    value_keys: Iterable[str],
    complementary: bool = True,
) -> list[dict[str, Any]]:
    """Copies of ``cells`` with ``value_keys`` blanked where ``cells[count_key] < threshold``.

    Each returned cell gains ``suppressed: bool``. The count itself is blanked too when it is below the
    threshold (a count of employers is itself revealing).
    """
    result = [copy.deepcopy(c) for c in cells]
    keys = [*value_keys, count_key]
    hidden = [c for c in result if (c.get(count_key) or 0) < threshold]
    for cell in result:
        cell["suppressed"] = False
    for cell in hidden:
        _blank(cell, keys)
    if complementary and len(hidden) == 1 and len(result) > 1:
        # One hidden cell beside a visible total could be recovered: hide the next smallest as well.
        visible = [c for c in result if not c["suppressed"]]
        if visible:
            smallest = min(visible, key=lambda c: c.get(count_key) or 0)
            _blank(smallest, keys)
    return result


def suppress_value(value: Any, *, count: int, threshold: int) -> dict[str, Any]:
    """One figure with the number of contributors behind it, blanked below the threshold."""
    if count < threshold:
        return {"value": None, "count": None, "suppressed": True}
    return {"value": value, "count": count, "suppressed": False}


def _blank(cell: dict[str, Any], keys: Iterable[str]) -> None:
    for key in keys:
        if key in cell:
            cell[key] = None
    cell["suppressed"] = True


# ---------------------------------------------------------------------------------------------------------------
# Outcome figures (DOMAIN.md §4): people, not employers
# ---------------------------------------------------------------------------------------------------------------
def complementary_hidden(values: dict[str, int | None], *, threshold: int) -> set[str]:
    """Which cells of one additive column (cell key -> count) to hide when its total is shown.

    Every count below the threshold is hidden (zero included: it is a small count too). Then, while fewer than
    two cells are hidden, or the hidden cells add up to less than the threshold, the smallest visible cell is
    hidden as well, so no hidden cell can be worked out by subtracting the visible ones from the total.
    """
    hidden = {key for key, value in values.items() if (value or 0) < threshold}
    if not hidden:
        return hidden
    visible = sorted((key for key in values if key not in hidden), key=lambda k: (values[k] or 0, k))
    while visible and (len(hidden) < 2 or sum(values[k] or 0 for k in hidden) < threshold):
        hidden.add(visible.pop(0))
    return hidden


def is_small(count: int | None, *, threshold: int) -> bool:
    """A count, or the number of people behind a rate, median or mean, that is too small to show."""
    return count is None or count < threshold
