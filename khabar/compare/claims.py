"""Claims across outlets, their corroboration, and the conflicts between sources.

Events from different articles that state the same thing are one *claim*: the same type, the same
actor and recipient (states standing behind capitals and government bodies count as the state),
the same kind of object, and compatible dates. A claim's independent sources are the independence
groups of its articles (copies of one wire text, or one outlet's articles, count once); its status
is ``conflicting`` when the sources disagree, ``corroborated`` when two or more independent sources
state it, and ``single_source`` otherwise.

Conflicts:

* ``date`` — the same event given different dates: the same signature with dates in the same
  month of the year but different years (June 2023 vs June 2024), or the same month but different
  days;
* ``quantity`` — the same claim with quantities of one unit that cannot both hold once hedges and
  ranges are read as intervals ("10-12 thousand" agrees with 11,000, "more than 10,000" with 12,000;
  13 dead vs 15 dead does not). When the reports are from different days and the later one is
  larger (a rising toll), the later report supersedes: the conflict is marked ``update``;
* ``fact`` — one source asserts what another denies.

Stale or misdated articles: an article that calls an event upcoming (``planned``) although other
sources report it as having happened before the article's page date gets a ``stale_date`` warning.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..text.normalize import key

# Events that make claims: STATEMENT and OTHER are too open to be matched by their arguments alone.
CLAIM_TYPES = {"VISIT", "MEET", "AGREE", "TRANSFER", "DEPLOY", "FIGHT", "ATTACK", "ACCUSE", "THREATEN",
               "DENY", "SANCTION", "LAUNCH", "INTERCEPT"}
CASUALTY_UNITS = {"dead", "injured", "missing", "displaced", "person", "refugee", "arrested"}
# OTHER events that report a figure (khabar.extract.events subtypes): claims per place, unit and day.
STATISTIC_SUBTYPES = {"casualties", "affected", "damage"}

TYPE_AR = {
    "VISIT": "زيارة", "MEET": "لقاء", "AGREE": "اتفاق", "TRANSFER": "نقل/تزويد", "DEPLOY": "نشر/إرسال",
    "FIGHT": "مشاركة في القتال", "ATTACK": "هجوم", "STATEMENT": "تصريح", "ACCUSE": "اتهام", "THREATEN": "تهديد",
    "DENY": "نفي", "SANCTION": "عقوبات", "LAUNCH": "إطلاق", "INTERCEPT": "اعتراض", "OTHER": "حدث",
}


@dataclass(slots=True)  # one per event of a whole corpus: no __dict__ each
class ClaimEvent:
    """What the comparison needs of one event (plain data; built by the pipeline)."""

    id: str
    type: str
    article: str
    start: int
    end: int
    actor: str | None  # entity id (the state for metonyms)
    recipient: str | None
    place: str | None
    object_key: str | None
    object: str | None
    quantity: dict[str, Any] | None  # value, min, max, unit, qualifier, text
    date: str | None
    date_from_text: bool
    modality: str
    published: str | None
    group: str  # independence group of the article
    outlet: str | None
    subtype: str | None = None
    summary_names: tuple[str | None, str | None] = (None, None)


@dataclass
class Claim:
    id: str
    signature: tuple
    events: list[ClaimEvent] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return sorted({e.article for e in self.events})

    @property
    def independent_sources(self) -> int:
        return len({e.group for e in self.events if e.modality != "denied"})

    @property
    def date(self) -> str | None:
        dated = [e.date for e in self.events if e.date and e.date_from_text]
        if not dated:
            dated = [e.date for e in self.events if e.date]
        if not dated:
            return None
        # the most precise date the most sources give
        return max(dated, key=lambda d: (sum(1 for x in dated if x.startswith(d) or d.startswith(x)), len(d)))

    @property
    def text_date(self) -> str | None:
        """The claim's date as the texts state it (not inferred from page dates)."""
        dated = [e.date for e in self.events if e.date and e.date_from_text]
        if not dated:
            return None
        return max(dated, key=lambda d: (sum(1 for x in dated if x.startswith(d) or d.startswith(x)), len(d)))

    @property
    def status(self) -> str:
        if self.conflicts:
            return "conflicting"
        return "corroborated" if self.independent_sources >= 2 else "single_source"


# Head nouns that say only what kind of act an object is ("an agreement on …", "providing …"): the
# word after them tells one object from another.
_GENERIC_HEADS = {key(w) for w in (
    "اتفاق", "اتفاقية", "اتفاقيات", "اتفاقات", "معاهدة", "معاهدات", "مذكرة", "تفاهم", "صفقة", "تقديم", "إرسال", "نقل",
    "حول", "بشأن", "على", "من", "في", "عن", "إلى", "مع", "جديد", "جديدة", "كل", "أي", "تنص", "تتعلق",
)}


