"""Intake (a new person, with the duplicate warning) and corrections to a person's profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from participants import access, services
from participants.forms import IntakeForm, ProfileEditForm, profile_initial
from participants.models import Participant
from participants.views._common import RecordPage, partner_organizations, url
from partnerships.permissions import Action
from partnerships.roles import CONVENER_ROLES
from partnerships.tenant_views import TenantView
from programs.forms import apply_service_errors

INTAKE_ERROR_ALIASES = {"stream": "streams"}


class IntakeView(TenantView):
    """Every field of DOMAIN.md §3 in groups, and the streams the person enters. When the SSN or the name and date
    of birth match someone on file, the form comes back with them listed (linked when the member may read them)
    and a box to confirm that this is a different person."""

    permissions = {"GET": Action.PARTICIPANT_MANAGE, "POST": Action.PARTICIPANT_MANAGE}
    template_name = "participants/intake.html"

    def _organizations(self) -> Any:
        return partner_organizations(self.convener) if self.membership.role in CONVENER_ROLES else None

    def _render(self, form: IntakeForm, status: int = 200, candidates: list[dict[str, Any]] | None = None,
                ) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(
            form=form, candidates=candidates or [], owner_org=self.membership.organization), status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(IntakeForm(organizations=self._organizations()))

    def post(self, request: HttpRequest) -> HttpResponse:
        warned = "confirm_duplicate" in request.POST or request.POST.get("warned") == "1"
        form = IntakeForm(request.POST, organizations=self._organizations(), duplicates=warned)
        if form.is_valid():
            try:
                person = services.participant_intake(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    organization=form.cleaned_data.get("organization"),
                    confirm_duplicate=bool(form.cleaned_data.get("confirm_duplicate")),
                    streams=form.streams_kwargs(), **form.profile_kwargs())
            except services.DuplicateParticipant as exc:
                form = IntakeForm(request.POST, organizations=self._organizations(), duplicates=True)
                form.is_valid()
                return self._render(form, 400, candidates=self._candidates(exc.candidates))
            except ValidationError as exc:
                apply_service_errors(form, exc, INTAKE_ERROR_ALIASES)
            else:
                streams = ", ".join(e.stream.name for e in person.stream_enrollments.select_related("stream"))
                messages.success(request, f"Created the record of {person.display_name} ({person.public_id})"
                                          + (f", enrolled in {streams}." if streams else "."))
                return redirect(url("record", self.convener.slug, participant_id=person.pk))
        return self._render(form, 400)

    def _candidates(self, people: list[Participant]) -> list[dict[str, Any]]:
        """Who may already be on file. A name and a link only for records the member may read."""
        out = []
        for person in people:
            readable = access.reading(convener=self.convener, membership=self.membership, participant=person)
            out.append({"person": person, "readable": readable is not None,
                        "url": url("record", self.convener.slug, participant_id=person.pk) if readable else ""})
        return out


class ProfileEditView(RecordPage):
    """Corrections to the profile (the owning organization or convener staff); the SSN is never shown back."""

    tab = "edit"
    template_name = "participants/profile_edit.html"
    permissions = {"GET": Action.PARTICIPANT_MANAGE, "POST": Action.PARTICIPANT_MANAGE}

    def tab_context(self, **forms: Any) -> dict[str, Any]:
        return {"form": forms.get("form") or ProfileEditForm(initial=profile_initial(self.participant),
                                                             has_ssn=bool(self.participant.ssn))}

    def get(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        self.load(participant_id)
        self.require_owner()
        return self.page()

    def post(self, request: HttpRequest, participant_id: int) -> HttpResponse:
        person = self.load(participant_id)
        self.require_owner()
        form = ProfileEditForm(request.POST, has_ssn=bool(person.ssn))
        if form.is_valid():
            try:
                services.participant_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                            membership=self.membership, participant=person, **form.profile_kwargs())
            except ValidationError as exc:
                person.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Saved the profile of {person.display_name}.")
                return redirect(url("record", self.convener.slug, participant_id=person.pk))
        return self.page(400, form=form)
