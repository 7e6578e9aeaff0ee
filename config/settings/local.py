"""Local development: the embedded SQLite demo, console email, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Security keys on the demo's plain-http origin (open it as http://localhost:8000: WebAuthn refuses IP addresses).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# A template edited while the server runs is read again on the next request; a page cache would keep showing the
# old rendering until something is written (partnerships/page_cache.py). PAGE_CACHE_SECONDS=60 tries it locally.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0)
