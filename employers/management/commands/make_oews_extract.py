"""Cut the small OEWS extract the tests load (tests/fixtures/oews-extract.sqlite.gz), with the loader's own code."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from employers.demo_occupations import DEMO_AREAS, DEMO_OCCUPATIONS
from employers.oews import oews_extract

DEFAULT_TARGET = Path(settings.BASE_DIR) / "tests" / "fixtures" / "oews-extract.sqlite.gz"


class Command(BaseCommand):
    help = "Write a small OEWS file (the seed partnerships' areas and occupations) for tests."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--target", type=Path, default=DEFAULT_TARGET)

    def handle(self, *args: Any, target: Path, **options: Any) -> None:
        path = oews_extract(target=target, area_codes=DEMO_AREAS, occupation_codes=DEMO_OCCUPATIONS)
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes)")
