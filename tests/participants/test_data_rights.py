"""A person's data rights (DOMAIN.md §6; issue 8): a convener admin exports everything the portal holds about one
participant (JSON, a readable page, the API), corrects it with a reason, or erases it. Erasure deletes every
person-level row (the models are found by walking the app registry, so a new model that points at a participant
fails here until erasure handles it), empties their rows in uploaded import files, and leaves published report
snapshots byte-identical. Only convener admins; bad input saves nothing."""

from __future__ import annotations

import importlib
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models

from employers.models import DemandSnapshot
from participants import selectors, services
from participants.api.serializers import ParticipantRecordExportSerializer
from participants.imports import TEMPLATES, import_execute
from participants.models import ImportJob, Participant
from partnerships import rls
from partnerships.models import AuditEvent
from partnerships.roles import Role
from reports.models import ReportSnapshot
from tests.conftest import TenantSide, World
from tests.factories import PASSWORD, run_import

PERSON_MODELS = {model for model, _path in selectors.PERSON_ROWS}
redaction = importlib.import_module("participants.migrations.0004_erasure_audit_redaction")


@contextmanager
def application_role() -> Iterator[None]:
    """On PostgreSQL, run the block as the application's database role, with no tenant set beforehand (the service
    sets its own): row-level security binds it and it may not update the audit log. A no-op on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    rls.reset()
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(rls.app_role())}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def person_models() -> dict[type[models.Model], str]:
    """Every model (M2M tables included) that reaches a Participant through foreign keys, with the lookup path."""
    found: dict[type[models.Model], str] = {Participant: ""}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models(include_auto_created=True):
            if model in found:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in found:
                    base = found[field.related_model]
                    found[model] = f"{field.name}__{base}" if base else field.name
                    grew = True
                    break
    del found[Participant]
    return found


def person_row_ids(person: Participant) -> dict[type[models.Model], set[Any]]:
    return {model: set(model._base_manager.filter(**{path: person}).values_list("pk", flat=True))
            for model, path in person_models().items()}


def schema_keys(serializer: Any) -> set[str]:
    return set(serializer.fields)


def admin_of(side: TenantSide) -> Any:
    return side.users[Role.CONVENER_ADMIN]


def export(side: TenantSide, person: Participant) -> dict[str, Any]:
    return services.participant_export_record(convener=side.convener, actor=admin_of(side), participant=person)


def add_import_files(side: TenantSide) -> tuple[ImportJob, ImportJob]:
    """Two uploads that hold the first person: a wage CSV with a row for each of the two people (imported), and a
    participants workbook whose first row is the first person again (refused: the SSN is already on file)."""
    first, second = side.participants
    cm = side.memberships[Role.CASE_MANAGER]
    wages = run_import(membership=cm, kind=ImportJob.Kind.WAGES, filename="wages-2025q1.csv",
                       rows=[[first.public_id, "2025", "1", "2210.00", "", "supplemental"],
                             [second.public_id, "2025", "1", "1980.00", "", "supplemental"]])
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(TEMPLATES[ImportJob.Kind.PARTICIPANTS])
    sheet.append(["Jordan", "", first.last_name, "", side.ssn, side.date_of_birth.isoformat() if side.date_of_birth
                  else "", first.email, first.phone] + [""] * 17)
    sheet.append([])  # a blank row: positions in the file and the import's row numbers part ways after it
    sheet.append(["Robin", "", "Unrelated", "", "", "1991-02-03"] + [""] * 19)
    out = io.BytesIO()
    book.save(out)
    job = services.import_start(convener=side.convener, actor=cm.user, membership=cm, kind=ImportJob.Kind.PARTICIPANTS,
                                filename="intake-batch.xlsx", payload=out.getvalue(),
                                organization=cm.organization)
    people = import_execute(convener=side.convener, job=job)
    assert wages.status == ImportJob.Status.SUCCEEDED and people.status == ImportJob.Status.FAILED
    return wages, people


# ---------------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------------
def test_the_export_holds_every_section_every_field_and_the_audit_trail(world: World) -> None:
    side = world.a
    person = side.participants[0]
    wages, people = add_import_files(side)
    record = export(side, person)

    # Stable keys, in step with the OpenAPI schema, every section present and, for this person, filled.
    assert set(record) == schema_keys(ParticipantRecordExportSerializer())
    assert set(selectors.EXPORT_SECTIONS) == PERSON_MODELS
    assert set(record["participant"]) == schema_keys(ParticipantRecordExportSerializer().fields["participant"])
    for model, section in selectors.EXPORT_SECTIONS.items():
        rows = record[section]
        assert rows, f"{section} is empty for the world's first person"
        child = ParticipantRecordExportSerializer().fields[section].child
        assert set(rows[0]) == schema_keys(child), section
        # Every field of the model is exported (a new column must be added to the export, or listed as omitted).
        names = {f.name for f in model._meta.concrete_fields} - selectors.EXPORT_OMITTED_FIELDS
        assert names <= set(rows[0]), f"{section} leaves out {sorted(names - set(rows[0]))}"
    names = {f.name for f in Participant._meta.concrete_fields} - selectors.EXPORT_OMITTED_PARTICIPANT_FIELDS
    assert names <= set(record["participant"]), sorted(names - set(record["participant"]))

    # The person's own data, decrypted where it is encrypted; the SSN as its last four digits only.
    p = record["participant"]
    assert (p["public_id"], p["last_name"], p["email"]) == (person.public_id, person.last_name, person.email)
    assert p["date_of_birth"] == side.date_of_birth.isoformat() and p["ssn_last4"] == side.ssn[-4:]
    assert p["ssn_on_file"] is True and p["barrier_single_parent"] is True
    text = json.dumps(record, ensure_ascii=False)
    digits = side.ssn.replace("-", "")
    assert digits not in text and side.ssn not in text
    assert {n["text"] for n in record["case_notes"]} == set(side.note_texts)  # confidential notes included
    assert {s["stream"]["code"] for s in record["stream_enrollments"]} == {"snap_et_50", "wioa_adult"}
    assert record["placements"][0]["hourly_wage"] == "17.25"
    assert {c["milestone_days"] for c in record["retention_checks"]} == {90, 180, 365}
    assert record["attendance"][0]["status"] == "present"

    # Their rows in uploaded files: the wage row (not the other person's) and the workbook row, SSN masked.
    files = {f["id"]: f for f in record["import_files"]}
    assert set(files) == {wages.pk, people.pk}
    assert [r["cells"]["public_id"] for r in files[wages.pk]["rows"]] == [person.public_id]
    assert files[people.pk]["rows"][0]["row"] == 2 and files[people.pk]["rows"][0]["cells"]["ssn"].endswith(digits[-4:])

    # The audit trail: who created and changed the record, and this export itself, with no PII in its metadata.
    actions = [e["action"] for e in record["audit_trail"]]
    assert {"participant.update", "stream.enroll", "note.add", "roster.add", "credential.award",
            "participant.export_record"} <= set(actions)
    event = AuditEvent.objects.for_convener(side.convener).get(action="participant.export_record")
    assert (event.target_id, event.metadata, event.actor) == (str(person.pk), {"format": "json"}, admin_of(side))


# ---------------------------------------------------------------------------------------------------
# Correction
# ---------------------------------------------------------------------------------------------------
def test_a_correction_changes_the_fields_and_audits_the_reason_and_field_names_never_values(world: World) -> None:
    side = world.a
    person = side.participants[0]
    admin = admin_of(side)
    old_email = person.email
    changed = services.participant_correct(
        convener=side.convener, actor=admin, participant=person, last_name="Alpha-Rivera-Diaz",
        email="jordan.diaz@alpha-mail.example", phone=person.phone, date_of_birth=date(1990, 5, 15),
        reason=f"Asked by phone: surname is Alpha-Rivera-Diaz, email jordan.diaz@alpha-mail.example (was {old_email}), "
               "born 1990-05-15 not 05/14/1990")
    assert changed == ["date_of_birth", "email", "last_name"]  # the phone was sent unchanged: not named
    fresh = Participant.objects.for_convener(side.convener).get(pk=person.pk)
    assert (fresh.last_name, fresh.email, fresh.date_of_birth) == (
        "Alpha-Rivera-Diaz", "jordan.diaz@alpha-mail.example", date(1990, 5, 15))
    event = AuditEvent.objects.for_convener(side.convener).get(action="participant.correct")
    assert event.metadata["fields"] == ["date_of_birth", "email", "last_name"]
    assert event.metadata["reason"].startswith("Asked by phone: surname is [redacted], email [redacted]")
    metadata = json.dumps([e.metadata for e in AuditEvent.objects.for_convener(side.convener).filter(
        action__in=["participant.correct", "participant.update"], target_id=str(person.pk))])
    for value in ("Rivera-Diaz", "jordan.diaz", old_email, "1990-05-15", "05/14/1990", "1990-05-14"):
        assert value not in metadata

    # Nothing changed, or no reason: an error, and nothing saved or audited.
    with pytest.raises(ValidationError, match="Nothing to correct"):
        services.participant_correct(convener=side.convener, actor=admin, participant=fresh, reason="Checked",
                                     last_name="Alpha-Rivera-Diaz")
    with pytest.raises(ValidationError) as exc:
        services.participant_correct(convener=side.convener, actor=admin, participant=fresh, reason="  ",
                                     last_name="Someone-Else")
    assert "reason" in exc.value.message_dict
    assert Participant.objects.for_convener(side.convener).get(pk=person.pk).last_name == "Alpha-Rivera-Diaz"
    assert AuditEvent.objects.for_convener(side.convener).filter(action="participant.correct").count() == 1


# ---------------------------------------------------------------------------------------------------
# Erasure
# ---------------------------------------------------------------------------------------------------
def test_every_model_that_points_at_a_participant_is_erased_by_participant_erase() -> None:
    """A new model with a foreign key to a participant (or to one of their rows) fails here until it is added to
    selectors.PERSON_ROWS, which the export and the erasure both walk. M2M tables go with their model's rows."""
    missing = [m._meta.label for m in person_models()
               if m not in PERSON_MODELS and getattr(m._meta, "auto_created", None) not in PERSON_MODELS]
    assert not missing, f"Person-level models that participant_erase does not delete: {missing}"
    # ... and whose earlier audit labels the database function may redact (PostgreSQL: the only way past the log's
    # append-only grants).
    labels = {Participant._meta.label_lower, *(m._meta.label_lower for m in PERSON_MODELS)}
    assert set(redaction.TARGET_TYPES) == labels and redaction.LABEL == services.ERASED_LABEL


