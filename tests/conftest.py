"""Shared test setup: the --update-golden flag, one build of the example plan, plan variants."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files in tests/golden/")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def example_guides(tmp_path_factory) -> dict[str, Path]:
    """The example plan's guides, built once per session: {"volunteer.pdf": path, "private/responder.pdf": ...}."""
    from generator.build import build_plan

    out = tmp_path_factory.mktemp("guides")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        written = build_plan(EXAMPLE, out)
    return {path.relative_to(out / EXAMPLE.stem).as_posix(): path for path in written}


@pytest.fixture
def write_plan(tmp_path):
    """write_plan(change, name="plan") writes a copy of the example plan after change(data) edits it."""

    def write(change=None, name: str = "plan", folder: Path | None = None) -> Path:
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        if change:
            change(data)
        folder = folder or tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write
