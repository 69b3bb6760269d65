"""Story clustering benchmark on the ANT multi-source corpus (31,525 Arabic articles, 5 outlets, 2018).

Usage (from the repository root, one process)::

    OPENBLAS_NUM_THREADS=1 python bench/stories.py                 # features (cached) + clustering + scores
    python bench/stories.py --params threshold=0.55,entity_weight=0.3
    python bench/stories.py --grid                                 # P/R/F1 over a small parameter grid
    python bench/stories.py --grid --grid-spec 'threshold=0.6:0.65;entity_weight=0.3:0.4'
    python bench/stories.py --limit 2000 --cache /tmp/x.pkl        # a quick run on the first 2,000 rows

Per-article work (clean with ``build_article``, embed headline + lead with ``khabar.resolve.embed``,
find entity mentions with ``find_entities``, take the opening's terms with
``khabar.resolve.stories.article_terms``) is done once and cached under /tmp (``--cache``);
re-clustering with other parameters then takes seconds. The clustering itself is the incremental
``StoryClusterer`` fed in the pipeline's order (publication date, then id), exactly as
``khabar.pipeline.cross_article`` does.

Scores: pairwise precision / recall / F1 of "same story" decisions (both articles in one cluster)
against the hand-labelled pairs in ``bench/gold/story_pairs.tsv``, on the tuning half, the held-out
half (pairs are split by a hash of their ids, see ``split_of``) and all pairs.

The corpus is third-party research data under ``../shared``; when it is absent the benchmark says so
and exits with status 0.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import pickle
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: oversubscribed BLAS is 10x slower

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ant_multisource.jsonl.xz"
GOLD = ROOT / "bench" / "gold" / "story_pairs.tsv"
CACHE = Path("/tmp/khabar-bench-stories.pkl")
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC")  # as in khabar.pipeline.cross_article
KEEP_KEYS = 30  # entity keys (with counts) cached per article
BATCH = 64  # articles embedded per encoder call


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --------------------------------------------------------------------------- per-article features


@dataclass
class Features:
    ids: list[str]
    published: list[str | None]
    outlets: list[str | None]
    titles: list[str]
    entities: list[list[tuple[str, int]]]  # mention keys, most-mentioned first, with counts
    vectors: np.ndarray  # (n, 512) float32, L2-normalised
    meta: dict
    terms: list[list[str]] | None = None  # content words of the opening (khabar.resolve.stories.article_terms)

    def __len__(self) -> int:
        return len(self.ids)


def extract(path: Path, limit: int | None = None, progress: bool = True) -> Features:
    """Stream the corpus and compute what clustering needs per article."""
    from khabar.extract.entities import find_entities
    from khabar.ingest.article import build_article
    from khabar.ingest.sources import iter_documents
    from khabar.model import SourceError
    from khabar.resolve.embed import article_snippet, embed_texts
    from khabar.resolve.stories import article_terms
    from khabar.text.normalize import key

    embed_texts(["تحميل"])  # load the encoder outside the timings
    ids: list[str] = []
    published: list[str | None] = []
    outlets: list[str | None] = []
    titles: list[str] = []
    entities: list[list[tuple[str, int]]] = []
    terms: list[list[str]] = []
    chunks: list[np.ndarray] = []
    pending: list[str] = []
    errors = 0
    t_read = t_clean = t_ent = t_emb = t_terms = 0.0
    t0 = time.perf_counter()

    def flush() -> None:
        nonlocal t_emb
        if pending:
            t = time.perf_counter()
            chunks.append(embed_texts(pending).astype(np.float32))
            t_emb += time.perf_counter() - t
            pending.clear()

    docs = iter_documents([str(path)])
    if limit:
        docs = itertools.islice(docs, limit)
    t = time.perf_counter()
    for raw in docs:
        t_read += time.perf_counter() - t
        if isinstance(raw, SourceError):
            errors += 1
            t = time.perf_counter()
            continue
        t = time.perf_counter()
        art = build_article(raw)
        t_clean += time.perf_counter() - t
        if isinstance(art, SourceError):
            errors += 1
            t = time.perf_counter()
            continue
        t = time.perf_counter()
        keys = Counter(key(m.canonical or m.text) for m in find_entities(art.text) if m.type in ENTITY_TYPES)
        keys.pop("", None)
        t_ent += time.perf_counter() - t
        t = time.perf_counter()
        terms.append(article_terms(art.text))
        t_terms += time.perf_counter() - t
        ids.append(art.id)
        published.append(art.published)
        outlets.append(art.outlet)
        titles.append(art.title or "")
        entities.append(keys.most_common(KEEP_KEYS))
        pending.append(article_snippet(art))
        if len(pending) >= BATCH:
            flush()
        if progress and len(ids) % 1000 == 0:
            el = time.perf_counter() - t0
            print(f"  {len(ids):>6} articles  {el:6.0f} s  {len(ids) / el:5.1f}/s  rss {peak_rss_mb():.0f} MB",
                  file=sys.stderr, flush=True)
        t = time.perf_counter()
    flush()
    wall = time.perf_counter() - t0
    vectors = np.concatenate(chunks) if chunks else np.zeros((0, 512), np.float32)
    meta = {
        "source": str(path),
        "articles": len(ids),
        "errors": errors,
        "wall_s": wall,
        "read_s": t_read,
        "clean_s": t_clean,
        "entities_s": t_ent,
        "embed_s": t_emb,
        "terms_s": t_terms,
        "peak_rss_mb": peak_rss_mb(),
    }
    return Features(ids, published, outlets, titles, entities, vectors, meta, terms)


def load_features(path: Path, cache: Path, limit: int | None, refresh: bool = False) -> Features:
    if cache.exists() and not refresh:
        with cache.open("rb") as fh:
            feats = Features(**pickle.load(fh))
        if feats.meta.get("limit") == limit:
            return feats
        print(f"{cache} was made with --limit {feats.meta.get('limit')}: recomputing", file=sys.stderr)
    feats = extract(path, limit)
    feats.meta["limit"] = limit
    tmp = cache.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(vars(feats), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)
    return feats


# --------------------------------------------------------------------------- clustering and scores


def publication_order(feats: Features) -> list[int]:
    """As ``khabar.pipeline._order``: by publication date (undated last), then id."""
    return sorted(range(len(feats)), key=lambda i: (feats.published[i] or "9999", feats.ids[i]))


def cluster(feats: Features, params=None, order: list[int] | None = None, prime: bool = True):
    """Run the incremental clusterer over the cached features; returns it. ``prime``: count the whole
    batch in the run's background first, as the engine does (``StoryClusterer.prime``)."""
    from khabar.resolve.stories import ARTICLE_ENTITIES, StoryClusterer

    sc = StoryClusterer(params=params)
    use_terms = bool(sc.params.lex_weight and feats.terms)
    order = order if order is not None else publication_order(feats)
    if prime:
        sc.prime(feats.vectors[i] for i in order)
    for i in order:
        ents = [k for k, _ in feats.entities[i][:ARTICLE_ENTITIES]]
        terms = feats.terms[i] if use_terms else None
        sc.add(feats.ids[i], feats.vectors[i], feats.published[i], ents, feats.titles[i], terms=terms)
    return sc


