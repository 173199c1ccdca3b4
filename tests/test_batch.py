"""`build` with a folder or many plans: parallel workers, a summary table, keeps going, exit 1 on failure.

Uses the real renderer on three small plans with --jobs 2; tests/test_cache.py covers
every cache input with a stand-in build.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.batch import FAILED, Result, plan_jobs, summary_table
from generator.cli import main
from generator.plan.discover import collect_plans

ROOT = Path(__file__).resolve().parents[1]
STARTERS = ROOT / "templates" / "starters"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three plans (two good, one broken) built once with two workers."""
    tmp = tmp_path_factory.mktemp("batch")
    plans = tmp / "plans"
    plans.mkdir()
    shutil.copy(STARTERS / "meetup.yaml", plans / "alpha.yaml")
    shutil.copy(STARTERS / "foundation.yaml", plans / "bravo.yaml")
    broken = (STARTERS / "meetup.yaml").read_text(encoding="utf-8").replace("kind: meetup", "kind: meetupp")
    (plans / "broken.yaml").write_text(broken, encoding="utf-8")
    (plans / "notes.txt").write_text("not a plan")
    out = tmp / "output"
    first = CliRunner().invoke(main, ["build", str(plans), "-o", str(out), "--jobs", "2"])
    second = CliRunner().invoke(main, ["build", str(plans), "-o", str(out), "--jobs", "2"])
    return type("Built", (), {"plans": plans, "out": out, "first": first, "second": second, "tmp": tmp})


def table_rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        words = line.split()
        if words and words[0].endswith(".yaml") and len(words) == 4:
            rows[Path(words[0]).name] = words[1:]
    return rows


@pytest.mark.slow
def test_builds_every_plan_and_keeps_going_past_a_broken_one(built):
    result = built.first
    assert result.exit_code == 1, result.output
    rows = table_rows(result.output)
    for name in ("alpha", "bravo"):
        written = [p for p in (built.out / name).rglob("*") if p.is_file() and p.name != ".build.json"]
        assert len(written) >= 6  # public, volunteer and responder editions, PDF and HTML, and rota calendars
        assert rows[f"{name}.yaml"][:2] == ["built", str(len(written))]
    assert rows["broken.yaml"][:2] == ["failed", "-"]
    assert "notes.txt" not in result.output
    for name in ("alpha", "bravo"):
        assert (built.out / name / "volunteer.pdf").read_bytes().startswith(b"%PDF")
        assert (built.out / name / "private" / "responder.html").is_file()
    assert not (built.out / "broken").exists()
    assert "3 plans: 2 built, 0 unchanged, 1 failed" in result.output


@pytest.mark.slow
def test_errors_are_printed_like_check(built):
    text = (built.plans / "broken.yaml").read_text(encoding="utf-8")
    line = text[:text.index("kind: meetupp")].count("\n") + 1
    assert f"{built.plans / 'broken.yaml'}:{line}:9: error: `event.kind` is `meetupp`" in built.first.output


@pytest.mark.slow
def test_progress_is_plain_lines_without_a_terminal(built):
    assert "[3/3]" in built.first.output


@pytest.mark.slow
def test_second_run_rebuilds_nothing(built):
    rows = table_rows(built.second.output)
    first = table_rows(built.first.output)
    assert rows["alpha.yaml"][:2] == ["unchanged", first["alpha.yaml"][1]]
    assert rows["bravo.yaml"][:2] == ["unchanged", first["bravo.yaml"][1]]
    assert rows["broken.yaml"][0] == "failed"
    assert built.second.exit_code == 1


