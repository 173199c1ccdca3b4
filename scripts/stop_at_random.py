"""Stop `build` or `serve` with a signal at random moments; check that it ended everything and left nothing.

    python scripts/stop_at_random.py build --times 20      # `build plans/ --jobs 2`, every other run one plan
    python scripts/stop_at_random.py serve --times 20      # `serve PLAN --pdf`
    python scripts/stop_at_random.py build --signal HUP --seed 7

Each run gets a fresh, empty temporary folder (TMPDIR) and a mark in its environment,
which every process it starts inherits (forked or not). Two seconds after the signal
there must be no process carrying the mark, the temporary folder must be empty (after
SIGKILL: hold only the command's own folder, which the next command removes), and
no guide set (output/NAME) may have been swapped in after the signal. Exit status 0 when
every run passed, 1 otherwise (each failure is described). tests/test_stopping.py runs a
few of each; run this with --times 20 after changing how the workers start or stop.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "INCIDENT_GUIDE_STOP_TEST"
GRACE = 2.0  # seconds the command has to end everything after the signal
SWAP_SLACK = 0.5  # a set swapped in this soon after the signal was being renamed as it came


def marked(mark: str, name: str = MARK) -> list[tuple[int, str]]:
    """The processes (pid, command line) whose environment holds NAME=mark (Linux /proc)."""
    needle = f"{name}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append((int(entry.name), command[:160]))
        except OSError:  # exited meanwhile, or not ours to read
            continue
    return found


def leftovers(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def one_run(command: str, moment: float, signum: int, work: Path, python: str, every_plan: bool = True) -> list[str]:
    """Start the command, signal it after `moment` seconds, and say what is wrong afterwards."""
    temp = work / "t"
    temp.mkdir(parents=True)
    out = work / "out"
    mark = uuid.uuid4().hex
    env = {**os.environ, "TMPDIR": str(temp), MARK: mark, "XDG_CACHE_HOME": str(work / "cache")}
    env.pop("INCIDENT_GUIDE_SCRATCH", None)
    if command == "build":
        plans = ROOT / "plans" if every_plan else ROOT / "plans" / "complete-conference.yaml"
        argv = [python, "-m", "generator.cli", "build", str(plans), "--jobs", "2", "-o", str(out)]
    else:
        argv = [python, "-m", "generator.cli", "serve", str(ROOT / "plans" / "complete-conference.yaml"), "--port", "0", "--pdf"]
    problems = []
    with open(work / "log", "wb") as log:
        process = subprocess.Popen(argv, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(moment)
        told = time.time()
        process.send_signal(signum)
        deadline = time.monotonic() + GRACE
        while time.monotonic() < deadline and (process.poll() is None or marked(mark)):
            time.sleep(0.05)
        alive = marked(mark)
        if process.poll() is None:
            problems.append(f"the command itself still runs {GRACE} s after the signal")
        if alive:
            problems.append(f"{len(alive)} of its processes still run {GRACE} s after the signal: {alive}")
        for pid, _ in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        process.kill()
        process.wait()
    left = leftovers(temp)
    if signum == signal.SIGKILL:  # nothing can clean up after it: the next command removes its folder
        left = [name for name in left if not name.startswith(f"incident-guide-{process.pid}-")]
    if left:
        problems.append(f"left in the temporary folder: {left[:8]}")
    if out.is_dir():
        for entry in out.iterdir():
            if not entry.name.startswith(".") and entry.is_dir() and entry.stat().st_ctime > told + SWAP_SLACK:
                problems.append(f"{entry.name} was swapped in {entry.stat().st_ctime - told:.2f} s after the signal")
    if problems:
        problems.append("its output:\n" + (work / "log").read_text(errors="replace")[-2000:])
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "serve"])
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--signal", default="TERM", choices=["TERM", "HUP", "INT", "KILL"],
                        help="KILL: the command dies unexpectedly; its workers must notice")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--longest", type=float, default=12.0, help="latest moment to signal, in seconds")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    chance = random.Random(seed)
    signum = getattr(signal, f"SIG{args.signal}")
    failed = 0
    print(f"{args.command}: {args.times} runs, SIG{args.signal}, seed {seed}", flush=True)
    for number in range(1, args.times + 1):
        moment = round(chance.uniform(0.2, args.longest), 1)
        work = Path(tempfile.mkdtemp(prefix="s"))  # short: the command's folder in it must leave room for a socket path
        try:
            problems = one_run(args.command, moment, signum, work, sys.executable, every_plan=number % 2 == 1)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"[{number}/{args.times}] signal after {moment} s: {'ok' if not problems else 'FAILED'}", flush=True)
        for problem in problems:
            print(f"  {problem}", flush=True)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
