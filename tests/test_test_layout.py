"""The test suite's shape: each folder of tests/ holds the tests of the generator/ subpackage of its name, and
conftest's guard keeps PDFs out of `pytest -m "not slow"`."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_FOLDERS = {"fixtures", "golden"}  # what the tests read, not tests


def test_every_test_folder_is_a_subpackage_of_generator():
    folders = {path.name for path in (ROOT / "tests").iterdir() if path.is_dir() and not path.name.startswith((".", "__"))}
    subpackages = {path.parent.name for path in (ROOT / "generator").glob("*/__init__.py")}
    assert DATA_FOLDERS <= folders
    assert folders - DATA_FOLDERS <= subpackages, "a tests/ folder holds the tests of the generator/ subpackage of its name"


def test_test_modules_sit_only_in_those_folders():
    folders = {path.parent.relative_to(ROOT / "tests").as_posix() for path in (ROOT / "tests").rglob("test_*.py")}
    assert all(folder == "." or "/" not in folder and folder not in DATA_FOLDERS for folder in folders), sorted(folders)


def test_the_pdf_guard_names_what_prints():
    """conftest's guard (a test not marked slow prints no PDF) replaces functions that still exist where it looks
    (defined there or imported by name: the name the module calls)."""
    import importlib

    from conftest import PRINTERS

    for module, (owner, name, _stand_in) in PRINTERS.items():
        if module.startswith("generator.") and owner is None:
            assert callable(getattr(importlib.import_module(module), name, None)), f"{module}.{name}"


def test_a_test_not_marked_slow_cannot_print():
    from generator import printing

    with printing.PrintWorkers(2) as workers, pytest.raises(pytest.fail.Exception, match="prints a PDF: mark it slow"):
        workers([], None)
