"""Statistical named-entity tagger: a linear-chain CRF (python-crfsuite) trained on ANERcorp.

``crf_mentions(text)`` finds PERSON / GPE / LOC / ORG mentions in an article's text with offsets;
``CrfTagger().tag(tokens)`` gives BIO labels (PERS, LOC, ORG, MISC) for a list of token strings and
``CrfTagger().tag_document(sentences)`` for a whole document; ``eval_ner(path)`` scores the shipped
model on a token-per-line ``token TAG`` file (conlleval semantics) and ``format_report`` prints it.

Tagging a document takes two passes of one model and a propagation step: pass 1 uses the token's
own features (``sent_features``); pass 2 adds what pass 1 said about the same word elsewhere in the
document (``doc_features``); ``propagate`` then tags untagged repeats of the entities found.

Data files (``khabar/data/``), loaded lazily once per process: the model ``ner.crfsuite``
(``scripts/train_ner.py``), word clusters ``ner_clusters.tsv.gz`` and int8 word vectors
``ner_clusters.vec.gz`` learnt from unlabelled news (``scripts/build_clusters.py``), and trigger
words ``ner_triggers.tsv``. Features are built from the text layer (``key``, ``bases``) so that
ANERcorp's tokens and khabar's tokens, which split clitics and punctuation slightly differently,
look alike to the model. When ``khabar.extract.gazetteer`` provides ``token_features(tokens)``, its
flags are features too. See docs/model-card-ner.md.
"""

from __future__ import annotations

import gzip
import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Mention, Token
from ..text import bases, key, sentences, tokenize
from .crfdecode import places

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MODEL_PATH = DATA_DIR / "ner.crfsuite"
CLUSTERS_PATH = DATA_DIR / "ner_clusters.tsv.gz"
VECTORS_PATH = DATA_DIR / "ner_clusters.vec.gz"
TRIGGERS_PATH = DATA_DIR / "ner_triggers.tsv"

LABEL_TYPES = ("PERS", "LOC", "ORG", "MISC")
MAX_CHUNK = 120  # tokens per tagging chunk (long sentences are cut, preferably at punctuation)

# --------------------------------------------------------------------------------------------
# Resources (loaded lazily, once)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def triggers() -> dict[str, str]:
    """Trigger word key -> class (PERS_TITLE, PERS_PART, ORG_HEAD, LOC_HEAD, LOC_DIR)."""
    out: dict[str, str] = {}
    if not TRIGGERS_PATH.exists():
        return out
    for line in TRIGGERS_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, cls = line.partition("\t")
        out.setdefault(key(word.strip()), cls.strip())
    return out


