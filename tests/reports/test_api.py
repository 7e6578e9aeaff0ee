"""The reports API: asking for a run and following it to its snapshot, bad input that saves nothing, funders held
to their granted partnerships (404 for any other snapshot, 400 asking for one) and shown suppressed figures,
partners refused, comparing two snapshots without revealing a hidden figure, exports that are audited, and list
endpoints that cost a fixed number of queries."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import reports
from partnerships.models import AuditEvent
from partnerships.roles import Role
from reports.api import serializers as s
from reports.models import ReportRun, ReportSnapshot
from reports.presentation import ReportView
from reports.services import report_run_execute, report_run_request
from tests.conftest import TenantSide, World

API = "/api/v1/c/alpha"
AS_OF = date(2026, 1, 15)  # the world's report is of program year 2024, as of this day
PARTNERS = [Role.EMPLOYER_REP, Role.CASE_MANAGER, Role.PROVIDER_STAFF]


def computed(side: TenantSide, *, by: Role = Role.CONVENER_ADMIN, scope: str = "partnership",
             scope_id: int | None = None, **inputs: Any) -> ReportSnapshot:
    """A report asked for and computed through the services, as the page and the worker do it."""
    if scope == "partnership" and scope_id is None:
        scope_id = side.granted_partnership.pk
    inputs.setdefault("as_of", AS_OF)
    inputs.setdefault("period_kind", "program_year")
    if inputs["period_kind"] == "program_year":
        inputs.setdefault("program_year", 2024)
    run = report_run_request(convener=side.convener, actor=side.users[by], membership=side.memberships[by],
                             scope=scope, scope_id=scope_id, **inputs)
    snapshot = report_run_execute(convener=side.convener, run=run)
    assert snapshot is not None
    return snapshot


def counts() -> tuple[int, int, int]:
    return ReportRun.unscoped.count(), ReportSnapshot.unscoped.count(), AuditEvent.unscoped.count()


def headline(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {cell["key"]: cell for cell in body["headline"]}


def cells_of(value: Any) -> list[dict[str, Any]]:
    """Every cell (a dict with ``suppressed``) anywhere in a presented view."""
    if isinstance(value, dict):
        found = [value] if "suppressed" in value and "text" in value else []
        return found + [c for v in value.values() for c in cells_of(v)]
    if isinstance(value, list):
        return [c for v in value for c in cells_of(v)]
    return []


@pytest.fixture
def funder(world: World, api_client_for: Callable[..., Any]) -> Any:
    return api_client_for(world.a.users[Role.FUNDER])


@pytest.fixture
def admin(world: World, api_client_for: Callable[..., Any]) -> Any:
    return api_client_for(world.a.admin)


# ---------------------------------------------------------------------------------------------------
# Asking for a report
# ---------------------------------------------------------------------------------------------------
def test_convener_admin_asks_for_a_report_and_follows_the_run_to_its_snapshot(world: World, admin: Any) -> None:
    before = counts()
    response = admin.post(f"{API}/report-runs/", {
        "scope": "partnership", "scope_id": world.a.granted_partnership.pk, "period_kind": "quarter",
        "year": 2025, "quarter": 1, "hire_window_days": 120, "notify": True}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["progress"] == 0
    assert body["snapshot"] is None and body["snapshot_url"] is None and body["finished_at"] is None
    assert (body["scope"], body["scope_id"]) == ("partnership", world.a.granted_partnership.pk)
    assert body["scope_label"] == "Alpha Healthcare Partnership"
    assert (body["period_start"], body["period_end"], body["hire_window_days"]) == ("2025-01-01", "2025-03-31", 120)
    assert body["trigger"] == "api" and body["notify"] is True
    assert body["requested_by"]["id"] == world.a.admin.pk
    assert response["Location"].endswith(f"{API}/report-runs/{body['id']}/")
    assert counts()[:2] == (before[0] + 1, before[1])
    assert AuditEvent.objects.for_convener(world.a.convener).filter(
        action="report.request", target_id=str(body["id"])).exists()

    # The worker (eager in tests, but on_commit does not fire inside the test's transaction) computes it.
    run = ReportRun.objects.for_convener(world.a.convener).get(pk=body["id"])
    snapshot = report_run_execute(convener=world.a.convener, run=run)
    assert snapshot is not None

    body = admin.get(f"{API}/report-runs/{run.pk}/").json()
    assert body["status"] == "succeeded" and body["progress"] == 100 and body["step"] == "Ready"
    assert body["started_at"] and body["finished_at"] and body["error"] == ""
    assert body["snapshot"] == snapshot.pk
    assert body["snapshot_url"] == f"http://testserver{API}/report-snapshots/{snapshot.pk}/"

    detail = admin.get(body["snapshot_url"])
    assert detail.status_code == 200
    assert detail.json()["id"] == snapshot.pk and detail.json()["period_kind"] == "quarter"


def test_the_same_report_asked_twice_while_queued_is_one_run(world: World, admin: Any) -> None:
    payload = {"scope": "convener", "period_kind": "since_start"}
    first = admin.post(f"{API}/report-runs/", payload, format="json")
    second = admin.post(f"{API}/report-runs/", payload, format="json")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["scope_id"] is None and first.json()["scope_label"] == "Whole workspace"


BAD_INPUT = {
    "unknown scope": ({"scope": "galaxy", "scope_id": 1}, {"scope"}),
    "period ends before it starts": ({"scope": "partnership", "period_kind": "custom", "period_start": "2025-03-01",
                                      "period_end": "2025-01-31"}, {"period_end"}),
    "custom without dates": ({"scope": "partnership", "period_kind": "custom"}, {"period_start", "period_end"}),
    "no hiring window": ({"scope": "partnership", "hire_window_days": 0}, {"hire_window_days"}),
    "unknown period": ({"scope": "partnership", "period_kind": "fortnight"}, {"period_kind"}),
    "a quarter without its year": ({"scope": "partnership", "period_kind": "quarter", "quarter": 2}, {"year"}),
    "no such partnership": ({"scope": "partnership", "scope_id": 999_999}, {"scope_id"}),
    "a partnership without its id": ({"scope": "partnership", "scope_id": None}, {"scope_id"}),
}


@pytest.mark.parametrize("payload,fields", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_a_400_with_field_errors_and_creates_nothing(world: World, admin: Any, payload: dict[str, Any],
                                                                 fields: set[str]) -> None:
    payload = dict(payload)
    if payload.get("scope") == "partnership" and "scope_id" not in payload:
        payload["scope_id"] = world.a.granted_partnership.pk
    before = counts()
    response = admin.post(f"{API}/report-runs/", payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == fields, response.json()
    assert counts() == before


def test_another_workspaces_partnership_or_a_body_that_is_not_an_object_is_a_400(world: World, admin: Any) -> None:
    before = counts()
    theirs = admin.post(f"{API}/report-runs/", {"scope": "partnership",
                                                "scope_id": world.b.granted_partnership.pk}, format="json")
    assert theirs.status_code == 400 and set(theirs.json()) == {"scope_id"}
    assert "Beta" not in theirs.content.decode()
    listed = admin.post(f"{API}/report-runs/", [{"scope": "convener"}], format="json")
    assert listed.status_code == 400 and set(listed.json()) == {"non_field_errors"}
    assert counts() == before


def test_the_text_of_a_failure_is_for_convener_staff_only(world: World, funder: Any, admin: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("engine broke on Alpha's wage rows")

    monkeypatch.setattr("reports.services.compute_figures", broken)
    run = report_run_request(convener=world.a.convener, actor=world.a.users[Role.FUNDER],
                             membership=world.a.memberships[Role.FUNDER], scope="partnership",
                             scope_id=world.a.granted_partnership.pk, period_kind="since_start", as_of=AS_OF,
                             trigger="api")
    with pytest.raises(RuntimeError):
        report_run_execute(convener=world.a.convener, run=run)
    as_admin = admin.get(f"{API}/report-runs/{run.pk}/").json()
    as_funder = funder.get(f"{API}/report-runs/{run.pk}/").json()
    assert as_admin["status"] == as_funder["status"] == "failed"
    assert "engine broke" in as_admin["error"]
    assert as_funder["error"] == "" and as_funder["snapshot"] is None


def test_run_lists_filter_by_status_scope_and_partnership(world: World, admin: Any) -> None:
    computed(world.a, scope_id=world.a.other_partnership.pk)
    queued = admin.post(f"{API}/report-runs/", {"scope": "convener"}, format="json").json()
    assert {r["id"] for r in admin.get(f"{API}/report-runs/?status=queued").json()["results"]} == {queued["id"]}
    assert {r["id"] for r in admin.get(f"{API}/report-runs/?scope=convener").json()["results"]} == {queued["id"]}
    other = admin.get(f"{API}/report-runs/?partnership={world.a.other_partnership.pk}").json()["results"]
    assert [r["scope_id"] for r in other] == [world.a.other_partnership.pk]
    assert admin.get(f"{API}/report-runs/?status=sideways").status_code == 400


# ---------------------------------------------------------------------------------------------------
# Funders: their granted partnerships only, suppressed
# ---------------------------------------------------------------------------------------------------
@pytest.fixture
def others(world: World) -> dict[str, ReportSnapshot]:
    """Snapshots the funder may not see: the ungranted partnership's, and each scope that can mix partnerships."""
    a = world.a
    assert a.program and a.cohort
    return {
        "ungranted partnership": computed(a, scope_id=a.other_partnership.pk),
        "program": computed(a, scope="program", scope_id=a.program.pk),
        "cohort": computed(a, scope="cohort", scope_id=a.cohort.pk),
        "whole workspace": computed(a, scope="convener"),
    }


