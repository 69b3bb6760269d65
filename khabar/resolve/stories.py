"""Stories: articles clustered by meaning and shared entities within a time window, incrementally.

Each story keeps the sum of its articles' embeddings (its centroid is that sum normalised), the
entities its articles name most, and its date range. A new article joins the story it is most
similar to when

    score = cosine(article, centroid) + entity_weight * overlap(article entities, story entities)

clears a threshold that rises with the time between the article and the story (an article a day
after the story's last one needs less to join than one three months later, unless it continues the
story's thread, see below); otherwise it starts a new story. Memory grows with the number of
stories, not of articles (the article ids aside), and new articles join existing stories without
recomputing them.

* Entity overlap is weighted: an entity that many stories name (a country in every Gulf story, the
  American president) says little about which story an article belongs to, so each entity counts
  with an inverse story frequency, ``log(1 + stories / stories naming it)``, counted over the
  stories the clusterer holds (a bounded table: stories remember only their heaviest entities).
* The threshold is relative to the run's background: in a pile of articles about one story every
  article is more alike than in a general news stream (mean cosine ~0.4 against ~0.12), so the
  threshold drops by the excess (``focus_weight``). A batch run is judged against its whole
  background (:meth:`StoryClusterer.prime`, which the cross-article engine calls for a batch run),
  not only that of the articles placed before.
* A developing story carries over time through its entities: the time-gap part of the threshold
  shrinks by ``thread_weight`` times the article's (weighted) entity overlap with the story when
  they share at least ``thread_min_shared`` entities. An article naming the story's specific people
  and places two months on continues it; one that is only worded alike, or shares only a country
  every story names, is judged with the full gap penalty.
* Optional, off by default (measured, see docs/stories.md): word overlap of the articles' openings
  (``lex_weight``, for articles given ``terms``), a penalty on joining big stories
  (``size_penalty``), recency-weighted centroids (``half_life_days``) and merging stories whose
  centroids grow together (``merge_threshold``).

Parameters are in :class:`StoryParams`; the module constants are the defaults, tuned with
``bench/stories.py`` against hand-labelled article pairs of the ANT corpus (docs/stories.md).
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from importlib import resources

import numpy as np

from ..text.normalize import key

THRESHOLD = 0.65  # cosine (+ entity bonus) to join a story published within the grace period
GAP_GRACE_DAYS = 7  # no extra threshold for an article this close to the story's date range
GAP_PENALTY = 0.10  # added to the threshold per 30 days beyond the grace period
MAX_GAP_DAYS = 180  # beyond this an article never joins a story
ENTITY_WEIGHT = 0.40
ENTITY_IDF = True  # weight shared entities by their inverse story frequency
STORY_ENTITIES = 12  # entities a story is matched by
ARTICLE_ENTITIES = 8  # entities an article is matched by
SIZE_PENALTY = 0.0  # added to the threshold per log2 of the story's size
LEX_WEIGHT = 0.0  # share of the word-overlap similarity in the score, for articles given their terms
LEX_THRESHOLD = 0.50  # the threshold in place of THRESHOLD when the score mixes in word overlap
LEX_DIM = 512  # the word vectors are sketched (hashed, signed) into this many dimensions
LEX_BUCKETS = 1 << 18  # document-frequency table (hashed): fixed memory whatever the vocabulary
LEX_PRIOR_DOCS = 200  # pseudo-documents in the idf, so that a small run does not over-trust its counts
TERM_WORDS = 150  # an article's terms come from its first words (headline and lead)
FOCUS_REF = 0.12  # mean cosine of two articles of a general news stream (ANT 2018: 0.12)
FOCUS_WEIGHT = 1.0  # the threshold drops by this times the run's mean cosine above FOCUS_REF
MERGE_THRESHOLD = 0.0  # merge two stories whose centroids (+ entity bonus) clear this (0: never)
HALF_LIFE_DAYS = 0.0  # an article's weight in its story's centroid halves every this many days (0: never)
THREAD_WEIGHT = 1.0  # the gap penalty shrinks by this times the entity overlap (a thread carries over time)
THREAD_MIN_SHARED = 2  # entities an article must share with a story for its thread to count


@dataclass
class _Prefetched:
    """``StoryClusterer.prefetch``: the cosines (articles × the ``n`` stories there were) and the
    rows whose centroid changed since (or that are new)."""

    n: int
    vecs: np.ndarray
    sims: np.ndarray
    next: int = 0
    changed: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class StoryParams:
    threshold: float = THRESHOLD
    gap_grace_days: int = GAP_GRACE_DAYS
    gap_penalty: float = GAP_PENALTY
    max_gap_days: int = MAX_GAP_DAYS
    entity_weight: float = ENTITY_WEIGHT
    entity_idf: bool = ENTITY_IDF
    story_entities: int = STORY_ENTITIES
    article_entities: int = ARTICLE_ENTITIES
    size_penalty: float = SIZE_PENALTY
    half_life_days: float = HALF_LIFE_DAYS
    merge_threshold: float = MERGE_THRESHOLD
    lex_weight: float = LEX_WEIGHT
    lex_threshold: float = LEX_THRESHOLD
    focus_ref: float = FOCUS_REF
    focus_weight: float = FOCUS_WEIGHT
    thread_weight: float = THREAD_WEIGHT
    thread_min_shared: int = THREAD_MIN_SHARED

    def with_(self, **changes) -> StoryParams:
        """A copy with some values changed (names as in the dataclass, values converted)."""
        types = {f.name: type(getattr(self, f.name)) for f in fields(self)}
        conv = {}
        for k, v in changes.items():
            if k not in types:
                raise KeyError(f"unknown story parameter {k!r} (known: {', '.join(types)})")
            t = types[k]
            conv[k] = (str(v).lower() in ("1", "true", "yes")) if t is bool and isinstance(v, str) else t(v)
        return replace(self, **conv)


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        parts = [int(p) for p in s[:10].split("-")]
    except ValueError:
        return None
    while len(parts) < 3:
        parts.append(1)
    try:
        return dt.date(*parts[:3])
    except ValueError:
        return None


_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PUNCT = "\"'“”«»()[]{}<>.,;:!?%-–—…/\\|#*_=+~`^&@$"


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    text = resources.files("khabar.data").joinpath("function_words.txt").read_text(encoding="utf-8")
    words = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(key(line).split())
    return frozenset(words)


@lru_cache(maxsize=1 << 16)  # bounded: a worker streams corpora for hours
def _term(tok: str) -> str:
    tok = tok.strip(_PUNCT)
    for pre in _PREFIXES:
        if tok.startswith(pre) and len(tok) - len(pre) >= 3:
            return tok[len(pre):]
    return tok


def article_terms(text: str, words: int = TERM_WORDS) -> list[str]:
    """The content words of an article's opening (headline and lead), normalised, in order: what
    the word-overlap part of the score compares. Function words and words under three letters go."""
    fw = _function_words()
    out = []
    for tok in key(" ".join(text.split()[:words])).split():
        t = _term(tok)
        if len(t) >= 3 and t not in fw and tok not in fw:
            out.append(t)
    return out


@lru_cache(maxsize=1 << 16)  # bounded: a worker streams corpora for hours
def _slots(term: str) -> tuple[int, int, int]:
    """A term's bucket in the document-frequency table, its bucket in the sketch and its sign
    (stable hashes: the same in every process)."""
    h = zlib.crc32(term.encode("utf-8"))
    g = zlib.crc32(b"~" + term.encode("utf-8"))
    return h % LEX_BUCKETS, g % LEX_DIM, 1 if g & (1 << 31) else -1


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
    top: frozenset[str] = frozenset()  # the entities the story is matched by
    row: int = -1  # the story's row in the clusterer's centroid matrix
    lex_sum: np.ndarray | None = None  # sum of its articles' word vectors (articles given terms only)

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


class StoryClusterer:
    """Incremental story clustering (see the module doc).

    The centroids of all stories are rows of one matrix, so placing an article costs one
    matrix-vector product plus the entity overlap of the few stories that could still clear the
    threshold. With ``merge_threshold`` set, the story an article joined is then compared with the
    other stories the same way (centroid to centroid, entities to entities, date range to date
    range) and merged into one that now clears that threshold: stories that started apart and grew
    together become one, without going back over their articles.
    """

    def __init__(self, threshold: float | None = None, prefix: str = "s", params: StoryParams | None = None) -> None:
        self.params = params or StoryParams()
        if threshold is not None:
            self.params = self.params.with_(threshold=threshold)
        self.prefix = prefix
        self.stories: list[Story] = []
        self.by_article: dict[str, str] = {}
        self._tick = 0
        self._next = 0  # stories ever started (ids stay unique when stories merge)
        self._lex_df: np.ndarray | None = None  # articles with terms per hashed term (made on first use)
        self._lex_n = 0  # articles given terms so far
        self._vsum: np.ndarray | None = None  # sum of all articles' embeddings (the run's background)
        self._vn = 0
        self._primed = 0  # articles counted in the background by ``prime`` and not yet added
        self._reset_index(0)

    @property
    def threshold(self) -> float:
        return self.params.threshold

    # ---------------------------------------------------------------- the derived index

    def _reset_index(self, dim: int) -> None:
        self._dim = dim
        self._pre: _Prefetched | None = None  # cosines of the next articles, computed together
        self._cent = np.zeros((0, dim), dtype=np.float32)  # normalised centroids, one row per story
        self._first = np.zeros(0, dtype=np.int64)  # date ordinals, -1 when undated
        self._last = np.zeros(0, dtype=np.int64)
        self._size = np.zeros(0, dtype=np.int64)
        self._df: Counter[str] = Counter()  # stories whose matching entities include the key
        self._holders: dict[str, set[int]] = defaultdict(set)  # key -> rows of those stories
        self._kid: dict[str, int] = {}  # key -> its number in _kdf
        self._kdf = np.zeros(1024, dtype=np.int64)  # _df by key number
        self._topids: list[np.ndarray] = []  # per row: the key numbers of the story's matching entities
        self._lcent = np.zeros((0, LEX_DIM), dtype=np.float32)  # normalised word-vector centroids
        self._haslex = np.zeros(0, dtype=bool)

    def _grow(self) -> None:
        n = min(len(self.stories), self._cent.shape[0])  # rows that exist (none while rebuilding)
        cap = max(64, 2 * self._cent.shape[0])
        cent = np.zeros((cap, self._dim), dtype=np.float32)
        cent[:n] = self._cent[:n]
        self._cent = cent
        lcent = np.zeros((cap, LEX_DIM), dtype=np.float32)
        lcent[:n] = self._lcent[:n]
        self._lcent = lcent
        haslex = np.zeros(cap, dtype=bool)
        haslex[:n] = self._haslex[:n]
        self._haslex = haslex
        for name, fill in (("_first", -1), ("_last", -1), ("_size", 0)):
            arr = np.full(cap, fill, dtype=np.int64)
            arr[:n] = getattr(self, name)[:n]
            setattr(self, name, arr)

    def _index(self, story: Story) -> None:
        """Bring the story's row (centroid, dates, size) and the entity table up to date."""
        i = story.row
        self._cent[i] = story.centroid
        if self._pre is not None:
            self._pre.changed.add(i)
        if story.lex_sum is not None:
            norm = float(np.linalg.norm(story.lex_sum))
            self._lcent[i] = story.lex_sum / norm if norm else 0.0
            self._haslex[i] = bool(norm)
        else:
            self._lcent[i] = 0.0
            self._haslex[i] = False
        self._first[i] = story.first.toordinal() if story.first else -1
        self._last[i] = story.last.toordinal() if story.last else -1
        self._size[i] = len(story.articles)
        top = frozenset(k for k, _ in story.entities.most_common(self.params.story_entities))
        for k in top - story.top:
            self._df[k] += 1
            self._holders[k].add(i)
            kid = self._key_id(k)  # (before reading _kdf: a new key can grow it)
            self._kdf[kid] += 1
        self._unindex_entities(story.top - top, i)
        story.top = top
        while len(self._topids) <= i:
            self._topids.append(np.zeros(0, dtype=np.int64))
        self._topids[i] = np.array([self._key_id(k) for k in top], dtype=np.int64)

    def _key_id(self, k: str) -> int:
        n = self._kid.get(k)
        if n is None:
            n = self._kid[k] = len(self._kid)
            if n >= len(self._kdf):
                self._kdf = np.concatenate([self._kdf, np.zeros(len(self._kdf), dtype=np.int64)])
        return n

    def _unindex_entities(self, keys, row: int) -> None:
        for k in keys:
            self._df[k] -= 1
            if self._df[k] <= 0:
                del self._df[k]
            kid = self._key_id(k)
            self._kdf[kid] -= 1
            rows = self._holders.get(k)
            if rows is not None:
                rows.discard(row)
                if not rows:
                    del self._holders[k]

    def __getstate__(self) -> dict:
        """Pickled without the derived index (rebuilt on load): smaller, and robust to its changes."""
        state = dict(self.__dict__)
        for k in ("_cent", "_first", "_last", "_size", "_df", "_holders", "_kid", "_kdf", "_topids", "_lcent",
                  "_haslex", "_pre"):
            state.pop(k, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("params", StoryParams())
        self.__dict__.setdefault("_next", len(self.stories))
        self.__dict__.setdefault("_lex_df", None)
        self.__dict__.setdefault("_lex_n", 0)
        self.__dict__.setdefault("_vsum", None)
        self.__dict__.setdefault("_vn", 0)
        self.__dict__.setdefault("_primed", 0)
        dim = self.stories[0].vector_sum.shape[0] if self.stories else 0
        self._reset_index(dim)
        while self._cent.shape[0] < len(self.stories):
            self._grow()
        for i, story in enumerate(self.stories):
            story.row = i
            story.top = frozenset()
            story.__dict__.setdefault("lex_sum", None)
            self._index(story)

    # ---------------------------------------------------------------- scoring

    def lex_vector(self, terms: list[str] | None) -> np.ndarray | None:
        """The article's word vector: log term frequency times idf (from the hashed document
        frequencies seen so far), sketched into ``LEX_DIM`` signed buckets, unit length."""
        if not terms:
            return None
        tf = Counter(terms)
        slots = np.array([_slots(t) for t in tf], dtype=np.int64).reshape(-1, 3)
        counts = np.fromiter(tf.values(), dtype=np.float64, count=len(tf))
        df = self._lex_df[slots[:, 0]] if self._lex_df is not None else 0.0
        idf = np.log((self._lex_n + LEX_PRIOR_DOCS) / (1.0 + df))
        vec = np.bincount(slots[:, 1], weights=slots[:, 2] * (1.0 + np.log(counts)) * idf, minlength=LEX_DIM)
        norm = float(np.linalg.norm(vec))
        return (vec / norm).astype(np.float32) if norm else None

    def _count_terms(self, terms: list[str] | None) -> None:
        if terms:
            if self._lex_df is None:
                self._lex_df = np.zeros(LEX_BUCKETS, dtype=np.uint32)
            self._lex_n += 1
            buckets = np.unique(np.fromiter((_slots(t)[0] for t in set(terms)), dtype=np.int64))
            self._lex_df[buckets] += 1

    def prefetch(self, vectors: Iterable[np.ndarray]) -> None:
        """The embedding cosines of the next articles to be placed (the next ``add`` calls, one per
        vector, in this order) with the stories as they are now, in one matrix product: the
        centroids are read once for the batch rather than once per article, which is most of the
        time of placing an article once there are thousands of stories. The rows that change
        before an article is placed (stories joined or started by the articles before it) are
        computed again for it, so each article is scored against the stories as they are then.
        An ``add`` with another vector than the next one drops what is left."""
        vecs = [np.asarray(v, dtype=np.float32) for v in vectors]
        n = len(self.stories)
        if len(vecs) < 2 or not n or self.params.merge_threshold:  # merging moves rows: not worth tracking
            self._pre = None
            return
        mat = np.stack(vecs)
        self._pre = _Prefetched(n, mat, mat @ self._cent[:n].T)

    def _cosines(self, vec: np.ndarray) -> np.ndarray:
        """The embedding cosine of ``vec`` with every story (from ``prefetch`` when it is the next
        vector there)."""
        n = len(self.stories)
        pre = self._pre
        if pre is not None:
            i = pre.next
            if i < len(pre.vecs) and np.array_equal(pre.vecs[i], vec):
                pre.next += 1
                sims = np.empty(n, dtype=np.float32)
                sims[: pre.n] = pre.sims[i]
                if pre.changed:  # (new stories are among them: their rows were indexed since)
                    rows = np.fromiter(pre.changed, dtype=np.int64, count=len(pre.changed))
                    sims[rows] = self._cent[rows] @ vec
                return sims
            self._pre = None
        return self._cent[:n] @ vec

    def similarities(self, vec: np.ndarray, lex: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        """Per story: the embedding cosine, mixed with the word-vector cosine where both sides have
        words; and where it was mixed (``None``: nowhere)."""
        n = len(self.stories)
        sims = self._cosines(vec)
        w = self.params.lex_weight
        if lex is None or not w:
            return sims, None
        mixed = self._haslex[:n]
        lsims = self._lcent[:n] @ lex
        return np.where(mixed, (1.0 - w) * sims + w * lsims, sims), mixed

    def background(self, vec: np.ndarray | None = None) -> float:
        """The run's mean cosine between two of its articles (with ``vec`` counted in): about 0.12
        in a general news stream, 0.4 in a pile of articles about one story."""
        s, n = self._vsum, self._vn
        if vec is not None:
            s, n = (vec.astype(np.float64) if s is None else s + vec), n + 1
        if s is None or n < 2:
            return 0.0
        return float((s @ s - n) / (n * (n - 1)))

    def _thresholds(self, threshold: float, mixed: np.ndarray | None, vec: np.ndarray | None = None) -> float | np.ndarray:
        """The base threshold per story: ``lex_threshold`` where the score mixes in word overlap;
        lowered by how much more alike the run's articles are than a general stream's (a pile about
        one story is judged against its own background)."""
        p = self.params
        if p.focus_weight:
            threshold = threshold - p.focus_weight * max(0.0, self.background(vec) - p.focus_ref)
        if mixed is None:
            return threshold
        return np.where(mixed, threshold + p.lex_threshold - p.threshold, threshold)

    def _weight(self, key: str) -> float:
        if not self.params.entity_idf:
            return 1.0
        return math.log(1.0 + (len(self.stories) + 1) / (self._df.get(key, 0) + 1))

    def overlap(self, ents: set[str] | frozenset[str], story: Story) -> float:
        """Weighted share of the article's entities (or of the story's, if fewer) the story names."""
        top = story.top
        if not ents or not top:
            return 0.0
        shared = ents & top
        if not shared:
            return 0.0
        w = self._weight
        num = sum(w(k) for k in shared)
        den = min(sum(w(k) for k in ents), sum(w(k) for k in top))
        return num / den if den else 0.0

    def score(self, story: Story, vec: np.ndarray, entities: set[str]) -> float:
        return float(story.centroid @ vec) + self.params.entity_weight * self.overlap(entities, story)

    def _needs(self, first: int, last: int,
               threshold: float | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For something dated ``first..last`` (ordinals, -1: undated), per story: the threshold
        without the time gap's part, that part (the gap penalty) and whether the story is in reach."""
        p = self.params
        n = len(self.stories)
        if first < 0:
            gaps = np.zeros(n, dtype=np.int64)
        else:
            sf, sl = self._first[:n], self._last[:n]
            gaps = np.where(sf < 0, 0, np.maximum(0, np.maximum(sf - last, first - sl)))
        need = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (n,))
        if p.size_penalty:
            need = need + p.size_penalty * np.log2(np.maximum(1, self._size[:n]))
        return need, p.gap_penalty * np.maximum(0, gaps - p.gap_grace_days) / 30.0, gaps <= p.max_gap_days

    def thread(self, ents: set[str] | frozenset[str], story: Story, overlap: float | None = None) -> float:
        """How strongly the article continues the story's thread: its entity overlap with the story,
        counted only when they share at least ``thread_min_shared`` entities (one shared country
        is not a thread)."""
        if not self.params.thread_weight or len(ents & story.top) < self.params.thread_min_shared:
            return 0.0
        return self.overlap(ents, story) if overlap is None else overlap

    def _best(self, sims: np.ndarray, need: np.ndarray, gap: np.ndarray, reach: np.ndarray, ents,
              skip: int = -1) -> tuple[Story | None, float]:
        """The story with the highest margin ``score - (need + gap * (1 - thread_weight * thread))``
        among those that clear it (``None``: none does).

        A story that names none of the article's entities has no overlap and no thread, so its
        margin is ``sims - need - gap``; the stories that share one (from the key -> stories
        index) get ``overlap`` and ``thread`` computed in arrays over their entity numbers. Both
        are scored for all candidates at once."""
        p = self.params
        bonus = p.entity_weight if ents else 0.0
        carry = p.thread_weight if ents else 0.0
        low = need + gap * (1.0 - carry)  # the threshold if the thread were as strong as it can be
        ok = reach & (sims + bonus >= low)
        if skip >= 0:
            ok[skip] = False
        shared = np.zeros(len(ok), dtype=bool)
        for k in ents or ():
            held = self._holders.get(k)
            if held:  # (a common entity's stories are thousands: read in C, not one by one)
                shared[np.fromiter(held, dtype=np.int64, count=len(held))] = True
        best, best_margin = None, -1.0
        plain = np.flatnonzero(ok & ~shared)
        if len(plain):
            margins = sims[plain] - need[plain] - gap[plain]
            j = int(np.argmax(margins))
            if margins[j] >= 0:
                best, best_margin = self.stories[int(plain[j])], float(margins[j])
        cand = np.flatnonzero(ok & shared)
        if not len(cand):
            return best, best_margin
        # the stories that share an entity, all at once: ``overlap`` and ``thread`` in arrays
        order = cand[np.argsort(-(sims[cand] - low[cand]), kind="stable")]
        tops = [self._topids[i] for i in order]
        lens = np.fromiter(map(len, tops), dtype=np.int64, count=len(tops))
        ids = np.concatenate(tops)
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        if p.entity_idf:
            wk = np.log(1.0 + (len(self.stories) + 1) / (self._kdf[ids] + 1.0))
        else:
            wk = np.ones(len(ids))
        mine = np.array([self._kid.get(k, -1) for k in ents], dtype=np.int64)
        hit = np.isin(ids, mine)
        num = np.add.reduceat(np.where(hit, wk, 0.0), starts)
        den = np.minimum(sum(self._weight(k) for k in ents), np.add.reduceat(wk, starts))
        ov = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        if p.thread_weight:
            n_shared = np.add.reduceat(hit.astype(np.int64), starts)
            t = np.where((gap[order] > 0) & (n_shared >= p.thread_min_shared), ov, 0.0)
        else:
            t = np.zeros(len(order))
        margin = sims[order] + p.entity_weight * ov - need[order] - gap[order] * (1.0 - p.thread_weight * t)
        margin = np.where(margin >= 0, margin, -np.inf)
        j = int(np.argmax(margin))  # the first of equals, in the order of the most a story could clear
        if margin[j] > best_margin:
            best, best_margin = self.stories[int(order[j])], float(margin[j])
        return best, best_margin

    def best_story(self, vec: np.ndarray, published: str | None, entities: list[str],
                   terms: list[str] | None = None, lex: np.ndarray | None = None) -> tuple[Story | None, float]:
        """The story the article would join (``None``: a new one) and its margin over the threshold."""
        n = len(self.stories)
        if not n:
            return None, 0.0
        d = _date(published)
        o = d.toordinal() if d else -1
        if lex is None and terms:
            lex = self.lex_vector(terms)
        vec = np.asarray(vec, dtype=np.float32)
        sims, mixed = self.similarities(vec, lex)
        counted = self._primed > 0  # the article is already in the background (see ``prime``)
        threshold = self._thresholds(self.params.threshold, mixed, None if counted else vec)
        need, gap, reach = self._needs(o, o, threshold)
        return self._best(sims, need, gap, reach, set(entities[: self.params.article_entities]))

    # ---------------------------------------------------------------- adding and merging

    def add(self, article_id: str, vec: np.ndarray, published: str | None, entities: list[str], title: str,
            terms: list[str] | None = None) -> str:
        """Place one article; returns its story id.

        ``entities``: its entity keys, most-mentioned first (:func:`article_entities`); ``terms``:
        optionally, the content words of its opening (:func:`article_terms`), which add word
        overlap to the score when ``lex_weight`` is set.
        """
        self._tick += 1
        p = self.params
        vec = np.asarray(vec, dtype=np.float32)
        if not self._dim:
            self._reset_index(vec.shape[0])
        lex = self.lex_vector(terms) if p.lex_weight else None
        self._count_terms(terms if p.lex_weight else None)
        best, _ = self.best_story(vec, published, entities, lex=lex)
        if best is None:
            if len(self.stories) >= self._cent.shape[0]:
                self._grow()
            self._next += 1
            best = Story(id=f"{self.prefix}{self._next}", vector_sum=np.zeros_like(vec), row=len(self.stories))
            self.stories.append(best)
        d = _date(published)
        if p.half_life_days and d is not None and best.last is not None and d > best.last:
            best.vector_sum = best.vector_sum * np.float32(0.5 ** ((d - best.last).days / p.half_life_days))
        best.vector_sum = best.vector_sum + vec
        if lex is not None:
            best.lex_sum = lex.copy() if best.lex_sum is None else best.lex_sum + lex
        best.articles.append(article_id)
        best.entities.update(entities[: p.article_entities])
        if len(best.entities) > 4 * p.story_entities:  # bounded memory: keep the heavy hitters
            best.entities = Counter(dict(best.entities.most_common(2 * p.story_entities)))
        if d is not None:
            best.first = d if best.first is None else min(best.first, d)
            best.last = d if best.last is None else max(best.last, d)
        self._index(best)
        best.titles.append((float(self._cent[best.row] @ vec), title))
        best.titles = sorted(best.titles, reverse=True)[:5]
        best.updated = self._tick
        self.by_article[article_id] = best.id
        if self._primed:
            self._primed -= 1
        else:
            self._count(vec)
        if p.merge_threshold:
            best = self._merge_from(best)
        return best.id

    def _count(self, vec: np.ndarray) -> None:
        self._vsum = vec.astype(np.float64) if self._vsum is None else self._vsum + vec
        self._vn += 1

    def prime(self, vectors) -> None:
        """Count in the run's background the articles about to be added (the next ``add`` calls,
        one per vector), before placing any: a batch is judged against the background of the whole
        batch rather than of the articles placed so far, so that the first articles of a pile are not
        placed against an estimate made from two or three of them."""
        for vec in vectors:
            self._count(np.asarray(vec, dtype=np.float32))
            self._primed += 1

    def _merge_from(self, story: Story) -> Story:
        """Merge ``story`` with the stories it now clears ``merge_threshold`` with, one at a time."""
        p = self.params
        for _ in range(8):  # a merge can enable another; a few rounds are plenty
            n = len(self.stories)
            if n < 2:
                break
            lex = self._lcent[story.row] if self._haslex[story.row] else None
            sims, mixed = self.similarities(self._cent[story.row], lex)
            need, gap, reach = self._needs(int(self._first[story.row]), int(self._last[story.row]),
                                           self._thresholds(p.merge_threshold, mixed))
            other, _ = self._best(sims, need, gap, reach, story.top, skip=story.row)
            if other is None:
                break
            keep, gone = (story, other) if len(story.articles) >= len(other.articles) else (other, story)
            self._absorb(keep, gone)
            story = keep
        return story

    def _absorb(self, keep: Story, gone: Story) -> None:
        self._pre = None  # rows move
        keep.vector_sum = keep.vector_sum + gone.vector_sum
        if gone.lex_sum is not None:
            keep.lex_sum = gone.lex_sum.copy() if keep.lex_sum is None else keep.lex_sum + gone.lex_sum
        keep.articles.extend(gone.articles)
        for a in gone.articles:
            self.by_article[a] = keep.id
        keep.entities.update(gone.entities)
        if len(keep.entities) > 4 * self.params.story_entities:
            keep.entities = Counter(dict(keep.entities.most_common(2 * self.params.story_entities)))
        dates = [x for x in (keep.first, keep.last, gone.first, gone.last) if x is not None]
        keep.first, keep.last = (min(dates), max(dates)) if dates else (None, None)
        keep.titles = sorted(keep.titles + gone.titles, reverse=True)[:5]
        keep.updated = max(keep.updated, gone.updated)
        # drop ``gone``: the last story takes its row
        self._unindex_entities(gone.top, gone.row)
        row, last = gone.row, self.stories[-1]
        self.stories[row] = last
        last.row = row
        self.stories.pop()
        if last is not gone:
            n = len(self.stories)
            for k in last.top:
                self._holders[k].discard(n)
                self._holders[k].add(row)
            self._topids[row] = self._topids[n]
            self._cent[row] = self._cent[n]
            self._lcent[row], self._haslex[row] = self._lcent[n], self._haslex[n]
            self._first[row], self._last[row], self._size[row] = self._first[n], self._last[n], self._size[n]
        self._topids.pop()
        self._index(keep)


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