class Clusters:
    """Word clusters learnt from unlabelled news: ``key -> (coarse, ..., fine)`` cluster ids.

    The file lists words by descending corpus frequency, so ``rank(word)`` is also available (used
    to decide whether a leading clitic belongs to a name).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.ids: dict[str, tuple[str, ...]] = {}
        self.ranks: dict[str, int] = {}
        self.levels: tuple[str, ...] = ()
        path = path or CLUSTERS_PATH
        if not path.exists():
            return
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("#levels\t"):
                    self.levels = tuple(line.split("\t")[1:])
                    continue
                if line.startswith("# ") or not line:  # a comment ("#" alone is a word)
                    continue
                parts = line.split("\t")
                if len(parts) < 2:
                    continue
                self.ranks[parts[0]] = len(self.ranks)
                self.ids[parts[0]] = tuple(parts[1:])

    def __len__(self) -> int:
        return len(self.ids)

    def get(self, k: str) -> tuple[str, ...] | None:
        return self.ids.get(k)

    def rank(self, k: str) -> int | None:
        return self.ranks.get(k)


@lru_cache(maxsize=1)
def clusters() -> Clusters:
    return Clusters()


class Vectors:
    """Word vectors of the most frequent cluster words, quantised to int8 (no numpy needed).

    File layout (gzip): ``KNV1``, then little-endian uint32 rows, uint32 dim, float32 scale, then
    ``rows * dim`` signed bytes; row ``r`` is the word of rank ``r`` in the clusters file.
    """

    MAGIC = b"KNV1"

    def __init__(self, path: Path | None = None) -> None:
        import struct

        path = path or VECTORS_PATH
        raw = gzip.decompress(path.read_bytes())
        if raw[:4] != self.MAGIC:
            raise ValueError(f"{path}: not a khabar vectors file")
        self.rows, self.dim, self.scale = struct.unpack("<IIf", raw[4:16])
        self.data = memoryview(raw[16:]).cast("b")
        self.names = [f"e{j}" for j in range(self.dim)]
        self._cache: dict[int, dict[str, float]] = {}

    CACHED = 8000  # the most frequent words' dimensions are kept as ready dicts (about 30 MB)

    def features(self, rank: int | None) -> dict[str, float] | None:
        """The vector of the word of ``rank`` as ``{"e<j>": value}`` (zero dimensions left out);
        callers must not change the dict."""
        if rank is None or rank >= self.rows:
            return None
        if rank < self.CACHED:
            hit = self._cache.get(rank)
            if hit is None:
                hit = self._cache[rank] = self._features(rank)
            return hit
        return self._features(rank)

    def _features(self, rank: int) -> dict[str, float]:
        a = rank * self.dim
        sc = self.scale
        return {n: v * sc for n, v in zip(self.names, self.data[a:a + self.dim]) if v}


@lru_cache(maxsize=1)
def vectors() -> Vectors | None:
    if not VECTORS_PATH.exists():
        return None
    return Vectors()


_GAZ_UNSET = object()
_gaz_fn: Any = _GAZ_UNSET


def gazetteer_features() -> Callable[[list[str]], list[Any]] | None:
    """``khabar.extract.gazetteer.token_features`` if that module exists, else ``None``."""
    global _gaz_fn
    if _gaz_fn is _GAZ_UNSET:
        try:
            from . import gazetteer  # type: ignore[attr-defined]

            _gaz_fn = getattr(gazetteer, "token_features", None)
        except Exception:  # absent or broken: the tagger works without it
            _gaz_fn = None
    return _gaz_fn


def _gaz_flags(tokens: list[str] | list[Token]) -> list[list[str]] | list[tuple[str, ...]] | None:
    fn = gazetteer_features()
    if fn is None or not tokens:
        return None
    if isinstance(tokens[0], Token) and fn is _builtin_features():
        # the tokenizer's tokens and khabar's own gazetteer: its flags as tuples, as they are
        from .gazetteer import token_flags

        return token_flags(tokens)
    try:
        res = fn(tokens)
    except Exception:
        try:
            res = fn(_as_tokens(tokens))
        except Exception:
            return None
    if res is None or len(res) != len(tokens):
        return None
    out: list[list[str]] = []
    for item in res:
        if not item:
            out.append([])
        elif isinstance(item, dict):
            out.append([f"{k}={v}" if not isinstance(v, bool) else str(k) for k, v in item.items() if v])
        elif isinstance(item, str):
            out.append([item])
        else:
            out.append([str(x) for x in item])
    return out


@lru_cache(maxsize=1)
def _builtin_features() -> Callable[[list[str]], list[Any]] | None:
    from . import gazetteer

    return gazetteer.token_features


def _as_tokens(tokens: list[str]) -> list[Token]:
    out, pos = [], 0
    for t in tokens:
        out.append(Token(t, pos, pos + len(t), key(t)))
        pos += len(t) + 1
    return out


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------

_ARABIC = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_LATIN = re.compile("[a-z\u00c0-\u024f]")
_DIGIT = re.compile("[0-9]")
_PUNCT_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


def _shape(k: str) -> str:
    if not k:
        return "EMPTY"
    ar, la, dg = bool(_ARABIC.search(k)), bool(_LATIN.search(k)), bool(_DIGIT.search(k))
    if ar and not (la or dg):
        return "AR"
    if la and not (ar or dg):
        return "LAT"
    if dg and not (ar or la):
        return "NUM" if re.fullmatch(r"[0-9.,/%-]+", k) else "DIGX"
    if ar or la or dg:
        return "MIX"
    return "PUNCT"


# Feature switches (the shipped model was trained with these values; changing one means retraining).
OPTS: dict[str, Any] = {
    "all_bases": True,  # b=... for every clitic reading
    "gaz": True,  # gazetteer/lexicon flags when khabar.extract.gazetteer is present
    "nb_levels": 2,  # cluster granularities used for neighbours
    "window": 2,
    "dense": True,  # the word vector of the token (when the vectors file exists)
    "docpass": True,  # second pass with document-consistency features
    "doc_window": 15,  # sentences either side that count as "the document" in the second pass
    "propagate": True,  # then tag untagged repeats of the entities found (see propagate())
}


class _Info:
    """Per-token facts every window position reuses."""

    __slots__ = ("w", "stem", "nal", "bases", "shape", "cl", "rank", "trig", "al", "pre", "ln", "dk")

    def __init__(self, tok: str) -> None:
        k = key(tok)
        core = _PUNCT_EDGES.sub("", k) or k  # ANERcorp glues some punctuation: "(د", "أ)"
        self.w = k or "<E>"
        self.shape = _shape(k)
        self.ln = len(core)
        bs = bases(core) if self.shape in ("AR", "MIX") else [("", core)]
        self.bases = [b for _, b in bs[1:]]
        cls = clusters()
        # The reading to trust: the most frequent one in the cluster corpus (so والصواريخ ->
        # الصواريخ but فلاديمير and لبنان stay whole); unknown words stay whole.
        best, best_rank = bs[0], None
        for pb in bs:
            r = cls.rank(pb[1])
            if r is not None and (best_rank is None or r < best_rank):
                best, best_rank = pb, r
        self.pre, self.stem = best
        self.rank = best_rank
        self.cl = cls.get(self.stem)
        self.al = self.pre.endswith("ال") or self.pre.endswith("لل") or self.stem.startswith("ال")
        self.nal = self.stem[2:] if self.stem.startswith("ال") and len(self.stem) > 3 else self.stem
        trg = triggers()
        t = None
        for _, b in bs:
            t = trg.get(b)
            if t is not None:
                break
        self.trig = t
        self.dk = _doc_key(self)


def _infos(tokens: Sequence[str]) -> list[_Info]:
    return [_Info(t) for t in tokens]


def _own_features(x: _Info) -> list[str]:
    """The features of a token that depend on the token alone."""
    f = [
        "bias",
        "w=" + x.w,
        "st=" + x.stem,
        "nal=" + x.nal,
        "sh=" + x.shape,
        "ln=" + (str(x.ln) if x.ln < 8 else "8+"),
    ]
    if OPTS["all_bases"]:
        for b in x.bases:
            f.append("b=" + b)
    s = x.nal
    if len(s) >= 2:
        for j in (1, 2, 3):
            if len(s) > j:
                f.append(f"p{j}={s[:j]}")
        for j in (1, 2, 3, 4):
            if len(s) > j:
                f.append(f"s{j}={s[-j:]}")
    if x.pre:
        f.append("pre=" + x.pre)
    if x.al:
        f.append("al")
    if x.trig:
        f.append("tg=" + x.trig)
    if x.cl:
        for lv, c in enumerate(x.cl):
            f.append(f"c{lv}={c}")
    elif x.shape in ("AR", "MIX", "LAT"):
        f.append("c=OOV")
    return f


def _neighbour_features(y: _Info, d: int) -> list[str]:
    """The features a token gives the token ``d`` positions before it (``d`` < 0) or after it."""
    f = [f"{d}w={y.w}", f"{d}st={y.stem}", f"{d}sh={y.shape}"]
    if y.trig:
        f.append(f"{d}tg={y.trig}")
    if y.al:
        f.append(f"{d}al")
    if y.cl:
        for lv, c in enumerate(y.cl[:OPTS["nb_levels"]]):
            f.append(f"{d}c{lv}={c}")
    return f


def _assemble(n: int, own: Callable[[int], list[str]], nb: Callable[[int, int], list[str]],
              words: Sequence[str], gaz: list[list[str]] | None, keep: Callable[[str], bool] | None = None,
              ) -> list[list[str]]:
    """Every token's first-pass features from its own, its neighbours' and the sentence's parts
    (``keep``, when given, filters the parts built here: gazetteer flags and word bigrams)."""
    win = OPTS["window"]
    if gaz is not None:
        gz = [["gz=" + g for g in flags] for flags in gaz]
        gzn = {d: [[f"{d}gz={g}" for g in flags] for flags in gaz] for d in (-1, 1)}
        if keep is not None:
            gz = [[f for f in fs if keep(f)] for fs in gz]
            gzn = {d: [[f for f in fs if keep(f)] for fs in v] for d, v in gzn.items()}
    out: list[list[str]] = []
    for i in range(n):
        f = list(own(i))
        if gaz is not None:
            f += gz[i]
        for d in range(-win, win + 1):
            if d == 0:
                continue
            j = i + d
            if j < 0:
                if d == -1:
                    f.append("BOS")
                continue
            if j >= n:
                if d == 1:
                    f.append("EOS")
                continue
            f += nb(j, d)
            if gaz is not None and abs(d) == 1:
                f += gzn[d][j]
        for bigram in ((f"-1w|w={words[i - 1]}|{words[i]}",) if i > 0 else ()) + \
                ((f"w|+1w={words[i]}|{words[i + 1]}",) if i + 1 < n else ()):
            if keep is None or keep(bigram):
                f.append(bigram)
        out.append(f)
    return out


TYPE_CACHE = 30_000  # word types per generation of the tagging-time cache (two generations kept; ~1 KB each)


class _Fast:
    """Tagging-time features: per word type, the token's facts and the summed weights of its own
    features and of those it gives its neighbours, computed once (``emissions``). ``sentence``
    builds the same features as strings, filtered to the attributes the model has weights for
    (crfsuite ignores the others, so the labels are those of the full features; a test checks it).

    The cache keeps two generations of ``TYPE_CACHE`` word types: when the current one is full it
    becomes the old one, and a type met again is taken back from it, so the frequent words of a
    long corpus stay and its one-off names go."""

    def __init__(self, attrs: frozenset[str], weights: Any = None) -> None:
        self.attrs = attrs
        self.types: dict[str, tuple[_Info, int]] = {}  # word type -> (its facts, its row)
        self.old: dict[str, tuple[_Info, int]] = {}
        self._free: list[int] = []  # rows of the dropped generation, to reuse
        self._rows = 0
        # With the model's weights (khabar.extract.crfdecode.CrfWeights): per word type (its row),
        # the summed weights of its own features and dense dimensions, and of what it gives each
        # neighbour; whether it has a word vector (crfsuite then sees its features as a dict, so
        # an attribute repeated in the token's list counts once).
        self.weights = weights
        win = OPTS["window"]
        self.offsets = [d for d in range(-win, win + 1) if d]
        nl = len(weights.labels) if weights is not None else 0
        self.own = np.zeros((1024, nl))
        self.nb = np.zeros((1024, len(self.offsets), nl))
        self.has_dense = np.zeros(1024, dtype=bool)
        self._label_rows: tuple[np.ndarray, ...] | None = None  # see with_labels
        self._context: Any = None  # see _context_rows

    def clear(self) -> None:
        self.types, self.old, self._free, self._rows = {}, {}, [], 0

    def entries(self, sents: Sequence[Sequence[str]]) -> list[list[tuple[_Info, int]]]:
        """Each token's facts and row, for the sentences of one document (the cache turns over only
        before it, so no row of the document is reused under it). The word types new to the cache
        are weighed together, in one gather and sum over the weights for all of them."""
        self._turn()
        types, old = self.types, self.old
        new: list[tuple[_Info, int]] = []
        out: list[list[tuple[_Info, int]]] = []
        for toks in sents:
            es: list[tuple[_Info, int]] = []
            for tok in toks:
                e = types.get(tok)
                if e is None:
                    e = old.pop(tok, None)
                    if e is None:
                        if self._free:
                            row = self._free.pop()
                        else:
                            row, self._rows = self._rows, self._rows + 1
                        e = (_Info(tok), row)
                        new.append(e)
                    types[tok] = e
                es.append(e)
            out.append(es)
        if new and self.weights is not None:
            self._weigh(new)
        return out

    def _turn(self) -> None:
        """Retire the current generation if it is full; only between documents, so the rows of the
        words of the document being scored are never reused under it."""
        if len(self.types) >= TYPE_CACHE:
            self._free += [r for _, r in self.old.values()]
            self.old, self.types = self.types, {}

    def own_features(self, x: _Info) -> list[str]:
        return [f for f in _own_features(x) if f in self.attrs]

    def neighbour_features(self, x: _Info) -> dict[int, list[str]]:
        return {d: [f for f in _neighbour_features(x, d) if f in self.attrs] for d in self.offsets}

    def _weigh(self, new: list[tuple[_Info, int]]) -> None:
        """Fill the rows of new word types: the summed weights of each one's own features (plus
        its word vector's dimensions times their weights) and of the features it gives each
        neighbour. All of them in one gather of weight rows and one segmented sum."""
        rows = np.fromiter((r for _, r in new), dtype=np.int64, count=len(new))
        top = int(rows.max()) + 1
        if top > len(self.own):
            cap = len(self.own)
            while cap < top:
                cap *= 2
            for name in ("own", "nb", "has_dense"):
                old = getattr(self, name)
                grown = np.zeros((cap, *old.shape[1:]), dtype=old.dtype)
                grown[: len(old)] = old
                setattr(self, name, grown)
        w = self.weights
        ids = w.attrs
        vecs = vectors() if OPTS["dense"] else None
        slots = len(self.offsets) + 1  # own features, then one slot per neighbour offset
        flat: list[int] = []  # weight rows, grouped by segment (new type × slot), segments ascending
        seg: list[int] = []
        dense = np.zeros(len(new), dtype=bool)
        ranks: list[int] = []
        for i, (x, _) in enumerate(new):
            own = self.own_features(x)
            if vecs is not None and x.rank is not None and x.rank < vecs.rows:
                # crfsuite sees a word with a vector as a dict of features: a repeated one counts once
                own = list(dict.fromkeys(own))
                dense[i] = True
                ranks.append(x.rank)
            base = i * slots
            flat += [ids[f] for f in own]
            seg += [base] * len(own)
            nb = self.neighbour_features(x)
            for k, d in enumerate(self.offsets, 1):
                fs = nb[d]
                flat += [ids[f] for f in fs]
                seg += [base + k] * len(fs)
        sums = np.zeros((len(new) * slots, w.W.shape[1]))
        if flat:
            sg = np.array(seg, dtype=np.int64)
            starts = np.flatnonzero(np.concatenate(([True], sg[1:] != sg[:-1])))
            sums[sg[starts]] = np.add.reduceat(w.W[np.array(flat, dtype=np.int64)], starts, axis=0)
        sums = sums.reshape(len(new), slots, -1)
        if ranks:
            # the words' int8 vectors straight from the file's bytes (the same values as
            # Vectors.features gives crfsuite: each byte times the scale)
            raw = np.frombuffer(vecs.data, dtype=np.int8).reshape(-1, vecs.dim)[np.array(ranks)]
            sums[dense, 0] += w.dense(vecs.names, raw.astype(np.float64) * vecs.scale)
        self.own[rows] = sums[:, 0]
        self.nb[rows] = sums[:, 1:]
        self.has_dense[rows] = dense

    def emissions(self, tokens: Sequence[str] | Sequence[Token]) -> tuple[list[_Info], np.ndarray, np.ndarray]:
        """The sentence's first-pass state scores (tokens × labels) from the model's weights: the
        same sums crfsuite makes of the features ``sentence`` builds. Also the token facts and
        which tokens have a word vector. ``tokens``: strings, or the tokenizer's tokens (whose
        match keys the lexicon flags then reuse)."""
        infos, E, dense, _ = self.document([tokens])
        return infos[0], E, dense

    def document(self, sents: Sequence[Sequence[str]] | Sequence[Sequence[Token]],
                 ) -> tuple[list[list[_Info]], np.ndarray, np.ndarray, np.ndarray]:
        """``emissions`` for all the sentences of a document at once, flat: the token facts per
        sentence, the state scores and word-vector flags of all tokens in order, and the sentences'
        lengths (the same sums as sentence by sentence, added in another order: they can differ in
        the last bits, which only an exact tie between two label sequences would notice)."""
        found = [list(s) if s and isinstance(s[0], Token) else None for s in sents]
        words = [[t.text for t in f] if f is not None else list(s) for s, f in zip(sents, found, strict=True)]
        entries = self.entries(words)
        lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        n = int(lens.sum())
        idx = np.fromiter((e[1] for es in entries for e in es), dtype=np.int64, count=n)
        E = self.own[idx]
        if n:
            pos, after = places(lens)
            for k, d in enumerate(self.offsets):
                # the tokens that have a neighbour at offset d in their own sentence
                at = np.flatnonzero(pos >= -d) if d < 0 else np.flatnonzero(after >= d)
                if len(at):
                    E[at] += self.nb[idx[at + d], k]
        dense = self.has_dense[idx]
        # the sentences' part of the features (what ``_assemble`` adds to the word types' own):
        # BOS/EOS, word bigrams, gazetteer flags of the token and of its neighbours; as weight rows
        # (at, row), found without building the features' strings
        bos, eos, bigram, flag_row = self._context_rows()
        at: list[int] = []
        rows: list[int] = []
        attrs = self.weights.attrs
        use_gaz = OPTS["gaz"]
        base = 0
        for es, ws, f in zip(entries, words, found, strict=True):
            m = len(es)
            if not m:
                continue
            at += (base, base + m - 1)
            rows += (bos, eos)
            w = [e[0].w for e in es]
            for i in range(1, m):
                a, b = w[i - 1], w[i]
                if "|" in a or "|" in b:  # names the bigram table cannot split: looked up as strings
                    pair = (attrs.get(f"-1w|w={a}|{b}"), attrs.get(f"w|+1w={a}|{b}"))
                else:
                    pair = bigram.get((a, b))
                    if pair is None:
                        continue
                if pair[0] is not None:
                    at.append(base + i)
                    rows.append(pair[0])
                if pair[1] is not None:
                    at.append(base + i - 1)
                    rows.append(pair[1])
            gaz = _gaz_flags(f or ws) if use_gaz else None
            if gaz is not None:
                for j, flags in enumerate(gaz):
                    for g in flags:
                        # the flag's rows as the token's own, its next neighbour's and its previous one's
                        rs = flag_row.get(g)
                        if rs is None:
                            rs = flag_row[g] = (attrs.get("gz=" + g), attrs.get("-1gz=" + g), attrs.get("1gz=" + g))
                        r0, r1, r2 = rs
                        if r0 is not None:
                            at.append(base + j)
                            rows.append(r0)
                        if r1 is not None and j + 1 < m:
                            at.append(base + j + 1)
                            rows.append(r1)
                        if r2 is not None and j > 0:
                            at.append(base + j - 1)
                            rows.append(r2)
            base += m
        if at:
            np.add.at(E, np.array(at, dtype=np.int64), self.weights.W[np.array(rows, dtype=np.int64)])
        infos = [[e[0] for e in es] for es in entries]
        return infos, E, dense, lens

    def _context_rows(self) -> tuple[int, int, dict[tuple[str, str], tuple[int | None, int | None]],
                                     dict[str, tuple[int | None, int | None, int | None]]]:
        """The rows of BOS and EOS; the word bigrams the model has weights for, (previous word,
        word) -> (row of ``-1w|w=`` for the word, row of ``w|+1w=`` for the previous word); the
        rows of each gazetteer flag (``gz=``, ``-1gz=``, ``1gz=``), filled as met."""
        got = self._context
        if got is None:
            w = self.weights
            pairs: dict[tuple[str, str], list[int | None]] = {}
            for name, r in w.attrs.items():
                for k, prefix in enumerate(("-1w|w=", "w|+1w=")):
                    if name.startswith(prefix):
                        rest = name[len(prefix):]
                        if rest.count("|") == 1:  # else a word holds a "|": looked up as a string
                            a, b = rest.split("|")
                            pairs.setdefault((a, b), [None, None])[k] = r
            got = self._context = (w.row("BOS"), w.row("EOS"), {p: (x[0], x[1]) for p, x in pairs.items()}, {})
        return got

    def with_labels(self, E: np.ndarray, ids: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """A copy of ``E`` (a document's tokens, flat; ``lens`` its sentences' lengths) plus the
        weights of the document pass's label features: ``l0=`` the token's first-pass label (id in
        ``ids``), ``l-1=`` / ``l+1=`` its neighbours' within the sentence; what ``doc_features``
        writes as strings, added as rows."""
        rows = self._label_rows
        if rows is None:
            w = self.weights
            rows = self._label_rows = tuple(
                w.W[np.array([w.row(f"{p}={lab}") for lab in w.labels], dtype=np.int64)] for p in ("l0", "l-1", "l+1"))
        own, before, after = rows
        E = E + own[ids]
        n = len(ids)
        if n:
            pos, rest = places(lens)
            at = np.flatnonzero(pos > 0)
            E[at] += before[ids[at - 1]]
            at = np.flatnonzero(rest > 0)
            E[at] += after[ids[at + 1]]
        return E

    def with_extras(self, E: np.ndarray, dense: np.ndarray, extras: Sequence[Sequence[str]]) -> np.ndarray:
        """``E`` plus the weights of more features per token, added in place (a token with a word
        vector counts a repeated feature once, as crfsuite does with its dict of features)."""
        attrs = self.weights.attrs
        pos: list[int] = []
        rows: list[int] = []
        for i, extra in enumerate(extras):
            for f in (dict.fromkeys(extra) if dense[i] else extra):
                r = attrs.get(f)
                if r is not None:
                    pos.append(i)
                    rows.append(r)
        if pos:
            np.add.at(E, np.array(pos), self.weights.W[np.array(rows)])
        return E

    def sentence(self, tokens: Sequence[str]) -> _Sent:
        tokens = list(tokens)
        infos = [e[0] for e in self.entries([tokens])[0]]
        gaz = _gaz_flags(tokens) if OPTS["gaz"] else None
        a = self.attrs
        owns = [self.own_features(x) for x in infos]
        nbs = [self.neighbour_features(x) for x in infos]
        own = (lambda i: owns[i])
        nb = (lambda j, d: nbs[j][d])
        feats = _assemble(len(tokens), own, nb, [x.w for x in infos], gaz, a.__contains__)
        return _Sent(tokens, infos=infos, feats=feats)


def sent_features(tokens: Sequence[str], infos: list[_Info] | None = None) -> list[list[str]]:
    """Feature strings for every token of a sentence (the first-pass features the CRF sees, less
    the dense word-vector dimensions that :func:`_items` adds)."""
    tokens = list(tokens)
    infos = infos if infos is not None else _infos(tokens)
    gaz = _gaz_flags(tokens) if OPTS["gaz"] else None
    return _assemble(len(tokens), lambda i: _own_features(infos[i]),
                     lambda j, d: _neighbour_features(infos[j], d), [x.w for x in infos], gaz)


def features(tokens: Sequence[str], i: int) -> list[str]:
    """Feature strings of ``tokens[i]`` in its sentence ``tokens`` (first pass, no dense dims)."""
    return sent_features(tokens)[i]


def _dense(infos: list[_Info]) -> list[dict[str, float] | None]:
    vecs = vectors() if OPTS["dense"] else None
    if vecs is None:
        return [None] * len(infos)
    return [vecs.features(x.rank) for x in infos]


class _Infos:
    """A sentence as the document pass and propagation read it: its token facts."""

    __slots__ = ("infos",)

    def __init__(self, infos: list[_Info]) -> None:
        self.infos = infos


class _Sent:
    """A sentence prepared for the CRF: token facts, first-pass features, dense dimensions."""

    __slots__ = ("infos", "feats", "dense", "_base")

    def __init__(self, tokens: Sequence[str], infos: list[_Info] | None = None,
                 feats: list[list[str]] | None = None) -> None:
        self.infos = infos if infos is not None else _infos(tokens)
        self.feats = feats if feats is not None else sent_features(tokens, self.infos)
        self.dense = _dense(self.infos)
        self._base: list[Any] | None = None

    def items(self, doc: list[list[str]] | None = None, keep: Callable[[str], bool] | None = None) -> list[Any]:
        """The crfsuite item sequence, with the document features of the second pass if given
        (``keep`` filters those). The first pass's items are kept: the second pass copies them."""
        base = self._base
        if base is None:
            base = self._base = []
            for f, d in zip(self.feats, self.dense, strict=True):
                if d is None:
                    base.append(f)
                else:
                    item = dict.fromkeys(f, 1.0)
                    item.update(d)
                    base.append(item)
        if doc is None:
            return base
        out: list[Any] = []
        for item, extra in zip(base, doc, strict=True):
            if extra and keep is not None:
                extra = [a for a in extra if keep(a)]
            if not extra:
                out.append(item)
            elif isinstance(item, dict):
                item = item.copy()
                item.update(dict.fromkeys(extra, 1.0))
                out.append(item)
            else:
                out.append(item + extra)
        return out


