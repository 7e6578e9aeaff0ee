import pytest
from rest_framework.test import APIClient

@pytest.mark.parametrize("start,end", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")])
def test_cohort_dates_at_calendar_ends(world, start, end):
    side = world.a
    c = APIClient(); c.force_authenticate(side.admin)
    body = {"program": side.program.pk, "partnership": side.granted_partnership.pk, "name": "Edge",
            "start_date": start, "end_date": end, "seats": 5, "weekly_pattern": {"0": "classroom", "4": "classroom"}}
    r = c.post(f"/api/v1/c/{side.convener.slug}/cohorts/", body, format="json")
    print(start, r.status_code, r.content[:300])
    assert r.status_code < 500

@pytest.mark.parametrize("due", ["9999-12-31", "0001-01-01"])
def test_action_item_due_dates(world, due):
    side = world.a
    c = APIClient(); c.force_authenticate(side.admin)
    r = c.post(f"/api/v1/c/{side.convener.slug}/action-items/", {"partnership": side.granted_partnership.pk, "title": "x", "due_on": due, "meeting": side.meetings["industry"].pk}, format="json")
    print(due, r.status_code, r.content[:300])
    assert r.status_code < 500

@pytest.mark.parametrize("when", ["9999-12-31T22:00:00-05:00", "9999-12-31T23:59:59+00:00"])
def test_meeting_at_end(world, when):
    side = world.a
    c = APIClient(); c.force_authenticate(side.admin)
    r = c.post(f"/api/v1/c/{side.convener.slug}/meetings/", {"council": side.councils["industry"].pk, "title": "x", "starts_at": when}, format="json")
    print(when, r.status_code, r.content[:300])
    assert r.status_code < 500
