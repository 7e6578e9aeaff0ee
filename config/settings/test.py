"""Test settings: fast hashing, in-memory email; SQLite unless DATABASE_URL points at PostgreSQL."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process by default; the worker test switches this off to go through Redis.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False
PAGE_CACHE_SECONDS = 60  # on, with either cache: each test process is the only one using it
# The same for the session and user caches, so that query counts are the same with Redis (CI) and without.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTH_USER_CACHE_SECONDS = 60
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so that a real Celery worker process can open the same test database;
    # one file per test run, so two runs in the same checkout never lock each other out.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
# Two xdist workers share CI's Redis: each keeps its cache keys apart (their test worlds have the same ids).
CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "main")