# Words that never count for document consistency (too short or a trigger).
def _doc_key(x: _Info) -> str | None:
    if x.shape not in ("AR", "LAT", "MIX") or len(x.nal) < 2 or x.trig:
        return None
    return x.nal


def doc_features(sents: Sequence[_Sent], labels: Sequence[Sequence[str]],
                 window: int | None = None, label_features: bool = True) -> list[list[list[str]]]:
    """Second-pass features: how the first pass labelled each word elsewhere in the document.

    For the word (its clitic-free, article-free form) at each position: the entity types the
    first pass gave its occurrences within ``window`` sentences either side (``dk=T``), the
    majority (``dm=T``, or ``dm=O`` when most occurrences were outside entities), whether it was
    ever the start of an entity (``db=T``), and the first-pass label of the token and its
    neighbours (``l0=``, ``l-1=``, ``l+1=``; left out with ``label_features=False``, for a caller
    that adds their weights itself, :meth:`_Fast.with_labels`).
    """
    window = OPTS["doc_window"] if window is None else window
    n = len(sents)
    skeys: list[list[str | None]] = [[x.dk for x in s.infos] for s in sents]
    # Only the words the first pass labelled other than O somewhere in the document get features:
    # a word it never labelled has only O counts and begins nothing, wherever the window is (most
    # words of a text, so they are not counted at all).
    tagged = {k for ks, lab in zip(skeys, labels, strict=True) for k, tag in zip(ks, lab, strict=True)
              if tag != "O" and k is not None}
    # Per sentence: dicts word -> {type or "O": count} and word -> types begun, of those words.
    per: list[dict[str, dict[str, int]]] = []
    begins: list[dict[str, set[str]]] = []
    for ks, lab in zip(skeys, labels, strict=True):
        d: dict[str, dict[str, int]] = {}
        bg: dict[str, set[str]] = {}
        for k, tag in zip(ks, lab, strict=True):
            if k not in tagged:
                continue
            if tag == "O":
                p = t = "O"
            else:
                p, t = _split_tag(tag)
                t = t or "O"
            c = d.get(k)
            if c is None:
                d[k] = {t: 1}
            else:
                c[t] = c.get(t, 0) + 1
            if p == "B":
                b = bg.get(k)
                if b is None:
                    bg[k] = {t}
                else:
                    b.add(t)
        per.append(d)
        begins.append(bg)
    # where each word occurs (sentence indices, ascending): a sentence's window is read from the
    # sentences its words occur in, not from every sentence of the window
    where: dict[str, list[int]] = {}
    for sj, d in enumerate(per):
        for k in d:
            occ = where.get(k)
            if occ is None:
                where[k] = [sj]
            else:
                occ.append(sj)
    out: list[list[list[str]]] = []
    for si in range(n):
        lo, hi = max(0, si - window), min(n, si + window + 1)
        lab = labels[si]
        keys = skeys[si]
        if not label_features and tagged.isdisjoint(keys):
            out.append([[] for _ in keys])  # no word of it was labelled anywhere: no features
            continue
        # per word of the sentence: what the window said of it (counts per type) and the types it began
        agg: dict[str, dict[str, int]] = {}
        bag: dict[str, set[str]] = {}
        for k in keys:
            if k not in tagged or k in agg:
                continue
            a = agg[k] = {}
            occ = where[k]  # (the sentence's own words always occur)
            for x in range(bisect_left(occ, lo), len(occ)):
                sj = occ[x]
                if sj >= hi:
                    break
                for t, v in per[sj][k].items():
                    a[t] = a.get(t, 0) + v
                b = begins[sj].get(k)
                if b:
                    got = bag.get(k)
                    if got is None:
                        bag[k] = set(b)
                    else:
                        got |= b
        maj: list[str | None] = []
        fs: list[list[str]] = []
        for i, k in enumerate(keys):
            f: list[str] = ["l0=" + lab[i]] if label_features else []
            m = None
            if k in tagged:
                a = agg[k]
                ents = {t: v for t, v in a.items() if t != "O"}
                for t in ents:
                    f.append("dk=" + t)
                if ents:
                    m = max(a.items(), key=lambda kv: (kv[1], kv[0] != "O"))[0]
                    f.append("dm=" + m)
                    tot = sum(a.values())
                    share = sum(ents.values()) / tot
                    f.append("ds=" + ("all" if share >= 0.99 else "most" if share >= 0.5 else "some"))
                for t in bag.get(k, ()):
                    f.append("db=" + t)
            maj.append(m)
            fs.append(f)
        for i, f in enumerate(fs):
            if i > 0:
                if label_features:
                    f.append("l-1=" + lab[i - 1])
                if maj[i - 1]:
                    f.append("-1dm=" + maj[i - 1])
            if i + 1 < len(fs):
                if label_features:
                    f.append("l+1=" + lab[i + 1])
                if maj[i + 1]:
                    f.append("+1dm=" + maj[i + 1])
        out.append(fs)
    return out


