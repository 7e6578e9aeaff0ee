"""Load BLS OEWS May 2025 occupations, areas and wages into the project's tables (bulk, idempotent)."""

from pathlib import Path
from time import perf_counter
from typing import Any

from django.core.management.base import BaseCommand

from employers.oews import oews_load


class Command(BaseCommand):
    help = "Load SOC 2018 occupations and OEWS May 2025 wages (nation, states, metro areas)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", type=Path, help="An OEWS .sqlite or .sqlite.gz (default: the bundled file)")

    def handle(self, *args: Any, source: Path | None = None, **options: Any) -> None:
        started = perf_counter()
        result = oews_load(source=source)
        self.stdout.write(
            f"OEWS May 2025 loaded: {result.areas} areas, {result.occupations} occupations, "
            f"{result.wages} area-occupation wage rows in {perf_counter() - started:.1f}s"
        )
