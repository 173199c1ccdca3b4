"""`serve`: a live preview of one plan's HTML guides on 127.0.0.1.

- Builds the HTML editions into the command's private temporary folder
  (generator.scratch: mode 0700, removed on exit, and by the next command when this one
  was killed), never into output/: the preview leaves the real guides and their cache alone.
- Rebuilds on every save of the plan, of a picture the last build read (listed in
  its .build.json, as the renderer reported it), or of a file under
  templates/ (watchfiles, debounced), and reloads the open page: the served copy of
  each page (never the built file) gets a small script that polls /__version. The
  page's Content-Security-Policy is kept, with only a nonce for that script and
  `connect-src 'self'` added.
- A plan with errors shows them in the page (escaped FILE:LINE:COL lines) and in the
  terminal, and the preview carries on; saving a fixed plan recovers. What went wrong is
  told as the command line tells it (generator.errors.problems_from): a full disk in plain
  words, a bug as one line asking for a report.
- PDFs are printed only when asked: `--pdf`, or a request for /pdf/NAME.pdf. Requests
  for the PDFs of one version while they print wait for that one print.
- Serves only files inside the build folder: no `..`, no hidden files, no symlink
  out; requests naming another host (DNS rebinding) are refused.
- Each run makes a random token, part of the URL it prints (as notebook servers do);
  opening that URL sets a cookie holding it, and any request with neither gets 403,
  so another local user who can reach 127.0.0.1 cannot read the responder guide.

One idea per module: `state` (what was built, when to rebuild), `server` (the HTTP side),
`pages` (the pages it serves, from the Jinja templates in templates/), `run` (the command).
This module imports none of them until one of their names is asked for, so the command line
reads the port without loading them.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pages import inject, preview_csp
    from .run import serve
    from .server import PreviewServer
    from .state import Preview, State

from .port import DEFAULT_PORT

__all__ = ["DEFAULT_PORT", "Preview", "PreviewServer", "State", "inject", "preview_csp", "serve"]
_HOMES = {"Preview": "state", "State": "state", "PreviewServer": "server", "inject": "pages", "preview_csp": "pages", "serve": "run"}


def __getattr__(name: str) -> object:
    """`from generator.serve import Preview` and the like, each imported from its module only when asked for."""
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
