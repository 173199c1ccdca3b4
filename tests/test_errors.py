"""The one error funnel: any exception as what the user sees (generator.errors.problems_from), the same for every caller."""

from __future__ import annotations

import errno
import pickle

import pytest

from generator.errors import (
    INTERNAL_ERROR,
    FileError,
    InternalError,
    PlanError,
    Problem,
    UserError,
    exit_status,
    problems_from,
    raise_problems,
)


def test_a_user_error_keeps_its_problems_and_a_bare_message_is_placed_at_the_file():
    located = Problem("plan.yaml", 12, 5, "`x` is not a phone number", hint="write it with the country code", rule="PHONE")
    assert problems_from(PlanError([located]), "other.yaml") == [located]
    assert problems_from(UserError("no plans here", hint="name a folder"), "plan.yaml") == [
        Problem("plan.yaml", 1, 1, "no plans here", hint="name a folder")]
    assert exit_status(PlanError([located])) == 1


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "the disk is full (no space left on device)"),
    (errno.EROFS, "the file system is read-only"),
    (errno.EACCES, "permission denied: this user may not write here"),
    (errno.ENOENT, "there is no such file or folder"),
])
def test_an_operating_system_error_is_said_in_plain_words_at_its_path(code, words):
    error = OSError(code, "the C library's words", "/srv/guides/out")
    assert [str(p) for p in problems_from(error, "plan.yaml")] == [f"/srv/guides/out: error: {words}"]
    assert [str(p) for p in problems_from(OSError(code, "no file named"), "plan.yaml")] == [f"plan.yaml: error: {words}"]
    assert exit_status(error) == 1
    assert "bug" not in words


def test_anything_else_is_one_internal_error_asking_for_a_report():
    [problem] = problems_from(KeyError("no-such-key"), "plan.yaml")
    assert problem.file == "plan.yaml" and "\n" not in problem.message
    assert problem.message.startswith("internal error (KeyError: 'no-such-key'); this is a bug in incident-guide, please report it")
    assert exit_status(KeyError("no-such-key")) == exit_status(ValueError("a bug")) == INTERNAL_ERROR == 70


def test_problems_sent_from_another_process_come_back_with_their_positions():
    """What a print worker sends (pickled problems) is raised again in the build as the same problems."""
    located = Problem("plan.yaml", 7, 3, "a glyph the fonts lack", hint="use another character", rule="GLYPH",
                      end_line=7, end_column=4)
    sent = pickle.loads(pickle.dumps(tuple(problems_from(PlanError([located])))))
    with pytest.raises(UserError) as raised:
        raise_problems(sent)
    assert raised.value.problems == [located]
    assert problems_from(raised.value, "elsewhere.yaml") == [located]
    # a message the worker could not place goes, as before, where the build places its own
    with pytest.raises(UserError) as bare:
        raise_problems(problems_from(UserError("unknown paper", hint="use a4")))
    assert problems_from(bare.value, "plan.yaml") == [Problem("plan.yaml", 1, 1, "unknown paper", hint="use a4")]
    raise_problems(())  # nothing went wrong: nothing raised


def test_a_bug_in_another_process_stays_a_bug_with_its_traceback_for_debug():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as error:
        sent = problems_from(error)
    with pytest.raises(InternalError) as raised:
        raise_problems(sent, internal=True, traceback="Traceback (most recent call last):\n  ...\nZeroDivisionError")
    assert exit_status(raised.value) == INTERNAL_ERROR
    [problem] = problems_from(raised.value, "plan.yaml")
    assert problem.file == "plan.yaml" and "internal error (ZeroDivisionError: division by zero)" in problem.message
    assert "ZeroDivisionError" in str(raised.value) and "Traceback" in str(raised.value)  # what --debug shows


def test_file_error_is_still_a_user_error():
    assert problems_from(FileError("/x", "the disk is full")) == [Problem("/x", 0, 0, "the disk is full")]