_PROP_CLITICS = {"و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"}


def propagate(sents: Sequence[_Sent], labels: Sequence[Sequence[str]], window: int | None = None,
              types: Sequence[str] = ("PERS", "LOC", "ORG")) -> list[list[str]]:
    """Label-propagation over the document: an entity the tagger found somewhere (``بغداد``,
    ``علي لاريجاني``) is also tagged where the same words occur untagged within ``window`` sentences,
    optionally behind a proclitic (``وبغداد``); a person's last name alone (``لاريجاني``) too.
    Longest match first; only ``O`` tokens change; single words need 3+ letters."""
    window = OPTS["doc_window"] if window is None else window
    n = len(sents)
    keys = [[x.w for x in s.infos] for s in sents]
    found: list[list[tuple[tuple[str, ...], str, float]]] = []
    for ks, lab in zip(keys, labels, strict=True):
        f = []
        for a, b, t in bio_spans(lab):
            if t in types:
                f.append((tuple(ks[a:b]), t, 1.0))
                if t == "PERS" and b - a >= 2:
                    f.append((tuple(ks[b - 1:b]), t, 0.5))
        found.append(f)
    out = [list(lab) for lab in labels]
    for si in range(n):
        d: dict[tuple[str, ...], dict[str, float]] = {}
        for sj in range(max(0, si - window), min(n, si + window + 1)):
            for ks, t, w in found[sj]:
                c = d.setdefault(ks, {})
                c[t] = c.get(t, 0.0) + w
        if not d:
            continue
        maxl = max(len(k) for k in d)
        firsts = {k[0] for k in d}
        p, ks = out[si], keys[si]
        i = 0
        while i < len(p):
            if p[i] != "O":
                i += 1
                continue
            # the readings of the token a match may start with: itself, or behind a proclitic (of
            # one or two letters, so one of the first three tests holds for any reading that is a
            # first word; most tokens fail them all)
            w = ks[i]
            if w not in firsts and w[1:] not in firsts and w[2:] not in firsts:
                i += 1
                continue
            reads = [w] + [b for pre, b in bases(w)[1:] if pre in _PROP_CLITICS]
            if not any(r in firsts for r in reads):
                i += 1
                continue
            step = 1
            for L in range(min(maxl, len(p) - i), 0, -1):
                if any(x != "O" for x in p[i:i + L]):
                    continue
                rest = tuple(ks[i + 1:i + L])
                hit = None
                for r in reads:
                    c = (r,) + rest
                    if c in d and (L > 1 or len(r) >= 3):
                        hit = d[c]
                        break
                if hit is not None:
                    t = max(hit.items(), key=lambda kv: kv[1])[0]
                    p[i] = "B-" + t
                    for j in range(i + 1, i + L):
                        p[j] = "I-" + t
                    step = L
                    break
            i += step
    return out


