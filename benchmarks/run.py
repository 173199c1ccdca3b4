"""Benchmarks for incident-guide: every number is a ratio next to its target.

    python benchmarks/run.py            # five to ten minutes on two cores
    python benchmarks/run.py --quick    # one repeat each, a rough picture
    python benchmarks/run.py --json results.json --only overhead --only parallel

Run from a checkout. The script first copies generator/, templates/ and plans/ into
a temporary folder and measures that copy, so edits made while it runs (an editor's
autosave, a colleague in the same working tree) cannot change what is measured.

Commands run as a user runs them (`python -m generator.cli ...`, a fresh process)
where the start of the process is part of the wait; in-process where only the work
is compared. Ratios of work use CPU time (user + system, of the process or of the
commands it ran), which a busy machine disturbs far less than wall-clock time; the
parallel build and the preview are wall-clock by nature, and the load average is
printed with them. Medians of the repeats. Nothing here is a test: no assertions;
benchmarks/README.md records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT  # replaced by the snapshot in main()
EXAMPLE = ROOT / "plans" / "complete-conference.yaml"
ENV = dict(os.environ)


@dataclass
class Sample:
    wall: float
    cpu: float


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(*args: str, cwd: Path, allow_fail: bool = False) -> Sample:
    """One `incident-guide ARGS` in a fresh process: wall time, and the CPU time of it and its workers."""
    cpu = _children_cpu()
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sample = Sample(time.perf_counter() - started, _children_cpu() - cpu)
    if completed.returncode != 0 and not allow_fail:
        raise SystemExit(f"incident-guide {' '.join(args)} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    return sample


def in_process(run) -> Sample:
    cpu = time.process_time()
    started = time.perf_counter()
    run()
    return Sample(time.perf_counter() - started, time.process_time() - cpu)


def load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


# --- 1. overhead of the tool over WeasyPrint alone --------------------------------------

def overhead(repeats: int, work: Path) -> dict:
    """One edition's PDF: the tool's whole build vs WeasyPrint alone printing the tool's own print HTML.

    Both in one warm process (WeasyPrint imported, fonts loaded once before timing), so
    the ratio is what the tool adds per guide: checking the plan, the HTML, the
    restricted fetcher, the leak check, writing the files.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from generator.build import build_plan, render_editions, select_editions
    from generator.check import check_plan
    from generator.plan.model import Audience
    from generator.render import leaks
    from generator.render.assets import AssetPolicy
    from generator.render.edition import make_edition
    from generator.render.html import default_paper, render_html, templates_dir
    from generator.render.pdf import PAGE_SIZES, PDF_VARIANT, STYLESHEETS

    plan = check_plan(EXAMPLE).plan
    paper = default_paper(plan)
    policy = AssetPolicy(EXAMPLE.parent, templates_dir())
    edition = make_edition(plan, Audience.volunteer)
    printed = render_html(edition, medium="print", paper=paper, policy=policy, template="volunteer.html.j2")
    css_dir = templates_dir() / "css"

    def weasyprint_alone() -> bytes:
        fonts = FontConfiguration()
        sheets = [weasyprint.CSS(string=(css_dir / name).read_text(encoding="utf-8"), base_url=css_dir.as_uri() + "/",
                                 font_config=fonts) for name in STYLESHEETS]
        sheets.append(weasyprint.CSS(string=f"@page {{ size: {PAGE_SIZES[paper]}; }}", font_config=fonts))
        return weasyprint.HTML(string=printed, base_url=policy.base_url).write_pdf(
            stylesheets=sheets, font_config=fonts, pdf_variant=PDF_VARIANT)

    def tool() -> None:
        build_plan(EXAMPLE, work / "overhead", ["volunteer"])

    files = render_editions(plan, EXAMPLE, select_editions(["volunteer"]), paper)
    pdf = next(f.content for f in files if f.kind == "pdf")
    screen = next(f.content for f in files if f.kind == "html").decode()
    secrets = leaks.secrets_above(plan, Audience.volunteer)
    parts = {
        "check (load, validate, lint)": lambda: check_plan(EXAMPLE),
        "HTML, screen and print": lambda: [render_html(edition, medium=m, paper=paper, policy=policy,
                                                       template="volunteer.html.j2") for m in ("screen", "print")],
        "leak check: PDF text (pypdfium2)": lambda: leaks.pdf_text(pdf),
        "leak check: secrets and search": lambda: (leaks.secrets_above(plan, Audience.volunteer),
                                                   leaks.find_leaks(secrets, html_source=screen, pdf_text="")),
    }
    runs = {"tool": tool, "weasyprint": weasyprint_alone, **parts}
    for run in runs.values():  # warm up
        run()
    samples: dict[str, list[Sample]] = {name: [] for name in runs}
    for _ in range(repeats):  # interleaved, so a busy moment hurts all alike
        for name, run in runs.items():
            samples[name].append(in_process(run))
    result = {name: median(values) for name, values in samples.items()}
    return {"tool_cpu_s": result["tool"].cpu, "weasyprint_cpu_s": result["weasyprint"].cpu,
            "ratio": result["tool"].cpu / result["weasyprint"].cpu,
            "ratio_wall": result["tool"].wall / result["weasyprint"].wall,
            "parts_cpu_s": {name: result[name].cpu for name in parts}}


