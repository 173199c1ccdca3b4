"""The leak check: prove that a finished guide holds nothing above its audience.

Editions are already cut from a redacted plan; this is the second lock. For an
edition it collects every secret of the plan above the edition's audience
(generator.plan.secrets) and searches the finished HTML source, its visible text and
the PDF's extracted text (extract.py) for each of them, in one pass over each text
(generator.matcher).

A secret written inside a visible value's text is a paste: `check` finds them
(generator.plan.pastes, rule PRIVATE-PASTE, located at the paste), and the leak
check words what it finds the same way.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import BuildError, PlanError, Problem
from ..files import read_regular
from ..matcher import Matcher
from ..plan.load import SourceMap
from ..plan.model import Audience, Plan
from ..plan.pastes import find_pastes, paste_hint, paste_message, paste_pattern, secret_words
from ..plan.secrets import PlanPath, Secret, secrets_above
from .edition import EDITIONS, drill_spec
from .extract import pdf_text, visible_text
from .locale import Localizer


@dataclass(frozen=True)
class Leak:
    secret: Secret
    where: str  # "HTML source", "HTML text" or "PDF text"

    def __str__(self) -> str:
        return f"{self.secret.field} ({self.secret.kind}) appears in the {self.where}"


def find_leaks(secrets: list[Secret] | Matcher[Secret], html_source: str | None = None, pdf_text: str | None = None) -> list[Leak]:
    matcher = secrets if isinstance(secrets, Matcher) else Matcher(secrets)
    haystacks = []
    if html_source is not None:
        haystacks.append(("HTML source", html.unescape(html_source)))
        haystacks.append(("HTML text", visible_text(html_source)))
    if pdf_text is not None:
        haystacks.append(("PDF text", pdf_text))
    return [Leak(secret, where) for where, text in haystacks for secret in matcher.find(text)]


def guide_words(plan: Plan) -> list[str]:
    """Every text the guide prints by itself in the plan's locale: a secret found inside them proves nothing (not plan data)."""
    return Localizer(plan.locale).all_texts()


def secrets_for(plan: Plan, audience: Audience) -> Matcher[Secret]:
    """The secrets above `audience`, ready to search for."""
    return Matcher(secrets_above(plan, audience, guide_words(plan)))


def edition_files() -> dict[str, Audience]:
    """Which audience each finished file is for, by its name inside output/NAME/; files for the
    responders are left out, as nothing in the plan is above them."""
    files: dict[str, Audience] = {spec.file(suffix).as_posix(): spec.audience for spec in EDITIONS.values()
             if spec.audience is not Audience.responder for suffix in spec.formats}
    for spec in EDITIONS.values():  # an edition whose level the plan may lower (the report form) is volunteer-level outside private/
        if spec.level_from:
            files.update({replace(spec, audience=Audience.volunteer).file(suffix).as_posix(): Audience.volunteer for suffix in spec.formats})
    drill = drill_spec(Audience.volunteer)  # `incident-guide drill --audience volunteer`
    files.update({drill.file(suffix).as_posix(): drill.audience for suffix in drill.formats})
    return files


def check_file(path: str | Path, audience: Audience, secrets: list[Secret] | Matcher[Secret]) -> list[Leak]:
    """Search one finished guide (HTML or PDF) for the secrets of its audience."""
    path = Path(path)
    try:
        content = read_regular(path)  # a guide swapped for a FIFO is refused, never waited on
    except OSError as exc:
        raise BuildError([Problem(str(path), 0, 0, f"cannot read this guide: {exc.strerror or exc}")]) from None
    return _search(content, "pdf" if path.suffix == ".pdf" else "html", secrets)


def check_output_dir(out_dir: str | Path, plan: Plan) -> dict[str, list[Leak]]:
    """Leaks per existing guide file in output/NAME/ (responder files have nothing above them)."""
    files = edition_files()
    secrets = {audience: secrets_for(plan, audience) for audience in set(files.values())}
    return {name: check_file(Path(out_dir) / name, audience, secrets[audience])
            for name, audience in files.items() if (Path(out_dir) / name).is_file()}


class LeakSearch:
    """The leak check's search, one finished file at a time (the build searches each as it is made).

    check_leaks(..., search=) then searches every file not searched yet with the same
    content, and reports.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._secrets: dict[Audience, Matcher[Secret]] = {}
        self._found: dict[str, tuple[bytes, list[Leak]]] = {}  # path -> (the content searched, its leaks)

    def search(self, item: Any) -> None:
        """Search one RenderedFile (build.py imports this module) for the secrets of its audience."""
        if item.audience not in self._secrets:
            self._secrets[item.audience] = secrets_for(self.plan, item.audience)
        secrets = self._secrets[item.audience]
        leaks = _search(item.content, item.kind, secrets) if secrets.secrets and item.kind in ("html", "pdf") else []
        self._found[item.path.as_posix()] = (item.content, leaks)

    def leaks(self, item: Any) -> list[Leak]:
        """The leaks in `item`, searched now unless this very content was searched already."""
        searched = self._found.get(item.path.as_posix())
        if searched is None or searched[0] is not item.content:
            self.search(item)
        return self._found[item.path.as_posix()][1]


def check_leaks(plan: Plan, files: Iterable[Any], source: SourceMap | None = None, search: LeakSearch | None = None) -> None:
    """The build's last lock: raise on every leak in the rendered files (nothing is written then).

    With the plan's source positions, each leak is a Problem worded like `check`'s
    PRIVATE-PASTE and located at the paste when the value is pasted into a field the
    file's readers see, else where the value itself is written (a template printed it);
    without them, a BuildError naming the fields. `search`: the files searched so far.
    """
    search = search or LeakSearch(plan)
    found: list[tuple[Any, Leak]] = [(item, leak) for item in files for leak in search.leaks(item)]  # (RenderedFile, leak)
    if not found:
        return
    if source is None:
        lines = [f"{item.path}: {leak}" for item, leak in found]
        raise BuildError("the leak check stopped the build; nothing was written:\n  " + "\n  ".join(dict.fromkeys(lines)))
    pastes = find_pastes(plan, guide_words(plan))
    places: dict[tuple[int, int, str, str, PlanPath, PlanPath], list[str]] = {}
    for item, leak in found:
        paste = next((p for p in pastes if p.secret.path == leak.secret.path and not p.audience.rank > item.audience.rank), None)
        if paste is not None:
            line, column = source.inside(paste.path, paste_pattern(paste.secret))
            message, hint = paste_message(plan, paste), paste_hint(plan, paste)
            at = paste.path
        else:
            at = leak.secret.path
            line, column = source.value(leak.secret.path)
            message = f"{secret_words(plan, leak.secret)} is printed in a guide its readers may not see"
            hint = "a template or the cut printed it: report this as a bug; nothing was written"
        places.setdefault((line, column, message, hint, leak.secret.path, at), []).append(f"{item.path} ({leak.where})")
    problems = [source.located(at, line, column, f"{message}; the leak check found it in {', '.join(dict.fromkeys(where))}",
                               hint=hint, rule="PRIVATE-PASTE", path=path)
                for (line, column, message, hint, path, at), where in places.items()]
    raise PlanError(problems)


def _search(content: bytes, kind: str, secrets: list[Secret] | Matcher[Secret]) -> list[Leak]:
    if kind == "pdf":
        return find_leaks(secrets, pdf_text=pdf_text(content))
    return find_leaks(secrets, html_source=content.decode("utf-8", errors="replace"))
