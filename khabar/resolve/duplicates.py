"""Near-duplicates and wire copies: articles that are not independent sources.

Each paragraph (a line of eight words or more) is shingled into overlapping word 4-grams of its
normalised words and sketched with MinHash; an LSH index finds paragraphs of earlier articles that
share most of their shingles. From the paragraphs two articles share:

* ``near_duplicate`` — the shared paragraphs cover most of the shorter article (a copy, or a
  lightly edited version of it);
* ``shared_wire`` — they share a substantial part of their text but each has text of its own (the
  same agency dispatch, edited or combined with other reporting).

Articles linked by either kind, or published by the same outlet, form one *independence group*:
for corroboration they count as one source.

An outlet's template — a paragraph it prints in many of its articles (an opinion-page disclaimer,
a subscription plea, a "follow us" line the cleaner kept) — is not shared reporting: once a
paragraph matches ``BOILERPLATE_COPIES`` earlier articles of its own outlet, it and those copies
are *boilerplate*. Boilerplate paragraphs do not make pairs and do not count in an article's
length, and later copies are not indexed, so the work per article stays bounded however many
articles an outlet sends (without this, every opinion piece of one outlet in the ANT corpus was a
"near duplicate" of every other through its one-line disclaimer). Pairs are therefore judged when
they are read (``pairs``), with what is known to be boilerplate by then.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ..text.normalize import key

NUM_PERM = 64
SHINGLE = 4
MIN_PARAGRAPH_WORDS = 8
PARAGRAPH_THRESHOLD = 0.5  # Jaccard of shingles for two paragraphs to count as shared
NEAR_DUPLICATE_COVER = 0.7  # share of the shorter article's words in shared paragraphs
SHARED_WIRE_COVER = 0.25
BOILERPLATE_COPIES = 5  # earlier articles of the same outlet with the paragraph: it is the outlet's template

_PERM_SEED = 1


def _shingles(words: list[str]) -> set[bytes]:
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}


@dataclass
class ParagraphSketch:
    index: int
    words: int
    minhash: LeanMinHash


@lru_cache(maxsize=1)
def _empty_minhash() -> MinHash:
    """An empty sketch to copy: its permutations are drawn once per process, not per paragraph."""
    return MinHash(num_perm=NUM_PERM, seed=_PERM_SEED)


def sketch_paragraphs(text: str) -> list[ParagraphSketch]:
    """MinHash sketches of an article's paragraphs (pure; picklable; done per article)."""
    out = []
    empty = _empty_minhash()
    for i, line in enumerate(text.split("\n")):
        words = key(line).split()
        if len(words) < MIN_PARAGRAPH_WORDS:
            continue
        m = empty.copy()
        m.update_batch(list(_shingles(words)))
        out.append(ParagraphSketch(i, len(words), LeanMinHash(m)))
    return out


@dataclass
class _Doc:
    id: str
    outlet: str | None
    words: int
    paragraphs: dict[int, int]  # paragraph index -> words


@dataclass
class DuplicatePair:
    a: str
    b: str
    similarity: float
    kind: str
    shared: list[tuple[int, int]] = field(default_factory=list)  # (paragraph in a, paragraph in b)


@lru_cache(maxsize=1)
def _bands() -> list[tuple[int, int]]:
    """The LSH bands (hash-value ranges) datasketch's MinHashLSH chooses for the threshold."""
    lsh = MinHashLSH(threshold=PARAGRAPH_THRESHOLD, num_perm=NUM_PERM)
    return list(lsh.hashranges)


