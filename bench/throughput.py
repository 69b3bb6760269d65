"""End-to-end throughput: a corpus into a fresh SQLite store with 1 and 2 workers, against the floor.

Usage (from the repository root):

    python bench/throughput.py                       # the whole ANT corpus: floor, 1 worker, 2 workers
    python bench/throughput.py --limit 3000          # the first 3000 articles only
    python bench/throughput.py --workers 2           # only the 2-worker run (and the floor)
    python bench/throughput.py --double --workers 2  # the corpus fed twice (new ids): memory growth
    python bench/throughput.py --double-edited --limit 10000 --workers 2   # twice, every text edited

The corpus is ``/work/shared/data/ant_multisource.jsonl.xz`` (``--corpus`` for another; the bench
skips with a message when it is absent). Each run is a separate process, so its time and memory are
its own:

* **floor** — decompress, parse the JSON lines, normalise (NFC) and tokenise (khabar's tokenizer,
  with the match key of every token) each article's text, and nothing else: the least any
  analysis has to do;
* **khabar, N workers** — ``khabar.pipeline.store_results`` over ``map_documents``: every article
  cleaned, analysed, fingerprinted, committed to a fresh SQLite store in batches, and the
  cross-article results written at the end, exactly what ``khabar analyze CORPUS --db PATH
  --workers N`` does (minus the terminal output), verbatim repeats of an earlier document only
  cleaned and fingerprinted (``khabar.pipeline.mark_repeats``);
* **--double** — the corpus, then the corpus again with new ids (a generator, not a file copy):
  the second copy is stored as duplicates (verbatim repeats, so only cleaned and fingerprinted
  where they are within ``mark_repeats``'s window), so memory should not grow with it.
* **--double-edited** — the same, but each text of the second copy ends with one more line (as a
  site republishing a wire story adds its own), so no text is content-identical to one already
  stored: every article of the second copy is added, with its mentions, paragraphs and story
  membership, and is found to be a copy of its original. This is the test of what the calling
  process keeps per article.

Reported per run: wall time, articles/s, words/s, peak memory as ``khabar analyze`` reports it
(``getrusage`` maxrss of the process plus that of its largest child) and the peak of the summed
resident memory of the process tree (sampled), the time spent in the store and in the final
checkpoint; then the 2-vs-1-worker speed-up and the khabar/floor time ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = Path("/work/shared/data/ant_multisource.jsonl.xz")

if os.environ.get("KHABAR_BENCH_NO_CRF"):
    # --no-crf: the rule-based entities alone (the CRF tagger's share of the cost). Spawned workers
    # import this script as their main module, so they get the switch too.
    import khabar.extract.entities as _entities

    _entities._CRF_OK = False


# ------------------------------------------------------------------------------------ runs


def _peak_getrusage_mb() -> float:
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


class _TreeSampler:
    """Peak of the summed RSS of this process and its descendants, sampled twice a second."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:  # the figure is then left out
            self._proc = None
            return
        self._proc = psutil.Process()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> None:
        try:
            procs = [self._proc, *self._proc.children(recursive=True)]
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except Exception:  # noqa: BLE001 - a process that just ended
                    pass
            self.peak = max(self.peak, total / 2**20)
        except Exception:  # noqa: BLE001
            pass

    def stop(self) -> float | None:
        if self._proc is None:
            return None
        self._stop.set()
        self.sample()
        return self.peak


def floor_pass(corpus: Path, limit: int | None) -> dict:
    import lzma
    import unicodedata

    from khabar.text import tokenize

    t0 = time.perf_counter()
    n = words = tokens = 0
    opener = lzma.open if corpus.suffix == ".xz" else open
    with opener(corpus, "rt", encoding="utf-8") as fh:
        for line in islice(fh, limit):
            row = json.loads(line)
            text = unicodedata.normalize("NFC", row.get("TEXT") or row.get("text") or "")
            toks = tokenize(text)
            n += 1
            tokens += len(toks)
            words += len(text.split())
    return {"run": "floor", "articles": n, "words": words, "tokens": tokens, "seconds": time.perf_counter() - t0}


