"""Check the hand-annotated event gold set against khabar's cleaned text.

Usage (from the repository root):

    khabar analyze examples/corpus --offline --json /tmp/corpus.json -q
    python bench/gold/check_gold.py /tmp/corpus.json [bench/gold/events.jsonl]

It fails (exit status 1) when a record's article is unknown, its ``sentence`` is not found in the
article's cleaned ``text``, its ``trigger`` is not inside the sentence, or a field is missing or out
of its vocabulary (docs/annotation-guide.md). Arguments are looked up as written and, for values
beginning with ال, also after the preposition لـ (للرئاسة). Argument strings that are not in their
sentence but are in the article are listed as notes: they are allowed (an antecedent resolved from
an earlier sentence), but each one should be deliberate. It then prints counts per type,
modality, OTHER subtype and article.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

TYPES = {"VISIT", "MEET", "AGREE", "TRANSFER", "DEPLOY", "FIGHT", "ATTACK", "STATEMENT", "ACCUSE",
         "THREATEN", "DENY", "SANCTION", "LAUNCH", "INTERCEPT", "OTHER"}
MODALITIES = {"asserted", "reported", "estimated", "denied", "planned", "uncertain"}
OTHER_SUBTYPES = {"disaster", "casualties", "damage", "affected", "rescue", "declaration", "legal",
                  "access", "appeal", "relief", "withdrawal"}
SANCTION_SUBTYPES = {"impose", "ease", "lift", "veto"}
QUALIFIERS = {"exact", "more_than", "at_least", "up_to", "about", "approximately", "less_than",
              "range", "dozens", "hundreds", "thousands", "tens_of_thousands"}
REQUIRED = ["article", "sentence", "trigger", "type", "actor", "recipient", "object", "quantity",
            "date", "place", "attributed_to", "modality"]
OPTIONAL = {"subtype", "actor_state", "recipient_state", "note"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ARG_FIELDS = ("actor", "recipient", "object", "place")


def forms(v: str) -> list[str]:
    """The value and its spelling after the preposition لـ (الرئاسة -> للرئاسة)."""
    return [v, "ل" + v[1:]] if v.startswith("ال") else [v]


def found(v: str, hay: str) -> bool:
    return any(f in hay for f in forms(v))


def strings(v):
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


def check(corpus_path: str, gold_path: str) -> int:
    dossier = json.loads(Path(corpus_path).read_text(encoding="utf-8"))
    arts = {a["id"]: a for a in dossier["articles"]}
    errors, notes = [], []
    events = []
    for n, line in enumerate(Path(gold_path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        ev = json.loads(line)
        events.append(ev)
        where = f"line {n}"
        for k in REQUIRED:
            if k not in ev:
                errors.append(f"{where}: missing field {k}")
        for k in ev:
            if k not in REQUIRED and k not in OPTIONAL:
                errors.append(f"{where}: unknown field {k}")
        art = arts.get(ev.get("article"))
        if art is None:
            errors.append(f"{where}: unknown article {ev.get('article')!r}")
            continue
        text, sent = art["text"], ev.get("sentence") or ""
        if text.find(sent) < 0:
            errors.append(f"{where}: sentence not in the text of {art['id']}: {sent[:60]!r}")
        if not ev.get("trigger") or ev["trigger"] not in sent:
            errors.append(f"{where}: trigger {ev.get('trigger')!r} not in its sentence")
        if ev.get("type") not in TYPES:
            errors.append(f"{where}: bad type {ev.get('type')!r}")
        if ev.get("modality") not in MODALITIES:
            errors.append(f"{where}: bad modality {ev.get('modality')!r}")
        st = ev.get("subtype")
        if ev.get("type") == "OTHER" and st not in OTHER_SUBTYPES:
            errors.append(f"{where}: OTHER needs a subtype from {sorted(OTHER_SUBTYPES)}, got {st!r}")
        if ev.get("type") == "SANCTION" and st not in SANCTION_SUBTYPES:
            errors.append(f"{where}: SANCTION needs a subtype from {sorted(SANCTION_SUBTYPES)}, got {st!r}")
        if ev.get("type") not in ("OTHER", "SANCTION") and st is not None:
            errors.append(f"{where}: subtype only on OTHER and SANCTION")
        if ev.get("date") is not None and not DATE.match(ev["date"]):
            errors.append(f"{where}: bad date {ev['date']!r}")
        q = ev.get("quantity")
        if q is not None:
            keys, need = set(q), {"value", "unit", "qualifier"}
            if keys - need - {"min", "max"} or not need <= keys:
                errors.append(f"{where}: bad quantity keys {sorted(q)}")
            elif q["qualifier"] not in QUALIFIERS:
                errors.append(f"{where}: bad qualifier {q['qualifier']!r}")
            elif q["value"] is None and q["qualifier"] in ("exact", "more_than", "at_least", "up_to",
                                                           "about"):
                errors.append(f"{where}: qualifier {q['qualifier']} needs a value")
        att = strings(ev.get("attributed_to"))
        if not att or any(not a for a in att):
            errors.append(f"{where}: attributed_to is empty")
        for a in att:
            if not found(a, text) and a not in (art.get("outlet") or "") and a not in art.get("wire", []) \
                    and not (a == "رويترز" and "Reuters" in art.get("wire", [])):
                errors.append(f"{where}: attributed_to {a!r} not found in the article or its metadata")
        for f in ARG_FIELDS:
            for v in strings(ev.get(f)):
                if not found(v, sent):
                    in_text = found(v, text)
                    msg = f"{where}: {f} {v!r} not in its sentence"
                    (notes if in_text else errors).append(msg if in_text else msg + " nor in the article")
        for f in ("actor_state", "recipient_state"):
            if f in ev and len(strings(ev[f])) != len(strings(ev[f.split("_")[0]])):
                errors.append(f"{where}: {f} must parallel {f.split('_')[0]}")

    for e in errors:
        print("ERROR", e)
    for m in notes:
        print("note ", m)

    def table(title, counter):
        print(f"\n{title}")
        for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            print(f"  {k!s:<40} {v:>4}")

    print(f"\n{len(events)} events, {len({e['article'] for e in events})} articles, "
          f"{len(errors)} errors, {len(notes)} notes")
    table("per type", Counter(e["type"] for e in events))
    table("per modality", Counter(e["modality"] for e in events))
    table("OTHER per subtype", Counter(e.get("subtype") for e in events if e["type"] == "OTHER"))
    table("per article", Counter(e["article"] for e in events))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    here = Path(__file__).resolve().parent
    sys.exit(check(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else str(here / "events.jsonl")))
