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
    article's date), quantities and entity mentions, each with offsets into ``article.text``."""
    from .extract.entities import find_entities
    from .extract.quantities import find_quantities
    from .extract.times import find_times

    analysis = ArticleAnalysis(article=article)
    analysis.times = find_times(article.text, article.published)
    analysis.quantities = find_quantities(article.text)
    analysis.mentions = find_entities(article.text)
    for item in (*analysis.times, *analysis.quantities, *analysis.mentions):
        item.article = article.id
    return analysis


def process_document(raw: RawDocument) -> ArticleAnalysis | SourceError:
    """Everything done to one document: clean, read metadata, extract. Never raises for bad input."""
    try:
        art = build_article(raw)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        return SourceError(raw.source, f"could not be processed: {type(exc).__name__}: {exc}")
    if isinstance(art, SourceError):
        return art
    return analyze_article(art)


@dataclass
class RunResult:
    analyses: list[ArticleAnalysis] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return [a.article for a in self.analyses]


def iter_results(specs: Iterable[str], opts: IngestOptions | None = None) -> Iterator[ArticleAnalysis | SourceError]:
    for item in iter_documents(specs, opts):
        yield item if isinstance(item, SourceError) else process_document(item)


def run(
    specs: Iterable[str],
    opts: IngestOptions | None = None,
    on_result: Callable[[ArticleAnalysis | SourceError], None] | None = None,
) -> RunResult:
    """Analyse every source; bad ones are collected as errors and the rest goes on."""
    result = RunResult()
    for item in iter_results(specs, opts):
        if isinstance(item, SourceError):
            result.errors.append(item)
        else:
            result.analyses.append(item)
        if on_result:
            on_result(item)
    return result


def dossier(result: RunResult) -> dict[str, Any]:
    """The JSON dossier of a run: per-article results plus the cross-article stages."""
    from .resolve.entities import entities_json, resolve_entities, surname_mentions

    mentions = [m for a in result.analyses for m in a.mentions]
    texts = {a.article.id: a.article.text for a in result.analyses}
    mentions += surname_mentions(texts, mentions)
    entities = resolve_entities(mentions)
    return build_dossier(result.analyses, entities=entities_json(entities))
