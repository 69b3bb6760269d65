"""The store: SQLite by default, PostgreSQL when reachable; idempotent, transactional, searchable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from khabar.ingest.sources import IngestOptions
from khabar.pipeline import run
from khabar.store import Store

from .stores import BACKENDS, database

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


@pytest.fixture(scope="module")
def analyses():
    r = run([str(CORPUS)], IngestOptions(offline=True))
    assert len(r.analyses) == 10
    return r.analyses


def _fresh(analyses):
    import copy

    return copy.deepcopy(analyses)


def _snapshot(store: Store) -> dict:
    """What a user sees of a store, independent of timestamps."""
    d = store.dossier()
    return {
        "articles": sorted((a["id"], a["story"], a["independence_group"]) for a in d["articles"]),
        "stories": sorted((s["id"], tuple(sorted(s["articles"]))) for s in d["stories"]),
        "entities": sorted((e["id"], e["name"], len(e["mentions"])) for e in d["entities"]),
        "claims": sorted((c["id"], c["status"], c["independent_sources"], tuple(c["events"])) for c in d["claims"]),
        "conflicts": sorted((k["id"], k["kind"]) for k in d["conflicts"]),
        "events": len(d["events"]),
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_ingest_twice_is_a_no_op(backend, tmp_path, analyses):
    with database(backend, tmp_path) as db:
        store = Store(db)
        out = store.add(_fresh(analyses))
        assert len(out["added"]) == 10 and out["duplicates"] == []
        first = store.counts()
        snap = _snapshot(store)
        again = store.add(_fresh(analyses))
        assert again["added"] == [] and len(again["duplicates"]) == 10
        assert store.counts() == first
        assert _snapshot(store) == snap
        # a new connection sees the same store
        assert _snapshot(Store(db)) == snap
        store.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_incremental_ingest_matches_one_batch(backend, tmp_path, analyses):
    with database(backend, tmp_path) as db:
        one = Store(db)
        one.add(_fresh(analyses))
        snap = _snapshot(one)
        one.engine.dispose()
    with database(backend, tmp_path / "b") if backend == "sqlite" else database(backend, tmp_path) as db2:
        if backend == "sqlite":
            (tmp_path / "b").mkdir(exist_ok=True)
        inc = Store(db2)
        fresh = _fresh(analyses)
        for i in range(0, 10, 3):
            inc.add(fresh[i: i + 3])
        assert _snapshot(inc) == snap
        inc.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_entities_claims_and_story_dossier(backend, tmp_path, analyses):
    with database(backend, tmp_path) as db:
        store = Store(db)
        store.add(_fresh(analyses))
        total, hits = store.search("معبر باب الهوى")
        assert total >= 3 and all(h["title"] for h in hits)
        # Arabic normalisation: hamza and ta marbuta variants find the same articles
        assert store.search("اردوغان")[0] == store.search("أردوغان")[0] > 0
        n, ents = store.entities("إردوغان")
        assert n >= 1 and any("أردوغان" in e["aliases"] or "إردوغان" in e["aliases"] for e in ents)
        total, stories = store.stories()
        assert total >= 1
        d = store.dossier(stories[0]["id"])
        own = {a["id"] for a in d["articles"] if a["story"] == stories[0]["id"]}
        assert own == set(d["stories"][0]["articles"])  # the story's articles, plus any its claims cite
        ids = {a["id"] for a in d["articles"]}
        assert all(set(c["articles"]) & ids for c in d["claims"])
        n_claims, claims = store.claims(stories[0]["id"])
        assert n_claims == len(claims) == len(d["claims"])
        art = store.article(d["articles"][0]["id"])
        assert art["text"] and art["mentions"]
        store.engine.dispose()


def test_a_failed_transaction_leaves_the_store_as_it_was(tmp_path, analyses, monkeypatch):
    store = Store(str(tmp_path / "k.db"))
    store.add(_fresh(analyses)[:4])
    before = _snapshot(store)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "_materialise", boom)
    with pytest.raises(RuntimeError):
        store.add(_fresh(analyses)[4:])
    monkeypatch.undo()
    reopened = Store(str(tmp_path / "k.db"))
    assert _snapshot(reopened) == before
    reopened.add(_fresh(analyses)[4:])
    assert reopened.counts()["articles"] == 10


def test_killed_ingest_resumes_to_the_same_store(tmp_path):
    """Kill `khabar ingest` mid-run, run it again: the same store as one clean run."""
    khabar = [sys.executable, "-m", "khabar.present.cli"]
    clean = tmp_path / "clean.db"
    subprocess.run([*khabar, "ingest", str(CORPUS), "--offline", "--db", str(clean), "--batch", "1", "-q"], check=True)
    killed = tmp_path / "killed.db"
    proc = subprocess.Popen([*khabar, "ingest", str(CORPUS), "--offline", "--db", str(killed), "--batch", "1", "-q"])
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if killed.exists():
            try:
                n = Store(str(killed)).counts()["articles"]
            except Exception:  # noqa: BLE001 - the store may be mid-migration
                n = 0
            if n >= 3:
                break
        time.sleep(0.05)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert Store(str(killed)).counts()["articles"] <= 10
    subprocess.run([*khabar, "ingest", str(CORPUS), "--offline", "--db", str(killed), "--batch", "1", "-q"], check=True)
    assert _snapshot(Store(str(killed))) == _snapshot(Store(str(clean)))


def test_store_engine_reads_events_back_and_writes_them_in_batches(tmp_path, analyses):
    """The store's engine keeps no events (they are in the articles' rows): the events, claims,
    timeline and graph it writes are those of an engine that keeps them, given the same articles.
    So are the entities, which it writes as they are made, with their mentions."""
    import sqlalchemy as sa

    from khabar.compare.engine import CrossArticle
    from khabar.store import schema as t

    store = Store(str(tmp_path / "k.db"))
    store.add(_fresh(analyses))
    engine = store._cache[1]
    assert engine.keep_events is False and engine.events == {}
    with store.engine.connect() as conn:
        stored = [row[0] for row in conn.execute(sa.select(t.events.c.data))]
        entities = [row[0] for row in conn.execute(sa.select(t.entities.c.data))]
        mentions = {r[0]: r[1] for r in conn.execute(sa.select(t.entities.c.id, t.entities.c.n_mentions))}
        timeline = [tuple(r) for r in conn.execute(sa.select(t.timeline.c.event, t.timeline.c.story).order_by(t.timeline.c.n))]
    kept = CrossArticle(whole_batches=False)
    kept.add(_fresh(analyses))
    r = kept.results()
    assert len(r["events"]) > 20
    assert sorted(entities, key=lambda e: int(e["id"][1:])) == r["entities"]
    assert mentions == {e["id"]: len(e["mentions"]) for e in r["entities"]}
    assert sum(mentions.values()) > 100
    assert sorted(stored, key=lambda e: int(e["id"][1:])) == r["events"]
    assert any(e["claim"] for e in stored) and any(e["claim"] is None for e in stored)  # claims set after writing
    story = {e["id"]: e["story"] for e in r["events"]}
    claim_story = {c["id"]: c["story"] for c in r["claims"]}
    assert timeline == [(x["event"], claim_story.get(x["claim"]) or story.get(x["event"])) for x in r["timeline"]]
    assert store.results()["claims"] == r["claims"] and store.results()["graph"] == r["graph"]
    assert store.results()["events"] == r["events"]
    store.engine.dispose()


def test_the_workers_text_key_gives_the_same_digest_and_search_text(analyses):
    """Workers send each text's match key; the store's content digest and search text made from it
    are the ones it makes from the text itself (an analysis from elsewhere has no key)."""
    import copy

    from khabar.resolve.duplicates import digest
    from khabar.store import _search_text

    for a in analyses:
        assert a.text_key and len(a.text_key) > 100
        bare = copy.copy(a)
        bare.text_key = None
        assert digest(a.article.text, a.text_key) == digest(a.article.text)
        assert _search_text(a) == _search_text(bare)
    untitled = copy.copy(analyses[0])
    untitled.article = copy.copy(untitled.article)
    untitled.article.title = None
    bare = copy.copy(untitled)
    bare.text_key = None
    assert _search_text(untitled) == _search_text(bare) == untitled.text_key


def test_a_second_writers_bulk_load_is_caught_up(tmp_path, analyses):
    """Two stores on one database: what one commits without writing the engine's state (a bulk
    load) is read into the other's engine before that one adds or checkpoints, so the results
    are those of one store given every article."""
    db = str(tmp_path / "two.db")
    fresh = _fresh(analyses)
    a, b = Store(db), Store(db)
    a.add(fresh[:4], materialise=False)
    b.add(fresh[4:7], materialise=False)  # a's engine does not know these
    a.add(fresh[7:], materialise=False)
    assert a.checkpoint()
    whole = Store(str(tmp_path / "one.db"))
    whole.add(_fresh(analyses))
    assert _snapshot(a) == _snapshot(whole)
    assert {x["id"] for x in a.dossier()["articles"]} == {x.article.id for x in analyses}
    for s in (a, b, whole):
        s.engine.dispose()


def test_an_id_already_stored_with_another_text_is_renamed(tmp_path, analyses):
    store = Store(str(tmp_path / "ids.db"))
    store.add(_fresh(analyses[:2]))
    other = _fresh(analyses[2:4])
    for x in other:
        x.article.id = analyses[0].article.id  # both reuse a stored id, and each other's
    out = store.add(other)
    base = analyses[0].article.id
    assert out["added"] == [f"{base}-2", f"{base}-3"]
    stored = store.analyses([f"{base}-2", f"{base}-3"])
    assert [x.article.text for x in stored] == [x.article.text for x in analyses[2:4]]
    assert all(m.article == f"{base}-3" for m in stored[1].mentions)
    store.engine.dispose()


def test_storing_results_leaves_the_garbage_collector_as_it_was(tmp_path, analyses):
    """store_results freezes the engine's state after each batch and unfreezes it at the end, and
    collects young objects less often meanwhile (as a worker does); a process that froze objects of
    its own keeps them frozen and its thresholds (and its results are the same)."""
    import gc

    from khabar.parallel import GC_YOUNG
    from khabar.pipeline import store_results

    def watched(items):
        for item in items:
            seen.append(gc.get_threshold()[0])
            yield item

    gc.unfreeze()
    before = gc.get_threshold()
    assert before[0] < GC_YOUNG
    seen: list[int] = []
    plain = Store(str(tmp_path / "plain.db"))
    run = store_results(plain, watched(_fresh(analyses)), batch=3)
    assert run.added == 10 and gc.get_freeze_count() == 0
    assert seen and set(seen) == {GC_YOUNG} and gc.get_threshold() == before
    keep = [object() for _ in range(10)] + [[] for _ in range(10)]  # noqa: F841 - kept alive, frozen
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    try:
        other = Store(str(tmp_path / "other.db"))
        seen.clear()
        store_results(other, watched(_fresh(analyses)), batch=3)
        assert 0 < gc.get_freeze_count() <= frozen  # none unfrozen, none added (a few freed)
        assert set(seen) == {before[0]} and gc.get_threshold() == before
        assert _snapshot(other) == _snapshot(plain)
    finally:
        gc.unfreeze()
    for s in (plain, other):
        s.engine.dispose()


def test_state_blobs_round_trip_compressed_or_not_and_refuse_foreign_classes():
    """The engine's state is written as a plain pickle and an article's analysis compressed; both
    read back with the same ``loads`` (a large compressed blob, as older versions wrote states,
    through a stream read in pieces, a small one at once), and neither form lets a tampered blob
    name a class outside khabar's own."""
    import pickle
    import zlib

    import numpy as np

    from khabar.store.state import ONE_SHOT, dumps, loads

    rng = np.random.default_rng(7)
    obj = {"vectors": rng.standard_normal((3000, 512)).astype(np.float32),
           "names": [f"كيان {i}" for i in range(20000)], "pairs": {(i, i + 1) for i in range(500)}}
    for compress in (True, False):
        blob = dumps(obj, compress=compress)
        assert (blob[:1] == pickle.PROTO) is (not compress)
        back = loads(blob)
        assert np.array_equal(back["vectors"], obj["vectors"])
        assert back["names"] == obj["names"] and back["pairs"] == obj["pairs"]
    assert ONE_SHOT < len(dumps(obj)) < len(dumps(obj, compress=False))
    small = {"text": "نص الخبر " * 200, "spans": [(i, i + 3) for i in range(300)]}
    assert len(dumps(small)) < ONE_SHOT and loads(dumps(small)) == small
    evil = pickle.dumps(__import__("os").getcwd)  # a callable from a module the store never writes
    big_evil = pickle.dumps([rng.bytes(ONE_SHOT), __import__("os").getcwd])
    for blob in (evil, zlib.compress(evil), zlib.compress(big_evil, 0)):
        with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
            loads(blob)


