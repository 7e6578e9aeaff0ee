"""The demo seed: idempotent, and it builds the councils the case studies describe.

The seed is the slowest thing here (a few seconds), so it runs once for the whole module, twice in a row, inside
a transaction that is rolled back at the end; each test then reads from it in its own savepoint. The seed is
run "as of" a fixed date, so no test depends on the machine's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from employers.models import DemandRun, DemandSnapshot, DemandSurvey, SkillNeed, SurveyInvitation
from partnerships.industry import validate_naics
from partnerships.management.commands.seed_demo import ATLANTA_PARTNERSHIP, DEMO_DOMAIN
from partnerships.models import (
    ActionItem,
    Convener,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Meeting,
    MeetingAttendance,
    Partnership,
    PartnershipGoal,
    Representative,
)
from partnerships.roles import OrganizationType
from partnerships.services.councils import DRIFT_INACTIVE_DAYS
from tests.oews import load_oews_extract

AS_OF = date(2026, 3, 10)

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows of every model of the project and of allauth's addresses (base managers: no tenant scoping)."""
    models = [m for label in ("partnerships", "employers", "programs", "participants", "account")
              for m in apps.get_app_config(label).get_models()]
    return {m._meta.label: m._base_manager.count() for m in models}


@dataclass
class SeedRuns:
    first: dict[str, int]
    second: dict[str, int]
    second_output: str


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # The seed loads the full OEWS file (about 10 s) only when no wages exist: the extract holds every
        # area and occupation the demo uses, so it stands in for it here.
        load_oews_extract()
        call_command("seed_demo", quiet=True, as_of=AS_OF)
        first = row_counts()
        out = StringIO()
        call_command("seed_demo", as_of=AS_OF, stdout=out)
        yield SeedRuns(first, row_counts(), out.getvalue())
        transaction.set_rollback(True)


def council(slug: str, partnership: str, kind: str) -> Council:
    convener = Convener.objects.get(slug=slug)
    return Council.objects.for_convener(convener).get(partnership__name=partnership, kind=kind)


def current_seats(c: Council):
    return CouncilSeat.objects.for_convener(c.convener_id).filter(council=c, left_on__isnull=True).select_related(
        "organization"
    )


def test_a_second_run_changes_nothing(seeded):
    assert seeded.second == seeded.first
    assert "nothing changed" in seeded.second_output


def test_the_atlanta_workforce_council_seats_five_boards_eight_colleges_seven_districts_and_goodwill_as_lead(
    seeded,
):
    seats = list(current_seats(council("metro-atlanta", ATLANTA_PARTNERSHIP, Council.Kind.WORKFORCE)))
    by_type: dict[str, list[str]] = {}
    for seat in seats:
        by_type.setdefault(seat.organization.org_type, []).append(seat.organization.name)

    assert len(by_type[OrganizationType.WORKFORCE_BOARD]) == 5
    assert len(by_type[OrganizationType.COLLEGE]) == 8
    assert all(name.endswith("Technical College") for name in by_type[OrganizationType.COLLEGE])
    assert len(by_type[OrganizationType.K12]) == 7
    [lead] = [seat for seat in seats if seat.seat_role == CouncilSeat.SeatRole.LEAD_PARTNER]
    assert lead.organization.name == "Goodwill of North Georgia"
    assert OrganizationType.HUMAN_SERVICES in by_type  # Georgia DHS, the SNAP/TANF administrator


def test_the_atlanta_industry_council_has_hospitals_and_the_industry_association(seeded):
    seats = list(current_seats(council("metro-atlanta", ATLANTA_PARTNERSHIP, Council.Kind.INDUSTRY)))
    types = [seat.organization.org_type for seat in seats]

    assert types.count(OrganizationType.EMPLOYER) >= 5
    assert types.count(OrganizationType.INDUSTRY_ASSOCIATION) == 1


