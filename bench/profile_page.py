"""Where one page's or API call's time goes (not a test): its SQL statements, slowest first, and a pyinstrument
profile of the Python side, on the bench tenant.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/profile_page.py \\
        /c/report-bench-1-00/participants/ --who case_manager [--repeat 20] [--explain]

``--who`` is one of bench/web.py's logins (admin, case_manager, funder). The request goes through Django's test
client with the full middleware stack, signed in with MFA marked done, against the bench database, under the
production settings (DEBUG off, cached templates).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--who", default="admin")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the three slowest statements")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    import web

    os.environ.update(web.SERVER_ENV)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # the test client's requests are marked secure instead
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")  # as gunicorn runs it
    import logging

    import django

    django.setup()
    logging.getLogger("partnerships").setLevel(logging.ERROR)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from partnerships.security.policy import stamp_session

    slug = args.path.strip("/").split("/")[1 if args.path.startswith(("/c/", "/api/v1/c/")) else 0]
    if args.path.startswith("/api/"):
        slug = args.path.split("/")[4]
    email = f"bench-{args.who.replace('_', '-')}-{slug}@bench.example"
    user = get_user_model().objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.session
    stamp_session(session, user)
    session.save()
    response = client.get(args.path, secure=True)
    say(f"{args.path} as {args.who}: {response.status_code}, {len(response.content):,} bytes")
    with CaptureQueriesContext(connection) as ctx:
        t0 = perf_counter()
        client.get(args.path, secure=True)
        one = perf_counter() - t0
    sql_total = sum(float(q["time"]) for q in ctx.captured_queries)
    say(f"one request: {one * 1000:.1f} ms, {len(ctx.captured_queries)} queries, {sql_total * 1000:.1f} ms in SQL")
    for query in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]:
        say(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    if args.explain:
        with connection.cursor() as cursor:
            for query in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                say("\n".join(row[0] for row in cursor.fetchall()))
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        client.get(args.path, secure=True)
    profiler.stop()
    say(profiler.output_text(unicode=False, color=False, show_all=False))
    say("Self time by function (flat):")
    say("\n".join(profiler.output_text(unicode=False, color=False, flat=True).splitlines()[:40]))


if __name__ == "__main__":
    main()
