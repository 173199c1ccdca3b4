"""A finished guide file, still in memory: what rendering makes, the leak check reads and generator.write writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ..plan.model import Audience


@dataclass(frozen=True)
class RenderedFile:
    """A finished guide file, still in memory: what the leak check reads before anything is written."""

    path: PurePosixPath  # relative to output/NAME/, e.g. private/responder.pdf
    content: bytes
    audience: Audience
    private: bool
    kind: str  # "html", "pdf" or "ics"
    sealable: bool = False  # encrypted by `build --seal`
