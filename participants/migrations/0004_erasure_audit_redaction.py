"""Erasure of a participant (services.participant_erase) replaces the name in earlier audit events' ``target_label``
with "erased participant". The audit log is append-only for the application role (dbsecurity: no UPDATE but of
``actor_id``), so that one change goes through this function instead: SECURITY DEFINER (it runs as the tables'
owner), it can only write that constant, only into the label, only of events about a participant or one of their
rows, and only in the convener the connection is set to (``app.convener_id``, as row-level security reads it).
PostgreSQL only; on SQLite the service updates the rows itself."""

from django.db import migrations

from partnerships import rls

FUNCTION = "portal_audit_redact_labels"
LABEL = "erased participant"
# The audit target types of a participant and of every person-level row (participants.selectors.PERSON_ROWS). A new
# person-level model must be added here too: the function refuses any other type, so erasure fails loudly.
TARGET_TYPES = (
    "participants.participant", "participants.streamenrollment", "participants.consent",
    "participants.supportiveservice", "participants.casenote", "participants.placement", "participants.retentioncheck",
    "participants.quarterlywage", "programs.cohortenrollment", "programs.attendancerecord",
    "programs.credentialaward", "programs.skillgain",
)


def forwards(apps, schema_editor):
    if not rls.active(schema_editor.connection):
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
    allowed = ", ".join(f"'{t}'" for t in TARGET_TYPES)
    schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(p_target_type text, p_target_ids text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $body$
DECLARE
    tenant bigint := NULLIF(current_setting('{rls.CONVENER_SETTING}', true), '')::bigint;
    changed integer;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'no convener is set on this connection';
    END IF;
    IF p_target_type NOT IN ({allowed}) THEN
        RAISE EXCEPTION 'not a person-level audit target: %', p_target_type;
    END IF;
    UPDATE partnerships_auditevent SET target_label = '{LABEL}'
    WHERE convener_id = tenant AND target_type = p_target_type AND target_id = ANY(p_target_ids)
      AND target_label <> '{LABEL}';
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$body$""", params=None)  # no parameters: the % of RAISE stays as it is
    schema_editor.execute(f"REVOKE ALL ON FUNCTION {FUNCTION}(text, text[]) FROM PUBLIC")
    schema_editor.execute(f"GRANT EXECUTE ON FUNCTION {FUNCTION}(text, text[]) TO {quote(rls.app_role())}")


def backwards(apps, schema_editor):
    if rls.active(schema_editor.connection):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text, text[])")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_age_at_entry"),
        ("dbsecurity", "0001_rls_and_audit_triggers"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
