"""Local development: the embedded SQLite demo, console email, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Security keys on the demo's plain-http origin (open it as http://localhost:8000: WebAuthn refuses IP addresses).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
