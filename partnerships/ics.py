"""iCalendar (RFC 5545) files for meetings, built with the ``icalendar`` library."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from partnerships.models import Meeting


def meeting_ics(meeting: Meeting, *, url: str = "") -> bytes:
    """One VEVENT for the meeting. No participant data: council meetings only carry the agenda."""
    cal = Calendar()
    cal.add("prodid", "-//Partnership Portal//Council meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "partnership-portal"
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.title} — {meeting.council}")
    where = meeting.location or meeting.online_link
    if where:
        event.add("location", where)
    description = meeting.agenda or ""
    if meeting.online_link:
        description = f"Join online: {meeting.online_link}\n\n{description}"
    if url:
        description = f"{description}\n\nIn the portal: {url}".strip()
        event.add("url", url)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