def test_a_funder_lists_only_its_granted_partnerships_snapshots(world: World, funder: Any, admin: Any,
                                                                others: dict[str, ReportSnapshot]) -> None:
    assert world.a.report is not None
    listed = funder.get(f"{API}/report-snapshots/").json()
    assert listed["count"] == 1
    assert [row["id"] for row in listed["results"]] == [world.a.report.pk]
    everything = {row["id"] for row in admin.get(f"{API}/report-snapshots/").json()["results"]}
    assert everything == {world.a.report.pk, *(snap.pk for snap in others.values())}


def test_a_snapshot_list_carries_headers_never_figures(world: World, admin: Any) -> None:
    row = admin.get(f"{API}/report-snapshots/").json()["results"][0]
    assert set(row) == set(s.ReportSnapshotSerializer.Meta.fields)
    assert row["scope_label"] == "Alpha Healthcare Partnership" and row["period_label"]


def test_snapshot_lists_filter_by_partnership_scope_and_period(world: World, admin: Any,
                                                               others: dict[str, ReportSnapshot]) -> None:
    def ids(query: str) -> set[int]:
        return {row["id"] for row in admin.get(f"{API}/report-snapshots/?{query}").json()["results"]}

    assert ids(f"partnership={world.a.other_partnership.pk}") == {others["ungranted partnership"].pk}
    assert ids("scope=cohort") == {others["cohort"].pk}
    since = computed(world.a, period_kind="since_start")
    assert ids("period_kind=since_start") == {since.pk}


