"""The `incident-guide` command: a thin click layer over the steps in generator/.

Imports of the printing side (WeasyPrint) happen inside the commands that print,
so `check`, `schema`, `init` and `--help` stay fast.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import Problem, UserError, exit_status, is_internal, printable, problems_from
from .render.paper import PAPER_SIZES, check_paper
from .report import FORMATS, colour_setting, styled, summary
from .serve import DEFAULT_PORT

if TYPE_CHECKING:
    from .batch import Result


class EditionChoice(click.Choice[str]):
    """--edition: the names in the editions registry, read only when the option is given or help is shown.

    The registry imports the plan model (pydantic), which costs more than a build with
    nothing to do; `build` without --edition checks the cache before anything imports it.
    """

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from .render.edition import EDITIONS

        return tuple(EDITIONS)

    @choices.setter
    def choices(self, _names: object) -> None:
        pass  # click.Choice.__init__ assigns them


class PaperChoice(click.Choice[str]):
    """--paper: the sizes in generator.render.paper, checked there (a wrong one is exit 1 with a hint, as for any input)."""

    def __init__(self) -> None:
        super().__init__(PAPER_SIZES)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return check_paper(str(value))


class PathParam(click.Path):
    """click.Path that refuses an empty path (exit 1): `-o "$UNSET"` in a script would otherwise mean the current folder."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value == "":
            name = "/".join(param.opts) if param is not None and param.param_type_name == "option" else \
                (param.human_readable_name if param is not None else "PATH")
            raise UserError(f"{name} is an empty path (a variable left unset in a script?); name a file or folder, "
                            "or `.` for the current one")
        return super().convert(value, param, ctx)


class _Main(click.Group):
    """The one place that turns errors into what the user sees and into the exit status.

    A command returns its exit status (None is 0). Any exception goes through the one funnel
    (generator.errors.problems_from): a UserError or an operating-system error prints its
    problems and exits 1; anything else is a bug: one line asking for a report, exit 70, and
    the traceback only with --debug. Commands that start workers stop on SIGTERM, SIGHUP and
    Ctrl-C with everything they started (generator.stopping), and exit 128 + the signal's number.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from .stopping import Stopped, end_stopped

        try:
            status = super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Stopped as stopped:  # what it started is stopped and removed by now: end without Python's slow shutdown
            end_stopped(stopped)
        except Exception as exc:
            if is_internal(exc) and ctx.params.get("debug"):
                raise
            _print_problems(problems_from(exc))
            status = exit_status(exc)
        ctx.exit(status or 0)


class _Stoppable(click.Command):
    """A command that starts workers or keeps temporary files (build, drill, serve): it stops on SIGTERM, SIGHUP
    and Ctrl-C with everything it started, and its temporary files go into its own folder (generator.scratch)."""

    def invoke(self, ctx: click.Context) -> Any:
        from . import scratch
        from .stopping import stop_on_signals

        with stop_on_signals(deadline=True), scratch.temporary_files():
            return super().invoke(ctx)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(styled(problem), err=True)


def _verbosity(command: Any) -> Any:
    """-q/--quiet and -v/--verbose, one value: -1 quiet, 0 normal, 1 verbose."""
    command = click.option("-v", "--verbose", "verbosity", flag_value=1, help="Say more: every file, and plans that pass.")(command)
    return click.option("-q", "--quiet", "verbosity", flag_value=-1, default=0,
                        help="Print only problems and the summary line.")(command)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="incident-guide")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (a bug in incident-guide).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn a code-of-conduct incident response plan (YAML) into guides.

    \b
    Start:   incident-guide check plans/complete-conference.yaml
    Build:   incident-guide build plans/complete-conference.yaml

    Colours show on a terminal; NO_COLOR=1 turns them off, FORCE_COLOR=1 keeps
    them in a pipe. Shell completion: see the README.
    """
    setting = colour_setting()
    if setting is not None:
        ctx.color = setting


