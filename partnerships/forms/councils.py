"""Forms for councils: seats, meetings, attendance and action items. Choices are scoped to the tenant."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from partnerships.forms.directory import DATE_INPUT
from partnerships.forms.fields import CalendarDateField, CalendarDateTimeField
from partnerships.models import (
    ActionItem,
    Convener,
    Council,
    CouncilSeat,
    Meeting,
    Organization,
    Representative,
    User,
)
from partnerships.services.councils import COUNCIL_ORGANIZATION_TYPES

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TaggedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose options carry ``data-org``, so the page can show only the chosen organization's people."""

    def __init__(self, *args: Any, option_org: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_org = option_org or {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        org_id = self.option_org.get(str(value))
        if org_id is not None:
            option["attrs"]["data-org"] = str(org_id)
        return option


class SeatForm(forms.Form):
    """Seat an organization on a council. Only the tenant's organizations of the council's types are offered."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label="Choose an organization…",
        error_messages={"invalid_choice": "Choose an organization of this workspace that can sit on this council."},
    )
    seat_role = forms.ChoiceField(choices=CouncilSeat.SeatRole.choices, initial=CouncilSeat.SeatRole.MEMBER)
    joined_on = CalendarDateField(label="Joined on", widget=DATE_INPUT)
    representatives = forms.ModelMultipleChoiceField(
        queryset=Representative.objects.none(), required=False,
        help_text="The people who speak for the organization on this council.",
        error_messages={"invalid_choice": "Choose people of the organization being seated."},
    )

    def __init__(self, *args: Any, convener: Convener, council: Council,
                 organizations: Sequence[Organization] | None = None,
                 representatives: Sequence[Representative] | None = None, **kwargs: Any) -> None:
        """``organizations`` and ``representatives``: the tenant's rows, already fetched (a page with two
        councils shares one fetch); fetched here when not given."""
        kwargs["prefix"] = kwargs.get("prefix") or f"council{council.pk}"
        super().__init__(*args, **kwargs)
        self.council = council
        allowed = COUNCIL_ORGANIZATION_TYPES[council.kind]
        org_field: forms.ModelChoiceField = self.fields["organization"]  # type: ignore[assignment]
        rep_field: forms.ModelMultipleChoiceField = self.fields["representatives"]  # type: ignore[assignment]
        # Validation runs against every organization and person of the tenant, so that a wrong-type pick gets
        # the service's explanation; the options offered are only the allowed ones.
        org_field.queryset = Organization.objects.for_convener(convener).order_by("name")
        rep_field.queryset = Representative.objects.for_convener(convener).filter(is_active=True)
        if organizations is None:
            organizations = list(org_field.queryset.filter(org_type__in=allowed))
        if representatives is None:
            representatives = list(
                rep_field.queryset.select_related("organization").order_by("organization__name", "full_name")
            )
        offered = [o for o in organizations if o.org_type in allowed]
        offered_ids = {o.pk for o in offered}
        org_field.widget.choices = [("", "Choose an organization…")] + [
            (o.pk, f"{o.name} — {o.get_org_type_display()}") for o in offered
        ]
        people = [r for r in representatives if r.organization_id in offered_ids]
        rep_field.widget = TaggedCheckboxes(option_org={str(r.pk): r.organization_id for r in people})
        rep_field.widget.choices = [(r.pk, f"{r.full_name} ({r.organization.name})") for r in people]
        self.fields["organization"].widget.attrs["data-seat-organization"] = "true"
        self.offered_count = len(offered)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Representative) -> str:  # type: ignore[override]
        return obj.full_name + (f", {obj.title}" if obj.title else "")


class SeatUpdateForm(forms.Form):
    seat_role = forms.ChoiceField(choices=CouncilSeat.SeatRole.choices)
    representatives = PeopleField(
        queryset=Representative.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    left_on = CalendarDateField(
        label="Left the council on", required=False, widget=DATE_INPUT,
        help_text="Set this to end the seat. The seat stays in the council's history.",
    )

    def __init__(self, *args: Any, seat: CouncilSeat, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelMultipleChoiceField = self.fields["representatives"]  # type: ignore[assignment]
        field.queryset = Representative.objects.for_convener(seat.convener_id).filter(
            organization_id=seat.organization_id
        ).order_by("full_name")
        if not self.is_bound:
            self.initial = {"seat_role": seat.seat_role, "left_on": seat.left_on,
                            "representatives": [r.pk for r in seat.representatives.all()]}


class MeetingForm(forms.Form):
    council = forms.ModelChoiceField(queryset=Council.objects.none(), empty_label=None)
    title = forms.CharField(max_length=200)
    starts_at = CalendarDateTimeField(label="Starts", widget=DATETIME_INPUT)
    ends_at = CalendarDateTimeField(label="Ends", widget=DATETIME_INPUT, required=False,
                                  help_text="Left blank: an hour and a half after the start.")
    location = forms.CharField(label="Place", required=False, max_length=200,
                               help_text="Room and address, if people meet in person.")
    online_link = forms.URLField(label="Online link", required=False, assume_scheme="https")
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, councils: Iterable[Council], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        councils = list(councils)
        field: forms.ModelChoiceField = self.fields["council"]  # type: ignore[assignment]
        field.queryset = Council.objects.for_convener(councils[0].convener_id).filter(
            pk__in=[c.pk for c in councils]
        ) if councils else Council.objects.none()
        field.widget.choices = [(c.pk, c.get_kind_display()) for c in councils]


class MeetingUpdateForm(forms.Form):
    title = forms.CharField(max_length=200)
    status = forms.ChoiceField(choices=Meeting.Status.choices)
    starts_at = CalendarDateTimeField(label="Starts", widget=DATETIME_INPUT)
    ends_at = CalendarDateTimeField(label="Ends", widget=DATETIME_INPUT)
    location = forms.CharField(label="Place", required=False, max_length=200)
    online_link = forms.URLField(label="Online link", required=False, assume_scheme="https")
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="One decision per line.")

    @classmethod
    def for_meeting(cls, meeting: Meeting, data: Any = None) -> MeetingUpdateForm:
        from django.utils import timezone

        initial: dict[str, Any] = {f: getattr(meeting, f) for f in (
            "title", "status", "location", "online_link", "agenda", "minutes", "decisions")}
        initial["starts_at"] = timezone.localtime(meeting.starts_at)
        initial["ends_at"] = timezone.localtime(meeting.ends_at)
        return cls(data=data, initial=initial)


class OwnerField(forms.ChoiceField):
    """One select for an action item's owner: a representative ("rep:ID") or a workspace member ("user:ID")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners: dict[str, Representative | User] = {}

    def set_owners(self, representatives: Iterable[Representative], users: Iterable[User]) -> None:
        reps = list(representatives)
        people = list(users)
        self.owners = {f"rep:{r.pk}": r for r in reps} | {f"user:{u.pk}": u for u in people}
        self.choices = [
            ("", "Unassigned"),
            ("Workspace members", [(f"user:{u.pk}", u.get_full_name()) for u in people]),
            ("Council representatives", [(f"rep:{r.pk}", f"{r.full_name} ({r.organization.name})") for r in reps]),
        ]

    def owner_kwargs(self, value: str) -> dict[str, Any]:
        owner = self.owners.get(value)
        return {
            "owner_representative": owner if isinstance(owner, Representative) else None,
            "owner_user": owner if isinstance(owner, User) else None,
        }


class ActionItemForm(forms.Form):
    title = forms.CharField(max_length=200, label="Action")
    owner = OwnerField(required=False)
    due_on = CalendarDateField(label="Due", widget=DATE_INPUT)
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, representatives: Iterable[Representative], users: Iterable[User],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: OwnerField = self.fields["owner"]  # type: ignore[assignment]
        owner.set_owners(representatives, users)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        owner: OwnerField = self.fields["owner"]  # type: ignore[assignment]
        return {**{k: data[k] for k in ("title", "due_on", "details")}, **owner.owner_kwargs(data["owner"])}


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class ActionItemFilterForm(forms.Form):
    """The list's filters; bad values are dropped rather than refused (it is a GET form)."""

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), ("open", "Open or in progress"),
                                                        *ActionItem.Status.choices])
    overdue = forms.BooleanField(required=False, label="Overdue only")
    owner = forms.ChoiceField(required=False)
    partnership = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "owner", "partnership"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
