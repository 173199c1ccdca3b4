"""Every way to stop a command ends everything it started, and nothing is left in the temporary folder.

The commands run as processes with a fresh, empty TMPDIR and a mark in their environment
that every process they start inherits (scripts/stop_at_random.py): afterwards no process
carries the mark and the folder is empty.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from generator import scratch

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.yaml"
SCRIPT = ROOT / "scripts" / "stop_at_random.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("stop_at_random", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stop_at_random = _load_script()


class Command:
    """`incident-guide ARGS` with a fresh TMPDIR and a mark; `gone()` waits until none of its processes is left."""

    def __init__(self, tmp_path: Path, *args: str, temp: Path | None = None):
        self.temp = temp or tmp_path / f"tmp-{uuid.uuid4().hex[:6]}"
        self.temp.mkdir(exist_ok=True)
        self.mark = uuid.uuid4().hex
        env = {**os.environ, "TMPDIR": str(self.temp), stop_at_random.MARK: self.mark, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        env.pop(scratch.ENVIRONMENT, None)
        self.log = tmp_path / f"log-{self.mark[:6]}"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "generator.cli", *args], cwd=tmp_path, env=env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output())
            if found:
                return found
            assert self.process.poll() is None, f"ended before {pattern!r}:\n{self.output()}"
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.output()}")

    def gone(self, within: float = 2.0) -> list[tuple[int, str]]:
        """Its processes still running after `within` seconds (none, when all is well); they are killed."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline and (self.process.poll() is None or stop_at_random.marked(self.mark)):
            time.sleep(0.05)
        left = stop_at_random.marked(self.mark)
        for pid, _ in left:
            os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        return left

    def temporary_files(self) -> list[str]:
        return stop_at_random.leftovers(self.temp)


# --- stopped at random moments (scripts/stop_at_random.py; run it with --times 20 for more) ----------

