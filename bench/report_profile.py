"""Where the report's time goes (not a test): every SQL statement of one run of reports.engine.compute_figures on
the benchmark tenant, with its time, slowest first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/report_profile.py [--scale 1]
        [--dump figures.json]

--dump writes the figures (compute_figures' JSON, keys sorted) to a file, to diff two versions of the engine.

Needs a tenant made by bench/report_scale.py (slug report-bench-<scale>).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--dump", help="write the figures as JSON to this file")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db.backends import utils
    from report_scale import AS_OF, PERIOD_END, PERIOD_START, slug_of  # type: ignore[import-not-found]

    from partnerships.models import Convener
    from reports.engine import ReportInputs, compute_figures

    timings: list[tuple[float, str]] = []
    original = utils.CursorWrapper.execute

    def timed(self, sql, params=None):  # type: ignore[no-untyped-def]
        started = perf_counter()
        try:
            return original(self, sql, params)
        finally:
            label = " ".join(str(sql).split())[:110]
            timings.append((perf_counter() - started, label))

    utils.CursorWrapper.execute = timed  # type: ignore[method-assign]
    convener = Convener.objects.get(slug=slug_of(float(args.scale)))
    inputs = ReportInputs(scope="convener", period_start=PERIOD_START, period_end=PERIOD_END, as_of=AS_OF)
    started = perf_counter()
    figures = compute_figures(convener=convener, inputs=inputs)
    total = perf_counter() - started
    sys.stdout.write(f"compute_figures: {total:.1f} s, {len(timings)} statements\n")
    for seconds, label in sorted(timings, reverse=True)[:25]:
        sys.stdout.write(f"{seconds:7.2f} s  {label}\n")
    if args.dump:
        Path(args.dump).write_text(json.dumps(figures, indent=1, sort_keys=True, default=str) + "\n")


if __name__ == "__main__":
    main()
