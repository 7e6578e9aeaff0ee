"""Pages of councils: seats, meetings (schedule, detail, attendance, calendar file) and action items."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views.generic import TemplateView

from partnerships import selectors, services
from partnerships.forms import (
    ActionItemFilterForm,
    ActionItemForm,
    ActionItemStatusForm,
    MeetingForm,
    MeetingUpdateForm,
    SeatForm,
    SeatUpdateForm,
    apply_service_errors,
)
from partnerships.forms.directory import tenant_users
from partnerships.ics import meeting_ics
from partnerships.models import (
    ActionItem,
    Council,
    CouncilSeat,
    Meeting,
    MeetingAttendance,
    Organization,
    Partnership,
    Representative,
)
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES
from partnerships.tenant_views import TenantView, TenantViewMixin

PAGE_SIZE = 25


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def meeting_url(meeting: Meeting) -> str:
    return reverse("partnerships:meeting-detail",
                   kwargs={"convener_slug": meeting.council.partnership.convener.slug, "meeting_id": meeting.pk})


def _owner_choices(convener: Any, partnership: Partnership) -> tuple[list[Representative], list[Any]]:
    """Who can own an action item: the partnership's council representatives and the workspace's members."""
    representatives = list(
        Representative.objects.for_convener(convener)
        .filter(is_active=True, seats__council__partnership=partnership, seats__left_on__isnull=True)
        .select_related("organization").distinct().order_by("full_name")
    )
    return representatives, list(tenant_users(convener))


# ---------------------------------------------------------------------------
# Seats
# ---------------------------------------------------------------------------
class SeatCreateView(TenantView):
    """Seat an organization on a council. The partnership page shows this form inline; errors land here."""

    template_name = "partnerships/seat_form.html"
    permissions = {"GET": Action.COUNCIL_MANAGE, "POST": Action.COUNCIL_MANAGE}
    tenant_model = Council

    def get(self, request: HttpRequest, council_id: int) -> HttpResponse:
        council = selectors.council_get(convener=self.convener, membership=self.membership, council_id=council_id)
        form = SeatForm(convener=self.convener, council=council, initial={"joined_on": timezone.localdate()})
        return render(request, self.template_name, self.get_context_data(form=form, council=council))

    def post(self, request: HttpRequest, council_id: int) -> HttpResponse:
        council = selectors.council_get(convener=self.convener, membership=self.membership, council_id=council_id)
        form = SeatForm(request.POST, convener=self.convener, council=council)
        if form.is_valid():
            try:
                seat = services.council_seat_add(
                    convener=self.convener, actor=request.user, council=council,  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{seat.organization.name} now has a seat on the "
                                          f"{council.get_kind_display().lower()}.")
                return redirect(council.partnership.get_absolute_url() + f"#council-{council.kind}")
        return render(request, self.template_name, self.get_context_data(form=form, council=council), status=400)


class SeatEditView(TenantView):
    """Change a seat's role and people, or end it."""

    template_name = "partnerships/seat_edit.html"
    permissions = {"GET": Action.COUNCIL_MANAGE, "POST": Action.COUNCIL_MANAGE}
    tenant_model = CouncilSeat

    def get(self, request: HttpRequest, councilseat_id: int) -> HttpResponse:
        seat = selectors.seat_get(convener=self.convener, seat_id=councilseat_id)
        return render(request, self.template_name, self.get_context_data(form=SeatUpdateForm(seat=seat), seat=seat))

    def post(self, request: HttpRequest, councilseat_id: int) -> HttpResponse:
        seat = selectors.seat_get(convener=self.convener, seat_id=councilseat_id)
        form = SeatUpdateForm(request.POST, seat=seat)
        if form.is_valid():
            try:
                services.council_seat_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                             seat=seat, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                ended = form.cleaned_data["left_on"]
                messages.success(request, f"{seat.organization.name}'s seat "
                                          + (f"ends on {ended:%b %d, %Y}." if ended else "was saved."))
                return redirect(seat.council.partnership.get_absolute_url() + f"#council-{seat.council.kind}")
        return render(request, self.template_name, self.get_context_data(form=form, seat=seat), status=400)


