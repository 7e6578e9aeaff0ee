"""Authentication backends: Django's and allauth's, with the signed-in user remembered between requests.

Every request of a signed-in user loads the user row (``django.contrib.auth.get_user``), the first query of every
page and API call. The row changes rarely, and every change to it (a new password, a deactivation, a new email) is a
database write, which moves the write generation (``partnerships/page_cache.py``). So the row is kept in the cache
under the current generation for ``AUTH_USER_CACHE_SECONDS``: a write anywhere retires it, and Django still checks
the session's hash against it (a changed password still ends the other sessions). The copy in the cache is
encrypted, as stored pages are: it holds the password hash. 0 switches it off (local development without Redis,
where each process would keep its own copy).
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from partnerships import page_cache


class RememberedUserMixin:
    def get_user(self, user_id: Any) -> Any:
        load = super().get_user  # type: ignore[misc]
        return page_cache.remembered(f"auth-user:{user_id}", lambda: load(user_id),
                                     timeout=settings.AUTH_USER_CACHE_SECONDS)


class ModelBackend(RememberedUserMixin, DjangoModelBackend):
    """Django's model backend (password sign-in in the admin and the token login)."""


class AuthenticationBackend(RememberedUserMixin, AllauthBackend):
    """allauth's backend (every sign-in through the portal's pages)."""
