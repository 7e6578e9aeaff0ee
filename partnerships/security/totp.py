"""Authenticator-app (TOTP) helpers on top of allauth's own: enroll a user with a known secret, read a code.

For the demo (a documented secret, ``manage.py demo_totp``) and the tests; the product itself enrolls people
through allauth's setup page.
"""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction


def totp_enroll(
    user: AbstractBaseUser, secret: str | None = None, *, recovery_codes: bool = True
) -> tuple[Authenticator, str]:
    """Give ``user`` an authenticator app, as allauth's setup page does (with recovery codes unless told not to).

    With ``secret`` the app has exactly that secret (an app with another one is replaced); without, an existing
    app is kept and a new one gets a random secret. Returns the authenticator and its secret.
    """
    current = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if current is not None and (secret is None or totp_secret(current) == secret):
        return current, totp_secret(current)
    secret = secret or generate_totp_secret()
    with transaction.atomic():
        if current is not None:
            current.delete()
        authenticator = TOTP.activate(user, secret).instance
        if recovery_codes:
            RecoveryCodes.activate(user)
    return authenticator, secret


def totp_secret(authenticator: Authenticator) -> str:
    return decrypt(authenticator.data["secret"])


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` at ``at`` (by default now, on allauth's clock)."""
    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(secret, int(moment) // mfa_settings.TOTP_PERIOD))