# ---------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------
class MeetingListView(TenantViewMixin, TemplateView):
    """Upcoming and past meetings of every council the member may see."""

    template_name = "partnerships/meeting_list.html"
    permissions = {"GET": Action.MEETING_VIEW}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        convener, membership = self.convener, self.membership
        partnerships = list(selectors.partnership_list(convener=convener, membership=membership))
        chosen = self.request.GET.get("partnership", "")
        partnership = next((p for p in partnerships if str(p.pk) == chosen), None)
        upcoming = selectors.meeting_list(convener=convener, membership=membership, partnership=partnership,
                                          upcoming=True)
        past = selectors.meeting_list(convener=convener, membership=membership, partnership=partnership,
                                      upcoming=False)
        context.update(
            partnerships=partnerships, partnership=partnership,
            upcoming=list(upcoming[:50]),
            past=Paginator(past, PAGE_SIZE).get_page(self.request.GET.get("page")),
        )
        return context


class MeetingCreateView(TenantView):
    template_name = "partnerships/meeting_form.html"
    permissions = {"GET": Action.MEETING_MANAGE, "POST": Action.MEETING_MANAGE}
    tenant_model = Partnership

    def _councils(self, partnership_id: int) -> tuple[Partnership, list[Council]]:
        partnership = selectors.partnership_get(convener=self.convener, membership=self.membership,
                                                partnership_id=partnership_id)
        return partnership, list(Council.objects.for_convener(self.convener).filter(partnership=partnership)
                                 .order_by("kind"))

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership, councils = self._councils(partnership_id)
        chosen = request.GET.get("council", "")
        start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=14)
        initial = {
            "council": next((c.pk for c in councils if str(c.pk) == chosen), councils[0].pk if councils else None),
            "starts_at": start, "ends_at": start + timedelta(hours=1, minutes=30),
        }
        form = MeetingForm(councils=councils, initial=initial)
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership))

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership, councils = self._councils(partnership_id)
        form = MeetingForm(request.POST, councils=councils)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k == "title"}
            try:
                meeting = services.meeting_schedule(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                                    **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{meeting.title} is scheduled for "
                                          f"{timezone.localtime(meeting.starts_at):%A %b %d, %Y at %I:%M %p}.")
                return redirect(meeting_url(meeting))
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership),
                      status=400)


class _MeetingView(TenantView):
    tenant_model = Meeting

    def meeting(self, meeting_id: int) -> Meeting:
        return selectors.meeting_get(convener=self.convener, membership=self.membership, meeting_id=meeting_id)


def _attendance_sheet(convener: Any, meeting: Meeting) -> tuple[list[dict[str, Any]], set[int], set[int]]:
    """The seats on the meeting date, each with its people, and who was recorded present: 3 queries."""
    attendance = list(selectors.meeting_attendance(convener=convener, meeting=meeting))
    present_people = {a.representative_id for a in attendance if a.present and a.representative_id}
    present_orgs = {a.organization_id for a in attendance if a.present and not a.representative_id}
    extra: dict[int, list[Representative]] = {}
    for a in attendance:
        if a.representative is not None:
            extra.setdefault(a.organization_id, []).append(a.representative)
    rows = []
    for seat in selectors.meeting_seats(convener=convener, meeting=meeting):
        people = {r.pk: r for r in seat.representatives.all()}
        # People who came, or marked themselves present, without being named on the seat.
        people.update({r.pk: r for r in extra.get(seat.organization_id, [])})
        rows.append({"seat": seat, "organization": seat.organization,
                     "people": sorted(people.values(), key=lambda r: r.full_name)})
    return rows, present_people, present_orgs


class MeetingDetailView(_MeetingView):
    template_name = "partnerships/meeting_detail.html"
    permissions = {"GET": Action.MEETING_VIEW}

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        return render(request, self.template_name, self.context_for(meeting))

    def context_for(self, meeting: Meeting, **extra: Any) -> dict[str, Any]:
        convener, membership = self.convener, self.membership
        partnership = meeting.council.partnership
        context: dict[str, Any] = {"meeting": meeting, "partnership": partnership,
                                   "is_convener": membership.role in CONVENER_ROLES,
                                   "has_started": meeting.starts_at <= timezone.now()}
        if membership.role in CONVENER_ROLES:
            rows, present_people, present_orgs = _attendance_sheet(convener, meeting)
            context.update(sheet=rows, present_people=present_people, present_orgs=present_orgs,
                           organizations_present=len(present_orgs | {
                               p.organization_id for row in rows for p in row["people"] if p.pk in present_people}))
        else:
            context["attendance"] = list(
                selectors.meeting_attendance(convener=convener, meeting=meeting).filter(present=True))
        if can(membership, Action.ATTENDANCE_MARK_OWN):
            context["my_attendance"] = _my_attendance(self, [meeting]).get(meeting.pk)
            context["my_seat"] = CouncilSeat.objects.for_convener(convener).filter(
                council_id=meeting.council_id, organization_id=membership.organization_id, left_on__isnull=True,
            ).exists()
        context["action_items"] = list(selectors.action_item_list(convener=convener, membership=membership,
                                                                  meeting=meeting))
        if can(membership, Action.ACTION_ITEM_MANAGE) and "action_item_form" not in extra:
            representatives, users = _owner_choices(convener, partnership)
            context["action_item_form"] = ActionItemForm(
                representatives=representatives, users=users,
                initial={"due_on": timezone.localdate(meeting.starts_at) + timedelta(days=14)})
        context["status_choices"] = ActionItem.Status.choices
        context.update(extra)
        return self.get_context_data(**context)


