"""Report services with real rows: the schedule, the ready email, input checks and the suppression rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from partnerships.roles import Role
from partnerships.suppression import complementary_hidden
from reports import presentation
from reports.models import ReportRun, ReportSnapshot
from reports.services import report_run_execute, report_run_request, reports_schedule, resolve_period


def test_the_monthly_schedule_queues_the_program_year_and_since_the_start_for_every_active_partnership(world):
    before = ReportRun.objects.for_convener(world.a.convener).count()
    queued = reports_schedule(cadence="monthly", today=date(2026, 12, 1))
    runs = ReportRun.objects.for_convener(world.a.convener).order_by("pk")[before:]
    assert {(r.partnership_id, r.period_kind, r.trigger) for r in runs} == {
        (p.pk, kind, "monthly") for p in world.a.partnerships for kind in ("program_year", "since_start")}
    assert queued == 2 * (len(world.a.partnerships) + len(world.b.partnerships))
    # A second tick while those are still queued shares them: nothing is queued twice.
    reports_schedule(cadence="monthly", today=date(2026, 12, 1))
    assert ReportRun.objects.for_convener(world.a.convener).count() == before + 4


def test_the_quarterly_schedule_reports_the_closed_quarter_and_the_cumulative_figures(world):
    reports_schedule(cadence="quarterly", today=date(2026, 10, 2))
    run = ReportRun.objects.for_convener(world.a.convener).filter(period_kind="quarter").first()
    assert (run.period_start, run.period_end) == (date(2026, 7, 1), date(2026, 9, 30))
    cumulative = ReportRun.objects.for_convener(world.a.convener).filter(period_kind="cumulative").first()
    assert cumulative.period_end == date(2026, 6, 30)  # the last closed program year


def test_whoever_asked_gets_an_email_with_a_link_and_no_figures_when_the_report_is_ready(
        world, django_capture_on_commit_callbacks):
    mail.outbox.clear()  # the world's invitations
    run = report_run_request(convener=world.a.convener, actor=world.a.admin, scope="partnership",
                             scope_id=world.a.granted_partnership.pk, period_kind="program_year", program_year=2024,
                             as_of=date(2026, 2, 1), notify=True, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = report_run_execute(convener=world.a.convener, run=run)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.a.admin.email]
    assert f"/c/{world.a.convener.slug}/reports/{snapshot.pk}/" in message.body
    for person in world.a.participants:
        assert person.last_name not in message.body and person.public_id not in message.body
    assert "Enrolled" not in message.body  # no figures in email (TEGL 39-11)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"scope": "county"}, "scope"),
    ({"scope": "partnership", "scope_id": None}, "scope_id"),
    ({"scope": "partnership", "period_kind": "custom"}, "period_start"),
    ({"scope": "partnership", "hire_window_days": 0}, "hire_window_days"),
    ({"scope": "partnership", "period_kind": "quarter", "year": 2025, "quarter": 5}, "quarter"),
])
def test_bad_inputs_are_refused_with_the_field_named_and_nothing_is_queued(world, kwargs, field):
    kwargs = {"scope_id": world.a.granted_partnership.pk, **kwargs}
    before = ReportRun.objects.for_convener(world.a.convener).count()
    with pytest.raises(ValidationError) as refused:
        report_run_request(convener=world.a.convener, actor=world.a.admin, enqueue=False, **kwargs)
    assert field in refused.value.message_dict
    assert ReportRun.objects.for_convener(world.a.convener).count() == before


def test_another_tenants_partnership_cannot_be_reported_on(world):
    with pytest.raises(ValidationError):
        report_run_request(convener=world.a.convener, actor=world.a.admin, scope="partnership",
                           scope_id=world.b.granted_partnership.pk, enqueue=False)


def test_program_years_run_july_to_june_and_quarters_are_calendar_quarters():
    assert resolve_period(period_kind="program_year", program_year=2024, today=date(2026, 1, 1)) == (
        date(2024, 7, 1), date(2025, 6, 30))
    assert resolve_period(period_kind="program_year", today=date(2026, 6, 30)) == (date(2025, 7, 1), date(2026, 6, 30))
    assert resolve_period(period_kind="quarter", today=date(2026, 1, 15)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_complementary_suppression_hides_a_second_cell_so_the_first_cannot_be_recovered():
    # 9 is hidden; 9 alone could be recovered from the total, so the next smallest goes too.
    assert complementary_hidden({"a": 9, "b": 30, "c": 12}, threshold=10) == {"a", "c"}
    # Two hidden cells adding up to less than the threshold still tell too much: a third goes.
    assert complementary_hidden({"a": 2, "b": 3, "c": 40, "d": 11}, threshold=10) == {"a", "b", "d"}
    assert complementary_hidden({"a": 10, "b": 30}, threshold=10) == set()


def test_a_funder_sees_a_nine_person_group_and_its_complement_suppressed_but_the_convener_sees_both(world):
    snapshot: ReportSnapshot = world.a.report
    snapshot.figures["breakdowns"]["race"] = [
        {"key": "black", "label": "Black", "enrolled": 9, "completed": 9, "completion_den": 9},
        {"key": "white", "label": "White", "enrolled": 31, "completed": 25, "completion_den": 30},
        {"key": "asian", "label": "Asian", "enrolled": 12, "completed": 11, "completion_den": 12},
    ]
    funder = presentation.present(snapshot, membership=world.a.memberships[Role.FUNDER])
    race = next(t for t in funder.breakdowns if t.key == "race")
    enrolled = {label: cells[0] for label, cells in race.rows}
    assert enrolled["Black"].suppressed and enrolled["Asian"].suppressed
    assert enrolled["White"].value == 31
    assert enrolled["Black"].text == "Suppressed" and enrolled["Black"].value is None  # not a zero
    admin = presentation.present(snapshot, membership=world.a.memberships[Role.CONVENER_ADMIN])
    race = next(t for t in admin.breakdowns if t.key == "race")
    assert [cells[0].value for _label, cells in race.rows] == [9, 31, 12]
    assert admin.internal and not funder.internal


def test_a_convener_admin_sets_the_threshold_and_funders_see_it_at_once(world, client_for):
    url = f"/c/{world.a.convener.slug}/reports/suppression/"
    assert client_for(world.a.users[Role.CONVENER_STAFF]).post(url, {"threshold": "2"}).status_code == 403
    refused = client_for(world.a.admin).post(url, {"threshold": "2"}, follow=True)
    assert "Choose between 5 and 50 people" in refused.content.decode()
    world.a.convener.refresh_from_db()
    assert world.a.convener.suppression_threshold == 10  # nothing saved
    assert client_for(world.a.admin).post(url, {"threshold": "12"}).status_code == 302
    world.a.convener.refresh_from_db()
    assert world.a.convener.suppression_threshold == 12
    view = presentation.present(world.a.report, membership=world.a.memberships[Role.FUNDER])
    assert view.threshold == 12
    from partnerships.models import AuditEvent

    event = AuditEvent.objects.for_convener(world.a.convener).filter(action="report.threshold").get()
    assert event.metadata == {"from": 10, "to": 12}
