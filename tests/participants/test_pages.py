"""The HTML side of participants: the caseload, intake with its duplicate warning, a person's record tab by tab
with the changes made from it, imports, and the employer's interview list, per role; refusals show a clear
message and save nothing; every PII view is audited.

Built on the one-tenant ``agency`` of tests/participants/conftest.py (Goodwill's case manager owns the records,
DHS's case manager is the other organization), plus, through the services, a healthcare partnership with the
college's nurse aide program and a running cohort hosted by the hospital, and Dana Whitfield: SNAP at entry,
co-enrolled in SNAP E&T and WIOA Adult, a paid bus pass, notes (one confidential), a placement, and a seat in
the cohort. "Now" is frozen on Wednesday 2026-03-18.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from employers.models import CredentialType
from participants import services
from participants.models import (
    CaseNote,
    Consent,
    ImportJob,
    Participant,
    Placement,
    RetentionCheck,
    StreamEnrollment,
    SupportiveService,
)
from partnerships.models import AuditEvent, Membership, Organization
from partnerships.roles import OrganizationType, Role
from programs import services as program_services
from programs.models import Cohort, CohortEnrollment, CredentialAward, Program
from tests.factories import MembershipFactory, OrganizationFactory, PartnershipFactory
from tests.oews import load_oews_extract
from tests.participants.conftest import SSN, Agency, intake

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=EASTERN)
TODAY = NOW.date()

RECORD_TABS = ("record", "record-training", "record-services", "record-employment", "record-notes", "record-consent",
               "record-edit")


@dataclass
class Case:
    agency: Agency
    person: Participant
    snap: StreamEnrollment
    wioa: StreamEnrollment
    program: Program
    cohort: Cohort
    seat: CohortEnrollment
    placement: Placement
    college: Organization
    provider: Membership
    employer_rep: Membership

    @property
    def slug(self) -> str:
        return self.agency.convener.slug

    def url(self, name: str, query: str = "", **kwargs: Any) -> str:
        return reverse(f"participants:{name}", kwargs={"convener_slug": self.slug, **kwargs}) + (
            f"?{query}" if query else "")

    def record(self, name: str = "record") -> str:
        return self.url(name, participant_id=self.person.pk)

    def act(self, membership: Membership | None = None) -> dict[str, Any]:
        m = membership or self.agency.cm
        return {"convener": self.agency.convener, "actor": m.user, "membership": m}


def build_case(agency: Agency) -> Case:
    load_oews_extract()
    a, cm = agency, agency.cm
    c = a.convener
    college = OrganizationFactory(convener=c, org_type=OrganizationType.COLLEGE, name="Golf Community College",
                                  actor=a.admin)
    partnership = PartnershipFactory(convener=c, name="Golf Healthcare Partnership", actor=a.admin)
    program = program_services.program_save(
        convener=c, actor=a.admin, provider=college, name="Golf Nurse Aide Training",
        program_type=Program.ProgramType.PRE_EMPLOYMENT, target_occupations=["31-1131"],
        funding_streams=["snap_et_50", "wioa_adult"],
        credentials=[{"name": "Golf State Nurse Aide Certification", "issuer": "Golf State Board of Nursing",
                      "ctdl_type": CredentialType.LICENSE}])
    cohort = program_services.cohort_save(
        convener=c, actor=a.admin, program=program, partnership=partnership, name="Golf Nurse Aide Spring 2026",
        target_occupation="31-1131", start_date=date(2026, 2, 2), end_date=date(2026, 3, 27), seats=10,
        weekly_pattern={"0": "classroom", "2": "classroom"},
        employers=[{"employer": a.employer, "kind": "host", "guaranteed_interviews": 5}])
    cohort = program_services.cohort_set_status(convener=c, actor=a.admin, cohort=cohort,
                                                status=Cohort.Status.IN_PROGRESS)
    person = intake(a, streams=[{"stream": "snap_et_50", "entry_date": date(2026, 1, 12)}])
    snap = StreamEnrollment.objects.for_convener(c).get(participant=person)
    wioa = services.stream_enroll(**_act(cm), participant=person, stream="wioa_adult", entry_date=date(2026, 1, 20))
    services.service_record(**_act(cm), participant=person, stream="snap_et_50", service_type="transportation",
                            amount="45.00", provided_on=date(2026, 2, 2), vendor="Golf Transit", status="paid")
    services.note_add(**_act(cm), participant=person, text="Met at the job fair; wants nursing.",
                      noted_on=date(2026, 1, 12))
    services.note_add(**_act(cm), participant=person, text="Discussed a housing problem in confidence.",
                      noted_on=date(2026, 1, 19), confidential=True)
    seat = program_services.enrollment_add(**_act(cm), cohort=cohort, participant=person, on=date(2026, 1, 26))
    placement = services.placement_record(**_act(cm), participant=person, occupation="31-1131",
                                          start_date=date(2025, 11, 3), hourly_wage="17.50", hours_per_week="32",
                                          employer=a.employer, placement_type="internship")
    provider = MembershipFactory(convener=c, role=Role.PROVIDER_STAFF, organization=college)
    employer_rep = MembershipFactory(convener=c, role=Role.EMPLOYER_REP, organization=a.employer)
    return Case(agency=a, person=person, snap=snap, wioa=wioa, program=program, cohort=cohort, seat=seat,
                placement=placement, college=college, provider=provider, employer_rep=employer_rep)


def _act(m: Membership) -> dict[str, Any]:
    return {"convener": m.convener, "actor": m.user, "membership": m}


@pytest.fixture
def case(agency: Agency, monkeypatch: pytest.MonkeyPatch) -> Case:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return build_case(agency)


def text_of(response: Any) -> str:
    return response.content.decode()


def share(case: Case, *, categories: list[str], purposes: list[str] | None = None,
          recipients: list[Organization] | None = None) -> Consent:
    return services.consent_record(**case.act(), participant=case.person, recipients=recipients or [case.agency.dhs],
                                   categories=categories, purposes=purposes or ["coordination"],
                                   signed_on=date(2026, 3, 1))


# ---------------------------------------------------------------------------
# Pages per role
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["cm", "admin", "staff"])
def test_every_page_renders_for_the_owning_case_manager_and_convener_staff(case: Case, client_for: Any,
                                                                           who: str) -> None:
    a = case.agency
    user = {"cm": a.cm.user, "admin": a.admin, "staff": a.staff.user}[who]
    client = client_for(user)
    pages = {
        case.url("caseload"): "Dana Whitfield",
        case.url("intake"): "Social Security number",
        case.url("import-list"): "Participants template (CSV)",
        case.url("occupation-search", "q=nursing"): "31-1131",
        case.record(): "Timeline",
        case.record("record-training"): "Golf Nurse Aide Spring 2026",
        case.record("record-services"): "Golf Transit",
        case.record("record-employment"): "Day 90",
        case.record("record-notes"): "Met at the job fair",
        case.record("record-consent"): "Record a signed consent",
        case.record("record-edit"): "Save the profile",
    }
    for page, expected in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        assert expected in text_of(response), page
    home = text_of(client.get(reverse("partnerships:home", kwargs={"convener_slug": case.slug})))
    assert case.url("caseload") in home


def test_the_owner_sees_the_masked_ssn_and_the_date_of_birth_never_the_full_ssn(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    for name in RECORD_TABS:
        page = text_of(client.get(case.record(name)))
        assert "•••-••-6789" in page, name
        assert "123-45-6789" not in page and "123456789" not in page, name
    overview = text_of(client.get(case.record()))
    assert "May 17, 1990" in overview and "Single parent" in overview


@pytest.mark.parametrize("role", ["funder", "employer_rep", "provider"])
def test_funders_employers_and_providers_get_404_for_every_page_about_a_person(case: Case, client_for: Any,
                                                                               role: str) -> None:
    membership = {"funder": case.agency.funder, "employer_rep": case.employer_rep, "provider": case.provider}[role]
    client = client_for(membership.user)
    for name in RECORD_TABS:
        response = client.get(case.record(name))
        assert response.status_code == 404, name
        assert "Whitfield" not in text_of(response)
    for name, kwargs in (("stream-exit", {"streamenrollment_id": case.snap.pk}),
                         ("consent-revoke", {"consent_id": share(case, categories=["identity"]).pk}),
                         ("check-record", {"retentioncheck_id": case.placement.checks.first().pk}),
                         ("cohort-progress", {"cohortenrollment_id": case.seat.pk}),
                         ("placement-record", {"participant_id": case.person.pk})):
        assert client.post(case.url(name, **kwargs), {}).status_code == 404, name
    # The caseload, intake and imports are refused to the role (403), and the navigation does not offer them.
    for name in ("caseload", "intake", "import-list"):
        assert client.get(case.url(name)).status_code == 403, name
    home = text_of(client.get(reverse("partnerships:home", kwargs={"convener_slug": case.slug})))
    assert case.url("caseload") not in home and "Caseload" not in home and "Whitfield" not in home


def test_another_organizations_case_manager_reads_only_while_a_consent_names_it_and_only_what_it_names(
    case: Case, client_for: Any
) -> None:
    dhs = client_for(case.agency.other_cm.user)
    for name in RECORD_TABS:
        assert dhs.get(case.record(name)).status_code == 404, name
    assert "Whitfield" not in text_of(dhs.get(case.url("caseload")))

    consent = share(case, categories=["identity", "services"])
    caseload = text_of(dhs.get(case.url("caseload")))
    assert "Dana Whitfield" in caseload
    overview = dhs.get(case.record())
    assert overview.status_code == 200
    page = text_of(overview)
    assert "Shared with Golf DHS by the person's consent" in page
    assert "•••-••-6789" not in page and "May 17, 1990" not in page  # PII stays with the owner
    assert "Transportation $45.00" in page  # services consented: in the timeline
    assert "Enrolled in WIOA Adult" not in page and "Placed at" not in page  # enrollment, employment: not
    assert "single parent" not in page.lower()  # barriers: the owner's only
    assert dhs.get(case.record("record-services")).status_code == 200
    for name in ("record-training", "record-employment", "record-consent", "record-edit"):
        assert dhs.get(case.record(name)).status_code == 404, name
    # Reading is not changing: a consented reader is refused changes.
    response = dhs.post(case.record("record-services"), {"service-stream": "snap_et_50", "service-service_type":
                                                         "books", "service-amount": "20", "service-provided_on":
                                                         "2026-03-02", "service-status": "paid"})
    assert response.status_code == 403
    assert SupportiveService.objects.for_convener(case.agency.convener).count() == 1

    services.consent_revoke(**case.act(), consent=consent)
    for name in ("record", "record-services", "record-notes"):
        assert dhs.get(case.record(name)).status_code == 404, name
    assert "Whitfield" not in text_of(dhs.get(case.url("caseload")))


def test_a_confidential_note_is_read_only_inside_its_authors_organization(case: Case, client_for: Any) -> None:
    share(case, categories=["identity"])
    owner = text_of(client_for(case.agency.cm.user).get(case.record("record-notes")))
    assert "Discussed a housing problem" in owner and "Confidential to Golf Goodwill" in owner
    for user in (case.agency.other_cm.user, case.agency.admin):
        page = text_of(client_for(user).get(case.record("record-notes")))
        assert "Met at the job fair" in page
        assert "housing problem" not in page
        timeline = text_of(client_for(user).get(case.record()))
        assert "Case note (confidential)" not in timeline and "Case note" in timeline


def test_every_view_of_a_record_by_convener_staff_or_another_organization_is_audited(case: Case,
                                                                                      client_for: Any) -> None:
    consent = share(case, categories=["identity", "services"])

    def views(action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.for_convener(case.agency.convener).filter(
            action=action, target_id=str(case.person.pk)).order_by("pk"))

    admin = client_for(case.agency.admin)
    for name in RECORD_TABS:
        admin.get(case.record(name))
    assert [e.metadata["what"] for e in views("participant.view")] == [
        "overview", "training", "services", "employment", "notes", "consent", "edit"]
    dhs = client_for(case.agency.other_cm.user)
    dhs.get(case.record())
    dhs.get(case.record("record-services"))
    cross = views("participant.view_cross_org")
    assert [(e.metadata["what"], e.metadata["consent"]) for e in cross] == [("overview", consent.pk),
                                                                             ("services", consent.pk)]
    assert all(e.actor_id == case.agency.other_cm.user_id for e in cross)


# ---------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------
def intake_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Marisol", "last_name": "Reyes", "ssn": "234-56-7890", "date_of_birth": "1988-09-04",
        "email": "marisol@example.org", "phone": "404-555-0142", "city": "Decatur", "state": "ga",
        "sex": "female", "ethnicity": "hispanic", "race": "white", "education_at_entry": "hse",
        "employment_status_at_entry": "not_employed", "barrier_low_income": "on", "barrier_child_care": "on",
        "benefit_snap": "on", "snap_participation": "mandatory", "abawd": "on",
        "streams": ["snap_et_50", "wioa_adult"], "entry_date": "2026-03-16", "intake_date": "2026-03-16",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_intake_creates_a_co_enrolled_snap_participant_with_every_field(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    response = client.post(case.url("intake"), intake_form())
    person = Participant.objects.for_convener(case.agency.convener).get(last_name="Reyes")
    assert response.status_code == 302 and response["Location"] == case.url("record", participant_id=person.pk)
    assert person.organization == case.agency.goodwill and person.case_manager == case.agency.cm.user
    assert person.ssn == "234567890" and person.date_of_birth == date(1988, 9, 4) and person.state == "GA"
    assert person.benefit_snap and person.abawd and person.snap_participation == "mandatory"
    assert person.barrier_labels() == ["low income", "needs child care"]
    assert sorted(person.stream_enrollments.values_list("stream__code", flat=True)) == ["snap_et_50", "wioa_adult"]
    page = text_of(client.get(response["Location"]))
    assert "Created the record of Marisol Reyes" in page
    assert page.count("stream-badge") >= 2 and "•••-••-7890" in page


def test_a_bad_ssn_is_refused_next_to_its_field_and_nothing_is_saved(case: Case, client_for: Any) -> None:
    before = Participant.objects.for_convener(case.agency.convener).count()
    response = client_for(case.agency.cm.user).post(case.url("intake"), intake_form(ssn="123-45-678"))
    assert response.status_code == 400
    page = text_of(response)
    assert "Enter the SSN as nine digits" in page
    assert 'aria-describedby="id_ssn_helptext id_ssn_error"' in page or 'id="id_ssn_error"' in page
    assert Participant.objects.for_convener(case.agency.convener).count() == before


def test_snap_et_needs_snap_at_entry_and_a_refusal_rolls_back_the_whole_intake(case: Case, client_for: Any) -> None:
    before = Participant.objects.for_convener(case.agency.convener).count()
    response = client_for(case.agency.cm.user).post(case.url("intake"), intake_form(
        benefit_snap=None, snap_participation="", abawd=None))
    assert response.status_code == 400
    assert "SNAP E&amp;T is for SNAP recipients" in text_of(response)
    assert Participant.objects.for_convener(case.agency.convener).count() == before


def test_a_possible_duplicate_is_shown_before_a_second_record_is_created(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    same = intake_form(first_name="Dana", last_name="Whitfield", ssn="", date_of_birth="1990-05-17")
    response = client.post(case.url("intake"), same)
    assert response.status_code == 400
    page = text_of(response)
    assert "This may be someone already on file" in page
    assert case.person.public_id in page and case.record() in page  # the owner may open it
    assert "This is a different person — create anyway" in page
    assert Participant.objects.for_convener(case.agency.convener).filter(last_name="Whitfield").count() == 1

    # Another organization sees that someone is on file, not who.
    other = text_of(client_for(case.agency.other_cm.user).post(case.url("intake"), same))
    assert case.person.public_id in other and case.record() not in other and "a person you may not open" in other

    response = client.post(case.url("intake"), {**same, "warned": "1", "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Participant.objects.for_convener(case.agency.convener).filter(last_name="Whitfield").count() == 2


def test_the_same_ssn_is_refused_outright(case: Case, client_for: Any) -> None:
    response = client_for(case.agency.admin).post(case.url("intake"), intake_form(
        ssn=SSN, organization=case.agency.dhs.pk))
    assert response.status_code == 400
    assert f"That SSN is already on file ({case.person.public_id})" in text_of(response)


def test_editing_the_profile_keeps_the_ssn_unless_a_new_one_is_typed(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    form = text_of(client.get(case.record("record-edit")))
    assert "6789" not in form.split('id="group-identity"')[1].split("</fieldset>")[0]  # never shown back
    data = {k: v for k, v in intake_form(first_name="Dana", last_name="Whitfield", ssn="",
                                         date_of_birth="1990-05-17", phone="404-555-0199").items()
            if k not in ("streams", "entry_date", "intake_date")}
    response = client.post(case.record("record-edit"), data)
    assert response.status_code == 302
    case.person.refresh_from_db()
    assert case.person.ssn == "123456789" and case.person.phone == "404-555-0199"
    response = client.post(case.record("record-edit"), {**data, "ssn": "12-3"})
    assert response.status_code == 400 and "Enter the SSN as nine digits" in text_of(response)


# ---------------------------------------------------------------------------
# Funding streams
# ---------------------------------------------------------------------------
def test_co_enrollment_and_a_recorded_exit_show_on_the_overview(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    response = client.post(case.url("stream-exit", streamenrollment_id=case.wioa.pk),
                           {f"exit{case.wioa.pk}-exit_date": "2026-03-16",
                            f"exit{case.wioa.pk}-reason": "Moved to the Dislocated Worker program"})
    assert response.status_code == 302
    page = text_of(client.get(case.record()))
    assert "Recorded" in page and "Moved to the Dislocated Worker program" in page
    assert "Exited WIOA Adult" in page  # the timeline
    response = client.post(case.url("stream-enroll", participant_id=case.person.pk),
                           {"enroll-stream": "wioa_dw", "enroll-entry_date": "2026-03-17"})
    assert response.status_code == 302
    assert "WIOA Dislocated Worker" in text_of(client.get(case.url("caseload")))


def test_an_exit_before_the_entry_is_refused_and_changes_nothing(case: Case, client_for: Any) -> None:
    response = client_for(case.agency.cm.user).post(
        case.url("stream-exit", streamenrollment_id=case.wioa.pk),
        {f"exit{case.wioa.pk}-exit_date": "2026-01-02", f"exit{case.wioa.pk}-reason": "error"})
    assert response.status_code == 400
    page = text_of(response)
    assert "The exit cannot come before the entry (Jan 20, 2026)" in page
    assert f'id="id_exit{case.wioa.pk}-exit_date_error"' in page
    case.wioa.refresh_from_db()
    assert case.wioa.exit_date is None and case.wioa.exit_source == ""


# ---------------------------------------------------------------------------
# Supportive services
# ---------------------------------------------------------------------------
def service_form(**overrides: str) -> dict[str, str]:
    data = {"service-service_type": "child_care", "service-stream": "wioa_adult", "service-amount": "$1,200.00",
            "service-provided_on": "2026-03-02", "service-vendor": "Little Steps", "service-status": "approved"}
    data.update(overrides)
    return data


def test_services_are_paid_from_the_right_streams_with_running_totals(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    response = client.post(case.record("record-services"), service_form())
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "Recorded child care of $1,200.00 from WIOA Adult (approved)" in page
    totals = page.split('id="totals"')[1].split("</section>")[0]
    assert "$45.00" in totals and "$1,200.00" in totals and "$1,245.00" in totals
    service = SupportiveService.objects.for_convener(case.agency.convener).get(service_type="child_care")
    assert client.post(case.url("service-status", supportiveservice_id=service.pk), {"status": "paid"}).status_code \
        == 302
    service.refresh_from_db()
    assert service.status == "paid"
    response = client.post(case.url("service-status", supportiveservice_id=service.pk), {"status": "requested"})
    assert response.status_code == 400 and "A paid service cannot become requested" in text_of(response)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"service-stream": "tanf"}, "The person is not enrolled in that stream"),
    ({"service-amount": "-20"}, "Cannot be negative."),
    ({"service-amount": "lots"}, "Give the amount in dollars"),
    ({"service-provided_on": "2025-12-01", "service-stream": "wioa_adult"}, "WIOA Adult starts on Jan 20, 2026"),
])
def test_a_refused_service_says_why_and_saves_nothing(case: Case, client_for: Any, overrides: dict[str, str],
                                                      message: str) -> None:
    response = client_for(case.agency.cm.user).post(case.record("record-services"), service_form(**overrides))
    assert response.status_code == 400
    assert message in text_of(response)
    assert SupportiveService.objects.for_convener(case.agency.convener).count() == 1


# ---------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------
def test_recording_and_revoking_a_consent_from_the_consent_tab(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    response = client.post(case.record("record-consent"), {
        "consent-recipients": [case.agency.dhs.pk], "consent-categories": ["identity", "services"],
        "consent-purposes": ["coordination"], "consent-signed_on": "2026-03-10"})
    assert response.status_code == 302
    consent = Consent.objects.for_convener(case.agency.convener).get()
    assert consent.recipients.get() == case.agency.dhs and consent.categories() == ["identity", "services"]
    assert client_for(case.agency.other_cm.user).get(case.record()).status_code == 200
    response = client.post(case.url("consent-revoke", consent_id=consent.pk), {f"revoke{consent.pk}-note": "by phone"})
    assert response.status_code == 302
    assert "Revoked" in text_of(client.get(case.record("record-consent")))
    assert client_for(case.agency.other_cm.user).get(case.record()).status_code == 404


def test_a_consent_without_a_recipient_is_refused_and_nothing_is_saved(case: Case, client_for: Any) -> None:
    response = client_for(case.agency.cm.user).post(case.record("record-consent"), {
        "consent-categories": ["identity"], "consent-purposes": ["coordination"], "consent-signed_on": "2026-03-10"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Name at least one organization the person agrees to share with" in page
    assert 'id="id_consent-recipients_error"' in page
    assert not Consent.objects.for_convener(case.agency.convener).exists()


# ---------------------------------------------------------------------------
# Training, employment, notes
# ---------------------------------------------------------------------------
def test_the_case_manager_records_completion_and_a_credential_from_the_training_tab(case: Case,
                                                                                   client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    e = case.seat.pk
    assert client.post(case.url("cohort-progress", cohortenrollment_id=e),
                       {f"status{e}-status": "completed", f"status{e}-on": "2026-03-17"}).status_code == 302
    credential = case.program.credentials.get()
    assert client.post(case.url("credential-record", cohortenrollment_id=e),
                       {f"credential{e}-program_credential": credential.pk,
                        f"credential{e}-awarded_on": "2026-03-17"}).status_code == 302
    page = text_of(client.get(case.record("record-training")))
    assert "Completed Mar 17, 2026" in page and "Golf State Nurse Aide Certification" in page
    timeline = text_of(client.get(case.record()))
    assert "Completed Golf Nurse Aide Spring 2026" in timeline
    assert "Earned Golf State Nurse Aide Certification" in timeline
    assert CredentialAward.objects.for_convener(case.agency.convener).filter(participant=case.person).count() == 1


def test_placing_someone_in_a_cohort_from_their_record(case: Case, client_for: Any) -> None:
    other = program_services.cohort_save(
        convener=case.agency.convener, actor=case.agency.admin, program=case.program,
        partnership=case.cohort.partnership, name="Golf Nurse Aide Summer 2026", start_date=date(2026, 6, 1),
        end_date=date(2026, 7, 24), seats=8, weekly_pattern={"1": "classroom"})
    client = client_for(case.agency.cm.user)
    page = text_of(client.get(case.record("record-training")))
    assert "Golf Nurse Aide Summer 2026" in page.split('id="place"')[1]
    response = client.post(case.record("record-training"), {"place-cohort": other.pk, "place-status": "applied",
                                                            "place-on": "2026-03-18"})
    assert response.status_code == 302
    assert CohortEnrollment.objects.for_convener(case.agency.convener).get(cohort=other).status == "applied"
    response = client.post(case.record("record-training"), {"place-cohort": "", "place-on": "2026-03-18"})
    assert response.status_code == 400 and "Choose a cohort from the list" in text_of(response)


def test_a_placement_schedules_its_three_checks_and_a_check_is_recorded(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    response = client.post(case.url("placement-record", participant_id=case.person.pk), {
        "placement-employer_name": "Golf Dental Group", "placement-occupation": "31-9092 Medical Assistants",
        "placement-start_date": "2026-03-16", "placement-hourly_wage": "19.25", "placement-hours_per_week": "40",
        "placement-related_to_training": "on", "placement-placement_type": "unsubsidized"})
    assert response.status_code == 302
    placement = Placement.objects.for_convener(case.agency.convener).get(employer_name="Golf Dental Group")
    assert [c.due_on for c in placement.checks.order_by("milestone_days")] == [
        date(2026, 6, 14), date(2026, 9, 12), date(2027, 3, 16)]
    page = text_of(client.get(response["Location"]))
    assert "The day 90 check is due on Jun 14, 2026" in page and "Day 365" in page
    # The internship of November: its day 90 check fell due on Feb 1 and is overdue.
    check = case.placement.checks.get(milestone_days=90)
    assert 'class="check-overdue"' in page
    response = client.post(case.url("check-record", retentioncheck_id=check.pk), {
        f"check{check.pk}-employed": "yes", f"check{check.pk}-same_employer": "yes",
        f"check{check.pk}-current_wage": "18.00", f"check{check.pk}-checked_on": "2026-03-18"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.employed and check.same_employer and check.current_wage == Decimal("18.00")
    assert "Day 90 retention check: employed" in text_of(client.get(case.record()))


def test_a_placement_with_an_unknown_soc_code_is_refused_and_schedules_nothing(case: Case, client_for: Any) -> None:
    checks = RetentionCheck.objects.for_convener(case.agency.convener).count()
    response = client_for(case.agency.cm.user).post(case.url("placement-record", participant_id=case.person.pk), {
        "placement-employer_name": "Golf Dental Group", "placement-occupation": "99-9999",
        "placement-start_date": "2026-03-16", "placement-hourly_wage": "19.25", "placement-hours_per_week": "40",
        "placement-placement_type": "unsubsidized"})
    assert response.status_code == 400
    page = text_of(response)
    assert "99-9999 is not a detailed SOC 2018 occupation" in page and 'id="id_placement-occupation_error"' in page
    assert Placement.objects.for_convener(case.agency.convener).count() == 1
    assert RetentionCheck.objects.for_convener(case.agency.convener).count() == checks


def test_quarterly_wages_and_notes_are_recorded_from_their_tabs(case: Case, client_for: Any) -> None:
    client = client_for(case.agency.cm.user)
    response = client.post(case.url("wage-record", participant_id=case.person.pk), {
        "wage-year": "2025", "wage-quarter": "4", "wage-wages": "4820.50", "wage-employer_fein": "581234567",
        "wage-source": "ui_match"})
    assert response.status_code == 302
    assert "2025 Q4" in text_of(client.get(case.record("record-employment")))
    response = client.post(case.url("wage-record", participant_id=case.person.pk), {
        "wage-year": "2025", "wage-quarter": "4", "wage-wages": "10", "wage-employer_fein": "58-1234567",
        "wage-source": "ui_match"})
    assert response.status_code == 400 and "2025 Q4 from this employer is already recorded" in text_of(response)
    response = client.post(case.record("record-notes"), {"note-text": "Called about the bus pass.",
                                                         "note-noted_on": "2026-03-18"})
    assert response.status_code == 302
    assert CaseNote.objects.for_convener(case.agency.convener).count() == 3
    response = client.post(case.record("record-notes"), {"note-text": "  ", "note-noted_on": "2026-03-18"})
    assert response.status_code == 400 and "Write the note." in text_of(response)


# ---------------------------------------------------------------------------
# The caseload
# ---------------------------------------------------------------------------
def test_the_caseload_filters_by_stream_cohort_overdue_follow_up_mine_and_public_id(case: Case,
                                                                                   client_for: Any) -> None:
    a = case.agency
    other = intake(a, first_name="Omar", last_name="Haddad", ssn="345-67-8901", date_of_birth=date(1979, 2, 1),
                   benefit_snap=False, snap_participation="")
    services.stream_enroll(**case.act(), participant=other, stream="pell", entry_date=date(2026, 2, 1))
    client = client_for(a.cm.user)

    def names(query: str) -> set[str]:
        page = text_of(client.get(case.url("caseload", query)))
        table = page.split('id="caseload-table"')[1].split("</table>")[0] if 'id="caseload-table"' in page else ""
        return {n for n in ("Dana Whitfield", "Omar Haddad") if n in table}

    assert names("") == {"Dana Whitfield", "Omar Haddad"}
    assert names("stream=snap_et_50") == {"Dana Whitfield"}
    assert names("stream=pell") == {"Omar Haddad"}
    assert names(f"cohort={case.cohort.pk}") == {"Dana Whitfield"}
    assert names("overdue=on") == {"Dana Whitfield"}
    assert names("mine=on") == {"Dana Whitfield", "Omar Haddad"}
    assert names(f"q={other.public_id}") == {"Omar Haddad"}
    assert names("q=whit") == {"Dana Whitfield"}
    page = text_of(client.get(case.url("caseload")))
    assert "badge-overdue" in page and "Checks due" in page and "Day 90 check" in page
    assert "6789" not in page and "1990" not in page  # no PII beyond name and public id


# ---------------------------------------------------------------------------
# Imports
# ---------------------------------------------------------------------------
def test_the_import_page_gives_templates_and_runs_a_good_file(case: Case, client_for: Any,
                                                              django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(case.agency.cm.user)
    template = client.get(case.url("import-list", "template=wages"))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith("public_id,year,quarter,wages,employer_fein,source")
    csv = (f"public_id,year,quarter,wages,employer_fein,source\n{case.person.public_id},2025,3,3100.00,"
           "58-1234567,ui_match\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case.url("import-list"), {"kind": "wages",
                                                         "file": _upload("wages.csv", csv)})
    job = ImportJob.objects.for_convener(case.agency.convener).get()
    assert response.status_code == 302 and response["Location"] == case.url("import-detail", importjob_id=job.pk)
    page = text_of(client.get(response["Location"]))
    assert "1 row imported" in page and 'hx-trigger="every 1s"' not in page
    assert AuditEvent.objects.for_convener(case.agency.convener).filter(action="import.start").exists()


def test_a_file_with_one_bad_row_imports_nothing_and_lists_the_row_and_column(
    case: Case, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(case.agency.cm.user)
    header = "first_name,last_name,ssn,date_of_birth,benefits,streams"
    csv = f"{header}\nAna,Lopez,321-54-9876,1994-03-17,snap,snap_et_50\nBen,Ortiz,12-34,1990-01-01,,\n".encode()
    before = Participant.objects.for_convener(case.agency.convener).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case.url("import-list"), {"kind": "participants", "file": _upload("people.csv", csv)})
    page = text_of(client.get(response["Location"]))
    assert "Nothing was imported." in page
    errors = page.split('id="import-errors"')[1].split("</table>")[0]
    assert "<td class=\"text-end\">3</td><td><code>ssn</code></td>" in errors.replace("\n", "")
    assert Participant.objects.for_convener(case.agency.convener).count() == before


def test_a_running_import_polls_its_progress_every_second(case: Case, client_for: Any) -> None:
    job = ImportJob.objects.create(convener=case.agency.convener, kind="wages", filename="big.csv", payload=b"x",
                                   created_by=case.agency.cm.user, status="running", total_rows=10_000,
                                   processed_rows=4_000)
    client = client_for(case.agency.cm.user)
    page = text_of(client.get(case.url("import-detail", importjob_id=job.pk)))
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="40"' in page and "Checking row 4,000 of 10,000" in page
    fragment = text_of(client.get(case.url("import-detail", importjob_id=job.pk), HTTP_HX_REQUEST="true"))
    assert fragment.startswith('<div id="import-progress"') and "<html" not in fragment
    # Another case manager's jobs are not listed, and their pages are not found.
    assert client_for(case.agency.other_cm.user).get(case.url("import-detail", importjob_id=job.pk)).status_code == 404


@pytest.mark.parametrize(("name", "payload", "message"), [
    ("people.txt", b"first_name\nAna\n", "Upload a .csv or .xlsx file"),
    ("people.csv", b"x" * (10 * 1024 * 1024 + 1), "at most 10 MB per file"),
])
def test_an_upload_that_is_not_a_small_csv_or_xlsx_is_refused(case: Case, client_for: Any, name: str,
                                                              payload: bytes, message: str) -> None:
    response = client_for(case.agency.cm.user).post(case.url("import-list"), {"kind": "participants",
                                                                              "file": _upload(name, payload)})
    assert response.status_code == 400 and message in text_of(response)
    assert not ImportJob.objects.for_convener(case.agency.convener).exists()


def _upload(name: str, payload: bytes) -> Any:
    handle = io.BytesIO(payload)
    handle.name = name
    return handle


# ---------------------------------------------------------------------------
# Employers: a graduate's name for an interview, only with consent
# ---------------------------------------------------------------------------
def test_an_employer_sees_a_graduates_name_only_with_an_employer_interview_consent(case: Case,
                                                                                   client_for: Any) -> None:
    a = case.agency
    employer = client_for(case.employer_rep.user)
    page_url = reverse("programs:cohort-detail", kwargs={"convener_slug": case.slug, "cohort_id": case.cohort.pk})

    def listed() -> str:
        return text_of(employer.get(page_url)).split('id="interview-candidates"')[1].split("</section>")[0]

    program_services.enrollment_set_status(**case.act(), enrollment=case.seat, status="completed", on=TODAY)
    assert "Whitfield" not in listed()
    share(case, categories=["identity"], purposes=["coordination"], recipients=[a.employer])
    assert "Whitfield" not in listed()  # no employer-interview purpose
    consent = share(case, categories=["identity"], purposes=["employer_interview"], recipients=[a.employer])
    assert "Dana Whitfield" in listed()
    event = AuditEvent.objects.for_convener(a.convener).filter(action="participant.view_cross_org").get()
    assert event.target_id == str(case.person.pk) and event.metadata["purpose"] == "employer_interview"
    assert event.actor_id == case.employer_rep.user_id
    services.consent_revoke(**case.act(), consent=consent)
    assert "Whitfield" not in listed()
    assert client_for(case.employer_rep.user).get(case.record()).status_code == 404