def _my_attendance(view: TenantView, meetings: list[Meeting]) -> dict[int, bool]:
    """For each meeting, whether the signed-in person is recorded present (missing: nothing recorded)."""
    rows = MeetingAttendance.objects.for_convener(view.convener).filter(
        meeting_id__in=[m.pk for m in meetings], representative__user=view.request.user,
    ).values_list("meeting_id", "present")
    return dict(rows)


class MeetingEditView(_MeetingView):
    """Reschedule, change status, and keep minutes and decisions."""

    template_name = "partnerships/meeting_edit.html"
    permissions = {"GET": Action.MEETING_MANAGE, "POST": Action.MEETING_MANAGE}

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        return render(request, self.template_name, self.get_context_data(
            form=MeetingUpdateForm.for_meeting(meeting), meeting=meeting))

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        form = MeetingUpdateForm.for_meeting(meeting, data=request.POST)
        if form.is_valid():
            try:
                services.meeting_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                        meeting=meeting, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                meeting = self.meeting(meeting_id)
            else:
                messages.success(request, f"Saved {meeting.title}.")
                return redirect(meeting_url(meeting))
        return render(request, self.template_name, self.get_context_data(form=form, meeting=meeting), status=400)


def _ids(values: list[str]) -> list[int] | None:
    return [int(v) for v in values] if all(v.isdigit() for v in values) else None


class MeetingAttendanceView(_MeetingView):
    """The attendance sheet: a checkbox per representative, and per organization with no named person."""

    template_name = "partnerships/meeting_attendance.html"
    permissions = {"GET": Action.MEETING_MANAGE, "POST": Action.MEETING_MANAGE}

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        return render(request, self.template_name, self._context(meeting))

    def _context(self, meeting: Meeting, **extra: Any) -> dict[str, Any]:
        rows, present_people, present_orgs = _attendance_sheet(self.convener, meeting)
        return self.get_context_data(meeting=meeting, sheet=rows, present_people=present_people,
                                     present_orgs=present_orgs, **extra)

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        person_ids = _ids(request.POST.getlist("representatives"))
        org_ids = _ids(request.POST.getlist("organizations"))
        error = None
        if person_ids is None or org_ids is None:
            error = "The attendance sheet was not understood. Reload the page and tick the boxes again."
        else:
            people = list(Representative.objects.for_convener(self.convener).filter(pk__in=person_ids))
            organizations = list(Organization.objects.for_convener(self.convener).filter(pk__in=org_ids))
            if len(people) != len(set(person_ids)) or len(organizations) != len(set(org_ids)):
                error = "Some of the people or organizations ticked are not on this council."
            else:
                try:
                    services.meeting_record_attendance(
                        convener=self.convener, actor=request.user, meeting=meeting,  # type: ignore[arg-type]
                        present_representatives=people, present_organizations=organizations,
                    )
                except ValidationError as exc:
                    error = " ".join(exc.messages)
        if error:
            return render(request, self.template_name, self._context(meeting, error=error), status=400)
        present = len({p.organization_id for p in people} | {o.pk for o in organizations})
        messages.success(request, f"Attendance saved: {present} organization{'s' if present != 1 else ''} "
                                  f"and {len(people)} {'person' if len(people) == 1 else 'people'} present.")
        return redirect(meeting_url(meeting) + "#attendance")


