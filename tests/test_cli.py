"""The `incident-guide` command line: `check` and `schema`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.check
from generator.cli import main
from generator.errors import Problem
from generator.plan.schema import plan_schema

ROOT = Path(__file__).resolve().parents[1]
GOOD = "plans/complete-conference.yaml"
MINIMAL = "tests/fixtures/minimal.yaml"
TYPO = "tests/fixtures/bad/typo-event.yaml"
TWO_ERRORS = "tests/fixtures/bad/missing-channel-address.yaml"


@pytest.fixture(autouse=True)
def in_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# --- check: exit status and text output ------------------------------------------------

def test_check_valid_plan_exits_0_with_summary():
    result = run("check", GOOD)
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 plan checked: 0 errors, 0 warnings\n"
    assert result.stderr == ""


def test_check_all_example_plans_exit_0(example_plans_today):
    plans = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "plans").glob("*.yaml"))
    assert len(plans) >= 4
    result = run("check", *plans)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{len(plans)} plans checked: 0 errors, 0 warnings\n"


def test_check_bad_plan_exits_1_with_located_error_and_hint():
    result = run("check", TYPO)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{TYPO}:7:3: error: unknown key `time_zone` in `event`\n"
        "  hint: did you mean `timezone`?\n"
    )
    assert result.stderr == "1 plan checked: 1 error, 0 warnings\n"


def test_check_several_files_reports_each_and_counts_all():
    result = run("check", GOOD, TYPO, MINIMAL, "tests/fixtures/bad/ref-fallback.yaml")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if not line.startswith("  ")] == [TYPO, "tests/fixtures/bad/ref-fallback.yaml"]
    assert result.stderr == "4 plans checked: 2 errors, 0 warnings\n"


def test_check_reports_every_error_of_a_file():
    result = run("check", "tests/fixtures/bad/typo-top.yaml", "tests/fixtures/bad/hostile-tab-indent.yaml")
    assert result.exit_code == 1
    assert result.stderr == "2 plans checked: 2 errors, 0 warnings\n"


def test_check_missing_file_is_a_plan_error_not_a_crash(tmp_path):
    missing = str(tmp_path / "nope.yaml")
    result = run("check", missing)
    assert result.exit_code == 1
    assert result.stdout == f"{missing}:1:1: error: cannot read the plan: No such file or directory\n"


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_plan_that_is_a_symlink_loop_is_a_plan_error_not_a_crash(tmp_path, command):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    plan = str(tmp_path / "a.yaml")
    result = run(command, plan, *(["-o", str(tmp_path / "out")] if command == "build" else []))
    assert result.exit_code == 1, result.output
    assert f"{plan}:1:1: error: cannot read the plan: Too many levels of symbolic links\n" in result.output
    assert not (tmp_path / "out").exists()


def as_a_user_without_permissions() -> list[str]:
    """A prefix that runs a command bound by file permissions (root is not, unless it drops the capabilities that skip them)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}"]


@pytest.mark.slow  # runs the command in a subprocess as another user
@pytest.mark.parametrize("unreadable", ["plan", "folder"])
def test_a_plan_or_folder_the_user_may_not_read_is_said_so_with_exit_1(tmp_path, unreadable):
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / "event.yaml"
    plan.write_bytes((ROOT / MINIMAL).read_bytes())
    (plan if unreadable == "plan" else folder).chmod(0)
    try:
        for command in ("check", "build"):
            done = subprocess.run([*as_a_user_without_permissions(), sys.executable, "-m", "generator.cli", command, str(plan), str(folder),
                                   *(["-o", str(tmp_path / "out")] if command == "build" else [])],
                                  cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert done.returncode == 1, done.stderr
            assert "Traceback" not in done.stderr and "may not write" not in done.stderr + done.stdout
            if unreadable == "plan":
                assert f"{plan}:1:1: error: cannot read the plan: Permission denied\n" in done.stdout + done.stderr
            else:
                assert f"{folder}: error: cannot read this folder of plans: Permission denied\n" in done.stderr
    finally:
        (plan if unreadable == "plan" else folder).chmod(0o755)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args",
    [["check"], ["check", "--format", "xml", GOOD], ["check", "--no-such-option", GOOD], ["check", "docs"], ["no-such-command"]],
    ids=["no-plan", "bad-format", "bad-option", "folder-without-plans", "bad-command"],
)
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr


