"""Writes for employer demand: survey cycles, skill needs, and requesting an aggregation run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from employers.models import (
    Competency,
    CredentialType,
    DemandRun,
    DemandSurvey,
    Occupation,
    Skill,
    SkillNeed,
    SkillNeedCredential,
    SkillNeedQuarter,
    SurveyInvitation,
)
from partnerships.audit import audit_record
from partnerships.models import Convener, Council, CouncilSeat, Membership, Organization, Partnership, User
from partnerships.roles import CONVENER_ROLES, OrganizationType, Role

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
AGGREGATION_DEBOUNCE_SECONDS = 20


def quarters_from(start: str, count: int) -> list[str]:
    """["2027Q1", "2027Q2", ...]: ``count`` consecutive quarters from ``start``."""
    match = QUARTER.match(start or "")
    if not match:
        raise ValidationError({"quarters": ["Write quarters like 2027Q1."]})
    year, q = int(match.group(1)), int(match.group(2))
    out = []
    for _ in range(count):
        out.append(f"{year}Q{q}")
        q += 1
        if q == 5:
            year, q = year + 1, 1
    return out


def _check_quarters(quarters: list[str]) -> None:
    if not isinstance(quarters, list) or not 4 <= len(quarters) <= 8:
        raise ValidationError({"quarters": ["A survey asks about 4 to 8 quarters."]})
    if any(not isinstance(q, str) or not QUARTER.match(q) for q in quarters):
        raise ValidationError({"quarters": ["Write quarters like 2027Q1."]})
    if quarters != quarters_from(quarters[0], len(quarters)):
        raise ValidationError({"quarters": ["The quarters must be consecutive, oldest first."]})


# ---------------------------------------------------------------------------
# Survey cycles
# ---------------------------------------------------------------------------
def survey_open(
    *, convener: Convener, actor: User | None, partnership: Partnership, title: str, opens_on: date,
    closes_on: date, quarters: list[str], reminder_every_days: int = 7,
) -> DemandSurvey:
    """Open a cycle and invite every employer currently seated on the partnership's industry council."""
    if partnership.convener_id != convener.pk:
        raise ValidationError("No such partnership.")
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Give the survey a title."]
    if closes_on < opens_on:
        errors["closes_on"] = ["The survey must close on or after the day it opens."]
    try:
        _check_quarters(quarters)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = DemandSurvey.objects.create(
            convener=convener, partnership=partnership, title=title.strip(), opens_on=opens_on, closes_on=closes_on,
            quarters=quarters, reminder_every_days=reminder_every_days, created_by=actor,
        )
        employers = (
            CouncilSeat.objects.for_convener(convener)
            .filter(council__partnership=partnership, council__kind=Council.Kind.INDUSTRY, left_on__isnull=True,
                    organization__org_type=OrganizationType.EMPLOYER)
            .values_list("organization_id", flat=True)
            .distinct()
        )
        SurveyInvitation.objects.bulk_create(
            [SurveyInvitation(convener=convener, survey=survey, organization_id=org_id) for org_id in employers]
        )
        audit_record(convener=convener, actor=actor, action="survey.open", target=survey,
                     metadata={"invited": len(employers)})
    return survey


def survey_update(*, convener: Convener, actor: User | None, survey: DemandSurvey, **fields: Any) -> DemandSurvey:
    if survey.convener_id != convener.pk:
        raise ValidationError("No such survey.")
    for key, value in fields.items():
        if key not in ("title", "opens_on", "closes_on", "reminder_every_days"):
            raise ValidationError(f"{key} cannot be changed here.")
        setattr(survey, key, value)
    if survey.closes_on < survey.opens_on:
        raise ValidationError({"closes_on": ["The survey must close on or after the day it opens."]})
    with transaction.atomic():
        survey.save()
        audit_record(convener=convener, actor=actor, action="survey.update", target=survey)
    return survey