class MeetingMarkOwnAttendanceView(_MeetingView):
    """An employer representative or case manager says "I attended" or "I did not attend"."""

    permissions = {"POST": Action.ATTENDANCE_MARK_OWN}

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        present = request.POST.get("present")
        if present not in ("yes", "no"):
            messages.error(request, "Choose whether you attended.")
            return redirect(_safe_next(request, meeting_url(meeting)))
        try:
            services.attendance_mark_own(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                         membership=self.membership, meeting=meeting, present=present == "yes")
        except ValidationError as exc:
            if _is_htmx(request):
                return self._button(request, meeting, None, status=400, error=" ".join(exc.messages))
            messages.error(request, " ".join(exc.messages))
            return redirect(_safe_next(request, meeting_url(meeting)))
        if _is_htmx(request):
            return self._button(request, meeting, present == "yes")
        messages.success(request, f"Recorded: you {'attended' if present == 'yes' else 'did not attend'} "
                                  f"{meeting.title}.")
        return redirect(_safe_next(request, meeting_url(meeting)))

    def _button(self, request: HttpRequest, meeting: Meeting, present: bool | None, status: int = 200,
                error: str = "") -> HttpResponse:
        html = render_to_string("partnerships/_attendance_mine.html",
                                {"meeting": meeting, "my_attendance": present, "convener": self.convener,
                                 "next": request.POST.get("next", ""), "error": error}, request=request)
        return HttpResponse(html, status=status)


