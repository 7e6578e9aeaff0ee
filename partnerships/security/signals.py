"""Keep each session's security marks current: at sign-in, and when the user adds or removes an authenticator."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from partnerships.security.policy import PRIMARY_AUTHENTICATORS, has_primary_authenticator, stamp_session, update_marks


@receiver(user_logged_in, dispatch_uid="security.stamp_session")
def stamp_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_session(request.session, user)


@receiver(authenticator_added, sender=Authenticator, dispatch_uid="security.mfa_added")
def mark_mfa_added(sender: Any, request: HttpRequest | None, authenticator: Authenticator, **kwargs: Any) -> None:
    if request is not None and authenticator.type in PRIMARY_AUTHENTICATORS:
        update_marks(request.session, mfa=True)


@receiver(authenticator_removed, sender=Authenticator, dispatch_uid="security.mfa_removed")
def mark_mfa_removed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        update_marks(request.session, mfa=has_primary_authenticator(user))
