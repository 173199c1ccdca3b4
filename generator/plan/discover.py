"""Which plan files a command was given: files as named, and the plans directly inside folders."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.errors import Problem, UserError
from generator.files import real_path

PLAN_SUFFIXES = (".yaml", ".yml")


def collect_plans(paths: Iterable[Path]) -> list[Path]:
    """Plan files named, and the *.yaml / *.yml files directly inside folders named; each once, in order."""
    plans: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if _is_dir(path):
            try:
                found = sorted(p for p in path.iterdir()
                               if p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith(".") and p.is_file())
            except OSError as exc:
                raise UserError([Problem(str(path), 0, 0, f"cannot read this folder of plans: {exc.strerror or exc}")]) from None
        else:
            found = [path]  # reading it says what is wrong with it (missing, no permission)
        for plan in found:
            key = real_path(plan)
            if key not in seen:
                seen.add(key)
                plans.append(plan)
    return plans


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # no permission to look: not a folder this user can list
        return False
