"""Bulk import: the template, row-by-row errors with row and column, all or nothing, XLSX as well as CSV,
duplicates inside the file and against the records on file, and the Celery job."""

from __future__ import annotations

import io
from datetime import date

from django.db import connection

from participants import imports
from participants.imports import import_execute, template_csv
from participants.models import ImportJob, Participant, Placement, QuarterlyWage, RetentionCheck, StreamEnrollment
from participants.tasks import import_run
from tests.participants.conftest import Agency, intake

HEADER = ",".join(imports.TEMPLATES["participants"])


def csv_of(*rows: dict[str, str], kind: str = "participants") -> bytes:
    columns = imports.TEMPLATES[kind]
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def person_row(i: int, **fields: str) -> dict[str, str]:
    row = {"first_name": f"Pat{i}", "last_name": "Import", "ssn": f"212-45-{1000 + i:04d}",
           "date_of_birth": "1991-02-03", "benefits": "snap", "barriers": "low_income", "streams": "snap_et_50",
           "sex": "female", "snap_participation": "voluntary", "intake_date": "2026-09-01"}
    row.update(fields)
    return row


def job(agency: Agency, payload: bytes, kind: str = "participants", filename: str = "people.csv") -> ImportJob:
    return ImportJob.objects.create(convener=agency.convener, kind=kind, filename=filename, payload=payload,
                                    organization=agency.goodwill, created_by=agency.cm.user)


def test_the_template_has_every_column_and_an_example_row() -> None:
    text = template_csv("participants")
    header, example = text.splitlines()[:2]
    assert header == HEADER
    assert example.startswith("Ana,,Lopez")


def test_a_good_file_imports_every_row_with_pii_encrypted(agency: Agency) -> None:
    done = import_execute(convener=agency.convener, job=job(agency, csv_of(*(person_row(i) for i in range(3)))))
    assert (done.status, done.total_rows, done.imported_rows, done.errors) == ("succeeded", 3, 3, [])
    people = list(Participant.objects.for_convener(agency.convener).order_by("first_name"))
    assert [p.first_name for p in people] == ["Pat0", "Pat1", "Pat2"]
    assert people[0].ssn == "212451000" and people[0].benefit_snap and people[0].barrier_low_income
    assert StreamEnrollment.objects.for_convener(agency.convener).filter(stream__code="snap_et_50").count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM participants_participant")
        assert all("1000" not in row[0] and "2124510" not in row[0] for row in cursor.fetchall())


def test_the_uploaded_file_is_encrypted_at_rest_and_reads_back_whole(agency: Agency) -> None:
    payload = csv_of(person_row(7))
    upload = job(agency, payload)
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM participants_importjob WHERE id = %s", [upload.pk])
        stored = bytes(cursor.fetchone()[0])
    assert b"212-45-1007" not in stored and b"Pat7" not in stored and stored.startswith(b"gAAAA")  # a Fernet token
    assert bytes(ImportJob.objects.for_convener(agency.convener).get(pk=upload.pk).payload) == payload
    done = import_execute(convener=agency.convener, job=ImportJob.objects.for_convener(agency.convener).get(
        pk=upload.pk))
    assert (done.status, done.imported_rows) == ("succeeded", 1)


def test_a_file_stored_before_encryption_still_reads(agency: Agency) -> None:
    """Rows written before migration 0007 (which encrypts them all) are passed through as they are."""
    upload = job(agency, b"placeholder")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE participants_importjob SET payload = %s WHERE id = %s",
                       [csv_of(person_row(8)), upload.pk])
    assert bytes(ImportJob.objects.for_convener(agency.convener).get(pk=upload.pk).payload) == csv_of(person_row(8))


def test_one_bad_row_imports_nothing_and_reports_row_and_column(agency: Agency) -> None:
    rows = [person_row(0), person_row(1, ssn="000-11-2222"), person_row(2, streams="lottery"),
            person_row(3, date_of_birth="03/02/1991"), person_row(4, ssn="212-45-1000")]
    done = import_execute(convener=agency.convener, job=job(agency, csv_of(*rows)))
    assert done.status == "failed" and done.imported_rows == 0
    found = {(e["row"], e["column"]) for e in done.errors}
    assert found == {(3, "ssn"), (4, "streams"), (5, "date_of_birth"), (6, "ssn")}
    assert next(e for e in done.errors if e["row"] == 6)["message"] == "The same SSN as row 2."
    assert not Participant.objects.for_convener(agency.convener).exists()
    assert not StreamEnrollment.objects.for_convener(agency.convener).exists()


