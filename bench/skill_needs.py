"""Bench data: skill needs for a convener's existing partnerships and employers, with bulk inserts.

Used by bench/demand_aggregate.py (five small conveners) and bench/suite.py (the large tenant of
bench/report_scale.py). Deterministic: random.Random(seed), the same rows every run, only the ids differ.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5_000
QUARTERS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2"]
CREDENTIALS = [("AWS D1.1 Structural Steel Welding certification", "certification"),
               ("Georgia Certified Nursing Assistant (CNA)", "certification"),
               ("NCCER Core Curriculum", "certificate"),
               ("OSHA 10 General Industry", "certificate"),
               ("Georgia LPN license", "license"),
               ("Industrial Maintenance Mechanic", "apprenticeship_certificate")]


def add_needs(*, convener_id: int, partnerships: list[Any], employers: list[Any], needs: int,
              seed: int = 4) -> dict[str, int]:
    """Create one open survey per partnership, five competencies and ``needs`` skill needs spread evenly over
    ``employers`` (the employers of partnership k are the k-th slice), each with 3 to 4 quarters of openings,
    three skills, one credential and (half of them) a competency. Returns the row counts."""
    from employers.models import (
        Competency,
        CredentialType,
        DemandSurvey,
        Occupation,
        Skill,
        SkillNeed,
        SkillNeedCredential,
        SkillNeedQuarter,
    )
    from employers.oews import oews_load

    if not Occupation.objects.filter(level=3).exists():
        oews_load(source=ROOT / "tests" / "fixtures" / "oews-extract.sqlite.gz")
    rng = random.Random(seed)  # noqa: S311 (bench data)
    occupations = list(Occupation.objects.filter(level=3).order_by("pk").values_list("pk", flat=True))
    skills = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    ctdl = {value for value, _ in CredentialType.choices}
    competencies = Competency.unscoped.bulk_create(
        [Competency(convener_id=convener_id, name=f"Competency {j}") for j in range(5)])
    surveys = DemandSurvey.unscoped.bulk_create([
        DemandSurvey(convener_id=convener_id, partnership=p, title=f"Bench survey {p.pk}",
                     opens_on=date(2026, 10, 1), closes_on=date(2026, 12, 31), quarters=QUARTERS)
        for p in partnerships
    ])
    statuses = [SkillNeed.Status.SUBMITTED] * 10 + [SkillNeed.Status.CONFIRMED] * 9 + [SkillNeed.Status.DRAFT]
    per_partnership = max(1, len(employers) // len(partnerships))
    rows = []
    for i in range(needs):
        e = i * len(employers) // needs
        p = min(e // per_partnership, len(partnerships) - 1)
        wage_min = Decimal(rng.randrange(1400, 3200)) / 100
        rows.append(SkillNeed(
            convener_id=convener_id, survey=surveys[p], partnership=partnerships[p], employer=employers[e],
            occupation_id=rng.choice(occupations), wage_min=wage_min,
            wage_max=wage_min + Decimal(rng.randrange(100, 600)) / 100, status=rng.choice(statuses),
            apprenticeship_slots=rng.randrange(3), internship_slots=rng.randrange(3), ojt_slots=rng.randrange(3),
            job_shadows=rng.randrange(3), tours=rng.randrange(2), mock_interviews=rng.randrange(3),
            guaranteed_interviews=rng.randrange(5),
        ))
    rows_q, rows_s, rows_c, rows_k = [], [], [], []
    skill_through = SkillNeed.skills.through
    competency_through = SkillNeed.competencies.through
    # What skill_need_save writes beside the quarters: the need's opening totals.
    for need in rows:
        start = rng.randrange(3)
        quarters = [(q, rng.randrange(4), rng.randrange(4)) for q in QUARTERS[start:start + rng.randint(3, 4)]]
        need.new_positions_total = sum(n for _, n, _ in quarters)
        need.replacements_total = sum(r for _, _, r in quarters)
        need.openings_total = need.new_positions_total + need.replacements_total
        need._bench_quarters = quarters  # type: ignore[attr-defined]
    rows = SkillNeed.unscoped.bulk_create(rows, batch_size=BATCH)
    for need in rows:
        rows_q += [SkillNeedQuarter(convener_id=convener_id, need=need, quarter=q, new_positions=n, replacements=r)
                   for q, n, r in need._bench_quarters]  # type: ignore[attr-defined]
        rows_s += [skill_through(skillneed_id=need.pk, skill_id=s) for s in rng.sample(skills, 3)]
        name, kind = rng.choice(CREDENTIALS)
        rows_c.append(SkillNeedCredential(convener_id=convener_id, need=need, name=name,
                                          ctdl_type=kind if kind in ctdl else CredentialType.CERTIFICATE))
        if rng.random() < 0.5:
            rows_k.append(competency_through(skillneed_id=need.pk, competency_id=rng.choice(competencies).pk))
    SkillNeedQuarter.unscoped.bulk_create(rows_q, batch_size=BATCH)
    skill_through.objects.bulk_create(rows_s, batch_size=BATCH)
    SkillNeedCredential.unscoped.bulk_create(rows_c, batch_size=BATCH)
    competency_through.objects.bulk_create(rows_k, batch_size=BATCH)
    return {"skill_needs": len(rows), "need_quarters": len(rows_q), "need_skills": len(rows_s),
            "need_credentials": len(rows_c), "need_competencies": len(rows_k)}
