"""Stories: articles clustered by meaning and shared entities within a time window, incrementally.

Each story keeps a centroid of its articles' embeddings, the entities its articles name most, and
its date range. A new article joins the story it is most similar to when

    score = cosine(article, centroid) + ENTITY_WEIGHT * overlap(article entities, story entities)

clears a threshold that rises with the time between the article and the story (an article a day
after the story's last one needs less to join than one three months later); otherwise it starts a
new story. Memory grows with the number of stories, not of articles (the article ids aside), and
new articles join existing stories without recomputing them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

THRESHOLD = 0.50  # cosine (+ entity bonus) to join a story published the same week
GAP_PENALTY = 0.10  # added to the threshold per 30 days between article and story
MAX_GAP_DAYS = 180  # beyond this an article never joins a story
ENTITY_WEIGHT = 0.25
STORY_ENTITIES = 12  # entities a story remembers
ARTICLE_ENTITIES = 8  # entities an article is matched by


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    parts = [int(p) for p in s.split("-")]
    while len(parts) < 3:
        parts.append(1)
    try:
        return dt.date(*parts[:3])
    except ValueError:
        return None


@dataclass
class Story:
    id: str
    vector_sum: np.ndarray
    articles: list[str] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    first: dt.date | None = None
    last: dt.date | None = None
    titles: list[tuple[float, str]] = field(default_factory=list)  # (similarity to centroid at join, title)
    updated: int = 0  # insertion counter of the last article (newest activity first)

    @property
    def centroid(self) -> np.ndarray:
        n = np.linalg.norm(self.vector_sum)
        return self.vector_sum / n if n else self.vector_sum

    @property
    def title(self) -> str:
        return max(self.titles)[1] if self.titles else ""

    def gap_days(self, d: dt.date | None) -> int:
        if d is None or self.first is None:
            return 0
        if self.first <= d <= (self.last or self.first):
            return 0
        return min(abs((d - self.first).days), abs((d - (self.last or self.first)).days))


def _overlap(a: set[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    top = {k for k, _ in b.most_common(STORY_ENTITIES)}
    return len(a & top) / min(len(a), len(top))


class StoryClusterer:
    """Incremental story clustering (see the module doc)."""

    def __init__(self, threshold: float = THRESHOLD, prefix: str = "s") -> None:
        self.threshold = threshold
        self.prefix = prefix
        self.stories: list[Story] = []
        self.by_article: dict[str, str] = {}
        self._tick = 0

    def score(self, story: Story, vec: np.ndarray, entities: set[str]) -> float:
        return float(story.centroid @ vec) + ENTITY_WEIGHT * _overlap(entities, story.entities)

    def add(self, article_id: str, vec: np.ndarray, published: str | None, entities: list[str], title: str) -> str:
        """Place one article; returns its story id."""
        self._tick += 1
        d = _date(published)
        ents = set(entities[:ARTICLE_ENTITIES])
        best, best_score = None, -1.0
        for story in self.stories:
            gap = story.gap_days(d)
            if gap > MAX_GAP_DAYS:
                continue
            s = self.score(story, vec, ents)
            need = self.threshold + GAP_PENALTY * max(0, gap - 7) / 30
            if s >= need and s - need > best_score:
                best, best_score = story, s - need
        if best is None:
            best = Story(id=f"{self.prefix}{len(self.stories) + 1}", vector_sum=np.zeros_like(vec))
            self.stories.append(best)
        best.vector_sum = best.vector_sum + vec
        best.articles.append(article_id)
        best.entities.update(entities[:ARTICLE_ENTITIES])
        if len(best.entities) > 4 * STORY_ENTITIES:  # bounded memory: keep the heavy hitters
            best.entities = Counter(dict(best.entities.most_common(2 * STORY_ENTITIES)))
        if d is not None:
            best.first = d if best.first is None else min(best.first, d)
            best.last = d if best.last is None else max(best.last, d)
        best.titles.append((float(best.centroid @ vec), title))
        best.titles = sorted(best.titles, reverse=True)[:5]
        best.updated = self._tick
        self.by_article[article_id] = best.id
        return best.id


def article_entities(mention_keys: list[str]) -> list[str]:
    """An article's entities for story matching: its most-mentioned ones first."""
    return [k for k, _ in Counter(mention_keys).most_common(ARTICLE_ENTITIES)]


def stories_json(clusterer: StoryClusterer) -> list[dict]:
    out = []
    for s in clusterer.stories:
        out.append(
            {
                "id": s.id,
                "title": s.title,
                "articles": list(s.articles),
                "first": s.first.isoformat() if s.first else None,
                "last": s.last.isoformat() if s.last else None,
                "entities": [k for k, _ in s.entities.most_common(8)],
            }
        )
    return out
