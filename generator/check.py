"""`check`: load, validate and lint one plan, collecting every problem instead of stopping."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .assets import AssetPolicy, RefusedResource
from .errors import PlanError, Problem, UserError
from .files import read_regular
from .lint import lint
from .paths import guides_folder, templates_dir
from .plan.extends import is_shared_alone, load_plan
from .plan.load import LoadedPlan, SourceMap
from .plan.model import Plan
from .plan.validate import validate

SHARED_ALONE = ("a shared plan (it has no `event:`), checked alone: its YAML and the values it holds; what needs an event "
                "(the event, venues, team and rota, and references to them) is checked through each event that extends it")


@dataclass
class CheckResult:
    file: Path
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    source: SourceMap | None = None  # positions in the plan, for problems found later (the build's leak check)
    shared: dict[str, str] = field(default_factory=dict)  # the shared plans it extends: real path -> SHA-256 read
    note: str | None = None  # said of the plan as a whole (a shared plan checked without an event)

    def ok(self, strict: bool = False) -> bool:
        return not any(p.severity == "error" or strict for p in self.problems)


def check_plan(path: str | Path, root: str | Path | None = None, loaded: LoadedPlan | PlanError | None = None) -> CheckResult:
    """Check the plan at `path` with the shared plans it extends (inside `root`, the plans' folder tree).

    `loaded` is the plan as already read (or the error reading it gave, discover.Network.loaded): it is not read again.
    """
    path = Path(path)
    try:
        guides_folder(Path("output"), path)  # the name build refuses, said before the plan is read
    except UserError as exc:
        return CheckResult(path, None, exc.problems_at(path))
    if isinstance(loaded, PlanError):
        return CheckResult(path, None, loaded.problems)
    if loaded is None:
        try:
            loaded = load_plan(path, root)
        except PlanError as exc:
            return CheckResult(path, None, exc.problems)
    try:
        plan = validate(loaded)
    except PlanError as exc:
        if is_shared_alone(loaded.data):
            return CheckResult(path, None, [p for p in exc.problems if not p.needs_event], loaded.source, loaded.shared, SHARED_ALONE)
        return CheckResult(path, None, exc.problems, loaded.source, loaded.shared)
    return CheckResult(path, plan, prose_pictures(path, plan, loaded.source) + lint(plan, loaded.source), loaded.source,
                       loaded.shared)


def prose_pictures(path: Path, plan: Plan, source: SourceMap) -> list[Problem]:
    """Each picture in the plan's Markdown text (`![map](map.png)`, `<img src=...>`) that the guides would refuse,
    where the plan names it: the build refuses it the same way, one at a time; check says them all at once."""
    from .render import markdown  # only for a plan with pictures in its text

    policy = AssetPolicy(path.parent, templates_dir())
    problems: dict[str, Problem] = {}
    for text in dict.fromkeys(_markdown_texts(plan)):
        if "![" not in text and "<img" not in text.lower():
            continue
        try:
            markdown.to_html(text, lambda src: src)  # a picture's description first, as the printed guide finds it
            markdown.to_html(text, policy.inline_image)
        except RefusedResource as refused:
            problems.setdefault(refused.url, locate_refusal(path, refused, source))
    return list(problems.values())


def _markdown_texts(item: object, markdown: bool = False) -> Iterator[str]:
    """The texts of a plan (or a part of one) that the guides render as Markdown (fields of type Prose)."""
    if isinstance(item, BaseModel):
        for name, info in type(item).model_fields.items():
            yield from _markdown_texts(getattr(item, name), _is_prose(info.annotation, info.json_schema_extra))
    elif isinstance(item, (list, tuple)):
        for value in item:
            yield from _markdown_texts(value, markdown)
    elif isinstance(item, dict):
        for value in item.values():
            yield from _markdown_texts(value, markdown)
    elif isinstance(item, str) and markdown:
        yield item


def _is_prose(annotation: Any, extra: object = None) -> bool:
    """Whether a field's type holds Markdown text: Prose, or a list, mapping or union of it."""
    if isinstance(extra, dict) and extra.get("format") == "markdown":
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return any(getattr(meta, "json_schema_extra", None) == {"format": "markdown"} for meta in annotation.__metadata__) \
            or _is_prose(typing.get_args(annotation)[0])
    return any(_is_prose(arg) for arg in typing.get_args(annotation))


def locate_refusal(path: Path, refused: RefusedResource, source: SourceMap | None = None) -> Problem:
    """A refused file or address, reported where the plan names it (the first place it is written);
    in a shared plan the plan extends, when only that names it."""
    try:
        text = read_regular(path).decode("utf-8", "replace")
    except OSError:
        text = ""
    texts = source.texts if source is not None and refused.url and refused.url not in text else {}
    for shared, shared_text in texts.items():
        if shared != str(path) and refused.url and refused.url in shared_text:
            found = locate_refusal(Path(shared), refused)
            return Problem(found.file, found.line, found.column, found.message, via=str(path))
    # where the url is a link's or a picture's target (`](url`, `src="url`, `[ref]: url`), else anywhere
    named = re.search(r"(?:\]\(\s*<?|\]:[ \t]*<?|\bsrc\s*=\s*\\?[\"']?)(" + re.escape(refused.url) + ")", text) if refused.url else None
    index = named.start(1) if named else text.find(refused.url) if refused.url else -1
    if index < 0:
        return Problem(str(path), 1, 1, str(refused))
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Problem(str(path), line, column, str(refused))