def test_an_ssn_already_on_file_is_refused(agency: Agency) -> None:
    intake(agency, ssn="212-45-1001")
    done = import_execute(convener=agency.convener, job=job(agency, csv_of(person_row(0), person_row(1))))
    assert done.status == "failed"
    assert done.errors == [{"row": 3, "column": "ssn", "message": "This SSN is already on file in this workspace."}]
    assert Participant.objects.for_convener(agency.convener).count() == 1


def test_a_missing_column_or_an_unreadable_file_is_reported(agency: Agency) -> None:
    done = import_execute(convener=agency.convener, job=job(agency, b"first_name\nAna\n"))
    assert done.status == "failed" and done.errors[0]["row"] == 1 and "last_name" in done.errors[0]["column"]
    done = import_execute(convener=agency.convener, job=job(agency, b"not a workbook", filename="people.xlsx"))
    assert done.status == "failed" and "xlsx" in done.errors[0]["message"]


def test_xlsx_files_import_like_csv(agency: Agency) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    columns = imports.TEMPLATES["participants"]
    sheet.append(columns)
    for i in range(2):
        row = person_row(i)
        sheet.append([date(1991, 2, 3) if c == "date_of_birth" else row.get(c, "") or None for c in columns])
    out = io.BytesIO()
    book.save(out)
    done = import_execute(convener=agency.convener, job=job(agency, out.getvalue(), filename="people.xlsx"))
    assert (done.status, done.imported_rows) == ("succeeded", 2)
    assert Participant.objects.for_convener(agency.convener).first().date_of_birth == date(1991, 2, 3)  # type: ignore[union-attr]


def test_enrollments_placements_and_wages_import_by_public_id(agency: Agency) -> None:
    from tests.oews import load_oews_extract

    load_oews_extract()
    person = intake(agency)
    pid = person.public_id
    enrollments = csv_of({"public_id": pid, "stream": "wioa_adult", "entry_date": "2026-09-01"}, kind="enrollments")
    placements = csv_of({"public_id": pid, "employer_name": "Golf Hospital", "soc_code": "37-2011",
                         "start_date": "2026-10-05", "hourly_wage": "16.50", "hours_per_week": "40"},
                        kind="placements")
    wages = csv_of({"public_id": pid, "year": "2026", "quarter": "3", "wages": "4100.00",
                    "employer_fein": "58-1234567"}, kind="wages")
    for kind, payload in (("enrollments", enrollments), ("placements", placements), ("wages", wages)):
        done = import_execute(convener=agency.convener, job=job(agency, payload, kind=kind))
        assert (done.status, done.imported_rows) == ("succeeded", 1), done.errors
    assert StreamEnrollment.objects.for_convener(agency.convener).get().stream.code == "wioa_adult"
    assert Placement.objects.for_convener(agency.convener).get().hourly_wage == 16.5
    assert RetentionCheck.objects.for_convener(agency.convener).count() == 3
    assert QuarterlyWage.objects.for_convener(agency.convener).get().quarter == 3
    unknown = csv_of({"public_id": "P-NOBODY00", "year": "2026", "quarter": "3", "wages": "1"}, kind="wages")
    done = import_execute(convener=agency.convener, job=job(agency, unknown, kind="wages"))
    assert done.errors == [{"row": 2, "column": "public_id", "message": "No participant P-NOBODY00 in this workspace."}]


def test_the_celery_job_runs_once_and_a_redelivery_changes_nothing(agency: Agency) -> None:
    queued = job(agency, csv_of(person_row(0), person_row(1)))
    assert import_run.apply(args=[agency.convener.pk, queued.pk]).get() == "succeeded"
    assert import_run.apply(args=[agency.convener.pk, queued.pk]).get() == "succeeded"
    assert Participant.objects.for_convener(agency.convener).count() == 2
