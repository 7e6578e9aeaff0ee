"""The Celery application: JSON only, late acks, time limits, Redis broker from REDIS_URL."""

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("partnership_portal")
# Every CELERY_* setting in config/settings/base.py configures the app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
