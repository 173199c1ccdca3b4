"""Step 1, load (continued): a plan that `extends` shared plans, merged into one plan.

An event's plan may begin with `extends: PATH` (or a list of paths), relative to its own
file, naming the shared plan(s) it builds on. The merge rules:

- mappings merge key by key;
- lists whose items all have an `id` merge by id: an item of the extending plan replaces
  the shared item with the same id (in the shared item's place), items with new ids are
  added after the shared ones, and `{id: x, remove: true}` removes the shared item `x`;
- every other list, and every other value, is replaced as a whole (`[]` empties a list);
- the extending plan's value wins.

A shared plan may extend others (the first path in a list is merged first, the next
on top of it). Each value keeps the file, line and column it was written at
(`SourceMap.files`), so a problem in a shared value is reported in the shared file,
found through the event. A shared plan must stay inside the plans' folder tree (the
folder given to the command): no absolute path, no `..` above it, no symlink out.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import PlanError, Problem, quoted
from ..files import read_regular
from .load import MAX_BYTES, LoadedPlan, SourceMap, load_bytes, load_file

KEY = "extends"
REMOVE = "remove"
MAX_SHARED = 32  # shared plans one plan may read, all levels together (one read twice, in a diamond, counts twice)


def default_root(plan: str | Path) -> Path:
    """The plans' folder tree when the command named a file: the working folder if the plan is inside it, else the plan's folder."""
    here = Path.cwd()
    try:
        Path(os.path.realpath(plan)).relative_to(os.path.realpath(here))
    except ValueError:
        return Path(plan).parent
    return here


def is_shared_alone(data: dict[str, Any]) -> bool:
    """A plan without `event:` is a shared plan: it holds what events have in common and is built through them."""
    return "event" not in data


def load_plan(path: str | Path, root: str | Path | None = None, keep_going: bool = True) -> LoadedPlan:
    """Load the plan at `path` and merge the shared plans it extends; PlanError with every problem found.

    The result's `shared` maps each shared file read (its real path) to the SHA-256 of the bytes read.
    """
    path = Path(path)
    root = Path(root) if root is not None else default_root(path)
    merger = _Merger(path, Path(os.path.realpath(root)))
    loaded = merger.load(path, (), keep_going)
    problems = [*loaded.problems, *merger.problems]
    if problems and not keep_going:
        raise PlanError(problems)
    loaded.problems = problems
    loaded.shared = merger.shared
    return loaded


class _Merger:
    def __init__(self, event: Path, root: Path):
        self.event = str(event)
        self.root = root
        self.problems: list[Problem] = []
        self.shared: dict[str, str] = {}
        self.reads = 0

    def through(self, problems: list[Problem]) -> list[Problem]:
        """Problems in a shared file, marked with the event they were found through."""
        return [p if p.file == self.event or p.via else replace(p, via=self.event) for p in problems]

    def load(self, path: Path, chain: tuple[str, ...], keep_going: bool) -> LoadedPlan:
        if not chain:
            loaded = load_file(path, keep_going=keep_going)
        else:
            try:
                raw = read_regular(path, MAX_BYTES)
            except OSError as exc:
                raise PlanError(self.through([Problem(str(path), 1, 1, f"cannot read the shared plan: {exc.strerror or exc}")])) from None
            self.shared[os.path.realpath(path)] = hashlib.sha256(raw).hexdigest()
            try:
                loaded = load_bytes(raw, str(path), keep_going=True)
            except PlanError as exc:
                raise PlanError(self.through(exc.problems)) from None
            loaded.problems = self.through(loaded.problems)
        if KEY not in loaded.data:
            loaded.source.texts.setdefault(loaded.file, loaded.source.text)
            return loaded
        targets = self.targets(loaded, chain + (os.path.realpath(path),))
        del loaded.data[KEY]
        merged: LoadedPlan | None = None
        for target in targets:
            shared = self.load(target, chain + (os.path.realpath(path),), keep_going)
            merged = shared if merged is None else self.merge(merged, shared)
        if merged is None:
            loaded.source.texts.setdefault(loaded.file, loaded.source.text)
            return loaded
        result = self.merge(merged, loaded)
        return result

    def targets(self, loaded: LoadedPlan, chain: tuple[str, ...]) -> list[Path]:
        """The shared plans `extends:` names, each checked: a text path, inside the tree, a file, no cycle."""
        value = loaded.data[KEY]
        source = loaded.source
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(name, str) and name.strip() for name in names):
            raise PlanError(self.through([source.problem((KEY,), "`extends` names a shared plan file (`extends: policy.yaml`) or a list "
                                                         "of them, relative to this file")]))
        found = []
        for index, name in enumerate(names):
            at = (KEY, index) if isinstance(value, list) else (KEY,)

            def fail(message: str, hint: str | None = None, at: tuple[Any, ...] = at) -> PlanError:
                return PlanError(self.through([source.problem(at, message, hint=hint)]))

            if Path(name).is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
                raise fail(f"{quoted(name)} is an absolute path; a shared plan is named relative to this file",
                           hint=f"write the path from {Path(loaded.file).parent.as_posix() or '.'}/, e.g. `../network/policy.yaml`")
            target = Path(os.path.normpath(Path(loaded.file).parent / name))
            real = os.path.realpath(target)
            if not (Path(real) == self.root or Path(real).is_relative_to(self.root)):
                raise fail(f"{quoted(name)} is outside the plans' folder {self.root.as_posix()}; a shared plan must be inside it",
                           hint="run the command on the folder that holds both the event and the shared plan")
            if real in chain:
                cycle = " -> ".join(dict.fromkeys([*[Path(c).name for c in chain[chain.index(real):]], Path(real).name]))
                raise fail(f"{quoted(name)} extends this plan again, a cycle ({cycle} -> {Path(real).name}); "
                           "a shared plan cannot extend a plan that extends it")
            if not os.path.isfile(real):
                missing = ("is a folder" if os.path.isdir(real) else "is not a regular file" if os.path.lexists(real)
                           else "does not exist")
                raise fail(f"the shared plan {quoted(name)} {missing} ({target.as_posix()})",
                           hint="check the path; it is relative to this file")
            self.reads += 1
            if self.reads > MAX_SHARED:
                raise fail(f"the plan reads shared plans more than {MAX_SHARED} times through `extends`, at all levels",
                           hint="a network needs one or two levels of shared plans")
            found.append(target)
        return found

    def merge(self, base: LoadedPlan, over: LoadedPlan) -> LoadedPlan:
        """`over` on top of `base`: one plan whose SourceMap knows each value's file."""
        out = SourceMap(over.source.file, text=over.source.text)
        out.texts.update(base.source.texts)
        out.texts.update(over.source.texts)
        out.texts.setdefault(over.source.file, over.source.text)
        out.left_out.update(base.source.left_out)
        data = self.value(base.data, base.source, (), over.data, over.source, (), out, ())
        return LoadedPlan(data, out, [*base.problems, *over.problems])

    def value(self, base: Any, bsrc: SourceMap, bpath: tuple[Any, ...], over: Any, osrc: SourceMap, opath: tuple[Any, ...],
              out: SourceMap, path: tuple[Any, ...]) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            _place(osrc, opath, out, path)
            result: dict[str, Any] = {}
            for key in [*base, *(k for k in over if k not in base)]:
                if key in over and key in base:
                    result[key] = self.value(base[key], bsrc, bpath + (key,), over[key], osrc, opath + (key,), out, path + (key,))
                elif key in over:
                    result[key] = self.copy(over[key], osrc, opath + (key,), out, path + (key,))
                else:
                    result[key] = self.copy(base[key], bsrc, bpath + (key,), out, path + (key,), removals=False)
            return result
        if isinstance(base, list) and isinstance(over, list) and over and _by_id(base) and _by_id(over):
            _place(osrc, opath, out, path)
            replaced = {item["id"]: index for index, item in enumerate(over)}
            items: list[Any] = []
            for position, item in enumerate(base):
                ident = item["id"]
                if ident not in replaced:
                    items.append(self.copy(item, bsrc, bpath + (position,), out, path + (len(items),), removals=False))
                elif not _removal(over[replaced[ident]]):
                    index = replaced[ident]
                    # a key left out, or emptied ("relationships: []" drops the shared plan's declared partner)
                    left_out = [key for key in item if key not in over[index] or (_empty(over[index][key]) and not _empty(item[key]))]
                    if left_out:
                        out.left_out[path + (len(items),)] = left_out
                    items.append(self.copy(over[index], osrc, opath + (index,), out, path + (len(items),)))
            shared_ids = {item["id"] for item in base}
            for index, item in enumerate(over):
                if item["id"] not in shared_ids:
                    items.append(self.copy(item, osrc, opath + (index,), out, path + (len(items),)))
            return items
        return self.copy(over, osrc, opath, out, path)

    def copy(self, value: Any, src: SourceMap, spath: tuple[Any, ...], out: SourceMap, path: tuple[Any, ...],
             removals: bool = True) -> Any:
        """`value` as it is, with the positions of it and everything in it; a removal with nothing to remove is a problem."""
        _place(src, spath, out, path)
        if isinstance(value, dict):
            if removals and _removal(value):
                self.problems.extend(self.through([src.problem(spath + (REMOVE,), f"there is no shared item with id "
                                                               f"{quoted(value['id'])} to remove here", at_key=True,
                                                               hint="check the id against the shared plan (`incident-guide show` prints it)")]))
            return {key: self.copy(item, src, spath + (key,), out, path + (key,), removals) for key, item in value.items()}
        if isinstance(value, list):
            return [self.copy(item, src, spath + (index,), out, path + (index,), removals) for index, item in enumerate(value)]
        return value


def _place(src: SourceMap, spath: tuple[Any, ...], out: SourceMap, path: tuple[Any, ...]) -> None:
    file = src.files.get(spath, src.file)
    if spath in src.values:
        out.values[path] = src.values[spath]
    if spath in src.keys:
        out.keys[path] = src.keys[spath]
    if spath in src.ends:
        out.ends[path] = src.ends[spath]
    if file != out.file and (spath in src.values or spath in src.keys):
        out.files[path] = file


def _by_id(items: list[Any]) -> bool:
    return all(isinstance(item, dict) and isinstance(item.get("id"), (str, int)) for item in items)


def _removal(item: Any) -> bool:
    return isinstance(item, dict) and item.get(REMOVE) is True and set(item) == {"id", REMOVE}


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""
