"""A participant's erasure in a real browser (issue 8, data rights): the convener admin opens the record, follows
"Delete personal data" from the Data rights panel, mistypes the public id and is told so, types it right, confirms their
password, and lands on the participant list with the record gone. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from participants import services as participant_services
from participants.models import CaseNote, Participant, StreamEnrollment
from partnerships import services
from partnerships.models import AuditEvent, Membership, User
from partnerships.roles import OrganizationType, Role
from programs.models import FUNDING_STREAMS, FundingStream
from tests.e2e.conftest import complete_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
SLUG = "clark-county"


def _user(email: str, name: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def clark():
    """A workforce board, its admin, and one SNAP participant of Goodwill's with a funding stream and a case note."""
    for order, (code, name, description) in enumerate(FUNDING_STREAMS):
        FundingStream.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                 "sort_order": order})
    convener = services.convener_create(name="Clark County Workforce Board", slug=SLUG, region="Vancouver, WA")
    admin = _user("admin@clark.example", "Avery Admin")
    Membership.objects.for_convener(convener).create(convener=convener, user=admin, role=Role.CONVENER_ADMIN)
    goodwill = services.organization_create(convener=convener, actor=admin, name="Goodwill of the Columbia",
                                            org_type=OrganizationType.COMMUNITY_ORG)
    cm_user = _user("casey@goodwill.example", "Casey Navigator")
    cm = services.membership_grant(convener=convener, actor=admin, user=cm_user, role=Role.CASE_MANAGER,
                                   organization=goodwill)
    person = participant_services.participant_intake(
        convener=convener, actor=cm_user, membership=cm, first_name="Marisol", last_name="Quintero",
        ssn="231-45-6790", date_of_birth=date(1993, 4, 2), benefit_snap=True,
        streams=[{"stream": "snap_et_50", "entry_date": date(2026, 9, 1)}])
    participant_services.note_add(convener=convener, actor=cm_user, membership=cm, participant=person,
                                  text="Asked for evening classes.", noted_on=date(2026, 9, 2))
    return convener, admin, person


def test_a_convener_admin_deletes_a_participants_data_through_the_confirmation_page(
    browser, live_server, clark, screenshot_dir: Path
):
    convener, admin, person = clark
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    complete_sign_in(page, live_server.url, admin.email, PASSWORD)

    page.goto(f"{live_server.url}/c/{SLUG}/participants/{person.pk}/")
    panel = page.locator("#data-rights")
    panel.get_by_role("heading", name="Data rights").wait_for()
    panel.get_by_role("link", name="Delete personal data").click()
    page.get_by_role("heading", name="Delete Marisol Quintero's personal data").wait_for()
    preview = page.locator("#erase-preview").inner_text().splitlines()
    assert "1 stream enrollment" in preview and "1 case note" in preview

    # A mistyped id is refused at once, and nothing is deleted.
    page.get_by_label("Type the participant's public id to confirm").fill("P-WRONG234")
    page.get_by_label("Reason").fill("Her written request of Sep 30 to delete her data")
    page.get_by_role("button", name="Delete permanently").click()
    page.get_by_text(f"That is not {person.public_id}: type the public id exactly as shown.").wait_for()
    page.screenshot(path=str(screenshot_dir / "e2e-data-rights-01-wrong-confirmation.png"), full_page=True)
    assert Participant.objects.for_convener(convener).filter(pk=person.pk).exists()

    # The right id: the password is asked for again (it cannot be undone), then the deletion goes through.
    page.get_by_label("Type the participant's public id to confirm").fill(person.public_id)
    page.get_by_label("Reason").fill("Her written request of Sep 30 to delete her data")
    page.get_by_role("button", name="Delete permanently").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(rf"/c/{SLUG}/participants/$"))
    page.get_by_text(re.compile(rf"Deleted the personal data of {person.public_id} \(\d+ rows in all\)")).wait_for()
    page.screenshot(path=str(screenshot_dir / "e2e-data-rights-02-deleted.png"), full_page=True)
    assert "Quintero" not in page.locator("main").inner_text()

    assert not Participant.objects.for_convener(convener).filter(pk=person.pk).exists()
    assert not StreamEnrollment.objects.for_convener(convener).filter(participant_id=person.pk).exists()
    assert not CaseNote.objects.for_convener(convener).filter(participant_id=person.pk).exists()
    erase = AuditEvent.objects.for_convener(convener).get(action="participant.erase")
    assert (erase.target_id, erase.actor_id) == (str(person.pk), admin.pk)
    assert erase.metadata["reason"] == "Her written request of Sep 30 to delete her data"
    context.close()