# --------------------------------------------------------------------------------------------
# Tagger
# --------------------------------------------------------------------------------------------


class CrfTagger:
    """The shipped CRF model, loaded lazily once per process (thread-safe).

    One model serves both passes: it was trained on every sentence twice, once with first-pass
    features only and once with the document features computed from (cross-validated) first-pass
    labels. ``tag_document`` runs pass 1 over all sentences, then pass 2 with what pass 1 said
    about each word elsewhere in the document.
    """

    _load_lock = threading.Lock()
    _tag_lock = threading.Lock()
    _shared: dict[str, Any] = {}

    def __init__(self, model_path: Path | str | None = None) -> None:
        self.model_path = Path(model_path) if model_path else MODEL_PATH

    @property
    def tagger(self) -> Any:
        p = str(self.model_path)
        t = self._shared.get(p)
        if t is None:
            with self._load_lock:
                t = self._shared.get(p)
                if t is None:
                    import pycrfsuite

                    if not self.model_path.exists():
                        raise FileNotFoundError(f"NER model not found: {p} (run scripts/train_ner.py)")
                    t = pycrfsuite.Tagger()
                    t.open(p)
                    self._shared[p] = t
        return t

    def _run(self, items: list[Any]) -> list[str]:
        tg = self.tagger
        with self._tag_lock:  # a crfsuite Tagger is not re-entrant
            return list(tg.tag(items))

    @property
    def fast(self) -> _Fast:
        """The tagging-time feature builder for this model (its attributes read once)."""
        p = str(self.model_path)
        f = self._shared.get("fast:" + p)
        if f is None:
            tg = self.tagger
            with self._load_lock:
                f = self._shared.get("fast:" + p)
                if f is None:
                    from .crfdecode import CrfWeights

                    weights = CrfWeights(self.model_path, tg)
                    attrs = frozenset(a for a, i in weights.attrs.items() if weights.W[i].any())
                    f = self._shared["fast:" + p] = _Fast(attrs, weights)
        return f

    def tag_prepared(self, sents: Sequence[_Sent], docpass: bool | None = None,
                     prop: bool | None = None, keep: Callable[[str], bool] | None = None) -> list[list[str]]:
        labels = [self._run(s.items()) if s.feats else [] for s in sents]
        if OPTS["docpass"] if docpass is None else docpass:
            doc = doc_features(sents, labels)
            labels = [self._run(s.items(d, keep)) if s.feats else [] for s, d in zip(sents, doc, strict=True)]
        if OPTS["propagate"] if prop is None else prop:
            labels = propagate(sents, labels)
        return labels

    def tag_document(self, sents: Sequence[Sequence[str]] | Sequence[Sequence[Token]], docpass: bool | None = None,
                     prop: bool | None = None) -> list[list[str]]:
        """BIO labels for every sentence of a document (two passes, then propagation); a sentence
        is its token strings or the tokenizer's tokens (whose match keys are then reused). The same
        labels as ``tag_prepared([_Sent(s) for s in sents])``, many times faster. The model's
        weights are summed per word type (:class:`_Fast`) and Viterbi runs over all the sentences
        at once in numpy (:mod:`khabar.extract.crfdecode`), instead of crfsuite converting every
        token's ~90 feature strings on every call."""
        return self.tag_documents([sents], docpass, prop)[0]

    def tag_documents(self, docs: Sequence[Sequence[Sequence[str]] | Sequence[Sequence[Token]]],
                      docpass: bool | None = None, prop: bool | None = None) -> list[list[list[str]]]:
        """``tag_document`` for several documents: each is tagged on its own (its document pass
        and propagation read only its own sentences), but each pass decodes the sentences of all
        of them together, which shares Viterbi's per-position cost (a worker's chunk of articles)."""
        from .crfdecode import viterbi_flat

        if not docs:
            return []
        fast = self.fast
        names = fast.weights.labels
        T = fast.weights.T
        prepared = [fast.document(sents) for sents in docs]  # (infos per sentence, E, dense, lens)
        holders = [[_Infos(i) for i in p[0]] for p in prepared]

        lens = [p[3] for p in prepared]
        cuts = np.cumsum([int(ls.sum()) for ls in lens])[:-1]

        def decode(scores: list[np.ndarray]) -> tuple[list[list[list[str]]], list[np.ndarray]]:
            """Each document's labels per sentence, and its tokens' label ids (flat)."""
            flat = viterbi_flat(np.concatenate(scores), np.concatenate(lens), T)
            labels = [names[i] for i in flat.tolist()]
            out: list[list[list[str]]] = []
            at = 0
            for ls in lens:
                doc: list[list[str]] = []
                for m in ls.tolist():
                    doc.append(labels[at:at + m])
                    at += m
                out.append(doc)
            return out, np.split(flat, cuts)

        labels, ids = decode([p[1] for p in prepared])
        if OPTS["docpass"] if docpass is None else docpass:
            second = []
            for (_, E, dense, ls), held, lab, lid in zip(prepared, holders, labels, ids, strict=True):
                # the features of the first-pass labels (l0, l-1, l+1) as weight rows by label id;
                # the rest of the document features as strings
                extra = [f for sent in doc_features(held, lab, label_features=False) for f in sent]
                second.append(fast.with_extras(fast.with_labels(E, lid, ls), dense, extra))
            labels, _ = decode(second)
        if OPTS["propagate"] if prop is None else prop:
            labels = [propagate(held, lab) for held, lab in zip(holders, labels, strict=True)]
        return labels

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO labels (B-PERS, I-LOC, ..., O) for ``tokens``, taken as one sentence (and document)."""
        if not tokens:
            return []
        return self.tag_document([tokens])[0]


@lru_cache(maxsize=1)
def default_tagger() -> CrfTagger:
    return CrfTagger()


# --------------------------------------------------------------------------------------------
# BIO spans (conlleval semantics)
# --------------------------------------------------------------------------------------------


def _split_tag(tag: str) -> tuple[str, str]:
    if tag == "O" or not tag or "-" not in tag:
        return "O", ""
    p, _, t = tag.partition("-")
    return p, t


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Chunks ``(start, end_exclusive, type)`` as conlleval reads them.

    A chunk starts at ``B-X``, or at ``I-X`` after ``O`` or after a chunk of another type; it
    continues over ``I-X`` tokens of the same type. (``E-``/``S-`` are read as ``I-``/``B-``.)
    """
    spans: list[tuple[int, int, str]] = []
    if tags.count("O") == len(tags):  # most sentences: nothing to read
        return spans
    start, cur = -1, ""
    for i, tag in enumerate(tags):
        p, t = _split_tag(tag)
        if p == "E":
            p = "I"
        elif p == "S":
            p = "B"
        if cur and (p in ("O", "B") or t != cur):
            spans.append((start, i, cur))
            start, cur = -1, ""
        if p in ("B", "I") and not cur:
            start, cur = i, t
    if cur:
        spans.append((start, len(tags), cur))
    return spans


