"""Consent opens another organization's view of a person, category by category, and closes it again (DOMAIN.md
§3 "Consent", issue 6 "Who sees what"): another organization's case manager finds nothing of the person, on any
page or API route, until a current consent names their organization for identity; then reads only the categories
consented; stops reading the moment the consent is revoked; an expired consent does not count; and every read across
organizations writes an audit event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from participants import services
from participants.models import Consent, Participant
from partnerships.models import AuditEvent, Membership
from partnerships.roles import OrganizationType, Role
from tests.conftest import TenantSide, World
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, record_consent

API = "/api/v1/c/alpha"


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> date:
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return moment.date()


@pytest.fixture
def dhs(world: World) -> Membership:
    """A case manager of Alpha's county human-services agency: no consent of the world names it."""
    agency = OrganizationFactory(convener=world.a.convener, org_type=OrganizationType.HUMAN_SERVICES,
                                 name="Alpha County DHS", actor=world.a.admin)
    user = UserFactory(email="dhs.cm@alpha.example", full_name="Alpha DHS Case Manager")
    return MembershipFactory(convener=world.a.convener, user=user, role=Role.CASE_MANAGER, organization=agency)


def consent(side: TenantSide, to: Membership, categories: list[str], **kwargs: Any) -> Consent:
    """A consent of the world's first participant, recorded by the owning case manager, naming ``to``'s org."""
    assert to.organization is not None
    kwargs.setdefault("signed_on", date(2026, 1, 5))
    return record_consent(side.participants[0], membership=side.memberships[Role.CASE_MANAGER],
                          recipients=[to.organization], categories=categories, purposes=["coordination"], **kwargs)


# ---------------------------------------------------------------------------------------------------
# What one reader can reach of the first participant, API and pages
# ---------------------------------------------------------------------------------------------------
def api_rows(side: TenantSide) -> dict[str, int]:
    """API detail routes of the first participant's rows, one of each kind (the confidential note aside)."""
    assert side.note and side.placement and side.wage and side.college_consent
    return {
        "stream-enrollments": side.stream_enrollments["snap_et_50"].pk,
        "consents": side.college_consent.pk,
        "services": side.services["snap_et_50"].pk,
        "notes": side.note.pk,
        "placements": side.placement.pk,
        "retention-checks": side.retention_checks[0].pk,
        "wages": side.wage.pk,
    }


# Which category each kind of row needs ("owner": only the owning organization and convener staff).
NEEDS = {"stream-enrollments": "enrollment", "consents": "owner", "services": "services", "notes": "identity",
         "placements": "employment", "retention-checks": "employment", "wages": "employment"}
# The record's pages and what each needs, as participants/views/_common.py TABS says ("training": enrollment or
# credentials).
PAGES = {"record": "identity", "record-training": "training", "record-services": "services",
         "record-employment": "employment", "record-notes": "identity", "record-consent": "owner"}


def _opens(need: str, categories: set[str]) -> bool:
    if "identity" not in categories or need == "owner":
        return False
    if need == "training":
        return bool({"enrollment", "credentials"} & categories)
    return need == "identity" or need in categories


def reach(side: TenantSide, who: Membership, api: Any, web: Any) -> dict[str, bool]:
    """For each route about the first participant: can ``who`` read it? Lists count when they show the person."""
    person = side.participants[0]
    seen: dict[str, bool] = {}
    listed = api.get(f"{API}/participants/")
    assert listed.status_code == 200
    seen["api:participants/"] = person.public_id in listed.content.decode()
    detail = api.get(f"{API}/participants/{person.pk}/")
    assert detail.status_code in (200, 404)
    seen["api:participants/<id>"] = detail.status_code == 200
    for kind, pk in api_rows(side).items():
        page = api.get(f"{API}/{kind}/?participant={person.pk}")
        assert page.status_code == 200, kind
        seen[f"api:{kind}/"] = any(r["id"] == pk for r in page.json()["results"])
        one = api.get(f"{API}/{kind}/{pk}/")
        assert one.status_code in (200, 404), (kind, one.status_code)
        seen[f"api:{kind}/<id>"] = one.status_code == 200
    caseload = web.get(reverse("participants:caseload", kwargs={"convener_slug": "alpha"}))
    assert caseload.status_code == 200
    seen["page:caseload"] = person.public_id in caseload.content.decode()
    for name in PAGES:
        page = web.get(reverse(f"participants:{name}", kwargs={"convener_slug": "alpha", "participant_id": person.pk}))
        assert page.status_code in (200, 404), (name, page.status_code)
        seen[f"page:{name}"] = page.status_code == 200
    return seen


