"""Row-level security on every table of participant data and on the audit log, the application role that the
policies bind, and the statement triggers that audit every write to participant data (PostgreSQL; nothing happens
on SQLite). The tables are listed here as they were when this ran: a later table of participant data adds its own
``rls.rls_enable`` / ``rls.audit_triggers_install`` step, and tests/security/test_rls.py fails until it does."""

from django.db import migrations

from partnerships import rls

# db_table -> model label (the audit event's target_type)
PARTICIPANT_DATA = {
    "participants_casenote": "participants.casenote",
    "participants_consent": "participants.consent",
    "participants_importjob": "participants.importjob",
    "participants_participant": "participants.participant",
    "participants_placement": "participants.placement",
    "participants_quarterlywage": "participants.quarterlywage",
    "participants_retentioncheck": "participants.retentioncheck",
    "participants_streamenrollment": "participants.streamenrollment",
    "participants_supportiveservice": "participants.supportiveservice",
    "programs_attendancerecord": "programs.attendancerecord",
    "programs_cohortenrollment": "programs.cohortenrollment",
    "programs_credentialaward": "programs.credentialaward",
    "programs_skillgain": "programs.skillgain",
}
RLS_TABLES = [*PARTICIPANT_DATA, "partnerships_auditevent"]


def forwards(apps, schema_editor):
    rls.role_install(schema_editor)
    rls.rls_enable(schema_editor, RLS_TABLES)
    rls.audit_triggers_install(schema_editor, PARTICIPANT_DATA)


def backwards(apps, schema_editor):
    rls.audit_triggers_drop(schema_editor, PARTICIPANT_DATA)
    rls.rls_disable(schema_editor, RLS_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0003_partnership_labor_market_area"),
        ("participants", "0003_age_at_entry"),
        ("programs", "0002_funding_streams"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
