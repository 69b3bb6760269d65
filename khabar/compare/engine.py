"""The cross-article engine: entities, stories, duplicates, claims, conflicts, timeline, actor graph.

``CrossArticle`` is incremental: ``add`` articles' analyses as they come (a batch run adds them all
in publication order; the store adds each ingest's new articles to the state it kept), and
``results`` gives the dossier's cross-article arrays at any time. Entities, stories and duplicate
detection are updated in place (their ids are stable); claims, conflicts, the timeline and the
graph are rebuilt from the events, which is cheap. What is kept per article is its metadata, its
mentions and its events — not its text. An engine made with ``keep_events=False`` (the store's)
does not keep the events either: ``results`` reads them back from where they are kept
(``events_of``), and can hand the events' dicts to a ``sink`` in batches instead of returning them,
so a large store's final results are never all in memory at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import ArticleAnalysis, Event, Mention
from ..resolve.duplicates import DuplicateIndex, duplicates_json
from ..resolve.entities import EntityResolver, SurnameIndex
from ..resolve.stories import StoryClusterer, article_entities, stories_json
from ..text.normalize import key
from .claims import TYPE_AR, ClaimBuilder, ClaimEvent, claims_json, object_key
from .graph import build_graph

STORY_ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC")


@dataclass
class ArticleMeta:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    wire: list[str]


def publication_order(analyses: list[ArticleAnalysis]) -> list[ArticleAnalysis]:
    """The order the engine sees a batch in: publication date (undated last), then id."""
    return sorted(analyses, key=lambda a: (a.article.published or "9999", a.article.id))


class CrossArticle:
    """Incremental cross-article state (see the module doc).

    ``whole_batches``: each ``add`` is a whole run (``khabar analyze`` adds all its articles at
    once), so its stories are judged against the background of all of it
    (``StoryClusterer.prime``). The store passes False: its batches are transaction-sized chunks of
    a longer stream, and how an ingest is chunked must not change the stories (each article is then
    judged against the background of the articles before it).
    """

    whole_batches = False  # engines pickled before the attribute existed are the store's
    keep_events = True  # (so do those engines' events)

    def __init__(self, whole_batches: bool = True, keep_events: bool = True) -> None:
        self.whole_batches = whole_batches
        self.keep_events = keep_events
        self.resolver = EntityResolver()
        self.surnames = SurnameIndex()
        self.stories = StoryClusterer()
        self.dups = DuplicateIndex()
        self.meta: dict[str, ArticleMeta] = {}
        self.events: dict[str, list[Event]] = {}
        self.order: list[str] = []

    def __contains__(self, article_id: str) -> bool:
        return article_id in self.meta

    def add(self, analyses: list[ArticleAnalysis]) -> None:
        """Add articles (in the given order); each needs its embedding and sketches computed."""
        fresh: dict[str, ArticleAnalysis] = {}
        for a in analyses:
            if a.article.id not in self.meta:
                fresh.setdefault(a.article.id, a)
        if self.whole_batches:
            self.stories.prime(a.embedding for a in fresh.values())
        self.stories.prefetch(a.embedding for a in fresh.values())
        for a in fresh.values():
            art = a.article
            self.surnames.learn(a.mentions)
            mentions = list(a.mentions) + self.surnames.scan(art.id, art.text, a.mentions)
            self.resolver.add(mentions)
            keys = [key(m.canonical or m.text) for m in mentions if m.type in STORY_ENTITY_TYPES]
            self.stories.add(art.id, a.embedding, art.published, article_entities(keys), art.title or "")
            self.dups.add(art.id, art.outlet, a.sketches)
            # what the events' JSON reads of their article (its title and wire are in the store)
            self.meta[art.id] = ArticleMeta(art.id, None, _intern(art.outlet), _intern(art.published), _NO_WIRE)
            if self.keep_events:
                self.events[art.id] = list(a.events)
            self.order.append(art.id)

    # ------------------------------------------------------------------------------------ results
    def _events(self, events_of: EventSource | None) -> Iterator[tuple[str, list[Event]]]:
        """Every article's events, in the order the articles were added, numbered ``v1, v2, ...``."""
        if self.keep_events:
            source: Iterable[tuple[str, list[Event]]] = ((aid, self.events[aid]) for aid in self.order)
        elif events_of is None:
            raise ValueError("this engine does not keep its events: results() needs events_of")
        else:
            source = events_of(self.order)
        n = 0
        for aid, evs in source:
            for ev in evs:
                n += 1
                ev.id = f"v{n}"
            yield aid, evs

    def _event_jsons(self, events_of: EventSource | None, states: _StateEntities,
                     groups: dict[str, str]) -> Iterator[tuple[dict[str, Any], ClaimEvent]]:
        """Every event in the dossier's shape and as the claims see it."""
        for aid, evs in self._events(events_of):
            meta = self.meta[aid]
            for ev in evs:
                yield self._event_json(ev, meta, states, groups.get(aid, aid))

    def results(self, events_of: EventSource | None = None,
                sink: Callable[[list[dict[str, Any]]], None] | None = None,
                entity_sink: Callable[[list[dict[str, Any]]], None] | None = None,
                claimed: ClaimedEvents | None = None) -> dict[str, Any]:
        """The cross-article results in the dossier's shapes.

        ``events_of(article_ids)``: the events of those articles as ``(id, events)`` pairs in that
        order, for an engine that does not keep them. ``sink`` (with ``claimed``): the events' dicts
        go to ``sink`` in batches, in order, as they are read, with ``claim`` still ``None`` (the
        claims are known only once every event is read); then ``claimed({event id: claim id},
        wanted)`` sets the claims of the events that have one where the sink put them and gives
        back the dicts of those among them whose ids are in ``wanted`` (what the graph reads). The
        events are read once, and the returned ``events`` list is empty.
        ``entity_sink``: given, the entities go to it in batches with their mentions, and the
        returned ``entities`` have empty ``mentions`` (every mention of a large corpus as a dict
        at once was the largest part of a store's final results)."""
        if (sink is None) != (claimed is None):
            raise ValueError("results(): sink and claimed go together")
        pairs = self.dups.pairs()
        groups = self.dups.independence_groups(pairs)
        entities: list[dict[str, Any]] = []
        if entity_sink is None:
            entities += self.resolver.iter_entities_json()
        else:
            def kept_light(es: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
                for e in es:
                    entities.append({**e, "mentions": []})
                    yield e

            _in_batches(kept_light(self.resolver.iter_entities_json()), entity_sink)
        n_resolved = len(entities)
        states = _StateEntities(entities)
        story_of = dict(self.stories.by_article)
        events: list[dict[str, Any]] = []
        dated: list[dict[str, Any]] = []  # the events the timeline lists when no claim does
        # the claims' builder sees each event as it is read (in order, as it would all of them at
        # once): the five in six that belong to no claim are not kept
        builder = ClaimBuilder()

        def read() -> Iterator[dict[str, Any]]:
            for d, ce in self._event_jsons(events_of, states, groups):
                builder.add((ce,))
                d["claim"] = None
                d["story"] = story_of.get(d["article"])
                if d["date"] and d.get("date_source") == "text" and d["type"] != "STATEMENT":
                    dated.append({k: d[k] for k in ("id", "date", "type", "actor", "recipient", "object")})
                yield d

        if sink is None:
            events += read()
        else:
            _in_batches(read(), sink)
        builder.finish()
        names = {e["id"]: e["name"] for e in entities}
        claims, conflicts, timeline = claims_json(builder, names)
        in_claim = {v: c["id"] for c in claims for v in c["events"]}
        for c in claims:
            c["story"] = story_of.get(c["articles"][0]) if c["articles"] else None
        claim_story = {c["id"]: c["story"] for c in claims}
        for k in conflicts:
            k["story"] = claim_story.get(k.get("claim"))
        timeline += [{"date": d["date"], "claim": None, "event": d["id"], "summary": _event_summary(d, names)}
                     for d in dated if d["id"] not in in_claim]
        heads = {c["events"][0] for c in claims if c["events"]}  # what the graph reads of the events
        graph_events: dict[str, dict[str, Any]] = {}
        if claimed is None:
            for ev in events:
                ev["claim"] = in_claim.get(ev["id"])
                if ev["id"] in heads:
                    graph_events[ev["id"]] = ev
        else:  # (only what the graph reads is kept of each: the events' dicts are large)
            for ev in claimed(in_claim, heads):
                graph_events[ev["id"]] = {k: ev.get(k) for k in ("id", "actor", "recipient", "place")}
        if entity_sink is not None:
            entity_sink(entities[n_resolved:])  # the states named only through their capitals
        timeline.sort(key=lambda t: (t["date"], t["claim"] or "", t["event"] or ""))
        graph = build_graph(claims, graph_events, {e["id"]: e for e in entities})
        return {
            "entities": entities,
            "stories": stories_json(self.stories),
            "duplicates": duplicates_json(pairs),
            "events": events,
            "claims": claims,
            "conflicts": conflicts,
            "timeline": timeline,
            "graph": graph,
            "independence": groups,
            "story_of": story_of,
            "stale": dict(builder.stale_articles()),
        }

    def _event_json(self, ev: Event, meta: ArticleMeta, states: _StateEntities,
                    group: str) -> tuple[dict[str, Any], ClaimEvent]:
        """An Event in the dossier's shape (entity ids) and the comparison's view of it."""
        resolver = self.resolver

        def ent(m: Mention | None, state: str | None) -> str | None:
            if state:
                return states.id_of(state)
            return resolver.entity_id(m) if m is not None else None

        actor = ent(ev.actor, ev.actor_state or _capital_of(ev.actor))
        recipient = ent(ev.recipient, ev.recipient_state or _capital_of(ev.recipient))
        place = resolver.entity_id(ev.place) if ev.place is not None else None
        q = ev.quantity
        quantity = None if q is None else {
            "value": q.value, "min": q.min, "max": q.max, "unit": q.unit, "qualifier": q.qualifier, "text": q.text,
        }
        attributed = [
            {"entity": resolver.entity_id(at.mention) if at.mention is not None else None, "text": at.text,
             "kind": at.kind}
            for at in ev.attributed_to or []
        ] or [{"entity": None, "text": meta.outlet or "the outlet", "kind": "outlet"}]
        d = {
            "id": ev.id, "type": ev.type, "subtype": ev.subtype, "article": meta.id,
            "start": ev.start, "end": ev.end, "text": ev.text,
            "trigger": {"text": ev.trigger, "start": ev.trigger_start, "end": ev.trigger_end},
            "actor": actor, "actor_mention": _mention_json(ev.actor),
            "recipient": recipient, "recipient_mention": _mention_json(ev.recipient),
            "object": ev.object, "quantity": quantity, "date": ev.date, "date_source": ev.date_source,
            "place": place, "place_mention": _mention_json(ev.place),
            "attributed_to": attributed, "modality": ev.modality,
        }
        # For matching claims a capital is its state: "visited Pyongyang" and "visited North Korea" agree.
        place_state = _capital_of(ev.place)
        claim_place = states.id_of(place_state) if place_state else place
        # (kept for every event of the store until the claims are made: one copy of each repeated
        # string — types, dates, entity ids — rather than one per event)
        ce = ClaimEvent(
            id=ev.id, type=_intern(ev.type), article=meta.id, start=ev.start, end=ev.end, actor=_intern(actor),
            recipient=_intern(recipient), place=_intern(claim_place),
            object_key=_intern(object_key(ev.object, q.unit if q else None)), object=ev.object,
            quantity=quantity, date=_intern(ev.date), date_from_text=ev.date_source == "text",
            modality=_intern(ev.modality), published=meta.published, group=group, outlet=meta.outlet,
            subtype=_intern(ev.subtype),
        )
        return d, ce


EventSource = Callable[[list[str]], Iterable[tuple[str, list[Event]]]]
# given {event id: claim id} and the wanted ids, sets those events' claims where a sink put them;
# gives back the dicts of the wanted ones
ClaimedEvents = Callable[[dict[str, str], set[str]], Iterable[dict[str, Any]]]


class _StateEntities:
    """Entity ids of states by name; a state named only through its capital gets an entity of its own."""

    def __init__(self, entities: list[dict[str, Any]]) -> None:
        self.entities = entities
        self.by_name = {key(e["name"]): e["id"] for e in entities if e["type"] == "GPE"}
        self.next = 1 + max((int(e["id"][1:]) for e in entities), default=0)

    def id_of(self, name: str) -> str:
        from ..extract.gazetteer import place
        from ..text.translit import to_latin

        k = key(name)
        if k not in self.by_name:
            entry = place(name)
            eid = f"e{self.next}"
            self.next += 1
            latin = getattr(entry, "english", None) or to_latin(name)
            self.entities.append({"id": eid, "type": "GPE", "name": name, "latin": latin, "aliases": [], "mentions": []})
            self.by_name[k] = eid
        return self.by_name[k]


def _capital_of(m: Mention | None) -> str | None:
    """The state a capital city mention stands for (GPE mentions only)."""
    if m is None or m.type != "GPE":
        return None
    from ..extract.gazetteer import capital_state

    return capital_state(m.canonical or m.text)


def _mention_json(m: Mention | None) -> dict[str, Any] | None:
    return None if m is None else {"text": m.text, "start": m.start, "end": m.end}


def _event_summary(ev: dict[str, Any], names: dict[str, str]) -> str:
    parts = [names.get(ev["actor"] or "", ""), TYPE_AR.get(ev["type"], ev["type"]), ev.get("object") or ""]
    if ev.get("recipient"):
        parts.append("← " + names.get(ev["recipient"], ""))
    return " ".join(p for p in parts if p)


_NO_WIRE: list[str] = []  # shared: never appended to


def _intern(s: str | None) -> str | None:
    return sys.intern(s) if s else s


def _in_batches(items: Iterable[dict[str, Any]], sink: Callable[[list[dict[str, Any]]], None],
                size: int = 2000) -> None:
    """Hand ``items`` to ``sink`` ``size`` at a time (the last batch may be empty)."""
    batch: list[dict[str, Any]] = []
    for x in items:
        batch.append(x)
        if len(batch) >= size:
            sink(batch)
            batch = []
    sink(batch)