def object_key(text: str | None, unit: str | None = None) -> str | None:
    """The kind of thing an event is about: a quantity's unit, else the first telling word of its
    object (generic heads such as اتفاقية or تقديم skipped), crudely stemmed."""
    if unit:
        return unit
    if not text:
        return None
    for w in key(text).replace("“", " ").replace("”", " ").split():
        for prefix in ("وال", "بال", "لل", "ال", "و", "ب"):
            if w.startswith(prefix) and len(w) - len(prefix) >= 3:
                w = w[len(prefix):]
                break
        if len(w) > 2 and w not in _GENERIC_HEADS:
            return w[:5]  # a crude stem: صواريخ/صاروخ stay apart, but قذائف/قذيفة … are unit-matched above
    return None


def _compatible_dates(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _conflicting_dates(a: str, b: str) -> bool:
    """Two dates that look like one event misdated: same month of the year in different years, or
    the same month with different days."""
    if len(a) >= 7 and len(b) >= 7:
        if a[:4] != b[:4] and a[5:7] == b[5:7] and abs(int(a[:4]) - int(b[:4])) <= 2:
            return True
        if a[:7] == b[:7] and len(a) == len(b) == 10 and a != b:
            return True
    return False


def _interval(q: dict[str, Any]) -> tuple[float, float] | None:
    v, lo, hi, qual = q.get("value"), q.get("min"), q.get("max"), q.get("qualifier") or "exact"
    if qual in ("projected", "dozens", "hundreds", "thousands", "millions", "billions", "trillions", "few"):
        return None  # a projection or a vague amount ("آلاف الجنود") contradicts no figure
    if qual in ("about", "approximately") and v is not None:
        return (0.85 * v, 1.15 * v)
    lo = lo if lo is not None else (v if qual not in ("up_to", "less_than") else 0.0)
    hi = hi if hi is not None else (v if qual not in ("more_than", "at_least") else math.inf)
    if lo is None and hi is None:
        return None
    return (lo if lo is not None else 0.0, hi if hi is not None else math.inf)


def _agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None:
        return True
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def _evidence(events: list[ClaimEvent]) -> list[dict[str, Any]]:
    return [{"article": e.article, "start": e.start, "end": e.end} for e in events]


class ClaimBuilder:
    """Groups events into claims and finds conflicts; incremental (``add`` articles' events)."""

    def __init__(self) -> None:
        self.claims: list[Claim] = []
        self.by_signature: dict[tuple, list[Claim]] = defaultdict(list)
        self._conflict_no = 0

    def signature(self, e: ClaimEvent) -> tuple | None:
        if e.type == "OTHER" and e.subtype in STATISTIC_SUBTYPES:
            # a running figure (a death toll, people affected) for one place on one day
            unit = (e.quantity or {}).get("unit")
            if not unit or not e.place or not e.date or len(e.date) < 10 or e.modality in ("estimated", "planned"):
                return None
            return (e.type, e.subtype, e.place, unit, e.date)
        if e.type not in CLAIM_TYPES:
            return None
        if e.type in ("VISIT", "MEET", "AGREE"):
            # a visit or a meeting is the same whichever side the sentence starts with
            parties = tuple(sorted({x for x in (e.actor, e.recipient or e.place) if x}))
            if e.type == "AGREE":
                # an agreement is known by what it is about ("الشراكة الاستراتيجية") as much as by its
                # parties, which sentences often leave implicit ("وقع البلدان")
                if not parties and not e.object_key:
                    return None
                return (e.type, parties, e.object_key)
            return (e.type, parties) if parties else None
        if not (e.actor or e.recipient):
            return None
        return (e.type, e.actor, e.recipient, e.object_key)

    def add(self, events: list[ClaimEvent]) -> None:
        for e in events:
            sig = self.signature(e)
            if sig is None:
                continue
            target = None
            for c in self.by_signature[sig]:
                # only dates the texts state can keep events apart; a page date is a weak hint
                if not e.date_from_text or all(_compatible_dates(e.date, x.date) for x in c.events if x.date_from_text):
                    target = c
                    break
            if target is None:
                target = Claim(id=f"c{len(self.claims) + 1}", signature=sig)
                self.claims.append(target)
                self.by_signature[sig].append(target)
            target.events.append(e)

    def finish(self) -> None:
        """Date conflicts between claims of one signature, then quantity and fact conflicts."""
        for sig, claims in self.by_signature.items():
            merged: list[Claim] = []
            for c in claims:
                other = next((m for m in merged if c.text_date and m.text_date
                              and _conflicting_dates(c.text_date, m.text_date)), None)
                if other is None:
                    merged.append(c)
                    continue
                # evidence: the events that state each date, not those dated by their page
                mine = [e for e in other.events if e.date_from_text]
                theirs = [e for e in c.events if e.date_from_text]
                self._conflict(other, "date", [(other.text_date, mine), (c.text_date, theirs)])
                other.events.extend(c.events)
                c.events = []
            self.by_signature[sig] = merged
        self.claims = [c for c in self.claims if c.events]
        for c in self.claims:
            self._quantity_conflicts(c)
            self._fact_conflicts(c)

    def _conflict(self, claim: Claim, kind: str, values: list[tuple[Any, list[ClaimEvent]]], **extra: Any) -> None:
        self._conflict_no += 1
        claim.conflicts.append(
            {
                "id": f"k{self._conflict_no}",
                "kind": kind,
                "claim": claim.id,
                "values": [
                    {"value": v, "articles": sorted({e.article for e in evs}), "evidence": _evidence(evs)}
                    for v, evs in values
                ],
                **extra,
            }
        )

    def _quantity_conflicts(self, c: Claim) -> None:
        by_unit: dict[str, list[ClaimEvent]] = defaultdict(list)
        for e in c.events:
            if e.quantity and e.quantity.get("unit") and e.modality not in ("planned", "denied"):
                by_unit[e.quantity["unit"]].append(e)
        for unit, evs in by_unit.items():
            groups: list[list[ClaimEvent]] = []
            for e in evs:
                g = next((g for g in groups if all(_agree(e.quantity, x.quantity) for x in g)), None)
                if g is None:
                    groups.append([e])
                else:
                    g.append(e)
            if len(groups) < 2 or len({x.group for g in groups for x in g}) < 2:
                continue  # one source giving two figures is not sources disagreeing
            values = [(g[0].quantity.get("text") or g[0].quantity.get("value"), g) for g in groups]
            dates = [max((x.published or "") for x in g) for g in groups]
            resolution = "conflict"
            if len(set(dates)) == len(dates) and all(dates):
                order = sorted(range(len(groups)), key=lambda i: dates[i])
                vals = [groups[i][0].quantity.get("value") or groups[i][0].quantity.get("min") or 0 for i in order]
                if unit in CASUALTY_UNITS and all(a <= b for a, b in zip(vals, vals[1:])):
                    resolution = "update"  # a later, higher count supersedes an earlier one
            self._conflict(c, "quantity", values, unit=unit, resolution=resolution)

    def _fact_conflicts(self, c: Claim) -> None:
        denied = [e for e in c.events if e.modality == "denied"]
        stated = [e for e in c.events if e.modality in ("asserted", "reported", "estimated")]
        if denied and stated:
            self._conflict(c, "fact", [("stated", stated), ("denied", denied)])

    def stale_articles(self) -> dict[str, list[str]]:
        """Article id → messages: pages dated after an event they still call upcoming."""
        out: dict[str, list[str]] = defaultdict(list)
        for c in self.claims:
            happened = [e for e in c.events if e.modality in ("asserted", "reported") and e.date and e.date_from_text]
            if not happened:
                continue
            when = min(e.date for e in happened)
            for e in c.events:
                if e.modality == "planned" and e.published and e.published[: len(when)] > when:
                    sources = len({x.group for x in happened})
                    out[e.article].append(
                        f"page dated {e.published} calls an event upcoming that {sources} other source(s) "
                        f"date to {when} (claim {c.id})"
                    )
        return out

    def summary(self, c: Claim, names: dict[str, str]) -> str:
        t = c.signature[0]
        e = c.events[0]
        if t == "OTHER":
            _, subtype, place, unit, date = c.signature
            label = {"casualties": "حصيلة", "affected": "المتضررون", "damage": "الأضرار"}.get(subtype, subtype)
            return f"{label} ({unit}) — {names.get(place, '')} ({date})"
        actor = names.get(e.actor or "", "")
        recipient = names.get(e.recipient or "", "") or names.get(e.place or "", "")
        obj = next((x.object for x in c.events if x.object), "")
        parts = [p for p in (actor, TYPE_AR.get(t, t), obj, ("← " + recipient) if recipient else "") if p]
        date = c.date
        return " ".join(parts) + (f" ({date})" if date else "")


def claims_json(builder: ClaimBuilder, names: dict[str, str]) -> tuple[list[dict], list[dict], list[dict]]:
    """Claims, conflicts and timeline arrays of the dossier."""
    claims, conflicts, timeline = [], [], []
    for c in builder.claims:
        summary = builder.summary(c, names)
        claims.append(
            {
                "id": c.id,
                "summary": summary,
                "type": c.signature[0],
                "events": [e.id for e in c.events],
                "articles": c.articles,
                "outlets": sorted({e.outlet for e in c.events if e.outlet}),
                "independent_sources": c.independent_sources,
                "status": c.status,
                "date": c.date,
                "conflicts": [k["id"] for k in c.conflicts],
            }
        )
        for k in c.conflicts:
            about = summary
            conflicts.append({**k, "about": about})
        dates = {c.date} if c.date else set()
        for k in c.conflicts:
            if k["kind"] == "date":
                dates |= {v["value"] for v in k["values"] if v["value"]}
        for d in sorted(dates):
            first = next((e for e in c.events if e.date == d), c.events[0])
            timeline.append({"date": d, "claim": c.id, "event": first.id, "summary": summary})
    timeline.sort(key=lambda t: (t["date"], t["claim"] or ""))
    return claims, conflicts, timeline
