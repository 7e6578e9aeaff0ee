"""Bulk import of participants, funding-stream enrollments, placements and quarterly wages (CSV or XLSX).

Every row is checked first, and every error is reported with its row number (as the spreadsheet shows it:
the header is row 1) and its column. **All or nothing:** a file with one bad row imports nothing. A good file
is written in one transaction with bulk inserts (10,000 rows in a few seconds: see `make bench`). Big files
run in a Celery job (participants.tasks.import_run) that reports progress on the ImportJob row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from employers.models import Occupation
from participants.models import (
    ImportJob,
    Participant,
    Placement,
    QuarterlyWage,
    RetentionCheck,
    StreamEnrollment,
)
from participants.pii import identity_hash, ssn_hash, ssn_normalize
from participants.services import _fein, wage_errors
from partnerships.audit import audit_record
from partnerships.models import Convener, Organization, User
from programs.models import FundingStream

MAX_ROWS = 50_000
PROGRESS_EVERY = 1_000

TEMPLATES: dict[str, list[str]] = {
    ImportJob.Kind.PARTICIPANTS: [
        "first_name", "middle_name", "last_name", "preferred_name", "ssn", "date_of_birth", "email", "phone",
        "address", "city", "state", "postal_code", "sex", "ethnicity", "race", "veteran", "education_at_entry",
        "employment_status_at_entry", "hourly_wage_at_entry", "barriers", "benefits", "abawd",
        "snap_participation", "intake_date", "streams",
    ],
    ImportJob.Kind.ENROLLMENTS: ["public_id", "stream", "entry_date", "exit_date", "exit_reason", "exclusion_reason"],
    ImportJob.Kind.PLACEMENTS: ["public_id", "employer_name", "soc_code", "start_date", "hourly_wage",
                                "hours_per_week", "related_to_training", "placement_type"],
    ImportJob.Kind.WAGES: ["public_id", "year", "quarter", "wages", "employer_fein", "source"],
}
EXAMPLES: dict[str, list[str]] = {
    ImportJob.Kind.PARTICIPANTS: [
        "Ana", "", "Lopez", "", "123-45-6789", "1994-03-17", "ana@example.org", "404-555-0101", "1 Main St",
        "Atlanta", "GA", "30303", "female", "hispanic", "white", "no", "hse", "not_employed", "",
        "low_income;single_parent", "snap", "no", "voluntary", "2026-09-01", "snap_et_50;wioa_adult",
    ],
    ImportJob.Kind.ENROLLMENTS: ["P-ABCD2345", "wioa_adult", "2026-09-01", "", "", ""],
    ImportJob.Kind.PLACEMENTS: ["P-ABCD2345", "Peachtree Regional Medical Center", "37-2011", "2026-11-02", "16.50",
                                "40", "yes", "unsubsidized"],
    ImportJob.Kind.WAGES: ["P-ABCD2345", "2026", "3", "5820.00", "58-1234567", "ui_match"],
}
BARRIER_CODES = {f.removeprefix("barrier_"): f for f in Participant.BARRIERS}
BENEFIT_CODES = {f.removeprefix("benefit_"): f for f in Participant.BENEFITS}
TRUE, FALSE = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}


@dataclass
class Outcome:
    rows: int = 0
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def template_csv(kind: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATES[kind])
    writer.writerow(EXAMPLES[kind])
    return out.getvalue()


def read_rows(payload: bytes, filename: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV (UTF-8, with or without BOM) or XLSX file; cells as stripped strings."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(payload), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
            raise ValidationError("This is not a readable .xlsx workbook.") from exc
        values = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
        header = [str(h or "").strip().lower() for h in next(values, ())]
        rows = []
        for raw in values:
            cells = ["" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)).strip()
                     for v in raw]
            if any(cells):
                rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
        return header, rows
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("Save the CSV as UTF-8.") from exc
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    rows = [dict(zip(header, [c.strip() for c in r] + [""] * (len(header) - len(r)), strict=False))
            for r in reader if any(c.strip() for c in r)]
    return header, rows


class RowErrors:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append({"row": row, "column": column, "message": message})


def _bool(value: str, row: int, column: str, errors: RowErrors) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v not in FALSE:
        errors.add(row, column, "Write yes or no.")
    return False


def _day(value: str, row: int, column: str, errors: RowErrors, *, required: bool = False) -> date | None:
    if not value:
        if required:
            errors.add(row, column, "Required.")
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        errors.add(row, column, "Write the date as YYYY-MM-DD.")
        return None


def _decimal(value: str, row: int, column: str, errors: RowErrors, *, required: bool = False,
             maximum: Decimal = Decimal("1000000")) -> Decimal | None:
    if not value:
        if required:
            errors.add(row, column, "Required.")
        return None
    try:
        number = Decimal(value.replace("$", "").replace(",", ""))
    except InvalidOperation:
        errors.add(row, column, "Write a number, e.g. 16.50.")
        return None
    if number < 0 or number > maximum:
        errors.add(row, column, f"Out of range (0 to {maximum:,}).")
        return None
    return number


def _choice(value: str, choices: list[str], row: int, column: str, errors: RowErrors) -> str:
    if value and value not in choices:
        errors.add(row, column, f"Use one of: {', '.join(c for c in choices if c)}.")
        return ""
    return value


class Importer:
    """Checks and writes one file for one tenant. ``check`` never writes; ``write`` is all or nothing."""

    def __init__(self, *, convener: Convener, actor: User | None, kind: str, organization: Organization | None,
                 progress: Callable[[int], None] | None = None) -> None:
        self.convener, self.actor, self.kind, self.organization = convener, actor, kind, organization
        self.progress = progress or (lambda n: None)
        self.today = timezone.localdate()
        self.streams = {s.code: s for s in FundingStream.objects.all()}

    def run(self, header: list[str], rows: list[dict[str, str]]) -> Outcome:
        outcome = Outcome(rows=len(rows))
        errors = RowErrors()
        missing = [c for c in TEMPLATES[self.kind] if c not in header and c in self.required_columns()]
        if missing:
            errors.add(1, ", ".join(missing), "Missing column; download the template for the exact headings.")
        elif not rows:
            errors.add(2, "", "The file has no rows below the header.")
        elif len(rows) > MAX_ROWS:
            errors.add(MAX_ROWS + 2, "", f"At most {MAX_ROWS:,} rows per file.")
        if errors.items:
            outcome.errors = errors.items
            return outcome
        checker = getattr(self, f"_check_{self.kind}")
        objects = checker(rows, errors)
        if errors.items:
            outcome.errors = sorted(errors.items, key=lambda e: (e["row"], e["column"]))
            return outcome
        with transaction.atomic():
            outcome.imported = getattr(self, f"_write_{self.kind}")(objects)
            audit_record(convener=self.convener, actor=self.actor, action=f"import.{self.kind}", source="import",
                         metadata={"rows": outcome.imported})
        return outcome

    def required_columns(self) -> set[str]:
        required: dict[str, set[str]] = {
            ImportJob.Kind.PARTICIPANTS: {"first_name", "last_name"},
            ImportJob.Kind.ENROLLMENTS: {"public_id", "stream", "entry_date"},
            ImportJob.Kind.PLACEMENTS: {"public_id", "employer_name", "soc_code", "start_date", "hourly_wage",
                                        "hours_per_week"},
            ImportJob.Kind.WAGES: {"public_id", "year", "quarter", "wages"},
        }
        return required[self.kind]

    def _rows(self, rows: list[dict[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
        for index, row in enumerate(rows):
            if index and index % PROGRESS_EVERY == 0:
                self.progress(index)
            yield index + 2, row

    def _people(self, rows: list[dict[str, str]], errors: RowErrors) -> dict[str, int]:
        """public_id -> pk for the ids named in the file (one query), errors for unknown ones."""
        wanted = {r.get("public_id", "").strip().upper() for r in rows}
        known = dict(Participant.objects.for_convener(self.convener).filter(public_id__in=wanted)
                     .values_list("public_id", "pk"))
        for number, row in enumerate(rows, start=2):
            pid = row.get("public_id", "").strip().upper()
            if pid not in known:
                errors.add(number, "public_id", f"No participant {pid or '(empty)'} in this workspace.")
        return known

    # -- participants ------------------------------------------------------------------------------
    def _check_participants(self, rows: list[dict[str, str]], errors: RowErrors) -> list[tuple[Participant, list]]:
        if self.organization is None:
            errors.add(1, "", "Choose the partner organization that will own these records.")
            return []
        out = []
        hashes_in_file: dict[str, int] = {}
        choices = {name: [c for c, _ in getattr(Participant._meta.get_field(name), "choices", None) or []]
                   for name in ("sex", "ethnicity", "race", "education_at_entry", "employment_status_at_entry",
                                "snap_participation")}
        for number, row in self._rows(rows):
            p = Participant(convener=self.convener, organization=self.organization, created_by=self.actor)
            for name in ("first_name", "middle_name", "last_name", "preferred_name", "email", "phone", "address",
                         "city", "postal_code"):
                limit = getattr(Participant._meta.get_field(name), "max_length", None) or 200
                setattr(p, name, row.get(name, "")[:limit])
            if not p.first_name:
                errors.add(number, "first_name", "Required.")
            if not p.last_name:
                errors.add(number, "last_name", "Required.")
            p.state = row.get("state", "").upper()
            if p.state and len(p.state) != 2:
                errors.add(number, "state", "Two-letter state code.")
            if row.get("ssn"):
                try:
                    p.ssn = ssn_normalize(row["ssn"])
                except ValidationError as exc:
                    errors.add(number, "ssn", exc.messages[0])
            p.date_of_birth = _day(row.get("date_of_birth", ""), number, "date_of_birth", errors)
            if p.date_of_birth and not 14 <= (self.today - p.date_of_birth).days // 365 <= 100:
                errors.add(number, "date_of_birth", "Check the year (age 14 to 100).")
            for name, options in choices.items():
                setattr(p, name, _choice(row.get(name, ""), options, number, name, errors))
            p.veteran = _bool(row.get("veteran", ""), number, "veteran", errors)
            p.abawd = _bool(row.get("abawd", ""), number, "abawd", errors)
            p.hourly_wage_at_entry = _decimal(row.get("hourly_wage_at_entry", ""), number, "hourly_wage_at_entry",
                                              errors, maximum=Decimal("300"))
            for code in filter(None, (c.strip() for c in row.get("barriers", "").split(";"))):
                if code not in BARRIER_CODES:
                    errors.add(number, "barriers", f"Unknown barrier {code!r}; use {', '.join(BARRIER_CODES)}.")
                else:
                    setattr(p, BARRIER_CODES[code], True)
            for code in filter(None, (c.strip() for c in row.get("benefits", "").split(";"))):
                if code not in BENEFIT_CODES:
                    errors.add(number, "benefits", f"Unknown benefit {code!r}; use {', '.join(BENEFIT_CODES)}.")
                else:
                    setattr(p, BENEFIT_CODES[code], True)
            if p.snap_participation and not p.benefit_snap:
                errors.add(number, "snap_participation", "Only SNAP recipients take part in SNAP E&T.")
            p.intake_date = _day(row.get("intake_date", ""), number, "intake_date", errors) or self.today
            streams = []
            for code in filter(None, (c.strip() for c in row.get("streams", "").split(";"))):
                if code not in self.streams:
                    errors.add(number, "streams", f"Unknown funding stream {code!r}.")
                else:
                    streams.append(self.streams[code])
            p.ssn_hash = ssn_hash(convener_id=self.convener.pk, ssn_digits=p.ssn) if p.ssn else ""
            p.identity_hash = identity_hash(convener_id=self.convener.pk, first_name=p.first_name,
                                            last_name=p.last_name, date_of_birth=p.date_of_birth)
            if p.ssn_hash:
                if p.ssn_hash in hashes_in_file:
                    errors.add(number, "ssn", f"The same SSN as row {hashes_in_file[p.ssn_hash]}.")
                hashes_in_file.setdefault(p.ssn_hash, number)
            out.append((p, streams))
        on_file = set(Participant.objects.for_convener(self.convener).filter(
            ssn_hash__in=list(hashes_in_file)).values_list("ssn_hash", flat=True))
        for h in on_file:
            errors.add(hashes_in_file[h], "ssn", "This SSN is already on file in this workspace.")
        return out

    def _write_participants(self, objects: list[tuple[Participant, list[FundingStream]]]) -> int:
        for person, _ in objects:
            person.derive_age_at_entry()  # bulk_create skips save()
        people = Participant.objects.bulk_create([p for p, _ in objects], batch_size=1000)
        StreamEnrollment.objects.bulk_create([
            StreamEnrollment(convener=self.convener, participant=p, stream=s, entry_date=p.intake_date,
                             created_by=self.actor)
            for p, (_, streams) in zip(people, objects, strict=True) for s in streams
        ], batch_size=1000)
        return len(people)

    # -- enrollments -------------------------------------------------------------------------------
    def _check_enrollments(self, rows: list[dict[str, str]], errors: RowErrors) -> list[StreamEnrollment]:
        people = self._people(rows, errors)
        existing = set(StreamEnrollment.objects.for_convener(self.convener).filter(
            participant__in=list(people.values())).values_list("participant_id", "stream__code"))
        seen: dict[tuple[int, str], int] = {}
        out = []
        for number, row in self._rows(rows):
            pk = people.get(row.get("public_id", "").strip().upper())
            code = row.get("stream", "")
            if code not in self.streams:
                errors.add(number, "stream", f"Unknown funding stream {code!r}.")
            entry = _day(row.get("entry_date", ""), number, "entry_date", errors, required=True)
            exit_day = _day(row.get("exit_date", ""), number, "exit_date", errors)
            if entry and exit_day and exit_day < entry:
                errors.add(number, "exit_date", "Before the entry date.")
            exclusion = _choice(row.get("exclusion_reason", ""), StreamEnrollment.Exclusion.values, number,
                                "exclusion_reason", errors)
            if pk is not None and (pk, code) in existing:
                errors.add(number, "stream", "Already enrolled in this stream.")
            if pk is not None and (pk, code) in seen:
                errors.add(number, "stream", f"The same enrollment as row {seen[(pk, code)]}.")
            seen.setdefault((pk or 0, code), number)
            if pk is not None and code in self.streams and entry:
                out.append(StreamEnrollment(
                    convener=self.convener, participant_id=pk, stream=self.streams[code], entry_date=entry,
                    exit_date=exit_day, exit_reason=row.get("exit_reason", "")[:200], exclusion_reason=exclusion,
                    exit_source=StreamEnrollment.ExitSource.RECORDED if exit_day else "", created_by=self.actor))
        return out

    def _write_enrollments(self, objects: list[StreamEnrollment]) -> int:
        return len(StreamEnrollment.objects.bulk_create(objects, batch_size=1000))

    # -- placements --------------------------------------------------------------------------------
    def _check_placements(self, rows: list[dict[str, str]], errors: RowErrors) -> list[Placement]:
        people = self._people(rows, errors)
        codes = {r.get("soc_code", "") for r in rows}
        occupations = {o.soc_code: o for o in Occupation.objects.filter(soc_code__in=codes, level=3)}
        out = []
        for number, row in self._rows(rows):
            pk = people.get(row.get("public_id", "").strip().upper())
            occupation = occupations.get(row.get("soc_code", ""))
            if occupation is None:
                errors.add(number, "soc_code", f"{row.get('soc_code') or '(empty)'} is not a detailed SOC 2018 code.")
            if not row.get("employer_name"):
                errors.add(number, "employer_name", "Required.")
            start = _day(row.get("start_date", ""), number, "start_date", errors, required=True)
            wage = _decimal(row.get("hourly_wage", ""), number, "hourly_wage", errors, required=True,
                            maximum=Decimal("300"))
            hours = _decimal(row.get("hours_per_week", ""), number, "hours_per_week", errors, required=True,
                             maximum=Decimal("80"))
            related = _bool(row.get("related_to_training", "yes") or "yes", number, "related_to_training", errors)
            kind = _choice(row.get("placement_type", "") or "unsubsidized", Placement.PlacementType.values, number,
                           "placement_type", errors)
            if pk and occupation and start and wage is not None and hours is not None:
                out.append(Placement(convener=self.convener, participant_id=pk, employer_name=row["employer_name"],
                                     occupation=occupation, start_date=start, hourly_wage=wage,
                                     hours_per_week=hours, related_to_training=related, placement_type=kind,
                                     recorded_by=self.actor))
        return out

    def _write_placements(self, objects: list[Placement]) -> int:
        placements = Placement.objects.bulk_create(objects, batch_size=1000)
        RetentionCheck.objects.bulk_create([
            RetentionCheck(convener=self.convener, placement=p, milestone_days=d,
                           due_on=p.start_date + timedelta(days=d))
            for p in placements for d in RetentionCheck.MILESTONES
        ], batch_size=1000)
        return len(placements)

    # -- wages ---------------------------------------------------------------------------------------
    def _check_wages(self, rows: list[dict[str, str]], errors: RowErrors) -> list[QuarterlyWage]:
        people = self._people(rows, errors)
        existing = set(QuarterlyWage.objects.for_convener(self.convener).filter(
            participant__in=list(people.values())).values_list("participant_id", "year", "quarter", "employer_fein"))
        out = []
        for number, row in self._rows(rows):
            pk = people.get(row.get("public_id", "").strip().upper())
            source = row.get("source", "") or "ui_match"
            problems = wage_errors(year=row.get("year"), quarter=row.get("quarter"), wages=row.get("wages"),
                                   employer_fein=row.get("employer_fein", ""), source=source)
            for column, messages in problems.items():
                errors.add(number, column, messages[0])
            if pk and not problems:
                key = (pk, int(row["year"]), int(row["quarter"]), _fein(row.get("employer_fein", "")))
                if key in existing:
                    errors.add(number, "quarter", "This quarter from this employer is already recorded.")
                existing.add(key)
                out.append(QuarterlyWage(convener=self.convener, participant_id=pk, year=key[1], quarter=key[2],
                                         wages=Decimal(row["wages"].replace("$", "").replace(",", "")),
                                         employer_fein=key[3], source=source, recorded_by=self.actor))
        return out

    def _write_wages(self, objects: list[QuarterlyWage]) -> int:
        return len(QuarterlyWage.objects.bulk_create(objects, batch_size=1000))


def import_execute(*, convener: Convener, job: ImportJob) -> ImportJob:
    """Run a queued job: read, check every row, write all or nothing; the job row records the outcome."""
    job = ImportJob.objects.for_convener(convener).get(pk=job.pk)
    if job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.FAILED):
        return job  # idempotent: a redelivered task finds the job done
    ImportJob.objects.for_convener(convener).filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(n: int) -> None:
        ImportJob.objects.for_convener(convener).filter(pk=job.pk).update(processed_rows=n)

    try:
        header, rows = read_rows(bytes(job.payload), job.filename)
    except ValidationError as exc:
        outcome = Outcome(errors=[{"row": 1, "column": "", "message": exc.messages[0]}])
    else:
        ImportJob.objects.for_convener(convener).filter(pk=job.pk).update(total_rows=len(rows))
        importer = Importer(convener=convener, actor=job.created_by, kind=job.kind, organization=job.organization,
                            progress=progress)
        outcome = importer.run(header, rows)
    job.total_rows, job.processed_rows, job.imported_rows = outcome.rows, outcome.rows, outcome.imported
    job.errors = outcome.errors[:1000]
    job.status = ImportJob.Status.FAILED if outcome.errors else ImportJob.Status.SUCCEEDED
    job.finished_at = timezone.now()
    job.save(update_fields=["total_rows", "processed_rows", "imported_rows", "errors", "status", "finished_at"])
    return job
