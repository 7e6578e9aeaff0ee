"""App config of the database-level security migrations."""

from django.apps import AppConfig


class DbSecurityConfig(AppConfig):
    name = "dbsecurity"
    verbose_name = "Database security (row-level security, audit triggers)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from partnerships import rls

        # Each audited table's trigger function compares the columns the table has: rebuilt after every migrate.
        post_migrate.connect(rls.audit_functions_refresh, sender=self, dispatch_uid="dbsecurity.audit_functions")
