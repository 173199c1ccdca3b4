"""Benchmarks for incident-guide: what a user waits for, every figure next to its target.

    python benchmarks/run.py                 # every row, three repeats (about 15 minutes on two free cores)
    python benchmarks/run.py --repeats 1     # a rough picture
    python benchmarks/run.py --only whole --only incremental --json results.json
    python benchmarks/run.py --report benchmarks/results.json   # the tables of an earlier run

Run from a checkout. The script first copies generator/, templates/ and plans/ into a
temporary folder and measures that copy, so edits made while it runs cannot change
what is measured.

Everything runs as a user runs it: `python -m generator.cli ...` as a fresh process,
and bare WeasyPrint as a fresh process too. Each command runs under a small meter
process that makes itself the "child subreaper" (Linux prctl), so the forkserver and
the worker processes a build leaves behind are reparented to it and waited for: the
CPU time (user + system) and peak RSS of the whole process tree are counted, workers
included. Every figure is the median of its repeats with min and max; repeats of
compared commands are interleaved, so a busy moment hurts both alike. The load
average (1 minute) is printed before and after each row; a wall-clock ratio is not
reported (n/a) when it moved by more than the number of cores during the row, or
stayed above twice the number of cores.
Nothing here is a test: no assertions; benchmarks/README.md records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT  # replaced by the snapshot in main()
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
ENV = dict(os.environ)
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
EPOCH = "1767225600"  # SOURCE_DATE_EPOCH for every build: same input, same bytes

# Runs ARGV, then waits for every orphan it left (a forkserver, its workers) so their CPU is counted.
METER = textwrap.dedent("""
    import ctypes, json, os, resource, subprocess, sys, time
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    started = time.perf_counter()
    completed = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=float(sys.argv[1]) if sys.argv[1] != "0" else None)
    wall = time.perf_counter() - started
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"code": completed.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "rss_mb": usage.ru_maxrss / 1024, "out": (completed.stdout + completed.stderr)[-3000:]}))
""")


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float = 0.0


@dataclass
class Figure:
    """Median of the repeats, with min and max."""

    median: float
    low: float
    high: float

    def text(self, digits: int = 2, unit: str = " s") -> str:
        return f"{self.median:.{digits}f}{unit} ({self.low:.{digits}f}\u2013{self.high:.{digits}f})"


def figure(values: list[float]) -> Figure:
    return Figure(statistics.median(values), min(values), max(values))


def load() -> float:
    return round(os.getloadavg()[0], 2)


def metered(argv: list[str], cwd: Path, timeout: float = 0) -> Sample | None:
    """ARGV as a fresh process tree: wall, CPU and peak RSS of every process in it. None if it timed out."""
    try:
        completed = subprocess.run([sys.executable, "-c", METER, str(timeout), *argv], cwd=cwd, env=ENV, check=False,
                                   capture_output=True, text=True, timeout=timeout * 2 + 60 if timeout else None)
    except subprocess.TimeoutExpired:
        return None
    if completed.returncode != 0:
        if "TimeoutExpired" in completed.stderr:
            return None
        raise SystemExit(f"the meter failed for {argv}:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result['code']}):\n{result['out']}")
    return Sample(result["wall"], result["cpu"], result["rss_mb"])


def tool(*args: str, cwd: Path, timeout: float = 0) -> Sample | None:
    return metered([sys.executable, "-m", "generator.cli", *args], cwd, timeout)


def must(sample: Sample | None) -> Sample:
    if sample is None:
        raise SystemExit("a command timed out")
    return sample


def row(name: str, measure: str, value: float | None, target: str, met: bool | None, raw: str,
        loads: tuple[float, float], wall: bool = False) -> dict:
    """One line of the report. A wall-clock ratio is n/a when the load moved by more than the cores during
    its row, or stayed above twice the cores (others' work then decides how much of the cores a build gets)."""
    moved, busy = abs(loads[1] - loads[0]) > CORES, min(loads) > 2 * CORES
    refused = wall and (moved or busy)
    why = f"load moved {loads[0]} -> {loads[1]}" if moved else f"load above {2 * CORES} throughout"
    return {"row": name, "measure": measure, "value": None if refused else value, "target": target,
            "met": None if refused else met, "raw": raw, "loads": list(loads),
            "note": f"{why}: ratio not reported" if refused else ""}


def copy_plan(folder: Path, name: str = "complete-conference.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE, folder / name)
    return folder / name


# --- 1. the whole build against bare WeasyPrint ------------------------------------------

BARE = textwrap.dedent("""
    # Bare WeasyPrint: the tool's own print HTML, printed one after the other in one process,
    # with one font configuration and each stylesheet parsed once (the strongest plain script).
    # Each argument after the fourth is HTML_FILE=SHEET,SHEET: a document and its edition's own stylesheets.
    import functools, sys
    from pathlib import Path
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    css_dir, base_url, size, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4])
    fonts = FontConfiguration()
    @functools.cache
    def sheet(name):
        return weasyprint.CSS(string=(css_dir / name).read_text(encoding="utf-8"), base_url=css_dir.as_uri() + "/",
                              font_config=fonts)
    page = weasyprint.CSS(string="@page { size: %s; }" % size, font_config=fonts)
    for argument in sys.argv[5:]:
        html, own = argument.split("=")
        sheets = [sheet(name) for name in ("base.css", "print.css", *filter(None, own.split(",")))] + [page]
        document = weasyprint.HTML(string=Path(html).read_text(encoding="utf-8"), base_url=base_url).render(
            font_config=fonts, stylesheets=sheets, pdf_variant="pdf/ua-1")
        (out / (Path(html).stem + ".pdf")).write_bytes(document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True))
""")


def print_html(work: Path, plan_path: Path) -> tuple[dict[str, Path], str, str, dict[str, str]]:
    """The tool's print HTML of every edition, written to files for bare WeasyPrint, and each one's own stylesheets.

    Taken from the build's own first steps (generator.build: the editions made, the print
    tasks ordered, nothing printed), so bare WeasyPrint prints exactly what the tool
    prints: same editions, titles, metadata and draft marks.
    """
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    from generator.assets import AssetPolicy
    from generator.build import checked_plan, make_editions, order_prints, select_editions
    from generator.paths import templates_dir
    from generator.render.paper import PAGE_SIZES, default_paper

    checked = checked_plan(plan_path)
    paper = default_paper(checked.plan)
    policy = AssetPolicy(plan_path.parent, templates_dir())
    made = make_editions(checked.plan, plan_path, select_editions(None), paper, policy, draft=checked.draft)
    order = order_prints(made)
    htmls = [task.html for task in order.tasks]
    sheets = [",".join(task.stylesheets) for task in order.tasks]
    names = [(name, made.spec(name).file("pdf").stem) for name in order.names]
    files, own_sheets = {}, {}
    for (name, stem), html, own in zip(names, htmls, sheets, strict=True):
        files[name] = work / "print" / f"{stem}.html"
        files[name].parent.mkdir(exist_ok=True)
        files[name].write_text(html, encoding="utf-8")
        own_sheets[name] = own
    return files, policy.base_url, PAGE_SIZES[paper], own_sheets


def whole(repeats: int, work: Path) -> dict:
    plan = copy_plan(work / "plan")
    htmls, base_url, size, own_sheets = print_html(work, plan)
    css_dir = SOURCE / "templates" / "css"
    largest = max(htmls, key=lambda name: htmls[name].stat().st_size)
    out = work / "bare"
    out.mkdir()

    def bare(*names: str) -> Sample:
        return must(metered([sys.executable, "-c", BARE, str(css_dir), base_url, size, str(out),
                             *(f"{htmls[n]}={own_sheets[n]}" for n in names)], work))

    loads = [load()]
    runs: dict[str, list[Sample]] = {"build": [], "build1": [], "bare": [], "largest": []}
    for _ in range(repeats):
        runs["build"].append(must(tool("build", str(plan), "-o", "out", "--force", cwd=work)))
        runs["bare"].append(bare(*htmls))
        runs["build1"].append(must(tool("build", str(plan), "-o", "out1", "--force", "--jobs", "1", cwd=work)))
        runs["largest"].append(bare(largest))
    loads.append(load())
    built = work / "out" / plan.stem
    identical = all((out / f"{htmls[n].stem}.pdf").read_bytes() == next(built.rglob(f"{htmls[n].stem}.pdf")).read_bytes()
                    for n in htmls)
    wall = {k: figure([s.wall for s in v]) for k, v in runs.items()}
    cpu = {k: figure([s.cpu for s in v]) for k, v in runs.items()}
    return {"wall": {k: asdict(v) for k, v in wall.items()}, "cpu": {k: asdict(v) for k, v in cpu.items()},
            "largest": largest, "identical": identical, "loads": loads, "editions": list(htmls)}


# --- 2. incremental builds -----------------------------------------------------------------

def incremental(repeats: int, work: Path) -> dict:
    """A responder-only edit (an e-mail), a volunteer-visible edit (a phone on the cover), no change: each after a full build."""
    folder = work / "inc"
    plan = copy_plan(folder)
    original = plan.read_text(encoding="utf-8")
    edits = {"responder": ("amara@example.org", "amara.o@example.org"), "volunteer": ("020 7946 0201", "020 7946 0209")}
    for old, _ in edits.values():
        assert old in original, old
    runs: dict[str, list[Sample]] = {"first": [], "responder": [], "volunteer": [], "none": []}
    loads = [load()]
    reused: dict[str, dict] = {}
    for _ in range(repeats):
        for kind in ("responder", "volunteer"):
            plan.write_text(original, encoding="utf-8")
            shutil.rmtree(folder / "output", ignore_errors=True)
            runs["first"].append(must(tool("build", plan.name, cwd=folder)))
            old, new = edits[kind]
            plan.write_text(original.replace(old, new), encoding="utf-8")
            runs[kind].append(must(tool("build", plan.name, cwd=folder)))
            record = json.loads((folder / "output" / plan.stem / ".build.json").read_text())
            reused[kind] = {name: entry["reused"] for name, entry in record.get("editions", {}).items()}
        runs["none"].append(must(tool("build", plan.name, cwd=folder)))
    loads.append(load())
    plan.write_text(original, encoding="utf-8")
    return {"cpu": {k: asdict(figure([s.cpu for s in v])) for k, v in runs.items()},
            "wall": {k: asdict(figure([s.wall for s in v])) for k, v in runs.items()},
            "reused": reused, "loads": loads}


# --- 3. check, and many plans ----------------------------------------------------------------

def check(repeats: int, work: Path) -> dict:
    plan = copy_plan(work / "plan")
    loads = [load()]
    checks, builds = [], []
    for _ in range(repeats):
        checks.append(must(tool("check", str(plan), cwd=work)))
        builds.append(must(tool("build", str(plan), "--force", "-o", "out", cwd=work)))
    loads.append(load())
    return {"check_cpu": asdict(figure([s.cpu for s in checks])), "build_cpu": asdict(figure([s.cpu for s in builds])),
            "check_wall": asdict(figure([s.wall for s in checks])), "build_wall": asdict(figure([s.wall for s in builds])),
            "loads": loads}


def parallel(repeats: int, work: Path, plans: int = 16) -> dict:
    folder = work / "many"
    folder.mkdir()
    for number in range(plans):
        shutil.copy(EXAMPLE, folder / f"event-{number:02d}.yaml")
    loads = [load()]
    one, two = [], []
    for _ in range(repeats):
        one.append(must(tool("build", "many", "--force", "--jobs", "1", "-o", "out-many", cwd=work)))
        two.append(must(tool("build", "many", "--force", "--jobs", "2", "-o", "out-many", cwd=work)))
    loads.append(load())
    return {"plans": plans, "jobs1_wall": asdict(figure([s.wall for s in one])), "jobs2_wall": asdict(figure([s.wall for s in two])),
            "jobs1_cpu": asdict(figure([s.cpu for s in one])), "jobs2_cpu": asdict(figure([s.cpu for s in two])),
            "speedups": [a.wall / b.wall for a, b in zip(one, two, strict=True)], "loads": loads}


# --- 3b. check as the plan grows -----------------------------------------------------------------

FIRST_NAMES = ("Abena Bastian Catalina Dario Eilidh Farah Goran Hana Ines Jarrah Kofi Leilani Mateus Nadia Oisin Pilar "
               "Quentin Rahel Soren Tamsin Ugo Valentina Wiremu Ximena Yusuf Zofia Anouk Bram Cosima Deniz Emeka Freya "
               "Gideon Halima Ivo Jolene Kaito Linnea Marek Nkechi").split()
LAST_NAMES = ("Achterberg Bellweather Castellanos Dunmore Eskildsen Fairbairn Gallardo Holloway Ilunga Jaramillo Kowalczyk "
              "Lindgren Mbeki-Shaw Nakashima Oyelaran Pellegrino Quarshie Rasmussen Szabo-Reid Thorvaldsen Underhill "
              "Valderrama Whitlock Yamamura Zielinski Abernethy Brannigan Coutinho Delacroix Efimova Fitzwilliam Gathoni "
              "Halvorsen Iwu-Parker Juniper Kettleborough Lunardi Mwangi-Hart Nightingale Ormerod").split()
# UK drama-range numbers (Ofcom): ten blocks of a thousand, none used by the example plan
PHONE_BLOCKS = ("0113 496 0", "0114 496 0", "0116 496 0", "0117 496 0", "0118 496 0",
                "0121 496 0", "0131 496 0", "0141 496 0", "0151 496 0", "0161 496 0")


def responders_plan(count: int, folder: Path) -> Path:
    """The complete example with `count` responders (its own five and invented ones), a scenario per 50 responders and
    the responders spread over the rota: every responder has a name, phone, e-mail, chat handle and notes; every
    fourth keeps their phone for responders, every tenth their name. One line per responder, so that
    4,000 of them stay under the size limit of a plan file (1 MB)."""
    import yaml

    from generator.plan.load import load_file

    data = load_file(EXAMPLE).data
    responders, scenarios, rota = data.pop("responders"), data["scenarios"], data["rota"]
    for number in range(count - len(responders)):
        first, last = FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[number // len(FIRST_NAMES) % len(LAST_NAMES)]
        ident = f"r{number:04d}"
        responder = {"id": ident, "name": f"{first} {last}", "phone": f"{PHONE_BLOCKS[number // 1000]}{number % 1000:03d}",
                     "email": f"{first.lower()}.{number}@example.org", "chat": f"Signal: {first.lower()}.{number:04d}",
                     "notes": f"Covers the {last} track; calls before {7 + number % 5} pm."}
        hidden = {**({"phone": "responder"} if number % 4 == 0 else {}), **({"name": "responder"} if number % 10 == 0 else {})}
        if hidden:
            responder["visibility"] = hidden
        responders.append(responder)
        rota[number % len(rota)].setdefault("responders", []).append(ident)
    originals = list(scenarios)
    for number in range(count // 50):
        clone = json.loads(json.dumps(originals[number % len(originals)]))
        clone["id"] = f"{clone['id']}-{number}"
        clone["title"] = f"{clone['title']} ({number})"
        scenarios.append(clone)
    lines = [yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), "responders:\n"]
    lines += [f"  - {yaml.safe_dump(responder, allow_unicode=True, sort_keys=False, default_flow_style=True, width=10_000)}"
              for responder in responders]
    path = folder / f"responders-{count}.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def check_growth(repeats: int, work: Path, sizes: tuple[int, ...] = (250, 500, 1000, 2000, 4000), limit: float = 300) -> dict:
    """`check` of plans with 250 to 4,000 responders. A check that takes longer than `limit` seconds is stopped;
    the larger sizes are then not tried."""
    rows: dict[int, dict] = {}
    loads = [load()]
    stopped = False
    for size in sizes:
        if stopped:
            rows[size] = {"timed_out": True, "skipped": True, "limit_s": limit}
            continue
        plan = responders_plan(size, work)
        runs = [tool("check", plan.name, cwd=work, timeout=limit) for _ in range(repeats)]
        if any(run is None for run in runs):
            rows[size] = {"timed_out": True, "limit_s": limit}
            stopped = True
            continue
        done = [run for run in runs if run is not None]
        rows[size] = {"timed_out": False, "cpu": asdict(figure([s.cpu for s in done])),
                      "wall": asdict(figure([s.wall for s in done])), "rss_mb": max(s.rss_mb for s in done)}
    loads.append(load())
    return {"rows": rows, "loads": loads}


# --- 4. growth: pages, and the cover's text ---------------------------------------------------

def scaled_plan(factor: int, folder: Path) -> Path:
    """The complete example with its responders and scenarios repeated `factor` times under new ids."""
    import yaml

    from generator.plan.load import load_file

    data = load_file(EXAMPLE).data
    responders, scenarios = data["responders"], data["scenarios"]
    new_responders, new_scenarios = list(responders), list(scenarios)
    number = 400
    for copy in range(2, factor + 1):
        for responder in responders:
            clone = json.loads(json.dumps(responder))
            clone["id"] = f"{responder['id']}-{copy}"
            clone["name"] = f"{responder['name']} {copy}"
            clone["phone"] = f"020 7946 {number:04d}"  # fictional range, unused elsewhere in the plan
            number += 1
            clone["email"] = f"{responder['id']}-{copy}@example.org"
            clone["chat"] = f"{responder['chat']}-{copy}"
            new_responders.append(clone)
        for scenario in scenarios:
            clone = json.loads(json.dumps(scenario))
            clone["id"] = f"{scenario['id']}-{copy}"
            clone["title"] = f"{scenario['title']} ({copy})"
            new_scenarios.append(clone)
    data["responders"], data["scenarios"] = new_responders, new_scenarios
    path = folder / f"complete-x{factor}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    return path


def pages(folder: Path) -> int:
    import pypdfium2

    total = 0
    for path in folder.rglob("*.pdf"):
        document = pypdfium2.PdfDocument(str(path))
        total += len(document)
        document.close()
    return total


def scaling(repeats: int, work: Path, factors: tuple[int, ...] = (1, 2, 4, 16, 64)) -> dict:
    """Every edition of plans 1x to 64x the example's responders and scenarios: CPU per added page, peak RSS."""
    folder = work / "scaled"
    folder.mkdir()
    rows = {}
    loads = [load()]
    for factor in factors:
        plan = scaled_plan(factor, folder)
        count = repeats if factor <= 4 else 1  # the big ones once: minutes each
        runs = [must(tool("build", plan.name, "--force", "-o", "out", cwd=folder)) for _ in range(count)]
        rows[factor] = {"cpu": asdict(figure([s.cpu for s in runs])), "wall": asdict(figure([s.wall for s in runs])),
                        "rss_mb": max(s.rss_mb for s in runs), "pages": pages(folder / "out" / plan.stem),
                        "responders": 5 * factor, "scenarios": 6 * factor}
    loads.append(load())
    previous = None
    for factor in factors:
        this = rows[factor]
        if previous is not None:
            before = rows[previous]
            this["marginal_s_per_page"] = (this["cpu"]["median"] - before["cpu"]["median"]) / max(1, this["pages"] - before["pages"])
        previous = factor
    # 1x has no smaller size below it: its marginal cost is the slope from 1x to 2x.
    rows[factors[0]]["marginal_s_per_page"] = rows[factors[1]]["marginal_s_per_page"]
    return {"rows": rows, "loads": loads}


WORDS = ("walk past the blue gate and follow the painted arrows along the canal path until the old crane "
         "where the ramp on the left leads to the side door with the step free entrance and a bell").split()


def cover_text(repeats: int, work: Path, sizes: tuple[int, ...] = (100, 1000, 5000), limit: float = 240) -> dict:
    """The volunteer edition with venue directions of 100, 1,000 and 5,000 words (they are on the cover).

    A build that takes longer than `limit` seconds is stopped; the larger sizes are then not tried.
    """
    import yaml

    from generator.plan.load import load_file

    folder = work / "cover"
    folder.mkdir()
    rows: dict[int, dict] = {}
    loads = [load()]
    for size in sizes:
        if rows and rows[max(rows)]["timed_out"]:
            rows[size] = {"cpu": None, "wall": None, "timed_out": True, "limit_s": limit, "skipped": True}
            continue
        data = load_file(EXAMPLE).data
        data["venues"][0]["directions"] = " ".join(WORDS[i % len(WORDS)] for i in range(size)).capitalize() + "."
        plan = folder / f"cover-{size}.yaml"
        plan.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
        runs = []
        for _ in range(repeats if size <= 1000 else 1):
            sample = tool("build", plan.name, "--edition", "volunteer", "--force", "-o", "out", cwd=folder, timeout=limit)
            if sample is None:
                break
            runs.append(sample)
        rows[size] = {"cpu": asdict(figure([s.cpu for s in runs])) if runs else None,
                      "wall": asdict(figure([s.wall for s in runs])) if runs else None,
                      "timed_out": not runs, "limit_s": limit}
    loads.append(load())
    return {"rows": rows, "loads": loads}


# --- 5. serve as a real process ---------------------------------------------------------------

def serve(repeats: int, work: Path) -> dict:
    """`incident-guide serve` as a process: seconds from saving the plan to the changed page being served."""
    import http.client

    plan = copy_plan(work / "serve")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", str(plan), "--port", str(port)],
                               cwd=work, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tokens: list[str] = []
    said: list[str] = []

    def read_address() -> None:  # serve prints its address with this run's token; without it every page is 403
        for line in process.stdout or ():
            said.append(line)
            if not tokens and (found := re.search(r"[?&]token=([\w-]+)", line)):
                tokens.append(found.group(1))

    threading.Thread(target=read_address, daemon=True).start()

    def get(path: str) -> str:
        if not tokens:
            return ""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Cookie": f"preview-token-{port}={tokens[0]}"})
            body = connection.getresponse().read().decode()
            connection.close()
            return body
        except OSError:
            return ""

    loads = [load()]
    delays = []
    try:
        started = time.perf_counter()
        while "Volunteer guide" not in get("/volunteer.html"):
            if time.perf_counter() - started > 60 or process.poll() is not None:
                raise SystemExit("serve did not start within 60 s; it said:\n" + "".join(said[-20:]))
            time.sleep(0.05)
        from generator.serve.pages import POLL_MS

        for number in range(repeats * 3):
            name = f"Summit edit {number}"
            text = re.sub(r"(?m)^  name: .*$", f"  name: {name}", plan.read_text(encoding="utf-8"), count=1)
            started = time.perf_counter()
            plan.write_text(text, encoding="utf-8")
            while name not in get("/volunteer.html"):
                if time.perf_counter() - started > 30:
                    raise SystemExit("the preview did not show the change within 30 s")
                time.sleep(0.01)
            delays.append(time.perf_counter() - started)
            time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=30)
    loads.append(load())
    return {"delay": asdict(figure(delays)), "saves": len(delays), "poll_s": POLL_MS / 1000, "loads": loads}


# --- the machine and the report ------------------------------------------------------------

def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    return {"cores": CORES, "cpu": model, "python": platform.python_version(),
            "weasyprint": metadata.version("weasyprint"), "system": platform.platform(),
            "load_before": load(), "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def rows(results: dict) -> list[dict]:
    """Every row of the report, from the raw results."""
    out: list[dict] = []

    def f(data: dict) -> Figure:
        return Figure(**data)

    if "whole" in results:
        w = results["whole"]
        loads = tuple(w["loads"])
        wall, cpu = {k: f(v) for k, v in w["wall"].items()}, {k: f(v) for k, v in w["cpu"].items()}
        same = "PDFs byte-identical" if w["identical"] else "PDFs DIFFER"
        ratio = wall["build"].median / wall["bare"].median
        out.append(row("whole build (every edition, default --jobs) / bare WeasyPrint, serial, same print HTML",
                       "wall", ratio, "<= 0.75 (idle machine)", ratio <= 0.75,
                       f"{wall['build'].text()} / {wall['bare'].text()}; CPU {cpu['build'].text()} / {cpu['bare'].text()} "
                       f"= {cpu['build'].median / cpu['bare'].median:.2f}; {same}", loads, wall=True))
        ratio = wall["build1"].median / wall["bare"].median
        out.append(row("whole build `--jobs 1` / bare WeasyPrint, serial", "wall", ratio, "<= 1.05", ratio <= 1.05,
                       f"{wall['build1'].text()} / {wall['bare'].text()}; CPU {cpu['build1'].text()} = "
                       f"{cpu['build1'].median / cpu['bare'].median:.2f} of bare", loads, wall=True))
        ratio = wall["build"].median / wall["largest"].median
        out.append(row(f"whole build / bare WeasyPrint printing only the largest document ({w['largest']})", "wall",
                       ratio, "none: 1.0 is the parallel limit", None,
                       f"{wall['build'].text()} / {wall['largest'].text()}", loads, wall=True))
    if "incremental" in results:
        i = results["incremental"]
        loads = tuple(i["loads"])
        cpu, wall = {k: f(v) for k, v in i["cpu"].items()}, {k: f(v) for k, v in i["wall"].items()}
        first = cpu["first"].median
        for kind, label, target, limit in (("responder", "responder-only edit (an e-mail)", "<= 0.5", 0.5),
                                           ("volunteer", "volunteer-visible edit (a phone on the cover)", "none", None),
                                           ("none", "no change", "<= 0.03", 0.03)):
            ratio = cpu[kind].median / first
            reused = i["reused"].get(kind)
            out.append(row(f"incremental: {label} / first build", "CPU", ratio, target,
                           None if limit is None else ratio <= limit,
                           f"{cpu[kind].text()} / {cpu['first'].text()}; wall {wall[kind].text()} / {wall['first'].text()}"
                           + (f"; reused: {', '.join(n for n, r in reused.items() if r) or 'none'}" if reused else ""), loads))
    if "check" in results:
        c = results["check"]
        ratio = c["check_cpu"]["median"] / c["build_cpu"]["median"]
        out.append(row("`check` / full `build`, complete example", "CPU", ratio, "<= 0.10", ratio <= 0.10,
                       f"{f(c['check_cpu']).text()} / {f(c['build_cpu']).text()}; wall {f(c['check_wall']).text()} / "
                       f"{f(c['build_wall']).text()}", tuple(c["loads"])))
    if "check-growth" in results:
        g = results["check-growth"]
        table = {int(k): v for k, v in g["rows"].items()}
        base = table.get(500)
        for size, data in table.items():
            if data["timed_out"]:
                why = "not tried: a smaller plan did not finish" if data.get("skipped") else f"did not finish in {data['limit_s']:.0f} s"
                out.append(row(f"`check` of {size:,} responders", "CPU", None, "4,000 < 8x 500" if size == 4000 else "-",
                               False if size == 4000 else None, why, tuple(g["loads"])))
                continue
            cpu = Figure(**data["cpu"])
            ratio = cpu.median / base["cpu"]["median"] if base and not base["timed_out"] else None
            out.append(row(f"`check` of {size:,} responders", "CPU", cpu.median, "4,000 < 8x 500" if size == 4000 else "-",
                           (ratio is not None and ratio < 8) if size == 4000 else None,
                           f"{cpu.text()}; wall {Figure(**data['wall']).text()}" + (f"; {ratio:.2f}x the 500" if ratio else ""),
                           tuple(g["loads"])))
    if "parallel" in results:
        p = results["parallel"]
        ratio = p["jobs1_wall"]["median"] / p["jobs2_wall"]["median"]
        out.append(row(f"{p['plans']} plans: `--jobs 1` / `--jobs 2`", "wall", ratio, ">= 1.8x", ratio >= 1.8,
                       f"{f(p['jobs1_wall']).text(1)} / {f(p['jobs2_wall']).text(1)}; CPU with workers "
                       f"{f(p['jobs1_cpu']).text(1)} / {f(p['jobs2_cpu']).text(1)}", tuple(p["loads"]), wall=True))
    if "scaling" in results:
        s = results["scaling"]
        table = {int(k): v for k, v in s["rows"].items()}
        base = table[min(table)]["marginal_s_per_page"]
        for factor, data in table.items():
            ratio = data["marginal_s_per_page"] / base if base > 0 else None
            out.append(row(f"cost per added page at {factor}x ({data['pages']} pages)", "CPU s/page",
                           data["marginal_s_per_page"], "at 64x within 1.2x of 1x" if factor == 64 else "-",
                           (ratio is not None and ratio <= 1.2) if factor == 64 else None,
                           f"{ratio:.2f}x the 1x figure; build CPU {f(data['cpu']).text(1)}" if ratio else "",
                           tuple(s["loads"])))
            out.append(row(f"peak RSS at {factor}x (largest process)", "MB", data["rss_mb"],
                           "<= 400 MB at 64x" if factor == 64 else "-", data["rss_mb"] <= 400 if factor == 64 else None,
                           "", tuple(s["loads"])))
    if "cover" in results:
        cv = results["cover"]
        table = {int(k): v for k, v in cv["rows"].items()}
        sizes = sorted(table)
        for number, size in enumerate(sizes):
            data = table[size]
            if data["timed_out"]:
                why = ("not tried: a smaller size did not finish" if data.get("skipped")
                       else f"did not finish in {data['limit_s']:.0f} s (wall)")
                out.append(row(f"cover text {size:,} words (volunteer edition)", "CPU", None, "linear in the words",
                               False, why, tuple(cv["loads"])))
                continue
            cpu = Figure(**data["cpu"])
            note = ""
            met = None
            if number > 0 and not table[sizes[number - 1]]["timed_out"]:
                previous = table[sizes[number - 1]]
                slope = (cpu.median - previous["cpu"]["median"]) / (size - sizes[number - 1]) * 1000
                note = f"; {slope:.2f} s per added 1,000 words"
                data["slope"] = slope
                if number > 1 and "slope" in table[sizes[number - 1]]:
                    first_slope = table[sizes[number - 1]]["slope"]
                    met = slope <= 1.2 * max(first_slope, 0.05)
                    note += f" ({slope / max(first_slope, 1e-9):.1f}x the slope below)"
            out.append(row(f"cover text {size:,} words (volunteer edition)", "CPU", cpu.median,
                           "added words cost the same (slope within 1.2x)" if number > 1 else "-", met,
                           f"{cpu.text()}; wall {Figure(**data['wall']).text()}{note}", tuple(cv["loads"])))
    if "serve" in results:
        v = results["serve"]
        delay = Figure(**v["delay"])
        out.append(row(f"`serve` process: save to changed page served ({v['saves']} saves)", "wall", delay.median,
                       f"max + {v['poll_s']:.2f} s poll <= 1 s", delay.high + v["poll_s"] <= 1.0, delay.text(),
                       tuple(v["loads"])))
    return out


def report(results: dict) -> str:
    m = results["machine"]
    lines = [f"Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, WeasyPrint {m['weasyprint']}, "
             f"{m['system']}. Started {m.get('started', '?')}; load average before the run {m['load_before']}, "
             f"after {m.get('load_after')}.", "",
             "| row | what | median | target | | min-max and raw numbers | load before -> after |",
             "|---|---|---|---|---|---|---|"]
    for item in rows(results):
        value = item["value"]
        shown = "n/a" if value is None else (f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}")
        verdict = {True: "met", False: "**missed**", None: "-"}[item["met"]]
        raw = item["raw"] + (f" ({item['note']})" if item["note"] else "")
        lines.append(f"| {item['row']} | {item['measure']} | {shown} | {item['target']} | {verdict} | {raw} | "
                     f"{item['loads'][0]} -> {item['loads'][1]} |")
    return "\n".join(lines)


STEPS: dict[str, Callable[[int, Path], dict]] = {
    "whole": whole, "incremental": incremental, "check": check, "check-growth": check_growth,
    "parallel": lambda r, w: parallel(max(1, r - 1), w),
    "scaling": lambda r, w: scaling(max(1, r - 1), w), "cover": lambda r, w: cover_text(max(1, r - 1), w), "serve": serve,
}


def snapshot(into: Path) -> Path:
    """A copy of the code, templates and plans, so the run measures one fixed state."""
    copy = into / "snapshot"
    for name in ("generator", "templates", "plans", "schema"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def main() -> None:
    global SOURCE, EXAMPLE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--only", choices=list(STEPS), action="append")
    parser.add_argument("--report", type=Path, metavar="RESULTS.json", help="print the tables of an earlier --json run")
    args = parser.parse_args()
    if args.report:
        print(report(json.loads(args.report.read_text())))
        return
    results: dict = {"machine": machine(), "repeats": args.repeats}
    with tempfile.TemporaryDirectory(prefix="incident-guide-bench-") as tmp:
        SOURCE = snapshot(Path(tmp))
        EXAMPLE = SOURCE / "plans" / "complete-conference.yaml"
        sys.path.insert(0, str(SOURCE))
        ENV["PYTHONPATH"] = str(SOURCE)
        ENV["SOURCE_DATE_EPOCH"] = EPOCH
        for name, step in STEPS.items():
            if args.only and name not in args.only:
                continue
            work = Path(tmp) / name
            work.mkdir()
            started = time.perf_counter()
            results[name] = step(args.repeats, work)
            print(f"{name}: {json.dumps(results[name], default=str)} ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=2, default=str))
    results["machine"]["load_after"] = load()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    print(report(results))


if __name__ == "__main__":
    main()
