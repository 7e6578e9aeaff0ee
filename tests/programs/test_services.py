"""Programs and cohorts with real rows: the catalogue, cohorts and their sessions, the roster's rules (seat
limit and the convener's override, dated completions and withdrawals, attendance inside the cohort's dates,
credentials never in the future, only the providers that run a program), and pipeline supply in the demand
aggregation. Bad input gets a clear error and saves nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from employers.models import CredentialType, DemandRun
from participants.models import Participant
from partnerships.models import AuditEvent, Convener, Membership, Organization, Partnership, User
from partnerships.roles import OrganizationType, Role
from programs import selectors, services
from programs.models import (
    AttendanceRecord,
    Cohort,
    CohortEnrollment,
    CohortSession,
    CredentialAward,
    Program,
    ProgramCredential,
    SkillGain,
    WageStep,
)
from tests.employers.test_demand_services import WELDERS, Region, enter_known_needs, region  # noqa: F401
from tests.factories import (
    ConvenerFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    aggregate,
)

MACHINISTS = "51-4041"


@dataclass
class Shop:
    convener: Convener
    admin: User
    staff: Membership
    partnership: Partnership
    other_partnership: Partnership
    college: Organization
    other_college: Organization
    goodwill: Organization
    employer: Organization
    provider: Membership
    other_provider: Membership
    case_manager: Membership
    employer_rep: Membership


def build_shop(convener: Convener | None = None, partnership: Partnership | None = None) -> Shop:
    convener = convener or ConvenerFactory(name="Echo Workforce Board", slug="echo")
    admin = UserFactory(email=f"programs.admin@{convener.slug}.example", full_name="Echo Admin")
    MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    staff = MembershipFactory(convener=convener, role=Role.CONVENER_STAFF)

    def org(name: str, org_type: str) -> Organization:
        return OrganizationFactory(convener=convener, org_type=org_type, name=name, actor=admin)

    college = org("Echo Technical College", OrganizationType.COLLEGE)
    other_college = org("Echo State University", OrganizationType.UNIVERSITY)
    goodwill = org("Echo Goodwill", OrganizationType.COMMUNITY_ORG)
    employer = org("Echo Shipyard", OrganizationType.EMPLOYER)
    return Shop(
        convener=convener, admin=admin, staff=staff,
        partnership=partnership or PartnershipFactory(convener=convener, name="Echo Maritime", actor=admin),
        other_partnership=PartnershipFactory(convener=convener, name="Echo Healthcare", actor=admin),
        college=college, other_college=other_college, goodwill=goodwill, employer=employer,
        provider=MembershipFactory(convener=convener, role=Role.PROVIDER_STAFF, organization=college),
        other_provider=MembershipFactory(convener=convener, role=Role.PROVIDER_STAFF, organization=other_college),
        case_manager=MembershipFactory(convener=convener, role=Role.CASE_MANAGER, organization=goodwill),
        employer_rep=MembershipFactory(convener=convener, role=Role.EMPLOYER_REP, organization=employer),
    )


@pytest.fixture
def shop(db: None) -> Shop:
    from tests.oews import load_oews_extract

    load_oews_extract()
    return build_shop()


def make_program(shop: Shop, **overrides: object) -> Program:
    fields: dict[str, object] = {
        "name": "Maritime Welding", "program_type": Program.ProgramType.PRE_EMPLOYMENT, "cip_code": "48.0508",
        "length_weeks": 12, "contact_hours": 360, "cost_per_participant": Decimal("4200.00"),
    }
    fields.update(overrides)
    return services.program_save(
        convener=shop.convener, actor=shop.admin, provider=shop.college, target_occupations=[WELDERS],
        funding_streams=["wioa_adult", "snap_et_50"],
        credentials=[{"name": "Career Pathway Certificate: Welding I", "issuer": "Echo Technical College",
                      "ctdl_type": CredentialType.CERTIFICATE}],
        requirements=[{"kind": "screening", "description": "Must pass a drug test", "employers": [shop.employer]}],
        **fields,
    )


def past_cohort(shop: Shop, program: Program, *, seats: int = 3, **overrides: object) -> Cohort:
    """An 8-week cohort that ran earlier this year: Monday to Thursday classroom, Friday at the worksite."""
    start = timezone.localdate() - timedelta(days=120)
    start -= timedelta(days=start.weekday())  # a Monday
    fields: dict[str, object] = {
        "name": "Winter welding cohort", "start_date": start, "end_date": start + timedelta(days=8 * 7 - 3),
        "seats": seats, "location": "Echo shipyard training center",
        "weekly_pattern": {"0": "classroom", "1": "classroom", "2": "classroom", "3": "classroom", "4": "worksite"},
        "schedule_note": "4 classroom days and 1 worksite day a week",
    }
    fields.update(overrides)
    return services.cohort_save(convener=shop.convener, actor=shop.admin, program=program,
                                partnership=shop.partnership, target_occupation=WELDERS, **fields)


def person(shop: Shop, first: str, last: str) -> Participant:
    return services.participant_create(convener=shop.convener, actor=shop.case_manager.user,
                                       membership=shop.case_manager, first_name=first, last_name=last)


# ---------------------------------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------------------------------
def test_program_save_records_the_catalogue_entry(shop: Shop) -> None:
    program = make_program(shop)
    program.refresh_from_db()
    assert program.convener_id == shop.convener.pk
    assert [o.soc_code for o in program.target_occupations.all()] == [WELDERS]
    assert sorted(program.funding_streams.values_list("code", flat=True)) == ["snap_et_50", "wioa_adult"]
    credential = ProgramCredential.objects.for_convener(shop.convener).get(program=program)
    assert (credential.ctdl_type, credential.issuer) == (CredentialType.CERTIFICATE, "Echo Technical College")
    requirement = program.requirements.get()
    assert (requirement.kind, list(requirement.employers.all())) == ("screening", [shop.employer])
    assert AuditEvent.objects.for_convener(shop.convener).filter(action="program.create").count() == 1


def test_apprenticeship_keeps_rapids_number_and_rising_wage_steps(shop: Shop) -> None:
    program = make_program(
        shop, name="Shipfitter apprenticeship", program_type=Program.ProgramType.REGISTERED_APPRENTICESHIP,
        rapids_number="2019-OR-12345",
        wage_steps=[{"step": 1, "after_hours": 0, "hourly_wage": "18.50"},
                    {"step": 2, "after_hours": 1000, "hourly_wage": "20.75"},
                    {"step": 3, "after_hours": 2000, "hourly_wage": "23.00"}])
    assert list(WageStep.objects.for_convener(shop.convener).filter(program=program)
                .values_list("step", "hourly_wage")) == [(1, Decimal("18.50")), (2, Decimal("20.75")),
                                                          (3, Decimal("23.00"))]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"cip_code": "480508"}, "cip_code", "CIP 2020 code"),
    ({"cip_code": "48.05.08"}, "cip_code", "CIP 2020 code"),
    ({"name": "  "}, "name", "name"),
    ({"cost_per_participant": Decimal("-1")}, "cost_per_participant", "negative"),
    ({"wage_steps": [{"step": 1, "hourly_wage": "20"}]}, "wage_steps", "registered apprenticeships"),
    ({"program_type": Program.ProgramType.REGISTERED_APPRENTICESHIP,
      "wage_steps": [{"step": 1, "hourly_wage": "20"}, {"step": 2, "hourly_wage": "19"}]}, "wage_steps", "rise"),
])
def test_program_bad_input_saves_nothing(shop: Shop, overrides: dict[str, object], field: str,
                                         message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        make_program(shop, **overrides)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Program.objects.for_convener(shop.convener).exists()
    assert not ProgramCredential.objects.for_convener(shop.convener).exists()


def test_program_refuses_an_unknown_soc_code_and_a_funder_as_provider(shop: Shop) -> None:
    with pytest.raises(ValidationError) as exc:
        services.program_save(convener=shop.convener, actor=shop.admin, provider=shop.college, name="X",
                              program_type="ojt", target_occupations=["99-9999"])
    assert "not a detailed SOC 2018 occupation" in str(exc.value)
    funder = OrganizationFactory(convener=shop.convener, org_type=OrganizationType.PHILANTHROPY, actor=shop.admin)
    with pytest.raises(ValidationError) as exc:
        services.program_save(convener=shop.convener, actor=shop.admin, provider=funder, name="X", program_type="ojt")
    assert "not a provider" in " ".join(exc.value.message_dict["provider"])
    assert not Program.objects.for_convener(shop.convener).exists()


def test_program_refuses_another_tenants_provider(shop: Shop) -> None:
    other = build_shop(ConvenerFactory(name="Foxtrot Board", slug="foxtrot"))
    with pytest.raises(ValidationError):
        services.program_save(convener=shop.convener, actor=shop.admin, provider=other.college, name="X",
                              program_type="ojt")
    assert not Program.objects.for_convener(shop.convener).exists()


# ---------------------------------------------------------------------------------------------------
# Cohorts and sessions
# ---------------------------------------------------------------------------------------------------
def test_cohort_lays_out_session_days_from_its_weekly_pattern(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    sessions = list(CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort))
    assert len(sessions) == 8 * 5
    assert {s.kind for s in sessions if s.day.weekday() == 4} == {"worksite"}
    assert {s.kind for s in sessions if s.day.weekday() < 4} == {"classroom"}
    # Shortening the cohort by a week removes the last week's days (none has attendance).
    services.cohort_save(convener=shop.convener, actor=shop.admin, cohort=cohort, program=cohort.program,
                         partnership=shop.partnership, target_occupation=WELDERS,
                         end_date=cohort.end_date - timedelta(days=7))
    assert CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort).count() == 7 * 5


@pytest.mark.parametrize(("overrides", "field"), [
    ({"seats": 0}, "seats"),
    ({"name": ""}, "name"),
    ({"weekly_pattern": {"8": "classroom"}}, "weekly_pattern"),
])
def test_cohort_bad_input_saves_nothing(shop: Shop, overrides: dict[str, object], field: str) -> None:
    program = make_program(shop)
    with pytest.raises(ValidationError) as exc:
        past_cohort(shop, program, **overrides)
    assert field in exc.value.message_dict
    assert not Cohort.objects.for_convener(shop.convener).exists()
    assert not CohortSession.objects.for_convener(shop.convener).exists()


def test_cohort_end_before_start_is_refused(shop: Shop) -> None:
    program = make_program(shop)
    with pytest.raises(ValidationError) as exc:
        past_cohort(shop, program, start_date=date(2027, 3, 1), end_date=date(2027, 2, 1))
    assert "ends" in " ".join(exc.value.message_dict["end_date"]) or "end" in str(exc.value)
    assert not Cohort.objects.for_convener(shop.convener).exists()


def test_cohort_status_follows_its_transitions(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cohort, status="recruiting")
    with pytest.raises(ValidationError) as exc:
        services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cohort, status="completed")
    assert "recruiting cohort can move to" in str(exc.value)
    services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cohort, status="in_progress")
    someone = person(shop, "Ana", "Lopez")
    services.enrollment_add(convener=shop.convener, actor=shop.admin, membership=shop.staff, cohort=cohort,
                            participant=someone)
    with pytest.raises(ValidationError) as exc:
        services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cohort, status="completed")
    assert "still enrolled or active" in str(exc.value)
    cohort.refresh_from_db()
    assert cohort.status == "in_progress"


def test_session_outside_the_cohort_dates_is_refused(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    before = CohortSession.objects.for_convener(shop.convener).count()
    with pytest.raises(ValidationError) as exc:
        services.session_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                             cohort=cohort, day=cohort.end_date + timedelta(days=1))
    assert "within the cohort's dates" in " ".join(exc.value.message_dict["day"])
    assert CohortSession.objects.for_convener(shop.convener).count() == before


# ---------------------------------------------------------------------------------------------------
# Rosters
# ---------------------------------------------------------------------------------------------------
def test_seat_limit_holds_unless_the_convener_overrides(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop), seats=2)
    people = [person(shop, "Ana", "Lopez"), person(shop, "Ben", "Okafor"), person(shop, "Cy", "Nguyen")]
    for p in people[:2]:
        services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                cohort=cohort, participant=p)
    with pytest.raises(ValidationError) as exc:
        services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                cohort=cohort, participant=people[2])
    assert "All 2 seats are taken" in str(exc.value)
    with pytest.raises(PermissionDenied):  # providers cannot override
        services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                cohort=cohort, participant=people[2], override_seats=True)
    assert CohortEnrollment.objects.for_convener(shop.convener).filter(cohort=cohort).count() == 2
    # An applicant (waitlist) takes no seat; the convener may enroll past the limit, and it is recorded.
    waitlisted = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         cohort=cohort, participant=people[2], status="applied")
    assert waitlisted.seat_override is False
    moved = services.enrollment_set_status(convener=shop.convener, actor=shop.admin, membership=shop.staff,
                                           enrollment=waitlisted, status="enrolled", override_seats=True)
    assert moved.seat_override is True
    figures = selectors.cohort_figures(convener=shop.convener, cohort=cohort)
    assert (figures.seated, figures.seats_left) == (3, 0)


def test_a_provider_who_does_not_run_the_program_cannot_change_the_roster(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    someone = person(shop, "Ana", "Lopez")
    # A case manager of another organization: not the owner of Ana's record, not a provider.
    stranger_case_manager = MembershipFactory(
        convener=shop.convener, role=Role.CASE_MANAGER,
        organization=OrganizationFactory(convener=shop.convener, org_type=OrganizationType.HUMAN_SERVICES,
                                         name="Echo County DHS", actor=shop.admin))
    with pytest.raises(PermissionDenied, match="does not run this program"):
        services.enrollment_add(convener=shop.convener, actor=shop.other_provider.user,
                                membership=shop.other_provider, cohort=cohort, participant=someone)
    enrollment = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         cohort=cohort, participant=someone)
    for call in (
        lambda m: services.enrollment_set_status(convener=shop.convener, actor=m.user, membership=m,
                                                 enrollment=enrollment, status="withdrawn", reason="moved"),
        lambda m: services.credential_award_record(
            convener=shop.convener, actor=m.user, membership=m, enrollment=enrollment,
            awarded_on=timezone.localdate(), name="X", issuer="Y", ctdl_type=CredentialType.CERTIFICATE),
        lambda m: services.attendance_record_day(
            convener=shop.convener, actor=m.user, membership=m,
            session=CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort).first(),
            marks={enrollment.pk: "present"}),
    ):
        with pytest.raises(PermissionDenied):
            call(shop.other_provider)
        with pytest.raises(PermissionDenied):
            call(stranger_case_manager)
    enrollment.refresh_from_db()
    assert enrollment.status == "enrolled"
    assert not AttendanceRecord.objects.for_convener(shop.convener).exists()
    assert not CredentialAward.objects.for_convener(shop.convener).exists()
    # A second provider of the program may keep the roster too.
    cohort.program.other_providers.add(shop.other_college)
    services.enrollment_set_status(convener=shop.convener, actor=shop.other_provider.user,
                                   membership=shop.other_provider, enrollment=enrollment, status="active")


def test_completion_is_dated_and_never_before_enrollment(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    enrollment = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         cohort=cohort, participant=person(shop, "Ana", "Lopez"),
                                         on=cohort.start_date)
    with pytest.raises(ValidationError) as exc:
        services.enrollment_set_status(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                       enrollment=enrollment, status="completed",
                                       on=cohort.start_date - timedelta(days=1))
    assert "before the enrollment" in " ".join(exc.value.message_dict["on"])
    with pytest.raises(ValidationError) as exc:
        services.enrollment_set_status(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                       enrollment=enrollment, status="completed",
                                       on=timezone.localdate() + timedelta(days=3))
    assert "in the future" in " ".join(exc.value.message_dict["on"])
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.completed_on) == ("enrolled", None)
    done = services.enrollment_set_status(convener=shop.convener, actor=shop.provider.user,
                                          membership=shop.provider, enrollment=enrollment, status="completed",
                                          on=cohort.end_date)
    assert (done.status, done.completed_on) == ("completed", cohort.end_date)


def test_withdrawal_needs_a_date_and_a_reason(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    enrollment = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         cohort=cohort, participant=person(shop, "Ana", "Lopez"),
                                         on=cohort.start_date)
    with pytest.raises(ValidationError) as exc:
        services.enrollment_set_status(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                       enrollment=enrollment, status="withdrawn", reason=" ")
    assert "reason" in exc.value.message_dict
    withdrawn = services.enrollment_set_status(
        convener=shop.convener, actor=shop.provider.user, membership=shop.provider, enrollment=enrollment,
        status="withdrawn", on=cohort.start_date + timedelta(days=10), reason="Found full-time work")
    assert (withdrawn.withdrawn_on, withdrawn.withdrawal_reason) == (cohort.start_date + timedelta(days=10),
                                                                     "Found full-time work")


def test_attendance_for_a_whole_day_in_one_call(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop), seats=5)
    rows = [services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                    cohort=cohort, participant=person(shop, f"P{i}", "Rivera"),
                                    on=cohort.start_date) for i in range(4)]
    session = CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort).order_by("day").first()
    assert session is not None
    written = services.attendance_record_day(
        convener=shop.convener, actor=shop.provider.user, membership=shop.provider, session=session,
        marks={rows[0].pk: "present", rows[1].pk: "late", rows[2].pk: "absent", rows[3].pk: "excused"})
    assert written == 4
    # Re-marking one person changes one row, adds none.
    assert services.attendance_record_day(
        convener=shop.convener, actor=shop.provider.user, membership=shop.provider, session=session,
        marks={rows[2].pk: "present"}) == 1
    assert AttendanceRecord.objects.for_convener(shop.convener).count() == 4
    figures = selectors.cohort_figures(convener=shop.convener, cohort=cohort)
    assert figures.attendance_rate == 0.75  # present 2 + late 1 of 4 marks
    tallies = {e.pk: (e.days_present, e.days_marked) for e in selectors.roster(convener=shop.convener, cohort=cohort)}
    assert tallies[rows[3].pk] == (0, 1)


def test_attendance_outside_the_cohort_dates_or_for_strangers_saves_nothing(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop))
    enrollment = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         cohort=cohort, participant=person(shop, "Ana", "Lopez"))
    session = CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort).order_by("day").last()
    assert session is not None
    # The cohort's dates were moved after the session was laid out and attended elsewhere: a stale session day.
    Cohort.objects.for_convener(shop.convener).filter(pk=cohort.pk).update(end_date=session.day - timedelta(days=1))
    session.cohort.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.attendance_record_day(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                       session=session, marks={enrollment.pk: "present"})
    assert "outside the cohort's dates" in " ".join(exc.value.message_dict["session"])
    other = past_cohort(shop, cohort.program, name="Other cohort")
    stranger = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                       cohort=other, participant=person(shop, "Bo", "Diaz"))
    first = CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort).order_by("day").first()
    assert first is not None
    with pytest.raises(ValidationError) as exc:
        services.attendance_record_day(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                       session=first, marks={enrollment.pk: "present", stranger.pk: "present"})
    assert "not on this cohort's roster" in str(exc.value)
    assert not AttendanceRecord.objects.for_convener(shop.convener).exists()


def test_credentials_and_skill_gains_are_never_dated_in_the_future(shop: Shop) -> None:
    program = make_program(shop)
    cohort = past_cohort(shop, program)
    enrollment = services.enrollment_add(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         cohort=cohort, participant=person(shop, "Ana", "Lopez"),
                                         on=cohort.start_date)
    tomorrow = timezone.localdate() + timedelta(days=1)
    credential = ProgramCredential.objects.for_convener(shop.convener).get(program=program)
    with pytest.raises(ValidationError) as exc:
        services.credential_award_record(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                         enrollment=enrollment, awarded_on=tomorrow, program_credential=credential)
    assert "in the future" in " ".join(exc.value.message_dict["awarded_on"])
    with pytest.raises(ValidationError):
        services.skill_gain_record(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                   enrollment=enrollment, gain_type="training_milestone", achieved_on=tomorrow)
    assert not CredentialAward.objects.for_convener(shop.convener).exists()
    assert not SkillGain.objects.for_convener(shop.convener).exists()
    award = services.credential_award_record(convener=shop.convener, actor=shop.provider.user,
                                             membership=shop.provider, enrollment=enrollment,
                                             awarded_on=cohort.end_date, program_credential=credential)
    assert (award.name, award.issuer, award.ctdl_type, award.participant_id) == (
        "Career Pathway Certificate: Welding I", "Echo Technical College", CredentialType.CERTIFICATE,
        enrollment.participant_id)
    gain = services.skill_gain_record(convener=shop.convener, actor=shop.provider.user, membership=shop.provider,
                                      enrollment=enrollment, gain_type="training_milestone",
                                      achieved_on=cohort.start_date + timedelta(days=28))
    assert gain.get_gain_type_display() == "Training milestone"


def test_completion_rate_counts_withdrawn_people(shop: Shop) -> None:
    cohort = past_cohort(shop, make_program(shop), seats=5)
    rows = [services.enrollment_add(convener=shop.convener, actor=shop.admin, membership=shop.staff, cohort=cohort,
                                    participant=person(shop, f"P{i}", "Kim"), on=cohort.start_date)
            for i in range(5)]
    for row in rows[:4]:
        services.enrollment_set_status(convener=shop.convener, actor=shop.admin, membership=shop.staff,
                                       enrollment=row, status="completed", on=cohort.end_date)
    services.enrollment_set_status(convener=shop.convener, actor=shop.admin, membership=shop.staff,
                                   enrollment=rows[4], status="withdrawn", on=cohort.start_date, reason="Moved away")
    figures = selectors.cohort_figures(convener=shop.convener, cohort=cohort)
    assert (figures.completed, figures.withdrawn, figures.completion_rate) == (4, 1, 0.8)


# ---------------------------------------------------------------------------------------------------
# Who sees which cohorts
# ---------------------------------------------------------------------------------------------------
def test_cohort_visibility_per_role(shop: Shop) -> None:
    program = make_program(shop)
    own = past_cohort(shop, program)
    other_program = make_program(shop, name="Nursing assistant", )
    Program.objects.for_convener(shop.convener).filter(pk=other_program.pk).update(provider=shop.other_college)
    other_program.refresh_from_db()
    theirs = past_cohort(shop, other_program, name="CNA spring")
    services.cohort_employer_save(convener=shop.convener, actor=shop.admin, cohort=own, employer=shop.employer,
                                  guaranteed_interviews=10, planned_hires=6)

    def seen(membership: Membership) -> set[int]:
        return set(selectors.cohort_list(convener=shop.convener, membership=membership).values_list("pk", flat=True))

    assert seen(shop.staff) == {own.pk, theirs.pk}
    assert seen(shop.provider) == {own.pk}
    assert seen(shop.other_provider) == {theirs.pk}
    assert seen(shop.employer_rep) == {own.pk}
    funder = MembershipFactory(convener=shop.convener, role=Role.FUNDER, organization=OrganizationFactory(
        convener=shop.convener, org_type=OrganizationType.PHILANTHROPY, actor=shop.admin))
    assert seen(funder) == set()
    assert selectors.cohort_commitments(convener=shop.convener, cohort=own)["planned_hires"] == 6


# ---------------------------------------------------------------------------------------------------
# Demand: a cohort that targets an occupation is pipeline supply in the next snapshot
# ---------------------------------------------------------------------------------------------------
def test_a_cohort_changes_supply_and_gap_in_the_next_demand_snapshot(region: Region) -> None:  # noqa: F811
    enter_known_needs(region)
    before = aggregate(region.partnership).data
    welders = next(r for r in before["occupations"] if r["soc_code"] == WELDERS)
    assert (welders["openings"], welders["supply_seats"], welders["gap"]) == (32, 0, 32)

    shop = build_shop(region.convener, region.partnership)
    program = make_program(shop)
    cohort = past_cohort(shop, program, seats=12, start_date=date(2027, 1, 4), end_date=date(2027, 3, 26))
    # The cohort asked for a fresh aggregation of its partnership.
    assert DemandRun.objects.for_convener(region.convener).filter(
        partnership=region.partnership, trigger="cohort", status="queued").exists()
    # Seats that do not count: a cancelled cohort, and a cohort of another partnership.
    cancelled = past_cohort(shop, program, name="Cancelled run", seats=10)
    services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cancelled, status="cancelled")
    services.cohort_save(convener=shop.convener, actor=shop.admin, program=program,
                         partnership=shop.other_partnership, target_occupation=WELDERS, name="Elsewhere",
                         start_date=date(2027, 1, 4), end_date=date(2027, 3, 26), seats=20)

    after = aggregate(region.partnership).data
    welders = next(r for r in after["occupations"] if r["soc_code"] == WELDERS)
    machinists = next(r for r in after["occupations"] if r["soc_code"] == MACHINISTS)
    assert (welders["openings"], welders["supply_seats"], welders["gap"]) == (32, 12, 20)
    assert (machinists["supply_seats"], machinists["gap"]) == (0, 9)
    assert (after["totals"]["openings"], after["totals"]["supply_seats"], after["totals"]["gap"]) == (41, 12, 29)
    assert selectors.demand_gaps(snapshot=aggregate(region.partnership))[0]["soc_code"] == WELDERS

    # Completing the cohort takes its seats out of the pipeline.
    services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cohort, status="in_progress")
    services.cohort_set_status(convener=shop.convener, actor=shop.admin, cohort=cohort, status="completed")
    final = aggregate(region.partnership).data
    assert next(r for r in final["occupations"] if r["soc_code"] == WELDERS)["supply_seats"] == 0


def test_a_case_manager_places_their_own_participant_and_records_their_progress(shop: Shop) -> None:
    """The participants issue's path: the owning organization's case manager enrolls its person in a cohort and
    records the completion and a credential; it still cannot mark attendance or touch anyone else's row."""
    cohort = past_cohort(shop, make_program(shop))
    ana = person(shop, "Ana", "Lopez")
    cm = shop.case_manager
    enrollment = services.enrollment_add(convener=shop.convener, actor=cm.user, membership=cm, cohort=cohort,
                                         participant=ana, on=cohort.start_date)
    services.enrollment_set_status(convener=shop.convener, actor=cm.user, membership=cm, enrollment=enrollment,
                                   status="completed", on=cohort.end_date)
    award = services.credential_award_record(
        convener=shop.convener, actor=cm.user, membership=cm, enrollment=enrollment, awarded_on=cohort.end_date,
        program_credential=ProgramCredential.objects.for_convener(shop.convener).get(program=cohort.program))
    assert award.participant_id == ana.pk
    someone_else = services.participant_create(convener=shop.convener, actor=shop.admin, membership=shop.staff,
                                               first_name="Bo", last_name="Diaz", organization=shop.other_college)
    with pytest.raises(PermissionDenied):
        services.enrollment_add(convener=shop.convener, actor=cm.user, membership=cm, cohort=cohort,
                                participant=someone_else)
    session = CohortSession.objects.for_convener(shop.convener).filter(cohort=cohort).first()
    assert session is not None
    with pytest.raises(PermissionDenied):
        services.attendance_record_day(convener=shop.convener, actor=cm.user, membership=cm, session=session,
                                       marks={enrollment.pk: "present"})
