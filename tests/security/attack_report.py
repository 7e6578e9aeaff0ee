"""The attack suite's tally: each test item writes its counts to a file, the session sums them.

Items may run in different pytest-xdist workers, so each writes ``var/security/attack_suite/<run>/<item>.json``;
``<run>`` is chosen once per pytest run (by the controller, before the workers start, and handed to them in the
environment). When the session ends, the controller (or the only process, without xdist) sums the files into
``var/security/attack_suite.json``, prints the totals, and fails the run if any item recorded a leak or if the whole
suite ran and made fewer than ``MINIMUM_ATTEMPTS``. Each item asserts its own floor and its own leaks too, so the
totals are enforced by ordinary test items as well (see test_attack_suite.py).

Deliberately free of Django imports: tests/conftest.py calls it from session hooks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

RUN_VARIABLE = "PORTAL_ATTACK_SUITE_RUN"
MINIMUM_ATTEMPTS = 2000
BASE = Path(__file__).resolve().parent.parent.parent / "var" / "security"
RUNS = BASE / "attack_suite"
SUMMARY = BASE / "attack_suite.json"
STALE_SECONDS = 24 * 3600
# The items whose files, all present, mean the whole suite ran (a -k selection may run only some).
SUITE_ITEMS_FILE = "expected_items.json"


def _is_worker(config: Any) -> bool:
    return hasattr(config, "workerinput")


def configure_run(config: Any) -> None:
    """Controller (or single process): pick this run's id before any worker starts; drop day-old run folders."""
    if _is_worker(config):
        return
    os.environ[RUN_VARIABLE] = uuid.uuid4().hex
    if RUNS.is_dir():
        for old in RUNS.iterdir():
            if old.is_dir() and time.time() - old.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)


def run_dir() -> Path:
    path = RUNS / os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex)
    path.mkdir(parents=True, exist_ok=True)
    return path


def record_item(nodeid: str, tally: dict[str, Any]) -> Path:
    """One item's counts: {"attempts": {kind: n}, "leaks": [...], "seconds": s, ...}."""
    name = re.sub(r"[^\w.-]+", "_", nodeid)[-180:]
    path = run_dir() / f"{name}.json"
    path.write_text(json.dumps({"item": nodeid, **tally}, indent=1, sort_keys=True))
    return path


def record_expected_items(nodeids: list[str]) -> None:
    (run_dir() / SUITE_ITEMS_FILE).write_text(json.dumps(sorted(nodeids)))


def summarize(path: Path | None = None) -> dict[str, Any] | None:
    """The sum of this run's item files, or None when no attack-suite item ran."""
    folder = path or RUNS / os.environ.get(RUN_VARIABLE, "-")
    if not folder.is_dir():
        return None
    items = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json")) if p.name != SUITE_ITEMS_FILE]
    if not items:
        return None
    attempts: dict[str, int] = {}
    leaks: list[str] = []
    for item in items:
        for kind, n in item.get("attempts", {}).items():
            attempts[kind] = attempts.get(kind, 0) + n
        leaks.extend(item.get("leaks", []))
    expected_file = folder / SUITE_ITEMS_FILE
    expected = set(json.loads(expected_file.read_text())) if expected_file.exists() else set()
    ran = {item["item"] for item in items}
    return {
        "attempts_total": sum(attempts.values()),
        "attempts_by_kind": dict(sorted(attempts.items())),
        "leaks": len(leaks),
        "leak_details": leaks[:200],
        "items": len(items),
        "complete": bool(expected) and expected <= ran,
        "item_seconds": round(sum(item.get("seconds", 0.0) for item in items), 1),
        "per_item": {item["item"]: {"attempts": sum(item.get("attempts", {}).values()),
                                    "leaks": len(item.get("leaks", [])), "seconds": item.get("seconds")}
                     for item in items},
    }


def finish_run(session: Any) -> None:
    """Controller (or single process): write the summary, print it, fail the run on a leak or a short suite."""
    if _is_worker(session.config):
        return
    summary = summarize()
    if summary is None:
        return
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=1))
    by_kind = ", ".join(f"{kind} {n}" for kind, n in summary["attempts_by_kind"].items())
    line = (f"cross-tenant attack suite: {summary['attempts_total']} attempts ({by_kind}), {summary['leaks']} leaks, "
            f"{summary['items']} items, {summary['item_seconds']} s in items -> {SUMMARY}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    failed = summary["leaks"] > 0 or (summary["complete"] and summary["attempts_total"] < MINIMUM_ATTEMPTS)
    if failed and session.exitstatus == 0:
        if reporter is not None:
            reporter.write_line(f"cross-tenant attack suite FAILED: {summary['leaks']} leaks, "
                                f"{summary['attempts_total']} attempts (minimum {MINIMUM_ATTEMPTS})", red=True)
        session.exitstatus = 1
