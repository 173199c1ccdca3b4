"""The package's import graph: no circles, and no module imports a layer above its own.

Every module of generator/ is read with `ast`, so the lazy imports inside functions (the ones
that keep start-up fast) and the imports under `if TYPE_CHECKING:` count as much as the
ones at the top. A relative import is resolved against its module's package, and
`from .pkg import name` names the submodule `pkg.name` when there is one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# The layers, lowest first: a module may import its own layer and those below it, never one above.
# A module is placed by the longest entry that is its name or a package above it; a new module
# that matches none makes the test fail until it is placed here.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # what everything stands on: problems and errors, reading files, the tool's folders, temporary
    # folders and stopping, the files a guide may read, the text search, the English messages
    ("foundation", ("generator", "generator.errors", "generator.files", "generator.paths", "generator.sets",
                    "generator.scratch", "generator.stopping", "generator.forkserver_guard", "generator.assets",
                    "generator.matcher", "generator.messages")),
    # the plan: load, validate, its model and field types, who may see what, the policy sentences' ids
    ("plan", ("generator.plan",)),
    # the guides: editions, words and formats, HTML, PDF, seal
    ("render", ("generator.render",)),
    # starters (read plans and the guide's locale data)
    ("init", ("generator.starter_texts", "generator.init", "generator.starter_catalogs")),
    # the lint rules (they read the starters and render the guides to see which policy sentences print)
    ("lint", ("generator.lint",)),
    # what the build and the command line use: the cache, worker processes, printing, writing a set, reports of problems
    ("tools", ("generator.cache", "generator.workers", "generator.printing", "generator.write", "generator.report")),
    ("build", ("generator.check", "generator.build")),
    ("batch", ("generator.batch",)),
    ("serve", ("generator.serve",)),
    ("cli", ("generator.cli", "generator.__main__")),
]

# Imports that break the rules today and are being moved by another branch of this round (issue 21):
# each is (importer, imported) and names who removes it. Nothing else may be added here.
EXEMPT_EDGES: dict[tuple[str, str], str] = {}
# Importers exempt as a whole (none now).
EXEMPT_MODULES: dict[str, str] = {}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("generator", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that module `name` imports, anywhere in it."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                found.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module)
    return {module for module in found if module in known and module != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: {target for target in imports(name, path, known) if (name, target) not in EXEMPT_EDGES}
            for name, path in found.items() if name not in EXEMPT_MODULES}


def layer(name: str) -> int | None:
    """The index of `name`'s layer in LAYERS, by the longest entry that is the module or a package above it."""
    best: tuple[int, int] | None = None
    for index, (_, entries) in enumerate(LAYERS):
        for entry in entries:
            if (name == entry or (name.startswith(entry + ".") and entry != "generator")) \
                    and (best is None or len(entry) > best[0]):
                best = (len(entry), index)
    return None if best is None else best[1]


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges.get(target, ())))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_module_has_a_layer():
    unplaced = [name for name in modules() if layer(name) is None]
    assert not unplaced, f"place these modules in LAYERS (tests/test_layers.py): {unplaced}"


def test_no_import_circles():
    found = circles(graph())
    assert not found, "import circles: " + "; ".join(" <-> ".join(component) for component in found)


def test_nothing_imports_a_layer_above_its_own():
    upward = []
    for name, targets in graph().items():
        for target in sorted(targets):
            mine, theirs = layer(name), layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{name} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]})")
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


def test_the_plan_imports_nothing_from_the_guides_the_build_or_the_command_line():
    above = ("generator.render", "generator.init", "generator.build", "generator.cli", "generator.batch", "generator.serve",
             "generator.printing", "generator.check")
    found = [(name, target) for name, targets in graph().items() if name.startswith("generator.plan.")
             for target in targets if target.startswith(above)]
    assert not found


def test_exemptions_still_name_something_that_exists():
    """An exemption outlives its import only until here: remove it when the import is gone."""
    found = modules()
    known = set(found)
    for (importer, imported), owner in EXEMPT_EDGES.items():
        assert importer in found and imported in imports(importer, found[importer], known), \
            f"{importer} no longer imports {imported}: remove the exemption ({owner})"
    for importer in EXEMPT_MODULES:
        assert importer in found, f"{importer} is gone: remove its exemption"


# --- the checks themselves, on small made-up graphs -------------------------------------

def test_a_circle_of_three_is_found_and_a_chain_is_not():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_a_lazy_import_inside_a_function_and_a_type_checking_import_count(tmp_path):
    source = tmp_path / "guide.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .drill import Kit\n"
                      "def f():\n    from ..plan import model\n    from . import words\n", encoding="utf-8")
    known = {"generator.render.drill", "generator.plan.model", "generator.render.words", "generator.render.guide"}
    assert imports("generator.render.guide", source, known) == {"generator.render.drill", "generator.plan.model",
                                                                 "generator.render.words"}


@pytest.mark.parametrize(("name", "expected"), [
    ("generator.plan.model", "plan"), ("generator.lint.rules", "lint"),
    ("generator.errors", "foundation"), ("generator", "foundation"), ("generator.serve.pages", "serve"),
])
def test_a_module_is_placed_by_its_longest_entry(name, expected):
    assert LAYERS[layer(name)][0] == expected  # type: ignore[index]