def test_a_funder_sees_suppressed_figures_and_convener_staff_see_them_all(world: World, funder: Any,
                                                                         api_client_for: Any) -> None:
    snapshot = world.a.report
    assert snapshot is not None
    body = funder.get(f"{API}/report-snapshots/{snapshot.pk}/").json()
    assert body["internal"] is False and body["suppression_threshold"] == 10
    enrolled = headline(body)["enrolled"]
    assert (enrolled["value"], enrolled["suppressed"], enrolled["text"], enrolled["people"]) == (
        None, True, "Suppressed", None)
    # No cell anywhere shows a figure computed over fewer people than the threshold.
    shown = [c for c in cells_of(body) if not c["suppressed"] and c.get("people") is not None]
    assert all(c["people"] >= 10 for c in shown), shown
    assert {c["text"] for c in cells_of(body["headline"])} <= {"Suppressed", "—"}

    for role in (Role.CONVENER_ADMIN, Role.CONVENER_STAFF):
        staff = api_client_for(world.a.users[role]).get(f"{API}/report-snapshots/{snapshot.pk}/").json()
        assert staff["internal"] is True and staff["suppression_threshold"] is None
        figure = headline(staff)["enrolled"]
        assert (figure["value"], figure["suppressed"], figure["people"]) == (2, False, 2)
        assert set(staff) == set(s.ReportSnapshotDetailSerializer.Meta.fields)


