"""Settings shared by every environment; everything that varies comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab

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
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

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
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "bootstrap",  # django-bootstrap-static: Bootstrap's dist files as static/bootstrap/
    "django_bootstrap5",
    "django_htmx",
]
LOCAL_APPS = [
    "partnerships",
    "employers",
    "programs",
    "participants",
    "reports",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
ACCOUNT_ADAPTER = "partnerships.adapters.InvitationOnlyAccountAdapter"
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
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {"login_failed": "10/m/ip,5/5m/key"}
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
CSRF_FAILURE_VIEW = "partnerships.views.csrf_failure"
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)

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
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
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
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
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
