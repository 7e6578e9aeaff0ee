"""An encrypted binary field: uploaded import files (SSNs, benefit status, wages) are PII at rest too.

django-fernet-encrypted-fields, which encrypts the SSN, the date of birth and case notes, has text, number, date
and JSON fields but no binary one. This one reuses its key derivation (SECRET_KEY and SECRET_KEY_FALLBACKS times
FIELD_ENCRYPTION_SALTS, PBKDF2, MultiFernet), so the same keys and the same rotation (``pii_rotate_keys``) cover
it; it stores the Fernet token in the same ``bytea`` column a BinaryField uses.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.db import models
from encrypted_fields.fields import EncryptedFieldMixin


class EncryptedBinaryField(EncryptedFieldMixin, models.BinaryField):
    def get_internal_type(self) -> str:
        return "BinaryField"

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return self.f.encrypt(bytes(value))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        return models.BinaryField.get_db_prep_value(self, value, connection, prepared=True)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        if value is None:
            return None
        stored = bytes(value)
        try:
            return self.f.decrypt(stored)
        except InvalidToken:
            # Written before the column was encrypted (migration 0007 encrypts every such row), or empty.
            return stored

    def to_python(self, value: Any) -> Any:
        return models.BinaryField.to_python(self, value)

    def clean(self, value: Any, model_instance: Any) -> Any:
        return models.BinaryField.clean(self, value, model_instance)
