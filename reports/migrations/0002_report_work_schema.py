"""The schema where a large report's parts leave their facts and cells for the other connections of the same report
to read (reports/engine.py, ``_compute_in_parts``): the application role may create tables there, and nowhere else
(PostgreSQL; nothing happens on SQLite)."""

from django.db import migrations

from partnerships import rls

WORK_SCHEMA = "report_work"  # reports.engine.WORK_SCHEMA, as it was when this ran


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(WORK_SCHEMA)}")
    schema_editor.execute(f"GRANT USAGE, CREATE ON SCHEMA {quote(WORK_SCHEMA)} TO {quote(rls.app_role())}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP SCHEMA IF EXISTS {schema_editor.quote_name(WORK_SCHEMA)} CASCADE")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("dbsecurity", "0001_rls_and_audit_triggers"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