EDIT_LINE = "وأعاد الموقع نشر هذا التقرير نقلا عن مصدره الأصلي."  # "the site republished this report from its source"


def _documents(corpus: Path, limit: int | None, double: str | None) -> Iterator:
    from khabar.ingest.sources import IngestOptions, iter_documents

    yield from islice(iter_documents([str(corpus)], IngestOptions(offline=True)), limit)
    if double:
        for d in islice(iter_documents([str(corpus)], IngestOptions(offline=True)), limit):
            if hasattr(d, "id"):
                d.id = f"{d.id}~2"
                d.source = f"{d.source} (again)"
                if double == "edited":
                    d.content = d.content.rstrip() + "\n\n" + EDIT_LINE
            yield d


def _cpu_s(who: int) -> float:
    import resource

    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def khabar_run(corpus: Path, workers: int, limit: int | None, double: str | None, db: str) -> dict:
    import resource

    from khabar.parallel import limit_blas_threads, map_documents
    from khabar.pipeline import mark_repeats, store_results
    from khabar.store import Store

    sampler = _TreeSampler()
    t0 = time.perf_counter()
    limit_blas_threads()
    store = Store(db)
    timers = {"store_add": 0.0, "checkpoint": 0.0}
    add, checkpoint = store.add, store.checkpoint

    def timed_add(*a, **k):
        t = time.perf_counter()
        try:
            return add(*a, **k)
        finally:
            timers["store_add"] += time.perf_counter() - t

    def timed_checkpoint(*a, **k):
        t = time.perf_counter()
        try:
            return checkpoint(*a, **k)
        finally:
            timers["checkpoint"] += time.perf_counter() - t

    store.add, store.checkpoint = timed_add, timed_checkpoint
    collector = _GcTimer()
    counts = {"articles": 0, "words": 0}

    def on_result(item) -> None:  # noqa: ANN001
        if hasattr(item, "article"):
            counts["articles"] += 1
            counts["words"] += item.article.words

    # as run_into_store (khabar analyze --db): verbatim repeats are only cleaned and fingerprinted
    docs = mark_repeats(_documents(corpus, limit, double))
    res = store_results(store, map_documents(docs, workers=workers), on_result=on_result)
    seconds = time.perf_counter() - t0
    caller_cpu, workers_cpu = _cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN)
    gc_s, gc_full, gc_full_s = collector.stop()
    stored = store.counts()
    tree = sampler.stop()
    return {
        "run": f"khabar, {workers} worker{'s' if workers > 1 else ''}"
               + {None: "", "same": " (corpus twice)", "edited": " (twice, edited)"}[double],
        "workers": workers, "double": double, "articles": counts["articles"], "words": counts["words"],
        "seconds": seconds, "added": res.added, "duplicates": res.duplicates, "errors": len(res.errors),
        "peak_mb": _peak_getrusage_mb(), "tree_peak_mb": tree, "stored": stored,
        "store_add_s": timers["store_add"], "checkpoint_s": timers["checkpoint"],
        "gc_s": gc_s, "gc_full": gc_full, "gc_full_s": gc_full_s,
        "caller_cpu_s": caller_cpu, "workers_cpu_s": workers_cpu,
    }


class _GcTimer:
    """Time this process spends in the garbage collector, and its full collections."""

    def __init__(self) -> None:
        self.seconds, self.full, self.full_seconds, self._t = 0.0, 0, 0.0, 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            spent = time.perf_counter() - self._t
            self.seconds += spent
            if info["generation"] == 2:
                self.full += 1
                self.full_seconds += spent

    def stop(self) -> tuple[float, int, float]:
        gc.callbacks.remove(self._cb)
        return self.seconds, self.full, self.full_seconds


# ------------------------------------------------------------------------------------ driver


def _child(args: argparse.Namespace) -> None:
    corpus = Path(args.corpus)
    if args.child == "floor":
        out = floor_pass(corpus, args.limit)
    else:
        with tempfile.TemporaryDirectory(prefix="khabar-bench-") as tmp:
            double = "edited" if args.double_edited else "same" if args.double else None
            out = khabar_run(corpus, args.child_workers, args.limit, double, str(Path(tmp) / "bench.db"))
    print("RESULT " + json.dumps(out))


