"""SSN and identity handling: validation, normalization and the keyed match hashes (DOMAIN.md §3, §6).

The SSN itself is stored only encrypted (Participant.ssn); duplicates are found through an HMAC-SHA256 of the
nine digits under settings.PII_HASH_KEY, salted with the tenant, so the same person in two tenants does not
produce the same hash and a leaked hash column cannot be reversed by trying all 10⁹ numbers without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError


def ssn_normalize(value: str) -> str:
    """Nine digits from "123-45-6789" or "123456789"; ValidationError for anything the SSA never issues."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{9}", digits):
        raise ValidationError("Enter the SSN as nine digits, e.g. 123-45-6789.")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        raise ValidationError("That is not a valid SSN (the SSA never issues it).")
    return digits


def _keyed(convener_id: int, text: str) -> str:
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, f"{convener_id}:{text}".encode(), hashlib.sha256).hexdigest()


def ssn_hash(*, convener_id: int, ssn_digits: str) -> str:
    return _keyed(convener_id, f"ssn:{ssn_digits}")


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text.lower())


def identity_hash(*, convener_id: int, first_name: str, last_name: str, date_of_birth: date | None) -> str:
    """Name + date of birth, folded (accents, case, punctuation and spaces ignored); empty without a DOB."""
    if date_of_birth is None:
        return ""
    return _keyed(convener_id, f"id:{_fold(first_name)}|{_fold(last_name)}|{date_of_birth.isoformat()}")


def ssn_masked(ssn: str) -> str:
    """What a page may show: the last four digits only."""
    return f"•••-••-{ssn[-4:]}" if ssn else ""
