#!/usr/bin/env python3
"""Where the per-article time goes: milliseconds per article for each stage, one process.

    python bench/stages.py [--limit 1000] [--corpus PATH]

Runs ``khabar.pipeline.process_documents`` (what a worker runs) over the first ``--limit``
articles of the corpus (default: the ANT corpus in ../shared/data; skips with a message when it is
absent) in chunks of ``khabar.parallel.CHUNK``, with each stage's function wrapped in a timer, after
a warm-up chunk (models and lexicons loaded, caches warm; then the garbage collector set as a
worker sets it, ``khabar.parallel.settle_gc``). ``build_article`` includes cleaning; the CRF
tagger runs once per chunk, before the other extractors, and is timed apart from ``entities``.
Also prints the cross-article side (what the calling process does per article):
``CrossArticle.add`` and the store, over the same analyses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "data" / "ant_multisource.jsonl.xz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--limit", type=int, default=1000)
    args = ap.parse_args()
    if not Path(args.corpus).exists():
        print(f"skipped: the corpus {args.corpus} is not here")
        return

    from khabar.parallel import CHUNK, limit_blas_threads, settle_gc

    limit_blas_threads()
    import khabar.extract.entities as entities
    import khabar.extract.events as events
    import khabar.extract.quantities as quantities
    import khabar.extract.times as times
    import khabar.ingest.article as article
    import khabar.pipeline as pipeline
    import khabar.resolve.duplicates as duplicates
    import khabar.resolve.embed as embed
    from khabar.ingest.sources import IngestOptions, iter_documents

    spent: dict[str, float] = defaultdict(float)

    def timed(module, name: str, label: str) -> None:
        fn = getattr(module, name)

        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t

        setattr(module, name, wrapper)

    timed(pipeline, "build_article", "build_article (clean, metadata, language)")
    timed(article, "clean_text", "  of which clean_text")
    timed(times, "find_times", "times")
    timed(quantities, "find_quantities", "quantities")
    timed(entities, "find_entities", "entities (rules, merging)")
    timed(entities, "crf_mentions_many", "entities: the CRF tagger (a chunk at once)")
    timed(events, "find_events", "events")
    timed(embed, "embed_articles", "embedding (stories)")
    timed(duplicates, "sketch_paragraphs", "paragraph sketches (duplicates)")

    docs = list(islice(iter_documents([args.corpus], IngestOptions(offline=True)), args.limit + CHUNK))
    pipeline.process_documents(docs[:CHUNK])  # warm-up
    settle_gc()  # as a worker does after its first chunk
    spent.clear()
    results = []
    t0 = time.perf_counter()
    for i in range(CHUNK, len(docs), CHUNK):
        results += pipeline.process_documents(docs[i:i + CHUNK])
    total = time.perf_counter() - t0
    n = len(docs) - CHUNK
    print(f"per-article work, {n:,} articles, one process: {1000 * total / n:.1f} ms/article "
          f"({n / total:.1f} articles/s)")
    order = ["build_article (clean, metadata, language)", "  of which clean_text", "times", "quantities",
             "entities (rules, merging)", "entities: the CRF tagger (a chunk at once)", "events", "embedding (stories)",
             "paragraph sketches (duplicates)"]
    for label in order:
        s = spent.get(label, 0.0)
        print(f"  {label:<44} {1000 * s / n:7.2f} ms  {100 * s / total:5.1f}%")

    from khabar.pipeline import store_results
    from khabar.store import Store

    with tempfile.TemporaryDirectory(prefix="khabar-stages-") as tmp:
        store = Store(str(Path(tmp) / "stages.db"))
        checkpoint = store.checkpoint
        store.checkpoint = lambda: None
        t = time.perf_counter()
        store_results(store, iter(results))
        adding = time.perf_counter() - t
        t = time.perf_counter()
        checkpoint()
        final = time.perf_counter() - t
    print(f"calling process: store + cross-article add {1000 * adding / n:.1f} ms/article, "
          f"final checkpoint {1000 * final / n:.1f} ms/article ({final:.1f} s)")


if __name__ == "__main__":
    main()
