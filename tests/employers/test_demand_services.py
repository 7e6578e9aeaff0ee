"""Employer demand with real rows: every aggregate figure from known inputs, suppression for employers and
funders, the market percentile of a wage, bad input refused with nothing saved, and aggregation runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from employers import aggregation
from employers.aggregation import demand_run_execute
from employers.market import market_position, market_wage
from employers.models import (
    CredentialType,
    DemandRun,
    DemandSnapshot,
    DemandSurvey,
    LaborMarketArea,
    Occupation,
    Skill,
    SkillNeed,
    SkillNeedCredential,
    SkillNeedQuarter,
)
from employers.selectors import demand_for_viewer
from employers.services import competency_create, demand_aggregate_request
from partnerships.models import Convener, Membership, Organization, Partnership, User
from partnerships.roles import OrganizationType, Role
from tests.conftest import LAFAYETTE_IN
from tests.factories import (
    ConvenerFactory,
    CouncilSeatFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    aggregate,
    council_of,
    enter_need,
    open_survey,
    set_labor_market_area,
)
from tests.oews import load_oews_extract

WELDERS, MACHINISTS = "51-4121", "51-4041"
Q1, Q2, Q3, Q4 = "2027Q1", "2027Q2", "2027Q3", "2027Q4"


@dataclass
class Region:
    convener: Convener
    admin: User
    staff: Membership
    partnership: Partnership
    survey: DemandSurvey
    employers: dict[str, Organization]
    reps: dict[str, Membership]
    funder: Membership


@pytest.fixture
def region(db: None) -> Region:
    """Delta: a manufacturing partnership in the Lafayette, IN metro with 4 employers on its industry council."""
    load_oews_extract()
    convener = ConvenerFactory(name="Delta Manufacturing Alliance", slug="delta")
    admin = UserFactory(email="admin@delta.example", full_name="Delta Admin")
    MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    staff = MembershipFactory(convener=convener, role=Role.CONVENER_STAFF)
    partnership = set_labor_market_area(
        PartnershipFactory(convener=convener, name="Delta Advanced Manufacturing", actor=admin), LAFAYETTE_IN)
    sizes = {"e1": "small", "e2": "mid", "e3": "large", "e4": "mid"}
    employers = {
        key: OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER, name=f"Delta Works {key}",
                                 size_band=size, actor=admin)
        for key, size in sizes.items()
    }
    for employer in employers.values():
        CouncilSeatFactory(council=council_of(partnership), organization=employer, actor=admin)
    reps = {key: MembershipFactory(convener=convener, role=Role.EMPLOYER_REP, organization=org)
            for key, org in employers.items()}
    funder = MembershipFactory(convener=convener, role=Role.FUNDER,
                               organization=OrganizationFactory(convener=convener, actor=admin,
                                                                org_type=OrganizationType.PHILANTHROPY),
                               partnerships=[partnership])
    survey = open_survey(partnership, actor=admin, title="Delta 2027 demand")
    return Region(convener, admin, staff, partnership, survey, employers, reps, funder)


def skills(*names: str) -> list[Skill]:
    found = list(Skill.objects.filter(name__in=names))
    assert len(found) == len(names)
    return found


AWS = ("AWS Certified Welder", CredentialType.CERTIFICATION)
NIMS = ("NIMS Machining Level I", CredentialType.CERTIFICATION)
OSHA = ("OSHA 10-Hour General Industry", CredentialType.CERTIFICATE)


def enter_known_needs(region: Region) -> None:
    """Welders by 3 employers, machinists by 2, over 4 quarters; plus a draft that must not count."""
    mig = competency_create(convener=region.convener, actor=region.admin, name="Delta MIG welding")
    r = region.reps
    enter_need(survey=region.survey, membership=r["e1"], occupation=WELDERS,
               quarters={Q1: (2, 1), Q2: (1, 0), Q3: (0, 1), Q4: (2, 0)}, wage_min="18.00", wage_max="22.00",
               skills=skills("Quality Control Analysis", "Critical Thinking"), competencies=[mig],
               credentials=[AWS], apprenticeship_slots=2, ojt_slots=1)
    enter_need(survey=region.survey, membership=r["e2"], occupation=WELDERS,
               quarters={Q1: (3, 2), Q2: (2, 1), Q4: (1, 1)}, wage_min="20.00", wage_max="26.00",
               skills=skills("Quality Control Analysis"), competencies=[mig], credentials=[AWS],
               apprenticeship_slots=3, tours=2)
    enter_need(survey=region.survey, membership=r["e3"], occupation=WELDERS,
               quarters={Q1: (4, 0), Q2: (4, 0), Q3: (2, 2), Q4: (0, 3)}, wage_min="22.00", wage_max="28.00",
               skills=skills("Quality Control Analysis", "Operation and Control"), credentials=[AWS, OSHA],
               apprenticeship_slots=1, guaranteed_interviews=5)
    enter_need(survey=region.survey, membership=r["e3"], occupation=MACHINISTS,
               quarters={Q1: (2, 1), Q3: (1, 0)}, wage_min="24.00", wage_max="30.00",
               skills=skills("Operation and Control", "Critical Thinking"), credentials=[NIMS], ojt_slots=2)
    enter_need(survey=region.survey, membership=r["e4"], occupation="514041",  # the code without its dash
               quarters={Q2: (3, 0), Q4: (1, 1)}, wage_min="21.00", wage_max="27.00",
               skills=skills("Operation and Control"), credentials=[NIMS], apprenticeship_slots=2)
    # A draft is not demand yet: none of its figures may show up.
    enter_need(survey=region.survey, membership=r["e4"], occupation=WELDERS, submit=False,
               quarters={Q1: (50, 50)}, wage_min="10.00", wage_max="90.00",
               skills=skills("Quality Control Analysis"), competencies=[mig], credentials=[AWS],
               apprenticeship_slots=99)


# ---------------------------------------------------------------------------------------------------
# Every aggregate figure, from known inputs
# ---------------------------------------------------------------------------------------------------
def test_every_aggregate_figure_from_known_inputs(region: Region) -> None:
    enter_known_needs(region)
    snapshot = aggregate(region.partnership)
    data = snapshot.data
    assert snapshot.version == 1
    assert snapshot.survey == region.survey
    assert data["survey"] == {"id": region.survey.pk, "title": "Delta 2027 demand", "quarters": [Q1, Q2, Q3, Q4]}
    assert data["area"] == {"code": LAFAYETTE_IN, "name": "Lafayette-West Lafayette, IN"}
    assert data["totals"] == {"openings": 41, "employers": 4, "needs": 5, "supply_seats": 0, "gap": 41}

    welders, machinists = data["occupations"]  # most openings first
    assert welders == {
        "soc_code": WELDERS, "title": "Welders, Cutters, Solderers, and Brazers", "employers": 3, "needs": 3,
        "openings": 32, "new_positions": 21, "replacements": 11,
        "by_quarter": {Q1: {"openings": 12, "employers": 3}, Q2: {"openings": 8, "employers": 3},
                       Q3: {"openings": 5, "employers": 2}, Q4: {"openings": 7, "employers": 3}},
        # Offered wage: lowest minimum, highest maximum, median of the range midpoints (20, 23, 25).
        "wage_min": "18.00", "wage_median": "23.00", "wage_max": "28.00",
        # OEWS May 2025, Lafayette-West Lafayette, IN, welders (the committed extract).
        "market_median": "23.57", "market_p10": "18.95", "market_p90": "29.70",
        "supply_seats": 0, "gap": 32,
    }
    assert machinists == {
        "soc_code": MACHINISTS, "title": "Machinists", "employers": 2, "needs": 2,
        "openings": 9, "new_positions": 7, "replacements": 2,
        "by_quarter": {Q1: {"openings": 3, "employers": 1}, Q2: {"openings": 3, "employers": 1},
                       Q3: {"openings": 1, "employers": 1}, Q4: {"openings": 2, "employers": 1}},
        "wage_min": "21.00", "wage_median": "25.50", "wage_max": "30.00",  # midpoints 27 and 24
        "market_median": "29.91", "market_p10": "19.74", "market_p90": "36.35",
        "supply_seats": 0, "gap": 9,
    }
    assert data["by_quarter"] == [
        {"quarter": Q1, "openings": 15, "employers": 3},
        {"quarter": Q2, "openings": 11, "employers": 4},
        {"quarter": Q3, "openings": 6, "employers": 2},
        {"quarter": Q4, "openings": 9, "employers": 4},
    ]
    assert [(r["name"], r["openings"], r["employers"]) for r in data["skills"]] == [
        ("Quality Control Analysis", 32, 3), ("Operation and Control", 24, 2), ("Critical Thinking", 11, 2),
    ]
    assert all(r["onet_id"] for r in data["skills"])
    assert data["competencies"] == [{"name": "Delta MIG welding", "openings": 17, "employers": 2}]
    assert data["credentials"] == [
        {"name": "AWS Certified Welder", "ctdl_type": CredentialType.CERTIFICATION, "openings": 32, "employers": 3},
        {"name": "OSHA 10-Hour General Industry", "ctdl_type": CredentialType.CERTIFICATE, "openings": 15,
         "employers": 1},
        {"name": "NIMS Machining Level I", "ctdl_type": CredentialType.CERTIFICATION, "openings": 9, "employers": 2},
    ]
    assert [(r["band"], r["openings"], r["employers"]) for r in data["size_bands"]] == [
        ("large", 19, 1), ("mid", 15, 2), ("small", 7, 1),
    ]
    assert data["work_based_learning"] == {
        "apprenticeship_slots": {"value": 8, "employers": 4},
        "internship_slots": {"value": 0, "employers": 0},
        "ojt_slots": {"value": 3, "employers": 2},
        "job_shadows": {"value": 0, "employers": 0},
        "tours": {"value": 2, "employers": 1},
        "mock_interviews": {"value": 0, "employers": 0},
        "guaranteed_interviews": {"value": 5, "employers": 1},
    }
    assert "cohorts of this partnership that target the same occupation" in data["supply_note"]


def test_employers_and_funders_see_cells_of_fewer_than_3_employers_suppressed_and_convener_staff_see_all(
    region: Region,
) -> None:
    enter_known_needs(region)
    snapshot = aggregate(region.partnership)

    staff = demand_for_viewer(snapshot=snapshot, membership=region.staff)
    assert staff is not None
    assert staff["suppression"] == {"applied": False, "min_employers": 3}
    machinists = staff["occupations"][1]
    assert (machinists["soc_code"], machinists["openings"], machinists["employers"]) == (MACHINISTS, 9, 2)
    assert machinists["suppressed"] is False
    assert staff["work_based_learning"]["ojt_slots"] == {"value": 3, "employers": 2}

    for membership in (region.reps["e1"], region.funder):
        seen = demand_for_viewer(snapshot=snapshot, membership=membership)
        assert seen is not None
        assert seen["suppression"] == {"applied": True, "min_employers": 3}
        welders, machinists = seen["occupations"]
        # The 2-employer machinist row: every figure None (not 0) and marked suppressed.
        assert machinists["suppressed"] is True
        for key in ("openings", "new_positions", "replacements", "employers", "needs", "wage_min", "wage_median",
                    "wage_max", "supply_seats", "gap", "by_quarter"):
            assert machinists[key] is None, key
        assert machinists["soc_code"] == MACHINISTS  # the row is named; its figures are not
        # Complementary suppression: with the total (41) shown, welders = 41 - machinists would give the hidden
        # row away, so the smallest visible row of the group is hidden too.
        assert welders["suppressed"] is True and welders["openings"] is None
        assert seen["totals"]["openings"] == 41
        # Quarters: Q3 (2 employers) hidden, and Q1 (the fewest employers of the rest) hidden beside it.
        assert [(r["quarter"], r["openings"], r["suppressed"]) for r in seen["by_quarter"]] == [
            (Q1, None, True), (Q2, 11, False), (Q3, None, True), (Q4, 9, False)]
        assert [(r["name"], r["openings"], r["suppressed"]) for r in seen["skills"]] == [
            ("Quality Control Analysis", 32, False), ("Operation and Control", None, True),
            ("Critical Thinking", None, True)]
        assert [(r["name"], r["openings"], r["employers"]) for r in seen["credentials"]] == [
            # Names typed by one or two firms can identify them: hidden with the figures.
            ("AWS Certified Welder", 32, 3), (None, None, None), (None, None, None)]
        assert [r["suppressed"] for r in seen["size_bands"]] == [True, True, True]
        assert seen["competencies"] == [{"name": "Delta MIG welding", "openings": None, "employers": None,
                                         "suppressed": True}]
        assert seen["work_based_learning"]["apprenticeship_slots"] == {"value": 8, "count": 4, "suppressed": False}
        assert seen["work_based_learning"]["ojt_slots"] == {"value": None, "count": None, "suppressed": True}
        assert seen["work_based_learning"]["tours"]["value"] is None
    # The stored snapshot itself is untouched by a viewer's copy.
    snapshot.refresh_from_db()
    assert snapshot.data["occupations"][1]["openings"] == 9


def test_a_partnership_of_fewer_than_3_employers_hides_its_totals_from_employers(region: Region) -> None:
    enter_need(survey=region.survey, membership=region.reps["e1"], occupation=WELDERS, quarters={Q1: (4, 0)})
    enter_need(survey=region.survey, membership=region.reps["e2"], occupation=WELDERS, quarters={Q1: (2, 0)})
    snapshot = aggregate(region.partnership)
    seen = demand_for_viewer(snapshot=snapshot, membership=region.reps["e1"])
    assert seen is not None
    # Otherwise employer 1 could subtract its own 4 from the total to learn employer 2's plan.
    assert seen["totals"]["openings"] is None and seen["totals"]["suppressed"] is True
    staff = demand_for_viewer(snapshot=snapshot, membership=region.staff)
    assert staff is not None and staff["totals"]["openings"] == 6


# ---------------------------------------------------------------------------------------------------
# The market percentile of a wage
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("wage", "percentile"), [
    # Lafayette welders: p10 18.95, p25 23.51, median 23.57, p75 25.68, p90 29.70 (OEWS May 2025).
    ("18.95", 10),   # exactly the 10th
    ("20.47", 15),   # 10 + (20.47 - 18.95) / (23.51 - 18.95) * 15 = 10 + 1.52 / 4.56 * 15 = 15.0
    ("23.55", 42),   # 25 + (23.55 - 23.51) / (23.57 - 23.51) * 25 = 25 + 16.67 = 41.67
    ("24.00", 55),   # 50 + (24.00 - 23.57) / (25.68 - 23.57) * 25 = 50 + 5.09 = 55.09
    ("27.69", 83),   # 75 + (27.69 - 25.68) / (29.70 - 25.68) * 15 = 75 + 7.5 = 82.5, rounded half up
    ("29.70", 90),
])
def test_the_market_percentile_of_a_wage_interpolates_the_published_percentiles(db, wage, percentile):
    load_oews_extract()
    area = LaborMarketArea.objects.get(code=LAFAYETTE_IN)
    welders = Occupation.objects.get(soc_code=WELDERS)
    market = market_wage(area=area, occupation=welders)
    assert market is not None
    assert (market.hourly_p10, market.hourly_p25, market.hourly_median, market.hourly_p75, market.hourly_p90) == (
        Decimal("18.95"), Decimal("23.51"), Decimal("23.57"), Decimal("25.68"), Decimal("29.70"))
    position = market_position(wage=Decimal(wage), market=market)
    assert position is not None
    assert (position.percentile, position.below_p10, position.above_p90) == (percentile, False, False)


def test_a_wage_below_the_10th_or_above_the_90th_percentile_says_so(db):
    load_oews_extract()
    area = LaborMarketArea.objects.get(code=LAFAYETTE_IN)
    welders = Occupation.objects.get(soc_code=WELDERS)
    market = market_wage(area=area, occupation=welders)
    assert market is not None
    low = market_position(wage=Decimal("15.00"), market=market)
    assert low is not None and (low.percentile, low.below_p10, low.above_p90) == (None, True, False)
    assert low.sentence(welders, area) == (
        "$15.00 is below the 10th percentile ($18.95) of Welders, Cutters, Solderers, and Brazers in the "
        "Lafayette-West Lafayette, IN metro")
    high = market_position(wage=Decimal("30.00"), market=market)
    assert high is not None and (high.percentile, high.below_p10, high.above_p90) == (None, False, True)
    assert "above the 90th percentile ($29.70)" in high.sentence(welders, area)
    mid = market_position(wage=Decimal("20.47"), market=market)
    assert mid is not None
    assert mid.sentence(welders, area) == (
        "$20.47 is at the 15th percentile of Welders, Cutters, Solderers, and Brazers in the "
        "Lafayette-West Lafayette, IN metro")


# ---------------------------------------------------------------------------------------------------
# Bad input: a clear error, and nothing saved
# ---------------------------------------------------------------------------------------------------
def _counts() -> tuple[int, ...]:
    return (SkillNeed.unscoped.count(), SkillNeedQuarter.unscoped.count(), SkillNeedCredential.unscoped.count(),
            DemandRun.unscoped.count())


@pytest.mark.parametrize(("case", "field", "message"), [
    ("unknown_soc", "occupation", "99-9999 is not a detailed SOC 2018 occupation"),
    ("group_soc", "occupation", "51-4000 is not a detailed SOC 2018 occupation"),
    ("negative_openings", "quarters", "Openings cannot be negative (2027Q2)"),
    ("no_openings", "quarters", "Give projected openings for at least one quarter."),
    ("wage_min_above_max", "wage_max", "The top of the range ($20.00) is below its bottom ($25.00)."),
    ("hourly_not_annual", "wage_max", "Give the wage per hour, not per year."),
    ("someone_elses_employer", "employer", "You can only enter needs for your own employer."),
    ("quarter_not_in_survey", "quarters", "This survey asks about 2027Q1, 2027Q2, 2027Q3, 2027Q4; not 2026Q4."),
    ("bad_credential_type", "credentials", "Choose a credential type from the CTDL list."),
])
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_saved(region: Region, case, field, message):
    kwargs: dict[str, Any] = {"survey": region.survey, "membership": region.reps["e1"], "occupation": WELDERS,
                              "quarters": {Q1: (2, 1)}, "credentials": [AWS]}
    kwargs.update({
        "unknown_soc": {"occupation": "99-9999"},
        "group_soc": {"occupation": "51-4000"},
        "negative_openings": {"quarters": {Q1: (2, 0), Q2: (-1, 0)}},
        "no_openings": {"quarters": {Q1: (0, 0)}},
        "wage_min_above_max": {"wage_min": "25.00", "wage_max": "20.00"},
        "hourly_not_annual": {"wage_min": "40000", "wage_max": "52000"},
        "someone_elses_employer": {"employer": region.employers["e2"]},
        "quarter_not_in_survey": {"quarters": {"2026Q4": (1, 0)}},
        "bad_credential_type": {"credentials": [("AWS Certified Welder", "ceterms:Diamond")]},
    }[case])
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        enter_need(**kwargs)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert _counts() == before


def test_a_closed_survey_refuses_needs_from_employers(region: Region) -> None:
    today = timezone.localdate()
    closed = open_survey(region.partnership, actor=region.admin, title="Delta 2026 demand",
                         quarters=["2026Q1", "2026Q2", "2026Q3", "2026Q4"],
                         opens_on=today - timedelta(days=60), closes_on=today - timedelta(days=1))
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        enter_need(survey=closed, membership=region.reps["e1"], occupation=WELDERS, quarters={"2026Q1": (1, 0)})
    assert "is closed" in caught.value.message_dict["survey"][0]
    assert _counts() == before


def test_an_employer_rep_cannot_edit_another_employers_need(region: Region) -> None:
    need = enter_need(survey=region.survey, membership=region.reps["e2"], occupation=WELDERS)
    with pytest.raises(ValidationError):
        enter_need(survey=region.survey, membership=region.reps["e1"], employer=region.employers["e1"],
                   need=need, occupation=MACHINISTS)
    need.refresh_from_db()
    assert need.occupation.soc_code == WELDERS and need.employer == region.employers["e2"]


def test_an_employer_of_another_tenant_is_refused(region: Region, world) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        enter_need(survey=region.survey, membership=region.staff, employer=world.a.orgs[OrganizationType.EMPLOYER])
    assert "Choose an employer of this workspace." in caught.value.message_dict["employer"]
    assert _counts() == before


def test_a_survey_asks_about_4_to_8_consecutive_quarters(region: Region) -> None:
    before = DemandSurvey.unscoped.count()
    for quarters, message in [
        (["2027Q1", "2027Q2", "2027Q3"], "A survey asks about 4 to 8 quarters."),
        (["2027Q1", "2027Q3", "2027Q4", "2028Q1"], "The quarters must be consecutive, oldest first."),
        (["2027-1", "2027Q2", "2027Q3", "2027Q4"], "Write quarters like 2027Q1."),
    ]:
        with pytest.raises(ValidationError) as caught:
            open_survey(region.partnership, actor=region.admin, quarters=quarters)
        assert caught.value.message_dict["quarters"] == [message]
    with pytest.raises(ValidationError) as caught:
        open_survey(region.partnership, actor=region.admin, opens_on=date(2027, 2, 1), closes_on=date(2027, 1, 1))
    assert "closes_on" in caught.value.message_dict
    assert DemandSurvey.unscoped.count() == before


def test_opening_a_survey_invites_the_employers_on_the_industry_council(region: Region) -> None:
    invited = {i.organization for i in region.survey.invitations.all()}
    assert invited == set(region.employers.values())
    enter_need(survey=region.survey, membership=region.reps["e1"], occupation=WELDERS, submit=False)
    assert not region.survey.invitations.get(organization=region.employers["e1"]).responded_at
    enter_need(survey=region.survey, membership=region.reps["e2"], occupation=WELDERS)
    assert region.survey.invitations.get(organization=region.employers["e2"]).responded_at


# ---------------------------------------------------------------------------------------------------
# Aggregation runs
# ---------------------------------------------------------------------------------------------------
def test_a_burst_of_requests_queues_one_run(region: Region) -> None:
    first = demand_aggregate_request(convener=region.convener, partnership=region.partnership)
    second = demand_aggregate_request(convener=region.convener, partnership=region.partnership)
    enter_need(survey=region.survey, membership=region.reps["e1"], occupation=WELDERS)
    assert first == second
    assert DemandRun.unscoped.filter(partnership=region.partnership).count() == 1


def test_a_stale_run_is_skipped_when_a_newer_one_is_queued(region: Region) -> None:
    older = demand_aggregate_request(convener=region.convener, partnership=region.partnership)
    newer = DemandRun.unscoped.create(convener=region.convener, partnership=region.partnership)
    assert demand_run_execute(convener=region.convener, run=older) is None
    older.refresh_from_db()
    assert older.status == DemandRun.Status.SKIPPED and older.finished_at is not None
    snapshot = demand_run_execute(convener=region.convener, run=newer)
    assert snapshot is not None and snapshot.run == newer
    newer.refresh_from_db()
    assert (newer.status, newer.progress) == (DemandRun.Status.SUCCEEDED, 100)
    # Executing a finished run again does nothing.
    assert demand_run_execute(convener=region.convener, run=newer) is None
    assert DemandSnapshot.unscoped.filter(partnership=region.partnership).count() == 1


def test_a_failed_run_records_its_error(region: Region, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(aggregation, "compute", broken)
    run = demand_aggregate_request(convener=region.convener, partnership=region.partnership)
    with pytest.raises(RuntimeError):
        demand_run_execute(convener=region.convener, run=run)
    run.refresh_from_db()
    assert run.status == DemandRun.Status.FAILED
    assert run.error == "RuntimeError: the database went away"
    assert run.finished_at is not None
    assert not DemandSnapshot.unscoped.filter(partnership=region.partnership).exists()


def test_each_run_stores_the_next_version_and_keeps_the_old_ones(region: Region) -> None:
    enter_need(survey=region.survey, membership=region.reps["e1"], occupation=WELDERS, quarters={Q1: (4, 0)})
    first = aggregate(region.partnership)
    enter_need(survey=region.survey, membership=region.reps["e2"], occupation=WELDERS, quarters={Q1: (2, 0)})
    second = aggregate(region.partnership)
    assert (first.version, second.version) == (1, 2)
    assert (first.data["totals"]["openings"], second.data["totals"]["openings"]) == (4, 6)
    assert second.computed_at >= first.computed_at


def test_a_change_runs_the_celery_task_after_commit(region: Region, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enter_need(survey=region.survey, membership=region.reps["e1"], occupation=WELDERS, quarters={Q1: (4, 1)})
    assert len(callbacks) == 1
    run = DemandRun.unscoped.get(partnership=region.partnership)
    assert (run.status, run.progress, run.trigger) == (DemandRun.Status.SUCCEEDED, 100, "skill_need")
    snapshot = DemandSnapshot.unscoped.get(partnership=region.partnership)
    assert snapshot.run == run and snapshot.version == 1
    assert snapshot.data["totals"]["openings"] == 5


def test_the_nightly_task_queues_every_open_partnership(region: Region, django_capture_on_commit_callbacks) -> None:
    from employers.tasks import demand_aggregate_all

    enter_need(survey=region.survey, membership=region.reps["e1"], occupation=WELDERS, quarters={Q1: (4, 1)})
    DemandRun.unscoped.filter(partnership=region.partnership).delete()
    with django_capture_on_commit_callbacks(execute=True):
        queued = demand_aggregate_all.delay().get()
    assert queued == Partnership.unscoped.exclude(status=Partnership.Status.CLOSED).count()
    assert DemandSnapshot.unscoped.get(partnership=region.partnership).data["totals"]["openings"] == 5
