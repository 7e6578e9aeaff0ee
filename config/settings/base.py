"""Settings shared by every environment; everything that varies comes from the environment."""

import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
# PII at rest (participants app). Encrypted fields (django-fernet-encrypted-fields) derive their Fernet keys
# from SECRET_KEY (and SECRET_KEY_FALLBACKS) with each salt here: the first encrypts, all decrypt, so a new
# salt is rotated in at the head of the list and old rows are re-saved (manage.py pii_rotate_keys).
SALT_KEY: list[str] = env.list("FIELD_ENCRYPTION_SALTS", default=["local-only-field-encryption-salt"])
# HMAC key of the SSN and name+date-of-birth match hashes. Changing it means recomputing the hashes
# (manage.py pii_rotate_keys --rehash), since a hash cannot be decrypted.
PII_HASH_KEY: str = env("PII_HASH_KEY", default="local-only-pii-hash-key")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_ID = 1
TIME_ZONE = "America/New_York"
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# ---------------------------------------------------------------------------
# Database: an embedded SQLite file for the demo; PostgreSQL when DATABASE_URL says so.
# ---------------------------------------------------------------------------
# PostgreSQL row-level security (partnerships/rls.py) binds the role the application connects as, so in production
# DATABASE_URL names a login role that is neither the tables' owner nor a superuser: DATABASE_APP_ROLE (created by
# the dbsecurity migration, NOLOGIN) or a login role granted it. MIGRATION_DATABASE_URL names the owner: when it
# is set, the commands in OWNER_COMMANDS (and any process started with DATABASE_AS_OWNER=true, e.g. a maintenance
# shell) connect with it instead, and bypass the policies.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="portal_app")
MIGRATION_DATABASE_URL = env("MIGRATION_DATABASE_URL", default="")
OWNER_COMMANDS = {"migrate", "seed_demo", "load_oews", "pii_rotate_keys", "createcachetable", "flush"}


def _runs_as_owner() -> bool:
    command = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name in ("manage.py", "django-admin") else ""
    return env.bool("DATABASE_AS_OWNER", default=False) or command in OWNER_COMMANDS