# --- 2. check vs build -----------------------------------------------------------------

def check_vs_build(repeats: int, work: Path) -> dict:
    """`check` of the complete example vs its full build (every edition, --force), as commands."""
    shutil.copy(EXAMPLE, work / "complete-conference.yaml")
    check = median([cli("check", "complete-conference.yaml", cwd=work) for _ in range(repeats)])
    build = median([cli("build", "complete-conference.yaml", "--force", cwd=work) for _ in range(repeats)])
    from generator.check import check_plan

    check_plan(EXAMPLE)
    inside = median([in_process(lambda: check_plan(EXAMPLE)) for _ in range(10)])
    return {"check_cpu_s": check.cpu, "build_cpu_s": build.cpu, "ratio": check.cpu / build.cpu,
            "check_wall_s": check.wall, "build_wall_s": build.wall, "ratio_wall": check.wall / build.wall,
            "check_in_process_cpu_s": inside.cpu}


# --- 3. parallel builds ------------------------------------------------------------------

def parallel(repeats: int, work: Path, plans: int = 16) -> dict:
    """`build DIR --force` of 16 plans with --jobs 1 and --jobs 2 (wall-clock), then again with nothing changed."""
    folder = work / "many"
    folder.mkdir()
    for number in range(plans):
        shutil.copy(EXAMPLE, folder / f"event-{number:02d}.yaml")
    loads = [load()]
    one, two = [], []
    for _ in range(repeats):  # alternated, so a busy moment hurts both alike
        one.append(cli("build", "many", "--force", "--jobs", "1", "-o", "out-many", cwd=work))
        loads.append(load())
        two.append(cli("build", "many", "--force", "--jobs", "2", "-o", "out-many", cwd=work))
        loads.append(load())
    again = median([cli("build", "many", "--jobs", "2", "-o", "out-many", cwd=work) for _ in range(repeats)])
    one, two = median(one), median(two)
    return {"plans": plans, "jobs1_wall_s": one.wall, "jobs2_wall_s": two.wall, "speedup": one.wall / two.wall,
            "cpu_jobs1_s": one.cpu, "cpu_jobs2_s": two.cpu, "load_average": loads,
            "unchanged_wall_s": again.wall, "unchanged_cpu_s": again.cpu, "unchanged_ratio": again.cpu / one.cpu}


# --- 4. rebuild with nothing changed -------------------------------------------------------

def unchanged(repeats: int, work: Path) -> dict:
    """`build` of the complete example a second time, nothing changed, vs the first build (commands)."""
    folder = work / "again"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "complete-conference.yaml")
    firsts, agains = [], []
    for _ in range(repeats):
        shutil.rmtree(folder / "output", ignore_errors=True)
        firsts.append(cli("build", "complete-conference.yaml", cwd=folder))
        agains.append(cli("build", "complete-conference.yaml", cwd=folder))
    first, again = median(firsts), median(agains)
    return {"first_cpu_s": first.cpu, "again_cpu_s": again.cpu, "ratio": again.cpu / first.cpu,
            "first_wall_s": first.wall, "again_wall_s": again.wall, "ratio_wall": again.wall / first.wall}


# --- 5. memory and scaling ----------------------------------------------------------------

WORKER = textwrap.dedent("""
    import json, resource, sys, time, tracemalloc
    from pathlib import Path
    plan, out, trace = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
    import generator.render.pdf  # imported before measuring: the memory of printing, not of importing
    from generator.build import build_plan
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    written = build_plan(plan, out)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    from pypdf import PdfReader
    pages = {p.name: len(PdfReader(p).pages) for p in written if p.suffix == ".pdf"}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "maxrss_kb_before": before,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "tracemalloc_peak": peak, "pages": pages}))
""")


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


