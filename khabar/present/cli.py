"""khabar's command line (Typer)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .. import __version__
from ..model import ArticleAnalysis, SourceError

app = typer.Typer(
    name="khabar",
    help="Read news articles about a story and report what is known, according to whom, how well "
    "corroborated, and where the sources disagree. Arabic first.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, highlight=False)


def _parse_fields(fields: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    allowed = {"title", "text", "outlet", "published", "url", "id", "author"}
    for f in fields:
        name, sep, column = f.partition("=")
        name = name.strip().lower()
        if not sep or not column.strip():
            raise typer.BadParameter(f"--field expects NAME=COLUMN (e.g. text=content), not {f!r}")
        if name not in allowed:
            raise typer.BadParameter(f"--field: unknown field {name!r}; one of {', '.join(sorted(allowed))}")
        out[name] = column.strip()
    return out


class _Reporter:
    """Reports skipped sources as they happen and shows progress once there is more than a screenful."""

    def __init__(self, quiet: bool, total: int | None = None) -> None:
        self.quiet = quiet
        self.total = total
        self.count = 0
        self.progress: Progress | None = None
        self.task = None
        self.threshold = max(10, err.size.height - 2)

    def __call__(self, item: ArticleAnalysis | SourceError) -> None:
        self.count += 1
        if isinstance(item, SourceError):
            msg = f"[yellow]skipped[/] {item.source}: {item.reason}"
            if self.progress:
                self.progress.console.print(msg)
            else:
                err.print(msg)
        if self.quiet or not err.is_terminal:
            return
        if self.progress is None and (self.count > self.threshold or (self.total or 0) > self.threshold):
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("analysing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("articles", total=self.total, completed=self.count)
        if self.progress is not None:
            self.progress.update(self.task, completed=self.count)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _summary(result, seconds: float, console: Console) -> None:  # noqa: ANN001
    arts = result.articles
    words = sum(a.words for a in arts)
    outlets = Counter(a.outlet for a in arts if a.outlet)
    dates = sorted(a.published for a in arts if a.published)
    warnings = Counter(w.code for a in arts for w in a.warnings)
    table = Table(title="khabar: summary", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    table.add_row("articles", f"{len(arts)}")
    table.add_row("words", f"{words:,}")
    top = ", ".join(f"{o} ({n})" for o, n in outlets.most_common(6))
    more = f" and {len(outlets) - 6} more" if len(outlets) > 6 else ""
    table.add_row("outlets", f"{len(outlets)}" + (f": {top}{more}" if outlets else ""))
    undated = len(arts) - len(dates)
    span = f"{dates[0]} … {dates[-1]}" if dates else "none"
    table.add_row("dates", span + (f" ({undated} undated)" if undated else ""))
    wires = Counter(w for a in arts for w in a.wire)
    table.add_row("wire credits", ", ".join(f"{w} ({n})" for w, n in wires.most_common()) or "none")
    table.add_row("warnings", f"{sum(warnings.values())}" + (": " + ", ".join(f"{c} {n}" for c, n in warnings.most_common()) if warnings else ""))
    table.add_row("skipped sources", f"{len(result.errors)}")
    table.add_row("time", f"{seconds:.1f} s")
    console.print(table)


def _run_analyze(
    sources: list[str],
    json_out: Optional[str],
    fields: list[str],
    allow_private: bool,
    offline: bool,
    timeout: float,
    max_bytes: int,
    quiet: bool,
    html_out: Optional[str] = None,
) -> int:
    from ..ingest.sources import IngestOptions
    from ..pipeline import dossier, run
    from .dossier import write_json

    opts = IngestOptions(
        allow_private=allow_private, offline=offline, timeout=timeout, max_bytes=max_bytes, fields=_parse_fields(fields)
    )
    reporter = _Reporter(quiet)
    t0 = time.perf_counter()
    try:
        result = run(sources, opts, on_result=reporter)
    finally:
        reporter.close()
    seconds = time.perf_counter() - t0
    out_console = err if "-" in (json_out, html_out) else Console(highlight=False)
    if not result.analyses:
        err.print(f"[red]nothing could be analysed[/] ({len(result.errors)} source(s) skipped)")
        return 2
    d = dossier(result) if (json_out or html_out) else None
    if json_out:
        write_json(d, json_out)
        if json_out != "-":
            out_console.print(f"wrote {json_out}")
    if html_out:
        from .report import render_report

        if html_out == "-":
            sys.stdout.write(render_report(d))
        else:
            html_path = Path(html_out)
            html_path.parent.mkdir(parents=True, exist_ok=True)
            html_path.write_text(render_report(d), encoding="utf-8")
            out_console.print(f"wrote {html_out}")
    if not quiet:
        _summary(result, seconds, out_console)
    return 0


@app.command()
def analyze(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), URLs, feeds, JSONL/CSV corpora.")],
    json_out: Annotated[Optional[str], typer.Option("--json", help="Write the JSON dossier here ('-' for stdout).")] = None,
    html_out: Annotated[
        Optional[str], typer.Option("--html", help="Write the self-contained HTML report here (opens offline).")
    ] = None,
    field: Annotated[
        list[str], typer.Option("--field", help="Corpus field override NAME=COLUMN, e.g. --field text=content.")
    ] = [],  # noqa: B006 - Typer needs a literal default
    allow_private: Annotated[bool, typer.Option(help="Allow URLs on private and loopback addresses.")] = False,
    offline: Annotated[bool, typer.Option(help="Never use the network (feeds use their items' content).")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds per HTTP request.")] = 15.0,
    max_bytes: Annotated[int, typer.Option(help="Size cap for one page or file, in bytes.")] = 10_000_000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Analyse articles and write the JSON dossier (and/or the HTML report)."""
    raise typer.Exit(_run_analyze(sources, json_out, field, allow_private, offline, timeout, max_bytes, quiet, html_out))


