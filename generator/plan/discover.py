"""Which plan files a command was given: files as named, and the plans directly inside folders; which of them are shared plans."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PlanError, Problem, UserError
from ..files import read_regular, real_path

if TYPE_CHECKING:
    from .load import LoadedPlan

PLAN_SUFFIXES = (".yaml", ".yml")


def collect_plans(paths: Iterable[Path]) -> list[Path]:
    """Plan files named, and the *.yaml / *.yml files directly inside folders named; each once, in order."""
    return _unique(plan for plan, _ in _listed(paths))


def _listed(paths: Iterable[Path]) -> list[tuple[Path, Path | None]]:
    """Each plan file named, and each plan directly inside a folder named with that folder; every folder listed once."""
    listed: list[tuple[Path, Path | None]] = []
    for path in paths:
        path = Path(path)
        if _is_dir(path):
            try:
                named = sorted(p for p in path.iterdir() if p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith("."))
                found = [p for p in named if p.is_file()]
            except OSError as exc:
                raise UserError([Problem(str(path), 0, 0, f"cannot read this folder of plans: {exc.strerror or exc}")]) from None
            if outside := [_link_out(link, path) for link in named if link.is_symlink() and _leads_out(link, path)]:
                raise UserError(outside)
            listed += [(plan, path) for plan in found]
        else:
            listed.append((path, None))  # reading it says what is wrong with it (missing, no permission)
    return listed


def _leads_out(link: Path, folder: Path) -> bool:
    """Whether a link in a folder of plans leads outside it, or to no file (a loop, a missing target)."""
    target = real_path(link)
    return not (target.is_relative_to(real_path(folder)) and target.is_file())


def _link_out(link: Path, folder: Path) -> Problem:
    return Problem(str(link), 0, 0, f"a link to {os.readlink(link)}, which is not a plan file inside {folder}: "
                                    "the plans of a folder are read from inside it only",
                   hint="name the file itself to check or build it, or remove the link")


def _unique(plans: Iterable[Path]) -> list[Path]:
    """Each file once (the first name it was given by), in order."""
    found: list[Path] = []
    seen: set[Path] = set()
    for plan in plans:
        key = real_path(plan)
        if key not in seen:
            seen.add(key)
            found.append(plan)
    return found


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
    # the plans read here to find the shared ones (those that extend one), as read: not read again to check them
    loaded: dict[Path, LoadedPlan | PlanError] = field(default_factory=dict)


def collect_network(paths: Iterable[Path]) -> Network:
    """collect_plans, with each plan's folder tree (the folder it was found in, for a folder given) and
    the shared plans set aside. A plan that cannot be read stays a plan: checking it says why."""
    from .extends import load_plan
    from .load import MAX_BYTES

    listed = _listed(paths)
    roots: dict[Path, Path] = {}
    for plan, folder in listed:
        if folder is not None:
            roots.setdefault(plan, folder)
    found = _unique(plan for plan, _ in listed)
    loaded: dict[Path, LoadedPlan | PlanError] = {}
    extended: set[Path] = set()
    for plan in found:
        try:
            if b"extends" not in read_regular(plan, MAX_BYTES):
                continue  # most plans extend nothing: not parsed here (a build with nothing to do stays quick)
            loaded[plan] = read = load_plan(plan, roots.get(plan))
        except PlanError as exc:
            loaded[plan] = exc  # checking the plan reports it
            continue
        except (UserError, OSError):
            continue
        extended.update(Path(name) for name in read.shared)
    shared = [plan for plan in found if real_path(plan) in extended]
    return Network([plan for plan in found if plan not in shared], shared, {p: r for p, r in roots.items() if p in found},
                   {p: value for p, value in loaded.items() if p not in shared})