@pytest.mark.slow
def test_fixed_plan_builds_and_force_rebuilds(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(STARTERS / "meetup.yaml", plans / "alpha.yaml")
    broken = (STARTERS / "meetup.yaml").read_text(encoding="utf-8").replace("kind: meetup", "kind: meetupp")
    (plans / "fixed.yaml").write_text(broken, encoding="utf-8")
    out = tmp_path / "output"
    both = [str(plans / "alpha.yaml"), str(plans / "fixed.yaml"), "-o", str(out), "--edition", "volunteer"]
    assert CliRunner().invoke(main, ["build", *both]).exit_code == 1
    alpha = out / "alpha" / "volunteer.pdf"
    before = alpha.stat().st_mtime_ns
    (plans / "fixed.yaml").write_text(broken.replace("kind: meetupp", "kind: meetup"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", *both])
    assert result.exit_code == 0, result.output
    rows = table_rows(result.output)
    assert rows["alpha.yaml"][0] == "unchanged" and rows["fixed.yaml"][0] == "built"
    assert alpha.stat().st_mtime_ns == before
    forced = CliRunner().invoke(main, ["build", str(plans / "alpha.yaml"), "-o", str(out), "--edition", "volunteer", "--force"])
    assert forced.exit_code == 0 and table_rows(forced.output)["alpha.yaml"][0] == "built"
    # another option is another build
    letter = CliRunner().invoke(main, ["build", str(plans / "alpha.yaml"), "-o", str(out), "--edition", "volunteer", "--paper", "letter"])
    assert table_rows(letter.output)["alpha.yaml"][0] == "built"


def test_collect_plans_reads_folders_and_files_once(tmp_path):
    (tmp_path / "b.yaml").write_text("x")
    (tmp_path / "a.yml").write_text("x")
    (tmp_path / ".hidden.yaml").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text("x")
    found = collect_plans([tmp_path, tmp_path / "b.yaml", tmp_path / "sub" / "c.yaml"])
    assert [p.name for p in found] == ["a.yml", "b.yaml", "c.yaml"]


@pytest.mark.parametrize("target", ["outside", "loop.yaml", "missing.yaml"])
def test_a_link_in_a_folder_of_plans_that_leads_out_of_it_is_refused_not_read(tmp_path, target):
    (tmp_path / "outside").write_text("root:*:20228:0:99999:7:::\n")  # say, /etc/shadow
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(STARTERS / "meetup.yaml", plans / "event.yaml")
    (plans / "inside.yaml").symlink_to("event.yaml")  # a link to a plan of the folder is that plan
    (plans / "b.yaml").symlink_to(tmp_path / target if target == "outside" else target)
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, str(plans), "--output", str(tmp_path / "out")][:2 if command == "check" else 4])
        assert result.exit_code == 1, result.output
        assert f"{plans / 'b.yaml'}: error: a link to" in result.output and "read from inside it only" in result.output
        assert "root:" not in result.output and "20228" not in result.output
    assert collect_plans([plans / "event.yaml", plans / "inside.yaml"]) == [plans / "event.yaml"]


def test_plans_that_would_share_an_output_folder_fail(tmp_path):
    one, two = tmp_path / "one" / "event.yaml", tmp_path / "two" / "event.yaml"
    entries = plan_jobs([one, two], tmp_path / "output", {}, False)
    assert all(isinstance(e, Result) and e.status == FAILED for e in entries)
    assert "would also write to" in entries[0].problems[0].message


def test_summary_table_lines_up():
    table = summary_table([Result(Path("plans/a.yaml"), "built", [Path("x")] * 4, 1.234),
                           Result(Path("plans/longer-name.yaml"), "failed", [], 0.05)])
    lines = table.splitlines()
    assert lines[0].split() == ["plan", "status", "files", "seconds"]
    assert lines[2].split() == ["plans/a.yaml", "built", "4", "1.2"]
    assert lines[3].split() == ["plans/longer-name.yaml", "failed", "-", "0.1"]
    assert len({len(line) for line in lines[:2]}) == 1


def test_empty_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 2 and "no plans" in result.output


def test_progress_bar_path_runs(tmp_path, capsys, monkeypatch):
    from generator.batch import BUILT, build_many, totals_line
    from generator.cli import _Progress

    plans = []
    for name in ("a", "b", "c"):
        plan = tmp_path / f"{name}.yaml"
        plan.write_text("format: 1\n")
        plans.append(plan)

    def runner(job):
        return Result(job.plan, BUILT, [job.out_dir / "volunteer.pdf"], 0.01)

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a terminal: the bar, not lines
    with _Progress(len(plans)) as progress:
        results = build_many(plans, tmp_path / "out", jobs=1, on_result=progress.done, runner=runner)
    assert [r.status for r in results] == ["built"] * 3
    assert totals_line(results, 0.5).startswith("3 plans: 3 built")
    err = capsys.readouterr().err
    assert "Building" in err and "[1/3]" not in err


@pytest.mark.parametrize("name", ["..yaml", "...yaml", ".yaml.yaml", ".hidden.yaml", " .yaml", "event .yaml"])
def test_a_plan_whose_name_gives_no_folder_of_its_own_is_refused(tmp_path, name):
    """OUTPUT/NAME: `..yaml` would put the guides in OUTPUT itself, `...yaml` above it, `.x.yaml` in a hidden folder."""
    plan = tmp_path / name
    plan.write_bytes((ROOT / "plans" / "complete-conference.yaml").read_bytes())
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 1, result.output
    assert f"`{name}` gives none of its own" in result.output and "rename the file" in result.output
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("name", ["..yaml", ".hidden.yaml", " .yaml"])
def test_check_refuses_the_plan_names_build_refuses(tmp_path, name):
    plan = tmp_path / name
    plan.write_bytes((ROOT / "plans" / "complete-conference.yaml").read_bytes())
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 1 and "gives none of its own" in result.output, result.output


def test_a_plan_name_too_long_for_the_folders_a_build_writes_is_refused_in_plain_words(tmp_path):
    """245 characters fit a file's name, not the hidden `.NAME.PID.RANDOM.new` a build writes: 'File name too long'."""
    plan = tmp_path / ("e" * 245 + ".yaml")
    plan.write_bytes((ROOT / "plans" / "complete-conference.yaml").read_bytes())
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 1 and "245 bytes long" in result.output and "rename the file" in result.output, result.output
    assert "File name too long" not in result.output and not (tmp_path / "out").exists()
