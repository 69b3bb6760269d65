"""Running per-article work on every core, or on a Dask cluster.

Per-article work (cleaning, the text layer, entities, quantities, times, events, fingerprints) is a
pure function of one document, so it runs in worker processes; cross-article work stays with the
caller. Documents are read lazily and sent in chunks with a bounded number in flight, so memory
does not grow with the corpus, and results come back **in input order**, so a run gives the same
results whatever the number of workers or the engine.

A chunk is also the unit the embeddings are computed in (one encoder call per chunk, see
``khabar.pipeline.process_documents``): every engine and worker count cuts the input into the same
chunks, one worker included, so the results are the same too.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from .model import ArticleAnalysis, RawDocument, SourceError

Item = RawDocument | SourceError
Result = ArticleAnalysis | SourceError

CHUNK = 16  # documents per task: amortises a task's overhead and batches the embeddings and the CRF
# tagging (32 was measured too: 17.3 -> 17.0 ms/article in one process, but the same 385.5 s for
# the ANT corpus with 2 workers; the chunks decide the embeddings' last bits, so they stay as they were)
WINDOW = 4  # chunks in flight per worker: workers stay busy while the caller stores results


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def limit_blas_threads() -> None:
    """One BLAS thread in this process. khabar runs one process per core; BLAS threads on top of
    that oversubscribe the cores, and spinning BLAS threads make small matrix products (a story
    look-up, an embedding) many times slower on a busy machine."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    try:
        import numpy  # noqa: F401 - load BLAS first: threadpoolctl limits the libraries loaded

        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
    except Exception:  # noqa: BLE001 - threadpoolctl missing or no BLAS loaded: nothing to limit
        pass


# A worker's young-generation threshold: the collector runs after this many more allocations than
# deallocations of container objects (Python's default, 700, makes it run thousands of times an
# article's worth of work; see settle_gc).
GC_YOUNG = 50_000

_WORKER_READY = False
_GC_SETTLED = False


def _collect_young_less_often() -> tuple[int, int, int]:
    """The young generation collected every ``GC_YOUNG`` allocations (or as it was, if rarer); the
    thresholds before."""
    before = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG, before[0]), *before[1:])
    return before


def settle_gc() -> None:
    """Once the models and lexicons are loaded (a quarter of a million long-lived objects): move
    them out of the garbage collector's sight (``gc.freeze``) and collect young objects less often
    (``GC_YOUNG``). With Python's defaults, each full collection walked every lexicon entry, and
    the collector took 6–9% of a worker's time (measured with ``gc.callbacks`` over 1,000 ANT
    articles). Cycles are still collected, only less often; frozen objects stay alive only while
    referenced, as before. Once per process."""
    global _GC_SETTLED
    if _GC_SETTLED:
        return
    _GC_SETTLED = True
    gc.collect()
    gc.freeze()
    _collect_young_less_often()


def process_chunk(docs: list[Item]) -> list[Result]:
    """Per-article work on a chunk of documents (runs in a worker)."""
    global _WORKER_READY
    if not _WORKER_READY:  # a Dask worker runs no initializer of ours
        limit_blas_threads()
        _WORKER_READY = True
    from .pipeline import process_documents

    out = process_documents(docs)
    if _IN_WORKER:
        settle_gc()  # after the first chunk: what it loaded stays for the worker's life
    return out


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


_IN_WORKER = False  # a process of the pool or of a Dask cluster, not the caller running one worker


def _init_worker() -> None:
    global _WORKER_READY, _IN_WORKER
    limit_blas_threads()
    _WORKER_READY = _IN_WORKER = True


def map_documents(
    docs: Iterable[Item],
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    chunk: int = CHUNK,
) -> Iterator[Result]:
    """Per-article results of ``docs``, in order. ``engine`` is ``local`` (a process pool of
    ``workers``; 1 runs in this process) or ``dask`` (a Dask distributed cluster at ``scheduler``,
    ``tcp://host:8786``; without a scheduler a LocalCluster of ``workers`` processes is started)."""
    workers = workers or default_workers()
    if engine == "dask":
        yield from _map_dask(docs, workers, scheduler, chunk)
        return
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: local or dask")
    if workers <= 1:
        # the work runs here: after the first chunk, young objects collected as a worker collects
        # them (see settle_gc; nothing is frozen here, the caller's objects are its own), until the
        # run ends
        thresholds = gc.get_threshold()
        try:
            for n, c in enumerate(_chunks(docs, chunk)):
                yield from process_chunk(c)
                if n == 0:
                    _collect_young_less_often()
        finally:
            gc.set_threshold(*thresholds)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    # spawned workers: a fresh interpreter each (nothing of this process's memory or threads), and
    # children of this process, so their peak memory shows in getrusage(RUSAGE_CHILDREN)
    ctx = mp.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)
    try:
        window: deque = deque()
        for c in _chunks(docs, chunk):
            window.append(pool.submit(process_chunk, c))
            while window and (len(window) >= workers * WINDOW or window[0].done()):
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
    finally:
        # an abandoned run (an error downstream, ^C) does not wait for the chunks still queued
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_chunk(docs: list[Item]) -> list[Result]:
    """``process_chunk`` on a Dask worker (a process of the cluster's, which runs no initializer of
    ours)."""
    global _IN_WORKER
    _IN_WORKER = True
    return process_chunk(docs)


def _map_dask(docs: Iterable[Item], workers: int, scheduler: str | None, chunk: int) -> Iterator[Result]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - the dask extra is not installed
        raise RuntimeError("the Dask engine needs the 'dask' extra: pip install 'khabar[dask]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        window: deque = deque()
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        for c in _chunks(docs, chunk):
            window.append(client.submit(_dask_chunk, c, pure=False))
            while window and (len(window) >= n_workers * WINDOW or window[0].done()):
                fut = window.popleft()
                yield from fut.result()
                fut.release()
        while window:
            fut = window.popleft()
            yield from fut.result()
            fut.release()
    finally:
        for fut in window:
            fut.cancel()
        client.close()
        if cluster is not None:
            cluster.close()
