"""Report tests read the world's computed report (the world builds it on first use, tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(world):
    world.a.report  # noqa: B018 (computes it)
    world.b.report  # noqa: B018
    return world
