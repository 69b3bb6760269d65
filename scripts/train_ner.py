#!/usr/bin/env python3
"""Train khabar's CRF NER model on ANERcorp and write ``khabar/data/ner.crfsuite``.

    python scripts/train_ner.py [ANERCORP.txt] [--out khabar/data/ner.crfsuite]
    python scripts/train_ner.py --search          # choose c1/c2 by 5-fold CV (first pass only)

Default data: ``../shared/data/anercorp_train.txt`` relative to the repository (one ``token TAG``
per line, sentences split after ``.``). The word clusters (``khabar/data/ner_clusters.tsv.gz``,
from ``scripts/build_clusters.py``) and trigger words (``khabar/data/ner_triggers.tsv``) must be in
place first: features are computed with them, so rebuilding the clusters means retraining. The
gazetteer flags of ``khabar/extract/gazetteer.py`` are used when that module is importable.

Training (about 10 minutes, one process): five first-pass models on 4/5 of the data each label the
remaining fifth (a jackknife); then the shipped model is fitted on every sentence twice, once with
first-pass features only and once with the document features computed from the jackknifed labels,
so that one model file serves both passes of ``CrfTagger.tag_document``.
The hyper-parameters (``khabar.extract.ner.DEFAULT_PARAMS``) were chosen with ``--search``:
5-fold contiguous CV of the first pass on the training data only (see docs/model-card-ner.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khabar.extract import ner  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "anercorp_train.txt"

# (c1, c2) pairs tried; 150 L-BFGS iterations, feature.minfreq 1.
GRID = [(0.05, 0.05), (0.2, 0.01), (0.0, 0.1), (0.1, 0.1), (0.02, 0.3)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--out", default=str(ner.MODEL_PATH))
    ap.add_argument("--c1", type=float, default=None)
    ap.add_argument("--c2", type=float, default=None)
    ap.add_argument("--max-iterations", type=int, default=None)
    ap.add_argument("--minfreq", type=float, default=None)
    ap.add_argument("--search", action="store_true", help="grid-search hyper-parameters by 5-fold CV; no model written")
    ap.add_argument("--verbose", action="store_true", help="print training progress")
    args = ap.parse_args(argv)

    data = Path(args.data)
    if not data.exists():
        print(f"training data not found: {data}", file=sys.stderr)
        return 2
    sents = ner.read_sentences(data)
    ntok = sum(len(s) for s in sents)
    print(f"{data}: {len(sents)} sentences, {ntok} tokens; clusters: {len(ner.clusters())} words; "
          f"gazetteer features: {'yes' if ner.gazetteer_features() else 'no'}")

    if args.search:
        ner.OPTS["propagate"] = False  # first pass only: fast, and what the parameters mostly shape
        prep = ner.prepare(sents)
        best = None
        for c1, c2 in GRID:
            params = dict(ner.DEFAULT_PARAMS, c1=c1, c2=c2)
            t = time.time()
            r = ner.cross_validate(sents, params, prepared=prep, docpass=False)
            line = {"c1": c1, "c2": c2}
            line.update({"PERS": round(r["per_type"]["PERS"]["f1"], 2), "LOC": round(r["per_type"]["LOC"]["f1"], 2),
                         "ORG": round(r["per_type"]["ORG"]["f1"], 2), "PLO": round(r["PLO"]["f1"], 2),
                         "overall": round(r["overall"]["f1"], 2), "seconds": round(time.time() - t)})
            print(json.dumps(line, ensure_ascii=False), flush=True)
            if best is None or r["PLO"]["f1"] > best[0]:
                best = (r["PLO"]["f1"], params)
        print("best:", json.dumps(best[1]), f"PLO f1 {best[0]:.2f}")
        return 0

    params = dict(ner.DEFAULT_PARAMS)
    for k, v in (("c1", args.c1), ("c2", args.c2), ("max_iterations", args.max_iterations),
                 ("feature.minfreq", args.minfreq)):
        if v is not None:
            params[k] = v
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    t = time.time()
    log = (lambda m: print(m, flush=True)) if args.verbose else None
    ner.train(sents, out, params, log=log)
    dt = time.time() - t
    print(f"params: {json.dumps(params)}")
    print(f"trained in {dt:.1f}s; model {out} is {out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
