"""Date fields for every HTML form: the years 1900 to 2199, as the API's CalendarDateField allows.

Outside them, the services' date arithmetic overflows (a cohort's sessions laid out from 9999-12-31) and times
before 1900 come back with a local mean time offset. A date out of range is a form error with a clear message,
and the browser's date picker is bounded the same way (``min``/``max`` on the input).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.forms import Widget

from partnerships.api.serializers import CALENDAR_YEARS

FIRST, LAST = CALENDAR_YEARS[0], CALENDAR_YEARS[-1]


class CalendarDateField(forms.DateField):
    default_error_messages = {"out_of_range": f"Give a date between {FIRST} and {LAST}."}

    def to_python(self, value: Any) -> date | None:
        parsed = super().to_python(value)
        if parsed is not None and parsed.year not in CALENDAR_YEARS:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return parsed

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": f"{FIRST}-01-01", "max": f"{LAST}-12-31"}


class CalendarDateTimeField(forms.DateTimeField):
    default_error_messages = {"out_of_range": f"Give a date and time between {FIRST} and {LAST}."}

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is not None and parsed.year not in CALENDAR_YEARS:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return parsed

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": f"{FIRST}-01-01T00:00", "max": f"{LAST}-12-31T23:59"}