@dataclass
class Pair:
    a: str
    b: str
    same: bool
    note: str

    @property
    def split(self) -> str:
        return split_of(self.a, self.b)


def split_of(a: str, b: str) -> str:
    """``tune`` or ``held``: a fixed half of the pairs, by a hash of their ids (order-independent)."""
    h = hashlib.sha1("|".join(sorted((a, b))).encode()).digest()
    return "tune" if h[0] % 2 == 0 else "held"


def load_gold(path: Path = GOLD) -> list[Pair]:
    pairs = []
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        assert header[:3] == ["docno_a", "docno_b", "same_story"], header
        for line in fh:
            if line.strip():
                a, b, y, note = (line.rstrip("\n").split("\t") + [""])[:4]
                pairs.append(Pair(a, b, y.strip() == "1", note))
    return pairs


def prf(story_of: dict[str, str], pairs: list[Pair]) -> dict:
    """Pairwise precision/recall/F1 of "same story" (both articles in one cluster)."""
    tp = fp = fn = tn = missing = 0
    for p in pairs:
        if p.a not in story_of or p.b not in story_of:
            missing += 1
            continue
        pred = story_of[p.a] == story_of[p.b]
        if pred and p.same:
            tp += 1
        elif pred:
            fp += 1
        elif p.same:
            fn += 1
        else:
            tn += 1
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"n": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "missing": missing,
            "precision": prec, "recall": rec, "f1": f1}


def scores(story_of: dict[str, str], gold: list[Pair]) -> dict[str, dict]:
    return {
        "tune": prf(story_of, [p for p in gold if p.split == "tune"]),
        "held": prf(story_of, [p for p in gold if p.split == "held"]),
        "all": prf(story_of, gold),
    }


def size_distribution(sc) -> dict:
    sizes = sorted((len(s.articles) for s in sc.stories), reverse=True)
    bins = {"1": 0, "2-4": 0, "5-9": 0, "10-49": 0, "50-199": 0, "200+": 0}
    for n in sizes:
        k = "1" if n == 1 else "2-4" if n < 5 else "5-9" if n < 10 else "10-49" if n < 50 else "50-199" if n < 200 else "200+"
        bins[k] += 1
    return {"stories": len(sizes), "bins": bins, "largest": sizes[:10],
            "articles_in_multi": sum(n for n in sizes if n > 1)}


def parse_params(text: str | None):
    from khabar.resolve.stories import StoryParams

    params = StoryParams()
    if text:
        changes = dict(kv.split("=", 1) for kv in text.split(",") if kv.strip())
        params = params.with_(**{k.strip(): v.strip() for k, v in changes.items()})
    return params


