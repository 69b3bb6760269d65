"""Sample article pairs from the ANT corpus for hand-labelling as same story / different story.

Usage (from the repository root)::

    python bench/sample_story_pairs.py > /tmp/pairs.tsv        # docno_a docno_b stratum (no labels)
    python bench/sample_story_pairs.py --show /tmp/pairs.tsv   # the pairs to read, blind, shuffled

The pairs are stratified so that both classes are well represented and the labels say something
about the decision the clusterer has to make:

* by the cosine of the two articles' embeddings (``khabar.resolve.embed``, headline + lead) in bins
  < 0.3, 0.3-0.45, 0.45-0.6, >= 0.6 (random pairs: median 0.11, 99th percentile 0.43);
* by the gap between their publication dates: same day, 1-7 days, 8-30 days, more;
* across outlets mostly (about four pairs in five), the rest within one outlet;
* half of each cell among pairs that share a rarer entity (a person, place or organisation named in
  fewer than ``RARE_DF`` articles): without it, low-cosine pairs of one story, the cases that show
  what the embedding misses, would almost never be drawn.

Within a cell pairs are drawn uniformly (random anchor articles, then a uniform draw among their
pairs in the cell), with a fixed seed. The features come from the cache of ``bench/stories.py``
(computed on first use). ``--show`` prints the pairs in a shuffled order without their stratum or
cosine, so that the labeller reads the articles and not the model's score. Labels go into
``bench/gold/story_pairs.tsv`` by hand; the corpus text never does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import lzma
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stories as bench

SEED = 20180505
COS_BINS = (0.30, 0.45, 0.60)  # upper edges; the last bin is >= 0.60
GAP_BINS = (0, 7, 30)  # days: same day, <= 7, <= 30, more
COS_NAMES = ("<0.30", "0.30-0.45", "0.45-0.60", ">=0.60")
GAP_NAMES = ("0d", "1-7d", "8-30d", ">30d")
# pairs per (cosine bin, gap bin) across outlets; rows cosine bins, columns gap bins
CROSS = np.array([[10, 8, 6, 6], [16, 12, 8, 8], [24, 20, 14, 12], [30, 24, 16, 14]])
SAME = np.array([[2, 2, 1, 1], [4, 3, 2, 2], [6, 5, 4, 3], [8, 6, 4, 4]])
RARE_DF = 300  # an entity named in fewer articles than this is "rarer"
ANCHORS = 6000
BLOCK = 256
KEEP = 40  # candidates kept per stratum before the final draw


def _ordinal(d: str | None) -> int:
    if not d:
        return -1
    p = [int(x) for x in d[:10].split("-")] + [1, 1]
    return dt.date(*p[:3]).toordinal()


def sample(feats: bench.Features, seed: int = SEED) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(seed)
    n = len(feats)
    days = np.array([_ordinal(p) for p in feats.published])
    outlet_codes = {o: i for i, o in enumerate(sorted({o or "" for o in feats.outlets}))}
    outlet = np.array([outlet_codes[o or ""] for o in feats.outlets])
    df: dict[str, int] = defaultdict(int)
    for ents in feats.entities:
        for k, _ in ents:
            df[k] += 1
    rare = [{k for k, _ in ents if 2 <= df[k] < RARE_DF and len(k) >= 3} for ents in feats.entities]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(rare):
        for k in ks:
            postings[k].append(i)

    # candidates per stratum: (cos bin, gap bin, same outlet, shares a rarer entity) -> [(u, i, j)]
    cands: dict[tuple[int, int, int, int], list[tuple[float, int, int]]] = defaultdict(list)
    anchors = rng.choice(np.flatnonzero(days >= 0), size=min(ANCHORS, n), replace=False)
    for b0 in range(0, len(anchors), BLOCK):
        block = anchors[b0:b0 + BLOCK]
        sims = feats.vectors[block] @ feats.vectors.T
        u = rng.random(sims.shape)
        cb = np.digitize(sims, COS_BINS)
        gaps = np.abs(days[None, :] - days[block][:, None])
        gb = np.digitize(gaps, GAP_BINS, right=True)
        same = outlet[None, :] == outlet[block][:, None]
        valid = (days[None, :] >= 0) & (np.arange(n)[None, :] != block[:, None])
        shares = np.zeros(sims.shape, dtype=bool)
        for r, a in enumerate(block):
            for k in rare[a]:
                shares[r, postings[k]] = True
        shares[~valid] = False
        for c in range(4):
            for g in range(4):
                base = valid & (cb == c) & (gb == g)
                for s in (0, 1):
                    for e in (0, 1):
                        m = base & (same == bool(s)) & (shares if e else True)
                        rows, cols = np.nonzero(m)
                        if not len(rows):
                            continue
                        uu = u[rows, cols]
                        take = np.argpartition(uu, KEEP)[:KEEP] if len(uu) > KEEP else np.arange(len(uu))
                        lst = cands[(c, g, s, e)]
                        lst.extend((float(uu[t]), int(block[rows[t]]), int(cols[t])) for t in take)
                        lst.sort()
                        del lst[KEEP:]

    out: list[tuple[str, str, str]] = []
    seen: set[tuple[int, int]] = set()
    for c in range(4):
        for g in range(4):
            for s, table in ((0, CROSS), (1, SAME)):
                want = int(table[c, g])
                halves = (want - want // 2, want // 2)  # any pair, then pairs sharing a rarer entity
                for e, k in ((0, halves[0]), (1, halves[1])):
                    got = 0
                    for _, i, j in cands[(c, g, s, e)]:
                        pair = (min(i, j), max(i, j))
                        if got >= k or pair in seen:
                            continue
                        seen.add(pair)
                        got += 1
                        stratum = f"{COS_NAMES[c]}|{GAP_NAMES[g]}|{'same' if s else 'cross'}|{'ent' if e else 'any'}"
                        out.append((feats.ids[pair[0]], feats.ids[pair[1]], stratum))
    return out


def show(pairs_file: Path, seed: int = SEED) -> None:
    """Print the pairs to label, shuffled, with headline, date, outlet, abstract and opening text."""
    rows = [line.rstrip("\n").split("\t") for line in pairs_file.open(encoding="utf-8")]
    rows = [r for r in rows if r and r[0] != "docno_a"]
    want = {r[0] for r in rows} | {r[1] for r in rows}
    docs: dict[str, dict] = {}
    with lzma.open(bench.DATA, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["DOCNO"] in want:
                docs[d["DOCNO"]] = d
    order = np.random.default_rng(seed + 1).permutation(len(rows))
    for n, idx in enumerate(order, 1):
        a, b = rows[idx][0], rows[idx][1]
        print(f"### {n}  {a}  {b}")
        for doc in (docs[a], docs[b]):
            text = " ".join(doc["TEXT"].split())
            abstract = " ".join((doc.get("ABSTRACT") or "").split())
            lead = text if text.startswith(abstract[:60]) else f"{abstract} / {text}"
            print(f"  [{doc['SRC']} {doc['TIME'][5:16]}] {doc['TITLE']}")
            print(f"    {lead[:420]}")
        print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", type=Path, help="print the pairs of this file for reading")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--cache", type=Path, default=bench.CACHE)
    args = ap.parse_args(argv)
    if not bench.DATA.exists():
        print(f"{bench.DATA} is not available: nothing to sample", file=sys.stderr)
        return 0
    if args.show:
        show(args.show, args.seed)
        return 0
    feats = bench.load_features(bench.DATA, args.cache, None)
    print("docno_a\tdocno_b\tstratum")
    for a, b, stratum in sample(feats, args.seed):
        print(f"{a}\t{b}\t{stratum}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
