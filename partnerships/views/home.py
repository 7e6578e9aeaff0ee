"""Each role's front door. The convener's is a dashboard whose query count does not grow with the tenant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from partnerships import selectors
from partnerships.models import Meeting
from partnerships.permissions import Action, can
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.tenant_views import TenantViewMixin

DASHBOARD_ROWS = 6
RECENT_DAYS = 14  # a council member's home keeps a meeting this long after it, to mark attendance


class HomeView(TenantViewMixin, TemplateView):
    """Each role's front door: what it can do here, and the few things it needs to act on."""

    page_cache = True  # kept per reader until anything is written (partnerships/page_cache.py)
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
            "partnerships": selectors.partnerships_with_counts(convener=convener, membership=membership),
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
        mine = selectors.own_attendance(convener=self.convener, user=self.request.user,  # type: ignore[arg-type]
                                        meeting_ids=[m.pk for m in meetings])
        for meeting in meetings:
            meeting.my_attendance = mine.get(meeting.pk)  # type: ignore[attr-defined]
            meeting.has_started = meeting.starts_at <= now  # type: ignore[attr-defined]
        return {"my_meetings": meetings, "marks_own": can(self.membership, Action.ATTENDANCE_MARK_OWN)}
