"""Running per-article work on every core, or on a Dask cluster.

Per-article work (cleaning, the text layer, entities, quantities, times, events, fingerprints) is a
pure function of one document, so it runs in worker processes; cross-article work stays with the
caller. Documents are read lazily and sent in small chunks with a bounded number in flight, so
memory does not grow with the corpus, and results come back **in input order**, so a run gives the
same results whatever the number of workers or the engine.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from .model import ArticleAnalysis, RawDocument, SourceError

Item = RawDocument | SourceError
Result = ArticleAnalysis | SourceError


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def process_chunk(docs: list[Item]) -> list[Result]:
    """Per-article work on a chunk of documents (runs in a worker)."""
    from .pipeline import process_document

    return [d if isinstance(d, SourceError) else process_document(d) for d in docs]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _init_worker() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def map_documents(
    docs: Iterable[Item],
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    chunk: int = 8,
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
        for c in _chunks(docs, chunk):
            yield from process_chunk(c)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as pool:
        window: deque = deque()
        for c in _chunks(docs, chunk):
            window.append(pool.submit(process_chunk, c))
            if len(window) >= workers * 3:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


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
            window.append(client.submit(process_chunk, c, pure=False))
            if len(window) >= n_workers * 3:
                fut = window.popleft()
                yield from fut.result()
                fut.release()
        while window:
            fut = window.popleft()
            yield from fut.result()
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
