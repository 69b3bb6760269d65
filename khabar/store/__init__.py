"""khabar's store: an embedded SQLite file by default, PostgreSQL when a team shares one.

``Store(url)`` opens (and migrates, with Alembic) a database. ``add`` ingests analysed articles in
one transaction: the articles, their per-article analyses, the cross-article engine's state after
adding them, and the materialised cross-article results. A crash in the middle leaves the store as
it was before that transaction; re-ingesting the same text is a no-op (content digest).

Bulk loading (``add(..., materialise=False)`` batch after batch, then ``checkpoint()``) commits the
articles batch by batch but writes the engine's state and the cross-article tables once at the end:
their cost grows with the store, so writing them per batch would make a large load quadratic. An
interrupted bulk load loses nothing: articles the engine's saved state lacks are added to it (in
the order they were stored) the next time the store is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event

from ..compare.engine import CrossArticle
from ..model import ArticleAnalysis, Event
from ..present.dossier import SCHEMA, article_json
from ..resolve.duplicates import digest
from ..text.normalize import key
from . import schema as t
from .state import dump, dumps, loads


def default_path() -> Path:
    """``$KHABAR_DB`` or the user's data directory (``$XDG_DATA_HOME/khabar/khabar.db``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "khabar" / "khabar.db"


def database_url(db: str | None) -> str:
    """A SQLAlchemy URL from a ``--db`` value: a path (SQLite), or a ``postgresql://`` / ``sqlite://`` URL."""
    if not db:
        db = os.environ.get("KHABAR_DB") or str(default_path())
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+pg8000://" + db.split("://", 1)[1]  # pure-Python driver (BSD licence)
    if "://" in db:
        return db
    path = Path(db).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class StoreError(Exception):
    pass