def expected(categories: set[str]) -> dict[str, bool]:
    """What a reader of another organization reaches with these consented categories."""
    out = {route: _opens("identity", categories)
           for route in ("api:participants/", "api:participants/<id>", "page:caseload")}
    for kind, need in NEEDS.items():
        out[f"api:{kind}/"] = out[f"api:{kind}/<id>"] = _opens(need, categories)
    for name, need in PAGES.items():
        out[f"page:{name}"] = _opens(need, categories)
    return out


@pytest.fixture
def reader(dhs: Membership, api_client_for: Callable[[Any], Any], client_for: Callable[[Any], Any]
           ) -> tuple[Membership, Any, Any]:
    return dhs, api_client_for(dhs.user), client_for(dhs.user)


# ---------------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------------
def test_another_organization_reaches_nothing_of_the_person_without_a_consent(world: World, reader: Any) -> None:
    who, api, web = reader
    assert reach(world.a, who, api, web) == expected(set())
    assert not any(reach(world.a, who, api, web).values())


def test_a_consent_without_identity_opens_nothing(world: World, reader: Any) -> None:
    who, api, web = reader
    consent(world.a, who, ["services", "employment"])
    assert reach(world.a, who, api, web) == expected(set())


@pytest.mark.parametrize("categories", [
    ["identity"],
    ["identity", "services"],
    ["identity", "enrollment", "employment"],
    ["identity", "credentials", "benefits"],
])
def test_a_current_consent_opens_exactly_the_categories_it_names(world: World, reader: Any,
                                                                 categories: list[str]) -> None:
    who, api, web = reader
    consent(world.a, who, categories)
    assert reach(world.a, who, api, web) == expected(set(categories))
    record = api.get(f"{API}/participants/{world.a.participants[0].pk}/").json()
    assert record["owner"] is False and set(record["sees"]) == set(categories)
    assert record["ssn_last4"] is None and record["date_of_birth"] is None and record["barriers"] is None
    assert (record["streams"] is not None) == ("enrollment" in categories)
    assert (record["service_totals"] is not None) == ("services" in categories)
    assert (record["next_check"] is not None) == ("employment" in categories)
    assert (record["credentials"] is not None) == ("credentials" in categories)
    assert (record["benefits"] is not None) == ("benefits" in categories)
    body = api.get(f"{API}/participants/{world.a.participants[0].pk}/").content.decode()
    assert "6701" not in body and "1990-05-14" not in body


def test_categories_of_several_current_consents_add_up(world: World, reader: Any) -> None:
    who, api, web = reader
    consent(world.a, who, ["identity"])
    consent(world.a, who, ["services"], signed_on=date(2026, 1, 6))
    assert reach(world.a, who, api, web) == expected({"identity", "services"})


def test_the_confidential_note_stays_inside_the_owning_organization(world: World, reader: Any) -> None:
    who, api, _ = reader
    consent(world.a, who, list(Consent.CATEGORIES))
    secret = world.a.confidential_note
    assert secret is not None
    notes = api.get(f"{API}/notes/?participant={world.a.participants[0].pk}").json()["results"]
    assert [n["id"] for n in notes] == [world.a.note.pk]  # type: ignore[union-attr]
    assert api.get(f"{API}/notes/{secret.pk}/").status_code == 404
    assert "housing emergency" not in api.get(f"{API}/notes/").content.decode()


def test_revocation_closes_the_view_on_the_very_next_request(world: World, reader: Any) -> None:
    who, api, web = reader
    given = consent(world.a, who, list(Consent.CATEGORIES))
    assert reach(world.a, who, api, web) == expected(set(Consent.CATEGORIES))
    owner = world.a.memberships[Role.CASE_MANAGER]
    services.consent_revoke(convener=world.a.convener, actor=owner.user, membership=owner, consent=given)
    assert reach(world.a, who, api, web) == expected(set())