def test_a_snapshot_shows_its_trend_since_the_version_before(world: World, admin: Any) -> None:
    first = world.a.report
    assert first is not None
    later = computed(world.a, as_of=date(2026, 2, 15))  # the same program year a month on: its next version
    body = admin.get(f"{API}/report-snapshots/{later.pk}/").json()
    assert body["version"] == 2 and body["compared_with"]["id"] == first.pk
    assert headline(body)["enrolled"]["trend"] == {"value": 0, "text": "±0", "suppressed": False, "people": None}
    assert admin.get(f"{API}/report-snapshots/{first.pk}/").json()["compared_with"] is None


@pytest.mark.parametrize("which", ["ungranted partnership", "program", "cohort", "whole workspace"])
def test_a_funder_gets_404_for_any_snapshot_but_its_partnerships(world: World, funder: Any, which: str,
                                                                 others: dict[str, ReportSnapshot]) -> None:
    assert world.a.report is not None
    before = counts()
    hidden = others[which].pk
    for path in (f"report-snapshots/{hidden}/", f"report-snapshots/{hidden}/compare/?with={world.a.report.pk}",
                 f"report-snapshots/{world.a.report.pk}/compare/?with={hidden}",
                 f"report-snapshots/{hidden}/export/?file_format=csv"):
        response = funder.get(f"{API}/{path}")
        assert response.status_code == 404, (path, response.status_code)
        assert "Manufacturing" not in response.content.decode()
    assert counts() == before  # nothing audited


def test_a_funder_may_ask_only_for_its_granted_partnerships_reports(world: World, funder: Any) -> None:
    a = world.a
    assert a.program is not None
    before = counts()
    for payload in ({"scope": "partnership", "scope_id": a.other_partnership.pk},
                    {"scope": "program", "scope_id": a.program.pk}, {"scope": "convener"}):
        response = funder.post(f"{API}/report-runs/", payload, format="json")
        assert response.status_code == 400, (payload, response.status_code)
        assert set(response.json()) == {"scope_id"}
    assert counts() == before

    granted = funder.post(f"{API}/report-runs/", {"scope": "partnership", "scope_id": a.granted_partnership.pk,
                                                  "period_kind": "since_start"}, format="json")
    assert granted.status_code == 202
    assert granted.json()["requested_by"]["id"] == a.users[Role.FUNDER].pk
    # Every run of the granted partnership's reports is listed (a request for the same inputs as a run convener
    # staff started shares that run), but who asked shows only when it is the funder.
    listed = [r["id"] for r in funder.get(f"{API}/report-runs/").json()["results"]]
    assert listed == [granted.json()["id"], a.report_run.pk]
    staff_run = funder.get(f"{API}/report-runs/{a.report_run.pk}/")
    assert staff_run.status_code == 200 and staff_run.json()["requested_by"] is None


