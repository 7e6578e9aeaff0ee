"""The participant-level PIRL-style CSV (DOL ETA-9172) of one report's people: PII, for convener admins only.

The view that serves it checks the role and audits the export (``reports.services.report_export_record``); this
module only builds the file. The people are the snapshot's scope, chosen by the engine's rules
(reports/engine.py ``_scope_filters``), whose participation overlaps the snapshot's period: a cohort enrollment in
scope, or a funding-stream enrollment, that was open at some point of the period.

What is written, and how:
- our public id as PIRL 100, never the SSN (the SSN column is not even read from the database); the date of birth
  (PIRL 200) is the only encrypted field decrypted, here and nowhere else in reports;
- dates as YYYYMMDD (the PIRL date format); yes/no elements as 1 or 0; PIRL 201 Sex as 1 male, 2 female,
  9 did not self-identify; PIRL 210 as 1, 0 or 9 likewise; PIRL 400 as 1 employed, 2 employed with a notice of
  termination, 0 not employed; blank where the portal holds nothing;
- race (PIRL 211-215) as 1 or 0 per race; the portal records one race, or "more than one race" without naming
  them, so for that answer 211-215 are blank and the portal's own "More Than One Race" column says 1;
- elements whose PIRL code list we do not reproduce (923 exit exclusion, 1303 training type, 1800-1804 credential
  types) carry the portal's label instead of a code;
- program entry and exit follow the engine: entry is the first funding-stream entry, exit the last stream exit
  once every stream (the scope's stream, for a stream report) has closed; the 2nd and 4th quarters after exit are
  calendar quarters (reports/periods.py), written once they have closed before the snapshot's ``as_of`` quarter.

Element numbers and names follow the ETA-9172 layout. Columns without a number are portal fields for which no
PIRL element could be confirmed:
- "More Than One Race" (the portal's single race answer "more than one race");
- "Funding Streams" (the co-enrolled streams, by name);
- "Date of Most Recent Measurable Skill Gains: Secondary or Postsecondary Transcript/Report Card" (PIRL splits it
  into 1807 postsecondary and 1808 secondary; the portal does not record which);
- "Date of Most Recent Measurable Skill Gains: Secondary School Diploma or Equivalent".
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet, Sum

from participants.models import Participant, QuarterlyWage, StreamEnrollment
from partnerships.models import Convener
from programs.models import CohortEnrollment, CredentialAward, SkillGain
from reports import periods
from reports.models import ReportSnapshot, Scope

# Rows fetched (with their prefetches and grouped wage and skill-gain queries) per round trip.
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Column:
    header: str
    key: str


COLUMNS: tuple[Column, ...] = (
    Column("PIRL 100 Unique Individual Identifier (WIOA)", "public_id"),
    Column("PIRL 200 Date of Birth", "date_of_birth"),
    Column("PIRL 201 Sex (WIOA)", "sex"),
    Column("PIRL 202 Individual with a Disability (WIOA)", "disability"),
    Column("PIRL 210 Ethnicity: Hispanic / Latino (WIOA)", "hispanic"),
    Column("PIRL 211 American Indian / Alaska Native (WIOA)", "race_american_indian"),
    Column("PIRL 212 Asian (WIOA)", "race_asian"),
    Column("PIRL 213 Black / African American (WIOA)", "race_black"),
    Column("PIRL 214 Native Hawaiian / Other Pacific Islander (WIOA)", "race_pacific_islander"),
    Column("PIRL 215 White (WIOA)", "race_white"),
    Column("More Than One Race", "race_multiple"),
    Column("PIRL 400 Employment Status at Program Entry (WIOA)", "employment_at_entry"),
    Column("PIRL 402 Long-Term Unemployed at Program Entry (WIOA)", "long_term_unemployed"),
    Column("PIRL 600 Temporary Assistance to Needy Families (TANF)", "tanf"),
    Column("PIRL 602 Supplemental Security Income (SSI) / Social Security Disability Insurance (SSDI)", "ssi"),
    Column("PIRL 603 Supplemental Nutrition Assistance Program (SNAP)", "snap"),
    Column("PIRL 604 Other Public Assistance Recipient", "other_assistance"),
    Column("PIRL 800 Homeless participant, Homeless Children and Youths, or Runaway Youth at Program Entry (WIOA)",
           "homeless"),
    Column("PIRL 801 Ex-Offender Status at Program Entry (WIOA)", "ex_offender"),
    Column("PIRL 802 Low Income Status at Program Entry (WIOA)", "low_income"),
    Column("PIRL 803 English Language Learner at Program Entry (WIOA)", "english_learner"),
    Column("PIRL 804 Basic Skills Deficient/Low Levels of Literacy at Program Entry (WIOA)", "basic_skills"),
    Column("PIRL 806 Single Parent at Program Entry (WIOA)", "single_parent"),
    Column("Funding Streams", "streams"),
    Column("PIRL 900 Date of Program Entry (WIOA)", "entry"),
    Column("PIRL 901 Date of Program Exit (WIOA)", "exit"),
    Column("PIRL 923 Other Reasons for Exit (WIOA)", "exclusion"),
    Column("PIRL 1300 Received Training (WIOA)", "received_training"),
    Column("PIRL 1302 Date Entered Training #1 (WIOA)", "training_entered"),
    Column("PIRL 1303 Type of Training Service #1 (WIOA)", "training_type"),
    Column("PIRL 1307 Training Completed #1", "training_completed"),
    Column("PIRL 1308 Date Completed, or Withdrew from, Training #1", "training_left"),
    Column("PIRL 1602 Employed in 2nd Quarter After Exit Quarter (WIOA)", "employed_q2"),
    Column("PIRL 1606 Employed in 4th Quarter After Exit Quarter (WIOA)", "employed_q4"),
    Column("PIRL 1618 Retention with the same employer in the 2nd Quarter and the 4th Quarter (WIOA)",
           "same_employer_q2_q4"),
    Column("PIRL 1704 Wages 2nd Quarter After Exit Quarter (WIOA)", "wages_q2"),
    Column("PIRL 1706 Wages 4th Quarter After Exit Quarter (WIOA)", "wages_q4"),
    Column("PIRL 1800 Type of Recognized Credential (WIOA)", "credential_1_type"),
    Column("PIRL 1801 Date Attained Recognized Credential (WIOA)", "credential_1_date"),
    Column("PIRL 1802 Type of Recognized Credential #2 (WIOA)", "credential_2_type"),
    Column("PIRL 1803 Date Attained Recognized Credential #2 (WIOA)", "credential_2_date"),
    Column("PIRL 1804 Type of Recognized Credential #3 (WIOA)", "credential_3_type"),
    Column("PIRL 1805 Date Attained Recognized Credential #3 (WIOA)", "credential_3_date"),
    Column("PIRL 1806 Date of Most Recent Measurable Skill Gains: Educational Functioning Level (EFL) (WIOA)",
           "msg_efl"),
    Column("Date of Most Recent Measurable Skill Gains: Secondary or Postsecondary Transcript/Report Card",
           "msg_transcript"),
    Column("PIRL 1809 Date of Most Recent Measurable Skill Gains: Training Milestone (WIOA)", "msg_training_milestone"),
    Column("PIRL 1810 Date of Most Recent Measurable Skill Gains: Skills Progression (WIOA)",
           "msg_skills_progression"),
    Column("Date of Most Recent Measurable Skill Gains: Secondary School Diploma or Equivalent",
           "msg_secondary_diploma"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)

SEX_CODES: dict[str, int] = {Participant.Sex.MALE: 1, Participant.Sex.FEMALE: 2, Participant.Sex.NOT_DISCLOSED: 9}
ETHNICITY_CODES: dict[str, int] = {Participant.Ethnicity.HISPANIC: 1, Participant.Ethnicity.NOT_HISPANIC: 0,
                                   Participant.Ethnicity.NOT_DISCLOSED: 9}
RACES = ("american_indian", "asian", "black", "pacific_islander", "white")
EMPLOYMENT_CODES: dict[str, int] = {Participant.EmploymentStatus.EMPLOYED: 1,
                                    Participant.EmploymentStatus.NOTICE: 2,
                                    Participant.EmploymentStatus.NOT_EMPLOYED: 0}
# The participant fields the file reads: never the SSN, the names or the contact details.
PARTICIPANT_FIELDS = ("id", "convener_id", "public_id", "date_of_birth", "sex", "ethnicity", "race",
                      "employment_status_at_entry", *Participant.BARRIERS, *Participant.BENEFITS)
OPEN_TRAINING = (CohortEnrollment.Status.ENROLLED, CohortEnrollment.Status.ACTIVE)


def pirl_csv(*, convener: Convener, snapshot: ReportSnapshot) -> tuple[bytes, int]:
    """The PIRL-style file of the snapshot's people and the number of participant rows in it."""
    rows = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal rows
        for row in pirl_rows(convener=convener, snapshot=snapshot):
            rows += 1
            yield row

    body = "".join(join_rows(counted()))
    return body.encode("utf-8"), rows