# ---------------------------------------------------------------------------
# Skill needs
# ---------------------------------------------------------------------------
WBL_FIELDS = ("apprenticeship_slots", "internship_slots", "ojt_slots", "job_shadows", "tours", "mock_interviews",
              "guaranteed_interviews")
NEED_FIELDS = ("work_location", "min_education", "experience_months", "wage_min", "wage_max", "shift",
               "requires_background_check", "requires_drug_test", "requires_drivers_license", "notes", *WBL_FIELDS)


def _require_employer_access(*, convener: Convener, membership: Membership, employer: Organization) -> None:
    """Employer representatives act for their own employer only; convener roles for any employer."""
    if employer.convener_id != convener.pk or employer.org_type != OrganizationType.EMPLOYER:
        raise ValidationError({"employer": ["Choose an employer of this workspace."]})
    if membership.role in CONVENER_ROLES:
        return
    if membership.role != Role.EMPLOYER_REP or membership.organization_id != employer.pk:
        raise ValidationError({"employer": ["You can only enter needs for your own employer."]})


def _check_need(need: SkillNeed, quarters: dict[str, tuple[int, int]], survey: DemandSurvey) -> None:
    errors: dict[str, list[str]] = {}
    if need.wage_min is None or need.wage_max is None:
        errors["wage_min"] = ["Give the starting wage range in dollars per hour."]
    else:
        if need.wage_min <= 0:
            errors["wage_min"] = ["The starting wage must be more than $0."]
        if need.wage_min > need.wage_max:
            errors["wage_max"] = [f"The top of the range (${need.wage_max}) is below its bottom (${need.wage_min})."]
        if need.wage_max > Decimal("500"):
            errors["wage_max"] = ["Give the wage per hour, not per year."]
    for field in (*WBL_FIELDS, "experience_months"):
        if (getattr(need, field) or 0) < 0:
            errors[field] = ["Cannot be negative."]
    unknown = [q for q in quarters if q not in survey.quarters]
    if unknown:
        errors["quarters"] = [f"This survey asks about {', '.join(survey.quarters)}; not {', '.join(unknown)}."]
    negative = [q for q, (new, repl) in quarters.items() if new < 0 or repl < 0]
    if negative:
        errors["quarters"] = [f"Openings cannot be negative ({', '.join(negative)})."]
    elif sum(new + repl for new, repl in quarters.values()) == 0:
        errors["quarters"] = ["Give projected openings for at least one quarter."]
    if errors:
        raise ValidationError(errors)


def _occupation(soc_code: str | Occupation) -> Occupation:
    if isinstance(soc_code, Occupation):
        return soc_code
    code = (soc_code or "").strip()
    if re.fullmatch(r"\d{6}", code):
        code = f"{code[:2]}-{code[2:]}"
    occupation = Occupation.objects.filter(soc_code=code, level=3).first()
    if occupation is None:
        raise ValidationError({"occupation": [f"{soc_code or 'That'} is not a detailed SOC 2018 occupation. "
                                              "Search by title, e.g. “welders”."]})
    return occupation