@pytest.mark.parametrize("role", PARTNERS)
def test_employers_case_managers_and_providers_are_refused(world: World, api_client_for: Any, role: Role) -> None:
    client = api_client_for(world.a.users[role])
    assert world.a.report is not None and world.a.report_run is not None
    snap, run = world.a.report.pk, world.a.report_run.pk
    before = counts()
    for path in ("report-runs/", f"report-runs/{run}/", "report-snapshots/", f"report-snapshots/{snap}/",
                 f"report-snapshots/{snap}/compare/?with={snap}", f"report-snapshots/{snap}/export/"):
        assert client.get(f"{API}/{path}").status_code == 403, path
    response = client.post(f"{API}/report-runs/", {"scope": "partnership",
                                                   "scope_id": world.a.granted_partnership.pk}, format="json")
    assert response.status_code == 403
    assert counts() == before


# ---------------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------------
def test_convener_staff_compare_two_snapshots_measure_by_measure(world: World, admin: Any) -> None:
    assert world.a.report is not None
    empty = computed(world.a, period_kind="custom", period_start=date(2023, 1, 1), period_end=date(2023, 12, 31))
    response = admin.get(f"{API}/report-snapshots/{world.a.report.pk}/compare/?with={empty.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["snapshot"]["id"] == world.a.report.pk and body["other"]["id"] == empty.pk
    assert body["snapshot"]["compared_with"]["id"] == empty.pk
    differences = {d["key"]: d for d in body["differences"]}
    assert list(differences) == [c["key"] for c in body["snapshot"]["headline"]]
    assert differences["enrolled"]["value"] == 2 and differences["enrolled"]["text"] == "+2"
    assert differences["enrolled"]["suppressed"] is False
    # Nobody was placed in 2023, so there is no wage to subtract from.
    assert differences["wage_median"]["value"] is None and differences["wage_median"]["text"] == "—"


def test_a_funder_compares_without_seeing_a_hidden_figure(world: World, funder: Any) -> None:
    world.a.convener.suppression_threshold = 2  # as set in the admin: two enrolled show, one completer does not
    world.a.convener.save(update_fields=["suppression_threshold"])
    assert world.a.report is not None
    since = computed(world.a, period_kind="since_start")
    body = funder.get(f"{API}/report-snapshots/{world.a.report.pk}/compare/?with={since.pk}").json()
    differences = {d["key"]: d for d in body["differences"]}
    assert differences["enrolled"]["value"] == 0 and differences["enrolled"]["suppressed"] is False
    for key in ("completed", "hired", "wage_median"):
        assert headline(body["snapshot"])[key]["suppressed"] is True
        assert differences[key] == {"key": key, "label": differences[key]["label"], "value": None,
                                    "text": "Suppressed", "suppressed": True}
    assert body["snapshot"]["internal"] is False and body["other"]["internal"] is False


def test_compare_needs_a_snapshot_to_compare_with_that_the_caller_may_see(world: World, admin: Any) -> None:
    assert world.a.report is not None and world.b.report is not None
    url = f"{API}/report-snapshots/{world.a.report.pk}/compare/"
    missing = admin.get(url)
    assert missing.status_code == 400 and set(missing.json()) == {"with"}
    assert admin.get(f"{url}?with=soon").status_code == 400
    assert admin.get(f"{url}?with={world.b.report.pk}").status_code == 404  # another workspace's


# ---------------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------------
@pytest.fixture
def exports_spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ReportView]]:
    """reports.exports replaced by builders that record the view they were given: what the API sends is what
    the presentation decided for the caller."""
    calls: list[tuple[str, ReportView]] = []
    module = types.ModuleType("reports.exports")

    def builder(file_format: str) -> Callable[[ReportView], bytes]:
        def build(view: ReportView) -> bytes:
            calls.append((file_format, view))
            return f"{file_format} of {view.snapshot.pk}".encode()
        return build

    for file_format in ("csv", "xlsx", "pdf"):
        setattr(module, f"snapshot_{file_format}", builder(file_format))
    monkeypatch.setitem(sys.modules, "reports.exports", module)
    monkeypatch.setattr(reports, "exports", module, raising=False)
    return calls


