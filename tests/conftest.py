"""Shared pytest options and fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

# REVIEW-DATE compares a plan without event dates (plans/foundation-team.yaml, an online
# project) with the day `check` runs, so a test that checks the example plans with no
# warnings would start failing a year after their `last_reviewed`. Such tests pin the
# lint's today to a date shortly after the example plans were last reviewed (autumn 2026).
EXAMPLE_PLANS_TODAY = dt.date(2026, 12, 1)


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the expected-output files (tests/fixtures/bad/*.expected) from the current output; review the diff.",
    )


@pytest.fixture
def example_plans_today(monkeypatch) -> dt.date:
    """Pin the date the lint rules take as today (REVIEW-DATE) to EXAMPLE_PLANS_TODAY."""
    from generator.plan import lint

    monkeypatch.setattr(lint, "_today", lambda: EXAMPLE_PLANS_TODAY)
    return EXAMPLE_PLANS_TODAY