def skill_need_save(
    *,
    convener: Convener,
    actor: User,
    membership: Membership,
    survey: DemandSurvey,
    employer: Organization,
    occupation: str | Occupation,
    quarters: dict[str, tuple[int, int]],
    skills: Iterable[Skill] = (),
    competencies: Iterable[Competency] = (),
    credentials: Iterable[tuple[str, str]] = (),
    need: SkillNeed | None = None,
    submit: bool = False,
    today: date | None = None,
    **fields: Any,
) -> SkillNeed:
    """Create or edit a need (draft), optionally submitting it. Refused for a closed survey."""
    today = today or timezone.localdate()
    if survey.convener_id != convener.pk:
        raise ValidationError("No such survey.")
    _require_employer_access(convener=convener, membership=membership, employer=employer)
    if not survey.is_open_on(today) and membership.role not in CONVENER_ROLES:
        raise ValidationError({"survey": [f"“{survey.title}” is closed ({survey.opens_on:%b %d} – "
                                          f"{survey.closes_on:%b %d, %Y}); needs can no longer be changed."]})
    if membership.role == Role.EMPLOYER_REP and not SurveyInvitation.objects.for_convener(convener).filter(
        survey=survey, organization=employer
    ).exists():
        raise ValidationError({"survey": [f"{employer.name} was not invited to “{survey.title}”."]})
    if need is not None and (need.convener_id != convener.pk or need.employer_id != employer.pk):
        raise ValidationError("No such need.")
    if need is not None and need.status == SkillNeed.Status.CONFIRMED and membership.role not in CONVENER_ROLES:
        raise ValidationError("This need was confirmed by the convener; ask them to reopen it.")
    competencies = list(competencies)
    if any(c.convener_id != convener.pk for c in competencies):
        raise ValidationError({"competencies": ["Choose competencies of this workspace."]})
    credentials = [(name.strip(), ctdl) for name, ctdl in credentials if (name or "").strip()]
    if any(ctdl not in CredentialType.values for _, ctdl in credentials):
        raise ValidationError({"credentials": ["Choose a credential type from the CTDL list."]})
    unknown_fields = set(fields) - set(NEED_FIELDS)
    if unknown_fields:
        raise ValidationError(f"{', '.join(sorted(unknown_fields))} cannot be set here.")
    occupation_obj = _occupation(occupation)
    target = need or SkillNeed(convener=convener, survey=survey, partnership=survey.partnership, employer=employer,
                               created_by=actor)
    target.occupation = occupation_obj
    for key, value in fields.items():
        setattr(target, key, value)
    quarter_values = {q: (int(new or 0), int(repl or 0)) for q, (new, repl) in quarters.items()}
    _check_need(target, quarter_values, survey)
    target.full_clean(exclude=["survey", "partnership", "employer", "occupation"])
    target.new_positions_total = sum(new for new, _ in quarter_values.values())
    target.replacements_total = sum(repl for _, repl in quarter_values.values())
    target.openings_total = target.new_positions_total + target.replacements_total
    with transaction.atomic():
        if submit and target.status == SkillNeed.Status.DRAFT:
            target.status = SkillNeed.Status.SUBMITTED
            target.submitted_at = timezone.now()
        target.save()
        SkillNeedQuarter.objects.for_convener(convener).filter(need=target).delete()
        SkillNeedQuarter.objects.bulk_create([
            SkillNeedQuarter(convener=convener, need=target, quarter=q, new_positions=new, replacements=repl)
            for q, (new, repl) in sorted(quarter_values.items()) if new or repl
        ])
        target.skills.set(list(skills))
        target.competencies.set(competencies)
        SkillNeedCredential.objects.for_convener(convener).filter(need=target).delete()
        SkillNeedCredential.objects.bulk_create([
            SkillNeedCredential(convener=convener, need=target, name=name, ctdl_type=ctdl)
            for name, ctdl in credentials
        ])
        if target.status != SkillNeed.Status.DRAFT:
            _mark_responded(convener=convener, survey=survey, employer=employer)
        action = "skill_need.create" if need is None else "skill_need.update"
        audit_record(convener=convener, actor=actor, action=action, target=target,
                     metadata={"status": target.status})
        demand_aggregate_request(convener=convener, partnership=survey.partnership, trigger="skill_need")
    return target


