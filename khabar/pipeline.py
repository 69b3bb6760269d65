"""The pipeline: sources → articles → per-article analysis → cross-article results → dossier.

Per-article work (``process_document``) is a pure function of one ``RawDocument``, so it can run
in any process. ``run`` drives it over the sources and collects what the cross-article stages need.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .ingest.article import build_article
from .ingest.sources import IngestOptions, iter_documents
from .model import Article, ArticleAnalysis, Mention, RawDocument, SourceError, Token
from .present.dossier import build_dossier


def analyze_article(article: Article, tokens: list[Token] | None = None,
                    crf: list[Mention] | None = None) -> ArticleAnalysis:
    """Per-article extraction over a clean article: time expressions (resolved against the
    article's date), quantities, entity mentions and events (typed, with their arguments, source
    and modality), each with offsets into ``article.text``.

    Narration is credited to the wire agency when the article credits one by name (dateline,
    closing credit: ``(رويترز، ميزان الخبر)``), else to the outlet. ``tokens`` and ``crf``: the
    text's tokens and the CRF tagger's mentions when the caller has them (``process_documents``
    tags a chunk's articles together)."""
    from .extract.entities import find_entities
    from .extract.events import find_events, wire_name
    from .extract.quantities import find_quantities
    from .extract.times import find_times
    from .text import tokenize

    analysis = ArticleAnalysis(article=article)
    if tokens is None:
        tokens = tokenize(article.text)  # once, for every extractor
    analysis.times = find_times(article.text, article.published, tokens=tokens)
    analysis.quantities = find_quantities(article.text, tokens=tokens)
    analysis.mentions = find_entities(article.text, tokens=tokens, crf=True if crf is None else crf)
    for item in (*analysis.times, *analysis.quantities, *analysis.mentions):
        item.article = article.id
    credit = article.outlet
    named_wires = [w for w in article.wire if w and w.lower() != "agencies"]
    if named_wires:
        credit = wire_name(named_wires[0]) or credit
    analysis.events = find_events(article.text, analysis.mentions, analysis.quantities, analysis.times,
                                  article.published, credit, tokens=tokens)
    for n, ev in enumerate(analysis.events):
        ev.article = article.id
        ev.id = f"{article.id}#e{n + 1}"
    return analysis


def process_document(raw: RawDocument) -> ArticleAnalysis | SourceError:
    """Everything done to one document: clean, read metadata, extract. Never raises for bad input."""
    return process_documents([raw])[0]


def process_documents(raws: list[RawDocument | SourceError]) -> list[ArticleAnalysis | SourceError]:
    """``process_document`` over a batch (a worker's chunk), in order; source errors pass through.
    The articles' CRF tagging and their embeddings are each done together, in one call."""
    from .extract.entities import crf_mentions_many
    from .text import tokenize

    out: list[Any] = []
    built: list[int] = []  # where the articles built are in ``out``
    for raw in raws:
        if isinstance(raw, SourceError):
            out.append(raw)
            continue
        try:
            art = build_article(raw)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            art = _failed(raw, exc)
        if not isinstance(art, SourceError):
            built.append(len(out))
        out.append(art)
    tokens: list[list[Token] | None] = []
    for i in built:
        try:
            tokens.append(tokenize(out[i].text))
        except Exception:  # noqa: BLE001 - analyze_article reports it below
            tokens.append(None)
    crf = crf_mentions_many([out[i].text for i in built], tokens)
    for i, toks, found in zip(built, tokens, crf, strict=True):
        try:
            out[i] = analyze_article(out[i], tokens=toks, crf=found)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            out[i] = _failed(raws[i], exc)
    fingerprint_all([a for a in out if isinstance(a, ArticleAnalysis)])
    return out


def _failed(raw: RawDocument, exc: Exception) -> SourceError:
    return SourceError(raw.source, f"could not be processed: {type(exc).__name__}: {exc}")


def fingerprint(analysis: ArticleAnalysis) -> None:
    """What the cross-article stages need from one article, computed where the article is: its
    embedding (stories), its paragraph sketches (duplicates) and its text's match key (content
    digest, search text)."""
    fingerprint_all([analysis])


def fingerprint_all(analyses: list[ArticleAnalysis]) -> None:
    """``fingerprint`` for several articles, their embeddings in one encoder call."""
    from .resolve.duplicates import sketch_paragraphs
    from .resolve.embed import embed_articles
    from .text import key

    if not analyses:
        return
    vectors = embed_articles([a.article for a in analyses])
    for a, vec in zip(analyses, vectors):
        a.embedding = vec.copy()  # a row of its own: pickling a view would carry the whole batch
        lines = [key(line) for line in a.article.text.split("\n")]
        a.sketches = sketch_paragraphs(a.article.text, lines)
        # key(text), from its lines' keys: the text's whitespace (newlines too) collapses to single
        # spaces, and normalising stops at a newline (no character composes across one)
        a.text_key = " ".join(k for k in lines if k)


@dataclass
class RunResult:
    analyses: list[ArticleAnalysis] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return [a.article for a in self.analyses]


def iter_results(
    specs: Iterable[str],
    opts: IngestOptions | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterator[ArticleAnalysis | SourceError]:
    """Per-article results of every source, in source order (see ``khabar.parallel``)."""
    from .parallel import limit_blas_threads, map_documents

    limit_blas_threads()  # the cross-article work in this process
    yield from map_documents(iter_documents(specs, opts), workers=workers, engine=engine, scheduler=scheduler)


def run(
    specs: Iterable[str],
    opts: IngestOptions | None = None,
    on_result: Callable[[ArticleAnalysis | SourceError], None] | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> RunResult:
    """Analyse every source; bad ones are collected as errors and the rest goes on."""
    result = RunResult()
    for item in iter_results(specs, opts, workers=workers, engine=engine, scheduler=scheduler):
        if isinstance(item, SourceError):
            result.errors.append(item)
        else:
            result.analyses.append(item)
        if on_result:
            on_result(item)
    return result


STORE_BATCH = 256  # articles per store transaction in ``run_into_store``


@dataclass
class StoreRun:
    added: int = 0
    duplicates: int = 0
    errors: list[SourceError] = field(default_factory=list)


def run_into_store(
    specs: Iterable[str],
    store: Any,
    opts: IngestOptions | None = None,
    on_result: Callable[[ArticleAnalysis | SourceError], None] | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    batch: int = STORE_BATCH,
    on_finishing: Callable[[], None] | None = None,
) -> StoreRun:
    """Analyse every source into ``store`` (a :class:`khabar.store.Store`) as the results come (see
    :func:`store_results`)."""
    results = iter_results(specs, opts, workers=workers, engine=engine, scheduler=scheduler)
    return store_results(store, results, on_result=on_result, batch=batch, on_finishing=on_finishing)


def store_results(
    store: Any,
    results: Iterable[ArticleAnalysis | SourceError],
    on_result: Callable[[ArticleAnalysis | SourceError], None] | None = None,
    batch: int = STORE_BATCH,
    on_finishing: Callable[[], None] | None = None,
) -> StoreRun:
    """Write per-article results into ``store`` as they come: articles are committed ``batch`` at a
    time and not kept here, and the cross-article results are written once at the end
    (``Store.checkpoint``; ``on_finishing`` is called before it), so memory and time stay linear in
    the corpus. An interrupted run keeps the batches it committed (see the store's module doc)."""
    out = StoreRun()
    pending: list[ArticleAnalysis] = []
    # What the engine holds lives for the run: after each batch it is put out of the garbage
    # collector's sight (gc.freeze), so that full collections do not walk millions of long-lived
    # objects again and again (23 s of the calling process on the ANT corpus, bench/throughput.py),
    # and given back to it at the end. Not in a process that froze objects of its own.
    freeze = gc.get_freeze_count() == 0

    def flush() -> None:
        if pending:
            r = store.add(pending, materialise=False)
            out.added += len(r["added"])
            out.duplicates += len(r["duplicates"])
            pending.clear()
            if freeze:
                gc.freeze()

    try:
        for item in results:
            if isinstance(item, SourceError):
                out.errors.append(item)
            else:
                pending.append(_compact(item))
            if on_result:
                on_result(item)
            if len(pending) >= batch:
                flush()
        flush()
        if on_finishing:
            on_finishing()
        store.checkpoint()
    finally:
        if freeze:
            gc.unfreeze()  # back to the oldest generation: what the run let go of is collected as usual
    return out


def _compact(a: ArticleAnalysis) -> ArticleAnalysis:
    """The same analysis holding one copy of its repeated strings (entity names, keys, types):
    the cross-article engine keeps every mention, and a string unpickled from a worker is a new
    object each time."""
    intern = sys.intern
    seen: set[int] = set()
    mentions = list(a.mentions)
    for ev in a.events:
        mentions += [m for m in (ev.actor, ev.recipient, ev.place) if m is not None]
        mentions += [at.mention for at in ev.attributed_to or [] if at.mention is not None]
    for m in mentions:
        if id(m) in seen:
            continue
        seen.add(id(m))
        m.type = intern(m.type)
        m.source = intern(m.source)
        m.key = intern(m.key)
        if m.canonical is not None:
            m.canonical = intern(m.canonical)
        if m.latin is not None:
            m.latin = intern(m.latin)
        if m.article:
            m.article = intern(m.article)
    return a


def cross_article(analyses: list[ArticleAnalysis]) -> dict[str, Any]:
    """Entities, stories, duplicates, claims, conflicts, timeline and the actor graph across articles."""
    from .compare.engine import CrossArticle, publication_order

    ordered = publication_order(analyses)
    for a in ordered:
        if a.embedding is None:
            fingerprint(a)
    engine = CrossArticle()
    engine.add(ordered)
    return engine.results()


def dossier(result: RunResult) -> dict[str, Any]:
    """The JSON dossier of a run: per-article results plus the cross-article stages."""
    cross = cross_article(result.analyses)
    d = build_dossier(result.analyses, **{k: v for k, v in cross.items() if isinstance(v, list)})
    d["graph"] = cross["graph"]
    for art in d["articles"]:
        art["story"] = cross["story_of"].get(art["id"])
        art["independence_group"] = cross["independence"].get(art["id"])
        for message in cross["stale"].get(art["id"], []):
            art["warnings"].append({"code": "stale_date", "message": message})
    return d
