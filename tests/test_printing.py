"""Print workers send what stopped them back as problems, file, line, column, rule and hint kept (generator.printing)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import generator.render.pdf as pdf_module
from generator.assets import AssetPolicy
from generator.errors import InternalError, PlanError, Problem, UserError
from generator.paths import templates_dir
from generator.printing import PrintTask, _pdfs, print_task

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
GLYPH = Problem(str(MINIMAL), 9, 14, "the fonts have no glyph for `\u2603`", hint="write it another way", rule="GLYPH")


def answer_to(error: Exception, monkeypatch) -> object:
    """What a worker sends back when printing raises `error` (pickled, as through the pipe)."""
    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(pdf_module, "render_pdf", failing)
    return pickle.loads(pickle.dumps(print_task(PrintTask("<p>x</p>", MINIMAL.parent, "a4"))))


def test_a_located_problem_found_while_printing_comes_back_with_its_place(monkeypatch):
    answer = answer_to(PlanError([GLYPH]), monkeypatch)
    assert answer.problems == (GLYPH,) and not answer.internal and answer.pdf == b""
    with pytest.raises(UserError) as raised:
        _pdfs([answer], AssetPolicy(MINIMAL.parent, templates_dir()))
    assert raised.value.problems == [GLYPH]


def test_a_full_disk_while_printing_is_plain_words_and_a_bug_stays_a_bug(monkeypatch):
    import errno

    full = answer_to(OSError(errno.ENOSPC, "No space left on device", "/tmp/fonts"), monkeypatch)
    assert [str(p) for p in full.problems] == ["/tmp/fonts: error: the disk is full (no space left on device)"]
    assert not full.internal
    bug = answer_to(ZeroDivisionError("division by zero"), monkeypatch)
    assert bug.internal and "ZeroDivisionError" in bug.traceback
    with pytest.raises(InternalError):
        _pdfs([bug], AssetPolicy(MINIMAL.parent, templates_dir()))


@pytest.mark.slow
def test_a_print_workers_located_problem_reaches_the_command_line_with_its_line_and_column(tmp_path):
    """`build` of one plan prints in forked workers (generator.printing.PrintWorkers); the problem one of them
    found is printed by the command as FILE:LINE:COL, with its rule and hint, exit 1."""
    plan = tmp_path / "minimal.yaml"
    plan.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    script = textwrap.dedent(f"""
        import os, sys
        import generator.render.pdf as pdf
        from generator.errors import PlanError, Problem

        COMMAND = os.getpid()

        def glyph_missing(*args, **kwargs):
            assert os.getpid() != COMMAND, "printed in the command's process, not in a worker"
            raise PlanError([Problem({str(plan)!r}, 9, 14, "the fonts have no glyph for `x`", hint="write it another way",
                                     rule="GLYPH")])

        pdf.render_pdf = glyph_missing
        from generator.cli import main
        main(["build", {str(plan)!r}, "-o", {str(tmp_path / "out")!r}, "--jobs", "2",
              "--edition", "volunteer", "--edition", "responder"])
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"{plan}:9:14: error: the fonts have no glyph for `x` [GLYPH]\n  hint: write it another way\n" in output
    assert f"{plan}: not built; earlier guides are unchanged" in output
    assert "internal error" not in output and "Traceback" not in output


@pytest.mark.slow
def test_a_full_temporary_folder_when_the_workers_start_is_the_systems_not_a_bug(tmp_path):
    """The first worker copies the fonts into $TMPDIR before printing: a full disk there is said in plain words, with
    the folder, exit 1, not 'a print worker stopped; this is a bug'."""
    plan = tmp_path / "minimal.yaml"
    plan.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    script = textwrap.dedent(f"""
        import errno, os
        import generator.render.pdf as pdf

        COMMAND = os.getpid()

        def full(*args, **kwargs):
            if os.getpid() != COMMAND:
                raise OSError(errno.ENOSPC, "No space left on device")

        pdf.parse_every_stylesheet = full
        from generator.cli import main
        main(["build", {str(plan)!r}, "-o", {str(tmp_path / "out")!r}, "--edition", "volunteer"])
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "error: the disk is full (no space left on device)" in output and "internal error" not in output, output
