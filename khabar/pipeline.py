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


def _order(analyses: list[ArticleAnalysis]) -> list[ArticleAnalysis]:
    """Cross-article stages see articles in publication order (undated last), ties by id."""
    return sorted(analyses, key=lambda a: (a.article.published or "9999", a.article.id))


def cross_article(analyses: list[ArticleAnalysis]) -> dict[str, Any]:
    """Entities, stories, duplicates (and, once events exist, claims and conflicts) across articles."""
    from .resolve.duplicates import DuplicateIndex, duplicates_json
    from .resolve.entities import entities_json, resolve_entities, surname_mentions
    from .resolve.stories import StoryClusterer, article_entities, stories_json
    from .text.normalize import key

    mentions = [m for a in analyses for m in a.mentions]
    texts = {a.article.id: a.article.text for a in analyses}
    mentions += surname_mentions(texts, mentions)
    entities = resolve_entities(mentions)

    stories = StoryClusterer()
    dups = DuplicateIndex()
    pairs = []
    for a in _order(analyses):
        if a.embedding is None:
            fingerprint(a)
        keys = [key(m.canonical or m.text) for m in a.mentions if m.type in ("PERSON", "ORG", "GPE", "LOC", "FAC")]
        stories.add(a.article.id, a.embedding, a.article.published, article_entities(keys), a.article.title or "")
        pairs += dups.add(a.article.id, a.article.outlet, a.sketches)
    groups = dups.independence_groups()
    return {
        "entities": entities_json(entities),
        "stories": stories_json(stories),
        "duplicates": duplicates_json(pairs),
        "independence": groups,
        "story_of": dict(stories.by_article),
    }


def dossier(result: RunResult) -> dict[str, Any]:
    """The JSON dossier of a run: per-article results plus the cross-article stages."""
    cross = cross_article(result.analyses)
    d = build_dossier(result.analyses, **{k: v for k, v in cross.items() if isinstance(v, list)})
    for art in d["articles"]:
        art["story"] = cross["story_of"].get(art["id"])
        art["independence_group"] = cross["independence"].get(art["id"])
    return d
