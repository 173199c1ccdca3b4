"""Imported first by generator.batch's forkserver: the server dies with the command that started it.

The forkserver imports its preload modules (WeasyPrint among them, seconds) before it
looks at its connection to the command, so without this a command stopped in that
time would leave it running. The command names itself in the environment the server
starts with.
"""

from __future__ import annotations

import os

from .stopping import COMMAND_PID, die_with_parent

# The server's pid, for the workers it forks: read before they ask who their parent is, it still names the server
# when the server dies as they start (generator.workers.started_by).
SERVER = os.getpid()

if os.environ.get(COMMAND_PID, "").isdigit():
    die_with_parent(int(os.environ[COMMAND_PID]))
