"""Decoding a crfsuite CRF in numpy: the same labels as crfsuite's tagger, without its per-call cost.

crfsuite's ``Tagger.tag`` takes every token's attributes as strings and looks each one up in the
model's dictionary on every call; for khabar's tagger (~90 attributes a token, most of them the
same for every occurrence of a word) that conversion was most of the tagging time. Here the
model's weights are read once from the model file (exact float64 values, not the rounded ones of
crfsuite's text dump), a token's score per label is a sum of weight rows, which the caller can
precompute per word type, and Viterbi runs over all sentences of a document at once.

The decoder is crfsuite's first-order linear-chain Viterbi, ties broken the same way (the lowest
label id wins), so the labels are those crfsuite gives (a test compares them on real text); the
sums are done in a different order, so they can differ in the last bits, which would matter only
for an exact tie between two label sequences.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_CHUNK = 12  # a crfsuite chunk header: 4-byte tag, uint32 size, uint32 count


class CrfWeights:
    """A crfsuite model's labels, attribute ids, state weights ``W`` (attributes × labels; one
    last row of zeros for attributes the model does not know) and transition weights ``T``
    (from label × to label)."""

    def __init__(self, model_path: str | Path, tagger: Any) -> None:
        info = tagger.info()
        self.labels: list[str] = [lab for lab, _ in sorted(info.labels.items(), key=lambda kv: int(kv[1]))]
        self.attrs: dict[str, int] = {a: int(i) for a, i in info.attributes.items()}
        raw = Path(model_path).read_bytes()
        off = int(info.header["off_features"], 16)
        if raw[off:off + 4] != b"FEAT":
            raise ValueError(f"{model_path}: no feature chunk where the header puts it (not a crfsuite CRF1d model?)")
        count = struct.unpack_from("<I", raw, off + 8)[0]
        feats = np.frombuffer(raw, dtype=_FEATURE, count=count, offset=off + _CHUNK)
        nl = len(self.labels)
        self.unknown = len(self.attrs)
        self.W = np.zeros((self.unknown + 1, nl), dtype=np.float64)
        state = feats[feats["type"] == 0]
        np.add.at(self.W, (state["src"].astype(np.int64), state["dst"].astype(np.int64)), state["weight"])
        self.T = np.zeros((nl, nl), dtype=np.float64)
        self._dense_rows: tuple[Sequence[str], np.ndarray] | None = None  # the last names given to dense()
        trans = feats[feats["type"] == 1]
        self.T[trans["src"].astype(np.int64), trans["dst"].astype(np.int64)] = trans["weight"]

    def row(self, attr: str) -> int:
        return self.attrs.get(attr, self.unknown)

    def vector(self, attrs: Iterable[str]) -> np.ndarray:
        """The summed weights of ``attrs`` (each counted as often as it occurs), per label."""
        rows = [self.attrs[a] for a in attrs if a in self.attrs]
        if not rows:
            return np.zeros(self.W.shape[1])
        return self.W[rows].sum(axis=0)

    def dense(self, names: Sequence[str], values: np.ndarray) -> np.ndarray:
        """The weights of real-valued attributes ``names`` times ``values``, summed, per label."""
        cached = self._dense_rows
        if cached is None or cached[0] is not names:
            cached = self._dense_rows = (names, self.W[np.array([self.row(n) for n in names], dtype=np.int64)])
        return values.astype(np.float64) @ cached[1]


def places(lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the tokens of sentences of lengths ``lens``, flat: each one's place in its sentence and
    how many tokens of its sentence come after it."""
    pos = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
    return pos, np.repeat(lens, lens) - pos - 1


def viterbi(emissions: Sequence[np.ndarray], T: np.ndarray) -> list[np.ndarray]:
    """The best label ids of each sentence (``emissions[s]``: tokens × labels state scores), all
    sentences decoded together; empty sentences give empty arrays."""
    lens = np.fromiter(map(len, emissions), dtype=np.int64, count=len(emissions))
    if not lens.sum():
        return [np.zeros(0, dtype=np.int64) for _ in emissions]
    flat = viterbi_flat(np.concatenate([np.asarray(e, dtype=np.float64).reshape(-1, T.shape[0]) for e in emissions]),
                        lens, T)
    return np.split(flat, np.cumsum(lens)[:-1])


def viterbi_flat(E: np.ndarray, lens: np.ndarray, T: np.ndarray) -> np.ndarray:
    """``viterbi`` over sentences given flat: ``E`` the state scores of all their tokens in order
    (tokens × labels), ``lens`` the sentences' lengths; the label ids of all tokens, in order.

    The sentences run side by side, longest first, so the ones still going at a position are a
    prefix: each position costs a few numpy calls for all of them together."""
    n_tok, nl = E.shape
    if not n_tok:
        return np.zeros(0, dtype=np.int64)
    lens = np.asarray(lens, dtype=np.int64)
    order = np.argsort(-lens, kind="stable")
    slens = lens[order]
    n, width = len(lens), int(slens[0])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    row = np.repeat(rank, lens)  # each token's sentence, as a row of the padded arrays
    pos, _ = places(lens)
    P = np.zeros((n, width, nl), dtype=np.float64)
    P[row, pos] = E
    # how many sentences have a token at each position (slens is descending)
    active = np.searchsorted(-slens, -np.arange(width), side="left").tolist()
    delta = P[:, 0].copy()
    back = np.empty((width, n, nl), dtype=np.int64)
    cand = np.empty((n, nl, nl), dtype=np.float64)
    for t in range(1, width):
        k = active[t]
        c = cand[:k]
        np.add(delta[:k, :, None], T, out=c)  # (sentence, from, to)
        np.argmax(c, axis=1, out=back[t, :k])  # the first best predecessor, as crfsuite's strict comparison keeps
        d = delta[:k]
        np.max(c, axis=1, out=d)
        d += P[:k, t]
    # a sentence's delta stops changing after its last token: each one's best last label
    y = delta.argmax(axis=1)
    paths = np.empty((n, width), dtype=np.int64)
    rows = np.arange(n)
    for t in range(width - 1, 0, -1):
        k = active[t]
        paths[:k, t] = y[:k]
        y[:k] = back[t, rows[:k], y[:k]]
    paths[:, 0] = y
    return paths[row, pos]