def test_check_help_shows_an_example():
    result = run("check", "--help")
    assert result.exit_code == 0
    assert "incident-guide check plans/" in result.stdout


def test_check_accepts_a_folder_of_plans():
    result = run("check", "plans")
    assert result.exit_code == 0, result.output
    assert f"{len(list((ROOT / 'plans').glob('*.yaml')))} plans checked: 0 errors" in result.output


# --- warnings and --strict ----------------------------------------------------------------

@pytest.fixture
def one_warning(monkeypatch):
    def lint(plan, source):
        return [Problem(source.file, 3, 1, "only two responders; three to five work better", severity="warning", rule="TEAM-SIZE")]

    monkeypatch.setattr(generator.check, "lint", lint)


def test_warnings_alone_exit_0(one_warning):
    result = run("check", MINIMAL)
    assert result.exit_code == 0
    assert result.stdout == f"{MINIMAL}:3:1: warning: only two responders; three to five work better [TEAM-SIZE]\n"
    assert result.stderr == "1 plan checked: 0 errors, 1 warning\n"


def test_strict_turns_warnings_into_failure(one_warning):
    result = run("check", "--strict", MINIMAL)
    assert result.exit_code == 1
    assert result.stderr == "1 plan checked: 0 errors, 1 warning\n"


# --- check --format json ------------------------------------------------------------------

def test_json_output_parses_and_locates_problems():
    result = run("check", "--format", "json", GOOD, TYPO, TWO_ERRORS)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 2 and report["warnings"] == 0
    assert [plan["file"] for plan in report["plans"]] == [GOOD, TYPO, TWO_ERRORS]
    assert [plan["ok"] for plan in report["plans"]] == [True, False, False]
    assert report["plans"][0]["problems"] == []
    problem = report["plans"][1]["problems"][0]
    assert problem["file"] == TYPO
    assert (problem["line"], problem["column"]) == (7, 3)
    assert problem["message"] == "unknown key `time_zone` in `event`"
    assert problem["hint"] == "did you mean `timezone`?"
    assert problem["severity"] == "error"
    assert problem["path"] == "event.time_zone"
    for plan in report["plans"]:
        for problem in plan["problems"]:
            assert {"file", "line", "column", "message"} <= problem.keys()


def test_json_output_for_a_valid_plan_exits_0():
    result = run("check", "--format", "json", GOOD)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"plans": [{"file": GOOD, "ok": True, "errors": 0, "warnings": 0, "problems": []}],
                                         "errors": 0, "warnings": 0}


def test_json_output_locates_encoding_problems():
    result = run("check", "--format", "json", "tests/fixtures/bad/hostile-non-utf8.yaml")
    problem = json.loads(result.stdout)["plans"][0]["problems"][0]
    assert (problem["line"], problem["column"]) == (32, 13)  # the Latin-1 byte in `Zo\xeb Example`


# --- schema -------------------------------------------------------------------------------

def test_schema_prints_the_plan_schema_as_json():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == json.loads(json.dumps(plan_schema()))
    assert schema["additionalProperties"] is False
    assert {"format", "event", "roles", "responders", "reporting"} <= set(schema["required"])


def test_schema_output_is_stable():
    assert run("schema").stdout == run("schema").stdout


# --- the real process ---------------------------------------------------------------------

def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.slow  # runs the command in a subprocess
def test_check_does_not_import_weasyprint():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.cli import main\n"
        "result = CliRunner().invoke(main, ['check', 'plans/complete-conference.yaml', 'tests/fixtures/bad/typo-top.yaml'])\n"
        "assert result.exit_code == 1, result.output\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('weasyprint', 'jinja2', 'cryptography')))\n"
    )
    done = python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow  # runs the command in a subprocess