def _texts(needles: list[str]) -> list[str]:
    """Rows of any model, in any tenant, whose text columns (import files included) contain one of ``needles``."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField, models.BinaryField))]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *fields).iterator():
            for value in row[1:]:
                text = bytes(value).decode("utf-8", "ignore") if isinstance(value, (bytes, memoryview)) else (
                    json.dumps(value) if isinstance(value, (dict, list)) else str(value))
                hits += [f"{model._meta.label} {row[0]}: {n!r}" for n in needles if n in text]
    return hits


def test_erasure_removes_every_person_level_row_and_keeps_published_figures_identical(
    world: World, client_for: Any
) -> None:
    side = world.a
    person, other = side.participants
    admin = admin_of(side)
    wages, people = add_import_files(side)
    snapshot = side.report
    figures_before = json.dumps(snapshot.figures, sort_keys=True)
    assert snapshot.enrolled >= 1  # the person is counted in the published figures
    demand_before = json.dumps(DemandSnapshot.objects.for_convener(side.convener).get(pk=side.snapshot.pk).data,
                               sort_keys=True)
    dashboards = {who: client_for(side.users[who]) for who in (Role.CONVENER_ADMIN, Role.FUNDER)}
    csv_url = f"/c/{side.convener.slug}/outcomes/export/csv/"
    csv_before = {who: c.get(csv_url).content for who, c in dashboards.items()}
    assert b"\nEnrolled,2\r\n" in csv_before[Role.CONVENER_ADMIN] and b"\nEnrolled," in csv_before[Role.FUNDER]
    ids_before = person_row_ids(person)
    assert all(ids_before[m] for m in PERSON_MODELS), [m._meta.label for m in PERSON_MODELS if not ids_before[m]]
    # What is the person's alone (the world gives both tenants' people the same phone number, so it is not here).
    needles = [person.public_id, person.last_name, person.email, side.ssn, side.ssn.replace("-", "")]
    assert _texts(needles), "the scan finds the person before erasure, so its silence after means something"
    other_rows = {m: len(person_row_ids(other)[m]) for m in PERSON_MODELS}

    with application_role():  # on PostgreSQL, as production runs it: RLS on, the audit log append-only
        counts = services.participant_erase(
            convener=side.convener, actor=admin, participant=person,
            reason=f"Written request from {person.first_name} {person.last_name} ({person.email}, {person.phone}) "
                   "of Jan 5 to delete their data")

    # Every person-level row is gone (enumerated from the app registry), the other person's rows are untouched.
    assert not Participant._base_manager.filter(pk=person.pk).exists()
    left = {m._meta.label: ids for m, ids in ids_before.items() if m._base_manager.filter(pk__in=ids).exists()}
    assert not left, f"rows left after erasure: {left}"
    assert {m: len(person_row_ids(other)[m]) for m in PERSON_MODELS} == other_rows
    assert counts["participants.participant"] == 1 and counts["programs.attendancerecord"] == 1

    # Published figures: byte-identical snapshot, the same dashboard for the admin and the funder, the same demand.
    stored = ReportSnapshot.objects.for_convener(side.convener).get(pk=snapshot.pk)
    assert json.dumps(stored.figures, sort_keys=True) == figures_before
    assert stored.figures_hash == snapshot.figures_hash and stored.enrolled == snapshot.enrolled
    assert {who: c.get(csv_url).content for who, c in dashboards.items()} == csv_before
    assert json.dumps(DemandSnapshot.objects.for_convener(side.convener).get(pk=side.snapshot.pk).data,
                      sort_keys=True) == demand_before

    # Uploaded files: the person's rows emptied in place, everyone else's kept where they were.
    assert selectors.participant_import_rows(convener=side.convener, participant=person) == []
    wage_rows = selectors.import_file_rows(bytes(ImportJob.objects.for_convener(side.convener).get(pk=wages.pk)
                                                 .payload), wages.filename)
    assert [r[0] for r in wage_rows] == ["public_id", "", other.public_id]
    sheet = selectors.import_file_rows(bytes(ImportJob.objects.for_convener(side.convener).get(pk=people.pk)
                                             .payload), people.filename)
    assert not any(sheet[1]) and not any(sheet[2]) and sheet[3][:3] == ["Robin", "", "Unrelated"]
    job = ImportJob.objects.for_convener(side.convener).get(pk=people.pk)
    assert all(e["row"] != 2 for e in job.errors)

    # Nothing anywhere in the database names the person any more; one audit event, by internal id only.
    assert _texts(needles) == []
    erase = AuditEvent.objects.for_convener(side.convener).get(action="participant.erase")
    assert (erase.target_id, erase.target_label, erase.actor) == (str(person.pk), "", admin)
    assert erase.metadata["reason"] == "Written request from [redacted] [redacted] ([redacted], [redacted]) of Jan 5 " \
                                       "to delete their data"
    assert erase.metadata["rows"] == counts and erase.metadata["import_jobs"] == [wages.pk, people.pk]
    earlier = AuditEvent.objects.for_convener(side.convener).filter(target_type="participants.participant",
                                                                      target_id=str(person.pk)).exclude(pk=erase.pk)
    # Earlier events keep who, what and when; the label that named the person now says "erased participant" (the
    # database's own row audit never had one).
    assert set(earlier.values_list("target_label", flat=True)) - {""} == {services.ERASED_LABEL}

    # A second erasure of the same person finds nothing to erase.
    with pytest.raises(ValidationError, match="already erased"):
        services.participant_erase(convener=side.convener, actor=admin, participant=person, reason="again")


# ---------------------------------------------------------------------------------------------------
# Who may: convener admins only
# ---------------------------------------------------------------------------------------------------
def test_only_a_convener_admin_exercises_data_rights(world: World, client_for: Any, api_client_for: Any) -> None:
    side = world.a
    person = side.participants[0]
    base = f"/c/{side.convener.slug}/participants/{person.pk}"
    urls = [f"{base}/data-rights/record/?format=json", f"{base}/data-rights/record/", f"{base}/data-rights/correct/",
            f"{base}/data-rights/erase/"]
    api = f"/api/v1/c/{side.convener.slug}/participants/{person.pk}/export/"
    # Staff and case managers read participants but may not do this: 403. Roles that never read one: 404 (pages).
    expected = {Role.CONVENER_STAFF: 403, Role.CASE_MANAGER: 403, Role.FUNDER: 404, Role.EMPLOYER_REP: 404,
                Role.PROVIDER_STAFF: 404}
    wrong = []
    for role, status in expected.items():
        client = client_for(side.users[role])
        for address in urls:
            if (code := client.get(address).status_code) != status:
                wrong.append(f"GET {address} as {role}: {code}")
        for address in urls[2:]:
            if (code := client.post(address, {"reason": "x", "confirmation": person.public_id}).status_code) != status:
                wrong.append(f"POST {address} as {role}: {code}")
        if (code := api_client_for(side.users[role]).get(api).status_code) != 403:
            wrong.append(f"GET {api} as {role}: {code}")
    # Another workspace's admin: 404, in their workspace and in this one.
    other = client_for(admin_of(world.b))
    for address in [*urls, f"/c/{world.b.convener.slug}/participants/{person.pk}/data-rights/record/"]:
        if (code := other.get(address).status_code) != 404:
            wrong.append(f"GET {address} as B's admin: {code}")
    assert not wrong, "\n".join(wrong)
    assert Participant.objects.for_convener(side.convener).filter(pk=person.pk).exists()
    assert not AuditEvent.objects.for_convener(side.convener).filter(
        action__in=["participant.export_record", "participant.correct", "participant.erase"]).exists()

    # The services refuse on their own, whoever calls them.
    for role in (Role.CONVENER_STAFF, Role.CASE_MANAGER):
        actor = side.users[role]
        with pytest.raises(PermissionDenied):
            services.participant_export_record(convener=side.convener, actor=actor, participant=person)
        with pytest.raises(PermissionDenied):
            services.participant_correct(convener=side.convener, actor=actor, participant=person, reason="r",
                                         last_name="X")
        with pytest.raises(PermissionDenied):
            services.participant_erase(convener=side.convener, actor=actor, participant=person, reason="r")
    with pytest.raises(PermissionDenied):  # B's admin, naming A's workspace
        services.participant_erase(convener=side.convener, actor=admin_of(world.b), participant=person, reason="r")

    # The panel shows on the record for the admin only.
    assert b'id="data-rights"' in client_for(admin_of(side)).get(f"{base}/").content
    assert b'id="data-rights"' not in client_for(side.users[Role.CONVENER_STAFF]).get(f"{base}/").content


# ---------------------------------------------------------------------------------------------------
# The pages, the API, and bad input
# ---------------------------------------------------------------------------------------------------
def test_the_pages_and_the_api_export_and_bad_input_saves_nothing(world: World, client_for: Any,
                                                                   api_client_for: Any) -> None:
    side = world.a
    person = side.participants[0]
    admin = client_for(admin_of(side))
    base = f"/c/{side.convener.slug}/participants/{person.pk}/data-rights"

    download = admin.get(f"{base}/record/?format=json")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"].startswith(f'attachment; filename="participant-record-{person.public_id}-')
    assert json.loads(download.content)["participant"]["public_id"] == person.public_id
    api = api_client_for(admin_of(side)).get(f"/api/v1/c/{side.convener.slug}/participants/{person.pk}/export/")
    assert api.status_code == 200 and api["Cache-Control"] == "no-store"
    assert set(api.json()) == set(json.loads(download.content))
    assert api.json()["placements"] == json.loads(download.content)["placements"]
    # The OpenAPI schema lists it (tests/partnerships/test_api.py checks every tenant API route, without warnings).

    page = admin.get(f"{base}/record/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    for heading in ("Profile", "Funding-stream enrollments", "Cohort enrollments", "Attendance", "Consents",
                    "Supportive services", "Case notes", "Placements", "Retention checks", "Quarterly wages",
                    "Credentials", "Measurable skill gains", "Rows in uploaded import files", "Audit trail"):
        assert f">{heading}" in html, heading
    assert side.note_texts[1] in html and "SNAP E&amp;T (50/50 match)" in html and side.ssn not in html
    formats = list(AuditEvent.objects.for_convener(side.convener).filter(action="participant.export_record")
                   .order_by("pk").values_list("source", "metadata"))
    assert formats == [("app", {"format": "json"}), ("api", {"format": "json"}), ("app", {"format": "html"})]
    for address in (f"{base}/record/", f"{base}/correct/", f"{base}/erase/"):
        body = admin.get(address).content.decode()
        assert not re.search(r"\sstyle=", body) and not re.search(r"<script(?![^>]*\ssrc=)", body), address

    # Erasure: the wrong confirmation, or no reason, is refused with a clear message; nothing is deleted.
    wrong = admin.post(f"{base}/erase/", {"confirmation": "P-NOTTHEM1", "reason": "The person's written request"})
    assert wrong.status_code == 400 and f"That is not {person.public_id}" in wrong.content.decode()
    missing = admin.post(f"{base}/erase/", {"confirmation": person.public_id, "reason": " "})
    assert missing.status_code == 400 and "Give the reason for deleting this record." in missing.content.decode()
    # A right form still asks for the password again first (it cannot be undone).
    fresh = client_for(admin_of(side))
    asked = fresh.post(f"{base}/erase/", {"confirmation": person.public_id.lower(), "reason": "Written request"})
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/reauthenticate/")
    assert Participant.objects.for_convener(side.convener).filter(pk=person.pk).exists()
    assert ">Delete permanently<" in admin.get(f"{base}/erase/").content.decode()

    # Correction: no reason is refused, and the record keeps its values.
    form = admin.get(f"{base}/correct/").context["form"]
    data = {k: ("on" if v is True else "" if v in (None, False) else v) for k, v in form.initial.items()
            if v is not False}
    refused = admin.post(f"{base}/correct/", {**data, "last_name": "Changed", "reason": ""})
    assert refused.status_code == 400 and "Give the reason for the correction." in refused.content.decode()
    assert Participant.objects.for_convener(side.convener).get(pk=person.pk).last_name == person.last_name
    saved = admin.post(f"{base}/correct/", {**data, "last_name": "Alpha-Rivera-Diaz",
                                            "reason": "The participant asked in person"})
    assert saved.status_code == 302
    assert Participant.objects.for_convener(side.convener).get(pk=person.pk).last_name == "Alpha-Rivera-Diaz"
    event = AuditEvent.objects.for_convener(side.convener).get(action="participant.correct")
    assert event.metadata == {"reason": "The participant asked in person", "fields": ["last_name"]}

    # The password confirmed, allauth replays the erasure that was asked for above.
    done = fresh.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": f"{base}/erase/"}, follow=True)
    assert done.redirect_chain[-1][0] == f"/c/{side.convener.slug}/participants/"
    assert f"Deleted the personal data of {person.public_id}" in done.content.decode()
    assert not Participant.objects.for_convener(side.convener).filter(pk=person.pk).exists()
    assert admin.get(f"{base}/record/").status_code == 404
