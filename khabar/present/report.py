"""The story views shared by the web UI and the self-contained HTML report.

``story_view(d, story_id, links)`` and ``article_view(...)`` turn a dossier (``khabar.dossier/1``
plus khabar's added fields) into what the templates draw: the story summary, the claims × sources
matrix with its evidence, conflicts side by side, the timeline, the actor graph (an SVG laid out
here, server-side) and the entity list; an article's text with its spans highlighted.
``render_report(d)`` renders every story of a dossier and its articles into one HTML file with the
CSS, the JavaScript and the data inlined: it opens from disk with no network.

Every string that comes from an article is escaped: the templates autoescape, the highlighted
article text is built from ``markupsafe.escape``-d pieces, and data for the JavaScript is embedded
with ``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from bisect import bisect_right
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# ------------------------------------------------------------------------------------------ labels

TYPE_LABELS = {
    "VISIT": ("زيارة", "visit"), "MEET": ("لقاء", "meeting"), "AGREE": ("اتفاق", "agreement"),
    "TRANSFER": ("نقل/تزويد", "transfer"), "DEPLOY": ("نشر/إرسال", "deployment"),
    "FIGHT": ("مشاركة في القتال", "fighting"), "ATTACK": ("هجوم", "attack"), "STATEMENT": ("تصريح", "statement"),
    "ACCUSE": ("اتهام", "accusation"), "THREATEN": ("تهديد", "threat"), "DENY": ("نفي", "denial"),
    "SANCTION": ("عقوبات", "sanctions"), "LAUNCH": ("إطلاق", "launch"), "INTERCEPT": ("اعتراض", "interception"),
    "OTHER": ("حدث", "event"),
}
ENTITY_LABELS = {
    "PERSON": ("شخص", "person"), "ORG": ("منظمة", "organisation"), "GPE": ("دولة/مدينة", "place (political)"),
    "LOC": ("موقع", "location"), "FAC": ("منشأة", "facility"), "WEAPON": ("سلاح", "weapon"),
    "ROLE": ("صفة", "role"), "OTHER": ("أخرى", "other"),
}
MODALITY_LABELS = {
    "asserted": "مؤكَّد", "reported": "منقول", "estimated": "تقديري", "denied": "منفي", "planned": "مُزمَع",
    "uncertain": "غير مؤكَّد",
}
STATUS_LABELS = {
    "corroborated": ("مؤكَّد من مصادر مستقلة", "corroborated"),
    "single_source": ("مصدر واحد", "single source"),
    "conflicting": ("متضارب", "conflicting"),
}
CELL_LABELS = {"supports": "يؤيّد", "conflicts": "يعارض", "silent": "لا يذكر"}
CONFLICT_KINDS = {"date": "تاريخ", "quantity": "رقم", "fact": "وقوع الحدث"}
RESOLUTIONS = {"update": "تحديث لاحق (الرقم الأحدث يحلّ محلّ الأقدم)", "conflict": "تضارب غير محسوم"}
DUPLICATE_KINDS = {"near_duplicate": "نسخة شبه مطابقة", "shared_wire": "نص وكالة مشترك", "same_story": "القصة نفسها"}
WARNING_LABELS = {
    "stale_date": "تاريخ متقادم", "no_date": "بلا تاريخ", "future_date": "تاريخ في المستقبل",
    "no_title": "بلا عنوان", "short_text": "نص قصير", "truncated_html": "صفحة مبتورة",
    "feed_content": "من محتوى الخلاصة", "encoding": "ترميز",
}
MONTHS_AR = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
             "نوفمبر", "ديسمبر"]
FACT_VALUES = {"stated": "أُكِّد وقوعه", "denied": "نُفي"}


def date_ar(value: str | None) -> str:
    """``2023-02-07`` → ``7 فبراير 2023``; ``2023-02`` → ``فبراير 2023``; anything else unchanged."""
    if not value:
        return ""
    parts = str(value).split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS_AR[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 2:
            return f"{MONTHS_AR[int(parts[1]) - 1]} {int(parts[0])}"
    except (ValueError, IndexError):
        pass
    return str(value)


# ------------------------------------------------------------------------------------------ links

class Links:
    """Where the views point: pages of the web UI, or anchors inside the one-file report."""

    def __init__(self, mode: str = "web", article_ids: list[str] | None = None) -> None:
        self.mode = mode
        self._art = {aid: f"art-{i + 1}" for i, aid in enumerate(article_ids or [])}

    def story(self, sid: str) -> str:
        return f"/stories/{quote(sid, safe='')}" if self.mode == "web" else f"#story-{sid}"

    def article(self, aid: str, event: str | None = None) -> str:
        if self.mode == "web":
            return f"/articles/{quote(aid, safe='')}" + (f"#{event}" if event else "")
        return f"#{event}" if event else f"#{self.article_anchor(aid)}"

    def article_anchor(self, aid: str) -> str:
        return self._art.get(aid) or "art-" + quote(aid, safe="")


# ------------------------------------------------------------------------------------------ spans

def sentence_parts(text: str, marks: list[tuple[int, int, str]]) -> list[list[str]]:
    """``text`` cut into ``[piece, class]`` pairs; ``marks`` are (start, end, class) into ``text``.

    Overlapping marks: the earlier (then the longer) wins. Class ``""`` is plain text.
    """
    chosen: list[tuple[int, int, str]] = []
    for s, e, c in sorted(marks, key=lambda m: (m[0], -(m[1] - m[0]))):
        s, e = max(0, s), min(len(text), e)
        if s >= e or (chosen and s < chosen[-1][1]):
            continue
        chosen.append((s, e, c))
    out, pos = [], 0
    for s, e, c in chosen:
        if s > pos:
            out.append([text[pos:s], ""])
        out.append([text[s:e], c])
        pos = e
    if pos < len(text):
        out.append([text[pos:], ""])
    return out


class Span:
    """An HTML element over ``text[start:end]`` (``tag``, attributes; ``first`` extra markup on first opening)."""

    __slots__ = ("attrs", "end", "first", "start", "tag")

    def __init__(self, start: int, end: int, tag: str, attrs: dict[str, str], first: Markup | str = "") -> None:
        self.start, self.end, self.tag, self.attrs, self.first = start, end, tag, attrs, first

    def open(self, first_time: bool) -> Markup:
        attrs = "".join(Markup(' {}="{}"').format(k, v) for k, v in self.attrs.items() if v is not None
                        and (first_time or k != "id"))
        return Markup("<{}{}>").format(Markup(self.tag), Markup(attrs)) + (Markup(self.first) if first_time else "")

    def close(self) -> Markup:
        return Markup("</{}>").format(Markup(self.tag))


def render_spans(text: str, layers: list[list[Span]]) -> Markup:
    """``text`` escaped, with each layer's spans as nested elements (outer layers first).

    Within a layer, spans that overlap an earlier one are dropped; across layers, an inner span that
    crosses an outer one's edge is split (closed and reopened), so the markup always nests.
    """
    n = len(text)
    clean: list[tuple[list[int], list[Span]]] = []
    points = {0, n}
    for layer in layers:
        kept: list[Span] = []
        for sp in sorted(layer, key=lambda x: (x.start, -(x.end - x.start))):
            if not (0 <= sp.start < sp.end <= n) or (kept and sp.start < kept[-1].end):
                continue
            kept.append(sp)
            points.update((sp.start, sp.end))
        clean.append(([sp.start for sp in kept], kept))
    bounds = sorted(points)
    out: list[Markup | str] = []
    stack: list[Span] = []
    opened: set[int] = set()
    for a, b in pairwise(bounds):
        want = []
        for starts, spans in clean:
            i = bisect_right(starts, a) - 1
            if i >= 0 and spans[i].start <= a and b <= spans[i].end:
                want.append(spans[i])
        k = 0
        while k < len(stack) and k < len(want) and stack[k] is want[k]:
            k += 1
        for sp in reversed(stack[k:]):
            out.append(sp.close())
        for sp in want[k:]:
            out.append(sp.open(id(sp) not in opened))
            opened.add(id(sp))
        stack = want
        out.append(escape(text[a:b]))
    for sp in reversed(stack):
        out.append(sp.close())
    return Markup("").join(out)


# ------------------------------------------------------------------------------------------ article

def article_view(art: dict[str, Any], events: list[dict[str, Any]], entities: list[dict[str, Any]],
                 quantities: list[dict[str, Any]], times: list[dict[str, Any]], links: Links,
                 claims: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """An article with its text highlighted: event sentences (anchors ``#v12``), triggers, entity
    mentions coloured by type, quantities and dates underlined."""
    aid = art["id"]
    text = art.get("text") or ""
    claims = claims or {}
    evs = sorted((e for e in events if e.get("article") == aid), key=lambda e: (e["start"], e["end"]))
    by_span: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for e in evs:
        by_span[(e["start"], e["end"])].append(e)
    sentences = []
    for (s, e), group in by_span.items():
        anchors = Markup("").join(Markup('<a class="anchor" id="{}"></a>').format(x["id"]) for x in group)
        title = " · ".join(
            f"{x['id']}: {TYPE_LABELS.get(x['type'], (x['type'],))[0]} ({MODALITY_LABELS.get(x.get('modality'), x.get('modality') or '')})"
            for x in group)
        in_claim = any(x.get("claim") for x in group)
        sentences.append(Span(s, e, "span", {"class": "ev" + (" ev-claim" if in_claim else ""),
                                             "data-events": " ".join(x["id"] for x in group), "title": title}, anchors))
    triggers = []
    for e in evs:
        t = e.get("trigger") or {}
        if t.get("start") is not None and t.get("end") is not None:
            triggers.append(Span(t["start"], t["end"], "mark", {"class": "trig", "title": TYPE_LABELS.get(e["type"], (e["type"],))[0]}))
    mentions = []
    ents_here = []
    for ent in entities:
        ms = [m for m in ent.get("mentions", []) if m.get("article") == aid]
        if not ms:
            continue
        ents_here.append({**_entity_row(ent), "count": len(ms)})
        label = ENTITY_LABELS.get(ent["type"], (ent["type"],))[0]
        title = f"{ent['name']} · {ent.get('latin') or ''} · {label}"
        for m in ms:
            mentions.append(Span(m["start"], m["end"], "span", {"class": f"m m-{ent['type']}", "title": title}))
    if not mentions:  # an article outside the cross-article results: its own mentions (store.article)
        for m in art.get("mentions", []):
            mentions.append(Span(m["start"], m["end"], "span", {"class": f"m m-{m.get('type') or 'OTHER'}",
                                                                "title": m.get("canonical") or m.get("text") or ""}))
    numbers = [Span(q["start"], q["end"], "span", {"class": "q", "title": _quantity_title(q)})
               for q in quantities if q.get("article") == aid]
    numbers += [Span(x["start"], x["end"], "span", {"class": "t", "title": x.get("value") or "تاريخ غير محدد"})
                for x in times if x.get("article") == aid]
    paragraphs, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append(Span(pos, pos + len(line), "span", {"class": "para"}))
        pos += len(line) + 1
    body = render_spans(text, [paragraphs, sentences, mentions, numbers, triggers])
    warnings = [{"code": w.get("code"), "label": WARNING_LABELS.get(w.get("code"), w.get("code")), "message": w.get("message")}
                for w in art.get("warnings") or []]
    event_rows = [{
        "id": e["id"], "type": TYPE_LABELS.get(e["type"], (e["type"],))[0], "type_en": e["type"],
        "modality": MODALITY_LABELS.get(e.get("modality"), e.get("modality")), "date": e.get("date"),
        "claim": e.get("claim"), "claim_summary": (claims.get(e.get("claim") or "") or {}).get("summary"),
        "trigger": (e.get("trigger") or {}).get("text"),
    } for e in evs]
    ents_here.sort(key=lambda x: (-x["count"], x["name"]))
    return {
        "id": aid, "anchor": links.article_anchor(aid), "href": links.article(aid),
        "title": art.get("title") or aid, "outlet": art.get("outlet"), "author": art.get("author"),
        "published": art.get("published"), "url": art.get("url"), "source": art.get("source"),
        "wire": art.get("wire") or [], "warnings": warnings, "removed": art.get("removed") or [],
        "story": art.get("story"), "story_href": links.story(art["story"]) if art.get("story") else None,
        "group": art.get("independence_group"), "words": art.get("words"), "language": art.get("language"),
        "contributors": art.get("contributors") or [], "body": body, "events": event_rows, "entities": ents_here,
    }


def _quantity_title(q: dict[str, Any]) -> str:
    v = q.get("value")
    if v is None and (q.get("min") is not None or q.get("max") is not None):
        v = f"{q.get('min') or ''}–{q.get('max') or ''}"
    return " ".join(str(x) for x in (q.get("qualifier"), v, q.get("unit")) if x not in (None, ""))


def _entity_row(e: dict[str, Any]) -> dict[str, Any]:
    spellings = []
    for s in [e["name"], *e.get("aliases", []), *(m.get("text") for m in e.get("mentions", []))]:
        if s and s not in spellings:
            spellings.append(s)
    return {"id": e["id"], "name": e["name"], "latin": e.get("latin") or "", "type": e["type"],
            "type_label": ENTITY_LABELS.get(e["type"], (e["type"], e["type"]))[0],
            "aliases": [s for s in spellings if s != e["name"]]}


# ------------------------------------------------------------------------------------------ story

def _column_key(art: dict[str, Any]) -> str:
    return art.get("outlet") or f"\x00{art['id']}"


def _reference_value(k: dict[str, Any], claim: dict[str, Any] | None, published: dict[str, str | None]) -> int:
    """Index of the value a conflict's claim stands on; articles on the other values disagree with it.

    A later, higher count (``resolution: update``) wins; a fact conflict stands on "stated"; a date
    conflict on the claim's date; otherwise the value the most articles give (the first on a tie).
    """
    vals = k.get("values") or []
    if not vals:
        return 0
    if k.get("resolution") == "update":
        return max(range(len(vals)), key=lambda i: (max((published.get(a) or "" for a in vals[i]["articles"]), default=""), i))
    if k.get("kind") == "fact":
        return next((i for i, v in enumerate(vals) if v.get("value") != "denied"), 0)
    if k.get("kind") == "date" and claim and claim.get("date"):
        i = next((i for i, v in enumerate(vals) if v.get("value") == claim["date"]), None)
        if i is not None:
            return i
    return max(range(len(vals)), key=lambda i: (len(set(vals[i].get("articles") or [])), -i))


def _value_label(k: dict[str, Any], value: Any) -> str:
    if k.get("kind") == "fact":
        return FACT_VALUES.get(str(value), str(value))
    if k.get("kind") == "date":
        return date_ar(value) or "بلا تاريخ"
    return "" if value is None else str(value)


def _marks_for(start: int, end: int, trig: dict[str, Any] | None, times: list[dict[str, Any]] = (),
               quantities: list[dict[str, Any]] = (), highlight: str | None = None) -> list[tuple[int, int, str]]:
    """Marks (relative to ``start``) in the sentence ``[start, end)`` of one article: the event's
    trigger, and for a date or quantity conflict the dates or numbers the sentence gives."""
    marks = []
    if trig and trig.get("start") is not None and trig.get("end") is not None and start <= trig["start"] < trig["end"] <= end:
        marks.append((trig["start"] - start, trig["end"] - start, "trig"))
    spans = times if highlight == "date" else quantities if highlight == "quantity" else ()
    for x in spans:
        if start <= x["start"] < x["end"] <= end:
            marks.append((x["start"] - start, x["end"] - start, "val"))
    return marks


def story_view(d: dict[str, Any], sid: str, links: Links) -> dict[str, Any]:
    """Everything the story page draws, from a dossier holding (at least) the story."""
    story = next(s for s in d.get("stories", []) if s["id"] == sid)
    art_by_id = {a["id"]: a for a in d.get("articles", [])}
    aids = [a for a in story.get("articles", []) if a in art_by_id] or \
        [a["id"] for a in d.get("articles", []) if a.get("story") == sid]
    arts = sorted((art_by_id[a] for a in aids), key=lambda a: (a.get("published") or "9999", a["id"]))
    ids = {a["id"] for a in arts}
    published = {a["id"]: a.get("published") for a in d.get("articles", [])}
    events = {e["id"]: e for e in d.get("events", []) if e.get("article") in ids}
    claims = [c for c in d.get("claims", []) if c.get("story") == sid or
              (c.get("story") is None and set(c.get("articles", [])) & ids)]
    claim_by_id = {c["id"]: c for c in claims}
    conflicts = [k for k in d.get("conflicts", []) if k.get("claim") in claim_by_id or
                 (k.get("claim") is None and k.get("story") == sid)]
    entities_all = {e["id"]: e for e in d.get("entities", [])}
    times: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in d.get("times", []):
        times[x.get("article")].append(x)
    quantities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in d.get("quantities", []):
        quantities[x.get("article")].append(x)

    # ---- columns: one per outlet (an article without an outlet is its own column)
    cols: dict[str, dict[str, Any]] = {}
    for a in arts:
        k = _column_key(a)
        col = cols.setdefault(k, {"key": k, "label": a.get("outlet") or (a.get("title") or a["id"])[:40],
                                  "outlet": bool(a.get("outlet")), "articles": [], "first": a.get("published")})
        col["articles"].append(a["id"])
    # articles of other stories with events in this story's claims: their outlets are sources on
    # these claims too (often the other side of a conflict), in columns after the story's own
    all_events = {e["id"]: e for e in d.get("events", [])}
    claim_events = {v: all_events[v] for c in claims for v in c.get("events", []) if v in all_events}
    guests = sorted({e["article"] for e in claim_events.values() if e["article"] not in ids and e["article"] in art_by_id},
                    key=lambda a: (art_by_id[a].get("published") or "9999", a))
    for aid in guests:
        a = art_by_id[aid]
        k = _column_key(a)
        col = cols.setdefault(k, {"key": k, "label": a.get("outlet") or (a.get("title") or a["id"])[:40],
                                  "outlet": bool(a.get("outlet")), "articles": [], "first": a.get("published"),
                                  "guest": True})
        col["articles"].append(aid)
    columns = list(cols.values())
    for i, c in enumerate(columns):
        c["index"] = i
        c["n"] = len(c["articles"])
        c.setdefault("guest", False)
    col_of = {aid: cols[_column_key(art_by_id[aid])]["index"] for aid in [*ids, *guests]}

    # ---- conflicts: reference values, losing spans
    conflict_by_id = {k["id"]: k for k in conflicts}
    losing: dict[str, dict[tuple[str, int, int], tuple[dict, dict]]] = defaultdict(dict)  # claim → span → (k, value)
    losing_articles: dict[str, dict[str, tuple[dict, dict]]] = defaultdict(dict)
    winning_articles: dict[str, set[str]] = defaultdict(set)
    ref_index: dict[str, int] = {}
    for k in conflicts:
        cid = k.get("claim")
        ref = _reference_value(k, claim_by_id.get(cid or ""), published)
        ref_index[k["id"]] = ref
        for i, v in enumerate(k.get("values") or []):
            if i == ref:
                winning_articles[cid or ""].update(v.get("articles") or [])
                continue
            for ev in v.get("evidence") or []:
                losing[cid or ""][(ev["article"], ev["start"], ev["end"])] = (k, v)
            for a in v.get("articles") or []:
                losing_articles[cid or ""][a] = (k, v)

    # ---- the matrix
    def evidence_item(e: dict[str, Any], role: str, why: str | None) -> dict[str, Any]:
        a = art_by_id.get(e["article"], {})
        text = e.get("text") or (a.get("text") or "")[e["start"]:e["end"]]
        return {
            "article": e["article"], "title": a.get("title") or e["article"], "outlet": a.get("outlet") or "",
            "published": a.get("published") or "", "href": links.article(e["article"], e["id"]), "event": e["id"],
            "role": role, "role_label": CELL_LABELS[role], "why": why or "",
            "modality": MODALITY_LABELS.get(e.get("modality"), e.get("modality") or ""),
            "type": TYPE_LABELS.get(e["type"], (e["type"],))[0], "date": e.get("date") or "",
            "parts": sentence_parts(text, _marks_for(e["start"], e["end"], e.get("trigger"))),
        }

    status_order = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    rows = []
    cells_data: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for c in sorted(claims, key=lambda c: (status_order.get(c.get("status"), 3), -c.get("independent_sources", 0),
                                           c.get("date") or "9999", _num(c["id"]))):
        per_col: dict[int, dict[str, list]] = defaultdict(lambda: {"supports": [], "conflicts": []})
        for vid in c.get("events", []):
            e = claim_events.get(vid)
            if e is None or e["article"] not in col_of:
                continue
            span = (e["article"], e["start"], e["end"])
            lost = losing[c["id"]].get(span)
            if lost is None and e["article"] in losing_articles[c["id"]] and e["article"] not in winning_articles[c["id"]]:
                lost = losing_articles[c["id"]][e["article"]]
            if e.get("modality") == "denied":
                role, why = "conflicts", "ينفي الحدث"
            elif lost is not None:
                k, v = lost
                role = "conflicts"
                why = f"{CONFLICT_KINDS.get(k.get('kind'), k.get('kind'))}: {_value_label(k, v.get('value'))}"
            else:
                role, why = "supports", None
            per_col[col_of[e["article"]]][role].append(evidence_item(e, role, why))
        cells = []
        cdata: dict[str, list[dict[str, Any]]] = {}
        for col in columns:
            got = per_col.get(col["index"])
            state = "silent"
            if got:
                sup, con = got["supports"], got["conflicts"]
                if sup and con:  # the outlet said both: its latest article decides
                    last_sup = max(x["published"] for x in sup)
                    last_con = max(x["published"] for x in con)
                    state = "supports" if last_sup >= last_con else "conflicts"
                else:
                    state = "supports" if sup else "conflicts"
                cdata[str(col["index"])] = sup + con
            n = len(got["supports"]) + len(got["conflicts"]) if got else 0
            cells.append({"state": state, "label": CELL_LABELS[state], "col": col["index"], "n": n,
                          "mixed": bool(got and got["supports"] and got["conflicts"])})
        cells_data[c["id"]] = cdata
        rows.append({
            "id": c["id"], "summary": c.get("summary") or c["id"], "type": TYPE_LABELS.get(c.get("type"), (c.get("type"),))[0],
            "type_en": c.get("type"), "status": c.get("status"), "status_label": STATUS_LABELS.get(c.get("status"), (c.get("status"),))[0],
            "sources": c.get("independent_sources", 0), "date": c.get("date"), "cells": cells,
            "conflicts": [x for x in c.get("conflicts", []) if x in conflict_by_id],
            "n_support": sum(1 for x in cells if x["state"] == "supports"),
            "n_conflict": sum(1 for x in cells if x["state"] == "conflicts"),
        })

    # ---- conflicts side by side
    conflict_views = []
    for k in conflicts:
        claim = claim_by_id.get(k.get("claim") or "")
        evs_of_claim = [claim_events[v] for v in (claim or {}).get("events", []) if v in claim_events]
        values = []
        for i, v in enumerate(k.get("values") or []):
            items = []
            for ev in v.get("evidence") or []:
                a = art_by_id.get(ev["article"])
                if a is None:
                    continue
                text = (a.get("text") or "")[ev["start"]:ev["end"]]
                match = next((x for x in evs_of_claim if x["article"] == ev["article"] and x["start"] == ev["start"]
                              and x["end"] == ev["end"]), None)
                marks = _marks_for(ev["start"], ev["end"], (match or {}).get("trigger"), times.get(ev["article"], []),
                                   quantities.get(ev["article"], []), k.get("kind"))
                items.append({"article": ev["article"], "title": a.get("title") or ev["article"], "outlet": a.get("outlet") or "",
                              "published": a.get("published") or "",
                              "href": links.article(ev["article"], match["id"] if match else None),
                              "other_story": ev["article"] not in ids,
                              "parts": sentence_parts(text, marks)})
            values.append({"value": v.get("value"), "label": _value_label(k, v.get("value")), "reference": i == ref_index.get(k["id"]),
                           "articles": v.get("articles") or [],
                           "outlets": sorted({art_by_id[a].get("outlet") or a for a in v.get("articles") or [] if a in art_by_id}),
                           "evidence": items})
        conflict_views.append({
            "id": k["id"], "kind": k.get("kind"), "kind_label": CONFLICT_KINDS.get(k.get("kind"), k.get("kind")),
            "about": k.get("about") or (claim or {}).get("summary") or "", "claim": k.get("claim"),
            "resolution": k.get("resolution"), "resolution_label": RESOLUTIONS.get(k.get("resolution") or "", ""),
            "unit": k.get("unit"), "sides": values,
        })

    # ---- timeline
    date_conflicts: dict[str, dict[str, Any]] = {}
    for k in conflicts:
        if k.get("kind") == "date" and k.get("claim"):
            date_conflicts[k["claim"]] = k
    timeline = []
    for x in d.get("timeline", []):
        cid, vid = x.get("claim"), x.get("event")
        if not ((cid and cid in claim_by_id) or (not cid and vid in events)):
            continue
        k = date_conflicts.get(cid or "")
        other = []
        if k:
            for v in k.get("values") or []:
                other.append({"date": v.get("value"), "label": date_ar(v.get("value")),
                              "outlets": sorted({art_by_id[a].get("outlet") or a for a in v.get("articles") or [] if a in art_by_id}),
                              "this": v.get("value") == x.get("date")})
        claim = claim_by_id.get(cid or "")
        ev = events.get(vid or "")
        outlets = sorted({art_by_id[events[v]["article"]].get("outlet") or events[v]["article"]
                          for v in (claim["events"] if claim else [vid]) if v in events}) if (claim or ev) else []
        if k:  # the outlets that give this date
            outlets = next((o["outlets"] for o in other if o["this"]), outlets)
        quote = None
        if ev and len((x.get("summary") or "").split()) <= 2:  # a bare "حدث": show the sentence instead
            quote = sentence_parts(ev.get("text") or "", _marks_for(ev["start"], ev["end"], ev.get("trigger")))
        timeline.append({
            "date": x.get("date"), "label": date_ar(x.get("date")), "summary": x.get("summary") or "", "quote": quote,
            "claim": cid, "event": vid, "status": (claim or {}).get("status"),
            "status_label": STATUS_LABELS.get((claim or {}).get("status") or "", ("",))[0],
            "conflict": k["id"] if k else None, "alternatives": other, "outlets": outlets,
            "href": links.article(ev["article"], vid) if ev else None,
        })

    # ---- entities of the story
    used = {x for e in events.values() for x in (e.get("actor"), e.get("recipient"), e.get("place")) if x}
    ent_rows = []
    for e in entities_all.values():
        ms = [m for m in e.get("mentions", []) if m.get("article") in ids]
        if not ms and e["id"] not in used:
            continue
        row = _entity_row({**e, "mentions": ms})
        row["mentions"] = len(ms)
        row["articles"] = len({m["article"] for m in ms})
        ent_rows.append(row)
    ent_rows.sort(key=lambda r: (-r["mentions"], -r["articles"], r["name"]))

    # ---- the actor graph (of this story's claims)
    from ..compare.graph import build_graph

    graph = build_graph(claims, events, entities_all)
    svg = graph_svg(graph, claim_by_id)

    # ---- summary
    groups: dict[str, list[str]] = defaultdict(list)
    for a in arts:
        groups[a.get("independence_group") or a["id"]].append(a["id"])
    dups = []
    for p in d.get("duplicates", []):
        pa = p.get("articles") or []
        if len(pa) == 2 and set(pa) <= ids:
            dups.append({"a": _short(art_by_id[pa[0]], links), "b": _short(art_by_id[pa[1]], links),
                         "kind": DUPLICATE_KINDS.get(p.get("kind"), p.get("kind")), "similarity": p.get("similarity")})
    wires = Counter(w for a in arts for w in a.get("wire") or [])
    statuses = Counter(c.get("status") for c in claims)
    dates = sorted(a["published"] for a in arts if a.get("published"))
    article_rows = [{**_short(a, links), "warnings": [WARNING_LABELS.get(w.get("code"), w.get("code")) for w in a.get("warnings") or []],
                     "wire": a.get("wire") or [], "group_size": len(groups[a.get("independence_group") or a["id"]]),
                     "events": sum(1 for e in events.values() if e["article"] == a["id"])} for a in arts]
    return {
        "id": sid, "title": story.get("title") or sid, "href": links.story(sid),
        "first": story.get("first") or (dates[0] if dates else None), "last": story.get("last") or (dates[-1] if dates else None),
        "outlets": [c["label"] for c in columns if c["outlet"] and not c["guest"]],
        "n_outlets": sum(1 for c in columns if c["outlet"] and not c["guest"]),
        "n_articles": len(arts), "n_claims": len(claims), "n_conflicts": len(conflicts), "n_events": len(events),
        "n_groups": len(groups), "statuses": {k: statuses.get(k, 0) for k in STATUS_LABELS},
        "wires": wires.most_common(), "copy_groups": [[_short(art_by_id[a], links) for a in g] for g in groups.values() if len(g) > 1],
        "duplicates": dups, "articles": article_rows, "columns": columns, "rows": rows,
        "cells": cells_data, "conflicts": conflict_views, "timeline": timeline, "graph": svg,
        "entities": ent_rows, "key_entities": story.get("entities") or [],
    }


def _num(cid: str) -> int:
    digits = "".join(ch for ch in cid if ch.isdigit())
    return int(digits) if digits else 0


def _short(a: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"id": a["id"], "title": a.get("title") or a["id"], "outlet": a.get("outlet"), "published": a.get("published"),
            "href": links.article(a["id"])}


# ------------------------------------------------------------------------------------------ graph

NODE_COLORS = {"PERSON": "#1d6fa5", "ORG": "#7a4fa3", "GPE": "#2a8a5b", "LOC": "#8a6d1d", "FAC": "#b0562a",
               "WEAPON": "#a33a3a", "ROLE": "#5b6b7a", "OTHER": "#5b6b7a"}
GRAPH_MAX_NODES = 40


def graph_svg(graph: dict[str, Any], claims: dict[str, dict[str, Any]], width: int = 960) -> dict[str, Any]:
    """Coordinates for an SVG drawing of the actor graph (force-directed, deterministic)."""
    nodes = list(graph.get("nodes") or [])[:GRAPH_MAX_NODES]
    keep = {n["id"] for n in nodes}
    edges = [e for e in graph.get("edges") or [] if e["source"] in keep and e["target"] in keep]
    hidden = len(graph.get("nodes") or []) - len(nodes)
    if not nodes:
        return {"nodes": [], "edges": [], "width": width, "height": 0, "hidden": hidden}
    radius = {n["id"]: 7 + 3 * math.sqrt(n.get("degree", 1)) for n in nodes}
    pos, height = _layout(nodes, [(e["source"], e["target"]) for e in edges], radius, width)
    out_nodes = [{
        "id": n["id"], "name": n["name"], "latin": n.get("latin") or "", "type": n.get("type") or "OTHER",
        "type_label": ENTITY_LABELS.get(n.get("type") or "OTHER", ("",))[0], "degree": n.get("degree", 0),
        "x": round(pos[n["id"]][0], 1), "y": round(pos[n["id"]][1], 1), "r": round(radius[n["id"]], 1),
        "color": NODE_COLORS.get(n.get("type") or "OTHER", "#5b6b7a"),
    } for n in nodes]
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in edges:
        pairs[tuple(sorted((e["source"], e["target"])))].append(e)
    out_edges = []
    for (p, q), group in pairs.items():
        m = len(group)
        for i, e in enumerate(group):
            offset = (i - (m - 1) / 2) * 46
            (x1, y1), (x2, y2) = pos[p], pos[q]
            dx, dy = x2 - x1, y2 - y1
            dist = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / dist, dx / dist  # normal of p→q, whatever the edge's direction
            cx, cy = (x1 + x2) / 2 + nx * offset * 2, (y1 + y2) / 2 + ny * offset * 2
            sx, sy = pos[e["source"]]
            tx, ty = pos[e["target"]]
            sx, sy = _toward(sx, sy, cx, cy, radius[e["source"]] + 2)
            tx, ty = _toward(tx, ty, cx, cy, radius[e["target"]] + 4)
            lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * tx, 0.25 * sy + 0.5 * cy + 0.25 * ty
            label = TYPE_LABELS.get(e["type"], (e["type"],))[0] + (f" ×{e['weight']}" if e.get("weight", 1) > 1 else "")
            summaries = [claims[c]["summary"] for c in e.get("claims", []) if c in claims]
            out_edges.append({
                "path": f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {tx:.1f},{ty:.1f}", "lx": round(lx, 1), "ly": round(ly, 1),
                "label": label, "type": e["type"], "status": e.get("status") or "single_source",
                "status_label": STATUS_LABELS.get(e.get("status") or "", ("",))[0], "sources": e.get("sources", 0),
                "claims": e.get("claims", []), "href": f"#claim-{e['claims'][0]}" if e.get("claims") else None,
                "title": " · ".join(summaries),
            })
    return {"nodes": out_nodes, "edges": out_edges, "width": width, "height": height, "hidden": hidden}


def _toward(x: float, y: float, tx: float, ty: float, by: float) -> tuple[float, float]:
    dx, dy = tx - x, ty - y
    d = math.hypot(dx, dy) or 1.0
    return x + dx / d * by, y + dy / d * by


def _label_width(node: dict[str, Any]) -> float:
    return max(7.2 * len(node.get("name") or ""), 6.0 * len(node.get("latin") or ""), 24.0)


def _components(ids: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    parent = {x: x for x in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in ids:
        groups[find(x)].append(x)
    return sorted(groups.values(), key=lambda g: (-len(g), ids.index(g[0])))


def _force(ids: list[str], edges: list[tuple[str, str]], length: float) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold in pixels from a circle (deterministic) for one connected component."""
    import numpy as np

    n = len(ids)
    if n == 1:
        return {ids[0]: (0.0, 0.0)}
    idx = {x: i for i, x in enumerate(ids)}
    angle = np.arange(n) * 2 * math.pi / n
    p = np.stack([np.cos(angle), np.sin(angle)], axis=1) * length * max(1.0, n / 4)
    p += np.stack([np.sin(np.arange(n) * 1.7), np.cos(np.arange(n) * 2.3)], axis=1) * 3.0  # break symmetries
    e = np.array([(idx[a], idx[b]) for a, b in edges], dtype=int).reshape(-1, 2)
    k = length
    temp = length * 0.25
    for _ in range(400):
        delta = p[:, None, :] - p[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2) + np.eye(n), 1.0)
        force = (delta / dist[:, :, None] * (k * k / dist)[:, :, None]).sum(axis=1)
        if len(e):
            d = p[e[:, 0]] - p[e[:, 1]]
            dl = np.maximum(np.linalg.norm(d, axis=1), 1.0)
            f = d / dl[:, None] * (dl * dl / k)[:, None]
            np.add.at(force, e[:, 0], -f)
            np.add.at(force, e[:, 1], f)
        force -= (p - p.mean(axis=0)) * 0.02
        size = np.maximum(np.linalg.norm(force, axis=1), 1e-9)
        p += force / size[:, None] * np.minimum(size, temp)[:, None]
        temp = max(temp * 0.98, 1.0)
    # turn the component so that its longest extent is horizontal (the drawing is wide, not tall)
    c = p - p.mean(axis=0)
    _, vecs = np.linalg.eigh(c.T @ c)
    main = vecs[:, -1]
    if main[0] < 0:
        main = -main
    rot = np.array([[main[0], main[1]], [-main[1], main[0]]])
    p = c @ rot.T
    return {x: (float(p[i, 0]), float(p[i, 1])) for i, x in enumerate(ids)}


