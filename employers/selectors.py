"""Reads for employer demand. Employers see their own needs and the suppressed aggregate, never another's entries."""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from employers.models import (
    Competency,
    DemandRun,
    DemandSnapshot,
    DemandSurvey,
    Occupation,
    Skill,
    SkillNeed,
    SurveyInvitation,
)
from partnerships.models import Convener, Membership, Partnership
from partnerships.roles import CONVENER_ROLES, Role
from partnerships.selectors import partnership_list
from partnerships.suppression import DEMAND_MIN_EMPLOYERS, suppress_cells, suppress_value


def sees_all_demand(membership: Membership) -> bool:
    """Convener staff see every figure; employers and funders see cells of 3+ employers only."""
    return membership.role in CONVENER_ROLES


def occupation_search(*, query: str, limit: int = 20) -> QuerySet[Occupation]:
    """Detailed SOC 2018 occupations by code prefix (51-41, 514121) or words of the title."""
    query = (query or "").strip()
    qs = Occupation.objects.filter(level=3)
    if not query:
        return qs.none()
    digits = query.replace("-", "")
    if digits.isdigit():
        code = f"{digits[:2]}-{digits[2:]}" if len(digits) > 2 else digits
        return qs.filter(soc_code__startswith=code).order_by("soc_code")[:limit]
    for word in query.split():
        qs = qs.filter(title__icontains=word)
    return qs.order_by("title")[:limit]


def occupation_get(*, soc_code: str) -> Occupation:
    """A detailed SOC 2018 occupation by code (51-4121 or 514121), or 404."""
    code = (soc_code or "").strip()
    if len(code) == 6 and code.isdigit():
        code = f"{code[:2]}-{code[2:]}"
    occupation = Occupation.objects.filter(soc_code=code, level=3).first()
    if occupation is None:
        raise Http404(f"{soc_code} is not a detailed SOC 2018 occupation")
    return occupation


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("kind", "group", "name")


def competency_list(*, convener: Convener) -> QuerySet[Competency]:
    return Competency.objects.for_convener(convener).order_by("name")


def survey_list(*, convener: Convener, membership: Membership, partnership: Partnership | None = None
                ) -> QuerySet[DemandSurvey]:
    qs = DemandSurvey.objects.for_convener(convener).select_related("partnership").annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("invitations", filter=Q(invitations__responded_at__isnull=False), distinct=True),
    )
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    if membership.role == Role.EMPLOYER_REP:
        qs = qs.filter(invitations__organization_id=membership.organization_id)
    elif membership.role not in CONVENER_ROLES:
        qs = qs.filter(partnership__in=partnership_list(convener=convener, membership=membership).values("pk"))
    return qs.order_by("-opens_on", "-id")


def survey_get(*, convener: Convener, membership: Membership, survey_id: int) -> DemandSurvey:
    survey = survey_list(convener=convener, membership=membership).filter(pk=survey_id).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def survey_responses(*, convener: Convener, survey: DemandSurvey) -> QuerySet[SurveyInvitation]:
    """Who answered and who did not (convener staff only: callers check the role)."""
    return (
        SurveyInvitation.objects.for_convener(convener).filter(survey=survey).select_related("organization")
        .annotate(needs=Count("organization__skill_needs", filter=Q(organization__skill_needs__survey=survey)))
        .order_by("responded_at", "organization__name")
    )


def need_list(*, convener: Convener, membership: Membership, survey: DemandSurvey | None = None,
              partnership: Partnership | None = None, status: str | None = None) -> QuerySet[SkillNeed]:
    """Individual needs: convener staff see all; an employer representative only its own employer's; nobody else."""
    qs = SkillNeed.objects.for_convener(convener).select_related("employer", "occupation", "survey", "partnership")
    qs = qs.prefetch_related("quarters", "skills", "competencies", "credentials")
    if membership.role == Role.EMPLOYER_REP:
        qs = qs.filter(employer_id=membership.organization_id)
    elif membership.role not in CONVENER_ROLES:
        qs = qs.none()
    if survey is not None:
        qs = qs.filter(survey=survey)
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("occupation__soc_code", "employer__name", "id")


