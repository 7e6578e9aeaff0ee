"""allauth adapters: MFA secrets encrypted at rest, no removing the last second factor a role requires, and no
second password prompt for two-factor setup right after signing in."""

from __future__ import annotations

import base64
from functools import lru_cache

from allauth.account import app_settings as account_settings
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from partnerships.adapters import InvitationOnlyAccountAdapter
from partnerships.security import policy
from partnerships.security.policy import PRIMARY_AUTHENTICATORS, mfa_required_for

# Stored secrets carry this prefix; a value without it was written before encryption and is read as is.
PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(secret_keys: tuple[str, ...], salts: tuple[str, ...]) -> MultiFernet:
    """One key per (SECRET_KEY or fallback, field-encryption salt), the first encrypting: rotation as for PII."""
    keys = []
    for secret in secret_keys:
        for salt in salts:
            # SECRET_KEY is high-entropy already, so HKDF (not a slow password KDF) is the right derivation.
            kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt.encode(), info=b"partnership-portal.mfa")
            keys.append(Fernet(base64.urlsafe_b64encode(kdf.derive(secret.encode()))))
    return MultiFernet(keys)


def fernet() -> MultiFernet:
    salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    return _fernet((settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])), tuple(salts))


class PortalMFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your role requires two-factor authentication, so you cannot remove your only authenticator. "
            "Add another one first (a security key or an authenticator app), then remove this one."
        ),
    }

    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds: a database read alone must not yield a second factor."""
        return PREFIX + fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            return encrypted_text
        try:
            return fernet().decrypt(encrypted_text.removeprefix(PREFIX).encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "An MFA secret cannot be decrypted with SECRET_KEY, SECRET_KEY_FALLBACKS and FIELD_ENCRYPTION_SALTS"
            ) from exc

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in PRIMARY_AUTHENTICATORS:
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=PRIMARY_AUTHENTICATORS)
        if others.exclude(pk=authenticator.pk).exists():
            return True
        return not mfa_required_for(authenticator.user)


class PortalAccountAdapter(InvitationOnlyAccountAdapter):
    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        """allauth asks for the password again before any change to the second factors, even seconds after the
        sign-in. Here a sign-in less than REAUTHENTICATION_TIMEOUT ago is proof enough: a user held at the setup
        page sets up an app and reads the recovery codes without typing the password twice. Later, it is asked."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if not required or app != "allauth.mfa" or request is None or not request.user.is_authenticated:
            return required
        marks = policy.session_marks(request.session)
        return marks is None or policy.now() - marks["auth_at"] >= account_settings.REAUTHENTICATION_TIMEOUT