def test_the_advancing_manufacturing_industry_council_has_more_than_twenty_manufacturers(seeded):
    seats = current_seats(
        council("region-4-indiana", "Advancing Manufacturing Partnership", Council.Kind.INDUSTRY)
    ).filter(organization__org_type=OrganizationType.EMPLOYER)
    employers = [seat.organization for seat in seats]

    assert len(employers) > 20
    names = {e.name for e in employers}
    assert {"Subaru of Indiana Automotive", "Kirby Risk", "AdKev", "Ball Corporation", "Caterpillar"} <= names
    for employer in employers:
        assert employer.size_band, f"{employer.name} has no size band"
        assert employer.naics_code and validate_naics(employer.naics_code) is None, employer.name


def test_at_least_one_employer_is_drifting_away_and_the_flag_says_why(seeded):
    drifting = EmployerEngagement.unscoped.filter(council__kind=Council.Kind.INDUSTRY, is_drifting=True)

    assert drifting.exists()
    for engagement in drifting:
        assert engagement.meetings_considered >= 6
        assert engagement.meetings_attended <= 1
        assert engagement.last_activity_on is None or (AS_OF - engagement.last_activity_on).days > DRIFT_INACTIVE_DAYS
    steady = EmployerEngagement.unscoped.filter(council__kind=Council.Kind.INDUSTRY, is_drifting=False)
    assert steady.count() > 4 * drifting.count(), "drift is the exception, not the rule"


def test_each_council_met_over_the_past_year_and_has_meetings_ahead(seeded):
    for c in Council.unscoped.all():
        meetings = Meeting.unscoped.filter(council=c)
        held = meetings.filter(status=Meeting.Status.HELD, starts_at__date__gte=AS_OF - timedelta(days=365))
        assert held.count() >= 6, c
        assert meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__date__gt=AS_OF).exists(), c
        assert not held.filter(minutes="").exists(), "held meetings keep their minutes"
        assert all(MeetingAttendance.unscoped.filter(meeting=m).exists() for m in held), c


def test_action_items_are_done_open_and_overdue(seeded):
    items = ActionItem.unscoped.all()
    open_statuses = [ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS]

    assert items.filter(status=ActionItem.Status.DONE).exists()
    assert items.filter(status__in=open_statuses, due_on__lt=AS_OF).exists(), "some are overdue"
    assert items.filter(status__in=open_statuses, due_on__gte=AS_OF).exists(), "some are not due yet"
    assert not items.filter(status=ActionItem.Status.DONE, completed_on__gt=AS_OF).exists()


def test_the_goals_carry_the_case_study_figures(seeded):
    def targets(name: str) -> set[tuple[Decimal, str]]:
        return {(g.target_value, g.unit) for g in PartnershipGoal.unscoped.filter(partnership__name=name)}

    assert {(Decimal("80"), "%"), (Decimal("78"), "%"), (Decimal("19"), "$/hour")} <= targets("OMIC Training")
    assert {(Decimal("723"), "participants"), (Decimal("686"), "hires"), (Decimal("125"), "participants"),
            (Decimal("14"), "$/hour")} <= targets("Advancing Manufacturing Partnership")
    assert {(Decimal("8"), "weeks"), (Decimal("6"), "months")} <= targets(ATLANTA_PARTNERSHIP)


def test_the_demo_employer_and_case_manager_are_their_organizations_representatives(seeded):
    linked = {
        rep.user.email: rep.organization.name
        for rep in Representative.unscoped.filter(user__isnull=False).select_related("user", "organization")
    }

    assert linked[f"employer@{DEMO_DOMAIN}"] == "Peachtree Regional Medical Center (demo)"
    assert linked[f"casemanager@{DEMO_DOMAIN}"] == "Goodwill of North Georgia"
    other_reps = Representative.unscoped.filter(user__isnull=True)
    assert all(rep.email.endswith("@example.org") for rep in other_reps)


