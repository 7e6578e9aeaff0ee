"""The demo's funder dashboard shows the case studies' published outcomes (issue 7, DOMAIN.md §4; seeds/001):
OMIC's 80% completion, 78% of completers hired at about $19 an hour, and Advancing Manufacturing's Ready to Work
with 723 completers, 686 hired and 125 in OJT, as the demo funder sees them, suppression applied.

The seed runs once for the module, inside a transaction rolled back at the end, "as of" 2026-12-01: the default
view of the dashboard is the cumulative report (from the start through the last closed program year, 2025-26), the
figure funders quote, which covers every past cohort of the two case studies.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from partnerships.management.commands.seed_demo import DEMO_DOMAIN
from partnerships.models import User
from tests.oews import load_oews_extract

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        load_oews_extract()  # every area and occupation the demo uses (the full OEWS file takes longer)
        call_command("seed_demo", quiet=True, as_of=date(2026, 12, 1))
        yield
        transaction.set_rollback(True)


def tiles(html: str) -> dict[str, tuple[str, str]]:
    """Headline tiles of the dashboard: label -> (value, rate), as the page prints them."""
    found = {}
    for tile in re.findall(r'<div class="tile">(.*?)</div></div>', html, re.S):
        value = re.search(r'<div class="tile-value">(.*?)</div>', tile, re.S)
        label = re.search(r'<div class="tile-label">(.*?)</div>', tile, re.S)
        rate = re.search(r'<div class="tile-rate small"><strong>(.*?)</strong>', tile, re.S)
        assert value and label
        found[label.group(1).strip()] = (value.group(1).strip(), rate.group(1).strip() if rate else "")
    return found


def work_based_learning(html: str) -> dict[str, list[str]]:
    section = html[html.index("Work-based learning"):]
    section = section[:section.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture
def funder(seeded: None) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=f"funder@{DEMO_DOMAIN}"))
    return client


def test_omic_shows_80_percent_completion_78_percent_hired_at_19_dollars_an_hour(funder: Client) -> None:
    response = funder.get("/c/pcc-omic/outcomes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Internal figures" not in html  # the funder's view, suppressed
    figures = tiles(html)
    assert figures["Enrolled"][0] == "125"
    assert figures["Completed"] == ("100", "80%")
    assert figures["Hired in industry"] == ("78", "78%")
    assert figures["Median starting wage"][0] == "$19.00/h"


def test_advancing_manufacturing_shows_723_completers_686_hired_and_125_in_ojt(funder: Client) -> None:
    response = funder.get("/c/region-4-indiana/outcomes/")
    assert response.status_code == 200
    html = response.content.decode()
    figures = tiles(html)
    assert figures["Completed"][0] == "723"
    assert figures["Hired in industry"][0] == "686"
    learning = work_based_learning(html)
    assert learning["On-the-job training (OJT)"][0] == "125"
    assert learning["Paid internship"][0] == "140"
