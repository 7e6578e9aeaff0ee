"""App config for the tenant core."""

import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("partnerships")


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Tenancy, partnerships and councils"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import task_postrun
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created

        from partnerships import page_cache, rls
        from partnerships.security import signals  # noqa: F401  (connects the session-mark receivers)

        rls.connect_signals()  # row-level security: the tenant of a connection per request and per task
        # Every database write moves the page cache's generation (partnerships/page_cache.py).
        connection_created.connect(page_cache.watch_connection, dispatch_uid="page_cache.watch_connection")
        request_finished.connect(page_cache.settle, dispatch_uid="page_cache.settle")
        task_postrun.connect(page_cache.settle, dispatch_uid="page_cache.settle", weak=False)
        # A new process may be new code (a deploy): pages rendered by the old templates are retired. (Until every
        # old process is gone, one may still store an old rendering; PAGE_CACHE_SECONDS bounds it.)
        if page_cache.seconds() > 0 or settings.AUTH_USER_CACHE_SECONDS > 0:
            page_cache.bump()

        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) and not getattr(settings, "REDIS_URL", ""):
            logger.warning("REDIS_URL is not set: Celery tasks run eagerly, in-process (no worker needed).")
