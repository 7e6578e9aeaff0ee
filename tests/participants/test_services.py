"""Participants with real rows: intake with encrypted PII and duplicate detection, co-enrollment and the exit
rule, consent that opens and closes another organization's view, supportive services from the right stream,
notes, placements with their retention checks, wages. Bad input gets a clear error and saves nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from participants import access, selectors, services
from participants.models import (
    CaseNote,
    Consent,
    Participant,
    Placement,
    QuarterlyWage,
    RetentionCheck,
    StreamEnrollment,
    SupportiveService,
)
from participants.pii import ssn_hash
from partnerships.models import AuditEvent, Membership, Partnership
from partnerships.roles import OrganizationType, Role
from programs import services as program_services
from programs.models import AttendanceRecord, CohortSession, Program
from tests.factories import MembershipFactory, OrganizationFactory, PartnershipFactory
from tests.participants.conftest import Agency, enroll, intake


# ---------------------------------------------------------------------------------------------------
# Intake and PII
# ---------------------------------------------------------------------------------------------------
def test_the_ssn_and_date_of_birth_are_never_stored_in_clear(agency: Agency) -> None:
    person = intake(agency)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn, date_of_birth, ssn_hash, identity_hash FROM participants_participant "
                       "WHERE id = %s", [person.pk])
        raw_ssn, raw_dob, raw_hash, raw_identity = cursor.fetchone()
    assert "6789" not in raw_ssn and "123456789" not in raw_ssn and "123-45" not in raw_ssn
    assert "1990" not in str(raw_dob)
    assert raw_hash == ssn_hash(convener_id=agency.convener.pk, ssn_digits="123456789") and len(raw_hash) == 64
    assert raw_identity and "dana" not in raw_identity.lower()
    fresh = Participant.objects.for_convener(agency.convener).get(pk=person.pk)
    assert (fresh.ssn, fresh.ssn_last4, fresh.date_of_birth) == ("123456789", "6789", date(1990, 5, 17))
    assert person.organization == agency.goodwill and person.case_manager == agency.cm.user
    assert person.public_id.startswith("P-") and "6789" not in person.public_id


def test_the_same_ssn_twice_is_refused_and_name_plus_birthday_warns(agency: Agency) -> None:
    first = intake(agency)
    with pytest.raises(ValidationError) as exc:
        intake(agency, first_name="Danielle", ssn="123456789")
    assert first.public_id in " ".join(exc.value.message_dict["ssn"])
    with pytest.raises(services.DuplicateParticipant) as dup:
        intake(agency, ssn="", first_name="DANA", last_name="Whitfield")  # same name and birthday, no SSN
    assert dup.value.candidates == [first]
    assert Participant.objects.for_convener(agency.convener).count() == 1
    second = intake(agency, ssn="", first_name="Dana", last_name="Whitfield", confirm_duplicate=True)
    assert second.pk != first.pk


@pytest.mark.parametrize(("fields", "field"), [
    ({"ssn": "000-12-3456"}, "ssn"),
    ({"ssn": "12345678"}, "ssn"),
    ({"ssn": "666-12-3456"}, "ssn"),
    ({"first_name": " "}, "first_name"),
    ({"date_of_birth": date(2020, 1, 1)}, "date_of_birth"),
    ({"benefit_snap": False, "snap_participation": "mandatory"}, "snap_participation"),
    ({"hourly_wage_at_entry": Decimal("-3")}, "hourly_wage_at_entry"),
])
def test_intake_bad_input_saves_nothing(agency: Agency, fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        intake(agency, **fields)
    assert field in exc.value.message_dict
    assert not Participant.objects.for_convener(agency.convener).exists()


def test_funders_employers_and_providers_cannot_create_participants(agency: Agency) -> None:
    for role, org_type in ((Role.FUNDER, OrganizationType.PHILANTHROPY),
                           (Role.EMPLOYER_REP, OrganizationType.EMPLOYER),
                           (Role.PROVIDER_STAFF, OrganizationType.COLLEGE)):
        member = MembershipFactory(convener=agency.convener, role=role, organization=OrganizationFactory(
            convener=agency.convener, org_type=org_type, actor=agency.admin))
        with pytest.raises(PermissionDenied):
            services.participant_intake(convener=agency.convener, actor=member.user, membership=member,
                                        first_name="X", last_name="Y")
    assert not Participant.objects.for_convener(agency.convener).exists()


# ---------------------------------------------------------------------------------------------------
# Co-enrollment and exits
# ---------------------------------------------------------------------------------------------------
def test_co_enrollment_one_per_stream_with_eligibility(agency: Agency) -> None:
    person = intake(agency)
    enroll(agency, person, "snap_et_50")
    enroll(agency, person, "wioa_adult")
    assert sorted(StreamEnrollment.objects.for_convener(agency.convener).filter(participant=person)
                  .values_list("stream__code", flat=True)) == ["snap_et_50", "wioa_adult"]
    with pytest.raises(ValidationError, match="already enrolled"):
        enroll(agency, person, "wioa_adult")
    with pytest.raises(ValidationError, match="TANF"):
        enroll(agency, person, "tanf")  # not a TANF recipient at entry
    with pytest.raises(ValidationError, match="not a funding stream"):
        enroll(agency, person, "lottery")
    assert StreamEnrollment.objects.for_convener(agency.convener).filter(participant=person).count() == 2


def test_exit_is_recorded_with_its_reason_and_never_before_entry(agency: Agency) -> None:
    person = intake(agency)
    row = enroll(agency, person, "wioa_adult", days_ago=60)
    with pytest.raises(ValidationError) as exc:
        services.stream_exit_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                    enrollment=row, exit_date=row.entry_date - timedelta(days=1), reason="Moved")
    assert "before the entry" in " ".join(exc.value.message_dict["exit_date"])
    with pytest.raises(ValidationError) as exc:
        services.stream_exit_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                    enrollment=row, exit_date=timezone.localdate(), reason="")
    assert "reason" in exc.value.message_dict
    row.refresh_from_db()
    assert row.exit_date is None
    services.stream_exit_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                enrollment=row, exit_date=timezone.localdate(), exclusion_reason="health")
    row.refresh_from_db()
    person.refresh_from_db()
    assert (row.exit_source, row.exclusion_reason, person.status) == ("recorded", "health", "exited")


def test_exit_derived_after_90_days_without_participation_and_none_planned(agency: Agency) -> None:
    """DOMAIN.md §4: the exit date is the last participation service, once 90 days pass with none planned."""
    today = timezone.localdate()
    person = intake(agency)
    row = enroll(agency, person, "wioa_adult", days_ago=200)
    waiting = intake(agency, first_name="Eli", last_name="Marsh", ssn="", date_of_birth=date(1985, 1, 2))
    waiting_row = enroll(agency, waiting, "wioa_adult", days_ago=200)
    # Dana attended training 120 days ago (a participation service); Eli is on a cohort roster (planned).
    program = make_program_for(agency)
    cohort = program_services.cohort_save(
        convener=agency.convener, actor=agency.admin, program=program, partnership=partnership_for(agency),
        name="Golf cohort", start_date=today - timedelta(days=124), end_date=today - timedelta(days=110),
        seats=5, weekly_pattern={str(d): "classroom" for d in range(7)})
    dana = program_services.enrollment_add(convener=agency.convener, actor=agency.admin, membership=agency.staff,
                                           cohort=cohort, participant=person, on=cohort.start_date)
    session = CohortSession.objects.for_convener(agency.convener).filter(
        cohort=cohort, day=today - timedelta(days=120)).get()
    program_services.attendance_record_day(convener=agency.convener, actor=agency.admin, membership=agency.staff,
                                           session=session, marks={dana.pk: "present"})
    program_services.enrollment_set_status(convener=agency.convener, actor=agency.admin, membership=agency.staff,
                                           enrollment=dana, status="withdrawn", on=today - timedelta(days=118),
                                           reason="Started a job")
    later = program_services.cohort_save(
        convener=agency.convener, actor=agency.admin, program=program, partnership=partnership_for(agency),
        name="Golf next cohort", start_date=today + timedelta(days=20), end_date=today + timedelta(days=60), seats=5)
    program_services.enrollment_add(convener=agency.convener, actor=agency.admin, membership=agency.staff,
                                    cohort=later, participant=waiting, status="applied")
    # 89 days after the withdrawal nothing happens yet; at 90 Dana exits, dated her last participation.
    assert services.exits_derive(convener=agency.convener, today=today - timedelta(days=118) + timedelta(days=89)) == 0
    assert services.exits_derive(convener=agency.convener, today=today) == 1
    row.refresh_from_db()
    waiting_row.refresh_from_db()
    assert (row.exit_date, row.exit_source) == (today - timedelta(days=118), "derived")
    assert waiting_row.exit_date is None  # a cohort is planned
    assert AttendanceRecord.objects.for_convener(agency.convener).count() == 1


def make_program_for(agency: Agency) -> Program:
    college = OrganizationFactory(convener=agency.convener, org_type=OrganizationType.COLLEGE, actor=agency.admin)
    return program_services.program_save(convener=agency.convener, actor=agency.admin, provider=college,
                                         name="Golf CNA", program_type="pre_employment")


def partnership_for(agency: Agency) -> Partnership:
    existing = Partnership.objects.for_convener(agency.convener).first()
    return existing or PartnershipFactory(convener=agency.convener, name="Golf Health", actor=agency.admin)


# ---------------------------------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------------------------------
def test_another_organization_reads_only_with_current_consent_until_revoked(agency: Agency) -> None:
    person = intake(agency)

    def dhs_sees() -> bool:
        listed = selectors.participant_list(convener=agency.convener, membership=agency.other_cm)
        return listed.filter(pk=person.pk).exists()

    assert not dhs_sees()
    assert access.reading(convener=agency.convener, membership=agency.other_cm, participant=person) is None
    consent = services.consent_record(
        convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
        recipients=[agency.dhs], categories=["identity", "services"], purposes=["coordination"],
        signed_on=timezone.localdate())
    assert dhs_sees()
    read = access.reading(convener=agency.convener, membership=agency.other_cm, participant=person)
    assert read is not None and not read.owner
    assert read.sees("services") and not read.sees("employment") and not read.sees("enrollment")
    with pytest.raises(PermissionDenied):  # reading is not owning
        services.stream_enroll(convener=agency.convener, actor=agency.other_cm.user, membership=agency.other_cm,
                               participant=person, stream="wioa_adult")
    services.consent_revoke(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, consent=consent)
    assert not dhs_sees()
    assert access.reading(convener=agency.convener, membership=agency.other_cm, participant=person) is None


def test_expired_or_unsigned_consent_does_not_open_anything(agency: Agency) -> None:
    person = intake(agency)
    today = timezone.localdate()
    services.consent_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                            recipients=[agency.dhs], categories=["identity"], purposes=["coordination"],
                            signed_on=today - timedelta(days=400), expires_on=today - timedelta(days=35))
    assert access.reading(convener=agency.convener, membership=agency.other_cm, participant=person) is None
    with pytest.raises(ValidationError) as exc:
        services.consent_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                participant=person, recipients=[], categories=["identity"], purposes=["coordination"],
                                signed_on=today)
    assert "recipients" in exc.value.message_dict
    assert Consent.objects.for_convener(agency.convener).count() == 1


def test_cross_organization_reads_are_audited(agency: Agency) -> None:
    person = intake(agency)
    services.consent_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                            recipients=[agency.dhs], categories=["identity"], purposes=["coordination"],
                            signed_on=timezone.localdate())
    before = AuditEvent.objects.for_convener(agency.convener).filter(action="participant.view_cross_org").count()
    services.pii_view_record(convener=agency.convener, actor=agency.other_cm.user, membership=agency.other_cm,
                             participant=person)
    services.pii_view_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                             participant=person)  # own organization: not a cross-organization read
    after = AuditEvent.objects.for_convener(agency.convener).filter(action="participant.view_cross_org").count()
    assert after == before + 1


# ---------------------------------------------------------------------------------------------------
# Supportive services, notes
# ---------------------------------------------------------------------------------------------------
def test_services_use_an_enrolled_stream_and_total_per_stream(agency: Agency) -> None:
    person = intake(agency)
    enroll(agency, person, "snap_et_50")
    enroll(agency, person, "wioa_adult")
    today = timezone.localdate()

    def pay(stream: str, kind: str, amount: str, status: str = "paid") -> SupportiveService:
        return services.service_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                       participant=person, stream=stream, service_type=kind, amount=amount,
                                       provided_on=today, vendor="MARTA", status=status)

    pay("snap_et_50", "transportation", "95.00")
    pay("snap_et_50", "transportation", "95.00")
    pay("wioa_adult", "child_care", "420.00")
    pay("wioa_adult", "tools", "60.00", status="denied")  # denied money is not spent
    totals = {t.code: (t.amount, t.count) for t in selectors.service_totals(convener=agency.convener,
                                                                           participant=person)}
    assert totals == {"snap_et_50": (Decimal("190.00"), 2), "wioa_adult": (Decimal("420.00"), 1)}
    with pytest.raises(ValidationError) as exc:
        pay("tanf", "housing", "500.00")
    assert "not enrolled in TANF" in " ".join(exc.value.message_dict["stream"])
    with pytest.raises(ValidationError) as exc:
        pay("wioa_adult", "uniform", "-5")
    assert "amount" in exc.value.message_dict
    assert SupportiveService.objects.for_convener(agency.convener).count() == 4


def test_confidential_notes_stay_in_their_organization(agency: Agency) -> None:
    person = intake(agency)
    services.consent_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                            recipients=[agency.dhs], categories=["identity"], purposes=["coordination"],
                            signed_on=timezone.localdate())
    services.note_add(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                      text="Needs night-shift child care.")
    services.note_add(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                      text="Disclosed a health condition.", confidential=True)

    def seen(member: Membership) -> list[str]:
        return [n.text for n in selectors.notes_visible(convener=agency.convener, membership=member,
                                                        participant=person)]

    assert sorted(seen(agency.cm)) == ["Disclosed a health condition.", "Needs night-shift child care."]
    assert seen(agency.other_cm) == ["Needs night-shift child care."]
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM participants_casenote")
        assert all("child care" not in row[0] for row in cursor.fetchall())
    with pytest.raises(ValidationError):
        services.note_add(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                          text="   ")
    assert CaseNote.objects.for_convener(agency.convener).count() == 2


# ---------------------------------------------------------------------------------------------------
# Placements, retention checks, wages
# ---------------------------------------------------------------------------------------------------
def test_a_placement_schedules_its_retention_checks(agency: Agency) -> None:
    from tests.oews import load_oews_extract

    load_oews_extract()
    person = intake(agency)
    start = timezone.localdate() - timedelta(days=100)
    placement = services.placement_record(
        convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
        employer=agency.employer, occupation="37-2011", start_date=start, hourly_wage="16.50", hours_per_week=40)
    checks = list(RetentionCheck.objects.for_convener(agency.convener).filter(placement=placement))
    assert [(c.milestone_days, c.due_on) for c in checks] == [
        (90, start + timedelta(days=90)), (180, start + timedelta(days=180)), (365, start + timedelta(days=365))]
    assert placement.employer_name == "Golf Hospital"
    due = list(selectors.checks_due(convener=agency.convener, membership=agency.cm))
    assert [c.milestone_days for c in due] == [90]
    overdue = selectors.participant_list(convener=agency.convener, membership=agency.cm, overdue=True)
    assert list(overdue) == [person]
    services.retention_check_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                    check=checks[0], employed=True, same_employer=True, current_wage="17.25")
    assert not selectors.participant_list(convener=agency.convener, membership=agency.cm, overdue=True).exists()
    with pytest.raises(ValidationError) as exc:
        services.retention_check_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                        check=checks[1], employed=True, current_wage="17.25")
    assert "same_employer" in exc.value.message_dict


@pytest.mark.parametrize(("fields", "field"), [
    ({"occupation": "99-9999"}, "occupation"),
    ({"hourly_wage": "-1"}, "hourly_wage"),
    ({"hours_per_week": "120"}, "hours_per_week"),
    ({"employer": None, "employer_name": ""}, "employer_name"),
    ({"placement_type": "volunteer"}, "placement_type"),
])
def test_placement_bad_input_saves_nothing(agency: Agency, fields: dict[str, object], field: str) -> None:
    from tests.oews import load_oews_extract

    load_oews_extract()
    person = intake(agency)
    data: dict[str, object] = {"employer": agency.employer, "occupation": "37-2011",
                               "start_date": timezone.localdate(), "hourly_wage": "16.50", "hours_per_week": 40}
    data.update(fields)
    with pytest.raises(ValidationError) as exc:
        services.placement_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                                  participant=person, **data)  # type: ignore[arg-type]
    assert field in exc.value.message_dict
    assert not Placement.objects.for_convener(agency.convener).exists()
    assert not RetentionCheck.objects.for_convener(agency.convener).exists()


def test_quarterly_wages_once_per_quarter_and_employer(agency: Agency) -> None:
    person = intake(agency)
    services.wage_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm, participant=person,
                         year=2026, quarter=1, wages="5820.00", employer_fein="581234567")
    with pytest.raises(ValidationError, match="already recorded"):
        services.wage_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                             participant=person, year=2026, quarter=1, wages="10.00", employer_fein="58-1234567")
    with pytest.raises(ValidationError) as exc:
        services.wage_record(convener=agency.convener, actor=agency.cm.user, membership=agency.cm,
                             participant=person, year=2026, quarter=5, wages="10.00")
    assert "quarter" in exc.value.message_dict
    row = QuarterlyWage.objects.for_convener(agency.convener).get()
    assert (row.employer_fein, row.wages) == ("58-1234567", Decimal("5820.00"))


def test_the_audit_log_is_append_only(agency: Agency) -> None:
    person = intake(agency)
    event = AuditEvent.objects.for_convener(agency.convener).filter(action="participant.create",
                                                                    target_id=str(person.pk)).get()
    event.action = "participant.nothing_happened"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.for_convener(agency.convener).filter(action="participant.create").count() == 1
