#!/usr/bin/env python3
"""Learn word clusters for the NER tagger from unlabelled Arabic news.

    python scripts/build_clusters.py [CORPUS.jsonl.xz] [--out khabar/data/ner_clusters.tsv.gz]

Default corpus: ``../shared/data/ant_multisource.jsonl.xz`` (ANT v2.1, 31,525 articles; TITLE and
TEXT fields). Method (Levy & Goldberg style count-based embeddings, then k-means):

1. tokenise with ``khabar.text`` and take match keys (``key()``);
2. count co-occurrences of the ``--vocab`` most frequent words with the ``--ctx`` most frequent
   words at relative positions -2, -1, +1, +2 (position-tagged contexts);
3. positive PMI with context-distribution smoothing (alpha 0.75);
4. randomised truncated SVD (``--dim`` components), rows scaled by sqrt(sigma) and L2-normalised;
5. spherical k-means at several granularities (``--levels``), each level seeded independently.

Output: a gzipped TSV, words by descending frequency, ``word<TAB>id_level1<TAB>id_level2...``,
with a ``#levels`` header (``ner_clusters.tsv.gz``); and the leading ``--vec-dims`` SVD dimensions
of the ``--vec-rows`` most frequent words, L2-normalised and quantised to int8
(``ner_clusters.vec.gz``; layout in ``khabar.extract.ner.Vectors``; row r = word of rank r).
Only derived ids and vectors are shipped, never corpus text. Needs numpy and scipy (``pip install
numpy scipy``); one process, about 2-3 minutes (set OMP_NUM_THREADS=1 to keep BLAS to one core).
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import struct
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khabar.text import key  # noqa: E402
from khabar.text.tokens import TOKEN_RE  # noqa: E402


def read_docs(path: Path):
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            try:
                d = json.loads(line)
            except ValueError:
                continue
            txt = "\n".join(x for x in (d.get("TITLE"), d.get("TEXT")) if x)
            if txt:
                yield TOKEN_RE.findall(key(txt))


def randomized_svd(X, k: int, n_iter: int = 3, seed: int = 0):
    import numpy as np

    rng = np.random.default_rng(seed)
    omega = rng.standard_normal((X.shape[1], k + 20)).astype(np.float32)
    Y = X @ omega
    Q, _ = np.linalg.qr(Y)
    for _ in range(n_iter):
        Z, _ = np.linalg.qr(X.T @ Q)
        Q, _ = np.linalg.qr(X @ Z)
    B = (X.T @ Q).T  # (k+20) x C
    Ub, s, _ = np.linalg.svd(B, full_matrices=False)
    U = Q @ Ub
    return U[:, :k], s[:k]


def spherical_kmeans(E, k: int, iters: int = 25, seed: int = 0, weights=None):
    """Cosine k-means; ``E`` rows are unit vectors. Initialised from frequent-word rows (k-means++
    on a sample would be nicer; frequency-weighted sampling is enough here)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = E.shape[0]
    p = None
    if weights is not None:
        p = np.sqrt(weights)
        p = p / p.sum()
    init = rng.choice(n, size=k, replace=False, p=p)
    C = E[init].copy()
    assign = np.zeros(n, dtype=np.int64)
    bs = 20000
    for it in range(iters):
        new = np.empty(n, dtype=np.int64)
        for a in range(0, n, bs):
            new[a:a + bs] = np.argmax(E[a:a + bs] @ C.T, axis=1)
        changed = int((new != assign).sum()) if it else n
        assign = new
        S = np.zeros_like(C)
        np.add.at(S, assign, E)
        counts = np.bincount(assign, minlength=k)
        empty = np.where(counts == 0)[0]
        if len(empty):  # re-seed empty clusters with random points
            S[empty] = E[rng.choice(n, size=len(empty), replace=False)]
        C = S / np.maximum(np.linalg.norm(S, axis=1, keepdims=True), 1e-9)
        if changed < n * 0.001:
            break
    return assign


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "data" / "ant_multisource.jsonl.xz"))
    ap.add_argument("--out", default=str(ROOT / "khabar" / "data" / "ner_clusters.tsv.gz"))
    ap.add_argument("--vocab", type=int, default=100000, help="words to cluster (most frequent)")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--ctx", type=int, default=20000, help="context words (most frequent)")
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--dim", type=int, default=120)
    ap.add_argument("--levels", default="64,256,1024,4096")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--vec-out", default=str(ROOT / "khabar" / "data" / "ner_clusters.vec.gz"),
                    help="int8 word vectors of the most frequent words ('' for none)")
    ap.add_argument("--vec-rows", type=int, default=50000)
    ap.add_argument("--vec-dims", type=int, default=48)
    ap.add_argument("--save-vectors", default=None, help="also save the float vectors (.npy, for experiments)")
    args = ap.parse_args(argv)

    import numpy as np
    import scipy.sparse as sp

    corpus = Path(args.corpus)
    if not corpus.exists():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    t0 = time.time()
    docs = list(read_docs(corpus))
    counts = Counter()
    for d in docs:
        counts.update(d)
    ntok = sum(counts.values())
    print(f"read {len(docs)} documents, {ntok} tokens, {len(counts)} types in {time.time() - t0:.0f}s")

    vocab = [w for w, c in counts.most_common(args.vocab) if c >= args.min_count]
    wid = {w: i for i, w in enumerate(vocab)}
    cid = {w: i for i, w in enumerate(vocab[: args.ctx])}
    V, C = len(vocab), min(args.ctx, len(vocab))
    offsets = [d for d in range(-args.window, args.window + 1) if d]
    P = len(offsets)
    print(f"vocabulary {V} words (min count {counts[vocab[-1]]}), {C} context words x {P} positions")

    t1 = time.time()
    M = sp.csr_matrix((V, C * P), dtype=np.float32)
    rows_acc: list[np.ndarray] = []
    cols_acc: list[np.ndarray] = []

    def flush() -> None:
        nonlocal M, rows_acc, cols_acc
        if not rows_acc:
            return
        r = np.concatenate(rows_acc)
        c = np.concatenate(cols_acc)
        M = M + sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(V, C * P))
        rows_acc, cols_acc = [], []

    pending = 0
    for d in docs:
        w = np.array([wid.get(t, -1) for t in d], dtype=np.int64)
        c = np.array([cid.get(t, -1) for t in d], dtype=np.int64)
        n = len(d)
        for pi, off in enumerate(offsets):
            if off > 0:
                ww, cc = w[: n - off], c[off:]
            else:
                ww, cc = w[-off:], c[: n + off]
            ok = (ww >= 0) & (cc >= 0)
            rows_acc.append(ww[ok])
            cols_acc.append(cc[ok] * P + pi)
            pending += int(ok.sum())
        if pending > 20_000_000:
            flush()
            pending = 0
    flush()
    M.sum_duplicates()
    print(f"co-occurrence matrix {M.shape}, {M.nnz} non-zeros in {time.time() - t1:.0f}s")

    # PPMI with context distribution smoothing.
    t2 = time.time()
    total = M.sum()
    rw = np.asarray(M.sum(axis=1)).ravel()
    cc = np.asarray(M.sum(axis=0)).ravel() ** 0.75
    cc = cc / cc.sum()
    M = M.tocoo()
    pmi = np.log(M.data * 1.0 / total) - np.log(rw[M.row] / total) - np.log(cc[M.col])
    keep = pmi > 0
    X = sp.csr_matrix((pmi[keep].astype(np.float32), (M.row[keep], M.col[keep])), shape=M.shape)
    del M
    U, s = randomized_svd(X, args.dim, seed=args.seed)
    E = (U * np.sqrt(s)).astype(np.float32)
    E /= np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-9)
    print(f"PPMI + SVD ({args.dim} dims) in {time.time() - t2:.0f}s")
    if args.save_vectors:
        np.save(args.save_vectors, E)
        Path(args.save_vectors + ".vocab").write_text("\n".join(vocab), encoding="utf-8")

    levels = [int(x) for x in args.levels.split(",") if x]
    freqs = np.array([counts[w] for w in vocab], dtype=np.float64)
    assigns = []
    for li, k in enumerate(levels):
        t3 = time.time()
        assigns.append(spherical_kmeans(E, k, seed=args.seed + li, weights=freqs))
        print(f"k-means k={k} in {time.time() - t3:.0f}s")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("# word clusters for khabar's NER tagger; built by scripts/build_clusters.py from "
                f"{corpus.name} ({len(docs)} documents, {ntok} tokens): PPMI+SVD({args.dim}) then "
                "spherical k-means; words by descending frequency\n")
        f.write("#levels\t" + "\t".join(str(k) for k in levels) + "\n")
        for i, w in enumerate(vocab):  # tokens never contain whitespace: one line per word
            f.write(w + "\t" + "\t".join(format(int(a[i]), "x") for a in assigns) + "\n")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {V} words)")
    if args.vec_out:
        # The leading SVD dimensions, re-normalised, quantised to int8 (one scale for all).
        D = min(args.vec_dims, args.dim)
        R = min(args.vec_rows, V)
        Ed = (U[:R, :D] * np.sqrt(s[:D])).astype(np.float32)
        Ed /= np.maximum(np.linalg.norm(Ed, axis=1, keepdims=True), 1e-9)
        scale = float(np.abs(Ed).max()) / 127.0
        Q = np.clip(np.rint(Ed / scale), -127, 127).astype(np.int8)
        vout = Path(args.vec_out)
        with gzip.open(vout, "wb", compresslevel=9) as f:
            f.write(b"KNV1" + struct.pack("<IIf", R, D, scale) + Q.tobytes())
        print(f"wrote {vout} ({vout.stat().st_size / 1e6:.2f} MB, {R} words x {D} dims, int8)")
    print(f"done in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