def worker(plan: Path, out: Path, trace: bool = False) -> dict:
    completed = subprocess.run([sys.executable, "-c", WORKER, str(plan), str(out), "1" if trace else "0"],
                               env=ENV, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"building {plan.name} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def scaling(repeats: int, work: Path, factors=(1, 4, 16)) -> dict:
    """Build time and memory of one process building every edition, as the plan grows."""
    folder = work / "scaled"
    folder.mkdir()
    rows = {}
    for factor in factors:
        plan = scaled_plan(factor, folder)
        runs = [worker(plan, work / "out-scaled") for _ in range(repeats)]
        # tracemalloc slows Python down several times: traced once, at the smaller sizes
        traced = worker(plan, work / "out-scaled", trace=True) if factor <= 4 else {"tracemalloc_peak": None}
        rows[factor] = {"cpu_s": statistics.median(r["cpu"] for r in runs),
                        "wall_s": statistics.median(r["seconds"] for r in runs),
                        "pages": sum(runs[0]["pages"].values()), "pages_by_file": runs[0]["pages"],
                        "responders": 5 * factor, "scenarios": 6 * factor,
                        "maxrss_mb": max(r["maxrss_kb"] for r in runs) / 1024,
                        "maxrss_growth_mb": max(r["maxrss_kb"] - r["maxrss_kb_before"] for r in runs) / 1024,
                        "tracemalloc_peak_mb": traced["tracemalloc_peak"] / 1e6 if traced["tracemalloc_peak"] else None}
    base = rows[factors[0]]
    for factor in factors:
        row = rows[factor]
        row["time_growth"] = row["cpu_s"] / base["cpu_s"]
        row["page_growth"] = row["pages"] / base["pages"]
        row["time_per_page_ratio"] = row["time_growth"] / row["page_growth"]
    return rows


# --- 6. the preview ------------------------------------------------------------------------

def preview(repeats: int, work: Path) -> dict:
    """`serve`: seconds from saving the plan to the new page being served (HTML only)."""
    import http.client
    import threading

    from generator.serve import POLL_MS, Preview, PreviewServer

    plan = work / "complete-conference.yaml"
    shutil.copy(EXAMPLE, plan)
    lines: list[str] = []
    live = Preview(plan, echo=lines.append)
    server = PreviewServer(live, port=0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = server.server_address[1]

    def get(path: str) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path)
        body = connection.getresponse().read().decode()
        connection.close()
        return body

    delays = []
    try:
        live.rebuild()
        live.start()
        time.sleep(0.5)
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
        server.shutdown()
        server.server_close()
        live.close()
    return {"median_s": statistics.median(delays), "max_s": max(delays), "poll_s": POLL_MS / 1000,
            "saves": len(delays), "load_average": load()}


# --- the machine and the report -------------------------------------------------------------

def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "weasyprint": metadata.version("weasyprint"), "pypdfium2": metadata.version("pypdfium2"),
            "system": platform.platform(), "load_before": load()}