def join_rows(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV lines, the header first: ``StreamingHttpResponse(join_rows(pirl_rows(...)))`` streams the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _with_header(rows):
        writer.writerow([_safe(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def _with_header(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield list(HEADERS)
    yield from rows


def pirl_rows(*, convener: Convener, snapshot: ReportSnapshot) -> Iterator[list[Any]]:
    """One list of values per participant, in ``HEADERS`` order, a chunk of people at a time.

    Each chunk costs a fixed number of queries, whatever its size: the people (with their stream and cohort
    enrollments and credentials prefetched), their wages grouped by quarter and employer, and their latest skill
    gain of each type."""
    if snapshot.convener_id != convener.pk:
        raise ValueError("The snapshot belongs to another workspace.")
    scope = _Scope(convener=convener, snapshot=snapshot)
    people = scope.people()
    last_pk = 0
    while True:
        chunk = list(people.filter(pk__gt=last_pk)[:CHUNK_SIZE])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        ids = [p.pk for p in chunk]
        wages = _wages_by_quarter(convener=convener, participant_ids=ids)
        gains = _latest_gains(convener=convener, participant_ids=ids, as_of=snapshot.as_of)
        for person in chunk:
            yield _row(person, wages=wages.get(person.pk, {}), gains=gains.get(person.pk, {}), as_of=snapshot.as_of)


class _Scope:
    """The engine's scope rules (reports/engine.py ``_scope_filters``) as querysets."""

    def __init__(self, *, convener: Convener, snapshot: ReportSnapshot) -> None:
        self.convener, self.snapshot = convener, snapshot
        enrollments = (CohortEnrollment.objects.for_convener(convener).filter(enrolled_on__isnull=False)
                       .exclude(status=CohortEnrollment.Status.APPLIED))
        scope = Scope(snapshot.scope)
        if scope == Scope.PARTNERSHIP:
            enrollments = enrollments.filter(cohort__partnership_id=snapshot.partnership_id)
        elif scope == Scope.PROGRAM:
            enrollments = enrollments.filter(cohort__program_id=snapshot.program_id)
        elif scope == Scope.COHORT:
            enrollments = enrollments.filter(cohort_id=snapshot.cohort_id)
        streams = StreamEnrollment.objects.for_convener(convener)
        if scope == Scope.STREAM:
            streams = streams.filter(stream_id=snapshot.stream_id)
        self.scope, self.enrollments, self.streams = scope, enrollments, streams

    def people(self) -> QuerySet[Participant]:
        start, end = self.snapshot.period_start, self.snapshot.period_end
        training_in_period = self.enrollments.filter(enrolled_on__lte=end).filter(
            Q(status__in=OPEN_TRAINING) | Q(completed_on__gte=start) | Q(withdrawn_on__gte=start))
        stream_in_period = self.streams.filter(entry_date__lte=end).filter(
            Q(exit_date__isnull=True) | Q(exit_date__gte=start))
        took_part = (Q(pk__in=training_in_period.values("participant_id"))
                     | Q(pk__in=stream_in_period.values("participant_id")))
        if self.scope == Scope.STREAM:
            in_scope = Q(pk__in=stream_in_period.values("participant_id"))
        elif self.scope == Scope.CONVENER:
            in_scope = took_part
        else:
            in_scope = Q(pk__in=self.enrollments.values("participant_id")) & took_part
        return (Participant.objects.for_convener(self.convener).filter(in_scope).only(*PARTICIPANT_FIELDS)
                .prefetch_related(
                    Prefetch("stream_enrollments", to_attr="pirl_streams",
                             queryset=self.streams.select_related("stream").order_by("entry_date", "pk")),
                    Prefetch("cohort_enrollments", to_attr="pirl_training",
                             queryset=self.enrollments.select_related("cohort__program").order_by("enrolled_on",
                                                                                                  "pk")),
                    Prefetch("credential_awards", to_attr="pirl_credentials",
                             queryset=CredentialAward.objects.for_convener(self.convener)
                             .filter(awarded_on__lte=self.snapshot.as_of).order_by("awarded_on", "pk")),
                )
                .order_by("pk"))


def _wages_by_quarter(*, convener: Convener, participant_ids: list[int]) -> dict[int, dict[int, dict[str, Decimal]]]:
    """participant id -> quarter index -> employer FEIN -> wages, summed in the database."""
    rows = (QuarterlyWage.objects.for_convener(convener).filter(participant_id__in=participant_ids)
            .values("participant_id", "year", "quarter", "employer_fein").annotate(total=Sum("wages"))
            .order_by())
    out: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        index = periods.quarter_index(date(row["year"], 3 * row["quarter"] - 2, 1))
        out[row["participant_id"]][index][row["employer_fein"]] = Decimal(row["total"] or 0)
    return out


def _latest_gains(*, convener: Convener, participant_ids: list[int], as_of: date) -> dict[int, dict[str, date]]:
    """participant id -> skill-gain type -> the most recent date on file by ``as_of``."""
    rows = (SkillGain.objects.for_convener(convener)
            .filter(participant_id__in=participant_ids, achieved_on__lte=as_of)
            .values("participant_id", "gain_type").annotate(latest=Max("achieved_on")).order_by())
    out: dict[int, dict[str, date]] = defaultdict(dict)
    for row in rows:
        out[row["participant_id"]][row["gain_type"]] = row["latest"]
    return out


def _row(person: Participant, *, wages: dict[int, dict[str, Decimal]], gains: dict[str, date],
         as_of: date) -> list[Any]:
    values: dict[str, Any] = {
        "public_id": person.public_id,
        "date_of_birth": _day(person.date_of_birth),  # decrypted here, for this audited admin export only
        "sex": SEX_CODES.get(person.sex, ""),
        "disability": _flag(person.barrier_disability),
        "hispanic": ETHNICITY_CODES.get(person.ethnicity, ""),
        **_race(person.race),
        "employment_at_entry": EMPLOYMENT_CODES.get(person.employment_status_at_entry, ""),
        "long_term_unemployed": _flag(person.barrier_long_term_unemployed),
        "tanf": _flag(person.benefit_tanf),
        "ssi": _flag(person.benefit_ssi),
        "snap": _flag(person.benefit_snap),
        "other_assistance": _flag(person.benefit_other),
        "homeless": _flag(person.barrier_homeless),
        "ex_offender": _flag(person.barrier_justice_involved),
        "low_income": _flag(person.barrier_low_income),
        "english_learner": _flag(person.barrier_english_learner),
        "basic_skills": _flag(person.barrier_basic_skills),
        "single_parent": _flag(person.barrier_single_parent),
        **_participation(person, wages=wages, as_of=as_of),
        **_training(person),
        **_credentials(person),
        "msg_efl": _day(gains.get(SkillGain.GainType.EFL)),
        "msg_transcript": _day(gains.get(SkillGain.GainType.TRANSCRIPT)),
        "msg_training_milestone": _day(gains.get(SkillGain.GainType.TRAINING_MILESTONE)),
        "msg_skills_progression": _day(gains.get(SkillGain.GainType.SKILLS_PROGRESSION)),
        "msg_secondary_diploma": _day(gains.get(SkillGain.GainType.SECONDARY_DIPLOMA)),
    }
    return [values[c.key] for c in COLUMNS]


def _race(race: str) -> dict[str, Any]:
    if race in RACES:
        return {**{f"race_{r}": _flag(r == race) for r in RACES}, "race_multiple": 0}
    if race == Participant.Race.MULTIPLE:
        return {**{f"race_{r}": "" for r in RACES}, "race_multiple": 1}
    return {**{f"race_{r}": "" for r in RACES}, "race_multiple": ""}


def _participation(person: Participant, *, wages: dict[int, dict[str, Decimal]], as_of: date) -> dict[str, Any]:
    """Entry, exit, exclusion and the wages of the 2nd and 4th quarters after exit (the engine's definitions)."""
    streams: list[StreamEnrollment] = getattr(person, "pirl_streams", [])
    entry = min((s.entry_date for s in streams), default=None)
    closed = bool(streams) and all(s.exit_date is not None for s in streams)
    exit_day = max(s.exit_date for s in streams if s.exit_date is not None) if closed else None
    exclusion = next((s.get_exclusion_reason_display() for s in streams if s.exclusion_reason), "")
    out: dict[str, Any] = {
        "streams": "; ".join(s.stream.name for s in streams),
        "entry": _day(entry), "exit": _day(exit_day), "exclusion": exclusion,
        "employed_q2": "", "employed_q4": "", "same_employer_q2_q4": "", "wages_q2": "", "wages_q4": "",
    }
    if exit_day is None:
        return out
    exit_q, as_of_q = periods.quarter_index(exit_day), periods.quarter_index(as_of)
    by_fein: dict[int, dict[str, Decimal]] = {}
    for n in (2, 4):
        if exit_q + n >= as_of_q:  # the quarter has not closed before the as-of quarter: not known yet
            continue
        by_fein[n] = wages.get(exit_q + n, {})
        total = sum(by_fein[n].values(), Decimal(0))
        out[f"employed_q{n}"] = _flag(total > 0)
        out[f"wages_q{n}"] = f"{total:.2f}"
    if 2 in by_fein and 4 in by_fein and sum(by_fein[2].values(), Decimal(0)) > 0:
        out["same_employer_q2_q4"] = _flag(any(
            fein and amount > 0 and by_fein[4].get(fein, Decimal(0)) > 0 for fein, amount in by_fein[2].items()))
    return out


def _training(person: Participant) -> dict[str, Any]:
    """Training #1: the first cohort enrollment in scope."""
    training: list[CohortEnrollment] = getattr(person, "pirl_training", [])
    first = training[0] if training else None
    if first is None:
        return {"received_training": 0, "training_entered": "", "training_type": "", "training_completed": "",
                "training_left": ""}
    finished = first.status in (CohortEnrollment.Status.COMPLETED, CohortEnrollment.Status.WITHDRAWN)
    return {
        "received_training": 1,
        "training_entered": _day(first.enrolled_on),
        "training_type": first.cohort.program.get_program_type_display(),
        "training_completed": _flag(first.status == CohortEnrollment.Status.COMPLETED) if finished else "",
        "training_left": _day(first.completed_on or first.withdrawn_on) if finished else "",
    }


def _credentials(person: Participant) -> dict[str, Any]:
    awards: list[CredentialAward] = getattr(person, "pirl_credentials", [])
    out: dict[str, Any] = {}
    for i in range(3):
        award = awards[i] if i < len(awards) else None
        out[f"credential_{i + 1}_type"] = award.get_ctdl_type_display() if award else ""
        out[f"credential_{i + 1}_date"] = _day(award.awarded_on) if award else ""
    return out


def _flag(value: bool) -> int:
    return 1 if value else 0


def _day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _safe(value: Any) -> Any:
    """Neutralize spreadsheet formulas in text (program and credential labels come from users)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

