"""Date fields for every HTML form: the years 1900 to 2199, as the API's CalendarDateField allows.

Outside them, the services' date arithmetic overflows (a cohort's sessions laid out from 9999-12-31) and times
before 1900 come back with a local mean time offset. A date out of range is a form error with a clear message,
and the browser's date picker is bounded the same way (``min``/``max`` on the input).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import Widget

from partnerships.api.serializers import CALENDAR_YEARS

FIRST, LAST = CALENDAR_YEARS[0], CALENDAR_YEARS[-1]


class _InCalendar(forms.Field):
    """The year check and the picker's bounds, shared by the date and the date-and-time field."""

    what = "a date"
    bounds = (f"{FIRST}-01-01", f"{LAST}-12-31")

    def to_python(self, value: Any) -> Any:
        parsed = super().to_python(value)
        if parsed is not None and parsed.year not in CALENDAR_YEARS:
            raise forms.ValidationError(f"Give {self.what} between {FIRST} and {LAST}.", code="out_of_range")
        return parsed

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": self.bounds[0], "max": self.bounds[1]}


class CalendarDateField(_InCalendar, forms.DateField):
    pass


class CalendarDateTimeField(_InCalendar, forms.DateTimeField):
    what = "a date and time"
    bounds = (f"{FIRST}-01-01T00:00", f"{LAST}-12-31T23:59")
