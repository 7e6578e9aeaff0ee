"""Report files: the funder's CSV, XLSX and PDF hold only what the funder's page shows (suppressed, no person);
the convener's are marked internal with exact figures; the PIRL file lists the people of the report's scope and
period, with our public id and never the SSN."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from participants.models import Participant
from participants.services import stream_exit_record
from partnerships.roles import Role
from reports import exports, pirl
from reports.models import ReportSnapshot
from reports.presentation import ReportView, present
from reports.services import report_run_execute, report_run_request
from tests.conftest import World
from tests.factories import (
    CohortFactory,
    ParticipantFactory,
    award_credential,
    enroll,
    enrollment_status,
    record_wage,
)
from tests.tenancy.harness import pdf_content

AS_OF = date(2026, 1, 15)
SUPPRESSION = "Small-cell suppression: counts below 10 and figures over fewer than 10 people are suppressed"


@dataclass
class Report:
    world: World
    snapshot: ReportSnapshot
    outside: Participant  # in a cohort of the other partnership
    earlier: Participant  # in a cohort of this partnership, but trained in 2023, before the period

    @property
    def funder(self) -> ReportView:
        return present(self.snapshot, membership=self.world.a.memberships[Role.FUNDER],
                       previous=self.world.a.report)

    @property
    def admin(self) -> ReportView:
        return present(self.snapshot, membership=self.world.a.memberships[Role.CONVENER_ADMIN],
                       previous=self.world.a.report)


def run_report(*, world: World, partnership_id: int, **period: object) -> ReportSnapshot:
    a = world.a
    run = report_run_request(convener=a.convener, actor=a.admin, scope="partnership", scope_id=partnership_id,
                             as_of=AS_OF, **period)
    snapshot = report_run_execute(convener=a.convener, run=run)
    assert snapshot is not None
    return snapshot


@pytest.fixture
def report(world: World) -> Report:
    """The granted partnership's program year 2024-25, after the first participant left both funding streams on
    2025-03-28 (so her 2nd quarter after exit, 2025Q3, holds her wage record), beside two people it must not list."""
    a = world.a
    case_manager, provider = a.memberships[Role.CASE_MANAGER], a.memberships[Role.PROVIDER_STAFF]
    for enrollment in a.stream_enrollments.values():
        stream_exit_record(convener=a.convener, actor=case_manager.user, membership=case_manager,
                           enrollment=enrollment, exit_date=date(2025, 3, 28), reason="Completed training; hired")
    elsewhere = CohortFactory(program=a.program, partnership=a.other_partnership, actor=a.admin,
                              name="Alpha Nurse Aide Spring 2025", target_occupation="31-1131",
                              start_date=date(2025, 2, 3), end_date=date(2025, 4, 25), seats=12)
    outside = ParticipantFactory(membership=case_manager, first_name="Riley", last_name="Alpha-Elsewhere")
    enroll(elsewhere, outside, membership=provider, on=date(2025, 2, 3))
    before = CohortFactory(program=a.program, partnership=a.granted_partnership, actor=a.admin,
                           name="Alpha Nurse Aide Winter 2023", target_occupation="31-1131",
                           start_date=date(2023, 1, 9), end_date=date(2023, 3, 31), seats=12)
    earlier = ParticipantFactory(membership=case_manager, first_name="Avery", last_name="Alpha-Earlier")
    enrollment_status(enroll(before, earlier, membership=provider, on=date(2023, 1, 9)), "completed",
                      membership=provider, on=date(2023, 3, 31))
    snapshot = run_report(world=world, partnership_id=a.granted_partnership.pk, period_kind="program_year",
                          program_year=2024)
    return Report(world=world, snapshot=snapshot, outside=outside, earlier=earlier)


def pii_of(world: World, *extra: Participant) -> list[str]:
    """Everything that identifies a person of either tenant: names, public ids, SSNs, emails, birth dates."""
    found = []
    for side in world.sides():
        for person in [*side.participants, *extra]:
            found += [person.last_name, person.public_id]
            if person.email:
                found.append(person.email)
        found += [side.ssn, side.ssn.replace("-", "")]
        if side.date_of_birth:
            dob = side.date_of_birth
            found += [dob.isoformat(), f"{dob:%Y%m%d}", f"{dob:%m/%d/%Y}", f"{dob:%b %-d, %Y}"]
    return found


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def row_of(rows: list[list[str]], label: str) -> list[str]:
    return next(r for r in rows if r and r[0] == label)


# -- the funder's files ------------------------------------------------------------------------------------------
def test_funder_csv_suppresses_small_cells_and_never_names_a_person(report: Report) -> None:
    data = exports.snapshot_csv(report.funder)
    text = data.decode()
    rows = csv_rows(data)
    assert SUPPRESSION in text
    assert "INTERNAL" not in text
    assert row_of(rows, "Enrolled")[1] == "Suppressed"
    assert row_of(rows, "Median starting wage")[1] == "Suppressed"
    for secret in pii_of(report.world, report.outside, report.earlier):
        assert secret not in text, secret


def test_funder_xlsx_has_a_sheet_per_table_with_suppressed_text(report: Report) -> None:
    view = report.funder
    workbook = load_workbook(io.BytesIO(exports.snapshot_xlsx(view)))
    names = workbook.sheetnames
    assert names[:5] == ["Report", "Headline figures", "Program outcomes", "WIOA primary indicators", "Sex"]
    for expected in ("SNAP E&T measures", "Services by type", "Work-based learning",
                     "Openings and hires", "Services by funding stream"):
        assert expected in names
    assert len(names) == 2 + len(view.tables) == len({n.lower() for n in names})
    assert all(len(n) <= 31 for n in names)
    headline = workbook["Headline figures"]
    assert [c.value for c in headline[1]][:2] == ["Measure", "Value"]
    assert headline["A1"].font.b
    assert headline["A2"].value == "Enrolled" and headline["B2"].value == "Suppressed"
    assert SUPPRESSION in [c.value for c in workbook["Report"]["B"]]
    every_value = " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value)
    for secret in pii_of(report.world, report.outside, report.earlier):
        assert secret not in every_value, secret


def test_funder_pdf_is_a_real_pdf_with_suppressed_cells_and_no_person(report: Report) -> None:
    data = exports.snapshot_pdf(report.funder)
    assert data.startswith(b"%PDF")
    assert len(data) > 5_000
    content = pdf_content(data)
    assert b"Suppressed" in content  # the decoding works: the page text is searchable
    assert b"Small-cell suppression" in content
    assert b"INTERNAL" not in content
    assert b"Definitions" in content and b"Page 1 of" in content
    for secret in pii_of(report.world, report.outside, report.earlier):
        assert secret.encode() not in content, secret


# -- the convener's files ----------------------------------------------------------------------------------------
def test_admin_csv_is_marked_internal_with_exact_figures(report: Report) -> None:
    data = exports.snapshot_csv(report.admin)
    rows = csv_rows(data)
    assert exports.INTERNAL_NOTICE in data.decode()
    assert row_of(rows, "Enrolled")[1] == "2"
    assert row_of(rows, "Completed")[1] == "1"
    assert float(row_of(rows, "Median starting wage")[1]) == 17.25
    assert float(row_of(rows, "Employment rate, 2nd quarter after exit")[1]) == 1.0
    assert float(row_of(rows, "Median earnings, 2nd quarter after exit")[1]) == 8970.0
    # The world's own run of these inputs (before the exit) is version 1: the headline's trend compares with it.
    assert "Change since version 1" in row_of(rows, "Measure")


def test_admin_xlsx_writes_numbers_as_numbers_and_rates_as_percent(report: Report) -> None:
    workbook = load_workbook(io.BytesIO(exports.snapshot_xlsx(report.admin)))
    assert exports.INTERNAL_NOTICE in [c.value for c in workbook["Report"]["B"]]
    headline = workbook["Headline figures"]
    assert headline["B2"].value == 2
    program = {row[0].value: row[1] for row in workbook["Program outcomes"].iter_rows(min_row=2)}
    assert program["Completion rate"].value == 1.0
    assert "%" in program["Completion rate"].number_format
    assert program["Median starting wage"].value == 17.25


def test_admin_pdf_says_internal(report: Report) -> None:
    content = pdf_content(exports.snapshot_pdf(report.admin))
    assert b"INTERNAL: unsuppressed figures" in content


def test_snap_et_csv_has_a_row_per_group(report: Report) -> None:
    rows = csv_rows(exports.snap_et_csv(report.admin))
    header = row_of(rows, "Breakdown")
    assert header[:3] == ["Breakdown", "Group", "SNAP E&T participants who completed"]
    everyone = row_of(rows, "All")
    assert everyone[1] == "All SNAP E&T participants" and everyone[2] == "1"
    assert float(everyone[header.index("Employed, 2nd quarter after completion")]) == 1.0
    assert {r[0] for r in rows[rows.index(header) + 1:]} >= {"All", "Race", "Ethnicity", "ABAWD status"}


# -- the funder dashboard and empty reports ----------------------------------------------------------------------
def test_dashboard_files_hold_one_section_per_partnership(report: Report) -> None:
    views = [report.funder, report.funder]
    title = "Alpha Community Foundation: funded partnerships"
    text = exports.dashboard_csv(views, title=title).decode()
    assert text.count("Partnership report: Alpha Healthcare Partnership") == 2
    workbook = load_workbook(io.BytesIO(exports.dashboard_xlsx(views, title=title)))
    # Two sheets of one name: the second is numbered and still fits in 31 characters.
    assert workbook.sheetnames == ["Dashboard", "Alpha Healthcare Partnership", "Alpha Healthcare Partnershi (2)"]
    pdf = exports.dashboard_pdf(views, title=title)
    assert pdf.startswith(b"%PDF") and b"Suppressed" in pdf_content(pdf)
    for empty in (exports.dashboard_csv([], title=title), exports.dashboard_xlsx([], title=title),
                  exports.dashboard_pdf([], title=title)):
        assert empty


def test_a_report_with_nobody_in_it_still_exports(report: Report) -> None:
    world = report.world
    snapshot = run_report(world=world, partnership_id=world.a.other_partnership.pk, period_kind="custom",
                          period_start=date(2020, 1, 1), period_end=date(2020, 12, 31))
    blank = ReportSnapshot.objects.for_convener(world.a.convener).get(pk=snapshot.pk)
    blank.figures = {}  # not even the keys of an empty result (never saved)
    for source in (snapshot, blank):
        for membership in (world.a.memberships[Role.FUNDER], world.a.memberships[Role.CONVENER_ADMIN]):
            view = present(source, membership=membership)
            assert exports.snapshot_csv(view)
            load_workbook(io.BytesIO(exports.snapshot_xlsx(view)))
            assert exports.snapshot_pdf(view).startswith(b"%PDF")
            assert exports.snap_et_csv(view)


# -- the PIRL file -----------------------------------------------------------------------------------------------
def test_pirl_lists_the_people_of_the_scope_and_period_by_public_id_never_ssn(report: Report) -> None:
    a, b = report.world.a, report.world.b
    data, count = pirl.pirl_csv(convener=a.convener, snapshot=report.snapshot)
    rows = csv_rows(data)
    assert rows[0] == list(pirl.HEADERS)
    assert "PIRL 100 Unique Individual Identifier (WIOA)" in rows[0]
    assert "PIRL 901 Date of Program Exit (WIOA)" in rows[0]
    assert count == len(rows) - 1 == 2
    assert sorted(r[0] for r in rows[1:]) == sorted(p.public_id for p in a.participants)
    text = data.decode()
    for secret in (a.ssn, a.ssn.replace("-", ""), b.ssn, b.ssn.replace("-", "")):
        assert secret not in text
    for absent in (report.outside, report.earlier, *b.participants):
        assert absent.public_id not in text
        assert absent.last_name not in text


def test_pirl_row_follows_the_engine_definitions(report: Report) -> None:
    a = report.world.a
    data, _count = pirl.pirl_csv(convener=a.convener, snapshot=report.snapshot)
    rows = csv_rows(data)
    header = rows[0]
    row = dict(zip(header, next(r for r in rows if r[0] == a.participants[0].public_id), strict=True))
    assert row["PIRL 200 Date of Birth"] == "19900514"
    assert row["PIRL 201 Sex (WIOA)"] == "2"
    assert row["PIRL 210 Ethnicity: Hispanic / Latino (WIOA)"] == "1"
    assert row["PIRL 215 White (WIOA)"] == "1" and row["PIRL 212 Asian (WIOA)"] == "0"
    assert row["PIRL 603 Supplemental Nutrition Assistance Program (SNAP)"] == "1"
    assert row["PIRL 802 Low Income Status at Program Entry (WIOA)"] == "1"
    assert row["PIRL 806 Single Parent at Program Entry (WIOA)"] == "1"
    assert row["PIRL 400 Employment Status at Program Entry (WIOA)"] == "0"
    assert row["PIRL 900 Date of Program Entry (WIOA)"] == "20250102"
    assert row["PIRL 901 Date of Program Exit (WIOA)"] == "20250328"
    # Exit in 2025Q1: the 2nd quarter after is 2025Q3 (closed before 2026Q1), the 4th is 2026Q1 (not yet closed).
    assert row["PIRL 1602 Employed in 2nd Quarter After Exit Quarter (WIOA)"] == "1"
    assert row["PIRL 1704 Wages 2nd Quarter After Exit Quarter (WIOA)"] == "8970.00"
    assert row["PIRL 1606 Employed in 4th Quarter After Exit Quarter (WIOA)"] == ""
    assert row["PIRL 1302 Date Entered Training #1 (WIOA)"] == "20250102"
    assert row["PIRL 1303 Type of Training Service #1 (WIOA)"] == "Pre-employment training"
    assert row["PIRL 1307 Training Completed #1"] == "1"
    assert row["PIRL 1308 Date Completed, or Withdrew from, Training #1"] == "20250328"
    assert row["PIRL 1800 Type of Recognized Credential (WIOA)"] == "License"
    assert row["PIRL 1801 Date Attained Recognized Credential (WIOA)"] == "20250328"
    assert row["PIRL 1809 Date of Most Recent Measurable Skill Gains: Training Milestone (WIOA)"] == "20250214"
    still_training = dict(zip(header, next(r for r in rows if r[0] == a.participants[1].public_id), strict=True))
    assert still_training["PIRL 1307 Training Completed #1"] == ""
    assert still_training["PIRL 901 Date of Program Exit (WIOA)"] == ""


def test_pirl_costs_the_same_queries_for_more_people(report: Report) -> None:
    a = report.world.a
    with CaptureQueriesContext(connection) as few:
        pirl.pirl_csv(convener=a.convener, snapshot=report.snapshot)
    provider, case_manager = a.memberships[Role.PROVIDER_STAFF], a.memberships[Role.CASE_MANAGER]
    for i in range(3):
        person = ParticipantFactory(membership=case_manager, first_name="Extra", last_name=f"Alpha-Extra{i}")
        enrollment = enroll(a.cohort, person, membership=provider, on=date(2025, 1, 6))
        enrollment = enrollment_status(enrollment, "completed", membership=provider, on=date(2025, 3, 28))
        award_credential(enrollment, membership=provider, awarded_on=date(2025, 3, 28),
                         program_credential=a.program_credential)
        record_wage(person, membership=case_manager, year=2025, quarter=3, wages="5000.00")
    with CaptureQueriesContext(connection) as many:
        _data, count = pirl.pirl_csv(convener=a.convener, snapshot=report.snapshot)
    assert count == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pirl_refuses_another_workspaces_snapshot(report: Report) -> None:
    with pytest.raises(ValueError, match="another workspace"):
        pirl.pirl_csv(convener=report.world.b.convener, snapshot=report.snapshot)