@pytest.mark.parametrize("file_format,content_type", [
    ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pdf", "application/pdf"),
])
def test_a_funder_exports_the_suppressed_view_and_the_export_is_audited(
        world: World, funder: Any, exports_spy: list[tuple[str, ReportView]], file_format: str,
        content_type: str) -> None:
    snapshot = world.a.report
    assert snapshot is not None
    response = funder.get(f"{API}/report-snapshots/{snapshot.pk}/export/?file_format={file_format}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="report-{snapshot.pk}-v1.{file_format}"'
    assert response.content == f"{file_format} of {snapshot.pk}".encode()
    [(built, view)] = exports_spy
    assert built == file_format and view.internal is False
    assert next(t for t in view.tiles if t.measure.key == "enrolled").cell.suppressed
    event = AuditEvent.objects.for_convener(world.a.convener).get(action="report.export")
    assert (event.actor, event.source, event.target_id) == (world.a.users[Role.FUNDER], "api", str(snapshot.pk))
    assert event.metadata == {"kind": "report", "format": file_format, "internal": False}


def test_an_export_is_not_refused_for_its_accept_header_and_an_unknown_format_is_a_400(
        world: World, admin: Any, exports_spy: list[tuple[str, ReportView]]) -> None:
    snapshot = world.a.report
    assert snapshot is not None
    url = f"{API}/report-snapshots/{snapshot.pk}/export/"
    by_default = admin.get(url, HTTP_ACCEPT="application/pdf")  # the file is chosen by file_format, csv by default
    assert by_default.status_code == 200 and by_default["Content-Type"].startswith("text/csv")
    assert exports_spy[0][1].internal is True
    before = counts()
    wrong = admin.get(f"{url}?file_format=docx")
    assert wrong.status_code == 400 and set(wrong.json()) == {"file_format"}
    assert counts() == before


@pytest.mark.parametrize("file_format,magic", [("csv", b""), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_exports_are_real_files(world: World, admin: Any, file_format: str, magic: bytes) -> None:
    pytest.importorskip("reports.exports", reason="reports/exports.py has not landed yet")
    snapshot = world.a.report
    assert snapshot is not None
    before = counts()
    response = admin.get(f"{API}/report-snapshots/{snapshot.pk}/export/?file_format={file_format}")
    assert response.status_code == 200
    assert response.content.startswith(magic) and len(response.content) > 100
    assert counts()[2] == before[2] + 1


# ---------------------------------------------------------------------------------------------------
# Query counts: a list costs the same for 1 row as for 5
# ---------------------------------------------------------------------------------------------------
# Per list: the caller's membership with its convener (one query; the funder's grant is a sub-select), then the
# page's count and its rows, each row's scope object joined in.
EXPECTED_QUERIES = {
    ("report-runs", Role.CONVENER_ADMIN): 3,
    ("report-runs", Role.FUNDER): 3,
    ("report-snapshots", Role.CONVENER_ADMIN): 3,
    ("report-snapshots", Role.FUNDER): 3,
}
EXTRA_INPUTS: list[dict[str, Any]] = [{"hire_window_days": days} for days in (30, 60, 120, 180, 365)]


@pytest.mark.parametrize("endpoint,role", EXPECTED_QUERIES.keys(), ids=[f"{e}-{r}" for e, r in EXPECTED_QUERIES])
def test_list_endpoints_cost_the_same_for_1_and_5_rows(world: World, api_client_for: Any,
                                                       django_assert_num_queries: Any, endpoint: str,
                                                       role: Role) -> None:
    client = api_client_for(world.a.users[role])
    url = f"{API}/{endpoint}/"
    extra = iter(EXTRA_INPUTS)
    for size in (1, 5):
        while client.get(url).json()["count"] < size:
            computed(world.a, by=role, **next(extra))
        with django_assert_num_queries(EXPECTED_QUERIES[endpoint, role]) as queries:
            response = client.get(url)
        assert response.status_code == 200 and len(response.json()["results"]) == size
        assert not [q for q in queries.captured_queries if '."figures"' in q["sql"]]  # headers only