class _BandIndex:
    """MinHash LSH over paragraph sketches: the banding of datasketch's ``MinHashLSH`` (same bands,
    so the same candidates: the paragraphs that agree with the query on every hash value of at
    least one band), in plain dicts keyed by a hash of each band (the band itself is compared on a
    hit), and with the candidates returned in the order they were indexed, which makes results
    independent of string hashing. About a third of the memory of datasketch's index."""

    def __init__(self, sketches: dict[str, bytes]) -> None:
        self.bands = [(start * 4, end * 4) for start, end in _bands()]  # byte ranges of the hash values
        self.tables: list[dict[int, str | list[str]]] = [{} for _ in self.bands]
        self.order: dict[str, int] = {}
        self.sketches = sketches  # name -> hash values (bytes), for the band comparison

    def insert(self, name: str, hv: bytes) -> None:
        self.order[name] = len(self.order)
        for (start, end), table in zip(self.bands, self.tables):
            k = hash(hv[start:end])
            cur = table.get(k)
            if cur is None:
                table[k] = name  # most buckets hold one paragraph: no list for them
            elif isinstance(cur, str):
                table[k] = [cur, name]
            else:
                cur.append(name)

    def query(self, hv: bytes) -> list[str]:
        found: set[str] = set()
        for (start, end), table in zip(self.bands, self.tables):
            band = hv[start:end]
            cur = table.get(hash(band))
            if cur is None:
                continue
            for name in (cur,) if isinstance(cur, str) else cur:
                if name not in found and self.sketches[name][start:end] == band:
                    found.add(name)
        return sorted(found, key=self.order.__getitem__)


def _values(mh: LeanMinHash | bytes) -> bytes:
    """A sketch's hash values as bytes, 32 bits each (MinHash values are below 2**32): what the index
    keeps, about a quarter of a LeanMinHash's memory."""
    return mh if isinstance(mh, bytes) else mh.hashvalues.astype(np.uint32).tobytes()


def _jaccard(a: bytes, b: bytes) -> float:
    """The Jaccard estimate of two sketches (same permutations): the share of equal hash values."""
    return float(np.count_nonzero(np.frombuffer(a, dtype=np.uint32) == np.frombuffer(b, dtype=np.uint32))) / NUM_PERM


Hit = tuple[int, int, float]  # (paragraph in a, paragraph in b, Jaccard estimate)


def _name(article_id: str, paragraph: int) -> str:
    """A paragraph's name in the index: ``article#paragraph``."""
    return f"{article_id}#{paragraph}"


