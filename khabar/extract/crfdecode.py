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


def viterbi(emissions: Sequence[np.ndarray], T: np.ndarray) -> list[np.ndarray]:
    """The best label ids of each sentence (``emissions[s]``: tokens × labels state scores), all
    sentences decoded together; empty sentences give empty arrays."""
    out: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(emissions)
    live = [s for s in range(len(emissions)) if len(emissions[s])]
    if not live:
        return out
    order = sorted(live, key=lambda s: -len(emissions[s]))  # longest first: the active ones are a prefix
    lens = np.array([len(emissions[s]) for s in order], dtype=np.int64)
    n, width, nl = len(order), int(lens[0]), T.shape[0]
    E = np.zeros((n, width, nl), dtype=np.float64)
    for k, s in enumerate(order):
        E[k, : lens[k]] = emissions[s]
    # sentences that have token t (lens is descending)
    active = np.searchsorted(-lens, -np.arange(width), side="left").tolist()
    delta = E[:, 0].copy()
    back = np.zeros((n, width, nl), dtype=np.int64)
    for t in range(1, width):
        k = active[t]
        cand = delta[:k, :, None] + T[None, :, :]  # (sentence, from, to)
        back[:k, t] = cand.argmax(axis=1)  # the first best predecessor, as crfsuite's strict comparison keeps
        delta[:k] = cand.max(axis=1) + E[:k, t]
    paths = np.zeros((n, width), dtype=np.int64)
    y = np.zeros(n, dtype=np.int64)
    rows = np.arange(n)
    for t in range(width - 1, -1, -1):
        k = active[t]
        ends = np.nonzero(lens[:k] - 1 == t)[0]
        if len(ends):
            y[ends] = delta[ends].argmax(axis=1)
        paths[:k, t] = y[:k]
        if t:
            y[:k] = back[rows[:k], t, y[:k]]
    for k, s in enumerate(order):
        out[s] = paths[k, : lens[k]]
    return out
