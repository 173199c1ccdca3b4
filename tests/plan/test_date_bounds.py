"""Dates at the edges of the calendar are located errors, never a crash or a minute-long build."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from generator.cli import main


def event_at(starts: str, ends: str, zone: str = "Europe/London"):
    def change(data):
        data["event"].update(starts=dt.date.fromisoformat(starts), ends=dt.date.fromisoformat(ends), timezone=zone)
    return change


def last_shift_ends(moment: str):
    def change(data):
        data["rota"][-1]["end"] = dt.datetime.fromisoformat(moment)
    return change


@pytest.mark.parametrize("change, field", [
    (event_at("9999-12-29", "9999-12-31"), "starts"),
    (event_at("0001-01-01", "0001-01-02", "Pacific/Kiritimati"), "starts"),
    (event_at("1999-12-31", "2000-01-02", "Pacific/Kiritimati"), "starts"),
    (last_shift_ends("9999-12-31 23:00"), "end"),
    (lambda data: data["event"].update(last_reviewed=dt.date(1, 1, 1)), "last_reviewed"),
])
def test_a_date_outside_the_plans_range_is_a_located_error(write_plan, change, field):
    plan = write_plan(change)
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    located = [line for line in result.output.splitlines() if "is out of range: dates in a plan lie between 2000-01-01 and 2099-12-31" in line]
    assert located and all(re.match(rf"{re.escape(str(plan))}:\d+:\d+: error: ", line) for line in located)
    assert "internal error" not in result.output and "Traceback" not in result.output
    text = plan.read_text(encoding="utf-8").splitlines()
    line_number = int(located[0].split(":")[1])
    assert f"{field}:" in text[line_number - 1] or text[line_number - 1].lstrip().startswith("- ")


def test_the_last_day_of_the_range_is_fine(write_plan):
    plan = write_plan(event_at("2099-12-29", "2099-12-31", "Pacific/Kiritimati"))
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert "out of range" not in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
