"""Event extraction against the hand-annotated gold set.

Usage (from the repository root):

    python bench/events.py                 # dev and held-out scores
    python bench/events.py --errors        # also list dev misses and false alarms

It runs khabar's pipeline on ``examples/corpus`` (offline) and compares the events with
``bench/gold/events.jsonl``. A predicted event matches a gold event when it is in the same article,
its trigger lies inside the gold sentence, and the type is equal (one-to-one, greedily, preferring
the same trigger word). A type-agnostic detection score is reported too.

On matched events it reports how often the arguments agree with the gold: actor and recipient
(the mention's surface or canonical form, or the state it stands for, matches the gold value or
state by normalised containment), attributed_to (any source matches), modality and date (equal;
"date, text only" ignores dates khabar took from the article's publication date).

**Overfitting guard.** Rules were written looking only at the dev split: articles 01–05 and the two
feed items. Articles 06, 07 and 08 are held out; their errors are never listed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khabar.ingest.sources import IngestOptions
from khabar.pipeline import run
from khabar.text import key

HELD_OUT = ("06", "07", "08")
TYPES = ["VISIT", "MEET", "AGREE", "TRANSFER", "DEPLOY", "FIGHT", "ATTACK", "STATEMENT", "ACCUSE", "THREATEN",
         "DENY", "SANCTION", "LAUNCH", "INTERCEPT", "OTHER"]


def split_of(article: str) -> str:
    return "held-out" if article[:2] in HELD_OUT else "dev"


def _norm(s: str) -> str:
    k = key(s or "")
    words = [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in k.split()]
    words = [w[1:] if w[:1] in ("و", "ف") and len(w) > 3 and w[1:2] != "و" else w for w in words]
    return " ".join(words)


def _as_list(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [x for x in v if x]
    return [v]


def _contains(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a in b or b in a)


def party_agrees(gold_val, gold_state, mention: dict | None, state: str | None) -> bool:
    gold = _as_list(gold_val) + _as_list(gold_state)
    ours = []
    if mention:
        ours += [mention.get("text") or "", mention.get("canonical") or ""]
    if state:
        ours.append(state)
    ours = [o for o in ours if o]
    if not _as_list(gold_val):
        return not mention
    return any(_contains(g, o) for g in gold for o in ours)


def source_agrees(gold_val, attrs: list[dict]) -> bool:
    gold = _as_list(gold_val)
    ours = [a.get("text") or "" for a in attrs]
    for a in attrs:
        m = a.get("mention") or {}
        if m.get("canonical"):
            ours.append(m["canonical"])
    return any(_contains(g, o) for g in gold for o in ours)


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def predict(corpus: Path) -> tuple[dict[str, str], list[dict]]:
    res = run([str(corpus)], IngestOptions(offline=True))
    texts = {a.article.id: a.article.text for a in res.analyses}
    from khabar.model import to_plain

    events = []
    for a in res.analyses:
        for ev in a.events:
            events.append(to_plain(ev))
    return texts, events


def match(gold: list[dict], pred: list[dict], texts: dict[str, str], typed: bool = True):
    """Greedy one-to-one matching; returns (pairs, unmatched gold, unmatched predictions)."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for n, p in enumerate(pred):
        by_article[p["article"]].append(n)
    used: set[int] = set()
    pairs = []
    missed = []
    for g in gold:
        text = texts.get(g["article"], "")
        s = text.find(g["sentence"])
        if s < 0:
            missed.append(g)
            continue
        e = s + len(g["sentence"])
        cands = []
        for n in by_article.get(g["article"], []):
            if n in used:
                continue
            p = pred[n]
            if not (s <= p["trigger_start"] and p["trigger_end"] <= e):
                continue
            if typed and p["type"] != g["type"]:
                continue
            same = _norm(p["trigger"]) == _norm(g["trigger"]) or _contains(p["trigger"], g["trigger"])
            gpos = text.find(g["trigger"], s, e)
            dist = abs(p["trigger_start"] - gpos) if gpos >= 0 else 10**6
            sub_ok = (p.get("subtype") or None) == (g.get("subtype") or None)
            cands.append((not same, not sub_ok, dist, n))
        if cands:
            cands.sort()
            n = cands[0][3]
            used.add(n)
            pairs.append((g, pred[n]))
        else:
            missed.append(g)
    extra = [pred[n] for n in range(len(pred)) if n not in used]
    return pairs, missed, extra


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(name: str, gold: list[dict], pred: list[dict], texts: dict[str, str], errors: bool = False) -> dict:
    pairs, missed, extra = match(gold, pred, texts, typed=True)
    dpairs, dmissed, dextra = match(gold, pred, texts, typed=False)
    tp, fp, fn = len(pairs), len(extra), len(missed)
    p, r, f = prf(tp, fp, fn)
    dp, dr, df = prf(len(dpairs), len(dextra), len(dmissed))
    print(f"\n== {name}: {len(gold)} gold events, {len(pred)} predicted ==")
    print(f"typed match      P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, fp {fp}, fn {fn})")
    print(f"detection (any)  P {dp:.3f}  R {dr:.3f}  F1 {df:.3f}")
    gc = Counter(g["type"] for g in gold)
    pc = Counter(x["type"] for x in pred)
    tc = Counter(g["type"] for g, _ in pairs)
    print(f"{'type':<10} {'gold':>5} {'pred':>5} {'tp':>4}   P      R      F1")
    for t in TYPES:
        if not gc[t] and not pc[t]:
            continue
        pp, rr, ff = prf(tc[t], pc[t] - tc[t], gc[t] - tc[t])
        print(f"{t:<10} {gc[t]:>5} {pc[t]:>5} {tc[t]:>4}   {pp:.2f}   {rr:.2f}   {ff:.2f}")
    if pairs:
        agree = Counter()
        for g, x in pairs:
            agree["actor"] += party_agrees(g.get("actor"), g.get("actor_state"), x.get("actor"), x.get("actor_state"))
            agree["recipient"] += party_agrees(g.get("recipient"), g.get("recipient_state"), x.get("recipient"),
                                               x.get("recipient_state"))
            agree["attributed_to"] += source_agrees(g.get("attributed_to"), x.get("attributed_to") or [])
            agree["modality"] += g.get("modality") == x.get("modality")
            agree["date"] += (g.get("date") or None) == (x.get("date") or None)
            own = x.get("date") if x.get("date_source") != "article" else None
            agree["date, text only"] += (g.get("date") or None) == own
            agree["subtype"] += (g.get("subtype") or None) == (x.get("subtype") or None)
        n = len(pairs)
        print("agreement on matched events: " + ", ".join(f"{k} {agree[k] / n:.2f}" for k in
                                                           ("actor", "recipient", "attributed_to", "modality",
                                                            "date", "date, text only", "subtype")))
    if errors:
        print("\n-- missed (gold) --")
        for g in missed:
            print(f"  {g['article'][:12]} {g['type']}/{g.get('subtype') or ''} «{g['trigger']}»  {g['sentence'][:90]}")
        print("\n-- false alarms (predicted) --")
        for x in extra:
            print(f"  {x['article'][:12]} {x['type']}/{x.get('subtype') or ''} «{x['trigger']}»  {x['text'][:90]}")
        print("\n-- argument disagreements (matched) --")
        for g, x in pairs:
            bad = []
            if not party_agrees(g.get("actor"), g.get("actor_state"), x.get("actor"), x.get("actor_state")):
                bad.append(f"actor {g.get('actor')}|{g.get('actor_state')} ≠ {(x.get('actor') or {}).get('text')}|{x.get('actor_state')}")
            if not party_agrees(g.get("recipient"), g.get("recipient_state"), x.get("recipient"), x.get("recipient_state")):
                bad.append(f"recipient {g.get('recipient')} ≠ {(x.get('recipient') or {}).get('text')}|{x.get('recipient_state')}")
            if not source_agrees(g.get("attributed_to"), x.get("attributed_to") or []):
                bad.append(f"source {g.get('attributed_to')} ≠ {[a['text'] for a in x.get('attributed_to') or []]}")
            if g.get("modality") != x.get("modality"):
                bad.append(f"modality {g.get('modality')} ≠ {x.get('modality')}")
            if (g.get("date") or None) != (x.get("date") or None):
                bad.append(f"date {g.get('date')} ≠ {x.get('date')} ({x.get('date_source')})")
            if bad:
                print(f"  {g['article'][:12]} {g['type']} «{g['trigger']}»: " + "; ".join(bad))
    return {"p": p, "r": r, "f1": f, "detection_f1": df}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "examples" / "corpus"))
    ap.add_argument("--gold", default=str(ROOT / "bench" / "gold" / "events.jsonl"))
    ap.add_argument("--errors", action="store_true", help="list dev errors (never held-out ones)")
    ap.add_argument("--dev-only", action="store_true", help="score the dev split only (while developing)")
    args = ap.parse_args(argv)
    gold = load_gold(Path(args.gold))
    texts, pred = predict(Path(args.corpus))
    for split in ("dev",) if args.dev_only else ("dev", "held-out"):
        g = [x for x in gold if split_of(x["article"]) == split]
        arts = {x["article"] for x in g}
        p = [x for x in pred if x["article"] in arts]
        report(split, g, p, texts, errors=args.errors and split == "dev")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
