"""The pages the preview serves: its own (the index, the problems), from the Jinja templates in
templates/ beside this module, and the served copy of a built page (its policy opened just enough
for the reload script, which is added). Every value is escaped by Jinja's autoescape."""

from __future__ import annotations

import html
import re
import secrets
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

    from .state import State

POLL_MS = 250

_CSP_META = re.compile(r"""<meta\s+http-equiv=(["']?)Content-Security-Policy\1\s+content=(["'])(.*?)\2\s*/?>""", re.IGNORECASE | re.DOTALL)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _render(template: str, **values: Any) -> str:
    return _environment().get_template(template).render(poll_ms=POLL_MS, **values)


def reload_script(version: int, nonce: str) -> str:
    """The script that reloads the page when the preview's version changes (it polls /__version)."""
    return _render("reload.html.j2", version=version, nonce=nonce)


def preview_csp(policy: str, nonce: str) -> str:
    """The page's own policy plus what the reload script needs: its nonce, and fetch to this server."""
    directives = {}
    order = []
    for part in policy.split(";"):
        words = part.split()
        if words:
            name = words[0].lower()
            if name not in directives:
                order.append(name)
                directives[name] = words[1:]
    script = directives.get("script-src")
    if script is None:
        order.append("script-src")
        directives["script-src"] = [f"'nonce-{nonce}'"]
    elif not ("'unsafe-inline'" in script and not any(s.startswith(("'nonce-", "'sha")) for s in script)):
        # a nonce would switch off 'unsafe-inline', so add it only where inline scripts are not already allowed
        directives["script-src"] = [s for s in script if s != "'none'"] + [f"'nonce-{nonce}'"]
    connect = directives.get("connect-src")
    if connect is None:
        order.append("connect-src")
        directives["connect-src"] = ["'self'"]
    elif "'self'" not in connect:
        directives["connect-src"] = [s for s in connect if s != "'none'"] + ["'self'"]
    return "; ".join(" ".join([name, *directives[name]]) for name in order)


def inject(page: str, version: int) -> str:
    """The served copy of a built page: its CSP opened just enough for the reload script."""
    nonce = secrets.token_urlsafe(16)
    match = _CSP_META.search(page)
    if match:
        meta = _render("csp.html.j2", policy=preview_csp(html.unescape(match.group(3)), nonce))
        page = page[: match.start()] + meta + page[match.end():]
    script = reload_script(version, nonce)
    ends = list(_BODY_END.finditer(page))
    if ends:
        at = ends[-1].start()
        return page[:at] + script + page[at:]
    return page + script


def error_page(plan: Path, state: State) -> str:
    """The problems of the last build, in place of any guide until the plan is fixed."""
    return _render("problems.html.j2", plan=plan, problems=[str(problem) for problem in state.problems],
                   version=state.version, nonce=secrets.token_urlsafe(16)) + "\n"


def index_page(plan: Path, state: State) -> str:
    """The built guides, each with a link that prints its PDF; the responder's (private/) last."""
    pages = sorted((name for name in state.files if name.endswith(".html")), key=lambda n: (n.startswith("private/"), n))
    return _render("index.html.j2", plan=plan, pages=[(name, name[: -len(".html")] + ".pdf") for name in pages],
                   version=state.version, nonce=secrets.token_urlsafe(16)) + "\n"
