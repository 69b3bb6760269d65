#!/usr/bin/env python3
"""Benchmark khabar's CRF NER tagger: 5-fold cross-validation on ANERcorp and tagging speed.

    python bench/ner.py [ANERCORP.txt] [--folds 5] [--only 0,1] [--speed-only] [--cv-only] [--first-pass]

Cross-validation: sentences (split after ``.``) are cut into ``--folds`` contiguous blocks; each
block is tagged by a model trained on the others, exactly as ``scripts/train_ner.py`` trains the
shipped model (same features and ``khabar.extract.ner.DEFAULT_PARAMS``; the document pass's
first-pass labels on the training blocks come from an inner jackknife, so no test label leaks),
then tagged as ``CrfTagger.tag_document`` tags (two passes, then propagation; the "document" is
15 sentences either side, ANERcorp having no document breaks). Scores are exact-span
precision/recall/F1 (conlleval semantics) pooled over all folds. A full run takes 40-55 minutes
in one process (52 on the 2-core development machine with the other core busy; ``--first-pass``
about 11); ``--only`` computes some folds and caches their predictions so that the run can be
split.
Speed: tokens per second of the shipped model on the first 40,000 tokens of the same text as one
document, one process, features included (cold per-type feature cache); both the full tagging and
the first pass alone.
Skips with a message when ``../shared`` (the data) is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khabar.extract import ner  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "anercorp_train.txt"


def speed(sents: list[list[tuple[str, str]]], limit: int = 40000, docpass: bool = True) -> tuple[int, float]:
    """Tokens tagged and seconds taken by ``CrfTagger.tag_document`` on the first ``limit`` tokens
    as one document (cold per-type feature cache; ``docpass=False``: first pass only)."""
    tagger = ner.CrfTagger()
    tagger.tag(["تحميل"])  # load the model outside the timing
    tagger.fast.clear()
    toks = 0
    batch: list[list[str]] = []
    for s in sents:
        batch.append([w for w, _ in s])
        toks += len(s)
        if toks >= limit:
            break
    t = time.perf_counter()
    tagger.tag_document(batch) if docpass else _first_pass(tagger, batch)
    dt = time.perf_counter() - t
    return toks, dt


def _first_pass(tagger: ner.CrfTagger, batch: list[list[str]]) -> list[list[str]]:
    return tagger.tag_document(batch, docpass=False, prop=False)


def _config_id(data: Path) -> str:
    """What the cached fold predictions depend on: data, code, resources, options, parameters."""
    h = hashlib.sha256()
    for f in (data, Path(ner.__file__), ner.CLUSTERS_PATH, ner.VECTORS_PATH, ner.TRIGGERS_PATH):
        if f.exists():
            h.update(f.read_bytes())
    gz = ROOT / "khabar" / "extract" / "gazetteer.py"
    for f in [gz, *sorted((ROOT / "khabar" / "data").glob("*.tsv*")), *sorted((ROOT / "khabar" / "data").glob("*.txt"))]:
        if f.exists() and f.name not in ("ner_clusters.tsv.gz",):
            h.update(f.name.encode())
            h.update(f.read_bytes())
    h.update(json.dumps([ner.OPTS, ner.DEFAULT_PARAMS], sort_keys=True).encode())
    return h.hexdigest()[:16]


def cross_validate(sents, k: int, only: list[int] | None, cache: Path | None, docpass: bool, cid: str):
    """Per-fold predictions, computed or read from ``cache``; returns {fold: predictions}."""
    got: dict[int, list[list[str]]] = {}
    todo = []
    for fi in range(k):
        f = cache / f"{cid}-k{k}-dp{int(docpass)}-fold{fi}.json" if cache else None
        if f is not None and f.exists():
            got[fi] = json.loads(f.read_text())
        elif only is None or fi in only:
            todo.append(fi)
    prep = ner.prepare(sents) if todo else None
    for fi in todo:
        t = time.time()
        r = ner.cross_validate(sents, k=k, docpass=docpass, prepared=prep, only=[fi], keep_predictions=True)
        a, b = ner.folds(len(sents), k)[fi]
        got[fi] = [r["predictions"][j] for j in range(a, b)]
        print(f"  fold {fi + 1}/{k}: PERS+LOC+ORG F1 {r['PLO']['f1']:.2f} ({time.time() - t:.0f}s)", flush=True)
        if cache:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / f"{cid}-k{k}-dp{int(docpass)}-fold{fi}.json").write_text(json.dumps(got[fi]))
    return got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only", default=None, help="compute only these folds (0-based, comma-separated); "
                    "folds already in the cache are reused, so a long CV can be run in pieces")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "khabar-bench-ner"),
                    help="where per-fold predictions are kept ('' for no cache)")
    ap.add_argument("--speed-only", action="store_true")
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--first-pass", action="store_true", help="score the first pass only (no document pass)")
    args = ap.parse_args(argv)

    data = Path(args.data)
    if not data.exists():
        print(f"skipped: {data} not found (bench/ner.py needs ../shared/data/anercorp_train.txt)")
        return 0
    sents = ner.read_sentences(data)
    ntok = sum(len(s) for s in sents)
    print(f"data: {data} ({len(sents)} sentences, {ntok} tokens)")

    if not args.speed_only:
        if args.first_pass:
            ner.OPTS["docpass"] = False
            ner.OPTS["propagate"] = False
        docpass = ner.OPTS["docpass"]
        only = [int(x) for x in args.only.split(",")] if args.only else None
        cache = Path(args.cache) if args.cache else None
        t = time.time()
        got = cross_validate(sents, args.folds, only, cache, docpass, _config_id(data))
        gold, pred, done = [], [], []
        for fi, (a, b) in enumerate(ner.folds(len(sents), args.folds)):
            if fi in got:
                done.append(fi)
                gold += [[tg for _, tg in s] for s in sents[a:b]]
                pred += got[fi]
        res = ner.score(gold, pred)
        mode = "two passes + propagation" if docpass else "first pass only"
        print(f"\n{args.folds}-fold contiguous cross-validation ({mode}), exact spans, "
              f"params {json.dumps({k: v for k, v in ner.DEFAULT_PARAMS.items() if k in ('c1', 'c2', 'max_iterations')})}")
        if len(done) < args.folds:
            print(f"PARTIAL: folds {','.join(str(f) for f in done)} of 0..{args.folds - 1} "
                  f"(run the others with --only; cached in {cache})")
        print(f"{'type':<14}{'precision':>10}{'recall':>9}{'F1':>8}{'gold':>7}")
        rows = [(tp, res["per_type"][tp]) for tp in ("PERS", "LOC", "ORG", "MISC")]
        rows += [("PERS+LOC+ORG", res["PLO"]), ("overall", res["overall"])]
        for name, r in rows:
            print(f"{name:<14}{r['precision']:>10.2f}{r['recall']:>9.2f}{r['f1']:>8.2f}{r['gold']:>7}")
        per = []
        for fi in done:
            a, b = ner.folds(len(sents), args.folds)[fi]
            per.append(ner.score([[tg for _, tg in s] for s in sents[a:b]], got[fi])["PLO"]["f1"])
        print("per-fold PERS+LOC+ORG F1: " + " ".join(f"{x:.2f}" for x in per) + f"   ({time.time() - t:.0f}s)")

    if not args.cv_only:
        if not ner.MODEL_PATH.exists():
            print(f"speed: skipped, no model at {ner.MODEL_PATH}")
            return 0
        ner.OPTS["docpass"] = True
        ner.OPTS["propagate"] = True
        n, dt = speed(sents)
        print(f"\nspeed: {n} tokens in {dt:.2f}s = {n / dt:,.0f} tokens/s (shipped model, features + two "
              f"passes + propagation, one process); model {ner.MODEL_PATH.stat().st_size / 1e6:.2f} MB")
        n, dt = speed(sents, docpass=False)
        print(f"speed, first pass only: {n} tokens in {dt:.2f}s = {n / dt:,.0f} tokens/s (shipped model, "
              f"features + one pass, no propagation)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