def skill_need_submit(*, convener: Convener, actor: User, membership: Membership, need: SkillNeed,
                      today: date | None = None) -> SkillNeed:
    today = today or timezone.localdate()
    if need.convener_id != convener.pk:
        raise ValidationError("No such need.")
    _require_employer_access(convener=convener, membership=membership, employer=need.employer)
    if not need.survey.is_open_on(today) and membership.role not in CONVENER_ROLES:
        raise ValidationError({"survey": [f"“{need.survey.title}” is closed; needs can no longer be submitted."]})
    if need.status != SkillNeed.Status.DRAFT:
        return need
    with transaction.atomic():
        need.status = SkillNeed.Status.SUBMITTED
        need.submitted_at = timezone.now()
        need.save(update_fields=["status", "submitted_at", "updated_at"])
        _mark_responded(convener=convener, survey=need.survey, employer=need.employer)
        audit_record(convener=convener, actor=actor, action="skill_need.submit", target=need)
        demand_aggregate_request(convener=convener, partnership=need.partnership, trigger="skill_need")
    return need


def skill_need_confirm(*, convener: Convener, actor: User, need: SkillNeed) -> SkillNeed:
    """The convener confirms a submitted need (after checking it with the employer)."""
    if need.convener_id != convener.pk:
        raise ValidationError("No such need.")
    if need.status == SkillNeed.Status.DRAFT:
        raise ValidationError("Only submitted needs can be confirmed; this one is still a draft.")
    with transaction.atomic():
        need.status = SkillNeed.Status.CONFIRMED
        need.confirmed_at = timezone.now()
        need.confirmed_by = actor
        need.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
        audit_record(convener=convener, actor=actor, action="skill_need.confirm", target=need)
        demand_aggregate_request(convener=convener, partnership=need.partnership, trigger="skill_need")
    return need


def skill_need_delete(*, convener: Convener, actor: User, membership: Membership, need: SkillNeed,
                      today: date | None = None) -> None:
    today = today or timezone.localdate()
    if need.convener_id != convener.pk:
        raise ValidationError("No such need.")
    _require_employer_access(convener=convener, membership=membership, employer=need.employer)
    if need.status != SkillNeed.Status.DRAFT and membership.role not in CONVENER_ROLES:
        raise ValidationError("Submitted needs are kept; ask your convener to withdraw one.")
    with transaction.atomic():
        audit_record(convener=convener, actor=actor, action="skill_need.delete", target=need)
        partnership = need.partnership
        need.delete()
        demand_aggregate_request(convener=convener, partnership=partnership, trigger="skill_need")


def _mark_responded(*, convener: Convener, survey: DemandSurvey, employer: Organization) -> None:
    invitation, _ = SurveyInvitation.objects.for_convener(convener).get_or_create(
        convener=convener, survey=survey, organization=employer
    )
    if invitation.responded_at is None:
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["responded_at"])


def competency_create(*, convener: Convener, actor: User | None, name: str, description: str = "") -> Competency:
    competency = Competency(convener=convener, name=(name or "").strip(), description=description)
    if Competency.objects.for_convener(convener).filter(name__iexact=competency.name).exists():
        raise ValidationError({"name": [f"{competency.name} is already a competency here."]})
    competency.full_clean(exclude=["convener"])
    with transaction.atomic():
        competency.save()
        audit_record(convener=convener, actor=actor, action="competency.create", target=competency)
    return competency


# ---------------------------------------------------------------------------
# Aggregation runs: requested after changes (debounced) and nightly
# ---------------------------------------------------------------------------
def demand_aggregate_request(*, convener: Convener, partnership: Partnership, trigger: str = "change",
                             countdown: int | None = None) -> DemandRun:
    """Queue one aggregation of the partnership. A burst of edits shares one queued run (the debounce):
    if a run is already queued, it is reused; the task starts after a short countdown."""
    from employers.tasks import demand_aggregate

    with transaction.atomic():
        queued = (
            DemandRun.objects.for_convener(convener).select_for_update()
            .filter(partnership=partnership, status=DemandRun.Status.QUEUED).first()
        )
        if queued is not None:
            return queued
        run = DemandRun.objects.create(convener=convener, partnership=partnership, trigger=trigger)
        delay = AGGREGATION_DEBOUNCE_SECONDS if countdown is None else countdown
        transaction.on_commit(lambda: demand_aggregate.apply_async(args=[convener.pk, run.pk], countdown=delay))
    return run


