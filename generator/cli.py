"""The `incident-guide` command: a thin click layer over the steps in generator/.

Imports of the printing side (WeasyPrint) happen inside the commands that print,
so `check`, `schema`, `init` and `--help` stay fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import PlanError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="incident-guide")
def main() -> None:
    """Turn a code-of-conduct incident response plan (YAML) into guides.

    \b
    Start:   incident-guide check plans/complete-conference.yaml
    Build:   incident-guide build plans/complete-conference.yaml
    """


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", help="json for scripts and editors.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(plans: tuple[Path, ...], output_format: str, strict: bool) -> None:
    """Check plans (files, or folders of *.yaml) and print every problem as FILE:LINE:COL: error: MESSAGE.

    \b
    Example:
      incident-guide check plans/
    """
    from generator.batch import collect_plans
    from generator.check import check_plan

    plans = collect_plans(plans)
    if not plans:
        raise click.UsageError("no plans (*.yaml) in the folders given")
    results = [check_plan(path) for path in plans]
    problems = [p for result in results for p in result.problems]
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    if output_format == "json":
        click.echo(json.dumps({
            "plans": [{"file": str(r.file), "ok": r.ok(strict), "problems": [p.as_json() for p in r.problems]} for r in results],
            "errors": errors, "warnings": warnings,
        }, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(_summary(len(plans), errors, warnings), err=bool(problems))
    failed = errors or (strict and warnings)
    sys.exit(1 if failed else 0)


def _summary(plans: int, errors: int, warnings: int) -> str:
    def count(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"
    return f"{count(plans, 'plan')} checked: {count(errors, 'error')}, {count(warnings, 'warning')}"


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the guides; each plan gets DIR/NAME/.")
@click.option("--edition", "editions", type=click.Choice(["public", "volunteer", "responder", "desk", "cards", "report-form"]), multiple=True,  # generator.build.EDITIONS (not imported: --help stays fast)
              help="Build only this edition (repeatable). Default: all.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Paper size. Default: the usual one in the venue's country (letter in the US, Canada, Mexico...).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Plans built at once, each in its own process. Default: one per core.")
@click.option("--force", is_flag=True, help="Rebuild even guides whose plan, pictures, templates and options are unchanged.")
@click.option("--seal", is_flag=True,
              help="Encrypt the private HTML guide with a passphrase from $INCIDENT_GUIDE_PASSPHRASE "
                   "(asked for, without echo, when unset and a terminal is attached).")
def build(plans: tuple[Path, ...], out_dir: Path, editions: tuple[str, ...], paper: str | None,
          jobs: int | None, force: bool, seal: bool) -> None:
    """Build the guides: PDF and HTML of the public, volunteer and responder editions.

    PLANS are plan files, or folders whose *.yaml plans are all built, in
    parallel. Guides whose inputs have not changed since the last build are
    left as they are (see output/NAME/.build.json); --force rebuilds them.

    \b
    Example:
      incident-guide build plans/complete-conference.yaml
    writes output/complete-conference/public.pdf, public.html, volunteer.pdf and
    volunteer.html, and in private/ (only you can read it) responder.pdf,
    responder.html and each responder's rota-ID.ics.
      incident-guide build plans/ --jobs 4
    builds every plan in plans/ and prints a table: plan, status, files, seconds.
      INCIDENT_GUIDE_PASSPHRASE='three random words here' incident-guide build --seal plans/my-event.yaml
    seals private/responder.html: it opens in a browser with the passphrase.
    A plan with errors builds nothing; earlier guides stay as they were. The
    others are still built; the exit status is 1 if any plan failed.
    """
    from generator.batch import build_many, collect_plans

    found = collect_plans(plans)
    if not found:
        raise click.UsageError(f"no plans (*.yaml) in {', '.join(str(p) for p in plans)}")
    options = {"editions": sorted(editions) or None, "paper": paper}
    if seal:
        options["passphrase"] = _passphrase()
    results = build_many(found, out_dir, options=options, force=force, jobs=jobs)
    if any(result.status == "built" for result in results):
        # Only when guides were written: the check imports the renderer and runs git, which would
        # make a build with nothing to do (every plan unchanged) several times slower.
        from generator.build import exposed_to_git

        if exposed_to_git(out_dir):
            click.echo(f"warning: {out_dir} is inside a git work tree that does not ignore it; add it to .gitignore "
                       "so private guides are never committed", err=True)
    sys.exit(0 if all(result.ok for result in results) else 1)


def _passphrase() -> str:
    """The sealing passphrase: never from an argument, so it stays out of shell history and process lists."""
    from generator.errors import BuildError
    from generator.render.seal import check_passphrase

    passphrase = os.environ.get("INCIDENT_GUIDE_PASSPHRASE")
    if passphrase is None:
        if not sys.stdin.isatty():
            click.echo("error: --seal needs a passphrase: set INCIDENT_GUIDE_PASSPHRASE, or run in a terminal to be asked", err=True)
            sys.exit(1)
        passphrase = click.prompt("Passphrase for the responder guide", hide_input=True, confirmation_prompt=True, err=True)
    try:
        check_passphrase(passphrase)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    return passphrase


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The plan the guides were built from. Default: the one recorded by `build`, else plans/NAME.yaml.")
def leaks(folder: Path, plan_path: Path | None) -> None:
    """Re-run the leak check on guides already built in FOLDER (output/NAME).

    Every value above a guide's audience is searched for in its HTML source,
    visible text and PDF text. A guide with a leak is removed, and the exit
    status is 1.

    \b
    Example:
      incident-guide leaks output/complete-conference
    """
    from generator.plan.validate import read_plan
    from generator.render.leaks import check_output_dir

    plan_path = plan_path or _recorded_plan(folder) or Path("plans") / f"{folder.name}.yaml"
    try:
        plan = read_plan(plan_path)
    except PlanError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except FileNotFoundError:
        raise click.UsageError(f"cannot find the plan {plan_path}; name it with --plan") from None
    results = check_output_dir(folder, plan)
    if not results:
        raise click.UsageError(f"no guides (volunteer.*, public.*) in {folder}")
    leaked = False
    for name, found in results.items():
        if found:
            leaked = True
            (folder / name).unlink()
            for leak in found:
                click.echo(f"{folder / name}: error: {leak}", err=True)
            click.echo(f"{folder / name}: removed", err=True)
        else:
            click.echo(f"{folder / name}: no leak")
    sys.exit(1 if leaked else 0)


def _recorded_plan(folder: Path) -> Path | None:
    """The plan `build` recorded in FOLDER/.build.json, if it still exists."""
    try:
        recorded = json.loads((folder / ".build.json").read_text(encoding="utf-8")).get("plan")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(recorded) if isinstance(recorded, str) and Path(recorded).is_file() else None


@main.command()
def schema() -> None:
    """Print the JSON Schema of a plan (for editors' autocompletion)."""
    from generator.plan.schema import plan_schema_text

    click.echo(plan_schema_text(), nl=False)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--team", type=click.Choice(["foundation", "meetup", "conference"]), default="conference", show_default=True,
              help="foundation: a board member and two others, all on every report; "
                   "meetup: two organisers who handle problems on the spot; "
                   "conference: five people deciding together above minor impact or risk.")
def init(path: Path | None, team: str) -> None:
    """Write a commented starter plan to PATH (default plans/my-event.yaml).

    Never replaces an existing file. Every value to fill in is marked CHANGE ME,
    and `check` lists the ones left.

    \b
    Example:
      incident-guide init plans/pycon-2027.yaml --team conference
      incident-guide check plans/pycon-2027.yaml
      incident-guide build plans/pycon-2027.yaml
    """
    from generator.init import InitError, write_starter

    try:
        written = write_starter(path, team)
    except InitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Wrote {written.path}: a starter plan for a {team} team "
               f"({written.placeholders} lines marked CHANGE ME; readable only by you).")
    click.echo(f"Editors with the YAML language server use the schema at {written.schema}.")
    click.echo("Next:")
    click.echo(f"  1. replace every CHANGE ME in {written.path}")
    click.echo(f"  2. incident-guide check {written.path}")
    click.echo(f"  3. incident-guide build {written.path}")


@main.command()
@click.argument("plan", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8800, show_default=True, help="0 picks a free port.")
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
      then open http://127.0.0.1:8800/
    """
    from generator.serve import serve as run_preview

    try:
        run_preview(plan, port=port, pdf=pdf, open_browser=open_browser, echo=click.echo)
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