class MeetingCalendarView(_MeetingView):
    """The meeting as an iCalendar file, to add to any calendar."""

    permissions = {"GET": Action.MEETING_VIEW}

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        body = meeting_ics(meeting, url=request.build_absolute_uri(meeting_url(meeting)))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        filename = (slugify(meeting.title) or "meeting") + f"-{timezone.localdate(meeting.starts_at):%Y-%m-%d}.ics"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# ---------------------------------------------------------------------------
# Action items
# ---------------------------------------------------------------------------
class MeetingActionItemCreateView(MeetingDetailView):
    """Add an action item that came out of a meeting. Errors re-render the meeting page with the form."""

    permissions = {"GET": Action.ACTION_ITEM_MANAGE, "POST": Action.ACTION_ITEM_MANAGE}

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        return redirect(meeting_url(self.meeting(meeting_id)) + "#action-items")

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = self.meeting(meeting_id)
        partnership = meeting.council.partnership
        representatives, users = _owner_choices(self.convener, partnership)
        form = ActionItemForm(request.POST, representatives=representatives, users=users)
        if form.is_valid():
            try:
                item = services.action_item_create(
                    convener=self.convener, actor=request.user, partnership=partnership,  # type: ignore[arg-type]
                    meeting=meeting, **form.service_kwargs(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Action item added: {item.title} (due {item.due_on:%b %d, %Y}).")
                return redirect(meeting_url(meeting) + "#action-items")
        response = render(request, self.template_name, self.context_for(meeting, action_item_form=form), status=400)
        return response


class ActionItemCreateView(TenantView):
    """An action item of the partnership that did not come from a meeting."""

    template_name = "partnerships/action_item_form.html"
    permissions = {"GET": Action.ACTION_ITEM_MANAGE, "POST": Action.ACTION_ITEM_MANAGE}
    tenant_model = Partnership

    def _partnership(self, partnership_id: int) -> Partnership:
        return selectors.partnership_get(convener=self.convener, membership=self.membership,
                                         partnership_id=partnership_id)

    def get(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        representatives, users = _owner_choices(self.convener, partnership)
        form = ActionItemForm(representatives=representatives, users=users,
                              initial={"due_on": timezone.localdate() + timedelta(days=14)})
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership))

    def post(self, request: HttpRequest, partnership_id: int) -> HttpResponse:
        partnership = self._partnership(partnership_id)
        representatives, users = _owner_choices(self.convener, partnership)
        form = ActionItemForm(request.POST, representatives=representatives, users=users)
        if form.is_valid():
            try:
                item = services.action_item_create(
                    convener=self.convener, actor=request.user, partnership=partnership,  # type: ignore[arg-type]
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Action item added: {item.title}.")
                return redirect(reverse("partnerships:partnership-action-items", kwargs={
                    "convener_slug": self.convener.slug, "partnership_id": partnership.pk}))
        return render(request, self.template_name, self.get_context_data(form=form, partnership=partnership),
                      status=400)


class ActionItemListView(TenantViewMixin, TemplateView):
    """Action items across the workspace, or across one partnership, with filters."""

    template_name = "partnerships/action_item_list.html"
    permissions = {"GET": Action.ACTION_ITEM_VIEW}
    tenant_model = Partnership

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        convener, membership = self.convener, self.membership
        partnerships = list(selectors.partnership_list(convener=convener, membership=membership))
        partnership = None
        if "partnership_id" in kwargs:
            partnership = selectors.partnership_get(convener=convener, membership=membership,
                                                    partnership_id=kwargs["partnership_id"])
        filters = ActionItemFilterForm(self.request.GET)
        filters.fields["partnership"].choices = [("", "All partnerships")] + [  # type: ignore[attr-defined]
            (p.pk, p.name) for p in partnerships]
        scope = selectors.action_item_list(convener=convener, membership=membership, partnership=partnership)
        owners = _owner_filter_choices(scope, self.request.user)
        filters.fields["owner"].choices = owners  # type: ignore[attr-defined]
        filters.is_valid()  # a bad value drops that one filter; the valid ones still apply
        cleaned: dict[str, Any] = filters.cleaned_data
        if partnership is None and cleaned.get("partnership"):
            partnership = next((p for p in partnerships if p.pk == cleaned["partnership"]), None)
        items = selectors.action_item_list(
            convener=convener, membership=membership, partnership=partnership,
            status=cleaned.get("status") or None, overdue=bool(cleaned.get("overdue")),
        )
        items = _filter_owner(items, cleaned.get("owner") or "", self.request.user)
        context.update(
            partnership=partnership, partnerships=partnerships, filters=filters,
            items=Paginator(items, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status_choices=ActionItem.Status.choices, today=timezone.localdate(),
            filtered=any(cleaned.get(k) for k in ("status", "overdue", "owner")),
        )
        return context


def _owner_filter_choices(scope: QuerySet[ActionItem], user: Any) -> list[Any]:
    """"Me", "Unassigned", then the people who own items in scope (2 queries)."""
    reps = {(r["owner_representative_id"], r["owner_representative__full_name"])
            for r in scope.filter(owner_representative__isnull=False)
            .values("owner_representative_id", "owner_representative__full_name")}
    users = {(u["owner_user_id"], u["owner_user__full_name"] or u["owner_user__email"])
             for u in scope.filter(owner_user__isnull=False)
             .values("owner_user_id", "owner_user__full_name", "owner_user__email")}
    people = [(f"user:{pk}", name) for pk, name in users] + [(f"rep:{pk}", name) for pk, name in reps]
    return [("", "Anyone"), ("me", "Me"), ("none", "Unassigned"), *sorted(people, key=lambda c: c[1].lower())]


def _filter_owner(items: QuerySet[ActionItem], owner: str, user: Any) -> QuerySet[ActionItem]:
    kind, _, pk = owner.partition(":")
    if owner == "me":
        return items.filter(Q(owner_user=user) | Q(owner_representative__user=user))
    if owner == "none":
        return items.filter(owner_user__isnull=True, owner_representative__isnull=True)
    if kind == "user" and pk.isdigit():
        return items.filter(owner_user_id=int(pk))
    if kind == "rep" and pk.isdigit():
        return items.filter(owner_representative_id=int(pk))
    return items


class ActionItemStatusView(TenantView):
    """Change an action item's status inline: htmx swaps the row, a plain form post comes back to the list."""

    permissions = {"POST": Action.ACTION_ITEM_MANAGE}
    tenant_model = ActionItem

    def post(self, request: HttpRequest, actionitem_id: int) -> HttpResponse:
        item = selectors.action_item_get(convener=self.convener, membership=self.membership,
                                         action_item_id=actionitem_id)
        form = ActionItemStatusForm(request.POST)
        error = None
        if not form.is_valid():
            error = "Choose a status from the list."
        else:
            try:
                item = services.action_item_update(convener=self.convener, actor=request.user,  # type: ignore[arg-type]
                                                   item=item, status=form.cleaned_data["status"])
            except ValidationError as exc:
                error = " ".join(exc.messages)
                item.refresh_from_db()
        fallback = reverse("partnerships:action-item-list", kwargs={"convener_slug": self.convener.slug})
        if _is_htmx(request):
            html = render_to_string("partnerships/_action_item_status.html", {
                "item": item, "convener": self.convener,
                "status_choices": ActionItem.Status.choices, "today": timezone.localdate(),
                "error": error, "saved": error is None, "next": request.POST.get("next", ""),
            }, request=request)
            return HttpResponse(html, status=400 if error else 200)
        if error:
            messages.error(request, f"{item.title}: {error}")
            return redirect(_safe_next(request, fallback))
        messages.success(request, f"{item.title}: {item.get_status_display().lower()}.")
        return redirect(_safe_next(request, fallback))

