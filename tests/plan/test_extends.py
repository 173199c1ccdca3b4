"""A network of events: plans that `extends` a shared plan (generator.plan.extends), checked, built, cached and shown."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import batch
from generator.build import build_into
from generator.check import check_plan
from generator.cli import main
from generator.errors import PlanError
from generator.plan.discover import collect_network
from generator.plan.extends import load_plan
from generator.plan.language import guess
from generator.plan.validate import read_plan, validate
from generator.report import problem_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
NETWORK = ROOT / "plans" / "network"
EVENT_SECTIONS = ("format", "event", "venues", "roles", "responders", "rota")


def split_example(folder: Path, events: tuple[str, ...] = ("north", "south")) -> tuple[Path, list[Path]]:
    """The complete example cut in two by its top-level sections: the event's own (event, venues, team, rota)
    into each event file, everything else (reporting, procedure, ... communication) into policy.yaml."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    own: list[str] = []
    shared: list[str] = ["format: 1\n"]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        key = lines[start].split(":", 1)[0]
        (own if key in EVENT_SECTIONS else shared).extend(lines[start:end])
    assert {"reporting", "procedure", "taking_reports", "assessment", "responses", "definitions", "scenarios",
            "communication"} <= {line.split(":", 1)[0] for line in shared if re.match(r"[a-z_]+:", line)}
    folder.mkdir(parents=True, exist_ok=True)
    policy = folder / "policy.yaml"
    policy.write_text("".join(shared), encoding="utf-8")
    paths = []
    for name in events:
        path = folder / f"{name}.yaml"
        path.write_text("extends: policy.yaml\n" + "".join(own), encoding="utf-8")
        paths.append(path)
    return policy, paths


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(autouse=True)
def in_repository(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


# --- the split example -----------------------------------------------------------------

def html_texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.html"))}


def test_the_split_example_builds_the_originals_guides_and_nothing_for_the_shared_plan(tmp_path):
    policy, events = split_example(tmp_path / "network")
    network = collect_network([tmp_path / "network"])
    assert network.plans == events and network.shared == [policy]
    original = tmp_path / "out" / "original"
    build_into(EXAMPLE, original, pdf=False)
    expected = html_texts(original)
    assert len(expected) >= 3
    for event in events:
        out = tmp_path / "out" / event.stem
        build_into(event, out, pdf=False, root=network.roots[event])
        assert html_texts(out) == expected
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["north", "original", "south"]


def test_the_merged_plan_equals_the_original():
    assert read_plan(EXAMPLE) is not None
    # the same plan read whole and read in two parts
    folder = ROOT / "output" / "test-extends-merged"
    try:
        _policy, [north, _south] = split_example(folder)
        assert read_plan(north, folder) == read_plan(EXAMPLE)
    finally:
        for path in folder.glob("*.yaml"):
            path.unlink()
        folder.rmdir()


@pytest.mark.slow
def test_build_dir_prints_both_events_and_rebuilds_both_when_the_shared_plan_changes(tmp_path):
    policy, events = split_example(tmp_path / "network")
    out = tmp_path / "out"
    first = run("build", str(tmp_path / "network"), "-o", str(out), "--edition", "public", "--format", "json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert [(Path(p["file"]).name, p["status"]) for p in report["plans"]] == [("north.yaml", "built"), ("south.yaml", "built")]
    assert sorted(p.name for p in out.iterdir()) == ["north", "south"]  # nothing for policy.yaml
    original = tmp_path / "original"
    assert run("build", str(EXAMPLE), "-o", str(original), "--edition", "public").exit_code == 0

    def text(pdf: Path) -> str:
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    assert text(out / "north" / "public.pdf") == text(original / "complete-conference" / "public.pdf")
    assert text(out / "south" / "public.pdf") == text(original / "complete-conference" / "public.pdf")
    again = json.loads(run("build", str(tmp_path / "network"), "-o", str(out), "--edition", "public", "--format", "json").stdout)
    assert [p["status"] for p in again["plans"]] == ["unchanged", "unchanged"]
    policy.write_text(policy.read_text(encoding="utf-8") + "# a changed comment is a changed shared plan\n", encoding="utf-8")
    changed = run("build", str(tmp_path / "network"), "-o", str(out), "--edition", "public")
    assert changed.exit_code == 0, changed.output
    assert "unchanged  " not in changed.stdout
    assert "2 plans: 2 built, 0 unchanged, 0 failed" in changed.stdout


def test_a_change_to_the_shared_plan_makes_every_event_using_it_stale_and_nothing_else(tmp_path):
    policy, events = split_example(tmp_path / "network")
    alone = tmp_path / "network" / "alone.yaml"
    alone.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    network = collect_network([tmp_path / "network"])
    jobs = [batch.Job(plan, tmp_path / "out" / plan.stem, root=network.roots[plan]) for plan in network.plans]
    for job in jobs:
        build_into(job.plan, job.out_dir, pdf=False, cache_options=batch.cache_options(job), root=job.root)
    assert [batch.is_current(job) for job in jobs] == [True, True, True]
    record = json.loads((tmp_path / "out" / "north" / ".build.json").read_text(encoding="utf-8"))
    assert f"shared:{os.path.realpath(policy)}" in record["files"]
    policy.write_text(policy.read_text(encoding="utf-8") + "\n# a comment is a change too\n", encoding="utf-8")
    assert {job.plan.stem: batch.is_current(job) for job in jobs} == {"alone": True, "north": False, "south": False}


def test_serve_watches_the_shared_plan(tmp_path):
    from generator.serve import Preview

    policy, [north, _south] = split_example(tmp_path / "network")
    out = tmp_path / "preview"
    build_into(north, out, pdf=False)
    preview = Preview(north, out_dir=out, builder=lambda *_args: [])
    try:
        assert preview.watched(policy)
        assert str(policy.parent.resolve()) in {str(Path(p).parent) for p in preview._shared_plans()}
    finally:
        preview.close()


# --- merge rules -----------------------------------------------------------------------

def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_of_one_scenario_by_id_changes_only_that_scenario(tmp_path):
    _policy, [north, south] = split_example(tmp_path)
    before = read_plan(south, tmp_path)
    target = before.scenarios[1]
    north.write_text(north.read_text(encoding="utf-8") + f"scenarios:\n  - id: {target.id}\n    title: Changed here only\n"
                     f"    applies_when: Only in the north.\n    impact: {target.impact}\n    risk: {target.risk}\n"
                     "    steps: [Do the northern thing.]\n    escalate_to: [response-team]\n", encoding="utf-8")
    after = read_plan(north, tmp_path)
    assert [s.id for s in after.scenarios] == [s.id for s in before.scenarios]
    assert after.scenarios[1].title == "Changed here only" and [step.do for step in after.scenarios[1].steps] == ["Do the northern thing."]
    assert [s for i, s in enumerate(after.scenarios) if i != 1] == [s for i, s in enumerate(before.scenarios) if i != 1]
    assert after.model_copy(update={"scenarios": before.scenarios}) == before


def test_merge_rules_mappings_ids_removal_and_whole_lists(tmp_path):
    write(tmp_path, "base.yaml", "a: {x: 1, y: 2}\nitems:\n  - {id: one, v: 1}\n  - {id: two, v: 2}\n  - {id: three, v: 3}\n"
                                 "plain: [p, q]\n")
    event = write(tmp_path, "event.yaml", "extends: base.yaml\na: {y: 20, z: 30}\nitems:\n  - {id: two, w: 22}\n"
                                          "  - {id: three, remove: true}\n  - {id: four, v: 4}\nplain: [r]\n")
    loaded = load_plan(event, tmp_path)
    assert loaded.problems == []
    assert loaded.data == {"a": {"x": 1, "y": 20, "z": 30},
                           "items": [{"id": "one", "v": 1}, {"id": "two", "w": 22}, {"id": "four", "v": 4}],
                           "plain": ["r"]}
    source = loaded.source
    assert source.file_of(("a", "x")) == str(tmp_path / "base.yaml") and source.value(("a", "x")) == (1, 8)
    assert source.file_of(("a", "y")) == str(event) and source.value(("a", "y")) == (2, 8)
    assert source.file_of(("items", 0, "v")) == str(tmp_path / "base.yaml") and source.value(("items", 0, "v")) == (3, 18)
    assert source.file_of(("items", 1, "w")) == str(event) and source.value(("items", 1, "w")) == (4, 18)


def test_removing_an_id_that_is_not_shared_is_a_located_error(tmp_path):
    write(tmp_path, "base.yaml", "items:\n  - {id: one}\n")
    event = write(tmp_path, "event.yaml", "extends: base.yaml\nitems:\n  - {id: two, remove: true}\n")
    [problem] = load_plan(event, tmp_path).problems
    assert (problem.file, problem.line, problem.column) == (str(event), 3, 15)
    assert "no shared item with id `two` to remove" in problem.message


def test_a_shared_plan_may_extend_another(tmp_path):
    write(tmp_path, "root.yaml", "a: 1\nb: 1\nc: 1\n")
    write(tmp_path, "middle.yaml", "extends: root.yaml\nb: 2\nc: 2\n")
    event = write(tmp_path, "event.yaml", "extends: [middle.yaml]\nc: 3\n")
    loaded = load_plan(event, tmp_path)
    assert loaded.data == {"a": 1, "b": 2, "c": 3}
    assert [Path(loaded.source.file_of((key,))).name for key in "abc"] == ["root.yaml", "middle.yaml", "event.yaml"]
    assert sorted(Path(name).name for name in loaded.shared) == ["middle.yaml", "root.yaml"]


# --- located errors --------------------------------------------------------------------

def only_problem(event: Path, root: Path) -> tuple[str, int, int, str]:
    [problem] = check_plan(event, root).problems
    return Path(problem.file).name, problem.line, problem.column, problem.message


def test_shared_plans_that_extend_each_other_many_times_over_stop_early(tmp_path):
    for level in range(20):  # each extends the next one twice over: 2**20 reads if nothing stopped it
        write(tmp_path, f"p{level}.yaml", f"extends: [p{level + 1}.yaml, p{level + 1}.yaml]\nx{level}: 1\n")
    write(tmp_path, "p20.yaml", "x: 1\n")
    name, line, _column, message = only_problem(tmp_path / "p0.yaml", tmp_path)
    assert line == 1 and "more than 32 times" in message


def test_a_cycle_is_a_located_error(tmp_path):
    write(tmp_path, "a.yaml", "format: 1\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "# b\nextends: [c.yaml, a.yaml]\n")
    write(tmp_path, "c.yaml", "x: 1\n")
    name, line, column, message = only_problem(tmp_path / "a.yaml", tmp_path)
    assert (name, line, column) == ("b.yaml", 2, 19)
    assert "a cycle (a.yaml -> b.yaml -> a.yaml)" in message


def test_a_plan_extending_itself_is_a_cycle(tmp_path):
    write(tmp_path, "a.yaml", "extends: a.yaml\n")
    assert only_problem(tmp_path / "a.yaml", tmp_path)[1:3] == (1, 10)


@pytest.mark.parametrize(("target", "expected"), [
    ("../outside.yaml", "is outside the plans' folder"),
    ("/etc/passwd", "is an absolute path"),
    ("missing.yaml", "the shared plan `missing.yaml` does not exist ({folder}/missing.yaml)"),
    ("link.yaml", "is outside the plans' folder"),
])
def test_a_path_outside_the_tree_or_missing_is_a_located_error(tmp_path, target, expected):
    write(tmp_path, "outside.yaml", "x: 1\n")
    folder = tmp_path / "plans"
    write(folder, "event.yaml", f"format: 1\nextends: {target}\n")
    (folder / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    name, line, column, message = only_problem(folder / "event.yaml", folder)
    assert (name, line, column) == ("event.yaml", 2, 10)
    assert expected.format(folder=folder.as_posix()) in message


def test_a_shared_plan_that_is_not_a_mapping_is_a_located_error(tmp_path):
    write(tmp_path, "list.yaml", "# a list\n- one\n- two\n")
    write(tmp_path, "event.yaml", "extends: list.yaml\n")
    [problem] = check_plan(tmp_path / "event.yaml", tmp_path).problems
    assert (Path(problem.file).name, problem.line, problem.column, Path(problem.via or "").name) == ("list.yaml", 2, 1, "event.yaml")
    assert "this file holds a list" in problem.message


def test_an_error_in_the_shared_plan_is_reported_where_it_is_written(tmp_path):
    policy, [north, south] = split_example(tmp_path / "network")
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("    impact: high\n", "    impact: enormous\n", 1), encoding="utf-8")
    line = line_of(policy, "impact: enormous")
    [problem] = [p for p in check_plan(north, tmp_path / "network").problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.column, problem.via) == (str(policy), line, 13, str(north))
    assert str(problem).startswith(f"{policy}:{line}:13: error: ")
    assert f"(found through {north})" in str(problem)
    # check DIR: once through each event, both in the shared file
    result = run("check", str(tmp_path / "network"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["shared"] == [str(policy)]
    assert [plan["extends"] for plan in report["plans"]] == [[os.path.realpath(policy)]] * 2
    found = [(p["file"], p["line"], p["column"], p["via"]) for plan in report["plans"] for p in plan["problems"]
             if p["severity"] == "error"]
    assert found == [(str(policy), line, 13, str(north)), (str(policy), line, 13, str(south))]
    text_result = run("check", str(tmp_path / "network"))
    assert f"{policy}:{line}:13: error:" in text_result.stdout


def test_yaml_errors_and_unknown_keys_in_the_shared_plan_are_located_there(tmp_path):
    policy, [north, _south] = split_example(tmp_path)
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("    escalate_to:", "    escalate_too:", 1), encoding="utf-8")
    [problem] = [p for p in check_plan(north, tmp_path).problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.column, problem.via) == (str(policy), line_of(policy, "escalate_too"), 5, str(north))
    assert "unknown key `escalate_too`" in problem.message
    policy.write_text(text.replace("communication:\n  ", "communication:\n\t", 1), encoding="utf-8")
    [problem] = check_plan(north, tmp_path).problems
    assert (problem.file, problem.line, problem.column, problem.via) == (str(policy), line_of(policy, "\t") , 1, str(north))
    assert "a tab is used for indentation" in problem.message


def test_a_refused_picture_in_the_shared_plan_is_located_there(tmp_path):
    from generator.errors import PlanError

    policy, [north, _south] = split_example(tmp_path)
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("definitions:\n", "definitions:\n  - term: Map\n    meaning: \"![map](file:///etc/passwd)\"\n", 1),
                      encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        build_into(north, tmp_path / "out", pdf=False, root=tmp_path)
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.via) == (str(policy), line_of(policy, "file:///etc/passwd"), str(north))
    assert "refused to use `file:///etc/passwd`" in problem.message


def test_a_lint_warning_on_a_shared_value_names_the_shared_file(tmp_path):
    policy, [north, _south] = split_example(tmp_path)
    text = policy.read_text(encoding="utf-8")
    start = text.index("scenarios:")
    escalate = text.index("    escalate_to:", start)
    end = text.index("\n", escalate)
    policy.write_text(text[:escalate] + text[end + 1:], encoding="utf-8")  # SCENARIO-ESCALATION
    [problem] = [p for p in check_plan(north, tmp_path).problems if p.rule == "SCENARIO-ESCALATION"]
    assert problem.file == str(policy) and problem.via == str(north)


def test_check_of_a_shared_plan_alone_checks_what_it_can_and_says_so(tmp_path):
    policy, _events = split_example(tmp_path)
    result = run("check", str(policy))
    assert result.exit_code == 0, result.output
    assert "note: a shared plan (it has no `event:`), checked alone" in result.stdout
    [entry] = json.loads(run("check", "--format", "json", str(policy)).stdout)["plans"]
    assert entry["ok"] and entry["note"].startswith("a shared plan (it has no `event:`), checked alone")
    policy.write_text(policy.read_text(encoding="utf-8").replace("report_form_audience: volunteer", "report_form_audience: everyone"),
                      encoding="utf-8")
    broken = run("check", str(policy))
    assert broken.exit_code == 1 and f"{policy}:{line_of(policy, 'report_form_audience: everyone')}:23: error:" in broken.stdout
    assert "is missing from the plan" not in broken.stdout


def test_a_shared_plan_alone_leaves_out_what_an_event_gives_and_nothing_else(tmp_path):
    """Missing sections and numbers read in the event's country are the validator's `needs_event` problems, not
    a match on their wording; a number wrong in any country, or a bad value, is still reported."""
    shared = tmp_path / "shared.yaml"
    team = ("responders:\n  - {id: ana, name: Ana Example, phone: 020 7946 0001}\n"
            "  - {id: ben, name: Ben Example, phone: \"+44 12\"}\n  - {id: cai, name: Cai Example, languages: [english]}\n")
    shared.write_text("format: 1\n" + team, encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        validate(load_plan(shared))
    flagged = [(p.line, p.needs_event) for p in raised.value.problems]
    assert flagged == [(1, True), (1, True), (1, True), (3, True), (4, False), (5, False)]
    result = check_plan(shared)
    assert result.note and [p.line for p in result.problems] == [4, 5]
    assert all("needs_event" not in problem_json(p) for p in raised.value.problems)  # not part of the report
    event = tmp_path / "event.yaml"  # an event without a country: its numbers in local form are its own errors
    event.write_text((ROOT / "tests" / "fixtures" / "lint" / "minimal.yaml").read_text(encoding="utf-8").replace("    country: GB\n", ""),
                     encoding="utf-8")
    result = check_plan(event)
    assert result.note is None and len(result.problems) == 6
    assert sum("can be read without a country" in p.message for p in result.problems) == 5


def test_check_of_a_folder_lists_it_once_and_parses_each_plan_once(tmp_path, monkeypatch):
    """collect_network reads the events that extend a shared plan to set it aside; check uses what it read."""
    from generator.plan import load

    _policy, _events = split_example(tmp_path / "network")
    (tmp_path / "network" / "alone.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    parsed: Counter[str] = Counter()
    listed: Counter[str] = Counter()
    load_text, iterdir = load.load_text, Path.iterdir

    def counted_load(text: str, name: str = "<plan>", keep_going: bool = False):
        parsed[Path(name).name] += 1
        return load_text(text, name, keep_going)

    def counted_iterdir(self: Path):
        listed[self.name] += 1
        return iterdir(self)

    monkeypatch.setattr(load, "load_text", counted_load)
    monkeypatch.setattr(Path, "iterdir", counted_iterdir)
    result = run("check", "--format", "json", str(tmp_path / "network"), str(tmp_path / "network" / "north.yaml"))
    assert result.exit_code == 0, result.output
    assert [Path(p["file"]).name for p in json.loads(result.stdout)["plans"]] == ["alone.yaml", "north.yaml", "south.yaml"]
    # each event once; the shared plan once through each event that extends it
    assert parsed == {"alone.yaml": 1, "north.yaml": 1, "south.yaml": 1, "policy.yaml": 2}
    assert listed["network"] == 1


def test_build_of_a_shared_plan_alone_says_why_not(tmp_path):
    policy, _events = split_example(tmp_path)
    result = run("build", str(policy), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "shared plan (it has no `event:`): it is built through the events that extend it" in result.stdout


# --- show ------------------------------------------------------------------------------

def test_show_prints_each_values_origin():
    result = run("show", "plans/network/manchester.yaml")
    assert result.exit_code == 0, result.output
    policy_line = line_of(NETWORK / "policy.yaml", "title: A hurtful slide")
    event_line = line_of(NETWORK / "manchester.yaml", "title: Someone follows")
    assert f"title: A hurtful slide or joke in a talk  # from plans/network/policy.yaml:{policy_line}" in result.stdout
    assert f"title: Someone follows or crowds a person  # from plans/network/manchester.yaml:{event_line}" in result.stdout
    assert "extends:" not in result.stdout
    import yaml

    shown = yaml.safe_load(result.stdout)  # the output is a plan again
    assert shown["event"]["name"] == "Tea & Code Manchester, April 2027"
    assert [s["id"] for s in shown["scenarios"]] == ["slide", "following"]


# --- the example network and languages -------------------------------------------------

def test_the_example_network_passes_check_strict(example_plans_today):
    result = run("check", "--strict", "plans/network/")
    assert result.exit_code == 0, result.output
    assert "2 plans checked: 0 errors, 0 warnings" in result.output
    assert "plans/network/policy.yaml: note: a shared plan" in result.stdout
    for event in ("berlin", "manchester"):
        assert run("check", "--strict", f"plans/network/{event}.yaml").exit_code == 0


def test_the_examples_events_are_in_two_countries_and_languages():
    berlin, manchester = read_plan(NETWORK / "berlin.yaml"), read_plan(NETWORK / "manchester.yaml")
    assert (berlin.locale, berlin.venues[0].country) == ("de-DE", "DE")
    assert (manchester.locale, manchester.venues[0].country) == ("en-GB", "GB")
    # Berlin translates the shared scenarios by id, Manchester overrides one
    assert [s.id for s in berlin.scenarios] == [s.id for s in manchester.scenarios] == ["slide", "following"]
    assert berlin.scenarios[0].title.startswith("Eine verletzende Folie")


def test_shared_texts_in_another_language_are_listed(tmp_path):
    for name in ("policy.yaml", "berlin.yaml"):
        (tmp_path / name).write_text((NETWORK / name).read_text(encoding="utf-8"), encoding="utf-8")
    berlin = tmp_path / "berlin.yaml"
    text = berlin.read_text(encoding="utf-8")
    berlin.write_text(text[: text.index("scenarios:")] + text[text.index("communication:"):], encoding="utf-8")
    [warning] = [p for p in check_plan(berlin, tmp_path).problems if p.rule == "SHARED-LANGUAGE"]
    assert warning.severity == "warning" and warning.file == str(berlin)
    assert (warning.line, warning.column) == (line_of(berlin, "locale: de-DE"), 11)
    assert warning.message == "shared texts look en, not de like this event: scenarios[slide], scenarios[following]"


@pytest.mark.parametrize(("text", "language"), [
    ("Stay calm and kind. Believe them and do not judge in a hurry.", "en"),
    ("Bleib ruhig und freundlich. Glaub der Person und urteile nicht vorschnell.", "de"),
    ("Restez calme et bienveillant : croyez la personne et ne jugez pas dans la précipitation.", "fr"),
    ("Talk to us", None),  # too short to say
    ("Quiet room", None),
    ("通報を受けたら、落ち着いて話を聞いてください。", "ja"),
])
def test_the_language_heuristic(text, language):
    assert guess(text) == language


# --- init --extends --------------------------------------------------------------------

def test_init_extends_writes_an_event_starter_with_only_the_events_parts(tmp_path):
    policy, _events = split_example(tmp_path / "net")
    target = tmp_path / "net" / "east.yaml"
    result = run("init", str(target), "--extends", str(policy))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    keys = [line.split(":", 1)[0] for line in text.splitlines() if re.match(r"[a-z_]+:", line)]
    assert keys == ["format", "extends", "event", "venues", "roles", "responders", "rota"]
    assert "extends: \"policy.yaml\"" in text and "# Starter plan: one event of a network" in text
    # the shared plan's chain and escalations name the example's roles, which the starter's team does not have yet:
    # the starter lists them, and check says where the shared plan uses each
    assert "#   attendees, volunteers, staff, response-team, lead, board, amara\n" in text
    problems = check_plan(target, tmp_path / "net").problems
    errors = [p for p in problems if p.severity == "error"]
    assert errors and all(p.file == str(policy) and p.via == str(target) and "is not a known role" in p.message for p in errors)
    assert all(f" in {target} the id `" in (p.hint or "") and "give a role" in (p.hint or "") for p in errors)  # where to fix it
    assert "CHANGE ME" in text.split("extends:", 1)[1]


def test_init_extends_a_missing_file_is_a_usage_error(tmp_path):
    result = run("init", str(tmp_path / "east.yaml"), "--extends", str(tmp_path / "nothing.yaml"))
    assert result.exit_code == 2 and not (tmp_path / "east.yaml").exists()


def test_init_extends_follows_the_shared_plans_roles_and_team(tmp_path):
    """A shared plan with its own roles and a team that decides together: the event's starter writes no roles of its
    own, makes nobody `role: lead`, and lists only the ids the shared plan leaves to the event."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    shared = ["format: 1\n", "team:\n  decides: together\n"]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        if lines[start].split(":", 1)[0] not in ("event", "venues", "responders", "rota", "waivers", "format"):
            shared.extend(lines[start:end])
    (tmp_path / "net").mkdir()
    policy = tmp_path / "net" / "policy.yaml"
    policy.write_text("".join(shared), encoding="utf-8")
    target = tmp_path / "net" / "east.yaml"
    result = run("init", str(target), "--extends", str(policy), "--team", "meetup", "--country", "GB")
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert not re.search(r"^roles:", text, re.MULTILINE) and not re.search(r"^\s+role: lead\b", text, re.MULTILINE)
    assert "role: responder" in text
    assert "#   amara\n" in text  # a responder the shared plan names; its roles (board, lead...) it defines itself
    errors = [p for p in check_plan(target, tmp_path / "net").problems if p.severity == "error"]
    assert errors and all("amara" in p.message for p in errors), [p.message for p in errors]


def test_a_translated_item_that_leaves_out_the_shared_ones_keys_is_named(tmp_path):
    """SHARED-REPLACED: an event's scenario with a shared scenario's id replaces it whole; the keys it leaves out
    (here the team decision, the impact and risk) are named at the event's item."""
    for name in ("policy.yaml", "berlin.yaml"):
        (tmp_path / name).write_text((NETWORK / name).read_text(encoding="utf-8"), encoding="utf-8")
    berlin = tmp_path / "berlin.yaml"
    text = berlin.read_text(encoding="utf-8")
    berlin.write_text(text.replace("    impact: high\n    risk: low\n    handling: team-decision\n", "", 1), encoding="utf-8")
    assert [p.rule for p in check_plan(NETWORK / "berlin.yaml", NETWORK).problems] == []  # the example writes them all
    [warning] = [p for p in check_plan(berlin, tmp_path).problems if p.rule == "SHARED-REPLACED"]
    assert warning.severity == "warning" and warning.file == str(berlin)
    assert (warning.line, warning.column) == (line_of(berlin, "  - id: slide"), 9)
    assert warning.message == ("scenarios[slide] replaces the shared item with its id whole, leaving out `impact`, `risk`, "
                               "`handling`, which the shared one gives")


@pytest.mark.parametrize("shared", ["scenarios: 5\n", "reporting:\n  chain: 7\n", "reporting:\n  chain: leaders\n",
                                    "scenarios:\n  - {id: x, escalate_to: 5}\n", "roles: 3\n"])
def test_init_extends_a_malformed_shared_plan_writes_a_starter_not_a_traceback(tmp_path, shared):
    """What the shared plan holds that is not a list of ids gives no ids to list (check says what is wrong with it)."""
    policy = tmp_path / "policy.yaml"
    policy.write_text("format: 1\n" + shared, encoding="utf-8")
    target = tmp_path / "east.yaml"
    result = run("init", str(target), "--extends", str(policy))
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output and "l, e, a, d" not in target.read_text(encoding="utf-8")


def test_an_item_that_empties_a_shared_key_is_named_as_if_it_left_it_out(tmp_path):
    """`escalate_to: []` (or `relationships: []`) drops what the shared item says as surely as leaving the key out."""
    for name in ("policy.yaml", "berlin.yaml"):
        (tmp_path / name).write_text((NETWORK / name).read_text(encoding="utf-8"), encoding="utf-8")
    berlin = tmp_path / "berlin.yaml"
    text = berlin.read_text(encoding="utf-8")
    start = text.index("  - id: slide")
    end = text.index("    escalate_to: [team]", start)
    berlin.write_text(text[:end] + "    escalate_to: []" + text[end + len("    escalate_to: [team]"):], encoding="utf-8")
    warnings = [p for p in check_plan(berlin, tmp_path).problems if p.rule == "SHARED-REPLACED"]
    assert [w.message for w in warnings] == ["scenarios[slide] replaces the shared item with its id whole, leaving out "
                                             "`escalate_to`, which the shared one gives"]
