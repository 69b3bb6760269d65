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
from itertools import pairwise

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
    values: bytes  # the MinHash's NUM_PERM hash values, 32 bits each (see ``_values``)


@lru_cache(maxsize=1)
def _empty_minhash() -> MinHash:
    """An empty sketch to copy: its permutations are drawn once per process, not per paragraph."""
    return MinHash(num_perm=NUM_PERM, seed=_PERM_SEED)


def sketch_paragraphs(text: str, line_keys: list[str] | None = None) -> list[ParagraphSketch]:
    """MinHash sketches of an article's paragraphs (pure; picklable; done per article).
    ``line_keys``: the ``key`` of each of the text's lines, when the caller has them."""
    out = []
    empty = _empty_minhash()
    lines = text.split("\n")
    if line_keys is None:
        line_keys = [key(line) for line in lines]
    elif len(line_keys) != len(lines):
        raise ValueError(f"{len(line_keys)} line keys for {len(lines)} lines")
    for i, k in enumerate(line_keys):
        words = k.split()
        if len(words) < MIN_PARAGRAPH_WORDS:
            continue
        m = empty.copy()
        m.update_batch(list(_shingles(words)))
        out.append(ParagraphSketch(i, len(words), _values(m)))
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
    """MinHash LSH over paragraph sketches, in flat arrays: the banding of datasketch's
    ``MinHashLSH`` (same bands, so the same candidates: the paragraphs that agree with the query on
    every hash value of at least one band), with the candidates returned in the order they were
    indexed.

    A paragraph is a number (its row in ``values``, the sketches' hash values); each band of it gives
    a 64-bit key (a hash of the band's values mixed with the band's number). The keys live in one
    sorted array with the paragraphs' numbers beside it, and new ones in a small dict until there
    are enough to merge (two sorted runs: a linear merge), so a paragraph costs ~170 bytes of index
    instead of ~1.3 KB of dict entries, and one ``searchsorted`` answers all the bands of an
    article's paragraphs. The band itself is compared on a hit, so a key collision never makes a
    candidate."""

    MERGE = 1 << 15  # keys waiting in the dict before they are merged into the sorted arrays

    def __init__(self) -> None:
        ranges = _bands()
        self.ranges = ranges
        self.values = np.zeros((1024, NUM_PERM), dtype=np.uint32)  # row p: paragraph p's hash values
        self.n = 0
        self.keys = np.zeros(0, dtype=np.uint64)  # sorted band keys
        self.ids = np.zeros(0, dtype=np.int32)  # the paragraph of each key
        self.recent: dict[int, int | list[int]] = {}  # keys not merged yet -> paragraph(s)
        self.recent_keys: list[int] = []  # the same keys and paragraphs, in the order they came
        self.recent_ids: list[int] = []
        self.pending = 0
        # a band's key: its values times odd multipliers, summed (mod 2**64), plus the band's own
        # constant (datasketch's bands are contiguous ranges from the first hash value)
        assert ranges[0][0] == 0 and all(a[1] == b[0] for a, b in pairwise(ranges))
        self.starts = np.array([lo for lo, _ in ranges])
        self.width = ranges[-1][1]
        rng = np.random.default_rng(_PERM_SEED)
        self.mult = rng.integers(1, 2**63, size=self.width, dtype=np.uint64) | np.uint64(1)
        self.salt = rng.integers(0, 2**63, size=len(ranges), dtype=np.uint64)

    def band_keys(self, hv: np.ndarray) -> np.ndarray:
        """(paragraphs × bands) keys of sketches given as rows of hash values."""
        with np.errstate(over="ignore"):
            prod = hv[:, : self.width].astype(np.uint64)
            prod *= self.mult
            return np.add.reduceat(prod, self.starts, axis=1, dtype=np.uint64) + self.salt

    def insert(self, hv: np.ndarray, keys: np.ndarray) -> int:
        """Index sketches (rows of hash values, their band keys); returns the first one's number
        (the others follow it)."""
        first, n = self.n, len(hv)
        if first + n > len(self.values):
            grown = np.zeros((max(2 * len(self.values), first + n), NUM_PERM), dtype=np.uint32)
            grown[:first] = self.values[:first]
            self.values = grown
        self.values[first:first + n] = hv
        self.n += n
        if n > self.MERGE:  # a saved state coming back: straight into the sorted arrays
            self._merge(keys.ravel(), np.repeat(np.arange(first, first + n, dtype=np.int32), keys.shape[1]))
            return first
        recent = self.recent
        nb = keys.shape[1]
        flat = keys.ravel().tolist()
        owners = np.repeat(np.arange(first, first + n), nb).tolist()
        self.recent_keys += flat
        self.recent_ids += owners
        for k, p in zip(flat, owners):
            cur = recent.get(k)
            if cur is None:
                recent[k] = p  # most keys belong to one paragraph: no list for them
            elif isinstance(cur, int):
                recent[k] = [cur, p]
            else:
                cur.append(p)
        self.pending += n * nb
        if self.pending >= max(self.MERGE, len(self.keys) >> 4):
            self._merge()
        return first

    def _merge(self, ks: np.ndarray | None = None, ps: np.ndarray | None = None) -> None:
        """Move the waiting keys (or the ones given) into the sorted arrays."""
        if ks is None:
            if not self.recent:
                return
            ks = np.array(self.recent_keys, dtype=np.uint64)
            ps = np.array(self.recent_ids, dtype=np.int32)
            self.recent, self.recent_keys, self.recent_ids, self.pending = {}, [], [], 0
        keys = np.concatenate([self.keys, ks])
        ids = np.concatenate([self.ids, ps])
        order = np.argsort(keys, kind="stable")  # a sorted run and a short one: timsort merges them
        self.keys, self.ids = keys[order], ids[order]

    def query(self, hv: np.ndarray, keys: np.ndarray) -> list[list[int]]:
        """For each sketch (rows of ``hv``, their band keys in ``keys``): the indexed paragraphs that
        agree with it on a whole band, in the order they were indexed."""
        flat = keys.ravel()
        nb = keys.shape[1]
        per: list[list[int]] = [[] for _ in range(len(keys))]
        size = len(self.keys)
        if size:
            lo = np.searchsorted(self.keys, flat)
            hit = np.flatnonzero(self.keys[np.minimum(lo, size - 1)] == flat)
            if len(hit):
                hi = np.searchsorted(self.keys, flat[hit], side="right")
                for x, a, z in zip(hit.tolist(), lo[hit].tolist(), hi.tolist(), strict=True):
                    per[x // nb] += self.ids[a:z].tolist()
        if self.recent:
            recent = self.recent
            for x, k in enumerate(flat.tolist()):
                more = recent.get(k)
                if more is not None:
                    if isinstance(more, int):
                        per[x // nb].append(more)
                    else:
                        per[x // nb] += more
        out: list[list[int]] = []
        for i, cands in enumerate(per):
            if not cands:
                out.append([])
                continue
            ids = np.unique(np.array(cands, dtype=np.int64))
            eq = self.values[ids] == hv[i]
            # a 64-bit key can collide: keep the paragraphs that equal the sketch on a whole band
            whole = np.zeros(len(ids), dtype=bool)
            for s, e in self.ranges:
                whole |= eq[:, s:e].all(axis=1)
            out.append(ids[whole].tolist())
        return out


def _values(mh: MinHash | LeanMinHash | bytes) -> bytes:
    """A sketch's hash values as bytes, 32 bits each (MinHash values are below 2**32): what a worker
    sends and the index keeps, a quarter of a LeanMinHash's memory and nothing to rebuild when it
    is unpickled."""
    return mh if isinstance(mh, bytes) else mh.hashvalues.astype(np.uint32).tobytes()


Hit = tuple[int, int, float]  # (paragraph in a, paragraph in b, Jaccard estimate)


def _name(article_id: str, paragraph: int) -> str:
    """A paragraph's name in the index: ``article#paragraph``."""
    return f"{article_id}#{paragraph}"


class DuplicateIndex:
    """Incremental near-duplicate detection over paragraphs (see the module doc)."""

    def __init__(self) -> None:
        self.docs: dict[str, _Doc] = {}
        self.lsh = _BandIndex()
        self.par_doc: list[str] = []  # paragraph number -> its article (the docs' own id strings)
        self.par_index = np.zeros(1024, dtype=np.int32)  # paragraph number -> its index in the article
        self.hits: dict[tuple[str, str], list[Hit]] = {}  # (a, b), a < b -> shared paragraphs
        self.boiler: set[str] = set()  # "article#paragraph" names of boilerplate paragraphs

    def __getstate__(self) -> dict:
        # the band keys are derived: they are computed again when the state is loaded
        n = self.lsh.n
        return {"docs": self.docs, "hits": self.hits, "boiler": self.boiler,
                "par_doc": self.par_doc, "par_index": self.par_index[:n],  # (contiguous views: pickled
                "values": self.lsh.values[:n]}                              # without a copy)

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        old_pairs = state.pop("pairs", None)
        self.docs = state["docs"]
        self.hits = state.get("hits", {})
        self.boiler = state.get("boiler", set())
        if old_pairs is not None:  # a state saved by an older version: its pairs as judged then
            self.hits = {k: [(o, i, p.similarity) for o, i in p.shared] for k, p in old_pairs.items()}
        if "values" in state:
            values = np.asarray(state["values"], dtype=np.uint32).reshape(-1, NUM_PERM)
            owners, index = state["par_doc"], np.asarray(state["par_index"], dtype=np.int32)
        else:  # older still: a dict "article#paragraph" -> sketch (LeanMinHash or bytes)
            names = list(state["sketches"])
            values = np.frombuffer(b"".join(_values(mh) for mh in state["sketches"].values()),
                                   dtype=np.uint32).reshape(-1, NUM_PERM)
            split = [name.rpartition("#") for name in names]
            owners = [self.docs[a].id if a in self.docs else a for a, _, _ in split]
            index = np.array([int(i) for _, _, i in split], dtype=np.int32)
        if len(values):
            self._insert(owners, index, values, self.lsh.band_keys(values))

    def _insert(self, owners: list[str], index: np.ndarray, values: np.ndarray, keys: np.ndarray) -> None:
        """Index paragraphs: their articles, their indexes in them, their hash values, band keys."""
        first = self.lsh.insert(values, keys)
        end = first + len(values)
        if end > len(self.par_index):
            grown = np.zeros(max(2 * len(self.par_index), end), dtype=np.int32)
            grown[:first] = self.par_index[:first]
            self.par_index = grown
        self.par_index[first:end] = index
        self.par_doc += owners

    def indexed(self) -> list[str]:
        """The names (``article#paragraph``) of the indexed paragraphs, in the order they were indexed."""
        return [_name(a, int(i)) for a, i in zip(self.par_doc, self.par_index[: self.lsh.n])]

    def add(self, article_id: str, outlet: str | None, sketches: list[ParagraphSketch]) -> list[DuplicatePair]:
        """Index one article; returns the pairs it forms with earlier ones (as judged now)."""
        again = self.docs.get(article_id)  # the same article added again: its paragraphs are indexed
        doc = _Doc(article_id, outlet, sum(p.words for p in sketches), {p.index: p.words for p in sketches})
        shared: dict[str, list[Hit]] = defaultdict(list)
        docs, boiler, lsh = self.docs, self.boiler, self.lsh
        values = np.frombuffer(b"".join(p.values for p in sketches), dtype=np.uint32).reshape(-1, NUM_PERM)
        band_keys = lsh.band_keys(values)
        found_of = lsh.query(values, band_keys) if len(values) else []
        fresh: list[int] = []  # rows to index
        for row, (p, hv, found) in enumerate(zip(sketches, values, found_of, strict=True)):
            name = _name(article_id, p.index)
            matches: list[tuple[str, int, float, str]] = []
            template = False
            if found:
                same = np.count_nonzero(lsh.values[found] == hv, axis=1) / NUM_PERM
                for q, j in zip(found, same.tolist()):
                    oid = self.par_doc[q]
                    if oid == article_id or j < PARAGRAPH_THRESHOLD:
                        continue
                    other = _name(oid, int(self.par_index[q]))
                    if outlet and other in boiler and docs[oid].outlet == outlet:
                        template = True  # a known template of this outlet
                        break
                    matches.append((oid, int(self.par_index[q]), j, other))
            if not template and outlet:
                own = [m for m in matches if docs[m[0]].outlet == outlet]
                if len({m[0] for m in own}) >= BOILERPLATE_COPIES:
                    template = True
                    boiler.update(m[3] for m in own)
            if template:
                boiler.add(sys.intern(name))  # not indexed: the copies already there recognise the next one
                continue
            for oid, oidx, j, _ in matches:
                shared[oid].append((oidx, p.index, j))
            if again is None or p.index not in again.paragraphs:
                fresh.append(row)
        if fresh:  # indexed after the queries: an article's paragraphs never match each other
            self._insert([article_id] * len(fresh), np.array([sketches[r].index for r in fresh], dtype=np.int32),
                         values[fresh], band_keys[fresh])
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


def digest(text: str, text_key: str | None = None) -> str:
    """Content digest of a cleaned text (for re-ingestion checks); ``text_key``: ``key(text)``, when
    the caller has it."""
    return hashlib.sha256((key(text) if text_key is None else text_key).encode("utf-8")).hexdigest()


def duplicates_json(pairs: list[DuplicatePair]) -> list[dict]:
    return [
        {"articles": [p.a, p.b], "similarity": p.similarity, "kind": p.kind,
         "shared_paragraphs": [list(x) for x in p.shared]}
        for p in pairs
    ]