def test_json_columns_are_written_as_utf8_and_read_back_whatever_wrote_them(tmp_path, analyses):
    """The JSON columns hold UTF-8 text (no ``\\u`` escapes); what orjson cannot write (a lone
    surrogate, an integer beyond 64 bits, a non-string key) is written by json, and text json wrote
    (escapes, NaN: a store made by an older version) reads back as before."""
    import json
    import math

    import sqlalchemy as sa

    from khabar.store import json_text, json_value

    value = {"text": "بيونغ يانغ", "n": [1, 2.5, None, True]}
    assert json_text(value) == '{"text":"بيونغ يانغ","n":[1,2.5,null,true]}'
    for odd in ({"text": "a\ud800b"}, {"n": 2 ** 70}, {1: "x"}):
        text = json_text(odd)
        assert text == json.dumps(odd) and json_value(text) == json.loads(text)
    assert json_value(json.dumps(value)) == value
    assert math.isnan(json_value('{"x": NaN}')["x"])

    store = Store(str(tmp_path / "k.db"))
    store.add(_fresh(analyses))
    with store.engine.connect() as conn:
        raw = conn.execute(sa.text("SELECT data FROM entities")).scalars().all()
        assert any("\u0600" <= ch <= "\u06ff" for r in raw for ch in r) and not any("\\u06" in r for r in raw)
        data = conn.execute(sa.text("SELECT data FROM events WHERE json_extract(data, '$.claim') IS NOT NULL")).scalars().all()
    assert data and all(json.loads(d)["claim"].startswith("c") for d in data)  # set in place by json_set
    store.engine.dispose()


