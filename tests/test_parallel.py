"""Per-article work in one process, in a process pool, or on a Dask cluster: the same results."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from khabar.ingest.sources import IngestOptions, iter_documents
from khabar.model import ArticleAnalysis, RawDocument
from khabar.parallel import map_documents
from khabar.pipeline import content_key, mark_repeats, store_results
from khabar.present.cli import app

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
runner = CliRunner()


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c:
        yield c


def _dossier(tmp_path: Path, name: str, *options: str) -> dict:
    out = tmp_path / f"{name}.json"
    res = runner.invoke(app, ["analyze", str(CORPUS), "--offline", "--json", str(out), "-q", *options])
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8"))


def _view(d: dict) -> dict:
    """What must not depend on how the per-article work was run."""
    return {
        "articles": [(a["id"], a["story"], a["independence_group"]) for a in d["articles"]],
        "stories": [(s["id"], sorted(s["articles"])) for s in d["stories"]],
        "claims": [(c["id"], c["status"], c["independent_sources"], c["events"]) for c in d["claims"]],
        "events": [(e["id"], e["type"], e["article"], e["start"], e["end"], e["actor"], e["claim"]) for e in d["events"]],
        "entities": [(e["id"], e["type"], e["name"], len(e["mentions"])) for e in d["entities"]],
        "duplicates": [(p["articles"], p["kind"], p["similarity"]) for p in d["duplicates"]],
        "conflicts": [(k["id"], k["kind"]) for k in d["conflicts"]],
    }


def test_one_worker_two_workers_and_dask_give_the_same_dossier(tmp_path, cluster):
    one = _view(_dossier(tmp_path, "one", "--workers", "1"))
    two = _view(_dossier(tmp_path, "two", "--workers", "2"))
    dask = _view(_dossier(tmp_path, "dask", "--engine", "dask", "--scheduler", cluster.scheduler_address))
    assert len(one["articles"]) == 10 and one["stories"] and one["claims"] and one["entities"]
    assert two == one
    assert dask == one


def test_results_come_back_in_input_order_from_every_engine(cluster):
    docs = list(iter_documents([str(CORPUS)], IngestOptions(offline=True)))

    def summary(results) -> list:
        out = []
        for r in results:
            assert isinstance(r, ArticleAnalysis), r
            out.append((r.article.id, [(m.start, m.end, m.type) for m in r.mentions],
                        [(e.type, e.trigger_start) for e in r.events], r.embedding.tobytes()))
        return out

    # small chunks: several tasks in flight, finishing out of order on the workers
    local = summary(map_documents(docs, workers=1, chunk=3))
    pool = summary(map_documents(docs, workers=2, chunk=3))
    dask = summary(map_documents(docs, engine="dask", scheduler=cluster.scheduler_address, chunk=3))
    assert [x[0] for x in local] == [d.id for d in docs]
    assert pool == local
    assert dask == local


def test_unknown_engine_and_scheduler_without_dask_are_usage_errors():
    res = runner.invoke(app, ["analyze", str(CORPUS), "--offline", "--engine", "spark"])
    assert res.exit_code != 0 and "local or dask" in res.output
    res = runner.invoke(app, ["analyze", str(CORPUS), "--offline", "--scheduler", "tcp://127.0.0.1:8786"])
    assert res.exit_code != 0 and "--engine dask" in res.output


def test_one_worker_collects_less_often_during_the_run_and_restores_the_collector():
    """One worker runs in the calling process: after the first chunk its young objects are
    collected as a pool worker's are (khabar.parallel.GC_YOUNG), and the caller's thresholds come
    back when the run ends, as they do when it is abandoned."""
    import gc

    from khabar.parallel import GC_YOUNG

    before = gc.get_threshold()
    seen = []
    docs = list(iter_documents([str(CORPUS)], IngestOptions(offline=True)))
    for r in map_documents(docs, workers=1, chunk=3):
        seen.append(gc.get_threshold()[0])
        assert isinstance(r, ArticleAnalysis)
    assert seen[:3] == [before[0]] * 3 and seen[3:] == [max(GC_YOUNG, before[0])] * (len(docs) - 3)
    assert gc.get_threshold() == before
    run = map_documents(docs, workers=1, chunk=3)
    for _ in range(5):
        next(run)
    assert gc.get_threshold()[0] == max(GC_YOUNG, before[0])
    run.close()
    assert gc.get_threshold() == before


def test_a_chunk_is_tagged_together_and_a_text_that_breaks_the_tagger_loses_only_its_own_crf_mentions(monkeypatch):
    """A worker's chunk goes through the CRF tagger in one batch; the analyses are those of each
    document processed alone. When the batch fails, its texts are tagged one by one, so a text
    that breaks the tagger is still analysed (by the rules) and the others keep their CRF mentions."""
    from khabar.extract import ner
    from khabar.pipeline import process_document, process_documents

    raws = [r for r in iter_documents([str(CORPUS)], IngestOptions(offline=True)) if isinstance(r, RawDocument)][:6]
    alone = [process_document(r) for r in raws]
    together = process_documents(raws)
    assert [[(m.start, m.end, m.type, m.source) for m in a.mentions] for a in together] == \
        [[(m.start, m.end, m.type, m.source) for m in a.mentions] for a in alone]
    assert any(m.source == "crf" for a in together for m in a.mentions)

    bad = alone[2].article.text
    real = ner.crf_mentions_many

    def fragile(texts, *args, **kwargs):
        if bad in texts:
            raise RuntimeError("tagger broke")
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(ner, "crf_mentions_many", fragile)
    broken = process_documents(raws)
    assert all(isinstance(a, ArticleAnalysis) for a in broken)
    for i, (a, b) in enumerate(zip(alone, broken, strict=True)):
        crf_a = [(m.start, m.end) for m in a.mentions if m.source == "crf"]
        crf_b = [(m.start, m.end) for m in b.mentions if m.source == "crf"]
        if i == 2:
            assert crf_b == [] and b.mentions  # the rules still found its entities
        else:
            assert crf_b == crf_a


# -- verbatim repeats in a store run ---------------------------------------------------------------

def _again(doc: RawDocument, n: int = 1, **changes) -> RawDocument:
    """The same document met again under another id and source (another section, another poll)."""
    return replace(doc, id=f"{doc.id}-again{n}", source=f"{doc.source}#again{n}", notices=[], **changes)


def _with_repeats(docs: list[RawDocument]) -> tuple[list[RawDocument], int]:
    """``docs`` with repeats put in among them: a plain-text article twice (once with another title,
    which plain text's cleaning does not read) and a web page again; and the count of repeats."""
    text = next(d for d in docs if d.format == "text")
    page = next(d for d in docs if d.format == "html")
    out = list(docs)
    out.insert(4, _again(text))
    out.insert(9, _again(text, 2, title="عنوان آخر", url="https://example.org/other"))
    out.append(_again(page))
    return out, 3


def _stored(store) -> dict:
    r = store.results()
    return {
        "counts": store.counts(),
        "stories": [(s["id"], sorted(s["articles"])) for s in r["stories"]],
        "claims": [(c["id"], c["status"], c["independent_sources"], c["events"]) for c in r["claims"]],
        "conflicts": [(k["id"], k["kind"]) for k in r["conflicts"]],
        "duplicates": [(p["articles"], p["kind"]) for p in r["duplicates"]],
    }


def test_verbatim_repeats_are_stored_once_and_not_analysed(tmp_path, monkeypatch):
    from khabar import pipeline
    from khabar.store import Store

    docs = list(iter_documents([str(CORPUS)], IngestOptions(offline=True)))
    fed, n_repeats = _with_repeats(docs)
    marked = list(mark_repeats(fed))
    assert [d.source for d in marked if d.repeat_of] == [d.source for d in fed if "#again" in d.source]
    assert all(d.repeat_of == d.source.split("#again")[0] for d in marked if d.repeat_of)

    analysed: list[str] = []
    real = pipeline.analyze_article
    monkeypatch.setattr(pipeline, "analyze_article", lambda art, **k: (analysed.append(art.id), real(art, **k))[1])

    plain = Store(str(tmp_path / "plain.db"))
    base = store_results(plain, map_documents(docs, workers=1, chunk=3))
    analysed.clear()
    counted: list[str] = []
    store = Store(str(tmp_path / "repeats.db"))
    run = store_results(store, map_documents(mark_repeats(fed), workers=1, chunk=3),
                        on_result=lambda item: counted.append(getattr(item, "source", None) or item.article.source))
    assert sorted(analysed) == sorted(d.id for d in docs)  # the repeats were only cleaned
    assert counted == [d.source for d in fed]  # each one reported, in order
    assert run.added == base.added and run.duplicates == base.duplicates + n_repeats and not run.errors
    assert _stored(store) == _stored(plain)


def test_a_repeat_is_embedded_in_its_chunk_so_the_others_vectors_do_not_change():
    docs = list(iter_documents([str(CORPUS)], IngestOptions(offline=True)))
    fed, _ = _with_repeats(docs)
    unmarked = list(map_documents([replace(d) for d in fed], workers=1, chunk=4))
    marked = list(map_documents(mark_repeats([replace(d) for d in fed]), workers=1, chunk=4))
    for full, light in zip(unmarked, marked, strict=True):
        assert light.embedding.tobytes() == full.embedding.tobytes()
        if "#again" in light.article.source:
            assert light.repeat_of and not light.mentions and not light.events
        else:
            assert light.repeat_of is None and light.events == full.events


def test_what_makes_a_repeat_and_how_far_back_it_is_looked_for():
    page = RawDocument(id="p", source="a.html", content="<html><body><p>نص</p></body></html>", format="html",
                       url="https://example.org/a", title="عنوان")
    text = RawDocument(id="t", source="a.txt", content="نص الخبر كما هو")
    assert content_key(_again(text, title="آخر", url="https://x.org", published="2024-01-01")) == content_key(text)
    assert content_key(_again(page)) == content_key(page)
    # a web page's URL and title go into its cleaned text, so they are part of what repeats
    assert content_key(_again(page, url="https://example.org/b")) != content_key(page)
    assert content_key(_again(page, title="عنوان آخر")) != content_key(page)
    assert content_key(_again(text, format="markdown")) != content_key(text)
    assert content_key(_again(text, content=text.content + " ")) != content_key(text)

    other = RawDocument(id="o", source="b.txt", content="خبر آخر")
    seq = [text, other, _again(text), _again(other)]
    assert [d.repeat_of for d in mark_repeats([replace(d) for d in seq])] == [None, None, "a.txt", "b.txt"]
    # a window of one content: only the latest one is remembered
    assert [d.repeat_of for d in mark_repeats([replace(d) for d in seq], window=1)] == [None, None, None, None]
    assert [d.repeat_of for d in mark_repeats([replace(d) for d in [text, _again(text), _again(text, 2)]],
                                              window=1)] == [None, "a.txt", "a.txt"]


def test_a_repeat_of_a_document_that_failed_fails_for_the_same_reason(tmp_path, monkeypatch):
    from khabar import pipeline
    from khabar.store import Store

    docs = list(iter_documents([str(CORPUS)], IngestOptions(offline=True)))
    bad = docs[2]
    real = pipeline.analyze_article

    def fragile(art, **k):
        if art.id == bad.id:
            raise ValueError("a bug met on this article")
        return real(art, **k)

    monkeypatch.setattr(pipeline, "analyze_article", fragile)
    fed = docs + [_again(bad)]
    run = store_results(Store(str(tmp_path / "k.db")), map_documents(mark_repeats(fed), workers=1, chunk=3))
    assert [e.source for e in run.errors] == [bad.source, f"{bad.source}#again1"]
    assert run.errors[0].reason == run.errors[1].reason and "a bug met on this article" in run.errors[1].reason
    assert run.added == len(docs) - 1 and run.duplicates == 0
