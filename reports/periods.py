"""Report periods and the calendar-quarter arithmetic of the WIOA indicators (DOMAIN.md §4).

A program year runs July 1 to June 30 and is named by the year it starts (PY2025 = 2025-07-01..2026-06-30).
Quarters after exit count calendar quarters after the quarter of exit: an exit on 2017-06-01 (2017Q2) gives
Q2 = 2017Q4 (Oct to Dec 2017) and Q4 = 2018Q2 (Apr to Jun 2018).
"""

from __future__ import annotations

from datetime import date, timedelta


def quarter_index(day: date) -> int:
    """Calendar quarters since year 0: year * 4 + (quarter - 1). Consecutive quarters differ by one."""
    return day.year * 4 + (day.month - 1) // 3


def quarter_of_index(index: int) -> tuple[int, int]:
    """(year, quarter 1..4) of a quarter index."""
    return index // 4, index % 4 + 1


def quarter_after_exit(exit_date: date, n: int) -> tuple[int, int]:
    """(year, quarter) of the n-th calendar quarter after the quarter of ``exit_date``."""
    return quarter_of_index(quarter_index(exit_date) + n)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def program_year_of(day: date) -> int:
    return day.year if day.month >= 7 else day.year - 1


def program_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 7, 1), date(year + 1, 6, 30)


def last_complete_quarter(today: date) -> tuple[int, int]:
    return quarter_of_index(quarter_index(today) - 1)


def period_label(kind: str, start: date, end: date) -> str:
    if kind == "program_year" and (start.month, start.day) == (7, 1):
        return f"Program year {start.year}–{str(start.year + 1)[-2:]} (Jul 1, {start.year} – Jun 30, {start.year + 1})"
    if kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1} ({start:%b %-d} – {end:%b %-d, %Y})"
    if kind == "cumulative":
        return f"Since {start:%B %Y}, through program year {end.year - 1}–{str(end.year)[-2:]} (to {end:%b %-d, %Y})"
    if kind == "since_start":
        return f"Since {start:%B %Y} (to {end:%b %-d, %Y})"
    return f"{start:%b %-d, %Y} – {end:%b %-d, %Y}"