class DuplicateIndex:
    """Incremental near-duplicate detection over paragraphs (see the module doc)."""

    def __init__(self) -> None:
        self.docs: dict[str, _Doc] = {}
        self.sketches: dict[str, bytes] = {}  # "article#paragraph" -> hash values
        self.lsh = _BandIndex(self.sketches)
        self.hits: dict[tuple[str, str], list[Hit]] = {}  # (a, b), a < b -> shared paragraphs
        self.boiler: set[str] = set()  # "article#paragraph" names of boilerplate paragraphs

    def __getstate__(self) -> dict:
        # the LSH index is derived: it is rebuilt from the sketches when the state is loaded
        state = dict(self.__dict__)
        del state["lsh"]
        return state

    def __setstate__(self, state: dict) -> None:
        old_pairs = state.pop("pairs", None)
        self.__dict__.update(state)
        # (a state saved by an older version holds LeanMinHash objects, and its pairs as judged then)
        self.sketches = {name: _values(mh) for name, mh in self.sketches.items()}
        self.__dict__.setdefault("boiler", set())
        if old_pairs is not None:
            self.hits = {k: [(o, i, p.similarity) for o, i in p.shared] for k, p in old_pairs.items()}
        self.lsh = _BandIndex(self.sketches)
        for name, hv in self.sketches.items():
            self.lsh.insert(name, hv)

    def add(self, article_id: str, outlet: str | None, sketches: list[ParagraphSketch]) -> list[DuplicatePair]:
        """Index one article; returns the pairs it forms with earlier ones (as judged now)."""
        doc = _Doc(article_id, outlet, sum(p.words for p in sketches), {p.index: p.words for p in sketches})
        shared: dict[str, list[Hit]] = defaultdict(list)
        values = [_values(p.minhash) for p in sketches]
        docs, boiler = self.docs, self.boiler
        for p, hv in zip(sketches, values, strict=True):
            name = sys.intern(_name(article_id, p.index))
            matches: list[tuple[str, int, float, str]] = []
            template = False
            for other in self.lsh.query(hv):
                oid, _, oidx = other.rpartition("#")
                if oid == article_id:
                    continue
                j = _jaccard(hv, self.sketches[other])
                if j < PARAGRAPH_THRESHOLD:
                    continue
                if outlet and other in boiler and docs[oid].outlet == outlet:
                    template = True  # a known template of this outlet
                    break
                matches.append((oid, int(oidx), j, other))
            if not template and outlet:
                own = [m for m in matches if docs[m[0]].outlet == outlet]
                if len({m[0] for m in own}) >= BOILERPLATE_COPIES:
                    template = True
                    boiler.update(m[3] for m in own)
            if template:
                boiler.add(name)  # not indexed: the copies already there recognise the next one
                continue
            for oid, oidx, j, _ in matches:
                shared[oid].append((oidx, p.index, j))
            if name not in self.sketches:
                self.lsh.insert(name, hv)
                self.sketches[name] = hv
        self.docs[article_id] = doc
        new = []
        for oid, hits in shared.items():
            a, b = sorted((oid, article_id))
            hs = [(o, i, j) if a == oid else (i, o, j) for o, i, j in hits]
            self.hits[(a, b)] = hs
            pair = self._judge(a, b, hs)
            if pair is not None:
                new.append(pair)
        return new

    def _words(self, doc: _Doc) -> int:
        """An article's words outside boilerplate paragraphs."""
        boiler = self.boiler
        if not boiler:
            return doc.words
        return sum(w for i, w in doc.paragraphs.items() if _name(doc.id, i) not in boiler)

    def _judge(self, a: str, b: str, hits: list[Hit]) -> DuplicatePair | None:
        """The pair ``a``, ``b`` (a < b) as their shared paragraphs make it, or None if they are too
        little (boilerplate left out)."""
        boiler = self.boiler
        if boiler:
            hits = [h for h in hits if _name(a, h[0]) not in boiler and _name(b, h[1]) not in boiler]
            if not hits:
                return None
        da, db = self.docs[a], self.docs[b]
        # each paragraph counted once on each side
        cover_a = sum(da.paragraphs[o] for o in {h[0] for h in hits}) / max(self._words(da), 1)
        cover_b = sum(db.paragraphs[i] for i in {h[1] for h in hits}) / max(self._words(db), 1)
        cover = min(1.0, max(cover_a, cover_b))
        if cover >= NEAR_DUPLICATE_COVER:
            kind = "near_duplicate"
        elif cover >= SHARED_WIRE_COVER or len(hits) >= 2:
            kind = "shared_wire"
        else:
            return None
        sim = float(np.mean([j for _, _, j in hits])) * cover
        return DuplicatePair(a, b, round(min(1.0, sim), 3), kind, sorted((o, i) for o, i, _ in hits))

    def pairs(self) -> list[DuplicatePair]:
        """Every pair of articles that are not independent, judged with all that is known now, in
        the order they were found."""
        out = []
        for (a, b), hits in self.hits.items():
            pair = self._judge(a, b, hits)
            if pair is not None:
                out.append(pair)
        return out

    def independence_groups(self, pairs: list[DuplicatePair] | None = None) -> dict[str, str]:
        """Article id → group id: articles linked by copies or by outlet count as one source
        (``pairs``: ``self.pairs()``, if the caller has them already)."""
        parent = {a: a for a in self.docs}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(x: str, y: str) -> None:
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)

        for pair in self.pairs() if pairs is None else pairs:
            union(pair.a, pair.b)
        by_outlet: dict[str, str] = {}
        for d in self.docs.values():
            if d.outlet:
                k = key(d.outlet)
                if k in by_outlet:
                    union(by_outlet[k], d.id)
                else:
                    by_outlet[k] = d.id
        roots = sorted({find(a) for a in parent})
        name = {r: f"g{i}" for i, r in enumerate(roots, start=1)}
        return {a: name[find(a)] for a in parent}


def digest(text: str) -> str:
    """Content digest of a cleaned text (for re-ingestion checks)."""
    return hashlib.sha256(key(text).encode("utf-8")).hexdigest()


def duplicates_json(pairs: list[DuplicatePair]) -> list[dict]:
    return [
        {"articles": [p.a, p.b], "similarity": p.similarity, "kind": p.kind,
         "shared_paragraphs": [list(x) for x in p.shared]}
        for p in pairs
    ]