def _spawn(args: argparse.Namespace, *extra: str) -> dict:
    cmd = [sys.executable, __file__, "--corpus", str(args.corpus), *extra]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if args.no_crf:
        env["KHABAR_BENCH_NO_CRF"] = "1"
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    sys.stderr.write(proc.stdout + proc.stderr)
    raise SystemExit(f"bench run failed: {' '.join(cmd)}")


def _fmt(r: dict) -> str:
    rate = r["articles"] / r["seconds"] if r["seconds"] else 0.0
    wrate = r["words"] / r["seconds"] if r["seconds"] else 0.0
    line = f"{r['run']:<34} {r['articles']:>7,} articles {r['seconds']:>8.1f} s {rate:>8.1f} articles/s {wrate:>10,.0f} words/s"
    if "peak_mb" in r:
        tree = f", process tree {r['tree_peak_mb']:,.0f} MB" if r.get("tree_peak_mb") else ""
        line += (f"\n{'':<34} peak memory {r['peak_mb']:,.0f} MB (getrusage self + largest child){tree}; "
                 f"store {r['store_add_s']:.1f} s + final checkpoint {r['checkpoint_s']:.1f} s; "
                 f"{r['added']:,} added, {r['duplicates']:,} duplicates, {r['errors']} skipped")
        if "gc_s" in r:
            line += (f"\n{'':<34} calling process's garbage collector {r['gc_s']:.1f} s "
                     f"({r['gc_full']} full collections: {r['gc_full_s']:.1f} s)")
        if "caller_cpu_s" in r:
            line += (f"\n{'':<34} CPU time: calling process {r['caller_cpu_s']:.1f} s, "
                     f"workers {r['workers_cpu_s']:.1f} s (with the final checkpoint's {r['checkpoint_s']:.1f} s "
                     f"in the calling process's)")
    return line


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated (default 1,2)")
    ap.add_argument("--double", action="store_true", help="also feed the corpus twice (memory growth)")
    ap.add_argument("--double-edited", action="store_true",
                    help="also feed it twice, the second copy's texts edited (memory growth per article)")
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--no-crf", action="store_true", help="without the CRF NER tagger (to see its cost)")
    ap.add_argument("--child", choices=["floor", "run"], help=argparse.SUPPRESS)
    ap.add_argument("--child-workers", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return
    if not Path(args.corpus).exists():
        print(f"skipped: the corpus {args.corpus} is not here")
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"corpus {args.corpus}" + (f", first {args.limit:,} articles" if args.limit else "")
          + (", without the CRF tagger" if args.no_crf else "")
          + f"; {os.cpu_count()} cores, load average {load:.2f} at the start")
    results = []
    floor = None
    if not args.no_floor:
        floor = _spawn(args, "--child", "floor")
        print(_fmt(floor), flush=True)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    for w in workers:
        r = _spawn(args, "--child", "run", "--child-workers", str(w))
        results.append(r)
        print(_fmt(r), flush=True)
    for flag, wanted, what in (("--double", args.double, "the corpus twice"),
                               ("--double-edited", args.double_edited, "the corpus twice, edited")):
        if not wanted:
            continue
        w = max(workers)
        r = _spawn(args, "--child", "run", "--child-workers", str(w), flag)
        print(_fmt(r), flush=True)
        single = next(x for x in results if x["workers"] == w)
        growth = r["peak_mb"] / single["peak_mb"] - 1
        tree = ""
        if r.get("tree_peak_mb") and single.get("tree_peak_mb"):
            tree = f"; process tree {r['tree_peak_mb'] / single['tree_peak_mb'] - 1:+.1%}"
        print(f"memory growth with {what}: {growth:+.1%} (getrusage){tree}")
    by_w = {r["workers"]: r for r in results}
    if 1 in by_w and 2 in by_w:
        print(f"2 workers vs 1: {by_w[1]['seconds'] / by_w[2]['seconds']:.2f}x faster")
    if floor:
        for r in results:
            print(f"{r['run']} / floor: {r['seconds'] / floor['seconds']:.1f}x")
    print(f"load average at the end {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")


if __name__ == "__main__":
    main()
