"""Each role's front door. The convener's is a dashboard whose query count does not grow with the tenant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.generic import TemplateView

from partnerships import selectors
from partnerships.models import (
    ActionItem,
    Convener,
    Council,
    CouncilSeat,
    EmployerEngagement,
    Meeting,
    MeetingAttendance,
    Membership,
    Partnership,
)
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.tenant_views import TenantViewMixin

DASHBOARD_ROWS = 6
RECENT_DAYS = 14  # a council member's home keeps a meeting this long after it, to mark attendance


def _count_per_partnership(qs: QuerySet[Any], partnership_path: str) -> Coalesce:
    """A correlated COUNT(*) of ``qs`` rows whose ``partnership_path`` is the outer partnership."""
    grouped = (
        qs.filter(**{partnership_path: OuterRef("pk")})
        .order_by()
        .values(partnership_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(grouped, output_field=IntegerField()), 0)


def partnerships_with_counts(*, convener: Convener, membership: Membership) -> QuerySet[Partnership]:
    """The partnerships of the dashboard, each with its council and follow-up counts: one query."""
    today = timezone.localdate()
    seats = CouncilSeat.objects.for_convener(convener).filter(left_on__isnull=True)
    open_items = ActionItem.objects.for_convener(convener).filter(
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
    return selectors.partnership_list(convener=convener, membership=membership).annotate(
        employer_count=_count_per_partnership(seats.filter(council__kind=Council.Kind.INDUSTRY),
                                              "council__partnership"),
        partner_count=_count_per_partnership(seats.filter(council__kind=Council.Kind.WORKFORCE),
                                             "council__partnership"),
        upcoming_count=_count_per_partnership(
            Meeting.objects.for_convener(convener).filter(starts_at__gte=timezone.now(),
                                                          status=Meeting.Status.SCHEDULED),
            "council__partnership"),
        overdue_count=_count_per_partnership(open_items.filter(due_on__lt=today), "partnership"),
        drifting_count=_count_per_partnership(
            EmployerEngagement.objects.for_convener(convener).filter(is_drifting=True,
                                                                     council__kind=Council.Kind.INDUSTRY),
            "council__partnership"),
    )


class HomeView(TenantViewMixin, TemplateView):
    """Each role's front door: what it can do here, and the few things it needs to act on."""

    permissions = {"GET": Action.HOME_VIEW}

    def get_template_names(self) -> list[str]:
        return [f"partnerships/home/{self.membership.role}.html", "partnerships/home/base_home.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        convener, membership = self.convener, self.membership
        if membership.role in CONVENER_ROLES:
            context.update(self._dashboard())
        else:
            context["partnerships"] = selectors.partnership_list(convener=convener, membership=membership)
        if membership.role == Role.CONVENER_ADMIN:
            context["recent_events"] = selectors.audit_event_list(convener=convener)[:6]
        if membership.role not in CONVENER_ROLES and can(membership, Action.MEETING_VIEW):
            context.update(self._my_meetings())
        return context

    def _dashboard(self) -> dict[str, Any]:
        convener, membership = self.convener, self.membership
        today = timezone.localdate()
        overdue = selectors.action_item_list(convener=convener, membership=membership, overdue=True, today=today)
        drifting = selectors.engagement_list(convener=convener, drifting=True)
        return {
            "counts": selectors.tenant_counts(convener=convener),
            "partnerships": partnerships_with_counts(convener=convener, membership=membership),
            "upcoming_meetings": selectors.meeting_list(convener=convener, membership=membership,
                                                        upcoming=True)[:DASHBOARD_ROWS],
            "overdue_items": overdue[:DASHBOARD_ROWS],
            "overdue_total": overdue.count(),
            "drifting": drifting[:DASHBOARD_ROWS],
            "drifting_total": drifting.count(),
            "today": today,
        }

    def _my_meetings(self) -> dict[str, Any]:
        """A council member's meetings: the coming ones, and recent ones whose attendance they can mark."""
        now = timezone.now()
        meetings = list(
            selectors.meeting_list(convener=self.convener, membership=self.membership)
            .filter(starts_at__gte=now - timedelta(days=RECENT_DAYS))
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")[:10]
        )
        mine = dict(
            MeetingAttendance.objects.for_convener(self.convener)
            .filter(meeting_id__in=[m.pk for m in meetings], representative__user=self.request.user)
            .values_list("meeting_id", "present")
        )
        for meeting in meetings:
            meeting.my_attendance = mine.get(meeting.pk)  # type: ignore[attr-defined]
            meeting.has_started = meeting.starts_at <= now  # type: ignore[attr-defined]
        return {"my_meetings": meetings, "marks_own": can(self.membership, Action.ATTENDANCE_MARK_OWN)}
