"""App config of the database-level security migrations."""

from django.apps import AppConfig


class DbSecurityConfig(AppConfig):
    name = "dbsecurity"
    verbose_name = "Database security (row-level security, audit triggers)"
    default_auto_field = "django.db.models.BigAutoField"
