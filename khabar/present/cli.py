"""khabar's command line (Typer)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from .. import __version__
from ..model import ArticleAnalysis, SourceError

if TYPE_CHECKING:
    from ..ingest.sources import IngestOptions, ReadProgress

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


class _Rate(ProgressColumn):
    """Articles per second since the start."""

    def render(self, task) -> Text:  # noqa: ANN001
        elapsed = task.elapsed or 0.0
        n = task.fields.get("articles", task.completed)
        rate = n / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.1f} articles/s", style="progress.data.speed")


class _Count(ProgressColumn):
    """``n/total`` when the number of documents is known, else ``n`` (articles)."""

    def render(self, task) -> Text:  # noqa: ANN001
        if "articles" in task.fields:  # the bar measures bytes read
            return Text(f"{int(task.fields['articles']):,} articles", style="progress.download")
        n = int(task.completed)
        return Text(f"{n:,}/{int(task.total):,}" if task.total is not None else f"{n:,}", style="progress.download")


class _Reporter:
    """Reports skipped sources as they happen and shows a live progress bar on a terminal:
    articles, articles/s, elapsed time and an ETA — on the number of documents when it is known in
    advance (files, folders), else on the bytes of the input files read (``read``: a corpus, a
    crawl)."""

    def __init__(self, quiet: bool, total: int | None = None, read: ReadProgress | None = None) -> None:
        self.quiet = quiet
        self.total = total
        self.read = read if total is None else None
        self.count = 0
        self.progress: Progress | None = None
        self.task = None

    def __call__(self, item: ArticleAnalysis | SourceError) -> None:
        self.count += 1
        position = self.read.position() if self.read is not None else 0  # (always taken: marks are bounded)
        if isinstance(item, SourceError):
            msg = f"[yellow]skipped[/] {item.source}: {item.reason}"
            if self.progress:
                self.progress.console.print(msg)
            else:
                err.print(msg)
        if self.quiet or not err.is_terminal:
            return
        if self.progress is None:
            self.start()
        if self.progress is not None:
            if self.read is not None:
                self.progress.update(self.task, completed=position, articles=self.count)
            else:
                self.progress.update(self.task, completed=self.count)

    def start(self) -> None:
        if self.quiet or not err.is_terminal or self.progress is not None:
            return
        bar = self.total is not None or self.read is not None
        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if bar:
            columns += [BarColumn(), TaskProgressColumn()]
        columns += [_Count(), _Rate(), TimeElapsedColumn()]
        if bar:
            columns += [TextColumn("ETA"), TimeRemainingColumn()]
        self.progress = Progress(*columns, console=err, transient=True, refresh_per_second=4)
        self.progress.start()
        if self.read is not None:
            self.task = self.progress.add_task("analysing", total=self.read.total, completed=self.read.done,
                                               articles=self.count)
        else:
            self.task = self.progress.add_task("analysing", total=self.total, completed=self.count)

    def finishing(self) -> None:
        """The documents are done; the cross-article results are being written."""
        if self.progress is not None:
            self.progress.update(self.task, description="cross-article results")
        elif not self.quiet and self.count >= 1000:
            err.print(f"{self.count:,} articles analysed; writing the cross-article results")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


class _Stats:
    """What the summary says about the articles of a run, gathered as they come (nothing kept)."""

    def __init__(self) -> None:
        self.articles = 0
        self.words = 0
        self.errors = 0
        self.outlets: Counter[str] = Counter()
        self.first: str | None = None
        self.last: str | None = None
        self.undated = 0
        self.wires: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()

    def __call__(self, item: ArticleAnalysis | SourceError) -> None:
        if isinstance(item, SourceError):
            self.errors += 1
            return
        a = item.article
        self.articles += 1
        self.words += a.words
        if a.outlet:
            self.outlets[a.outlet] += 1
        if a.published:
            self.first = min(self.first or a.published, a.published)
            self.last = max(self.last or a.published, a.published)
        else:
            self.undated += 1
        self.wires.update(a.wire)
        self.warnings.update(w.code for w in a.warnings)


def _watch(opts: IngestOptions, sources: list[str], workers: int | None, engine: str, scheduler: str | None,
           quiet: bool) -> tuple[int, _Stats, _Reporter, Callable[[ArticleAnalysis | SourceError], None]]:
    """What a run over ``sources`` reports as it goes: the worker count, the summary's statistics,
    the progress reporter, and the callback feeding both."""
    from ..ingest.sources import count_documents

    total = count_documents(sources)
    workers = _engine_options(workers, engine, scheduler, total)
    stats = _Stats()
    reporter = _Reporter(quiet, total, _read_progress(opts, sources, total))

    def on_result(item: ArticleAnalysis | SourceError) -> None:
        stats(item)
        reporter(item)

    return workers, stats, reporter, on_result


def _read_progress(opts: IngestOptions, sources: list[str], total: int | None) -> ReadProgress | None:
    """When the number of documents is not known in advance but every source is a local file or
    folder: count the bytes read (``opts.progress``), for the progress bar's ETA."""
    from ..ingest.sources import ReadProgress, local_bytes

    if total is not None:
        return None
    size = local_bytes(sources)
    if not size:
        return None
    opts.progress = ReadProgress(size)
    return opts.progress