def _layout(nodes: list[dict[str, Any]], edges: list[tuple[str, str]], radius: dict[str, float],
            width: int) -> tuple[dict[str, tuple[float, float]], int]:
    """Each connected component laid out by force, then the components packed in rows (shelves).

    Returns positions and the drawing's height. Boxes leave room for the labels under the nodes.
    """
    by_id = {n["id"]: n for n in nodes}
    ids = [n["id"] for n in nodes]
    gap, pad = 28.0, 16.0
    boxes = []
    for comp in _components(ids, edges):
        members = set(comp)
        pos = _force(comp, [(a, b) for a, b in edges if a in members], 150.0)
        xs = [(pos[i][0] - max(_label_width(by_id[i]) / 2, radius[i]), pos[i][0] + max(_label_width(by_id[i]) / 2, radius[i]))
              for i in comp]
        ys = [(pos[i][1] - radius[i] - 4, pos[i][1] + radius[i] + 34) for i in comp]
        x0, x1 = min(a for a, _ in xs), max(b for _, b in xs)
        y0, y1 = min(a for a, _ in ys), max(b for _, b in ys)
        scale = min(1.0, (width - 2 * pad) / (x1 - x0)) if x1 > x0 else 1.0
        if scale < 1.0:  # too wide: squeeze the positions (labels keep their size)
            cx = (x0 + x1) / 2
            pos = {i: (cx + (x - cx) * scale, y) for i, (x, y) in pos.items()}
            x0, x1 = cx + (x0 - cx) * scale, cx + (x1 - cx) * scale
        boxes.append((comp, pos, x0, y0, x1 - x0, y1 - y0))
    out: dict[str, tuple[float, float]] = {}
    rows: list[list[tuple]] = [[]]
    used = 0.0
    for box in boxes:
        w = box[4]
        if rows[-1] and used + gap + w > width - 2 * pad:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0.0) + w
        rows[-1].append(box)
    y = pad
    for row in rows:
        total = sum(b[4] for b in row) + gap * (len(row) - 1)
        h = max(b[5] for b in row)
        x = (width - total) / 2
        for comp, pos, x0, y0, w, bh in row:
            dy = y + (h - bh) / 2 - y0
            for i in comp:
                out[i] = (pos[i][0] - x0 + x, pos[i][1] + dy)
            x += w + gap
        y += h + gap
    return out, int(y - gap + pad)


