"""Editions printed side by side and reprinted only when they change (generator.printing, cache.edition_key).

Real builds of the minimal plan: the PDFs printed in worker processes are the bytes a
serial build prints, and an edit that only the responder guide shows prints only the
responder PDF; the others are copied from the previous set.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import printing
from generator.batch import Job, run_job
from generator.build import build_plan
from generator.plan.validate import read_plan
from generator.render.edition import EDITIONS

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"


@pytest.fixture
def plan(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    path = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, path)
    return path


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_editions_printed_side_by_side_are_the_bytes_of_a_serial_build(plan, tmp_path):
    build_plan(plan, tmp_path / "serial", print_workers=1)
    build_plan(plan, tmp_path / "parallel", print_workers=2)
    serial, parallel = contents(tmp_path / "serial" / "minimal"), contents(tmp_path / "parallel" / "minimal")
    assert sorted(serial) == sorted(parallel)
    assert {name for name in serial if name.endswith(".pdf")} == \
        {spec.file("pdf").as_posix() for spec in EDITIONS.values()
         if "pdf" in spec.formats and spec.exists_for(read_plan(MINIMAL))}  # no report form, no published procedure
    for name in serial:
        assert parallel[name] == serial[name], f"{name} differs between a parallel and a serial build"


@pytest.mark.slow
def test_a_responder_only_edit_reprints_only_the_responder_pdf(plan, tmp_path, monkeypatch):
    out = tmp_path / "output" / "minimal"
    first = run_job(Job(plan, out))
    assert first.status == "built", first.problems
    before = contents(out)

    printed: list[str] = []
    serial = printing.print_here

    def counting(tasks, policy):
        printed.extend(task.html for task in tasks)
        return serial(tasks, policy)

    monkeypatch.setattr(printing, "print_here", counting)
    # An e-mail address is responder-only: only the responder guide shows it.
    plan.write_text(plan.read_text(encoding="utf-8").replace("ana@example.org", "ana.new@example.org"), encoding="utf-8")
    second = run_job(Job(plan, out))
    assert second.status == "built", second.problems

    assert len(printed) == 1 and "Responder guide" in printed[0] and "ana.new@example.org" in printed[0]
    record = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    assert {name: entry["reused"] for name, entry in record["editions"].items()} == \
        {spec.name: spec.name != "responder" for spec in EDITIONS.values() if "pdf" in spec.formats and spec.exists_for(read_plan(MINIMAL))}
    after = contents(out)
    assert after["public.pdf"] == before["public.pdf"] and after["volunteer.pdf"] == before["volunteer.pdf"]
    assert after["private/responder.pdf"] != before["private/responder.pdf"]
    assert "ana.new@example.org" in "".join(pdf_text(out / "private" / "responder.pdf").split())  # an address may wrap
    assert "ana.new@example.org" not in "".join(pdf_text(out / "volunteer.pdf").split())

    # The reused PDFs are the bytes a fresh build prints.
    fresh = tmp_path / "fresh"
    build_plan(plan, fresh)
    without_record = lambda files: {name: data for name, data in files.items() if name != ".build.json"}  # noqa: E731
    assert without_record(contents(fresh / "minimal")) == without_record(after)


@pytest.mark.slow
def test_a_reused_pdf_changed_on_disk_is_printed_again(plan, tmp_path, monkeypatch):
    out = tmp_path / "output" / "minimal"
    assert run_job(Job(plan, out)).status == "built"
    (out / "volunteer.pdf").write_bytes(b"%PDF-1.7 edited by hand")
    plan.write_text(plan.read_text(encoding="utf-8").replace("ana@example.org", "ana.new@example.org"), encoding="utf-8")
    assert run_job(Job(plan, out)).status == "built"
    record = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    assert record["editions"]["volunteer"]["reused"] is False and record["editions"]["public"]["reused"] is True
    assert (out / "volunteer.pdf").read_bytes().startswith(b"%PDF") and b"edited by hand" not in (out / "volunteer.pdf").read_bytes()


@pytest.mark.slow
def test_force_prints_every_edition(plan, tmp_path):
    out = tmp_path / "output" / "minimal"
    assert run_job(Job(plan, out)).status == "built"
    assert run_job(Job(plan, out, force=True)).status == "built"
    record = json.loads((out / ".build.json").read_text(encoding="utf-8"))
    assert not any(entry["reused"] for entry in record["editions"].values())


@pytest.mark.slow
def test_a_refusal_in_a_worker_is_the_refusal_of_a_serial_build(tmp_path):
    from generator.assets import AssetPolicy, RefusedResource
    from generator.paths import templates_dir

    tasks = [printing.PrintTask('<html lang="en"><title>t</title><p>fine</p></html>', tmp_path, "a4"),
             printing.PrintTask('<html lang="en"><title>t</title><img src="file:///etc/passwd" alt="x"></html>', tmp_path, "a4")]
    for printer in (printing.print_here, printing.print_side_by_side(2)):
        policy = AssetPolicy(tmp_path, templates_dir())
        with pytest.raises(RefusedResource) as refused, printer(tasks, policy) as prints:
            prints.pdfs()
        assert refused.value.url == "file:///etc/passwd" and "only files in the plan's folder" in refused.value.reason
        assert "file:///etc/passwd" in policy.requests


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_workers_started_before_the_plan_is_read_print_the_bytes_of_a_serial_build(plan, tmp_path, workers):
    import multiprocessing

    build_plan(plan, tmp_path / "serial", print_workers=1)
    result = run_job(Job(plan, tmp_path / "early" / "minimal", print_workers=workers, workers_first=True))
    assert result.status == "built", result.problems
    serial, early = contents(tmp_path / "serial" / "minimal"), contents(tmp_path / "early" / "minimal")
    assert sorted(serial) == sorted(early)
    for name in serial:
        if name != ".build.json":  # it records which editions were printed, not how
            assert early[name] == serial[name], f"{name} differs between early workers and a serial build"
    assert multiprocessing.active_children() == []


@pytest.mark.slow  # starts real print workers
def test_workers_started_for_a_plan_with_errors_are_stopped(tmp_path):
    import multiprocessing

    broken = tmp_path / "broken.yaml"
    broken.write_text(MINIMAL.read_text(encoding="utf-8").replace("lead: ana", "lead: nobody", 1), encoding="utf-8")
    result = run_job(Job(broken, tmp_path / "out" / "broken", print_workers=2, workers_first=True))
    assert result.status == "failed" and any("nobody" in problem.message for problem in result.problems), result.problems
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out" / "broken").exists()


@pytest.mark.slow
def test_unused_print_workers_stop_at_once():
    workers = printing.PrintWorkers(2)
    first = workers._first
    with workers:
        assert first.is_alive()
    assert not first.is_alive() and first.exitcode != 0  # stopped, not left to finish loading WeasyPrint


@pytest.mark.slow
def test_print_workers_stopped_mid_print_leave_no_process_behind(tmp_path):
    """An error in this process while the workers print (a refusal in the screen HTML) stops every worker, forked ones too."""
    import os
    import select

    from generator.assets import AssetPolicy
    from generator.paths import templates_dir

    page = '<html lang="en"><title>t</title>' + "<p>A paragraph of the guide.</p>" * 3000 + "</html>"
    tasks = [printing.PrintTask(page, tmp_path, "a4") for _ in range(3)]
    held_open, kept = os.pipe()  # every worker inherits `kept`: the pipe reads EOF once they have all exited

    def fails() -> None:
        import time

        time.sleep(3)  # long enough for the first worker to load WeasyPrint, fork the second and start printing
        raise RuntimeError("the screen HTML failed")

    with pytest.raises(RuntimeError, match="the screen HTML failed"):
        with printing.PrintWorkers(2) as workers:
            os.close(kept)
            workers(tasks, AssetPolicy(tmp_path, templates_dir()))
            fails()
    ready, _, _ = select.select([held_open], [], [], 60)
    assert ready and os.read(held_open, 1) == b"", "a print worker outlived the build"
    os.close(held_open)
