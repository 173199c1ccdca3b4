"""The names of the editions, importable without the plan model (the command line's --edition choices).

generator.render.edition.EDITIONS holds the rows; a test keeps the two in step.
Importing the plan model (pydantic) costs more than the whole of a build that has
nothing to do, so `build` checks the cache before anything imports it.
"""

from __future__ import annotations

EDITION_NAMES = ("public", "volunteer", "responder", "desk", "cards", "report-form", "drill")
