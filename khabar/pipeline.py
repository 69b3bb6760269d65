"""The pipeline: sources → articles → per-article analysis → cross-article results → dossier.

Per-article work (``process_document``) is a pure function of one ``RawDocument``, so it can run
in any process. ``run`` drives it over the sources and collects what the cross-article stages need.
"""

from __future__ import annotations

import gc
import hashlib
import sys
from collections import OrderedDict
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
    The articles' CRF tagging and their embeddings are each done together, in one call.

    A repeated document (``RawDocument.repeat_of``) is cleaned and fingerprinted with the others
    (its embedding is computed in the same encoder batch, so the others' vectors are those of a run
    without repeats, bit for bit) but nothing is extracted from it."""
    from .extract.entities import crf_mentions_many
    from .text import tokenize

    out: list[Any] = []
    built: list[int] = []  # where the articles built (and not repeats) are in ``out``
    for raw in raws:
        if isinstance(raw, SourceError):
            out.append(raw)
            continue
        try:
            art = build_article(raw)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            art = _failed(raw, exc)
        if not isinstance(art, SourceError):
            if raw.repeat_of is not None:
                art = ArticleAnalysis(article=art, repeat_of=raw.repeat_of)
            else:
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


REPEAT_WINDOW = 65_536  # documents' content keys ``mark_repeats`` remembers (~8 MB), the latest met


def content_key(raw: RawDocument) -> bytes:
    """What a document's cleaned text is made from, hashed: its format and content, and for a web
    page its URL and title too (the extractor reads the URL; a feed item's title becomes the
    headline). Two documents of one key give one cleaned text."""
    h = hashlib.blake2b(digest_size=16)
    parts = [raw.format, raw.content]
    if raw.format == "html":
        parts += [raw.url or "", raw.title or ""]
    for part in parts:
        b = part.encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.digest()


def mark_repeats(docs: Iterable[RawDocument | SourceError],
                 window: int = REPEAT_WINDOW) -> Iterator[RawDocument | SourceError]:
    """``docs``, each one whose content repeats an earlier one's (``content_key``; among the last
    ``window`` distinct ones) marked with that one's source (``repeat_of``).

    For a store, which keeps one article per cleaned text: crawls and corpora repeat articles
    verbatim (the same page under two sections, a feed polled twice; 1,481 of the ANT corpus's
    31,525), and a repeat's extractions would be thrown away. A repeat further back than the window
    is analysed and then found a duplicate by its digest, as before: the window bounds memory, not
    what is stored."""
    seen: OrderedDict[bytes, str] = OrderedDict()
    for doc in docs:
        if isinstance(doc, RawDocument) and doc.repeat_of is None:
            k = content_key(doc)
            first = seen.get(k)
            if first is not None:
                seen.move_to_end(k)
                doc.repeat_of = first
            else:
                seen[k] = doc.source
                if len(seen) > window:
                    seen.popitem(last=False)
        yield doc


def iter_results(
    specs: Iterable[str],
    opts: IngestOptions | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    repeats: bool = False,
) -> Iterator[ArticleAnalysis | SourceError]:
    """Per-article results of every source, in source order (see ``khabar.parallel``).
    ``repeats``: documents repeating an earlier one's content are only cleaned and fingerprinted
    (``mark_repeats``; for a store, which keeps only the first)."""
    from .parallel import limit_blas_threads, map_documents

    limit_blas_threads()  # the cross-article work in this process
    docs: Iterable[RawDocument | SourceError] = iter_documents(specs, opts)
    if repeats:
        docs = mark_repeats(docs)
    yield from map_documents(docs, workers=workers, engine=engine, scheduler=scheduler)


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
    :func:`store_results`). A document repeating an earlier one's content is not analysed: the
    store would keep the first (``mark_repeats``); it counts as a duplicate."""
    results = iter_results(specs, opts, workers=workers, engine=engine, scheduler=scheduler, repeats=True)
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
    the corpus. An interrupted run keeps the batches it committed (see the store's module doc).

    A repeated document's result (``ArticleAnalysis.repeat_of``, nothing extracted) is not stored:
    it counts as a duplicate of the earlier document, or, when that one could not be processed,
    as an error for the same reason."""
    out = StoreRun()
    pending: list[ArticleAnalysis] = []
    failed: OrderedDict[str, str] = OrderedDict()  # the latest errors' sources -> reasons, for repeats
    # What the engine holds lives for the run: after each batch it is put out of the garbage
    # collector's sight (gc.freeze), so that full collections do not walk millions of long-lived
    # objects again and again (23 s of the calling process on the ANT corpus, bench/throughput.py),
    # and given back to it at the end. Not in a process that froze objects of its own.
    freeze = gc.get_freeze_count() == 0
    # and young objects collected as a worker collects them (khabar.parallel.settle_gc): a batch's
    # unpickled analyses are hundreds of thousands of objects, all alive until the batch is stored
    if freeze:
        from .parallel import _collect_young_less_often

        thresholds = _collect_young_less_often()  # (the thresholds before, to restore)

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
            if isinstance(item, ArticleAnalysis) and item.repeat_of is not None:
                reason = failed.get(item.repeat_of)
                if reason is None:
                    out.duplicates += 1
                else:
                    item = SourceError(item.article.source, reason)
            if isinstance(item, SourceError):
                out.errors.append(item)
                failed[item.source] = item.reason
                if len(failed) > REPEAT_WINDOW:
                    failed.popitem(last=False)
            elif item.repeat_of is None:
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
            gc.set_threshold(*thresholds)
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
