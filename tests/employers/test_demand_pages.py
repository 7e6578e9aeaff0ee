"""The HTML side of employer demand: surveys, the need form, the demand dashboard and its exports.

Data is built through the services, on the two-tenant world (tests/conftest.py) plus the committed OEWS
extract. Welders and machinists are needed by 3 employers each; nursing assistants by 2, so that row is
suppressed for employers and funders (and, complementary, the smallest visible row with it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers import services as demand_services
from employers.aggregation import demand_run_execute
from employers.exports import SUPPRESSED_TEXT
from employers.models import DemandSnapshot, DemandSurvey, LaborMarketArea, SkillNeed, SurveyInvitation
from partnerships import services
from partnerships.models import Organization, Partnership, User
from partnerships.roles import OrganizationType, Role
from tests.conftest import TenantSide, World
from tests.factories import UserFactory, council_of
from tests.oews import load_oews_extract

pytestmark = pytest.mark.django_db


QUARTERS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
RIVAL_LOCATION = "Rival Secret Plant on Elm"


@dataclass
class Demand:
    side: TenantSide
    partnership: Partnership
    survey: DemandSurvey
    employers: list[Organization]
    rival_user: User
    needs: dict[str, SkillNeed] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.side.convener.slug

    @property
    def own(self) -> Organization:
        return self.employers[0]

    @property
    def rival(self) -> Organization:
        return self.employers[3]


def _employer(side: TenantSide, name: str, size: str) -> Organization:
    admin = side.admin
    org = services.organization_create(convener=side.convener, actor=admin, name=name,
                                       org_type=OrganizationType.EMPLOYER, size_band=size, naics_code="332312")
    services.council_seat_add(convener=side.convener, actor=admin, council=council_of(side.granted_partnership),
                              organization=org, joined_on=date(2024, 2, 1))
    return org


def _need(d: Demand, employer: Organization, soc: str, *, openings: int, wage: tuple[str, str],
          location: str = "Lafayette", membership: Any = None, **extra: Any) -> SkillNeed:
    side = d.side
    return demand_services.skill_need_save(
        convener=side.convener, actor=side.admin, membership=membership or side.memberships[Role.CONVENER_ADMIN],
        survey=d.survey, employer=employer, occupation=soc,
        quarters=dict.fromkeys(QUARTERS, (openings, 1)), wage_min=Decimal(wage[0]), wage_max=Decimal(wage[1]),
        work_location=location, submit=True, **extra)


def _aggregate(d: Demand) -> None:
    run = demand_services.demand_aggregate_request(convener=d.side.convener, partnership=d.partnership,
                                                   countdown=0)
    demand_run_execute(convener=d.side.convener, run=run)


def build_demand(world: World, *, extra: int = 0) -> Demand:
    load_oews_extract()
    side = world.a
    partnership = side.granted_partnership
    services.partnership_update(convener=side.convener, actor=side.admin, partnership=partnership,
                                labor_market_area=LaborMarketArea.objects.get(code="0029200"))
    employers = [side.orgs[OrganizationType.EMPLOYER]]
    employers += [_employer(side, f"Alpha Fabrication {i}", size)
                  for i, size in enumerate(["mid", "large", "small"], start=2)]
    today = timezone.localdate()
    survey = demand_services.survey_open(
        convener=side.convener, actor=side.admin, partnership=partnership, title="Alpha 2027 demand cycle",
        opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=30), quarters=QUARTERS)
    rival_user = UserFactory(email="rival.rep@alpha.example", full_name="Alpha Rival Rep")
    services.membership_grant(convener=side.convener, actor=side.admin, user=rival_user, role=Role.EMPLOYER_REP,
                              organization=employers[3])
    d = Demand(side=side, partnership=partnership, survey=survey, employers=employers, rival_user=rival_user)
    own_membership = side.memberships[Role.EMPLOYER_REP]
    d.needs["own_welders"] = _need(d, employers[0], "51-4121", openings=4, wage=("18.00", "22.00"),
                                   membership=own_membership, location="Alpha Main Campus")
    d.needs["welders_2"] = _need(d, employers[1], "51-4121", openings=2, wage=("20.00", "24.00"))
    d.needs["welders_3"] = _need(d, employers[2], "51-4121", openings=3, wage=("19.00", "25.00"))
    for employer in employers[1:4]:
        _need(d, employer, "51-4041", openings=1, wage=("21.00", "26.00"))
    d.needs["rival_cna"] = _need(d, employers[3], "31-1131", openings=5, wage=("15.00", "17.00"),
                                 location=RIVAL_LOCATION, credentials=[("RivalCert Nursing", "ceterms:License")])
    _need(d, employers[1], "31-1131", openings=1, wage=("16.00", "18.00"))
    for i in range(extra):
        employer = _employer(side, f"Alpha Extra Employer {i}", "mid")
        _need(d, employer, "51-4121", openings=1, wage=("20.00", "23.00"))
        _need(d, employer, "49-9041", openings=1, wage=("22.00", "28.00"))
    _aggregate(d)
    return d


def _url(d: Demand, name: str, **kwargs: Any) -> str:
    return reverse(f"employers:{name}", kwargs={"convener_slug": d.slug, **kwargs})


def _need_post(d: Demand, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "employer": d.own.pk, "occupation": "51-4121", "work_location": "Alpha North Plant",
        "min_education": "high_school", "experience_months": 6, "wage_min": "19.00", "wage_max": "23.00",
        "shift": "day", "apprenticeship_slots": 2, "internship_slots": 0, "ojt_slots": 1, "job_shadows": 0,
        "tours": 0, "mock_interviews": 0, "guaranteed_interviews": 3, "notes": "",
        "q_2027Q1_new": 2, "q_2027Q1_repl": 1, "q_2027Q2_new": 1, "submit": "1",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------
# Pages per role
# ---------------------------------------------------------------------------
def test_pages_per_role(world: World, client_for: Any) -> None:
    d = build_demand(world)
    side = d.side
    convener, employer, funder = (client_for(side.users[r]) for r in (Role.CONVENER_STAFF, Role.EMPLOYER_REP,
                                                                        Role.FUNDER))
    case_manager = client_for(side.users[Role.CASE_MANAGER])
    pid = d.partnership.pk
    sid = d.survey.pk
    # Convener staff: everything.
    for url in (_url(d, "survey-list"), _url(d, "survey-detail", demandsurvey_id=sid),
                _url(d, "survey-create", partnership_id=pid), _url(d, "need-create", demandsurvey_id=sid),
                _url(d, "demand-dashboard", partnership_id=pid)):
        assert convener.get(url).status_code == 200, url
    # Employer representative: surveys, needs, the aggregate; not opening surveys or recomputing.
    for url in (_url(d, "survey-list"), _url(d, "survey-detail", demandsurvey_id=sid),
                _url(d, "need-create", demandsurvey_id=sid), _url(d, "demand-dashboard", partnership_id=pid),
                _url(d, "need-edit", skillneed_id=d.needs["own_welders"].pk)):
        assert employer.get(url).status_code == 200, url
    assert employer.get(_url(d, "survey-create", partnership_id=pid)).status_code == 403
    assert employer.post(_url(d, "demand-refresh", partnership_id=pid)).status_code == 403
    assert employer.post(_url(d, "need-confirm", skillneed_id=d.needs["own_welders"].pk)).status_code == 403
    # Funder: the aggregate of its granted partnership only.
    assert funder.get(_url(d, "demand-dashboard", partnership_id=pid)).status_code == 200
    assert funder.get(_url(d, "demand-dashboard", partnership_id=side.other_partnership.pk)).status_code == 404
    assert funder.get(_url(d, "survey-list")).status_code == 403
    assert funder.get(_url(d, "need-edit", skillneed_id=d.needs["own_welders"].pk)).status_code == 403
    assert case_manager.get(_url(d, "need-create", demandsurvey_id=sid)).status_code == 403
    assert case_manager.post(_url(d, "survey-create", partnership_id=pid), {}).status_code == 403


def test_convener_opens_survey_and_sees_responses_and_confirms(world: World, client_for: Any) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.CONVENER_ADMIN])
    today = timezone.localdate()
    response = client.post(_url(d, "survey-create", partnership_id=d.partnership.pk), {
        "title": "Alpha 2028 outlook", "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "first_quarter": f"{today.year + 1}Q1", "quarter_count": 6, "reminder_every_days": 7})
    assert response.status_code == 302
    survey = DemandSurvey.objects.for_convener(d.side.convener).get(title="Alpha 2028 outlook")
    assert survey.quarters[0] == f"{today.year + 1}Q1" and len(survey.quarters) == 6
    assert SurveyInvitation.objects.for_convener(d.side.convener).filter(survey=survey).count() == 4
    # Bad cycle: closes before it opens.
    bad = client.post(_url(d, "survey-create", partnership_id=d.partnership.pk), {
        "title": "Backwards", "opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat(),
        "first_quarter": f"{today.year + 1}Q1", "quarter_count": 4, "reminder_every_days": 7})
    assert bad.status_code == 400 and b"close on or after" in bad.content

    page = client.get(_url(d, "survey-detail", demandsurvey_id=d.survey.pk)).content.decode()
    assert "Who answered" in page and d.rival.name in page and RIVAL_LOCATION not in page
    need = d.needs["rival_cna"]
    assert client.post(_url(d, "need-confirm", skillneed_id=need.pk)).status_code == 302
    need.refresh_from_db()
    assert need.status == SkillNeed.Status.CONFIRMED


def test_recompute_button_runs_aggregation(world: World, client_for: Any, django_capture_on_commit_callbacks: Any
                                           ) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.CONVENER_STAFF])
    before = DemandSnapshot.objects.for_convener(d.side.convener).filter(partnership=d.partnership).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(d, "demand-refresh", partnership_id=d.partnership.pk))
    assert response.status_code == 302
    page = client.get(_url(d, "demand-dashboard", partnership_id=d.partnership.pk)).content.decode()
    assert DemandSnapshot.objects.for_convener(d.side.convener).filter(partnership=d.partnership).count() == before + 1
    assert f"Snapshot version {before + 1}" in page
    status = client.get(_url(d, "demand-status", partnership_id=d.partnership.pk) + "?polling=1",
                        HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and status["HX-Trigger"] == "demand-updated"
    assert 'hx-trigger="every 2s"' not in status.content.decode()


# ---------------------------------------------------------------------------
# Employer confidentiality and suppression
# ---------------------------------------------------------------------------
def test_employer_never_sees_another_employers_need(world: World, client_for: Any) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.EMPLOYER_REP])
    pages = [
        client.get(_url(d, "survey-list")),
        client.get(_url(d, "survey-detail", demandsurvey_id=d.survey.pk)),
        client.get(_url(d, "need-create", demandsurvey_id=d.survey.pk)),
        client.get(_url(d, "demand-dashboard", partnership_id=d.partnership.pk)),
        client.get(_url(d, "demand-export-csv", partnership_id=d.partnership.pk)),
    ]
    xlsx = client.get(_url(d, "demand-export-xlsx", partnership_id=d.partnership.pk))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    xlsx_text = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    texts = [p.content.decode() for p in pages] + [xlsx_text]
    for text in texts:
        for secret in (RIVAL_LOCATION, d.rival.name, "Alpha Fabrication 2", "Alpha Rival Rep"):
            assert secret not in text
    assert "Alpha Main Campus" not in texts[3]  # the dashboard shows aggregates, not entries
    assert "Welders, Cutters" in texts[1]  # the employer's own need is listed
    for other in ("rival_cna", "welders_2"):
        assert client.get(_url(d, "need-edit", skillneed_id=d.needs[other].pk)).status_code == 404
        assert client.post(_url(d, "need-edit", skillneed_id=d.needs[other].pk), _need_post(d)).status_code == 404
        assert client.post(_url(d, "need-delete", skillneed_id=d.needs[other].pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.EMPLOYER_REP, Role.FUNDER])
def test_small_cells_suppressed_for_employers_and_funders(world: World, client_for: Any, role: str) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[role])
    page = client.get(_url(d, "demand-dashboard", partnership_id=d.partnership.pk)).content.decode()
    assert SUPPRESSED_TEXT in page
    assert "RivalCert" not in page  # one employer's credential: a suppressed row, its name never shown
    row = page.split("Nursing Assistants", 1)[1].split("</tr>", 1)[0]
    assert SUPPRESSED_TEXT in row and "$15.00" not in row
    csv = client.get(_url(d, "demand-export-csv", partnership_id=d.partnership.pk)).content.decode()
    cna = next(line for line in csv.splitlines() if line.startswith("31-1131"))
    assert SUPPRESSED_TEXT in cna and ",6," not in cna
    assert "Welders, Cutters" in page


def test_convener_staff_see_small_cells(world: World, client_for: Any) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.CONVENER_STAFF])
    page = client.get(_url(d, "demand-dashboard", partnership_id=d.partnership.pk)).content.decode()
    row = page.split("Nursing Assistants", 1)[1].split("</tr>", 1)[0]
    assert SUPPRESSED_TEXT not in row
    assert ">32<" in row  # (5 + 1 + 1 + 1) per quarter... 4 quarters x (5+1) + 4 x (1+1) = 32
    assert "$15.00" in row
    csv = client.get(_url(d, "demand-export-csv", partnership_id=d.partnership.pk)).content.decode()
    cna = next(line for line in csv.splitlines() if line.startswith("31-1131"))
    assert SUPPRESSED_TEXT not in cna and ",32," in cna
    assert "RivalCert Nursing" in csv


# ---------------------------------------------------------------------------
# The need form: saving, market position, bad input
# ---------------------------------------------------------------------------
def test_employer_enters_and_submits_a_need(world: World, client_for: Any) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.EMPLOYER_REP])
    before = SkillNeed.objects.for_convener(d.side.convener).count()
    response = client.post(_url(d, "need-create", demandsurvey_id=d.survey.pk),
                           _need_post(d, occupation="51-4041 Machinists", skills=[],
                                      cred_0_name="NIMS Machining Level I", cred_0_type="ceterms:Certification"))
    assert response.status_code == 302, response.content.decode()[:2000]
    need = SkillNeed.objects.for_convener(d.side.convener).order_by("-pk").first()
    assert need is not None and SkillNeed.objects.for_convener(d.side.convener).count() == before + 1
    assert need.employer == d.own and need.status == SkillNeed.Status.SUBMITTED
    assert need.occupation.soc_code == "51-4041"
    assert [(q.quarter, q.new_positions, q.replacements) for q in need.quarters.all()] == [
        ("2027Q1", 2, 1), ("2027Q2", 1, 0)]
    assert [c.name for c in need.credentials.all()] == ["NIMS Machining Level I"]
    # Save draft keeps a draft.
    draft = {k: v for k, v in _need_post(d, occupation="49-9041").items() if k != "submit"} | {"save": "1"}
    response = client.post(_url(d, "need-create", demandsurvey_id=d.survey.pk), draft)
    assert response.status_code == 302
    latest = SkillNeed.objects.for_convener(d.side.convener).order_by("-pk").first()
    assert latest is not None and latest.status == SkillNeed.Status.DRAFT


def test_market_position_and_occupation_search(world: World, client_for: Any) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.EMPLOYER_REP])
    fragment = client.get(_url(d, "market-position", demandsurvey_id=d.survey.pk),
                          {"occupation": "51-4121", "wage_min": "20.00"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Your $20.00 is at the" in fragment and "Lafayette-West Lafayette, IN metro" in fragment
    assert "percentile of Welders, Cutters, Solderers, and Brazers" in fragment
    search = client.get(_url(d, "occupation-search"), {"occupation": "weld"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-naics-pick="51-4121"' in search
    by_code = client.get(_url(d, "occupation-search"), {"q": "514121"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Welders, Cutters" in by_code
    full = client.get(_url(d, "occupation-search"), {"q": "nursing"})
    assert full.status_code == 200 and b"31-1131" in full.content and b"<html" in full.content


@pytest.mark.parametrize(("overrides", "message"), [
    ({"occupation": "99-9999"}, "is not a detailed SOC 2018 occupation"),
    ({"occupation": "underwater basket weaving"}, "is not a detailed SOC 2018 occupation"),
    ({"q_2027Q1_new": -3}, "Cannot be negative."),
    ({"wage_min": "30.00", "wage_max": "20.00"}, "is below its bottom"),
    ({"q_2027Q1_new": 0, "q_2027Q1_repl": 0, "q_2027Q2_new": 0}, "at least one quarter"),
])
def test_bad_need_input_is_refused(world: World, client_for: Any, overrides: dict[str, Any], message: str) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.EMPLOYER_REP])
    before = SkillNeed.objects.for_convener(d.side.convener).count()
    response = client.post(_url(d, "need-create", demandsurvey_id=d.survey.pk), _need_post(d, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SkillNeed.objects.for_convener(d.side.convener).count() == before


def test_need_for_another_employer_is_refused(world: World, client_for: Any) -> None:
    d = build_demand(world)
    client = client_for(d.side.users[Role.EMPLOYER_REP])
    before = SkillNeed.objects.for_convener(d.side.convener).count()
    rival_before = SkillNeed.objects.for_convener(d.side.convener).filter(employer=d.rival).count()
    response = client.post(_url(d, "need-create", demandsurvey_id=d.survey.pk), _need_post(d, employer=d.rival.pk))
    assert response.status_code == 400
    assert "only enter needs for your own employer" in response.content.decode()
    # Another tenant's employer is not even a choice.
    beta_employer = world.b.orgs[OrganizationType.EMPLOYER]
    response = client.post(_url(d, "need-create", demandsurvey_id=d.survey.pk),
                           _need_post(d, employer=beta_employer.pk))
    assert response.status_code == 400
    # Editing one's own need cannot move it to another employer.
    response = client.post(_url(d, "need-edit", skillneed_id=d.needs["own_welders"].pk),
                           _need_post(d, employer=d.rival.pk))
    assert response.status_code == 400 and "stays with the employer" in response.content.decode()
    assert SkillNeed.objects.for_convener(d.side.convener).count() == before
    assert SkillNeed.objects.for_convener(d.side.convener).filter(employer=d.rival).count() == rival_before


def test_closed_survey_is_refused(world: World, client_for: Any) -> None:
    d = build_demand(world)
    today = timezone.localdate()
    demand_services.survey_update(convener=d.side.convener, actor=d.side.admin, survey=d.survey,
                                  opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    client = client_for(d.side.users[Role.EMPLOYER_REP])
    before = SkillNeed.objects.for_convener(d.side.convener).count()
    page = client.get(_url(d, "need-create", demandsurvey_id=d.survey.pk)).content.decode()
    assert "is closed" in page or "closed" in page
    response = client.post(_url(d, "need-create", demandsurvey_id=d.survey.pk), _need_post(d))
    assert response.status_code == 400 and "is closed" in response.content.decode()
    assert SkillNeed.objects.for_convener(d.side.convener).count() == before


def test_partnership_edit_sets_labor_market_area(world: World, client_for: Any) -> None:
    load_oews_extract()
    side = world.a
    client = client_for(side.admin)
    p = side.other_partnership
    url = reverse("partnerships:partnership-edit", kwargs={"convener_slug": side.convener.slug,
                                                           "partnership_id": p.pk})
    page = client.get(url).content.decode()
    assert "Labor-market area" in page and "Atlanta-Sandy Springs-Roswell, GA (metro)" in page
    atlanta = LaborMarketArea.objects.get(code="0012060")
    response = client.post(url, {"name": p.name, "status": p.status, "engagement_window": 6,
                                 "labor_market_area": atlanta.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    p.refresh_from_db()
    assert p.labor_market_area == atlanta


# ---------------------------------------------------------------------------
# Query counts: constant in the size of the data
# ---------------------------------------------------------------------------
def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


DASHBOARD_QUERIES = 6
SURVEY_PAGE_QUERIES = 9
EMPLOYER_SURVEY_PAGE_QUERIES = 8
SURVEY_LIST_QUERIES = 4


@pytest.mark.usefixtures("user_read_every_request")
@pytest.mark.parametrize("extra", [0, 6])
def test_query_counts(world: World, client_for: Any, extra: int) -> None:
    d = build_demand(world, extra=extra)
    convener = client_for(d.side.users[Role.CONVENER_STAFF])
    employer = client_for(d.side.users[Role.EMPLOYER_REP])
    assert _count(convener, _url(d, "demand-dashboard", partnership_id=d.partnership.pk)) == DASHBOARD_QUERIES
    assert _count(employer, _url(d, "demand-dashboard", partnership_id=d.partnership.pk)) == DASHBOARD_QUERIES
    assert _count(convener, _url(d, "survey-detail", demandsurvey_id=d.survey.pk)) == SURVEY_PAGE_QUERIES
    assert _count(employer, _url(d, "survey-detail", demandsurvey_id=d.survey.pk)) == EMPLOYER_SURVEY_PAGE_QUERIES
    assert _count(convener, _url(d, "survey-list")) == SURVEY_LIST_QUERIES
    assert _count(employer, _url(d, "survey-list")) == SURVEY_LIST_QUERIES + 1
