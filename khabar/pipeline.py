"""The pipeline: sources → articles → per-article analysis → cross-article results → dossier.

Per-article work (``process_document``) is a pure function of one ``RawDocument``, so it can run
in any process. ``run`` drives it over the sources and collects what the cross-article stages need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .ingest.article import build_article
from .ingest.sources import IngestOptions, iter_documents
from .model import Article, ArticleAnalysis, RawDocument, SourceError
from .present.dossier import build_dossier


def analyze_article(article: Article) -> ArticleAnalysis:
    """Per-article extraction over a clean article: time expressions (resolved against the
    article's date), quantities, entity mentions and events (typed, with their arguments, source
    and modality), each with offsets into ``article.text``.

    Narration is credited to the wire agency when the article credits one by name (dateline,
    closing credit: ``(رويترز، ميزان الخبر)``), else to the outlet."""
    from .extract.entities import find_entities
    from .extract.events import find_events, wire_name
    from .extract.quantities import find_quantities
    from .extract.times import find_times

    analysis = ArticleAnalysis(article=article)
    analysis.times = find_times(article.text, article.published)
    analysis.quantities = find_quantities(article.text)
    analysis.mentions = find_entities(article.text)
    for item in (*analysis.times, *analysis.quantities, *analysis.mentions):
        item.article = article.id
    credit = article.outlet
    named_wires = [w for w in article.wire if w and w.lower() != "agencies"]
    if named_wires:
        credit = wire_name(named_wires[0]) or credit
    analysis.events = find_events(article.text, analysis.mentions, analysis.quantities, analysis.times,
                                  article.published, credit)
    for n, ev in enumerate(analysis.events):
        ev.article = article.id
        ev.id = f"{article.id}#e{n + 1}"
    return analysis


def process_document(raw: RawDocument) -> ArticleAnalysis | SourceError:
    """Everything done to one document: clean, read metadata, extract. Never raises for bad input."""
    try:
        art = build_article(raw)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return SourceError(raw.source, f"could not be processed: {type(exc).__name__}: {exc}")
    if isinstance(art, SourceError):
        return art
    analysis = analyze_article(art)
    fingerprint(analysis)
    return analysis


def fingerprint(analysis: ArticleAnalysis) -> None:
    """What the cross-article stages need from one article, computed where the article is: its
    embedding (stories) and its paragraph sketches (duplicates)."""
    from .resolve.duplicates import sketch_paragraphs
    from .resolve.embed import embed_article

    analysis.embedding = embed_article(analysis.article)
    analysis.sketches = sketch_paragraphs(analysis.article.text)


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
    from .parallel import map_documents

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
