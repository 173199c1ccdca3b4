"""Worker processes die with the process that started them, even when it dies while they start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator.stopping import COMMAND_PID

# A stand-in forkserver: it records its pid (generator.forkserver_guard), forks a worker and exits before the worker
# reaches its start-up; the worker, by then a child of another process, must notice and exit instead of running on.
SERVER = """
import os, time
import generator.forkserver_guard
server = os.getpid()
read, write = os.pipe()
if os.fork() == 0:
    os.close(write)
    os.read(read, 1)  # end of file: the server is gone
    deadline = time.monotonic() + 10  # never outlives the test, whatever happens
    while os.getppid() == server and time.monotonic() < deadline:
        time.sleep(0.01)
    from generator.workers import worker_start
    worker_start()
    print("the worker runs on", flush=True)
    os._exit(0)
os._exit(0)
"""


@pytest.mark.slow
def test_a_worker_whose_server_died_as_it_started_exits():
    env = {**os.environ, COMMAND_PID: str(os.getpid())}  # the server's own parent (this test) lives on
    result = subprocess.run([sys.executable, "-c", SERVER], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "runs on" not in result.stdout  # the pipe closes only when the worker has exited
