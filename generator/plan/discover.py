"""Which plan files a command was given: files as named, and the plans directly inside folders; which of them are shared plans."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, UserError
from ..files import read_regular, real_path

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


@dataclass
class Network:
    """The plans a command was given, split: events (and plans on their own) to check and build, and
    the shared plans another plan in the run extends, which are checked and built only through them."""

    plans: list[Path]
    shared: list[Path] = field(default_factory=list)
    roots: dict[Path, Path] = field(default_factory=dict)  # each plan's folder tree for `extends` (a folder given)


def collect_network(paths: Iterable[Path]) -> Network:
    """collect_plans, with each plan's folder tree (the folder it was found in, for a folder given) and
    the shared plans set aside. A plan that cannot be read stays a plan: checking it says why."""
    from .extends import load_plan
    from .load import MAX_BYTES

    roots: dict[Path, Path] = {}
    for path in paths:
        if _is_dir(Path(path)):
            for plan in collect_plans([Path(path)]):
                roots.setdefault(plan, Path(path))
    found = collect_plans(paths)
    extended: set[Path] = set()
    for plan in found:
        try:
            if b"extends" not in read_regular(plan, MAX_BYTES):
                continue  # most plans extend nothing: not parsed here (a build with nothing to do stays quick)
            extended.update(Path(name) for name in load_plan(plan, roots.get(plan)).shared)
        except (UserError, OSError):
            continue
    shared = [plan for plan in found if real_path(plan) in extended]
    return Network([plan for plan in found if plan not in shared], shared, {p: r for p, r in roots.items() if p in found})
