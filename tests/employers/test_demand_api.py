"""The employer-demand API: who may do what, an employer never sees another employer's entries, suppressed
aggregates for employers and funders, malformed payloads are 400s, and list endpoints cost a fixed number of
queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from employers.models import DemandRun, DemandSurvey, Skill, SkillNeed
from partnerships.models import Organization
from partnerships.roles import OrganizationType, Role
from tests.conftest import World
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

API = "/api/v1/c/alpha"
SECRET_LOCATION = "Rival plant 7, night shift annex"
SECRET_CREDENTIAL = "Rival proprietary brazing badge"


def demand(world: World, path: str = "") -> str:
    return f"{API}/partnerships/{world.a.granted_partnership.pk}/{path}"


def need_payload(world: World, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "survey": world.a.survey.pk, "occupation": "51-4121",
        "quarters": [{"quarter": "2027Q1", "new_positions": 2, "replacements": 1},
                     {"quarter": "2027Q3", "new_positions": 1, "replacements": 0}],
        "wage_min": "19.00", "wage_max": "23.50", "shift": "evening", "work_location": "Alpha west campus",
        "skills": [Skill.objects.get(name="Critical Thinking").pk], "competencies": [world.a.competency.pk],
        "credentials": [{"name": "AWS D1.1 structural", "ctdl_type": "ceterms:Certification"}],
        "apprenticeship_slots": 2, "guaranteed_interviews": 3,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def rival(world: World) -> SkillNeed:
    """A second employer of Alpha on the same partnership, whose entries the first employer must never see."""
    a = world.a
    rival_org = OrganizationFactory(convener=a.convener, org_type=OrganizationType.EMPLOYER,
                                    name="Alpha Rival Foundry", size_band="large", actor=a.admin)
    CouncilSeatFactory(council=council_of(a.granted_partnership), organization=rival_org, actor=a.admin)
    need = enter_need(survey=a.survey, membership=a.memberships[Role.CONVENER_STAFF], employer=rival_org,
                      occupation="51-4121", quarters={"2027Q2": (7, 3)}, wage_min="31.37", wage_max="33.13",
                      work_location=SECRET_LOCATION, credentials=[(SECRET_CREDENTIAL, "ceterms:DigitalBadge")],
                      notes="Rival internal expansion plan")
    aggregate(a.granted_partnership)
    return need


# ---------------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------------
EXPECTED_GET = {
    # path -> the roles that get 200 (everyone else in the tenant: 403)
    "demand-surveys/": {Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.EMPLOYER_REP},
    "skill-needs/": {Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.EMPLOYER_REP},
    "competencies/": {Role.CONVENER_ADMIN, Role.CONVENER_STAFF, Role.EMPLOYER_REP},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_what_the_policy_allows(world: World, api_client_for: Any, role: Role) -> None:
    a = world.a
    client = api_client_for(a.users[role])
    convener_role = role in (Role.CONVENER_ADMIN, Role.CONVENER_STAFF)
    for path, allowed in EXPECTED_GET.items():
        assert client.get(f"{API}/{path}").status_code == (200 if role in allowed else 403), path
    # Every role reads demand of a partnership it may see (case managers and providers through their seats).
    for path in ("demand-snapshots/", "demand-snapshots/current/", "demand-snapshots/current/export/",
                 "demand-runs/", "demand-runs/latest/"):
        assert client.get(demand(world, path)).status_code == 200, path
    survey_detail = f"{API}/demand-surveys/{a.survey.pk}/"
    assert client.get(f"{survey_detail}responses/").status_code == (200 if convener_role else 403)
    assert client.post(f"{API}/skill-needs/{a.need.pk}/confirm/").status_code == (200 if convener_role else 403)
    refresh = client.post(demand(world, "demand-runs/refresh/"))
    assert refresh.status_code == (202 if convener_role else 403)
    assert client.post(f"{API}/competencies/", {"name": f"Alpha skill {role}"}).status_code == (
        201 if convener_role else 403)


def test_a_funder_sees_demand_of_its_granted_partnership_only(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.users[Role.FUNDER])
    assert client.get(demand(world, "demand-snapshots/current/")).status_code == 200
    other = f"{API}/partnerships/{world.a.other_partnership.pk}/demand-snapshots/current/"
    assert client.get(other).status_code == 404


def test_a_partnership_without_demand_yet_says_so(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.admin)
    base = f"{API}/partnerships/{world.a.other_partnership.pk}/"
    response = client.get(base + "demand-snapshots/current/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No demand has been computed for this partnership yet."}
    assert client.get(base + "demand-runs/latest/").status_code == 404
    assert client.get(base + "demand-snapshots/").json()["results"] == []


# ---------------------------------------------------------------------------------------------------
# An employer never sees another employer's entries
# ---------------------------------------------------------------------------------------------------
def test_an_employer_never_sees_another_employers_entries_in_any_api_call_or_export(
    world: World, api_client_for: Any, rival: SkillNeed
) -> None:
    a = world.a
    client = api_client_for(a.users[Role.EMPLOYER_REP])
    own = a.orgs[OrganizationType.EMPLOYER]
    secrets = [SECRET_LOCATION, SECRET_CREDENTIAL, "Alpha Rival Foundry", "31.37", "33.13", "Rival internal"]

    listing = client.get(f"{API}/skill-needs/").json()
    assert [n["id"] for n in listing["results"]] == [a.need.pk]
    assert all(n["employer"]["id"] == own.pk for n in listing["results"])
    assert client.get(f"{API}/skill-needs/", {"employer": rival.employer_id}).json()["results"] == []
    detail = f"{API}/skill-needs/{rival.pk}/"
    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"notes": "mine now"}).status_code == 404
    assert client.post(f"{detail}submit/").status_code == 404
    assert client.delete(detail).status_code == 404
    # Entering a need for the rival is refused, and saves nothing.
    before = SkillNeed.unscoped.count()
    response = client.post(f"{API}/skill-needs/", need_payload(world, employer=rival.employer_id))
    assert response.status_code == 400
    assert response.json() == {"employer": ["You can only enter needs for your own employer."]}
    assert SkillNeed.unscoped.count() == before
    assert client.get(f"{API}/demand-surveys/{a.survey.pk}/responses/").status_code == 403

    texts = []
    for url in (f"{API}/skill-needs/", f"{API}/skill-needs/{a.need.pk}/", f"{API}/demand-surveys/",
                f"{API}/demand-surveys/{a.survey.pk}/", f"{API}/competencies/",
                demand(world, "demand-snapshots/"), demand(world, "demand-snapshots/current/"),
                demand(world, "demand-snapshots/current/export/"), demand(world, "demand-runs/"),
                demand(world, "demand-runs/latest/")):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    for snapshot in client.get(demand(world, "demand-snapshots/")).json()["results"]:
        texts.append(client.get(demand(world, f"demand-snapshots/{snapshot['id']}/")).content.decode())
    for text in texts:
        for secret in secrets:
            assert secret not in text

    # Convener staff do see it all, so the check above can fail.
    staff = api_client_for(a.users[Role.CONVENER_STAFF])
    staff_text = staff.get(f"{API}/skill-needs/{rival.pk}/").content.decode()
    assert SECRET_LOCATION in staff_text and "31.37" in staff_text
    assert SECRET_CREDENTIAL in staff.get(demand(world, "demand-snapshots/current/export/")).content.decode()


@pytest.mark.parametrize("role", [Role.EMPLOYER_REP, Role.FUNDER])
def test_employers_and_funders_get_suppressed_aggregates(world: World, api_client_for: Any, rival: SkillNeed,
                                                         role: Role) -> None:
    client = api_client_for(world.a.users[role])
    body = client.get(demand(world, "demand-snapshots/current/")).json()
    assert body["suppression"] == {"applied": True, "min_employers": 3}
    assert body["version"] == 2
    # 2 employers: every cell and the totals are suppressed, shown as null with suppressed: true (never 0).
    assert body["totals"]["openings"] is None and body["totals"]["suppressed"] is True
    for occupation in body["occupations"]:
        assert occupation["suppressed"] is True
        assert occupation["openings"] is None and occupation["wage_median"] is None
    csv_text = client.get(demand(world, "demand-snapshots/current/export/")).content.decode()
    assert "Suppressed (fewer than 3 employers)" in csv_text

    staff = api_client_for(world.a.users[Role.CONVENER_STAFF]).get(demand(world, "demand-snapshots/current/"))
    assert staff.json()["suppression"]["applied"] is False
    assert staff.json()["totals"]["openings"] == 7 + 10  # the world's need (3+2, 1+1) and the rival's (7+3)


def test_the_export_is_csv_named_after_the_version(world: World, api_client_for: Any) -> None:
    response = api_client_for(world.a.admin).get(demand(world, "demand-snapshots/current/export/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="demand-{world.a.granted_partnership.pk}-v1.csv"')
    text = response.content.decode()
    assert "Nursing Assistants" in text and "Alpha state nurse aide certification" in text


# ---------------------------------------------------------------------------------------------------
# Writes through the API
# ---------------------------------------------------------------------------------------------------
def test_an_employer_enters_submits_and_the_convener_confirms_a_need(world: World, api_client_for: Any,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    rep = api_client_for(world.a.users[Role.EMPLOYER_REP])
    # One burst of edits (create, edit, submit) queues one aggregation, run once they are committed.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = rep.post(f"{API}/skill-needs/", need_payload(world, submit=False))
        assert response.status_code == 201, response.content
        need = response.json()
        assert need["status"] == "draft"
        assert need["employer"]["id"] == world.a.orgs[OrganizationType.EMPLOYER].pk
        assert need["occupation"] == {"soc_code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"}
        assert need["quarters"] == [{"quarter": "2027Q1", "new_positions": 2, "replacements": 1},
                                    {"quarter": "2027Q3", "new_positions": 1, "replacements": 0}]
        assert need["credentials"] == [{"name": "AWS D1.1 structural", "ctdl_type": "ceterms:Certification"}]
        assert [s["name"] for s in need["skills"]] == ["Critical Thinking"]

        patched = rep.patch(f"{API}/skill-needs/{need['id']}/", {"wage_max": "24.00", "quarters": [
            {"quarter": "2027Q4", "new_positions": 5}]})
        assert patched.status_code == 200, patched.content
        assert patched.json()["wage_max"] == "24.00" and patched.json()["wage_min"] == "19.00"
        assert patched.json()["quarters"] == [{"quarter": "2027Q4", "new_positions": 5, "replacements": 0}]
        assert patched.json()["credentials"] == need["credentials"]  # untouched fields keep their values

        assert rep.post(f"{API}/skill-needs/{need['id']}/submit/").json()["status"] == "submitted"
    assert len(callbacks) == 1
    staff = api_client_for(world.a.users[Role.CONVENER_STAFF])
    assert staff.post(f"{API}/skill-needs/{need['id']}/confirm/").json()["status"] == "confirmed"
    # The submit ran the aggregation (eagerly, after commit): version 2 counts the welders.
    current = staff.get(demand(world, "demand-snapshots/current/")).json()
    assert current["version"] == 2
    assert "51-4121" in [o["soc_code"] for o in current["occupations"]]
    assert rep.delete(f"{API}/skill-needs/{need['id']}/").status_code == 400  # confirmed needs are kept


def test_a_convener_opens_a_survey_and_sees_who_answered(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.admin)
    response = client.post(f"{API}/demand-surveys/", {
        "partnership": world.a.granted_partnership.pk, "title": "Alpha 2028 outlook", "opens_on": "2027-10-01",
        "closes_on": "2027-11-15", "quarters": ["2028Q1", "2028Q2", "2028Q3", "2028Q4", "2029Q1"]})
    assert response.status_code == 201, response.content
    survey = response.json()
    assert (survey["invited"], survey["answered"]) == (1, 0)
    patched = client.patch(f"{API}/demand-surveys/{survey['id']}/", {"closes_on": "2027-12-01"})
    assert patched.json()["closes_on"] == "2027-12-01"
    responses = client.get(f"{API}/demand-surveys/{world.a.survey.pk}/responses/").json()
    assert [(r["organization"]["name"], r["answered"], r["needs"]) for r in responses] == [
        ("Alpha Regional Hospital", True, 1)]


def test_a_refresh_is_debounced_into_one_queued_run(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.users[Role.CONVENER_STAFF])
    first = client.post(demand(world, "demand-runs/refresh/")).json()
    second = client.post(demand(world, "demand-runs/refresh/")).json()
    assert first["id"] == second["id"] and first["status"] == "queued"
    assert DemandRun.unscoped.filter(partnership=world.a.granted_partnership, status="queued").count() == 1
    latest = client.get(demand(world, "demand-runs/latest/")).json()
    assert (latest["id"], latest["status"], latest["progress"]) == (first["id"], "queued", 0)


def test_a_refresh_runs_the_task_after_commit(world: World, api_client_for: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    client = api_client_for(world.a.users[Role.CONVENER_STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(demand(world, "demand-runs/refresh/")).json()
    latest = client.get(demand(world, "demand-runs/latest/")).json()
    assert (latest["id"], latest["status"], latest["progress"]) == (run["id"], "succeeded", 100)
    assert client.get(demand(world, "demand-snapshots/current/")).json()["version"] == 2


def test_the_market_wage_of_an_occupation_in_the_partnerships_area(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.users[Role.EMPLOYER_REP])
    body = client.get(demand(world, "market-wage/"), {"soc": "51-4121", "wage": "20.47"}).json()
    assert body["sentence"] == ("$20.47 is at the 15th percentile of Welders, Cutters, Solderers, and Brazers in "
                                "the Lafayette-West Lafayette, IN metro")
    assert (body["percentile"], body["hourly_median"], body["area"]) == (15, "23.57", "Lafayette-West Lafayette, IN")
    assert client.get(demand(world, "market-wage/"), {"soc": "99-9999"}).status_code == 404
    assert client.get(demand(world, "market-wage/"), {"wage": "x"}).status_code == 400


# ---------------------------------------------------------------------------------------------------
# Malformed payloads are 400s, never 500s, and save nothing
# ---------------------------------------------------------------------------------------------------
MALFORMED_NEEDS: list[tuple[str, Any]] = [
    ("not an object", []),
    ("a string", "welders please"),
    ("null", None),
    ("quarters as an object", {"quarters": {"2027Q1": 3}}),
    ("quarters with text", {"quarters": [{"quarter": "2027Q1", "new_positions": "many"}]}),
    ("a quarter twice", {"quarters": [{"quarter": "2027Q1", "new_positions": 1},
                                      {"quarter": "2027Q1", "new_positions": 2}]}),
    ("a huge count", {"quarters": [{"quarter": "2027Q1", "new_positions": 10**12}]}),
    ("negative openings", {"quarters": [{"quarter": "2027Q1", "new_positions": -3}]}),
    ("a quarter not asked", {"quarters": [{"quarter": "2031Q1", "new_positions": 3}]}),
    ("a wage in words", {"wage_min": "fifteen"}),
    ("a wage over 7 digits", {"wage_max": "123456789.00"}),
    ("wage min above max", {"wage_min": "30.00", "wage_max": "20.00"}),
    ("an unknown SOC code", {"occupation": "99-9999"}),
    ("a SOC code as a number", {"occupation": 514121.5}),
    ("an unknown skill", {"skills": [999999]}),
    ("a credential without a type", {"credentials": [{"name": "AWS"}]}),
    ("credentials as text", {"credentials": "AWS"}),
    ("a negative slot count", {"apprenticeship_slots": -1}),
    ("a shift that does not exist", {"shift": "graveyard"}),
    ("a survey id as text", {"survey": "the current one"}),
]


@pytest.mark.parametrize(("case", "change"), MALFORMED_NEEDS, ids=[c for c, _ in MALFORMED_NEEDS])
def test_malformed_need_payloads_are_a_400_and_save_nothing(world: World, api_client_for: Any, case: str,
                                                            change: Any) -> None:
    client = api_client_for(world.a.users[Role.EMPLOYER_REP])
    payload = need_payload(world, **change) if isinstance(change, dict) else change
    before = (SkillNeed.unscoped.count(), DemandRun.unscoped.count())
    response = client.post(f"{API}/skill-needs/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    if case != "a survey id as text":  # a need keeps its survey: PATCH ignores the key
        patch = client.patch(f"{API}/skill-needs/{world.a.need.pk}/", json.dumps(payload),
                             content_type="application/json")
        assert patch.status_code == 400, patch.content
    assert (SkillNeed.unscoped.count(), DemandRun.unscoped.count()) == before


def test_ids_of_another_tenant_are_not_found_in_this_workspace(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.users[Role.EMPLOYER_REP])
    response = client.post(f"{API}/skill-needs/", need_payload(world, survey=world.b.survey.pk,
                                                                 competencies=[world.b.competency.pk]))
    assert response.status_code == 400
    assert response.json() == {
        "survey": [f"No such object in this workspace: {world.b.survey.pk}."],
        "competencies": [f"No such object in this workspace: {world.b.competency.pk}."],
    }


def test_a_malformed_json_body_and_bad_survey_payloads_are_400s(world: World, api_client_for: Any) -> None:
    client = api_client_for(world.a.admin)
    before = DemandSurvey.unscoped.count()
    assert client.post(f"{API}/demand-surveys/", '{"title": ', content_type="application/json").status_code == 400
    for payload in ([], {"partnership": world.a.granted_partnership.pk, "title": "x", "opens_on": "soon",
                         "closes_on": "2027-01-01", "quarters": ["2027Q1"] * 4},
                    {"partnership": world.a.granted_partnership.pk, "title": "Alpha x", "opens_on": "2027-02-01",
                     "closes_on": "2027-01-01", "quarters": ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]},
                    {"partnership": world.a.granted_partnership.pk, "title": "Alpha x", "opens_on": "2027-01-01",
                     "closes_on": "2027-02-01", "quarters": "2027Q1"}):
        response = client.post(f"{API}/demand-surveys/", json.dumps(payload), content_type="application/json")
        assert response.status_code == 400, (payload, response.content)
    assert client.patch(f"{API}/demand-surveys/{world.a.survey.pk}/", json.dumps([1]),
                        content_type="application/json").status_code == 400
    assert client.post(f"{API}/competencies/", {"name": ""}).status_code == 400
    assert client.post(f"{API}/competencies/", {"name": "Alpha infection control"}).status_code == 400  # duplicate
    assert DemandSurvey.unscoped.count() == before


# ---------------------------------------------------------------------------------------------------
# Public reference data
# ---------------------------------------------------------------------------------------------------
def test_occupation_search_by_title_or_code_for_signed_in_users(db: None, api_client_for: Any) -> None:
    load_oews_extract()
    user = UserFactory()
    assert api_client_for(None).get("/api/v1/occupations/", {"q": "weld"}).status_code in (401, 403)
    client = api_client_for(user)
    assert client.get("/api/v1/occupations/", {"q": "weld"}).json() == [
        {"soc_code": "51-4121", "title": "Welders, Cutters, Solderers, and Brazers"}]
    codes = [o["soc_code"] for o in client.get("/api/v1/occupations/", {"q": "51-41"}).json()]
    assert codes == ["51-4111", "51-4121"] or codes[:1] == ["51-4111"]
    assert "51-4041" in [o["soc_code"] for o in client.get("/api/v1/occupations/", {"q": "514041"}).json()]
    assert client.get("/api/v1/occupations/").status_code == 400
    assert client.get("/api/v1/occupations/", {"q": "weld", "limit": 0}).status_code == 400


def test_the_onet_skills_are_listed_for_signed_in_users(db: None, api_client_for: Any) -> None:
    assert api_client_for(None).get("/api/v1/skills/").status_code in (401, 403)
    body = api_client_for(UserFactory()).get("/api/v1/skills/").json()
    assert body["count"] == 35
    basic = api_client_for(UserFactory()).get("/api/v1/skills/", {"kind": "basic"}).json()
    assert 0 < basic["count"] < 35


# ---------------------------------------------------------------------------------------------------
# Query counts: the same for 1 row as for many
# ---------------------------------------------------------------------------------------------------
MANY = 6
# Signed in with force_authenticate: 1 query resolves the tenant; partnership routes 1 more for the partnership.
EXPECTED_QUERIES = {
    "demand-surveys/": 3,
    "skill-needs/": 7,  # + quarters, skills, competencies, credentials
    "competencies/": 3,
    "partnerships/{p}/demand-snapshots/": 4,
    "partnerships/{p}/demand-runs/": 4,
    "demand-surveys/{s}/responses/": 3,
}


@pytest.fixture
def gamma(db: None) -> Any:
    load_oews_extract()
    convener = ConvenerFactory(name="Gamma Talent Alliance", slug="gamma")
    admin = UserFactory(email="admin@gamma.example")
    MembershipFactory(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    staff = MembershipFactory(convener=convener, role=Role.CONVENER_STAFF)
    partnership = set_labor_market_area(PartnershipFactory(convener=convener, actor=admin), "0012060")
    from employers.services import competency_create

    state: dict[str, Any] = {"admin": admin, "partnership": partnership, "n": 0}

    def grow(count: int) -> None:
        for _ in range(count):
            n = state["n"] = state["n"] + 1
            employer: Organization = OrganizationFactory(convener=convener, org_type=OrganizationType.EMPLOYER,
                                                         size_band="mid", actor=admin)
            CouncilSeatFactory(council=council_of(partnership), organization=employer, actor=admin)
            survey = open_survey(partnership, actor=admin, title=f"Gamma survey {n}")
            state["survey"] = survey
            competency = competency_create(convener=convener, actor=admin, name=f"Gamma competency {n}")
            enter_need(survey=survey, membership=staff, employer=employer, occupation="31-1131",
                       quarters={"2027Q1": (2, 1), "2027Q2": (1, 0)},
                       skills=list(Skill.objects.order_by("pk")[:2]), competencies=[competency],
                       credentials=[("CNA", "ceterms:License"), ("BLS", "ceterms:Certification")])
            aggregate(partnership)

    state["grow"] = grow
    return state


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(queries)


def test_list_endpoints_cost_a_fixed_number_of_queries(gamma: Any, api_client_for: Any) -> None:
    client = api_client_for(gamma["admin"])

    def urls() -> dict[str, str]:
        return {path: "/api/v1/c/gamma/" + path.format(p=gamma["partnership"].pk, s=gamma["survey"].pk)
                for path in EXPECTED_QUERIES}

    gamma["grow"](1)
    few = {path: _count(client, url) for path, url in urls().items()}
    gamma["grow"](MANY)
    many = {path: _count(client, url) for path, url in urls().items()}
    assert few == EXPECTED_QUERIES
    assert many == EXPECTED_QUERIES
    few_public = {u: _count(client, u) for u in ("/api/v1/skills/", "/api/v1/occupations/?q=nurs")}
    assert few_public == {"/api/v1/skills/": 2, "/api/v1/occupations/?q=nurs": 1}
