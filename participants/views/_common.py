"""What the pages about one person share: the 404 rule, the header with its tabs, and the PII-view audit.

A person's record is split into tabs (overview and timeline, training, services, employment, notes, consent), so
that each page reads a small, fixed number of rows however long the history; the timeline on the overview is one
query over everything.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from participants import access, selectors, services
from participants.models import Consent, Participant, StreamEnrollment
from participants.pii import ssn_masked
from partnerships.models import Organization
from partnerships.permissions import Action, can
from partnerships.roles import OrganizationType
from partnerships.tenant_views import TenantView

PAGE_SIZE = 25


def url(name: str, slug: str, **kwargs: int) -> str:
    return reverse(f"participants:{name}", kwargs={"convener_slug": slug, **kwargs})


def partner_organizations(convener: Any) -> QuerySet[Organization]:
    """Organizations that may own participant records (not employers, not funders)."""
    return (Organization.objects.for_convener(convener)
            .exclude(org_type__in=[OrganizationType.EMPLOYER, OrganizationType.PHILANTHROPY]).order_by("name"))


# The tabs of a record: (key, label, URL name, what the reader must be allowed to see).
TABS: list[tuple[str, str, str, str]] = [
    ("overview", "Overview", "record", ""),
    ("training", "Training", "record-training", "training"),
    ("services", "Services", "record-services", "services"),
    ("employment", "Employment", "record-employment", "employment"),
    ("notes", "Notes", "record-notes", ""),
    ("consent", "Consent", "record-consent", "owner"),
]


def tab_visible(reading: access.Reading, need: str) -> bool:
    if need == "":
        return True
    if need == "owner":
        return reading.owner
    if need == "training":
        return reading.sees("enrollment") or reading.sees("credentials")
    return reading.sees(need)


class RecordPage(TenantView):
    """A page about one person. A member whose role never sees participants gets 404, like a member who may not
    read this one (existence is private); a reader who may not change the record gets 403 on a change. Every
    rendering is a view of PII: ``services.pii_view_record`` logs it for convener staff and cross-organization
    readers."""

    tenant_model = Participant
    page_cache = True  # kept per reader until anything is written (partnerships/page_cache.py)
    permissions: ClassVar[dict[str, Action]] = {"GET": Action.PARTICIPANT_VIEW}
    tab: ClassVar[str] = "overview"
    template_name: ClassVar[str] = "participants/record_overview.html"
    participant: Participant
    reading: access.Reading

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            if not can(getattr(self, "membership", None), Action.PARTICIPANT_VIEW):
                raise Http404("No such participant") from None
            raise

    # -- loading ---------------------------------------------------------------------------------
    def load(self, participant_id: int) -> Participant:
        self.participant, self.reading = selectors.participant_get(
            convener=self.convener, membership=self.membership, participant_id=participant_id)
        self._check_tab()
        return self.participant

    def load_part(self, model: type[Any], pk: int, participant_path: str = "participant") -> Any:
        row, self.participant, self.reading = selectors.record_part_get(
            convener=self.convener, membership=self.membership, model=model, pk=pk,
            participant_path=participant_path)
        self._check_tab()
        return row

    def _check_tab(self) -> None:
        need = next((n for key, _, _, n in TABS if key == self.tab), "owner")
        if not tab_visible(self.reading, need):
            raise Http404("No such page")

    @property
    def owner(self) -> bool:
        """May change the record: convener staff, or a case manager of the owning organization."""
        return self.reading.owner and can(self.membership, Action.PARTICIPANT_MANAGE)

    def require_owner(self) -> None:
        if not self.owner:
            raise PermissionDenied("Only the organization that owns this record can change it.")

    @property
    def streams(self) -> list[StreamEnrollment]:
        if not hasattr(self, "_streams"):
            self._streams = selectors.stream_enrollments(convener=self.convener, participant=self.participant)
        return self._streams

    # -- rendering -------------------------------------------------------------------------------
    def get(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        self.load(participant_id)
        return self.page()

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        return forms

    def page(self, status: int = 200, **forms: Any) -> HttpResponse:
        person, reading = self.participant, self.reading
        services.pii_view_record(convener=self.convener, actor=self.request.user,  # type: ignore[arg-type]
                                 membership=self.membership, participant=person, what=self.tab,
                                 via_consent=reading.consent_ids[0] if reading.consent_ids else None)
        slug = self.convener.slug
        context = {
            "person": person, "reading": reading, "owner": self.owner, "tab": self.tab, "today": timezone.localdate(),
            "streams": self.streams if reading.sees("enrollment") else [],
            "ssn": ssn_masked(person.ssn or "") if reading.owner else "",
            "tabs": [(key, label, url(name, slug, participant_id=person.pk)) for key, label, name, need in TABS
                     if tab_visible(reading, need)],
            "sees": {category: reading.sees(category) for category in Consent.CATEGORIES},
        }
        context.update(self.tab_context(**forms))
        return render(self.request, self.template_name, self.get_context_data(**context), status=status)
