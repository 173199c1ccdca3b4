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


def guides_folder(output_root: Path, plan: Path) -> Path:
    """OUTPUT/NAME, where a plan's guides go: NAME is its file's name without `.yaml`.

    Raises UserError for a name that is no folder of its own (`..yaml`, `.yaml`) or a hidden one
    (`.x.yaml`), or one with spaces around it: the guides would land in the output folder itself, above
    it, beside the hidden folders a build swaps its sets through, or in a folder named by a space."""
    from .errors import UserError

    name = plan.stem
    if not name.strip(". ") or name.startswith(".") or name != name.strip():
        raise UserError(f"the guides go in a folder named after the plan's file, and `{plan.name}` gives none of its own "
                        f"(they would go in {output_root} itself, above it or in a hidden folder)",
                        hint="rename the file, e.g. to my-event.yaml")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:  # the hidden set a build writes is named .NAME.PID.RANDOM.new
        raise UserError(f"the plan's file name is {len(name.encode('utf-8'))} bytes long; its guides' folder and the hidden "
                        f"folder a build writes them in need a name of at most {MAX_NAME_BYTES} bytes",
                        hint="rename the file to something shorter, e.g. my-event.yaml")
    return output_root / name


# A file name is at most 255 bytes on common file systems; the hidden set's name adds about 40 to the plan's.
MAX_NAME_BYTES = 200
