"""Outcome report pages: the funder dashboard, the report list and its request form, a run's progress, a report,
comparisons; who sees what (suppressed for funders, internal for convener staff), bad input, query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from partnerships.models import AuditEvent
from partnerships.roles import Role
from reports.models import ReportRun, ReportSnapshot
from reports.services import report_run_execute, report_run_request


def url(name: str, side, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"convener_slug": side.convener.slug, **kwargs})


def compute(side, *, as_of: date, program_year: int = 2024, partnership=None):
    run = report_run_request(convener=side.convener, actor=side.admin, scope="partnership",
                             scope_id=(partnership or side.granted_partnership).pk, period_kind="program_year",
                             program_year=program_year, as_of=as_of, enqueue=False)
    return report_run_execute(convener=side.convener, run=run)


def test_the_funder_dashboard_shows_suppressed_figures_and_never_the_internal_banner(world, client_for):
    response = client_for(world.a.users[Role.FUNDER]).get(url("dashboard", world.a))
    assert response.status_code == 200
    text = response.content.decode()
    assert world.a.granted_partnership.name in text
    assert world.a.other_partnership.name not in text  # not granted
    assert "Suppressed" in text  # two people: every count is below the threshold of 10
    assert "Internal figures" not in text
    assert "Small-cell suppression protects participants" in text


def test_convener_staff_see_the_same_dashboard_unsuppressed_and_marked_internal(world, client_for):
    response = client_for(world.a.users[Role.CONVENER_STAFF]).get(url("dashboard", world.a))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Internal figures" in text
    assert world.a.other_partnership.name in text  # every partnership, with or without a report
    tiles = next(t for t in response.context["sections"] if t["view"] is not None)["view"].tiles
    enrolled = next(t for t in tiles if t.measure.key == "enrolled")
    assert enrolled.cell.value == 2 and not enrolled.cell.suppressed


@pytest.mark.parametrize("role", [Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF])
def test_partners_who_are_not_funders_are_refused_the_outcome_pages(world, client_for, role):
    client = client_for(world.a.users[role])
    assert client.get(url("dashboard", world.a)).status_code == 403
    assert client.get(url("snapshot-detail", world.a, reportsnapshot_id=world.a.report.pk)).status_code == 403


def test_the_dashboard_shows_the_trend_against_the_previous_version(world, client_for):
    later = compute(world.a, as_of=date(2026, 3, 1))
    assert later.series_key == world.a.report.series_key
    response = client_for(world.a.users[Role.CONVENER_ADMIN]).get(url("dashboard", world.a) + "?period=program_year")
    section = next(s for s in response.context["sections"] if s["view"] is not None)
    assert section["view"].snapshot.pk == later.pk
    assert section["view"].previous.pk == world.a.report.pk
    assert "since v1" in response.content.decode()


def test_a_convener_admin_asks_for_a_report_and_follows_its_progress_to_the_result(world, client_for):
    client = client_for(world.a.admin)
    before = ReportRun.objects.for_convener(world.a.convener).count()
    response = client.post(url("report-list", world.a), {
        "scope": "partnership", "partnership": world.a.granted_partnership.pk, "period_kind": "custom",
        "period_start": "2024-07-01", "period_end": "2025-06-30", "hire_window_days": 120, "notify": "on"})
    assert response.status_code == 302
    run = ReportRun.objects.for_convener(world.a.convener).order_by("-pk").first()
    assert ReportRun.objects.for_convener(world.a.convener).count() == before + 1
    assert response["Location"] == url("run-detail", world.a, reportrun_id=run.pk)
    assert run.hire_window_days == 120 and run.notify
    page = client.get(response["Location"])
    assert 'role="progressbar"' in page.content.decode()  # queued: the bar, polled by htmx
    report_run_execute(convener=world.a.convener, run=run)
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    run.refresh_from_db()
    assert "Open the report" in partial.content.decode()
    assert partial["HX-Trigger"] == "report-ready"
    assert url("snapshot-detail", world.a, reportsnapshot_id=run.snapshot_id) in partial.content.decode()


@pytest.mark.parametrize(("data", "field"), [
    ({"scope": "partnership", "period_kind": "program_year", "hire_window_days": 90}, "partnership"),
    ({"scope": "partnership", "period_kind": "custom", "hire_window_days": 90}, "period_start"),
    ({"scope": "partnership", "period_kind": "custom", "period_start": "2025-06-30", "period_end": "2024-07-01",
      "hire_window_days": 90}, "period_end"),
    ({"scope": "partnership", "period_kind": "program_year", "hire_window_days": 0}, "hire_window_days"),
    ({"scope": "galaxy", "period_kind": "program_year", "hire_window_days": 90}, "scope"),
])
def test_bad_input_gets_a_clear_error_and_queues_nothing(world, client_for, data, field):
    if field != "partnership":
        data = {**data, "partnership": world.a.granted_partnership.pk}
    before = ReportRun.objects.for_convener(world.a.convener).count()
    response = client_for(world.a.admin).post(url("report-list", world.a), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert ReportRun.objects.for_convener(world.a.convener).count() == before


def test_a_funder_may_ask_for_a_granted_partnership_only(world, client_for):
    client = client_for(world.a.users[Role.FUNDER])
    before = ReportRun.objects.for_convener(world.a.convener).count()
    refused = client.post(url("report-list", world.a), {
        "scope": "partnership", "partnership": world.a.other_partnership.pk, "period_kind": "program_year",
        "hire_window_days": 90})
    assert refused.status_code == 400
    assert ReportRun.objects.for_convener(world.a.convener).count() == before
    granted = client.post(url("report-list", world.a), {
        "scope": "partnership", "partnership": world.a.granted_partnership.pk, "period_kind": "program_year",
        "hire_window_days": 90})
    assert granted.status_code == 302
    assert ReportRun.objects.for_convener(world.a.convener).count() == before + 1


def test_a_funder_cannot_open_a_report_of_another_scope(world, client_for):
    run = report_run_request(convener=world.a.convener, actor=world.a.admin, scope="cohort",
                             scope_id=world.a.cohort.pk, period_kind="program_year", program_year=2024,
                             as_of=date(2026, 1, 15), enqueue=False)
    cohort_report = report_run_execute(convener=world.a.convener, run=run)
    client = client_for(world.a.users[Role.FUNDER])
    assert client.get(url("snapshot-detail", world.a, reportsnapshot_id=cohort_report.pk)).status_code == 404
    assert client.get(url("snapshot-detail", world.a, reportsnapshot_id=world.a.report.pk)).status_code == 200


def test_the_report_page_offers_drill_down_into_cohorts_for_convener_staff(world, client_for):
    response = client_for(world.a.admin).get(url("snapshot-detail", world.a, reportsnapshot_id=world.a.report.pk))
    text = response.content.decode()
    assert f"scope=cohort&amp;cohort={world.a.cohort.pk}" in text
    assert "PIRL file (PII, audited)" in text
    funder = client_for(world.a.users[Role.FUNDER]).get(
        url("snapshot-detail", world.a, reportsnapshot_id=world.a.report.pk)).content.decode()
    assert "scope=cohort" not in funder and "PIRL" not in funder


def test_only_convener_admins_download_the_pirl_file_and_each_download_is_audited(world, client_for):
    pirl = url("snapshot-pirl", world.a, reportsnapshot_id=world.a.report.pk)
    for role in (Role.CONVENER_STAFF, Role.FUNDER):
        assert client_for(world.a.users[role]).get(pirl).status_code == 403
    before = AuditEvent.objects.for_convener(world.a.convener).filter(action="report.pii_export").count()
    response = client_for(world.a.admin).get(pirl)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert AuditEvent.objects.for_convener(world.a.convener).filter(action="report.pii_export").count() == before + 1


def test_two_reports_are_compared_measure_by_measure(world, client_for):
    later = compute(world.a, as_of=date(2026, 3, 1), program_year=2025)
    response = client_for(world.a.admin).get(
        url("snapshot-compare", world.a, reportsnapshot_id=later.pk) + f"?with={world.a.report.pk}")
    assert response.status_code == 200
    labels = [r["label"] for s in response.context["sections"] for r in s["rows"]]
    assert "Enrolled" in labels and "Employment rate, 2nd quarter after exit" in labels


def test_comparing_with_another_tenants_report_is_not_found(world, client_for):
    response = client_for(world.a.admin).get(
        url("snapshot-compare", world.a, reportsnapshot_id=world.a.report.pk) + f"?with={world.b.report.pk}")
    assert response.status_code == 404


def _grow(side, n: int) -> None:
    """n more stored reports of the granted partnership (distinct program years, so distinct series)."""
    for year in range(2015, 2015 + n):
        compute(side, as_of=date(2026, 1, 15), program_year=year)


@pytest.mark.parametrize("extra", [0, 4])
def test_the_dashboard_costs_the_same_queries_however_many_reports_are_stored(world, client_for,
                                                                           django_assert_num_queries, extra):
    _grow(world.a, extra)
    client = client_for(world.a.users[Role.FUNDER])
    client.get(url("dashboard", world.a))  # warm the session
    # session, user, membership (with its convener), granted partnerships, snapshot headers, the figures shown
    with django_assert_num_queries(5):
        assert client.get(url("dashboard", world.a)).status_code == 200


@pytest.mark.parametrize("extra", [0, 4])
def test_the_report_list_costs_the_same_queries_however_many_reports_are_stored(world, client_for,
                                                                              django_assert_num_queries, extra):
    _grow(world.a, extra)
    assert ReportSnapshot.objects.for_convener(world.a.convener).count() == 1 + extra
    client = client_for(world.a.admin)
    client.get(url("report-list", world.a))
    with django_assert_num_queries(9):
        assert client.get(url("report-list", world.a)).status_code == 200