def peak_memory_mb() -> float:
    """Peak resident memory of this process plus that of its largest finished child (MB)."""
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return kb / 1024


def cost_line(articles: int, words: int, seconds: float) -> str:
    rate = articles / seconds if seconds > 0 else 0.0
    return (f"{articles:,} articles, {words:,} words, {seconds:.1f} s, {rate:,.1f} articles/s, "
            f"peak memory {peak_memory_mb():,.0f} MB")


def _summary(stats: _Stats, seconds: float, console: Console, store_line: str | None = None) -> None:
    outlets, warnings = stats.outlets, stats.warnings
    table = Table(title="khabar: summary", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    table.add_row("articles", f"{stats.articles}")
    table.add_row("words", f"{stats.words:,}")
    top = ", ".join(f"{o} ({n})" for o, n in outlets.most_common(6))
    more = f" and {len(outlets) - 6} more" if len(outlets) > 6 else ""
    table.add_row("outlets", f"{len(outlets)}" + (f": {top}{more}" if outlets else ""))
    span = f"{stats.first} … {stats.last}" if stats.first else "none"
    table.add_row("dates", span + (f" ({stats.undated} undated)" if stats.undated else ""))
    table.add_row("wire credits", ", ".join(f"{w} ({n})" for w, n in stats.wires.most_common()) or "none")
    table.add_row("warnings", f"{sum(warnings.values())}" + (": " + ", ".join(f"{c} {n}" for c, n in warnings.most_common()) if warnings else ""))
    table.add_row("skipped sources", f"{stats.errors}")
    if store_line:
        table.add_row("store", store_line)
    table.add_row("time", f"{seconds:.1f} s")
    console.print(table)


def _engine_options(workers: int | None, engine: str, scheduler: Optional[str], total: int | None) -> int:
    from ..parallel import CHUNK, default_workers

    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"--engine: local or dask, not {engine!r}")
    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask")
    if workers is not None and workers < 1:
        raise typer.BadParameter("--workers must be 1 or more")
    if workers is None:
        workers = default_workers()
        if engine == "local" and total is not None and total <= 2 * CHUNK:
            workers = 1  # a handful of documents: starting worker processes would cost more
    return workers


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
    db: Optional[str] = None,
    workers: Optional[int] = None,
    engine: str = "local",
    scheduler: Optional[str] = None,
    batch: int | None = None,
) -> int:
    from ..ingest.sources import IngestOptions
    from ..pipeline import STORE_BATCH, dossier, run, run_into_store
    from .dossier import write_json

    opts = IngestOptions(
        allow_private=allow_private, offline=offline, timeout=timeout, max_bytes=max_bytes, fields=_parse_fields(fields)
    )
    workers, stats, reporter, on_result = _watch(opts, sources, workers, engine, scheduler, quiet)
    store = None
    store_line = None
    t0 = time.perf_counter()
    reporter.start()
    try:
        if db is not None:
            from ..store import Store

            store = Store(db)
            res = run_into_store(sources, store, opts, on_result=on_result, workers=workers, engine=engine,
                                 scheduler=scheduler, batch=batch or STORE_BATCH, on_finishing=reporter.finishing)
            counts = store.counts()
            store_line = (f"{res.added} added, {res.duplicates} already stored; {counts['articles']} articles, "
                          f"{counts['stories']} stories, {counts['claims']} claims, {counts['conflicts']} conflicts")
            result = None
        else:
            result = run(sources, opts, on_result=on_result, workers=workers, engine=engine, scheduler=scheduler)
    finally:
        reporter.close()
    seconds = time.perf_counter() - t0
    out_console = err if "-" in (json_out, html_out) else Console(highlight=False)
    if not stats.articles:
        err.print(f"[red]nothing could be analysed[/] ({stats.errors} source(s) skipped)")
        return 2
    d = None
    if json_out or html_out:
        d = store.dossier() if store is not None else dossier(result)
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
        _summary(stats, seconds, out_console, store_line)
        err.print(cost_line(stats.articles, stats.words, seconds), highlight=False)
    return 0


DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="SQLite file or postgresql:// URL (default: $KHABAR_DB or ~/.local/share/khabar/khabar.db)."),
]
WorkersOption = Annotated[
    Optional[int], typer.Option("--workers", "-w", help="Worker processes for per-article work (default: the cores).")
]
EngineOption = Annotated[str, typer.Option("--engine", help="local (a process pool) or dask (a Dask cluster).")]
SchedulerOption = Annotated[
    Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://HOST:8786); with --engine dask.")
]


@app.command()
def analyze(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), URLs, feeds, JSONL/CSV corpora, WARC crawls.")],
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
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Stream the results into this store (SQLite file or postgresql:// URL) as they come; "
                                  "--json/--html are then written from the store."),
    ] = None,
    workers: WorkersOption = None,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    batch: Annotated[Optional[int], typer.Option(help="With --db: articles per store transaction.")] = None,
) -> None:
    """Analyse articles and write the JSON dossier (and/or the HTML report, and/or a store)."""
    raise typer.Exit(_run_analyze(sources, json_out, field, allow_private, offline, timeout, max_bytes, quiet, html_out,
                                  db=db, workers=workers, engine=engine, scheduler=scheduler, batch=batch))


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
    workers: WorkersOption = None,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
) -> None:
    """Add articles to the store; the same text twice is stored once. Cross-article results update
    (once, at the end: the articles are committed batch by batch)."""
    from ..ingest.sources import IngestOptions
    from ..pipeline import run_into_store
    from ..store import Store

    store = Store(db)
    opts = IngestOptions(allow_private=allow_private, offline=offline, timeout=timeout, fields=_parse_fields(field))
    workers, stats, reporter, on_result = _watch(opts, sources, workers, engine, scheduler, quiet)
    t0 = time.perf_counter()
    reporter.start()
    try:
        res = run_into_store(sources, store, opts, on_result=on_result, workers=workers, engine=engine,
                             scheduler=scheduler, batch=max(1, batch), on_finishing=reporter.finishing)
    finally:
        reporter.close()
    seconds = time.perf_counter() - t0
    counts = store.counts()
    if not quiet:
        table = Table(title="khabar: ingest", show_header=False, title_justify="left")
        table.add_column("what", style="bold")
        table.add_column("value")
        table.add_row("added", str(res.added))
        table.add_row("already stored", str(res.duplicates))
        table.add_row("skipped sources", str(len(res.errors)))
        table.add_row("store", f"{counts['articles']} articles, {counts['stories']} stories, {counts['claims']} claims, "
                      f"{counts['conflicts']} conflicts")
        table.add_row("time", f"{seconds:.1f} s")
        Console(highlight=False).print(table)
        err.print(cost_line(stats.articles, stats.words, seconds), highlight=False)
    raise typer.Exit(0 if res.added or res.duplicates else 2)


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


@app.command("eval-ner")
def eval_ner(
    path: Annotated[Path, typer.Argument(help="A token-per-line `token TAG` file in ANERcorp's format (BIO).")],
) -> None:
    """Tag an ANERcorp-format file and print precision, recall and F1 per type and overall (exact spans)."""
    from ..extract.ner import eval_ner as run_eval
    from ..extract.ner import format_report

    if not path.is_file():
        err.print(f"[red]{path}: no such file[/]")
        raise typer.Exit(2)
    try:
        result = run_eval(path)
    except (OSError, ValueError) as exc:
        err.print(f"[red]{path}: {exc}[/]")
        raise typer.Exit(2) from None
    typer.echo(format_report(result))


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