class Store:
    """The store (see the module doc). Thread-safe for one writer and many readers per process."""

    def __init__(self, db: str | None = None) -> None:
        self.url = database_url(db)
        self.engine = sa.create_engine(self.url, future=True, pool_pre_ping=True,
                                       json_serializer=json_text, json_deserializer=json_value)
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _):  # noqa: ANN001
                dbapi_conn.isolation_level = None  # khabar issues BEGIN itself
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            @event.listens_for(self.engine, "begin")
            def _sqlite_begin(conn):  # noqa: ANN001
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock up front: no lost updates
        self._lock = threading.RLock()
        self._unsaved = 0  # articles in the cached engine that its saved state lacks
        self._cache: tuple[int, CrossArticle] | None = None
        # (id of the cached engine, the highest article seq it holds): while the store's highest seq
        # is still that, no other writer has added articles, so they need not all be read again
        self._synced: tuple[int, int] | None = None
        self._results: tuple[int, dict[str, Any]] | None = None
        self.migrate()

    # ------------------------------------------------------------------------------ schema
    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    # ------------------------------------------------------------------------------ writing
    def known(self, digests: Iterable[str]) -> set[str]:
        ds = list(digests)
        if not ds:
            return set()
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.articles.c.digest).where(t.articles.c.digest.in_(ds))).all()
        return {r[0] for r in rows}

    def article_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(t.articles.c.id))}

    def _load_state(self, conn: sa.Connection, for_update: bool = False) -> tuple[int, CrossArticle]:
        q = sa.select(t.engine_state.c.version).where(t.engine_state.c.id == 1)
        if for_update and self.dialect == "postgresql":
            q = q.with_for_update()
        version = conn.execute(q).scalar()
        if self._cache and self._cache[0] == (version or 0):
            return self._cache  # (the state itself is read only when the cached engine is not it)
        self._unsaved = 0  # a saved state (the articles it lacks are caught up by the caller)
        self._synced = None
        if version is None:
            # chunking must not change the stories; the events are in the articles' rows
            return 0, CrossArticle(whole_batches=False, keep_events=False)
        blob = conn.execute(sa.select(t.engine_state.c.blob).where(t.engine_state.c.id == 1)).scalar_one()
        return version, loads(blob)

    def add(self, analyses: list[ArticleAnalysis], materialise: bool = True) -> dict[str, list[str]]:
        """Ingest analysed articles in one transaction; returns ``{"added": [...], "duplicates": [...]}``.

        An article whose cleaned text is already in the store (same digest) is not added again;
        its id is listed under ``duplicates`` with the id it has in the store.

        ``materialise=False``: commit the articles and update the engine in memory, but leave its
        saved state and the cross-article tables to a later ``add`` or ``checkpoint()`` (bulk
        loading, see the module doc).
        """
        added: list[str] = []
        dupes: list[str] = []
        try:
            with self._lock, self.engine.begin() as conn:
                version, engine = self._load_state(conn, for_update=True)
                seq = self._sync(conn, engine)
                taken = _Taken(conn, [a.article.id for a in analyses])
                digests = [digest(a.article.text, a.text_key) for a in analyses]
                stored = self._digests(conn, digests)
                new: list[ArticleAnalysis] = []
                rows: list[dict[str, Any]] = []
                seen_digests: set[str] = set()
                for a, d in zip(analyses, digests):
                    if d in stored or d in seen_digests:
                        dupes.append(stored.get(d) or a.article.id)
                        continue
                    seen_digests.add(d)
                    base, n = a.article.id, 2
                    while a.article.id in taken:
                        a.article.id = f"{base}-{n}"
                        n += 1
                        for item in (*a.mentions, *a.quantities, *a.times, *a.events):
                            item.article = a.article.id
                    taken.add(a.article.id)
                    seq += 1
                    rows.append(self._article_row(a, d, seq))
                    new.append(a)
                    added.append(a.article.id)
                if rows:
                    conn.execute(t.articles.insert(), rows)
                    if self.dialect == "sqlite":
                        conn.execute(sa.text("INSERT INTO articles_fts (id, search) VALUES (:id, :s)"),
                                     [{"id": r["id"], "s": r["search"]} for r in rows])
                if new:
                    from ..pipeline import fingerprint_all

                    fingerprint_all([a for a in new if a.embedding is None])
                    engine.add(new)
                    self._unsaved += len(new)
                self._synced = (id(engine), seq)
                if materialise and self._unsaved:
                    version = self._save(conn, engine, version)
                self._cache = (version, engine)
        except BaseException:
            self._forget()
            raise
        return {"added": added, "duplicates": dupes}

    def checkpoint(self) -> bool:
        """Write the engine's state and the cross-article tables if articles were added without
        (``add(..., materialise=False)``, or an interrupted bulk load); True if anything was written."""
        try:
            with self._lock, self.engine.begin() as conn:
                version, engine = self._load_state(conn, for_update=True)
                self._sync(conn, engine)
                wrote = bool(self._unsaved)
                if wrote:
                    version = self._save(conn, engine, version)
                self._cache = (version, engine)
        except BaseException:
            self._forget()
            raise
        return wrote

    def _forget(self) -> None:
        """After a failed transaction: the cached engine may hold what was rolled back."""
        self._cache = None
        self._synced = None
        self._unsaved = 0

    def _save(self, conn: sa.Connection, engine: CrossArticle, version: int) -> int:
        version += 1
        size = self._write_state(conn, engine, version)
        large = size > GIVE_BACK_BYTES
        if large:
            _give_back()  # the pickler's memo (and the blob): freed before the results are built
        self._materialise(conn, engine, version)
        if large:
            _give_back()
        self._unsaved = 0
        return version

    def _write_state(self, conn: sa.Connection, engine: CrossArticle, version: int) -> int:
        """Write the engine's pickled state; its size. SQLite gets it streamed, from a temporary
        file into the row's blob (incremental blob I/O): the state is never a bytes object here,
        nor copied whole by SQLite (at the final checkpoint of a bulk load it is the largest thing
        the process holds beside the engine: 131 MB for the ANT corpus, twice over)."""
        exists = conn.execute(sa.select(t.engine_state.c.id).where(t.engine_state.c.id == 1)).first() is not None

        def write(blob: Any, params: dict[str, Any]) -> None:
            # (the blob as an execution parameter: a value put into the statement itself stayed
            # referenced after it ran — the whole state kept alive through the results written next)
            if exists:
                q = t.engine_state.update().where(t.engine_state.c.id == 1)
            else:
                q = t.engine_state.insert().values(id=1)
            conn.execute(q.values(version=sa.bindparam("b_version"), blob=blob), {"b_version": version, **params})

        raw = conn.connection.driver_connection
        if self.dialect == "sqlite" and hasattr(raw, "blobopen"):  # (the standard sqlite3 driver)
            # (beside the database, which has room for it, rather than in a /tmp that may not)
            db = self.engine.url.database
            where = os.path.dirname(os.path.abspath(db)) if db and db != ":memory:" and not db.startswith("file:") else None
            with tempfile.TemporaryFile(dir=where) as f:
                size = dump(engine, f)
                write(sa.func.zeroblob(sa.bindparam("b_n")), {"b_n": size})  # (room, filled in place below)
                f.seek(0)
                rowid = conn.execute(sa.text("SELECT rowid FROM engine_state WHERE id = 1")).scalar_one()
                with raw.blobopen("engine_state", "blob", rowid) as blob:
                    while chunk := f.read(1 << 20):
                        blob.write(chunk)
            return size
        blob = dumps(engine, compress=False)
        write(sa.bindparam("b_blob"), {"b_blob": blob})
        return len(blob)

    def _digests(self, conn: sa.Connection, digests: list[str]) -> dict[str, str]:
        """Stored digests among ``digests`` → the id of their article."""
        out: dict[str, str] = {}
        uniq = list(dict.fromkeys(digests))
        for i in range(0, len(uniq), 500):
            q = sa.select(t.articles.c.digest, t.articles.c.id).where(t.articles.c.digest.in_(uniq[i: i + 500]))
            out.update({r[0]: r[1] for r in conn.execute(q)})
        return out

    def _sync(self, conn: sa.Connection, engine: CrossArticle) -> int:
        """Catch ``engine`` up with the stored articles, unless no article was stored since it last
        was (another writer's bulk load adds articles without a saved state); the highest seq."""
        seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.articles.c.seq), 0))).scalar_one()
        if self._synced != (id(engine), seq):
            ordered = [r[0] for r in conn.execute(sa.select(t.articles.c.id).order_by(t.articles.c.seq))]
            self._catch_up(conn, engine, ordered)
            self._synced = (id(engine), seq)
        return seq

    def _catch_up(self, conn: sa.Connection, engine: CrossArticle, ordered: list[str]) -> None:
        """Add to ``engine`` the stored articles it lacks (committed by a bulk load whose engine state
        was not written), in the order they were stored."""
        missing = [aid for aid in ordered if aid not in engine]
        if not missing:
            return
        from ..pipeline import fingerprint_all

        for i in range(0, len(missing), 200):
            part = missing[i: i + 200]
            rows = {r[0]: r[1] for r in conn.execute(
                sa.select(t.articles.c.id, t.articles.c.analysis).where(t.articles.c.id.in_(part)))}
            batch = [loads(rows[aid]) for aid in part]
            fingerprint_all(batch)
            engine.add(batch)
        self._unsaved += len(missing)

    def _article_row(self, a: ArticleAnalysis, d: str, seq: int) -> dict[str, Any]:
        art = a.article
        light = ArticleAnalysis(article=art, mentions=a.mentions, quantities=a.quantities, times=a.times, events=a.events)
        return {
            "id": art.id, "digest": d, "seq": seq, "source": art.source, "url": art.url, "title": art.title,
            "outlet": art.outlet, "author": art.author, "published": art.published, "language": art.language,
            "search": _search_text(a), "data": article_json(art), "analysis": dumps(light),
            "added": dt.datetime.now(dt.timezone.utc),
        }

    def _events_of(self, conn: sa.Connection) -> Callable[[list[str]], Iterator[tuple[str, list[Event]]]]:
        """Where an engine that does not keep its events reads them: the articles' rows, a few
        hundred at a time, in the order asked."""

        def events_of(ids: list[str]) -> Iterator[tuple[str, list[Event]]]:
            for i in range(0, len(ids), 500):
                part = ids[i: i + 500]
                rows = {r[0]: r[1] for r in conn.execute(
                    sa.select(t.articles.c.id, t.articles.c.analysis).where(t.articles.c.id.in_(part)))}
                for aid in part:
                    blob = rows.get(aid)
                    yield aid, (loads(blob).events if blob is not None else [])

        return events_of

    def _materialise(self, conn: sa.Connection, engine: CrossArticle, version: int) -> None:
        """Rewrite the result tables from the engine (inside the ingest transaction). The events
        are written as the engine hands them over, never all in memory."""
        for table in (t.stories, t.entities, t.claims, t.conflicts, t.events, t.duplicates, t.timeline):
            conn.execute(table.delete())

        def write_events(batch: list[dict[str, Any]]) -> None:
            _insert(conn, t.events, [
                {"id": e["id"], "article": e["article"], "story": e.get("story"), "type": e["type"], "data": e}
                for e in batch
            ])

        def write_entities(batch: list[dict[str, Any]]) -> None:
            _insert(conn, t.entities, [
                {"id": e["id"], "type": e["type"], "name": e["name"], "latin": e["latin"],
                 "n_mentions": len(e["mentions"]),
                 "search": " ".join(sorted({key(x) for x in [e["name"], *e["aliases"]]} | {e["latin"].lower()})), "data": e}
                for e in batch
            ])

        def set_claims(in_claim: dict[str, str], wanted: set[str]) -> Iterator[dict[str, Any]]:
            """The claimed events' rows (written with no claim yet): their claims set; the dicts of
            the ``wanted`` ones given back. SQLite sets them in place (``json_set``: no row is
            decoded and encoded again in Python)."""
            ids = list(in_claim)
            if self.dialect == "sqlite":
                update = sa.text("UPDATE events SET data = json_set(data, '$.claim', :c) WHERE id = :i")
                for i in range(0, len(ids), 5000):
                    conn.execute(update, [{"i": eid, "c": in_claim[eid]} for eid in ids[i: i + 5000]])
                back = [eid for eid in ids if eid in wanted]
                for i in range(0, len(back), 500):
                    yield from conn.execute(sa.select(t.events.c.data).where(t.events.c.id.in_(back[i: i + 500]))).scalars()
                return
            update = t.events.update().where(t.events.c.id == sa.bindparam("b_id")).values(data=sa.bindparam("b_data"))
            for i in range(0, len(ids), 500):
                rows = conn.execute(sa.select(t.events.c.id, t.events.c.data).where(t.events.c.id.in_(ids[i: i + 500]))).all()
                changed = []
                for eid, data in rows:
                    data = dict(data)
                    data["claim"] = in_claim[eid]
                    changed.append({"b_id": eid, "b_data": data})
                    if eid in wanted:
                        yield data
                if changed:
                    conn.execute(update, changed)

        r = engine.results(events_of=self._events_of(conn), sink=write_events, entity_sink=write_entities,
                           claimed=set_claims)
        story_of = r["story_of"]
        claims_by_story: dict[str | None, int] = {}
        conflicts_by_story: dict[str | None, int] = {}
        for c in r["claims"]:
            claims_by_story[c.get("story")] = claims_by_story.get(c.get("story"), 0) + 1
        for k in r["conflicts"]:
            conflicts_by_story[k.get("story")] = conflicts_by_story.get(k.get("story"), 0) + 1
        updated = {s.id: s.updated for s in engine.stories.stories}
        _insert(conn, t.stories, [
            {"id": s["id"], "title": s["title"], "first": s["first"], "last": s["last"], "updated": updated.get(s["id"], 0),
             "n_articles": len(s["articles"]), "n_claims": claims_by_story.get(s["id"], 0),
             "n_conflicts": conflicts_by_story.get(s["id"], 0), "data": s}
            for s in r["stories"]
        ])
        _insert(conn, t.claims, [
            {"id": c["id"], "story": c.get("story"), "status": c["status"], "type": c["type"], "summary": c["summary"],
             "independent_sources": c["independent_sources"], "date": c["date"], "data": c}
            for c in r["claims"]
        ])
        _insert(conn, t.conflicts, [
            {"id": k["id"], "story": k.get("story"), "claim": k.get("claim"), "kind": k["kind"], "about": k["about"],
             "data": k}
            for k in r["conflicts"]
        ])
        _insert(conn, t.duplicates, [
            {"a": p["articles"][0], "b": p["articles"][1], "kind": p["kind"], "similarity": p["similarity"], "data": p}
            for p in r["duplicates"]
        ])
        claim_story = {c["id"]: c.get("story") for c in r["claims"]}
        timeline_events = [x["event"] for x in r["timeline"] if x["event"]]
        event_story: dict[str, str | None] = {}
        for i in range(0, len(timeline_events), 500):
            event_story.update(conn.execute(sa.select(t.events.c.id, t.events.c.story).where(
                t.events.c.id.in_(timeline_events[i: i + 500]))).all())
        _insert(conn, t.timeline, [
            {"n": i, "story": claim_story.get(x["claim"]) or event_story.get(x["event"]), "date": x["date"],
             "claim": x["claim"], "event": x["event"], "summary": x["summary"]}
            for i, x in enumerate(r["timeline"], start=1)
        ])
        if story_of:
            conn.execute(
                t.articles.update().where(t.articles.c.id == sa.bindparam("b_id"))
                .values(story=sa.bindparam("b_story"), grp=sa.bindparam("b_grp")),
                [{"b_id": aid, "b_story": sid, "b_grp": r["independence"].get(aid)} for aid, sid in story_of.items()],
            )
        stale = r["stale"]
        conn.execute(t.meta.delete().where(t.meta.c.key.in_(["version", "stale", "graph"])))
        conn.execute(t.meta.insert(), [
            {"key": "version", "value": str(version)},
            {"key": "stale", "value": json.dumps(stale, ensure_ascii=False)},
        ])
        self._results = None  # (without its events: readers compute the results again)

    # ------------------------------------------------------------------------------ reading
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in (("articles", t.articles), ("stories", t.stories), ("entities", t.entities),
                                    ("claims", t.claims), ("conflicts", t.conflicts), ("events", t.events),
                                    ("duplicates", t.duplicates))
            }

    def results(self) -> dict[str, Any]:
        """The engine's cross-article results at the store's current version (cached)."""
        with self._lock, self.engine.connect() as conn:
            row = conn.execute(sa.select(t.engine_state.c.version, t.engine_state.c.blob)).first()
            if row is None:
                return CrossArticle().results()
            if self._results and self._results[0] == row[0]:
                return self._results[1]
            engine = loads(row[1])
            self._cache, self._synced = (row[0], engine), None
            self._results = (row[0], engine.results(events_of=self._events_of(conn)))
            return self._results[1]

    def article(self, article_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.articles).where(t.articles.c.id == article_id)).mappings().first()
        if row is None:
            return None
        a: ArticleAnalysis = loads(row["analysis"])
        d = dict(row["data"])
        d["story"] = row["story"]
        d["independence_group"] = row["grp"]
        d["mentions"] = [{"start": m.start, "end": m.end, "text": m.text, "type": m.type, "canonical": m.canonical}
                         for m in a.mentions]
        return d

    def analyses(self, ids: Iterable[str] | None = None) -> list[ArticleAnalysis]:
        q = sa.select(t.articles.c.analysis).order_by(t.articles.c.seq)
        if ids is not None:
            q = q.where(t.articles.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            return [loads(r[0]) for r in conn.execute(q)]

    def stories(self, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(t.stories)).scalar_one()
            rows = conn.execute(
                sa.select(t.stories).order_by(t.stories.c.updated.desc(), t.stories.c.id).limit(limit).offset(offset)
            ).mappings().all()
        return total, [
            {"id": r["id"], "title": r["title"], "first": r["first"], "last": r["last"], "articles": r["n_articles"],
             "claims": r["n_claims"], "conflicts": r["n_conflicts"]}
            for r in rows
        ]

    def dossier(self, story: str | None = None) -> dict[str, Any]:
        """The dossier (the contract's shapes) of the whole store or of one story."""
        r = self.results()
        with self.engine.connect() as conn:
            q = sa.select(t.articles.c.id, t.articles.c.data, t.articles.c.analysis, t.articles.c.story,
                          t.articles.c.grp).order_by(t.articles.c.seq)
            if story:
                # the story's articles, and those of other stories its claims and conflicts cite
                own = {x[0] for x in conn.execute(sa.select(t.articles.c.id).where(t.articles.c.story == story))}
                cited = set()
                for c in r["claims"]:
                    if c.get("story") == story:
                        cited |= set(c["articles"])
                for k in r["conflicts"]:
                    if k.get("story") == story:
                        cited |= {e["article"] for v in k["values"] for e in v.get("evidence", [])}
                q = q.where(t.articles.c.id.in_(sorted(own | cited)))
            rows = conn.execute(q).all()
        ids = {row[0] for row in rows}
        articles, quantities, times = [], [], []
        for aid, data, blob, sid, grp in rows:
            d = dict(data)
            d["story"], d["independence_group"] = sid, grp
            for message in r["stale"].get(aid, []):
                d["warnings"] = [*d.get("warnings", []), {"code": "stale_date", "message": message}]
            articles.append(d)
            a: ArticleAnalysis = loads(blob)
            from ..model import to_plain

            quantities += [{**to_plain(q), "article": aid} for q in a.quantities]
            times += [{**to_plain(x), "article": aid} for x in a.times]
        events = [e for e in r["events"] if e["article"] in ids]
        # a story's claims are its own (those of its first article's story), as /api/claims?story= lists
        claims = [c for c in r["claims"] if (c.get("story") == story if story else True)]
        claim_ids = {c["id"] for c in claims}
        entities = []
        used = {x for e in events for x in (e["actor"], e["recipient"], e["place"]) if x}
        used |= {a["entity"] for e in events for a in e["attributed_to"] if a.get("entity")}
        for e in r["entities"]:
            ms = [m for m in e["mentions"] if m["article"] in ids]
            if ms or e["id"] in used:
                entities.append({**e, "mentions": ms})
        from ..compare.graph import build_graph

        return {
            "schema": SCHEMA,
            "articles": articles,
            "entities": entities,
            "quantities": quantities,
            "times": times,
            "events": events,
            "stories": [s for s in r["stories"] if not story or s["id"] == story],
            "duplicates": [p for p in r["duplicates"] if set(p["articles"]) <= ids],
            "claims": claims,
            "conflicts": [k for k in r["conflicts"] if k.get("claim") in claim_ids and all(
                e["article"] in ids for v in k["values"] for e in v.get("evidence", []))],
            "timeline": [x for x in r["timeline"] if (x["claim"] in claim_ids) or
                         (x["event"] and any(e["id"] == x["event"] for e in events))],
            "graph": build_graph(claims, {e["id"]: e for e in events}, {e["id"]: e for e in entities}),
        }

    def entities(self, q: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        sel = sa.select(t.entities.c.data)
        cnt = sa.select(sa.func.count()).select_from(t.entities)
        if q:
            cond = t.entities.c.search.contains(key(q)) | t.entities.c.search.contains(q.lower())
            sel, cnt = sel.where(cond), cnt.where(cond)
        sel = sel.order_by(t.entities.c.n_mentions.desc(), t.entities.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return conn.execute(cnt).scalar_one(), [r[0] for r in conn.execute(sel)]

    def claims(self, story: str | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Claims; with ``story``, the story's own (a claim belongs to the story of its first article)."""
        return self._page(t.claims, story, limit, offset)

    def conflicts(self, story: str | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        return self._page(t.conflicts, story, limit, offset)

    def _page(self, table: sa.Table, story: str | None, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        sel = sa.select(table.c.data)
        cnt = sa.select(sa.func.count()).select_from(table)
        if story:
            sel, cnt = sel.where(table.c.story == story), cnt.where(table.c.story == story)
        with self.engine.connect() as conn:
            return conn.execute(cnt).scalar_one(), [r[0] for r in conn.execute(sel.order_by(table.c.id).limit(limit).offset(offset))]

    def search(self, q: str, limit: int = 20, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """Full-text search over normalised titles and texts."""
        terms = [w for w in key(q).replace('"', " ").split() if w]
        if not terms:
            return 0, []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                match = " AND ".join(f'"{w}"' for w in terms)
                ids_sql = sa.text("SELECT id FROM articles_fts WHERE articles_fts MATCH :m ORDER BY rank")
                ids = [r[0] for r in conn.execute(ids_sql, {"m": match})]
            else:
                ids_sql = sa.text(
                    "SELECT id FROM articles WHERE to_tsvector('simple', coalesce(search, '')) @@ "
                    "plainto_tsquery('simple', :q) ORDER BY ts_rank(to_tsvector('simple', coalesce(search, '')), "
                    "plainto_tsquery('simple', :q)) DESC, seq"
                )
                ids = [r[0] for r in conn.execute(ids_sql, {"q": " ".join(terms)})]
            page = ids[offset: offset + limit]
            rows = {r["id"]: r for r in conn.execute(
                sa.select(t.articles.c.id, t.articles.c.title, t.articles.c.outlet, t.articles.c.published,
                          t.articles.c.story, t.articles.c.search).where(t.articles.c.id.in_(page))).mappings()}
        out = []
        for i in page:
            r = rows[i]
            out.append({"id": i, "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                        "story": r["story"], "snippet": _snippet(r["search"] or "", terms)})
        return len(ids), out


GIVE_BACK_BYTES = 8 << 20  # a state this large (compressed) is worth giving memory back after


class _Taken:
    """Which article ids are taken: those stored (asked of the database once for the batch's own
    ids, then one query per renamed candidate, which is rare) and those given in this batch."""

    def __init__(self, conn: sa.Connection, ids: list[str]) -> None:
        self._conn = conn
        self._ids: set[str] = set()
        uniq = list(dict.fromkeys(ids))
        for i in range(0, len(uniq), 500):
            q = sa.select(t.articles.c.id).where(t.articles.c.id.in_(uniq[i: i + 500]))
            self._ids.update(r[0] for r in self._conn.execute(q))
        self._asked = set(uniq)

    def __contains__(self, aid: str) -> bool:
        if aid not in self._asked:
            self._asked.add(aid)
            if self._conn.execute(sa.select(t.articles.c.id).where(t.articles.c.id == aid)).first():
                self._ids.add(aid)
        return aid in self._ids

    def add(self, aid: str) -> None:
        self._asked.add(aid)
        self._ids.add(aid)


def _give_back() -> None:
    """Return freed memory to the system (glibc keeps it otherwise, and the next large step then
    adds to the process's peak instead of reusing it). A no-op where there is no glibc."""
    import ctypes
    import gc

    gc.collect()
    try:
        # (not ctypes.util.find_library: it runs ldconfig in a forked copy of this large process)
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def json_text(obj: Any) -> str:
    """A JSON column's text. orjson writes it (in a fraction of json's time, and as UTF-8 rather
    than ``\\u`` escapes: the events of an Arabic corpus take 44% less room); what orjson refuses
    (a lone surrogate in a text, an integer beyond 64 bits, a key that is not a string) is written
    by json, with escapes, as before. orjson writes NaN and infinities as null."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError:  # (orjson.JSONEncodeError is one)
        return json.dumps(obj)


def json_value(text: str | bytes) -> Any:
    """A JSON column's value: orjson reads it, json what orjson refuses (NaN, written by json in
    stores made before orjson wrote them; an escaped lone surrogate)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 500):
        conn.execute(table.insert(), rows[i: i + 500])


def _search_text(a: ArticleAnalysis) -> str:
    """Normalised (match-key) title and text for full-text search."""
    if a.text_key is None:
        return key(f"{a.article.title or ''}\n{a.article.text}")
    return " ".join(k for k in (key(a.article.title or ""), a.text_key) if k)


def _snippet(search: str, terms: list[str], width: int = 160) -> str:
    i = min((search.find(w) for w in terms if w in search), default=0)
    start = max(0, i - width // 3)
    return search[start: start + width]