def test_the_engine_state_written_is_not_kept_alive(tmp_path, analyses):
    """The engine's pickled state (the whole engine, 131 MB for the ANT corpus) is not held once
    written (SQLite gets it streamed from a temporary file): it used to stay referenced by the
    statement that wrote it, through the writing of every result table after it."""
    import sys
    import tracemalloc

    import sqlalchemy as sa

    from khabar.store import schema as t

    store = Store(str(tmp_path / "k.db"))
    tracemalloc.start()
    try:
        store.add(_fresh(analyses))
        sizes = {trace.size for trace in tracemalloc.take_snapshot().traces}
    finally:
        tracemalloc.stop()
    with store.engine.connect() as conn:
        blob = conn.execute(sa.select(t.engine_state.c.blob)).scalar_one()
    assert len(blob) > 50_000
    assert sys.getsizeof(bytes(blob)) not in sizes  # (a bytes object's block: its header and its bytes)
    store.engine.dispose()


def test_the_saved_state_is_read_only_when_the_cached_engine_is_not_it(tmp_path, analyses):
    """Each ingest checks the saved state's version; the state itself (the whole engine) is read
    only by a store whose cached engine is older — another writer's, or none yet."""
    import sqlalchemy as sa

    def state_reads(store: Store) -> list[str]:
        seen: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute",
                        lambda conn, cursor, statement, *rest: seen.append(statement))
        return seen

    first = _fresh(analyses)
    path = str(tmp_path / "k.db")
    store = Store(path)
    store.add(first[:3])
    seen = state_reads(store)
    store.add(first[3:6])
    assert any("engine_state" in q for q in seen)
    assert not any("engine_state.blob" in q and q.lstrip().upper().startswith("SELECT") for q in seen)
    other = Store(path)
    seen = state_reads(other)
    other.add(first[6:])
    assert any("engine_state.blob" in q and q.lstrip().upper().startswith("SELECT") for q in seen)
    assert other.counts() == Store(path).counts() and other.counts()["articles"] == len(first)
    for s in (store, other):
        s.engine.dispose()