def test_revoking_through_the_api_closes_the_view_too(world: World, reader: Any, api_client_for: Any) -> None:
    who, api, web = reader
    given = consent(world.a, who, ["identity", "services"])
    owner = api_client_for(world.a.users[Role.CASE_MANAGER])
    assert owner.post(f"{API}/consents/{given.pk}/revoke/", {"note": "withdrawn"}).status_code == 200
    assert reach(world.a, who, api, web) == expected(set())


def test_an_expired_consent_does_not_count(world: World, reader: Any) -> None:
    who, api, web = reader
    consent(world.a, who, list(Consent.CATEGORIES), signed_on=date(2025, 1, 6), expires_on=date(2026, 1, 14))
    assert reach(world.a, who, api, web) == expected(set())


def test_a_consent_expiring_today_still_counts_until_tomorrow(world: World, reader: Any) -> None:
    who, api, web = reader
    consent(world.a, who, ["identity"], signed_on=date(2025, 1, 6), expires_on=date(2026, 1, 15))
    assert reach(world.a, who, api, web) == expected({"identity"})


def test_the_worlds_college_consent_gives_the_college_identity_enrollment_and_credentials(
    world: World, api_client_for: Any, client_for: Any
) -> None:
    college = world.a.orgs[OrganizationType.COLLEGE]
    user = UserFactory(email="college.cm@alpha.example", full_name="Alpha College Case Manager")
    who = MembershipFactory(convener=world.a.convener, user=user, role=Role.CASE_MANAGER, organization=college)
    assert reach(world.a, who, api_client_for(user), client_for(user)) == expected(
        {"identity", "enrollment", "credentials"})


def test_a_consent_naming_another_organization_opens_nothing_to_this_one(world: World, reader: Any) -> None:
    """The world's consents name the college and the employer; the DHS case manager still reaches nothing."""
    who, api, web = reader
    assert world.a.college_consent is not None and world.a.employer_consent is not None
    assert not any(reach(world.a, who, api, web).values())


def test_every_read_across_organizations_writes_an_audit_event(world: World, reader: Any) -> None:
    who, api, web = reader
    given = consent(world.a, who, list(Consent.CATEGORIES))
    person = world.a.participants[0]

    def events() -> int:
        return AuditEvent.unscoped.filter(convener=world.a.convener, actor=who.user, target_id=str(person.pk),
                                          action="participant.view_cross_org").count()

    reads = [f"{API}/participants/", f"{API}/participants/{person.pk}/"]
    for kind, pk in api_rows(world.a).items():
        if NEEDS[kind] != "owner":
            reads += [f"{API}/{kind}/", f"{API}/{kind}/{pk}/"]
    for url in reads:
        before = events()
        assert api.get(url).status_code == 200, url
        assert events() == before + 1, url
    for name, need in PAGES.items():
        if need == "owner":
            continue
        before = events()
        assert web.get(reverse(f"participants:{name}", kwargs={"convener_slug": "alpha",
                                                               "participant_id": person.pk})).status_code == 200
        assert events() == before + 1, name
    detail = AuditEvent.unscoped.filter(actor=who.user, source="api", target_id=str(person.pk),
                                        metadata__what="record").order_by("-pk").first()
    assert detail is not None and detail.metadata["consent"] == given.pk


def test_the_owner_reading_their_own_people_is_not_a_cross_organization_read(world: World,
                                                                            api_client_for: Any) -> None:
    owner = world.a.memberships[Role.CASE_MANAGER]
    api = api_client_for(owner.user)
    for url in (f"{API}/participants/", f"{API}/participants/{world.a.participants[0].pk}/", f"{API}/services/"):
        assert api.get(url).status_code == 200
    assert not AuditEvent.unscoped.filter(actor=owner.user, action="participant.view_cross_org").exists()


def test_consent_never_crosses_tenants(world: World, api_client_for: Any) -> None:
    """Beta's college case manager: the Beta world's consent names Beta's college, never Alpha's people."""
    user = UserFactory(email="college.cm@beta.example", full_name="Beta College Case Manager")
    MembershipFactory(convener=world.b.convener, user=user, role=Role.CASE_MANAGER,
                      organization=world.b.orgs[OrganizationType.COLLEGE])
    api = api_client_for(user)
    assert api.get(f"{API}/participants/").status_code == 404
    ids = {p["id"] for p in api.get("/api/v1/c/beta/participants/").json()["results"]}
    assert ids == {world.b.participants[0].pk}
    assert not Participant.unscoped.filter(pk__in=ids, convener=world.a.convener).exists()