@main.command()
@click.argument("plans", nargs=-1, required=True, type=PathParam(readable=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              help="json: one document for scripts and editors; github: annotations in a GitHub Actions run; "
                   "sarif: SARIF 2.1.0 for code scanning.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@_verbosity
def check(plans: tuple[Path, ...], output_format: str, strict: bool, verbosity: int) -> int:
    """Check plans (files, or folders of *.yaml) and print every problem as FILE:LINE:COL: error: MESSAGE.

    \b
    Example:
      incident-guide check plans/
      incident-guide check --format github --strict plans/   (in a GitHub workflow)
    """
    from .check import CheckResult, check_plan
    from .plan.discover import Network, collect_network
    from .report import counts, github_line, plan_json, report_json, sarif

    try:
        network = collect_network(plans)
    except UserError as exc:  # a folder that cannot be read: in a machine format, still one document of the same shape
        if output_format == "text":
            raise
        network = Network([], [], {})
        results = [CheckResult(Path(p.file), None, [p]) for p in exc.problems_at()]
    else:
        if not network.plans:
            raise click.UsageError("no plans (*.yaml) in the folders given")
        results = [check_plan(path, network.roots.get(path), network.loaded.get(path)) for path in network.plans]
    problems = [p for result in results for p in result.problems]
    totals = counts(problems)
    errors, warnings = totals["errors"], totals["warnings"]
    if output_format == "json":
        click.echo(json.dumps({
            **report_json([{**plan_json(r.file, r.ok(strict), r.problems),
                            **({"extends": sorted(r.shared)} if r.shared else {}), **({"note": r.note} if r.note else {})}
                           for r in results]),
            **({"shared": [str(path) for path in network.shared]} if network.shared else {}),
        }, indent=2, ensure_ascii=False))
    elif output_format == "sarif":
        click.echo(json.dumps(sarif([r.file for r in results], problems), indent=2, ensure_ascii=False))
    elif output_format == "github":
        for problem in problems:
            click.echo(github_line(problem))
        click.echo(summary(len(results), errors, warnings))
    else:
        for result in results:
            for problem in result.problems:
                click.echo(styled(problem))
            if result.note:
                click.echo(f"{printable(result.file)}: note: {result.note}")
            elif verbosity > 0 and not result.problems:
                click.echo(f"{printable(result.file)}: ok")
        for path in network.shared:
            click.echo(f"{printable(path)}: note: a shared plan, checked through the events that extend it")
        click.echo(summary(len(results), errors, warnings), err=bool(problems))
    failed = errors or (strict and warnings)
    return 1 if failed else 0


class _BuildCommand(_Stoppable):
    """`build`: its help ends with every output a build makes, read from the editions registry when help is shown."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("Outputs (in DIR/NAME/; private/ is readable only by you, and --seal encrypts it)"):
            formatter.write_dl(build_outputs())


def build_outputs() -> list[tuple[str, str]]:
    """(edition, what it is and its files) for every edition `build` makes, and the calendars."""
    from .messages import english
    from .render.edition import EDITIONS

    rows = []
    for spec in EDITIONS.values():
        files = ", ".join(str(spec.file(suffix)) for suffix in spec.formats)
        notes = []
        if spec.level_from:
            notes.append(f"when the plan has a `{spec.level_from}`; outside private/ when it is not responder-level")
        if spec.needs:
            notes.append(f"when the plan has `{spec.needs}`")
        rows.append((spec.name, f"{english(spec.title)}: {files}" + (f" ({'; '.join(notes)})" if notes else "")))
    rows.append(("calendars", "private/rota-ID.ics, each responder's shifts (with --seal, inside the sealed responder.html)"))
    return rows


@main.command(cls=_BuildCommand)
@click.argument("plans", nargs=-1, required=True, type=PathParam(readable=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=PathParam(path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the guides; each plan gets DIR/NAME/.")
@click.option("--edition", "editions", type=EditionChoice(), multiple=True,
              help="Build only this edition (repeatable). Default: all.")
@click.option("--paper", type=PaperChoice(), default=None,
              help="Paper size. Default: the usual one in the venue's country (letter in the US, Canada, Mexico...).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Plans built at once, each in its own process. Default: one per core.")
@click.option("--force", is_flag=True, help="Rebuild even guides whose plan, pictures, templates and options are unchanged.")
@click.option("--seal", is_flag=True,
              help="Seal the private guides with a passphrase, asked for without echo (scripts: $INCIDENT_GUIDE_PASSPHRASE): "
                   "the HTML guide encrypted with the calendars inside, the PDFs encrypted (AES-256).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="json: one JSON document on stdout, shaped like `check --format json` plus each plan's status and files.")
@_verbosity
def build(plans: tuple[Path, ...], out_dir: Path, editions: tuple[str, ...], paper: str | None,
          jobs: int | None, force: bool, seal: bool, output_format: str, verbosity: int) -> int:
    """Build the guides: every output listed below, for each plan.

    PLANS are plan files, or folders whose *.yaml plans are all built, in
    parallel. Guides whose inputs have not changed since the last build are
    left as they are (see output/NAME/.build.json); --force rebuilds them.

    \b
    Example:
      incident-guide build plans/complete-conference.yaml
    writes output/complete-conference/ (the outputs below).
      incident-guide build plans/ --jobs 4 --quiet
    builds every plan in plans/ and prints a table: plan, status, files, seconds.
      incident-guide build --seal plans/my-event.yaml
    asks for a passphrase and seals private/: responder.html opens in a browser
    with it (the calendars are inside), responder.pdf in a PDF reader.
    A plan with errors builds nothing; earlier guides stay as they were. The
    others are still built; the exit status is 1 if any plan failed.
    """
    from .batch import build_many
    from .plan.discover import collect_network

    network = collect_network(plans)
    found = network.plans
    if not found:
        raise click.UsageError(f"no plans (*.yaml) in {', '.join(str(p) for p in plans)}")
    options = {"editions": sorted(editions) or None, "paper": paper}
    readers_note = None
    if seal:
        from .render.seal import readers_note as note_for

        passphrase = _passphrase()
        options["passphrase"] = passphrase
        readers_note = note_for(passphrase)
    as_json = output_format == "json"
    started = time.perf_counter()
    with _Progress(len(found), shown=not as_json and verbosity >= 0) as progress:
        results = build_many(found, out_dir, options=options, force=force, jobs=jobs, on_result=progress.done, roots=network.roots)
    if as_json:
        from .report import plan_json, report_json

        click.echo(json.dumps(report_json([{**plan_json(r.plan, r.ok, r.problems), "status": r.status, "files": [str(f) for f in r.files]}
                                           for r in results]), indent=2, ensure_ascii=False))
    else:
        _print_results(results, time.perf_counter() - started, sealed=seal, verbosity=verbosity)
    if readers_note and not as_json and any(result.status == "built" and any(f.parent.name == "private" and f.suffix == ".pdf" for f in result.files)
                                         for result in results):
        click.echo(readers_note, err=True)
    if any(result.status == "built" for result in results):
        # Only when guides were written: the check imports the renderer and runs git, which would
        # make a build with nothing to do (every plan unchanged) several times slower.
        from .build import exposed_to_git

        if exposed_to_git(out_dir):
            click.echo(f"warning: {out_dir} is inside a git work tree that does not ignore it; add it to .gitignore "
                       "so private guides are never committed", err=True)
    return 0 if all(result.ok for result in results) else 1


class _Progress:
    """Progress of a batch on stderr: a bar on a terminal with several plans, else one line per finished plan."""

    def __init__(self, total: int, shown: bool = True):
        self.total, self.shown, self.finished = total, shown, 0
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.shown and self.total > 1 and sys.stderr.isatty():
            self.bar = click.progressbar(length=self.total, label="Building", file=sys.stderr, show_pos=True,
                                         item_show_func=lambda name: name)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def done(self, result: Result) -> None:
        self.finished += 1
        if self.bar is not None:
            self.bar.update(1, printable(result.plan.name))
        elif self.shown:
            click.echo(f"[{self.finished}/{self.total}] {printable(result.plan)} {result.status} ({result.seconds:.1f} s)", err=True)


def _print_results(results: list[Result], seconds: float, sealed: bool = False, verbosity: int = 0) -> None:
    """Each plan's problems and files, the table and the totals; quiet (-1) leaves out the files and the table,
    verbose (1) adds the files of plans left unchanged."""
    from .batch import BUILT, FAILED, summary_table, totals_line

    for result in results:
        for problem in result.problems:
            click.echo(styled(problem))
        if result.status == FAILED:
            click.echo(f"{printable(result.plan)}: not built; earlier guides are unchanged", err=True)
        elif verbosity < 0:
            continue
        elif result.status == BUILT:
            for file in result.files:
                click.echo(f"wrote {printable(file)}")
            private = [file for file in result.files if file.parent.name == "private"]
            if sealed and private:
                names = " and ".join(file.name for file in private)
                click.echo(f"sealed {names} in {printable(private[0].parent)} with the passphrase (each responder's calendar is inside "
                           "the sealed page); nothing private is left in clear")
        elif verbosity > 0:
            for file in result.files:
                click.echo(f"unchanged {printable(file)}")
    if verbosity >= 0:
        click.echo(summary_table(results))
    click.echo(totals_line(results, seconds))


@main.command(cls=_Stoppable)
@click.argument("plan", type=PathParam(dir_okay=False, readable=False, path_type=Path))
@click.option("--scenario", "scenarios", multiple=True, metavar="ID",
              help="Only this scenario (repeatable, in the order given). Default: every scenario the kit's readers may see.")
@click.option("--audience", type=click.Choice(["responder", "volunteer"]), default="responder", show_default=True,
              help="volunteer: a kit for the volunteer briefing, from the scenarios marked for volunteers only.")
@click.option("-o", "--output", "out_dir", type=PathParam(path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the kit; each plan gets DIR/NAME/.")
@click.option("--paper", type=PaperChoice(), default=None,
              help="Paper size. Default: the usual one in the venue's country.")
@_verbosity
def drill(plan: Path, scenarios: tuple[str, ...], audience: str, out_dir: Path, paper: str | None, verbosity: int) -> int:
    """Print a tabletop drill kit from the plan's scenarios.

    The kit has a facilitator's guide with timings, and per scenario an
    answer sheet from the plan, cards to cut (situation, roles,
    complications) and a debrief sheet; then a session debrief and a
    "who knows their part" checklist.

    \b
    Example:
      incident-guide drill plans/my-event.yaml
    writes output/my-event/private/drill.pdf (every scenario).
      incident-guide drill plans/my-event.yaml --audience volunteer --scenario unsure-reporter
    writes output/my-event/drill-volunteer.pdf for the volunteer briefing:
    volunteer scenarios only, and nothing a volunteer may not see.
    """
    from .build import build_drill, checked_plan
    from .plan.model import Audience

    checked = checked_plan(plan)
    for problem in checked.warnings:
        click.echo(styled(problem), err=True)
    written = build_drill(plan, out_dir, scenarios, Audience(audience), paper, checked=checked)
    for path in written if verbosity >= 0 else ():
        click.echo(f"wrote {printable(path)}")
    return 0


def _passphrase() -> str:
    """The sealing passphrase: never from an argument, so it stays out of shell history and process lists."""
    from .render.seal import check_passphrase
    from .stopping import raise_if_requested

    passphrase = os.environ.get("INCIDENT_GUIDE_PASSPHRASE")
    if passphrase is not None:
        passphrase = passphrase.removesuffix("\n").removesuffix("\r")  # a secret store's (or a file's) line end
    if passphrase is None:
        if not sys.stdin.isatty():
            raise UserError("--seal needs a passphrase: set INCIDENT_GUIDE_PASSPHRASE, or run in a terminal to be asked")
        try:
            passphrase = click.prompt("Passphrase for the responder guide", hide_input=True, confirmation_prompt=True, err=True)
        except click.Abort:  # click's word for a stop at the prompt: stopped, as anywhere else
            raise_if_requested()
            raise KeyboardInterrupt from None
    check_passphrase(passphrase)  # raises SealError, a UserError
    return passphrase


@main.command()
@click.argument("folder", type=PathParam(exists=True, file_okay=False, path_type=Path))
@click.option("--plan", "plan_path", type=PathParam(dir_okay=False, path_type=Path), default=None,
              help="The plan the guides were built from. Default: the one recorded by `build`, else plans/NAME.yaml.")
def leaks(folder: Path, plan_path: Path | None) -> int:
    """Re-run the leak check on guides already built in FOLDER (output/NAME).

    Every value above a guide's audience is searched for in its HTML source,
    visible text and PDF text. A guide with a leak is removed, and the exit
    status is 1.

    \b
    Example:
      incident-guide leaks output/complete-conference
    """
    from .plan.validate import read_plan
    from .render.leaks import check_output_dir, edition_files

    if not any((folder / name).is_file() for name in edition_files()):
        raise UserError([Problem(str(folder), 0, 0, "no guides here (volunteer.*, public.*...): "
                                 "name a folder that `build` wrote, such as output/NAME")])
    plan = read_plan(plan_path or _recorded_plan(folder) or _plan_beside(folder))
    results = check_output_dir(folder, plan)
    leaked = False
    for name, found in results.items():
        if found:
            leaked = True
            for leak in found:  # said before the removal, which a read-only folder refuses
                click.echo(f"{folder / name}: error: {leak}", err=True)
            (folder / name).unlink()
            click.echo(f"{folder / name}: removed", err=True)
        else:
            click.echo(f"{folder / name}: no leak")
    return 1 if leaked else 0


def _plan_beside(folder: Path) -> Path:
    """plans/NAME.yaml for output/NAME when it exists; else an error about the folder the user named."""
    from .cache import RECORD

    guess = Path("plans") / f"{folder.name}.yaml"
    if guess.is_file():
        return guess
    raise UserError([Problem(str(folder), 0, 0, f"no plan recorded here ({folder / RECORD} is missing or names a plan "
                                                f"that is gone) and no {guess}; name the plan with --plan")])


def _recorded_plan(folder: Path) -> Path | None:
    """The plan `build` recorded in FOLDER/.build.json, if it still exists."""
    from .cache import RECORD

    try:
        recorded = json.loads((folder / RECORD).read_text(encoding="utf-8")).get("plan")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(recorded) if isinstance(recorded, str) and Path(recorded).is_file() else None


@main.command()
@click.argument("plan", type=PathParam(dir_okay=False, readable=False, path_type=Path))
def show(plan: Path) -> None:
    """Print PLAN merged with the shared plans it extends, as YAML, each value marked with where it is written.

    \b
    Example:
      incident-guide show plans/network/berlin.yaml
    prints lines such as `title: Someone reports a harasser  # from plans/network/policy.yaml:42`.
    """
    from .errors import PlanError
    from .plan.extends import load_plan
    from .plan.show import show_text

    loaded = load_plan(plan)
    if loaded.problems:
        raise PlanError(loaded.problems)
    click.echo(show_text(loaded), nl=False)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a plan (for editors' autocompletion)."""
    from .plan.schema import plan_schema_text

    click.echo(plan_schema_text(), nl=False)


@main.command()
@click.argument("path", required=False, type=PathParam(path_type=Path))
@click.option("--team", type=click.Choice(["foundation", "meetup", "conference"]), default="conference", show_default=True,
              help="foundation: a board member and two others, all on every report; "
                   "meetup: two organisers who handle problems on the spot; "
                   "conference: five people deciding together above minor impact or risk.")
@click.option("--extends", "extends", type=PathParam(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A shared plan (a network's policy): write an event's starter that extends it, with only the event's own "
                   "parts (event, venues, team, rota).")
@click.option("--country", metavar="CC", help="The venue's country (JP, EG, CH): its emergency numbers from the bundled "
                                              "list, marked to confirm, its time zone and paper; sample phone numbers from its range for fiction, "
                                              "or marked placeholders.")
@click.option("--locale", metavar="TAG", help="The guides' locale, e.g. ja-JP, fr-FR, ar-EG (its country too, without --country); "
                                              "the starter's comments and sample texts in its language.")
def init(path: Path | None, team: str, extends: Path | None, country: str | None, locale: str | None) -> None:
    """Write a commented starter plan to PATH (default plans/my-event.yaml).

    Never replaces an existing file. Every value to fill in is marked CHANGE ME,
    and `check` lists the ones left.

    \b
    Example:
      incident-guide init plans/pycon-2027.yaml --team conference
      incident-guide check plans/pycon-2027.yaml
      incident-guide build plans/pycon-2027.yaml
      incident-guide init plans/network/lyon.yaml --extends plans/network/policy.yaml
    """
    from .init import write_starter

    written = write_starter(path, team, extends, country, locale)
    click.echo(f"Wrote {written.path}: a starter plan for a {team} team "
               + (f"extending {extends} " if extends else "")
               + f"({written.placeholders} lines marked CHANGE ME; readable only by you).")
    if written.schema_written:
        click.echo(f"Wrote the plan's schema next to it, {written.schema_written}: editors with the YAML language server "
                   f"find it through the plan's first line (`$schema={written.schema}`); keep the two files together.")
    else:
        click.echo(f"Editors with the YAML language server use the schema at {written.schema} "
                   "(named on the plan's first line).")
    click.echo("Next:")
    click.echo(f"  1. replace every CHANGE ME in {written.path}")
    click.echo(f"  2. incident-guide check {written.path}")
    click.echo(f"  3. incident-guide build {written.path}")


@main.command(cls=_Stoppable)
@click.argument("plan", type=PathParam(exists=True, dir_okay=False, readable=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="0 picks a free port.")
@click.option("--pdf", is_flag=True, help="Also print the PDFs on every save (slower). Without it, /pdf/NAME.pdf prints on request.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def serve(plan: Path, port: int, pdf: bool, open_browser: bool) -> None:
    """Preview PLAN's guides in the browser, rebuilt and reloaded on every save.

    Listens on 127.0.0.1 only. Problems in the plan show in the page and here,
    and the preview keeps going until you fix them. The guides are built into a
    private temporary folder; output/ is not touched (use `build` for that).

    \b
    Example:
      incident-guide serve plans/my-event.yaml
      then open the address it prints (it holds this run's token)
    """
    from .serve.run import serve as run_preview

    run_preview(plan, port=port, pdf=pdf, open_browser=open_browser, echo=click.echo)


if __name__ == "__main__":
    main()