def need_get(*, convener: Convener, membership: Membership, need_id: int) -> SkillNeed:
    # The need page reads its survey's partnership and labor-market area (the market position of the wage).
    need = (need_list(convener=convener, membership=membership)
            .select_related("survey__partnership__labor_market_area").filter(pk=need_id).first())
    if need is None:
        raise Http404("No such need")
    return need


def snapshot_current(*, convener: Convener, partnership: Partnership) -> DemandSnapshot | None:
    return DemandSnapshot.objects.for_convener(convener).filter(partnership=partnership).order_by("-version").first()


def snapshot_list(*, convener: Convener, partnership: Partnership) -> QuerySet[DemandSnapshot]:
    return DemandSnapshot.objects.for_convener(convener).filter(partnership=partnership).defer("data")


def run_list(*, convener: Convener, partnership: Partnership) -> QuerySet[DemandRun]:
    return DemandRun.objects.for_convener(convener).filter(partnership=partnership).select_related(
        "partnership").order_by("-id")


def run_latest(*, convener: Convener, partnership: Partnership) -> DemandRun | None:
    return DemandRun.objects.for_convener(convener).filter(partnership=partnership).order_by("-id").first()


def demand_for_viewer(*, snapshot: DemandSnapshot | None, membership: Membership) -> dict[str, Any] | None:
    """The snapshot's figures as this viewer may see them: suppressed below 3 employers unless convener staff."""
    if snapshot is None:
        return None
    data = copy.deepcopy(snapshot.data)
    data["version"] = snapshot.version
    data["computed_at"] = snapshot.computed_at.isoformat()
    data["suppression"] = {"applied": not sees_all_demand(membership), "min_employers": DEMAND_MIN_EMPLOYERS}
    if sees_all_demand(membership):
        for key in ("occupations", "by_quarter", "skills", "competencies", "credentials", "size_bands"):
            for cell in data.get(key, []):
                cell["suppressed"] = False
        return data
    money = ["wage_min", "wage_median", "wage_max"]
    counts = ["openings", "new_positions", "replacements", "needs", "supply_seats", "gap"]
    data["occupations"] = suppress_cells(
        data.get("occupations", []), count_key="employers", threshold=DEMAND_MIN_EMPLOYERS,
        value_keys=[*counts, *money, "by_quarter"],
    )
    for occupation in data["occupations"]:
        if occupation.get("by_quarter"):
            cells = [{"quarter": q, **v} for q, v in occupation["by_quarter"].items()]
            occupation["by_quarter"] = {
                c["quarter"]: c for c in suppress_cells(cells, count_key="employers",
                                                        threshold=DEMAND_MIN_EMPLOYERS, value_keys=["openings"])
            }
    for key in ("by_quarter", "skills", "competencies", "credentials", "size_bands"):
        data[key] = suppress_cells(data.get(key, []), count_key="employers", threshold=DEMAND_MIN_EMPLOYERS,
                                   value_keys=["openings"])
    for cell in data["credentials"]:
        if cell["suppressed"]:
            # Credential names are typed by employers: one firm's wording can identify it, so hide it too.
            cell["name"] = None
    totals = data.get("totals") or {}
    if (totals.get("employers") or 0) < DEMAND_MIN_EMPLOYERS:
        # The headline totals are a cell too: fewer than 3 employers behind them means they are one firm's plans.
        data["totals"] = {**dict.fromkeys(totals), "suppressed": True}
    else:
        data["totals"] = {**totals, "suppressed": False}
    data["work_based_learning"] = {
        name: suppress_value(cell["value"], count=cell["employers"], threshold=DEMAND_MIN_EMPLOYERS)
        for name, cell in data.get("work_based_learning", {}).items()
    }
    return data