def fmt_scores(sc: dict[str, dict]) -> str:
    return "  ".join(f"{k} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} (n={v['n']})"
                     for k, v in sc.items())


GRID = {
    "threshold": [0.45, 0.50, 0.55, 0.60],
    "entity_weight": [0.0, 0.15, 0.30],
    "gap_penalty": [0.05, 0.10, 0.20],
}


def grid_search(feats: Features, gold: list[Pair], base, grid: dict[str, list], key: str = "tune",
                prime: bool = True) -> list:
    import itertools as it

    names = list(grid)
    order = publication_order(feats)
    results = []
    for values in it.product(*(grid[n] for n in names)):
        params = base.with_(**dict(zip(names, values)))
        t = time.perf_counter()
        sc = cluster(feats, params, order, prime=prime)
        el = time.perf_counter() - t
        s = scores(sc.by_article, gold)
        results.append((s[key]["f1"], dict(zip(names, values)), s, len(sc.stories)))
        print(f"{' '.join(f'{n}={v}' for n, v in zip(names, values))}  stories {len(sc.stories)}  "
              f"{el:4.1f} s  {fmt_scores(s)}", flush=True)
    results.sort(key=lambda r: -r[0])
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Story clustering benchmark on the ANT corpus.")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, default=CACHE, help="per-article features (pickle, under /tmp)")
    ap.add_argument("--refresh", action="store_true", help="recompute the per-article features")
    ap.add_argument("--limit", type=int, default=None, help="only the first N corpus rows")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--params", help="clusterer parameters, e.g. threshold=0.55,entity_weight=0.3")
    ap.add_argument("--grid", action="store_true", help="P/R/F1 over a grid of parameter values")
    ap.add_argument("--grid-spec", help="the grid, e.g. 'threshold=0.5:0.55:0.6;gap_penalty=0.1:0.2'")
    ap.add_argument("--no-prime", action="store_true",
                    help="background from the articles placed so far, not the whole batch (as the store)")
    args = ap.parse_args(argv)

    if not args.data.exists():
        print(f"skipped: {args.data} is not available (the ANT corpus lives in ../shared, outside the repository)")
        return 0
    t0 = time.perf_counter()
    cached = args.cache.exists() and not args.refresh
    feats = load_features(args.data, args.cache, args.limit, refresh=args.refresh)
    t_feats = time.perf_counter() - t0
    gold = load_gold(args.gold) if args.gold.exists() else []
    m = feats.meta
    print(f"corpus: {m['articles']} articles ({m['errors']} rows rejected) from {m['source']}")
    print(f"per-article work{' (cached run)' if cached else ''}: {m['wall_s']:.0f} s, "
          f"{m['articles'] / m['wall_s']:.1f} articles/s  [clean {m['clean_s']:.0f} s, entities "
          f"{m['entities_s']:.0f} s, embedding {m['embed_s']:.0f} s, terms {m.get('terms_s', 0):.0f} s, "
          f"reading {m['read_s']:.0f} s]; "
          f"peak RSS {m['peak_rss_mb']:.0f} MB")
    if cached:
        print(f"features loaded from {args.cache} in {t_feats:.1f} s")
    base = parse_params(args.params)

    if args.grid:
        grid = GRID
        if args.grid_spec:
            grid = {}
            for part in args.grid_spec.split(";"):
                name, vals = part.split("=", 1)
                grid[name.strip()] = vals.split(":")
        res = grid_search(feats, gold, base, grid, prime=not args.no_prime)
        print("\nbest on the tuning half:")
        for f1, vals, s, n in res[:5]:
            print(f"  {vals}  stories {n}  {fmt_scores(s)}")
        return 0

    t = time.perf_counter()
    sc = cluster(feats, base, prime=not args.no_prime)
    t_cluster = time.perf_counter() - t
    dist = size_distribution(sc)
    print(f"clustering: {t_cluster:.1f} s ({len(feats) / t_cluster:.0f} articles/s); peak RSS now "
          f"{peak_rss_mb():.0f} MB")
    print(f"parameters: {base}")
    print(f"stories: {dist['stories']}  sizes {dist['bins']}  largest {dist['largest']}  "
          f"articles in stories of 2+: {dist['articles_in_multi']}")
    if gold:
        for k, v in scores(sc.by_article, gold).items():
            print(f"pairs {k:>4}: n {v['n']:3d} (tp {v['tp']} fp {v['fp']} fn {v['fn']} tn {v['tn']}"
                  f"{', missing ' + str(v['missing']) if v['missing'] else ''})  P {v['precision']:.3f}  "
                  f"R {v['recall']:.3f}  F1 {v['f1']:.3f}")
    else:
        print(f"no labelled pairs at {args.gold}")
    total = m["wall_s"] + t_cluster
    print(f"total (per-article work + clustering): {total:.0f} s, {m['articles'] / total:.1f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
