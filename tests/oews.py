"""Load the committed OEWS extract (cut from the real May 2025 file by employers.oews.oews_extract), and make sure
the O*NET skills are there (a data migration loads them; a transactional test's flush empties the table)."""

import importlib
from pathlib import Path

from django.apps import apps

from employers.oews import LoadResult, oews_load

EXTRACT = Path(__file__).parent / "fixtures" / "oews-extract.sqlite.gz"


def load_oews_extract() -> LoadResult:
    ensure_onet_skills()
    return oews_load(source=EXTRACT)


def ensure_onet_skills() -> None:
    from employers.models import Skill

    if Skill.objects.count() < 35:
        importlib.import_module("employers.migrations.0003_onet_skills").load(apps, None)