@pytest.mark.parametrize(("args", "status"), [([GOOD], 0), ([TYPO], 1), ([], 2)])
def test_exit_status_of_the_real_command(args, status):
    done = subprocess.run([sys.executable, "-m", "generator.cli", "check", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr


def test_problems_of_every_stage_are_reported_in_one_run(tmp_path):
    """A bad date or a duplicate key does not hide the other problems of the file."""
    plan = tmp_path / "many.yaml"
    text = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("timezone: Europe/London", "timezone: Europe/Londn", 1)
    lines = text.splitlines()
    starts = next(i for i, line in enumerate(lines) if line.strip().startswith("starts:"))
    lines[starts] = lines[starts].split(":")[0] + ": 2027-13-11"
    lines.insert(starts + 1, lines[starts].split("starts")[0] + "kind: meetup")
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 1
    assert "not a real date" in result.output
    assert "appears twice" in result.output
    assert "Europe/Londn" in result.output


def test_a_dangling_id_is_reported_together_with_a_type_error(tmp_path):
    plan = tmp_path / "both.yaml"
    text = (ROOT / GOOD).read_text(encoding="utf-8")
    text = text.replace("phone: 020 7946 0202", "phone: 020 7946", 1)
    text = text.replace("lead: amara, responders: [jonah, priya]}", "lead: amaraa, responders: [jonah, priya]}", 1)
    plan.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(plan)])
    assert result.exit_code == 1
    assert "is not a valid phone number" in result.output
    assert "`amaraa` is not a known responder id" in result.output
    assert "2 errors" in result.output


@pytest.mark.slow
def test_an_unchanged_build_tells_the_plans_warnings_again(one_warning, tmp_path):
    """Nothing to rebuild is not "the plan is now clean": the warnings its build recorded are printed again."""
    warning = f"{MINIMAL}:3:1: warning: only two responders; three to five work better [TEAM-SIZE]"
    first = run("build", MINIMAL, "-o", str(tmp_path), "--edition", "public")
    assert first.exit_code == 0 and warning in first.stdout.splitlines()
    again = run("build", MINIMAL, "-o", str(tmp_path), "--edition", "public")
    assert again.exit_code == 0 and "1 unchanged" in again.output
    assert warning in again.stdout.splitlines()
    as_json = json.loads(run("build", MINIMAL, "-o", str(tmp_path), "--edition", "public", "--format", "json").stdout)
    [plan] = as_json["plans"]
    assert plan["status"] == "unchanged" and [p["rule"] for p in plan["problems"]] == ["TEAM-SIZE"]


@pytest.mark.slow
def test_plan_names_reach_the_terminal_escaped(tmp_path):
    """A plan's file name may hold terminal commands (ESC ] 0; sets the window title): every line that names it escapes them."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "good\x1b]0;pwned\x07.yaml").write_bytes((ROOT / MINIMAL).read_bytes())
    (folder / "bad\x1b]0;pwned\x07.yaml").write_text("format: [\n", encoding="utf-8")
    result = run("build", str(folder), "-o", str(tmp_path / "out"), "--edition", "public")
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "good\\x1b]0;pwned\\x07.yaml  built" in result.output and "bad\\x1b]0;pwned\\x07.yaml: not built" in result.output
    assert "wrote " in result.output


# --- arguments say what they mean ---------------------------------------------------------

@pytest.mark.parametrize("args", [["build", MINIMAL, "-o", ""], ["build", ""], ["check", ""], ["drill", ""],
                                  ["drill", MINIMAL, "-o", ""], ["init", ""], ["leaks", ""], ["serve", ""]])
def test_an_empty_path_is_an_error(args, tmp_path, monkeypatch):
    """`-o "$UNSET"` in a script would otherwise write the guides, private ones included, into the current folder."""
    shutil.copy(ROOT / MINIMAL, tmp_path / "minimal.yaml")
    monkeypatch.chdir(tmp_path)
    args = [arg if arg != MINIMAL else "minimal.yaml" for arg in args]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "is an empty path" in result.output and "Traceback" not in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["minimal.yaml"]


def test_leaks_names_the_folder_it_was_given(tmp_path):
    empty = tmp_path / "not-a-build"
    empty.mkdir()
    result = run("leaks", str(empty))
    assert result.exit_code == 1
    assert result.output.strip() == f"{empty}: error: no guides here (volunteer.*, public.*...): name a folder that `build` wrote, such as output/NAME"
    assert "plans/" not in result.output


def test_leaks_without_a_recorded_plan_names_the_folder(tmp_path):
    folder = tmp_path / "some-event"
    folder.mkdir()
    (folder / "volunteer.html").write_text("<html></html>", encoding="utf-8")
    result = run("leaks", str(folder))
    assert result.exit_code == 1
    assert result.output.startswith(f"{folder}: error: no plan recorded here") and "--plan" in result.output
