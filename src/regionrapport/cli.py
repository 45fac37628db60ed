"""Click commands only: parse options, call commands, map errors to exit codes.

Exit codes: 0 clean, 1 problems found in the input, 2 usage or internal error.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .diagnostics import RENDERERS, ReportError, render_text, visible

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

def _color(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and not os.environ.get("CI")


def _echo(text: str, **kwargs) -> None:
    """Text that may carry the input's words (a name, a file's lines): printed with no
    terminal control character in it (diagnostics.visible); render_text filters its own."""
    click.echo(visible(text), **kwargs)


def _fail(err: ReportError) -> NoReturn:
    click.echo(render_text(err.diagnostics, color=_color(sys.stderr)), err=True)
    sys.exit(EXIT_PROBLEMS)


def _project(project_dir):
    from .project import load_project

    try:
        return load_project(Path(project_dir) if project_dir else None)
    except ReportError as e:
        _fail(e)


def _report_ids(project, reports, all_):
    if all_ or not reports:
        ids = project.report_ids()
        if not ids:
            _echo(f"Inga rapporter i {project.outcomes_dir}.", err=True)
            sys.exit(EXIT_USAGE)
        return ids
    return list(reports)


project_option = click.option("--project", "project_dir", type=click.Path(file_okay=False),
                              help="Project folder (default: the nearest folder upwards with organisation.yaml).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rapport")
def main():
    """regionrapport: compile checked Swedish regional reports from YAML."""


@main.command()
@click.argument("reports", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Check every report under data/outcomes/ (the default without REPORTS).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text", show_default=True,
              help="Output format of the diagnostics.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-cache", is_flag=True,
              help="Check every report afresh, even one whose inputs are unchanged since its last clean check.")
@project_option
def check(reports, all_, fmt, strict, project_dir, no_cache):
    """Validate REPORTS (ids under data/outcomes/) without rendering anything.

    A report whose data, templates, organisation.yaml and tool are unchanged since its
    last check without errors is not checked again: that check's warnings are shown.

    Exit 0 when clean, 1 when problems were found (with --strict warnings too),
    2 when the command cannot run as asked (no project, unknown report)."""
    from .commands import check as C

    known = {}
    if not no_cache:
        # Only hashes here: when every report is remembered, no YAML or pydantic is loaded.
        from .constants import find_root as quick_root, report_ids as quick_ids

        here = quick_root(Path(project_dir) if project_dir else None)
        if here is not None:
            from .commands.outdir import cache_problem

            problem = cache_problem(here / "out")
            if problem is not None:  # checked all the same; only not remembered there
                click.echo(f"{render_text([problem], color=_color(sys.stderr))}\n    Kontrollerna minns inte.", err=True)
            ids = quick_ids(here) if all_ or not reports else list(reports)
            known = C.remembered(here, ids, here / "out")
            if ids and len(known) == len(ids):
                replayed = C.check(None, ids, known=known)
                _print_and_exit(replayed, replayed.diagnostics, fmt, strict)
    from .project import find_root, load_project, report_path_problem

    def usage(diags: list) -> NoReturn:
        click.echo(render_text(diags, color=_color(sys.stderr)) if fmt == "text" else RENDERERS[fmt](diags),
                   err=fmt == "text")
        sys.exit(EXIT_USAGE)

    try:
        root = find_root(Path(project_dir) if project_dir else None)
    except ReportError as e:
        usage(e.diagnostics)
    result = None
    try:
        project = load_project(root)
        ids = _report_ids(project, reports, all_)
        named = [d for rid in reports for d in report_path_problem(project, rid)]
        if named:
            usage(named)
        result = C.check(project, ids, None if no_cache else root / "out", known)
        diags = result.diagnostics
    except ReportError as e:
        diags = e.diagnostics
    except Exception as e:  # noqa: BLE001 - a bug, not bad input: say so, and exit as an internal error
        _echo(f"Internt fel i rapport check: {type(e).__name__}: {e}", err=True)
        sys.exit(EXIT_USAGE)
    _print_and_exit(result, diags, fmt, strict)


def _print_and_exit(result, diags, fmt: str, strict: bool) -> NoReturn:
    """Print the diagnostics in the asked format, then exit 0 or 1."""
    if fmt == "text":
        if diags:
            click.echo(render_text(diags, color=_color(sys.stdout)))
        n_err = sum(d.severity == "error" for d in diags)
        n_warn = sum(d.severity == "warning" for d in diags)
        if result is not None:
            same = len(result.remembered)
            word = "oförändrad" if same == 1 else "oförändrade"
            note = f" ({same} {word} sedan förra kontrollen; --no-cache kontrollerar ändå)" if same else ""
            _echo(f"{len(result.reports)} rapport(er) kontrollerade: {n_err} fel, {n_warn} varningar{note}.",
                       err=True)
    else:
        _echo(RENDERERS[fmt](diags))
    failed = any(d.severity == "error" for d in diags) or (strict and any(d.severity == "warning" for d in diags))
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


@main.command()
@click.argument("reports", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Build every report under data/outcomes/.")
@click.option("--format", "formats", default="md,docx,pdf", show_default=True,
              help="Comma-separated output formats: md, docx, pdf, xlsx (the tables as an Excel workbook), "
                   "html (the web page).")
@click.option("--out", "out_dir", type=click.Path(), help="Output folder (default: out/ in the project).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Conversions (pandoc, typst) at the same time, counted as make -j counts: each report "
                   "being built takes one and runs its DOCX beside its PDF only when a second is free "
                   "(default: the number of cores).")
@click.option("--force", is_flag=True, help="Rebuild even the reports whose inputs are unchanged since the last build.")
@project_option
def build(reports, all_, formats, out_dir, strict, jobs, force, project_dir):
    """Build REPORTS to out/REPORT/REPORT.{md,docx,pdf} (and .xlsx, .html with --format).

    A report whose data, templates, organisation.yaml and tool version are unchanged
    since its last build, and whose outputs are still there, is skipped.
    """
    # Only light imports until something needs building: a no-op build hashes files and stops.
    from .commands import build_all
    from .constants import FORMATS, find_root, report_ids

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise click.UsageError(f"okänt format: {', '.join(bad) or '(inget)'}; välj bland {', '.join(FORMATS)}")
    if not reports and not all_:
        raise click.UsageError("ange en rapport, t.ex. 'rapport build delar-mars-2025', eller --all")
    root = find_root(Path(project_dir) if project_dir else None)
    if root is None:
        _project(project_dir)  # says, the usual way, that there is no organisation.yaml
        raise AssertionError("not reached: _project exits")
    ids = report_ids(root) if all_ else list(reports)
    if not all_ and any(not _plain_existing(root, rid) for rid in ids):
        # A report that cannot be named is a usage error (exit 2), as in `rapport check`.
        from .project import report_path_problem

        project = _project(project_dir or root)
        click.echo(render_text([d for rid in ids for d in report_path_problem(project, rid)],
                               color=_color(sys.stderr)), err=True)
        sys.exit(EXIT_USAGE)
    if not ids:
        _echo(f"Inga rapporter i {root / 'data' / 'outcomes'}.", err=True)
        sys.exit(EXIT_USAGE)
    reporter = build_all.RichReporter() if _color(sys.stderr) else build_all.PlainReporter(color=False)
    try:
        summary = build_all.run(root, ids, wanted, Path(out_dir) if out_dir else None, strict, force, jobs, reporter)
    except ReportError as e:
        _fail(e)
    sys.exit(EXIT_USAGE if summary.crashed or summary.blocked else EXIT_PROBLEMS if summary.failed else EXIT_OK)


@main.command()
@click.argument("report")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@project_option
def preview(report, port, project_dir):
    """Serve REPORT as a web page on 127.0.0.1 and rebuild it whenever a file is saved.

    Watches organisation.yaml, data/ and templates/; the open page reloads itself
    after each rebuild, and shows the errors (file:line, message, hint) while the
    data has any. Builds into a temporary folder: out/ is left as it is. Ctrl+C ends it.
    """
    import time

    from .commands.preview import Preview
    from .constants import find_root

    root = find_root(Path(project_dir) if project_dir else None)
    if root is None:
        _project(project_dir)  # says, the usual way, that there is no organisation.yaml
        raise AssertionError("not reached: _project exits")
    if not _plain_existing(root, report):
        from .project import report_path_problem

        click.echo(render_text(report_path_problem(_project(project_dir or root), report),
                               color=_color(sys.stderr)), err=True)
        sys.exit(EXIT_USAGE)
    try:
        pv = Preview(root, report, port)
    except OSError as e:
        _echo(f"rapport preview: kan inte lyssna på 127.0.0.1:{port}: {e.strerror}.", err=True)
        _echo("    tips: Välj en annan port med --port (0 väljer en ledig).", err=True)
        sys.exit(EXIT_USAGE)
    pv.start()
    _echo(f"Förhandsgranskning av {report}: {pv.url}  (Ctrl+C avslutar)", err=True)
    last = -1
    try:
        while True:
            version = pv.wait_newer(last, timeout=1.0)
            if version != last:
                last = version
                state = "byggd" if pv.ok else "fel i underlaget, se sidan"
                _echo(f"{time.strftime('%H:%M:%S')} {report}: {state} ({pv.last_seconds:.2f} s)", err=True)
    except KeyboardInterrupt:
        pass
    finally:
        pv.stop()


def _plain_existing(root: Path, rid: str) -> bool:
    from .constants import is_report_id

    return is_report_id(rid) and not rid.endswith(".yaml") and (root / "data" / "outcomes" / f"{rid}.yaml").is_file()


def _refuse(e) -> None:
    """A request that cannot be carried out (UsageProblem): the message, a hint, exit 2."""
    _echo(f"rapport: {e.message}", err=True)
    if e.hint:
        _echo(f"    tips: {e.hint}", err=True)
    sys.exit(EXIT_USAGE)


@main.command()
@click.argument("args", nargs=-1, metavar="[REV_A [REV_B]] [REPORT ...]")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text for the terminal, markdown for a pull-request comment, json for tools.")
@click.option("--base", metavar="BRANCH",
              help="Main branch whose merge-base with HEAD is compared by default (default: origin/HEAD, main or master).")
@project_option
def diff(args, fmt, base, project_dir):
    """What a change to the data does to the reports.

    Compares two git revisions of the data in report terms: figures changed, the
    derived figures (totals, deviations, result rows) that changed with them,
    statuses that changed colour, metrics, assignments and committees added or
    removed, and texts (word diff). Default: the merge-base of HEAD with the main
    branch against the working tree, uncommitted changes included; with one
    revision, that revision against the working tree.
    """
    from .commands import diff as D
    from .diagnostics import UsageProblem
    from .project import find_root

    try:
        root = find_root(Path(project_dir) if project_dir else None)
        result = D.diff(root, list(args), base)
    except ReportError as e:
        _fail(e)
    except UsageProblem as e:
        _refuse(e)
    _echo(D.RENDERERS[fmt](result), nl=False)
    sys.exit(EXIT_PROBLEMS if result.unreadable else EXIT_OK)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name", help='The organisation\'s name as printed, e.g. "Region X" (default: from DIRECTORY).')
@click.option("--ar", "year", type=int, help="Budget year of the example data (default: this year).")
def init(directory, name, year):
    """Create a new project in DIRECTORY: configuration, example data, templates/, README.

    The project passes `rapport check` and builds as created; replace the example
    figures with your own. Nothing is overwritten: an existing project is refused (exit 2)."""
    from .commands.init import InitRefused, init as run_init

    try:
        files = run_init(Path(directory), name, year)
    except InitRefused as e:
        _echo(f"rapport init: {e.message}\n    tips: {e.hint}", err=True)
        sys.exit(EXIT_USAGE)
    for f in files:
        _echo(str(f))
    _echo(f"Nytt projekt i {directory}: kör 'rapport check --all --project {directory}'.", err=True)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the schemas (default: schemas/ in the project).")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when the files differ from the models.")
@project_option
def schema(out_dir, check_only, project_dir):
    """Write JSON Schemas of the organisation, budget and outcomes files.

    Editors that read '# yaml-language-server: $schema=...' (VS Code's YAML
    extension) then autocomplete keys and underline mistakes as you type.
    """
    from .commands import schema as S
    from .constants import find_root

    if out_dir:
        target = Path(out_dir)
    else:
        root = find_root(Path(project_dir) if project_dir else None)
        target = (root or Path.cwd()) / "schemas"
    if check_only:
        stale = S.outdated(target)
        for p in stale:
            _echo(f"{p}: stämmer inte med modellerna; kör 'rapport schema'.", err=True)
        sys.exit(EXIT_PROBLEMS if stale else EXIT_OK)
    for p in S.write_schemas(target):
        _echo(str(p))


@main.command()
@click.argument("report")
@click.option("--from", "from_id", required=True, metavar="REPORT",
              help="The report to take the structure from, e.g. the previous period's.")
@click.option("--period", help="Period id from organisation.yaml (default: read from the new report's name).")
@click.option("--datum", "date", type=click.DateTime(["%Y-%m-%d"]), help="Report date (default: the period's last day).")
@project_option
def new(report, from_id, period, date, project_dir):
    """Scaffold data/outcomes/REPORT.yaml for the next period.

    Same structure, order and comments as --from; the period's figures, outcomes,
    assessments and comments emptied; period, year and date set; history carried
    where it applies. Never overwrites an existing file.
    """
    from .commands.new import new_report
    from .diagnostics import UsageProblem

    project = _project(project_dir)
    try:
        res = new_report(project, report, from_id, period, date.date() if date else None)
    except ReportError as e:
        _fail(e)
    except UsageProblem as e:
        _refuse(e)
    _echo(str(res.path))
    for note in res.notes:
        _echo(f"  {note}", err=True)
    _echo(f"Fyll i periodens värden och kör 'rapport check {report}'.", err=True)


@main.command()
@click.option("--write", is_flag=True, help="Rewrite the files (default: only show what would change, as a diff).")
@project_option
def migrate(write, project_dir):
    """Rewrite the project's YAML from older forms of the format to today's.

    Dry run by default: shows the changes as a unified diff and writes nothing.
    With --write the files are rewritten in place: only the lines of the old form
    change, comments and order stay. Exit 0 when done (or nothing to do), 1 when a
    file cannot be read or an old form cannot be rewritten automatically.
    """
    from .commands import migrate as M
    from .project import find_root

    try:
        root = find_root(Path(project_dir) if project_dir else None)
        changes = M.migrate(root)
    except ReportError as e:
        _fail(e)
    if not changes:
        _echo("Inget att migrera: filerna har dagens format.", err=True)
        return
    for c in changes:
        _echo(c.diff(), nl=False)
    summary = ", ".join(f"{c.name} ({', '.join(step for step, _ in c.steps)})" for c in changes)
    if write:
        M.write(changes)
        _echo(f"Migrerade {len(changes)} fil(er): {summary}.", err=True)
    else:
        _echo(f"{len(changes)} fil(er) skulle ändras: {summary}. Kör 'rapport migrate --write' för att skriva.",
                   err=True)


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--into", "report", required=True, metavar="REPORT", help="The report to write the figures into.")
@click.option("--column", "columns", multiple=True, metavar="KOLUMN",
              help="Import only this column (repeatable; default: every column of the mapping).")
@click.option("--period", metavar="YYYYMM", help="The last month included (default: the report's period).")
@click.option("--mappning", "mapping", type=click.Path(dir_okay=False),
              help="The account mapping (default: import/mappning.yaml in the project).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@project_option
def import_(file, report, columns, period, mapping, dry_run, project_dir):
    """Write the figures of a ledger export (SIE 4, Excel, CSV) into data/outcomes/REPORT.yaml.

    Amounts are placed on posts through the mapping, rounded, reconciled with the
    file's own totals and written in place: comments, order and every other line
    stay as they are. Prints what changed; then run `rapport check REPORT`.
    """
    from .commands.import_ import run_import
    from .diagnostics import UsageProblem

    project = _project(project_dir)
    try:
        res = run_import(project, Path(file), report, list(columns) or None, period, dry_run,
                         Path(mapping) if mapping else None)
    except ReportError as e:
        _fail(e)
    except UsageProblem as e:
        _refuse(e)
    for change in res.changes:
        _echo(change.describe())
    for note in res.notes:
        _echo(f"  {note}", err=True)
    if not res.changes:
        _echo("Inga siffror ändrades.", err=True)
    elif dry_run:
        _echo(f"{len(res.changes)} siffror skulle ändras (--dry-run: inget skrevs).", err=True)
    else:
        _echo(f"{len(res.changes)} siffror skrivna i {res.path}. Kör 'rapport check {report}'.", err=True)


def entry() -> None:
    """The console script `rapport`: the command between the start-up and exit tricks of
    _startup.py (documented there; in-process callers such as tests use `main` without them)."""
    from . import _startup

    _startup.prepare()
    code: str | int | None
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed, exit status 1
        print(code, file=sys.stderr)
        code = 1
    _startup.leave(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