@pytest.mark.slow
@pytest.mark.parametrize(("command", "times", "sig"), [("build", 4, "TERM"), ("build", 2, "KILL"), ("serve", 3, "TERM")])
def test_stopped_at_random_moments_nothing_runs_on_and_nothing_is_left(command, times, sig):
    """SIGTERM to `build plans/ --jobs 2` (and a single plan), and to `serve --pdf`, at random moments: two seconds
    later no process of the command runs, the temporary folder is empty and no set is newer than the signal.
    SIGKILL: the command dies unexpectedly, and its workers notice and exit."""
    result = subprocess.run([sys.executable, str(SCRIPT), command, "--times", str(times), "--signal", sig, "--longest", "10"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok") == times


# --- the temporary folder as it was found ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("many", [False, True], ids=["one plan, print workers", "two plans, build workers"])
def test_a_build_leaves_the_temporary_folder_as_it_found_it(tmp_path, many):
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in (("first", "second") if many else ("first",)):
        shutil.copy(MINIMAL, plans / f"{name}.yaml")
    command = Command(tmp_path, "build", str(plans), "--jobs", "2", "-o", str(tmp_path / "out"))
    assert command.process.wait(timeout=300) == 0, command.output()
    assert command.gone() == []
    assert command.temporary_files() == []
    assert (tmp_path / "out" / "first" / "volunteer.pdf").is_file()


@pytest.mark.slow
def test_a_temporary_folder_too_deep_for_a_socket_still_builds_with_workers(tmp_path):
    """Build workers start without the forkserver (whose socket would not fit) under a deep $TMPDIR."""
    deep = tmp_path / ("d" * max(1, scratch.SOCKET_ROOM - len(os.fsencode(tmp_path))))
    assert len(os.fsencode(deep)) > scratch.SOCKET_ROOM
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("first", "second"):
        shutil.copy(MINIMAL, plans / f"{name}.yaml")
    command = Command(tmp_path, "build", str(plans), "--jobs", "2", "-o", str(tmp_path / "out"), temp=deep)
    assert command.process.wait(timeout=300) == 0, command.output()
    assert command.gone() == []
    assert command.temporary_files() == []
    assert (tmp_path / "out" / "second" / "volunteer.pdf").is_file()


@pytest.mark.slow
def test_a_serve_session_leaves_the_temporary_folder_as_it_found_it(tmp_path):
    import http.client

    plan = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, plan)
    command = Command(tmp_path, "serve", str(plan), "--port", "0")
    port, token = command.wait_for(r"127\.0\.0\.1:(\d+)/\?token=([\w-]+)").groups()
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
    connection.request("GET", "/pdf/volunteer.pdf", headers={"Host": f"127.0.0.1:{port}", "Cookie": f"preview-token-{port}={token}"})
    response = connection.getresponse()
    assert response.status == 200 and response.read().startswith(b"%PDF")  # WeasyPrint's fonts are in the folder now
    connection.close()
    [private] = list(command.temp.glob("incident-guide-*"))
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert any(private.glob("preview-*/guides/private/responder.html"))
    command.process.send_signal(signal.SIGTERM)
    assert command.gone() == []
    assert command.process.returncode == 0
    assert command.temporary_files() == []


@pytest.mark.slow
def test_the_next_serve_removes_what_a_killed_one_left(tmp_path):
    plan = tmp_path / "minimal.yaml"
    shutil.copy(MINIMAL, plan)
    first = Command(tmp_path, "serve", str(plan), "--port", "0")
    first.wait_for("Preview of")
    first.process.kill()
    assert first.gone() == []
    [left] = list(first.temp.iterdir())  # the whole private set, unsealed: in a folder only its user can open
    assert left.name.startswith(f"incident-guide-{first.process.pid}-") and stat.S_IMODE(left.stat().st_mode) == 0o700
    assert any(left.rglob("responder.html"))
    second = Command(tmp_path, "serve", str(plan), "--port", "0", temp=first.temp)
    second.wait_for("Preview of")
    assert not left.exists()
    second.process.send_signal(signal.SIGTERM)
    assert second.gone() == []
    assert second.temporary_files() == []


def test_leftovers_of_commands_that_are_gone_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = tmp_path / f"incident-guide-{dead.pid}-abc123"
    (gone / "preview-x" / "private").mkdir(parents=True)
    running = tmp_path / f"incident-guide-{os.getppid()}-def456"
    running.mkdir()
    other = tmp_path / "incident-guide-notes"
    other.mkdir()
    old, recent = tmp_path / "incident-guide-preview-k2j4h1", tmp_path / "incident-guide-preview-p9x8w7"
    (old / "meetup" / "private").mkdir(parents=True)  # an earlier version's killed serve
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    recent.mkdir()  # perhaps an earlier version's serve still running
    scratch.remove_leftovers(tmp_path)
    assert not gone.exists() and running.exists() and other.exists()
    assert not old.exists() and recent.exists()


def test_the_command_folder_is_private_and_removed_by_its_maker(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv(scratch.ENVIRONMENT, raising=False)
    monkeypatch.setattr(scratch, "_made", {})
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr(scratch, "SOCKET_ROOM", 4096)  # pytest's folders are deeper than a socket's path may be
    folder = scratch.folder()
    assert folder.parent == tmp_path and stat.S_IMODE(folder.stat().st_mode) == 0o700
    with scratch.temporary_files():
        import tempfile

        assert Path(tempfile.mkdtemp()).parent == folder
    scratch.remove()
    assert not folder.exists() and list(tmp_path.iterdir()) == []


def test_a_folder_too_deep_for_a_socket_is_not_used_for_every_temporary_file(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path / ("deep" * 20)))
    (tmp_path / ("deep" * 20)).mkdir()
    monkeypatch.delenv(scratch.ENVIRONMENT, raising=False)
    monkeypatch.setattr(scratch, "_made", {})
    monkeypatch.setattr("tempfile.tempdir", None)
    with scratch.temporary_files() as folder:
        assert Path(tempfile.gettempdir()) == tmp_path / ("deep" * 20) != folder
    scratch.remove()


def test_the_first_signal_stops_and_later_ones_wait_for_the_clean_up():
    from generator.stopping import Stopped, stop_on_signals

    before = signal.getsignal(signal.SIGTERM)
    cleaned = False
    with pytest.raises(Stopped) as stopped:
        with stop_on_signals():
            with stop_on_signals():  # nested (serve's own, inside the command's): one handler
                try:
                    os.kill(os.getpid(), signal.SIGTERM)
                    time.sleep(5)
                finally:
                    os.kill(os.getpid(), signal.SIGHUP)  # ignored while cleaning up
                    time.sleep(0.1)
                    cleaned = True
    assert cleaned and stopped.value.signum == signal.SIGTERM and stopped.value.exit_status == 143
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_worker_dies_with_its_parent(tmp_path):
    """die_with_parent: the parent killed outright, its worker follows (Linux)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    code = ("import os, sys, time\n"
            "from generator.stopping import die_with_parent\n"
            "parent = os.getpid()\n"
            "if os.fork() == 0:\n"
            "    die_with_parent(parent)\n"
            "    print(os.getpid(), flush=True)\n"
            "    time.sleep(60)\n"
            "    os._exit(0)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and Path(f"/proc/{worker}").exists() and "Z" not in _state(worker):
        time.sleep(0.05)
    assert not Path(f"/proc/{worker}").exists() or "Z" in _state(worker)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.slow  # runs Python in a subprocess
def test_a_stop_python_could_not_raise_still_ends_the_command(tmp_path):
    """A Stopped raised inside a finalizer is dropped by Python: the deadline ends the command anyway, quietly."""
    code = ("import gc, os, signal, time\n"
            "from generator.stopping import stop_on_signals\n"
            "class Slow:\n"
            "    def __del__(self):\n"
            "        os.kill(os.getpid(), signal.SIGTERM)\n"
            "        time.sleep(0.2)  # the handler runs here, inside the finalizer\n"
            "with stop_on_signals(deadline=True):\n"
            "    Slow()\n"
            "    print('carried on', flush=True)\n"
            "    time.sleep(30)\n")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 10
    assert result.returncode == 143 and result.stdout == "carried on\n"
    assert result.stderr == "stopped (SIGTERM)\n"


def test_a_stop_that_reaches_the_command_line_ends_it_in_one_place(tmp_path):
    """`stopped (SIGTERM)`, the temporary folder removed, exit 128 + 15: the same end as the deadline's (stopping.end_stopped)."""
    code = ("import sys\n"
            "import generator.plan.schema as schema\n"
            "from generator import scratch\n"
            "from generator.cli import main\n"
            "from generator.stopping import Stopped\n"
            "def stopped():\n"
            "    print(scratch.folder(), flush=True)\n"
            "    raise Stopped(15)\n"
            "schema.plan_schema_text = stopped\n"
            "main(['schema'])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)})
    assert result.returncode == 143 and result.stderr == "stopped (SIGTERM)\n", result.stderr
    folder = Path(result.stdout.strip())
    assert folder.parent == tmp_path and not folder.exists()


def test_signals_are_named_as_the_user_knows_them():
    from generator.stopping import signal_name

    assert (signal_name(signal.SIGTERM), signal_name(signal.SIGINT), signal_name(250)) == ("SIGTERM", "SIGINT", "signal 250")


@pytest.mark.slow
def test_a_stopped_batch_build_leaves_no_unfinished_set_beside_the_guides(tmp_path):
    """Ctrl-C in `build plans/ --jobs 2`: the build workers are killed so none swaps its set in afterwards; the sets
    they were writing (hidden `.NAME.PID.X.new` folders) are removed with them, not left for the next build."""
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("one", "two", "three"):
        shutil.copy(MINIMAL, plans / f"{name}.yaml")
    command = Command(tmp_path, "build", str(plans), "-o", str(tmp_path / "out"), "--jobs", "2", "--force")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any((tmp_path / "out").glob(".*.new")):
        time.sleep(0.05)
    assert any((tmp_path / "out").glob(".*.new")), command.output()
    command.process.send_signal(signal.SIGINT)
    assert command.gone(within=10) == []
    assert "stopped (SIGINT)" in command.output() and "leaked" not in command.output()
    assert [entry.name for entry in (tmp_path / "out").iterdir() if entry.name.startswith(".")] == []