# --------------------------------------------------------------------------------------------
# Mentions from text
# --------------------------------------------------------------------------------------------

_CLITICS = ("و", "ف", "ب", "ل", "ك")
_GPE_HEADS = {key(w) for w in ("مدينة", "محافظة", "ولاية", "دولة", "جمهورية", "مملكة", "المملكة", "إمارة",
                                 "العاصمة", "عاصمة", "إقليم", "مقاطعة", "بلدة", "قرية")}
_BREAK_KEYS = {".", "!", "?", ";", ":", ","}


def _chunks(toks: list[Token], text: str) -> Iterator[list[int]]:
    """Token index lists, one per sentence, cut to at most ``MAX_CHUNK`` tokens."""
    spans = list(sentences(text))
    i, n = 0, len(toks)
    for s, e in spans:
        cur: list[int] = []
        while i < n and toks[i].start < e:
            if toks[i].end > s:
                cur.append(i)
            i += 1
        yield from _cut(cur, toks)
    if i < n:
        yield from _cut(list(range(i, n)), toks)


def _cut(idx: list[int], toks: list[Token]) -> Iterator[list[int]]:
    while len(idx) > MAX_CHUNK:
        cut = MAX_CHUNK
        for j in range(MAX_CHUNK - 1, MAX_CHUNK // 2, -1):  # prefer a cut after punctuation
            if toks[idx[j]].key in _BREAK_KEYS:
                cut = j + 1
                break
        yield idx[:cut]
        idx = idx[cut:]
    if idx:
        yield idx


def _clitic_len(tok: Token) -> int:
    """Characters of a leading conjunction/preposition clitic to drop from a mention's first token.

    Dropped only when the token's text starts with the clitic letters literally and the peeled
    word is better known than the whole (more frequent in the cluster corpus, or known to the
    gazetteer): ``ولبنان`` -> ``لبنان``, but ``لبنان``, ``بوش`` and ``فرنسا`` are kept whole.
    """
    k = tok.key
    cls = clusters()
    full_rank = cls.rank(k)
    best = 0
    for pre, base in bases(k):
        if not pre or any(c not in _CLITICS for c in pre) or len(base) < 2:
            continue
        if not tok.text.startswith(pre):
            continue
        r = cls.rank(base)
        if r is not None and (full_rank is None or r < full_rank):
            best = max(best, len(pre))
    return best


def _loc_type(name: str, first_key: str) -> str:
    """GPE for countries, cities and other states (gazetteer, or a city/state head word), else LOC."""
    try:
        from . import gazetteer  # type: ignore[attr-defined]

        fn = getattr(gazetteer, "place_kind", None)
        if fn is not None:
            kind = fn(name)
            if kind:
                kind = str(kind).lower()
                if kind in ("gpe", "country", "city", "capital", "territory", "region", "state", "province"):
                    return "GPE"
                return "LOC"
    except Exception:  # no gazetteer: fall back on the head word
        pass
    for _, b in bases(first_key):
        if b in _GPE_HEADS:
            return "GPE"
    return "LOC"


_TYPE_MAP = {"PERS": "PERSON", "ORG": "ORG", "LOC": "LOC"}


def crf_mentions(
    text: str, tagger: CrfTagger | None = None, misc: bool = False, tokens: list[Token] | None = None
) -> list[Mention]:
    """PERSON / GPE / LOC / ORG mentions in ``text`` found by the CRF (``source="crf"``).

    Offsets index ``text`` (``text[m.start:m.end] == m.text``). MISC spans are skipped unless
    ``misc`` (then typed OTHER). ``tokens``: ``tokenize(text)`` when the caller has it already.
    """
    return crf_mentions_many([text], tagger, misc, [tokens])[0]


def crf_mentions_many(
    texts: Sequence[str], tagger: CrfTagger | None = None, misc: bool = False,
    tokens: Sequence[list[Token] | None] | None = None,
) -> list[list[Mention]]:
    """``crf_mentions`` of several texts, tagged together (:meth:`CrfTagger.tag_documents`); the
    same mentions as one text at a time. ``tokens``: each text's tokens, or ``None`` where the
    caller has none."""
    toks = [tokenize(t) if k is None else k for t, k in zip(texts, tokens or [None] * len(texts), strict=True)]
    chunked = [[[tk[i] for i in idx] for idx in _chunks(tk, text)] if tk else [] for text, tk in zip(texts, toks)]
    tagger = tagger or default_tagger()
    todo = [i for i, c in enumerate(chunked) if c]
    tagged = dict(zip(todo, tagger.tag_documents([chunked[i] for i in todo]) if todo else [], strict=True))
    return [_spans_to_mentions(text, chunked[i], tagged[i], misc) if i in tagged else []
            for i, text in enumerate(texts)]


def _spans_to_mentions(text: str, chunks: list[list[Token]], all_tags: list[list[str]], misc: bool) -> list[Mention]:
    out: list[Mention] = []
    for chunk, tags in zip(chunks, all_tags, strict=True):
        for a, b, typ in bio_spans(tags):
            if typ == "MISC" and not misc:
                continue
            span = chunk[a:b]
            # Never start or end a mention on punctuation.
            while span and not any(ch.isalnum() for ch in span[0].key):
                span = span[1:]
            while span and not any(ch.isalnum() for ch in span[-1].key):
                span = span[:-1]
            if not span:
                continue
            start, end = span[0].start, span[-1].end
            cut = _clitic_len(span[0])
            if cut and span[0].end - (span[0].start + cut) >= 2:
                start += cut
            mtext = text[start:end]
            if typ == "LOC":
                mtype = _loc_type(mtext, span[0].key)
            else:
                mtype = _TYPE_MAP.get(typ, "OTHER")
            out.append(Mention(start=start, end=end, text=mtext, type=mtype, key=key(mtext), source="crf"))
    return out


# --------------------------------------------------------------------------------------------
# ANERcorp-format data and evaluation
# --------------------------------------------------------------------------------------------


def read_conll(path: str | Path) -> list[tuple[str, str]]:
    """``(token, tag)`` pairs of a token-per-line ``token TAG`` file (blank lines are skipped).

    The tag is the last whitespace-separated field (space or tab); the token is everything before
    it (ANERcorp has a few tokens that are empty or contain a space). A byte-order mark, CRLF line
    ends and trailing whitespace are tolerated.
    """
    pairs: list[tuple[str, str]] = []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            line = line.rstrip()
            if not line.strip():
                continue
            m = _CONLL_LINE.match(line)
            if m is None:
                tok, tag = line, "O"
            else:
                tok, tag = m.group(1), m.group(2)
            pairs.append((tok.strip(), tag))
    return pairs


_CONLL_LINE = re.compile(r"^(.*?)[ \t]+(\S+)$")


def split_sentences(pairs: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """ANERcorp has no sentence breaks: a sentence ends after each ``.`` token."""
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for tok, tag in pairs:
        cur.append((tok, tag))
        if tok == ".":
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


def read_sentences(path: str | Path) -> list[list[tuple[str, str]]]:
    return split_sentences(read_conll(path))


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]],
          types: Sequence[str] = LABEL_TYPES) -> dict[str, Any]:
    """Exact-span precision/recall/F1 per type and overall (conlleval semantics), in percent.

    ``overall`` counts every type (like conlleval); ``PLO`` counts PERS, LOC and ORG only.
    """
    tp: dict[str, int] = {}
    ng: dict[str, int] = {}
    np_: dict[str, int] = {}
    ntok = 0
    correct_tags = 0
    for g, p in zip(gold, pred, strict=True):
        if len(g) != len(p):
            raise ValueError("gold and predicted sequences differ in length")
        ntok += len(g)
        correct_tags += sum(1 for a, b in zip(g, p) if a == b)
        gs = set(bio_spans(g))
        ps = set(bio_spans(p))
        for s in gs:
            ng[s[2]] = ng.get(s[2], 0) + 1
        for s in ps:
            np_[s[2]] = np_.get(s[2], 0) + 1
        for s in gs & ps:
            tp[s[2]] = tp.get(s[2], 0) + 1

    def prf(t: int, npred: int, ngold: int) -> dict[str, float | int]:
        p = 100.0 * t / npred if npred else 0.0
        r = 100.0 * t / ngold if ngold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": t, "pred": npred, "gold": ngold}

    all_types = list(types) + sorted((set(ng) | set(np_)) - set(types))
    res: dict[str, Any] = {"per_type": {}}
    for t in all_types:
        res["per_type"][t] = prf(tp.get(t, 0), np_.get(t, 0), ng.get(t, 0))
    plo = [t for t in ("PERS", "LOC", "ORG")]
    res["PLO"] = prf(sum(tp.get(t, 0) for t in plo), sum(np_.get(t, 0) for t in plo),
                     sum(ng.get(t, 0) for t in plo))
    res["overall"] = prf(sum(tp.values()), sum(np_.values()), sum(ng.values()))
    res["tokens"] = ntok
    res["accuracy"] = 100.0 * correct_tags / ntok if ntok else 0.0
    return res