def report(results: dict) -> str:
    m = results["machine"]
    o, c, p, u, s, v = (results[k] for k in ("overhead", "check", "parallel", "unchanged", "scaling", "preview"))
    worst_factor = max(list(s)[1:], key=lambda f: s[f]["time_per_page_ratio"])  # the first size is the base
    worst = s[worst_factor]

    def ok(good: bool) -> str:
        return "met" if good else "**missed**"

    lines = [
        f"Machine: {m['nproc']} cores ({m['cpu']}), Python {m['python']}, WeasyPrint {m['weasyprint']}, "
        f"pypdfium2 {m.get('pypdfium2', '?')}, {m['system']}. Load average before the run: {m['load_before']}, after: {m.get('load_after')}.",
        "",
        "| measure | ratio | target | | raw numbers |",
        "|---|---|---|---|---|",
        f"| one edition's PDF (volunteer): the tool's build / WeasyPrint alone on the tool's print HTML, CPU | {o['ratio']:.2f} | <= 1.15 | {ok(o['ratio'] <= 1.15)} | {o['tool_cpu_s']:.2f} s / {o['weasyprint_cpu_s']:.2f} s (wall-clock ratio {o['ratio_wall']:.2f}) |",
        f"| `check` / full `build` of the complete example, commands, CPU | {c['ratio']:.3f} | <= 0.10 | {ok(c['ratio'] <= 0.10)} | {c['check_cpu_s']:.2f} s / {c['build_cpu_s']:.2f} s (wall-clock {c['check_wall_s']:.2f} s / {c['build_wall_s']:.2f} s = {c['ratio_wall']:.3f}; check in-process {c['check_in_process_cpu_s'] * 1000:.0f} ms) |",
        f"| {p['plans']} plans: `build --jobs 1` / `build --jobs 2`, wall-clock | {p['speedup']:.2f}x | >= 1.7x | {ok(p['speedup'] >= 1.7)} | {p['jobs1_wall_s']:.1f} s / {p['jobs2_wall_s']:.1f} s; load average during: {p['load_average']} |",
        f"| rebuild with nothing changed / first build, complete example, commands, CPU | {u['ratio']:.3f} | <= 0.05 | {ok(u['ratio'] <= 0.05)} | {u['again_cpu_s']:.2f} s / {u['first_cpu_s']:.2f} s (wall-clock {u['again_wall_s']:.2f} s / {u['first_wall_s']:.2f} s = {u['ratio_wall']:.3f}) |",
        f"| rebuild with nothing changed / first build, {p['plans']} plans, CPU | {p['unchanged_ratio']:.3f} | <= 0.05 | {ok(p['unchanged_ratio'] <= 0.05)} | {p['unchanged_cpu_s']:.2f} s / {p['cpu_jobs1_s']:.1f} s (wall-clock {p['unchanged_wall_s']:.2f} s) |",
        f"| build time growth / page growth, worst of 4x and 16x responders and scenarios ({worst_factor}x), CPU | {worst['time_per_page_ratio']:.2f} | <= 1 | {ok(worst['time_per_page_ratio'] <= 1.0)} | time x{worst['time_growth']:.2f}, pages x{worst['page_growth']:.2f} |",
        f"| `serve`: save to new page served, median (max) of {v['saves']} saves | {v['median_s']:.2f} s ({v['max_s']:.2f} s) | <= 1 s with the page's {v['poll_s']:.2f} s poll | {ok(v['max_s'] + v['poll_s'] <= 1.0)} | HTML of every edition rebuilt per save |",
        "",
        "| size | responders, scenarios | pages (all PDFs) | build CPU s (every edition) | time growth | page growth | peak RSS of the process | RSS growth while building | Python peak (tracemalloc) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for factor, row in s.items():
        traced = f"{row['tracemalloc_peak_mb']:.0f} MB" if row["tracemalloc_peak_mb"] else "-"
        lines.append(f"| {factor}x | {row['responders']}, {row['scenarios']} | {row['pages']} | {row['cpu_s']:.2f} | x{row['time_growth']:.2f} | "
                     f"x{row['page_growth']:.2f} | {row['maxrss_mb']:.0f} MB | {row['maxrss_growth_mb']:.0f} MB | {traced} |")
    lines += ["", "Where the volunteer edition's build time goes besides WeasyPrint (CPU, median):", "",
              "| step | ms |", "|---|---|"]
    lines += [f"| {name} | {seconds * 1000:.0f} |" for name, seconds in o["parts_cpu_s"].items()]
    lines.append(f"| WeasyPrint alone, for comparison | {o['weasyprint_cpu_s'] * 1000:.0f} |")
    return "\n".join(lines)


STEPS = ("overhead", "check", "parallel", "unchanged", "scaling", "preview")


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
    parser.add_argument("--quick", action="store_true", help="one repeat each")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--only", choices=STEPS, action="append")
    parser.add_argument("--report", type=Path, metavar="RESULTS.json", help="print the tables of an earlier --json run")
    args = parser.parse_args()
    if args.report:
        print(report(json.loads(args.report.read_text())))
        return
    repeats = 1 if args.quick else 3
    results: dict = {"machine": machine()}
    steps = {"overhead": lambda w: overhead(repeats * 2 + 1, w), "check": lambda w: check_vs_build(repeats, w),
             "parallel": lambda w: parallel(max(1, repeats - 1), w), "unchanged": lambda w: unchanged(repeats, w),
             "scaling": lambda w: scaling(max(1, repeats - 1), w), "preview": lambda w: preview(repeats, w)}
    with tempfile.TemporaryDirectory(prefix="incident-guide-bench-") as tmp:
        SOURCE = snapshot(Path(tmp))
        EXAMPLE = SOURCE / "plans" / "complete-conference.yaml"
        sys.path.insert(0, str(SOURCE))
        ENV["PYTHONPATH"] = str(SOURCE)
        ENV.pop("SOURCE_DATE_EPOCH", None)
        for name, step in steps.items():
            if args.only and name not in args.only:
                continue
            work = Path(tmp) / name
            work.mkdir()
            started = time.perf_counter()
            results[name] = step(work)
            print(f"{name}: {json.dumps(results[name], default=str)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    results["machine"]["load_after"] = load()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    if all(name in results for name in STEPS):
        print(report(results))


if __name__ == "__main__":
    main()