def test_a_later_run_adds_the_meetings_that_came_due_without_duplicating_any(seeded):
    before = row_counts()

    call_command("seed_demo", quiet=True, as_of=AS_OF + timedelta(days=50))

    after = row_counts()
    assert after[Meeting._meta.label] > before[Meeting._meta.label]
    keys = [
        (m.council_id, m.title, m.starts_at.date())
        for m in Meeting.unscoped.all()
    ]
    assert len(keys) == len(set(keys)), "a meeting is keyed by council, title and date"
    assert after[Partnership._meta.label] == before[Partnership._meta.label]
    assert after[CouncilSeat._meta.label] == before[CouncilSeat._meta.label]


# ---------------------------------------------------------------------------
# Employer demand (issue 4)
# ---------------------------------------------------------------------------
DEMAND_AREAS = {
    "Metro Atlanta Healthcare Industry Partnership": "0012060",
    "OMIC Training": "0038900",
    "UpSkill Houston": "0026420",
    "Advancing Manufacturing Partnership": "0029200",
}
DEMAND_OCCUPATIONS = {
    "Metro Atlanta Healthcare Industry Partnership": {"37-2011", "31-1131", "29-2061", "29-2042", "29-2043"},
    "OMIC Training": {"51-4121", "51-4041", "51-9161"},
    "UpSkill Houston": {"47-2152", "51-4121", "47-2111"},
    "Advancing Manufacturing Partnership": {"51-2090", "51-9161", "49-9041", "51-4121", "51-1011"},
}


def test_each_partnership_has_its_labor_market_area(seeded):
    areas = dict(Partnership.unscoped.values_list("name", "labor_market_area__code"))
    for name, code in DEMAND_AREAS.items():
        assert areas[name] == code


def test_each_partnership_has_a_closed_and_an_open_survey_with_silent_employers(seeded):
    for name in DEMAND_AREAS:
        surveys = list(DemandSurvey.unscoped.filter(partnership__name=name).order_by("opens_on"))
        assert len(surveys) == 2
        past, current = surveys
        assert not past.is_open_on(AS_OF) and past.closes_on < AS_OF
        assert current.is_open_on(AS_OF)
        assert 4 <= len(current.quarters) <= 8
        unanswered = SurveyInvitation.unscoped.filter(survey=current, responded_at__isnull=True)
        assert unanswered.exists(), f"{name}: some invited employers have not answered"
        assert not SkillNeed.unscoped.filter(survey=past).exclude(status=SkillNeed.Status.CONFIRMED).exists()


def test_the_open_surveys_hold_the_case_study_occupations_in_every_status(seeded):
    for name, codes in DEMAND_OCCUPATIONS.items():
        needs = SkillNeed.unscoped.filter(partnership__name=name, survey__closes_on__gte=AS_OF)
        assert codes <= set(needs.values_list("occupation__soc_code", flat=True)), name
    statuses = set(SkillNeed.unscoped.values_list("status", flat=True))
    assert statuses == {SkillNeed.Status.DRAFT, SkillNeed.Status.SUBMITTED, SkillNeed.Status.CONFIRMED}
    # Wages sit around the market: some offers start below the area's median.
    atlanta = DemandSnapshot.unscoped.get(partnership__name="Metro Atlanta Healthcare Industry Partnership")
    assert any(Decimal(o["wage_min"]) < Decimal(o["market_median"]) for o in atlanta.data["occupations"])
    keys = list(SkillNeed.unscoped.values_list("survey_id", "employer_id", "occupation_id"))
    assert len(keys) == len(set(keys)), "a need is keyed by survey, employer and occupation"


def test_each_partnership_was_aggregated_once_into_a_snapshot_of_its_open_survey(seeded):
    for name in DEMAND_AREAS:
        snapshot = DemandSnapshot.unscoped.get(partnership__name=name)
        assert snapshot.survey is not None and snapshot.survey.is_open_on(AS_OF)
        assert snapshot.data["totals"]["openings"] > 0
        assert snapshot.data["totals"]["employers"] >= 3
        runs = DemandRun.unscoped.filter(partnership__name=name)
        assert list(runs.values_list("status", flat=True)) == [DemandRun.Status.SUCCEEDED]
    assert "Employer demand" in seeded.second_output