def example_corpus() -> Path:
    """The bundled example corpus: the installed copy, or the repository's when run from a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "examples" / "corpus", here.parent / "examples" / "corpus"):
        if candidate.is_dir() and any(p.suffix for p in candidate.iterdir() if not p.name.startswith(".")):
            return candidate
    raise FileNotFoundError("the example corpus is not installed with this copy of khabar")


@app.command()
def demo(
    out: Annotated[str, typer.Option("--out", help="Where to write the dossier.")] = "out/demo.json",
) -> None:
    """Analyse the bundled example corpus (offline) and write its dossier."""
    try:
        corpus = example_corpus()
    except FileNotFoundError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    err.print(f"analysing the example corpus in {corpus}")
    raise typer.Exit(_run_analyze([str(corpus)], out, [], False, True, 15.0, 10_000_000, False))


DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="SQLite file or postgresql:// URL (default: $KHABAR_DB or ~/.local/share/khabar/khabar.db)."),
]


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs, feeds, corpora to add to the store.")],
    db: DbOption = None,
    field: Annotated[list[str], typer.Option("--field", help="Corpus field override NAME=COLUMN.")] = [],  # noqa: B006
    allow_private: Annotated[bool, typer.Option(help="Allow URLs on private and loopback addresses.")] = False,
    offline: Annotated[bool, typer.Option(help="Never use the network.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds per HTTP request.")] = 15.0,
    batch: Annotated[int, typer.Option(help="Articles per transaction.")] = 20,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Add articles to the store; the same text twice is stored once. Cross-article results update."""
    from ..ingest.sources import IngestOptions
    from ..pipeline import iter_results
    from ..store import Store

    store = Store(db)
    opts = IngestOptions(allow_private=allow_private, offline=offline, timeout=timeout, fields=_parse_fields(field))
    reporter = _Reporter(quiet)
    added = dupes = errors = 0
    pending = []
    t0 = time.perf_counter()

    def flush() -> None:
        nonlocal added, dupes
        if pending:
            out = store.add(pending)
            added += len(out["added"])
            dupes += len(out["duplicates"])
            pending.clear()

    try:
        for item in iter_results(sources, opts):
            reporter(item)
            if isinstance(item, SourceError):
                errors += 1
                continue
            pending.append(item)
            if len(pending) >= batch:
                flush()
        flush()
    finally:
        reporter.close()
    counts = store.counts()
    if not quiet:
        table = Table(title="khabar: ingest", show_header=False, title_justify="left")
        table.add_column("what", style="bold")
        table.add_column("value")
        table.add_row("added", str(added))
        table.add_row("already stored", str(dupes))
        table.add_row("skipped sources", str(errors))
        table.add_row("store", f"{counts['articles']} articles, {counts['stories']} stories, {counts['claims']} claims, "
                      f"{counts['conflicts']} conflicts")
        table.add_row("time", f"{time.perf_counter() - t0:.1f} s")
        Console(highlight=False).print(table)
    raise typer.Exit(0 if added or dupes else 2)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[Optional[str], typer.Option(help="Bearer token required on writes (or $KHABAR_TOKEN).")] = None,
    allow_private: Annotated[bool, typer.Option(help="Let POSTed URLs reach private and loopback addresses.")] = False,
) -> None:
    """Serve the HTTP API and the web UI over a store."""
    import uvicorn

    from ..store import Store
    from .api import create_app

    store = Store(db)
    err.print(f"khabar {__version__} on http://{host}:{port}/ (store: {store.url.split('://')[0]})")
    uvicorn.run(create_app(store, token=token, allow_private=allow_private), host=host, port=port, log_level="warning")


@app.command()
def export(
    story: Annotated[Optional[str], typer.Option("--story", help="Story id (default: the whole store).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, csv, graphml or html.")] = "json",
    out: Annotated[Optional[str], typer.Option("--out", "-o", help="File (csv: a folder) to write; default stdout.")] = None,
    db: DbOption = None,
) -> None:
    """Export a story (or the whole store): JSON dossier, CSV tables, GraphML actor graph, HTML report."""
    from ..store import Store
    from . import exports

    store = Store(db)
    d = store.dossier(story)
    if story and not d["stories"]:
        err.print(f"[red]no story {story!r} in the store[/]")
        raise typer.Exit(2)
    try:
        written = exports.write(d, fmt, out)
    except ValueError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    for path in written:
        err.print(f"wrote {path}")


@app.command()
def version() -> None:
    """Print khabar's version."""
    typer.echo(__version__)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