DATABASES = {
    "default": env.db("MIGRATION_DATABASE_URL" if MIGRATION_DATABASE_URL and _runs_as_owner() else "DATABASE_URL",
                      default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles any statement its cost estimate calls large; on a page's queries over a
    # million-row tenant the compiling took 60 to 290 ms of a 2 s request and saved nothing (bench/profile_page.py).
    # The report engine, the one place with long scans, measured no gain from it either (reports/engine.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# ---------------------------------------------------------------------------
# Apps
# ---------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",  # two-factor authentication: TOTP apps, WebAuthn security keys, recovery codes
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "bootstrap",  # django-bootstrap-static: Bootstrap's dist files as static/bootstrap/
    "django_bootstrap5",
    "django_htmx",
    "csp",  # django-csp 4: the Content-Security-Policy header and its per-request nonce
]
LOCAL_APPS = [
    "partnerships",
    "employers",
    "programs",
    "participants",
    "reports",
    "dbsecurity",  # PostgreSQL row-level security, the application role and the audit triggers (migrations only)
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Authentication hardening (partnerships/security): PII roles' sessions time out, and MFA-required roles are
    # held at the two-factor setup page until they have an authenticator. After auth, messages and htmx.
    "partnerships.security.middleware.PIISessionTimeoutMiddleware",
    "partnerships.security.middleware.MFARequiredMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.context_processors.tenancy",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Authentication (django-allauth: email + password, mandatory verification, invitation-only)
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "partnerships.User"
# Django's and allauth's backends, with the signed-in user's row kept in the cache until the next database write
# (partnerships/security/backends.py); AUTH_USER_CACHE_SECONDS (below, with the caches) bounds it.
AUTHENTICATION_BACKENDS = [
    "partnerships.security.backends.ModelBackend",
    "partnerships.security.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# Invitation-only sign-up; two-factor setup right after signing in asks for no second password.
ACCOUNT_ADAPTER = "partnerships.security.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Partnership Portal] "
# Failed sign-ins: 10 a minute per IP, 5 per 5 minutes per account (then even the right password is refused). The
# sign-in page, the Django admin (routed through it) and the API token endpoint share these counters.
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {"login_failed": "10/m/ip,5/5m/key"}
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
CSRF_FAILURE_VIEW = "partnerships.views.csrf_failure"
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# Behind a reverse proxy, allauth's per-IP limits must read the client's address from X-Forwarded-For (the
# number of trusted proxies in front of Django); with 0 they use REMOTE_ADDR, i.e. the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# Passwords: Argon2id (memory-hard) for new and re-hashed passwords; older hashes still verify and are upgraded
# to Argon2id at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Two-factor authentication (allauth.mfa). Required for the roles in partnerships/security/policy.py
# (convener admin and staff, case manager) and for platform operators; optional for everyone else.
MFA_ADAPTER = "partnerships.security.adapters.PortalMFAAdapter"  # TOTP secrets and recovery seeds encrypted at rest
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Partnership Portal"
MFA_TOTP_TOLERANCE = 1  # the previous and next 30-second code too (phone clock drift, RFC 6238 §5.2); each once
MFA_PASSKEY_LOGIN_ENABLED = False  # security keys are a second factor here, never a password replacement
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False  # plain-http origins: local.py only
MFA_RECOVERY_CODE_COUNT = 10

# Sessions of roles that can see participant PII (DOMAIN.md §6; convener admin and staff, case manager, provider
# staff) and of platform operators: signed out after this long without a request, and after this long since signing
# in, whatever the activity. Other roles keep SESSION_COOKIE_AGE.
PII_SESSION_IDLE_SECONDS = env.int("PII_SESSION_IDLE_SECONDS", default=30 * 60)
PII_SESSION_MAX_SECONDS = env.int("PII_SESSION_MAX_SECONDS", default=12 * 60 * 60)

# ---------------------------------------------------------------------------
# Email: console locally; SMTP in production (EMAIL_URL, e.g. smtp+tls://user:pass@host:587)
# ---------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Partnership Portal <no-reply@partnership-portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Static files (WhiteNoise serves them; Bootstrap comes from the XStatic-Bootstrap wheel)
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# ---------------------------------------------------------------------------
# Security defaults (tightened further in production.py)
# ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4). Scripts and styles come from this origin or carry the request's nonce
# (templates write nonce="{{ request.csp_nonce }}"); no 'unsafe-inline', no 'unsafe-eval', so neither a style
# attribute nor an inline event handler runs, and an injected <script> without the nonce is refused. Bar widths are
# CSS classes (partnerships/templatetags/bars.py), not style attributes; htmx's indicator styles are in portal.css.
# The API docs pages keep this policy too (their scripts carry the nonce); ReDoc's page alone adds a hashed <style>
# and a blob: worker (config/api_docs.py says why). Django's admin needs no nonce: its scripts are files ('self').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons (form controls, the navbar toggler) are data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ---------------------------------------------------------------------------
# REST framework and its schema
# ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # Page numbers; counts of 10,000 rows or more are remembered for a minute (partnerships/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "partnerships.pagination.PortalPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partnerships.api.base.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "30/min", "user": "600/min"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Portal API",
    "DESCRIPTION": (
        "Tenant-scoped API for regional industry partnerships. Every tenant route carries the "
        "convener slug; non-members receive 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI / ReDoc from drf-spectacular-sidecar's static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge image from validator.swagger.io: it would send the schema's address elsewhere, and the CSP refuses it.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Every operation documents the errors it can answer (400/401/403/404, with their bodies), not only success;
    # tests/security/test_api_fuzz.py holds each response to the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partnerships.api.schema.add_error_responses",
    ],
    # Several models have a "status"; name each enum after its model instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "PartnershipStatusEnum": "partnerships.models.Partnership.Status",
        "MeetingStatusEnum": "partnerships.models.Meeting.Status",
        "ActionItemStatusEnum": "partnerships.models.ActionItem.Status",
        "CouncilKindEnum": "partnerships.models.Council.Kind",
        "ProgramStatusEnum": "programs.models.Program.Status",
        "CohortStatusEnum": "programs.models.Cohort.Status",
        "EnrollmentStatusEnum": "programs.models.CohortEnrollment.Status",
        "AttendanceStatusEnum": "programs.models.AttendanceRecord.Status",
        "RequirementKindEnum": "programs.models.ProgramRequirement.Kind",
        "CohortEmployerKindEnum": "programs.models.CohortEmployer.Kind",
        "SessionKindEnum": "programs.models.CohortSession.Kind",
        "ParticipantStatusEnum": "participants.models.Participant.Status",
        "ServiceStatusEnum": "participants.models.SupportiveService.Status",
        "ImportStatusEnum": "participants.models.ImportJob.Status",
        "ImportKindEnum": "participants.models.ImportJob.Kind",
        "ConsentCategoryEnum": "participants.api.serializers.CATEGORY_CHOICES",
    },
}

# ---------------------------------------------------------------------------
# Cache and Celery: Redis when REDIS_URL is set; otherwise in-process and eager.
# ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")


def next_redis_database(url: str) -> str:
    """The same Redis server, one database number up: redis://host:6379/0 -> redis://host:6379/1."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{number + 1}"))


# The cache lives in a Redis database of its own, never the broker's: Django's cache.clear() is FLUSHDB, and in
# the broker's database it would wipe the queues and kombu's "unacked" hash (tasks a late-acking worker holds).
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=next_redis_database(REDIS_URL) if REDIS_URL else "")
if REDIS_URL:
    # Django's Redis cache, with one client kept per connection pool (partnerships/cache.py).
    CACHES = {"default": {"BACKEND": "partnerships.cache.RedisCache", "LOCATION": CACHE_REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Busy read-only pages are kept per reader until anything is written (partnerships/page_cache.py); 0 turns it off.
# It needs a cache every process shares (Redis): with the per-process local-memory cache, a write in one server
# process could not retire the pages another one keeps, so without REDIS_URL it is off by default (the tests switch
# it on in config/settings/test.py: one process each; local development switches it off, config/settings/local.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# The same rule for the two lookups every signed-in request makes before any page: the session is read from the
# shared cache (written through to the database), and the user's row is kept until the next write
# (partnerships/security/backends.py). Both need the cache every process shares: without Redis, plain database
# sessions and no user cache (a per-process copy could outlive a sign-out or a deactivation made in another process).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# The report engine splits a large workspace's outcome report (over reports.engine.PARTS_ABOVE_PEOPLE participants,
# PostgreSQL) into this many parts computed side by side, each on a connection (and a core) of its own; 1 runs every
# report in one session. Each large report holds REPORT_WORKERS + 2 connections while it runs.
REPORT_WORKERS = env.int("REPORT_WORKERS", default=2)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 12 * 60
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs (run by exactly one `celery -A config beat`), in CELERY_TIMEZONE. Tasks take no objects.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Reminders go out once per meeting, MEETING_REMINDER_HOURS before it starts (the 15-minute tick
    # catches meetings scheduled at short notice too).
    "meeting-reminders": {
        "task": "partnerships.meeting_reminders_send",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},  # a tick that waited longer is superseded by the next one
    },
    "overdue-action-items-digest": {
        "task": "partnerships.action_items_overdue_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Nightly, so "no activity for DRIFT_INACTIVE_DAYS" flags appear even when nobody records attendance.
    "engagement-refresh-all": {
        "task": "partnerships.engagement_refresh_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Employer demand: re-aggregate every partnership nightly (edits also trigger a debounced run), and
    # remind invited employers that have not answered an open survey (each every reminder_every_days).
    "demand-aggregate-all": {
        "task": "employers.demand_aggregate_all",
        "schedule": crontab(hour=3, minute=0),
    },
    "survey-reminders": {
        "task": "employers.survey_reminders_send",
        "schedule": crontab(hour=8, minute=0),
    },
    # Participants: the 90-day exit rule (DOMAIN.md §4) nightly, and retention-check reminders each morning.
    "participant-exits-derive": {
        "task": "participants.exits_derive_all",
        "schedule": crontab(hour=1, minute=30),
    },
    "retention-check-reminders": {
        "task": "participants.retention_reminders_send",
        "schedule": crontab(hour=7, minute=30),
    },
    # Outcome reports: monthly (program year to date, and since the start) after the exit rule has run, and
    # each quarter once it closes (Jan, Apr, Jul, Oct 2nd), so funders' dashboards always have a fresh snapshot.
    "reports-monthly": {
        "task": "reports.schedule_monthly",
        "schedule": crontab(hour=4, minute=0, day_of_month=1),
    },
    "reports-quarterly": {
        "task": "reports.schedule_quarterly",
        "schedule": crontab(hour=4, minute=30, day_of_month=2, month_of_year="1,4,7,10"),
    },
}
# Redis redelivers a message whose worker died (acks_late) once this many seconds have passed unacknowledged.
# Reports take well under this; tests of a killed worker shorten it through the environment.
# A worker looks for such messages when it starts, then every unacked_restore_interval seconds, but scans Redis only
# on every unacked_restore_throttle-th look (kombu's defaults, 10 and 10: about every 100 s). A short visibility
# timeout needs a short sweep too, or the redelivery waits for the next scan (tests set both to 1).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}

# ---------------------------------------------------------------------------
# Councils: meeting reminders
# ---------------------------------------------------------------------------
MEETING_REMINDER_HOURS = env.int("MEETING_REMINDER_HOURS", default=24)

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------
# Forms: Bootstrap rendering, no green "valid" decoration on fields that were fine
# ---------------------------------------------------------------------------
BOOTSTRAP5 = {"success_css_class": "", "set_placeholder": False}
