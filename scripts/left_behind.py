"""After the test suite: no process it started still runs, and its temporary folder is empty.

    python scripts/left_behind.py TMPDIR MARK

scripts/test.sh runs pytest with TMPDIR set to a fresh, empty folder and
INCIDENT_GUIDE_TEST_RUN=MARK in its environment, which every process the tests start
inherits. This waits up to ten seconds for those processes to end, then names (and
kills) any that still run and lists what is left in TMPDIR; exit status 1 if either.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stop_at_random import leftovers, marked  # noqa: E402

NAME = "INCIDENT_GUIDE_TEST_RUN"
PATIENCE = 10.0


def main() -> int:
    temp, mark = Path(sys.argv[1]), sys.argv[2]
    deadline = time.monotonic() + PATIENCE
    while marked(mark, NAME) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = marked(mark, NAME)
    for pid, command in alive:
        print(f"left running by the tests: {pid} {command}", file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    left = leftovers(temp)
    for name in left[:50]:
        print(f"left in the temporary folder by the tests: {name}", file=sys.stderr)
    return 1 if alive or left else 0


if __name__ == "__main__":
    sys.exit(main())