def eval_ner(path: str | Path, tagger: CrfTagger | None = None) -> dict[str, Any]:
    """Tag an ANERcorp-format file with the shipped model and score it against its tags."""
    sents = read_sentences(path)
    tagger = tagger or default_tagger()
    gold = [[t for _, t in s] for s in sents]
    pred = tagger.tag_document([[w for w, _ in s] for s in sents])
    res = score(gold, pred)
    res["path"] = str(path)
    res["sentences"] = len(sents)
    return res


def format_report(result: dict[str, Any]) -> str:
    """conlleval-like report; the last line is ``overall: precision P recall R f1 F``."""
    lines = []
    if "path" in result:
        lines.append(f"file: {result['path']}")
    ov = result["overall"]
    lines.append(f"processed {result.get('tokens', 0)} tokens with {ov['gold']} phrases; "
                 f"found: {ov['pred']} phrases; correct: {ov['tp']}.")
    lines.append(f"accuracy: {result.get('accuracy', 0.0):6.2f}%")
    for t, r in result["per_type"].items():
        lines.append(f"{t:>8}: precision {r['precision']:6.2f} recall {r['recall']:6.2f} "
                     f"f1 {r['f1']:6.2f}  ({r['pred']} found, {r['gold']} gold)")
    r = result["PLO"]
    lines.append(f"PERS+LOC+ORG: precision {r['precision']:.2f} recall {r['recall']:.2f} f1 {r['f1']:.2f}")
    lines.append(f"overall: precision {ov['precision']:.2f} recall {ov['recall']:.2f} f1 {ov['f1']:.2f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Training (used by scripts/train_ner.py and bench/ner.py)
# --------------------------------------------------------------------------------------------

DEFAULT_PARAMS: dict[str, Any] = {
    "c1": 0.1,
    "c2": 0.1,
    "max_iterations": 150,
    "feature.minfreq": 1,
    "feature.possible_transitions": True,
}


def folds(n: int, k: int = 5) -> list[tuple[int, int]]:
    """``k`` contiguous ``[start, end)`` ranges covering ``range(n)``."""
    return [(n * i // k, n * (i + 1) // k) for i in range(k)]


def _fit(path: str, data: Iterable[tuple[list[Any], list[str]]], params: dict[str, Any]) -> None:
    import pycrfsuite

    tr = pycrfsuite.Trainer(verbose=False)
    for x, y in data:
        tr.append(x, y)
    tr.set_params(params)
    tr.train(path)


def _predict(path: str, xs: Iterable[list[Any]]) -> list[list[str]]:
    import pycrfsuite

    tg = pycrfsuite.Tagger()
    tg.open(path)
    try:
        return [list(tg.tag(x)) if x else [] for x in xs]
    finally:
        tg.close()


def _jackknife(prep: Sequence[_Sent], ys: Sequence[list[str]], idx: Sequence[int], params: dict[str, Any],
               k: int, td: str, log: Callable[[str], None] | None) -> dict[int, list[str]]:
    """First-pass labels for the sentences ``idx``, each from a model not trained on it."""
    out: dict[int, list[str]] = {}
    for fi, (a, b) in enumerate(folds(len(idx), k)):
        held = idx[a:b]
        rest = [j for j in idx[:a]] + [j for j in idx[b:]]
        mp = f"{td}/jk{fi}.crfsuite"
        _fit(mp, ((prep[j].items(), ys[j]) for j in rest), params)
        for j, lab in zip(held, _predict(mp, (prep[j].items() for j in held)), strict=True):
            out[j] = lab
        if log:
            log(f"  jackknife {fi + 1}/{k} done")
    return out


def _fit_two_pass(prep: Sequence[_Sent], ys: Sequence[list[str]], idx: Sequence[int], params: dict[str, Any],
                  path: str, docpass: bool, td: str, log: Callable[[str], None] | None = None,
                  jackknife: int = 5) -> None:
    """Train one model on the sentences ``idx``: first-pass items, plus (``docpass``) the same
    sentences with document features from jackknifed first-pass labels."""
    if not docpass:
        _fit(path, ((prep[j].items(), ys[j]) for j in idx), params)
        return
    jk = _jackknife(prep, ys, idx, params, jackknife, td, log)
    idx = list(idx)
    doc = doc_features([prep[j] for j in idx], [jk[j] for j in idx])

    def data() -> Iterator[tuple[list[Any], list[str]]]:
        for n, j in enumerate(idx):
            yield prep[j].items(), ys[j]
            yield prep[j].items(doc[n]), ys[j]

    _fit(path, data(), params)


def prepare(sents: Sequence[Sequence[tuple[str, str]]]) -> tuple[list[_Sent], list[list[str]]]:
    """Features of ``(token, tag)`` sentences, computed once, and their label sequences."""
    return [_Sent([w for w, _ in s]) for s in sents], [[t for _, t in s] for s in sents]


def train(sents: Sequence[Sequence[tuple[str, str]]], model_path: str | Path,
          params: dict[str, Any] | None = None, docpass: bool | None = None,
          log: Callable[[str], None] | None = None) -> None:
    """Train the CRF on ``(token, tag)`` sentences and write it to ``model_path``."""
    import tempfile

    p = dict(DEFAULT_PARAMS)
    p.update(params or {})
    docpass = OPTS["docpass"] if docpass is None else docpass
    prep, ys = prepare(sents)
    with tempfile.TemporaryDirectory() as td:
        _fit_two_pass(prep, ys, list(range(len(prep))), p, str(model_path), docpass, td, log)
    CrfTagger._shared.pop(str(model_path), None)


def cross_validate(sents: Sequence[Sequence[tuple[str, str]]], params: dict[str, Any] | None = None,
                   k: int = 5, docpass: bool | None = None, prepared: tuple[list[_Sent], list[list[str]]] | None = None,
                   only: Sequence[int] | None = None, log: Callable[[str], None] | None = None,
                   keep_predictions: bool = False) -> dict[str, Any]:
    """``k``-fold cross-validation over contiguous blocks of sentences; scores pooled over folds.

    With ``docpass`` each outer training set gets its first-pass labels by an inner jackknife over
    its own sentences, so no held-out label reaches training.
    """
    import tempfile

    prep, ys = prepared if prepared is not None else prepare(sents)
    p = dict(DEFAULT_PARAMS)
    p.update(params or {})
    docpass = OPTS["docpass"] if docpass is None else docpass
    gold_all: list[list[str]] = []
    pred_all: list[list[str]] = []
    per_fold = []
    preds: dict[int, list[str]] = {}
    with tempfile.TemporaryDirectory() as td:
        for fi, (a, b) in enumerate(folds(len(prep), k)):
            if only is not None and fi not in only:
                continue
            train_idx = list(range(0, a)) + list(range(b, len(prep)))
            mp = f"{td}/fold{fi}.crfsuite"
            _fit_two_pass(prep, ys, train_idx, p, mp, docpass, td)
            tagger = CrfTagger(mp)
            pred = tagger.tag_prepared(prep[a:b], docpass)
            CrfTagger._shared.pop(mp, None)
            gold = ys[a:b]
            r = score(gold, pred)
            per_fold.append(r)
            if log:
                log(f"fold {fi + 1}/{k}: PERS+LOC+ORG f1 {r['PLO']['f1']:.2f}, overall f1 {r['overall']['f1']:.2f}")
            gold_all += gold
            pred_all += pred
            for j, lab in zip(range(a, b), pred, strict=True):
                preds[j] = lab
    res = score(gold_all, pred_all)
    res["folds"] = per_fold
    res["params"] = p
    res["docpass"] = docpass
    if keep_predictions:
        res["predictions"] = preds
    return res
