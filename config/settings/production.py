"""Production: refuses to start without SECRET_KEY and ALLOWED_HOSTS; SMTP email; HTTPS only."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# No defaults: django-environ raises ImproperlyConfigured when either is missing.
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SALT_KEY = env.list("FIELD_ENCRYPTION_SALTS")
PII_HASH_KEY = env("PII_HASH_KEY")
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set the ALLOWED_HOSTS environment variable")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)

# ---------------------------------------------------------------------------
# HTTPS only (tests/security/test_headers.py, and `manage.py check --deploy` in tests/test_production_settings.py)
# ---------------------------------------------------------------------------
# The TLS-terminating proxy sets X-Forwarded-Proto (and must strip it from clients); plain http is redirected.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# HSTS for two years, subdomains included, eligible for the browsers' preload list (which wants a year or more).
# A first deployment on a new domain may start lower through SECURE_HSTS_SECONDS and raise it once all is well.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=2 * 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies: HTTPS only, not sent on cross-site subrequests or POSTs (Lax keeps e-mailed links signed in), and
# __Host- names, which browsers accept only when Secure, for Path=/ and without a Domain: no sibling subdomain
# can set or overwrite them.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Stated here as well as in base.py, so this file alone shows the production headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
