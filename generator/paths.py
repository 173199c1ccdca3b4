"""Where the tool's own files are: packaged inside generator/ by `pip install .`, else in the checkout."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = "private"  # output/NAME/private/: the responder-only files (folder 0700, files 0600)


def package_or_repo_dir(name: str) -> Path:
    """`generator/NAME` in an installed wheel, else the checkout's top-level `NAME/`."""
    packaged = Path(__file__).resolve().parent / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def templates_dir() -> Path:
    """The templates, stylesheets, fonts and starter plans."""
    return package_or_repo_dir("templates")


def user_cache_dir() -> Path:
    """The tool's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache): only what can be made again."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "incident-guide"