# ------------------------------------------------------------------------------------------ rendering

@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "svg"), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_ar"] = date_ar
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["CELL_LABELS"] = CELL_LABELS
    env.globals["ENTITY_LABELS"] = ENTITY_LABELS
    return env


def static_text(name: str) -> str:
    text = (STATIC / name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"static/{name} must not contain '</' (it is inlined into the report)")
    return text


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def dossier_views(d: dict[str, Any], links: Links) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Story views and article views of a whole dossier (the report's content)."""
    stories = [story_view(d, s["id"], links) for s in d.get("stories", [])]
    claims = {c["id"]: c for c in d.get("claims", [])}
    order = {aid: i for i, s in enumerate(d.get("stories", [])) for aid in s.get("articles", [])}
    arts = sorted(d.get("articles", []), key=lambda a: (order.get(a["id"], 1 << 30), a.get("published") or "9999", a["id"]))
    articles = [article_view(a, d.get("events", []), d.get("entities", []), d.get("quantities", []), d.get("times", []),
                             links, claims) for a in arts]
    return stories, articles


def render_report(d: dict[str, Any]) -> str:
    """The dossier as one self-contained HTML file (CSS, JavaScript and data inlined; no network)."""
    links = Links("report", [a["id"] for a in d.get("articles", [])])
    stories, articles = dossier_views(d, links)
    story_of = {a["id"]: a.get("story") for a in d.get("articles", [])}
    return render(
        "report.html", mode="report", stories=stories, articles=articles, links=links,
        css=Markup(static_text("khabar.css")), js=Markup(static_text("khabar.js")),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        n_entities=len(d.get("entities", [])), n_claims=len(d.get("claims", [])), n_conflicts=len(d.get("conflicts", [])),
        loose=[a for a in articles if not story_of.get(a["id"])], schema=d.get("schema"),
    )


__all__ = ["Links", "article_view", "date_ar", "environment", "graph_svg", "render", "render_report",
           "render_spans", "sentence_parts", "static_text", "story_view"]
