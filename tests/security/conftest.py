"""Fixtures and hooks of the security tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.attack_report import record_expected_items

ATTACK_SUITE = "tests/security/test_attack_suite.py::"


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect anything: the full list says what "the whole suite" is
def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    suite = [item.nodeid for item in items if item.nodeid.startswith(ATTACK_SUITE)
             and getattr(item.function, "attack_item", False)]  # type: ignore[attr-defined]
    if suite:
        record_expected_items(suite)
