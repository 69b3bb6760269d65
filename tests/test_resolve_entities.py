"""Entity resolution across articles: every spelling of one thing is one entity; different things stay apart."""

from __future__ import annotations

from khabar.extract.entities import find_entities
from khabar.resolve.entities import resolve_entities, skeleton, surname_mentions


def _mentions(articles: dict[str, str]):
    out = []
    for aid, text in articles.items():
        for m in find_entities(text, crf=False):
            m.article = aid
            out.append(m)
    return out


def _entity_of(entities, surface):
    found = [e for e in entities if surface in e.aliases]
    assert len(found) == 1, (surface, [(e.name, e.aliases) for e in found])
    return found[0]


def test_skeleton_folds_transliteration_variants():
    assert skeleton("بيونغ يانغ") == skeleton("بيونج يانج") == skeleton("بيونج يونج")
    assert skeleton("كهرمان مرعش") == skeleton("قهرمان مرعش") == skeleton("كهرمان ماراش")
    assert skeleton("غازي عنتاب") == skeleton("غازي عينتاب")
    assert skeleton("أنطاكية") == skeleton("انطاكيا")
    assert skeleton("كوريا الشمالية") != skeleton("كوريا الجنوبية")
    assert skeleton("كيم جونغ أون") != skeleton("كيم يونج بوك")


def test_spellings_across_articles_merge():
    ents = resolve_entities(_mentions({
        "a": "زار الرئيس التركي رجب طيب أردوغان المناطق المنكوبة يوم الأربعاء.",
        "b": "وقال الرئيس التركي رجب طيب إردوغان إن فرق الإنقاذ وصلت إلى الولايات العشر.",
        "c": "وصل وفد روسي إلى بيونغ يانغ أمس، فيما أكدت بيونج يانج أن المحادثات ستستمر.",
    }))
    erdogan = _entity_of(ents, "رجب طيب أردوغان")
    assert "رجب طيب إردوغان" in erdogan.aliases
    assert erdogan.type == "PERSON"
    assert {m.article for m in erdogan.mentions} == {"a", "b"}
    pyongyang = _entity_of(ents, "بيونغ يانغ")
    assert "بيونج يانج" in pyongyang.aliases
    assert pyongyang.latin == "Pyongyang"


def test_different_things_stay_apart():
    ents = resolve_entities(_mentions({
        "a": "التقى الزعيم الكوري الشمالي كيم جونغ أون وفدا من كوريا الجنوبية.",
        "b": "وقال الجنرال كيم يونج بوك إن قوات كوريا الشمالية جاهزة. وأضاف كيم أن التدريبات مستمرة.",
        "c": "ناقش مجلس الأمن التابع للأمم المتحدة القرار، بينما اجتمع مجلس الأمن الروسي في موسكو.",
    }))
    kim_jong_un = _entity_of(ents, "كيم جونغ أون")
    kim_yong_bok = _entity_of(ents, "كيم يونج بوك")
    assert kim_jong_un.id != kim_yong_bok.id
    assert "كيم" in kim_yong_bok.aliases  # the bare surname refers back to the nearest full name
    north, south = _entity_of(ents, "كوريا الشمالية"), _entity_of(ents, "كوريا الجنوبية")
    assert north.id != south.id
    councils = [e for e in ents if e.type == "ORG" and "مجلس الأمن" in e.name]
    assert len(councils) == 2


def test_surname_alone_in_another_article_joins_the_only_person_with_that_name():
    texts = {
        "a": "قال وزير الداخلية التركي سليمان صويلو إن الشرطة أوقفت 48 شخصا.",
        "b": "وأكد صويلو أن التحقيقات مستمرة في عشر ولايات، فيما نفى مسؤولون آخرون ذلك.",
    }
    ms = _mentions(texts)
    extra = surname_mentions(texts, ms)
    assert [(m.article, m.text) for m in extra] == [("b", "صويلو")]
    assert texts["b"][extra[0].start:extra[0].end] == "صويلو"
    soylu = _entity_of(resolve_entities(ms + extra), "سليمان صويلو")
    assert "صويلو" in soylu.aliases
    assert {m.article for m in soylu.mentions} == {"a", "b"}


def test_shared_surname_is_not_guessed():
    texts = {
        "a": "استقبل وزير الخارجية العراقي فؤاد حسين نظيره، وتحدث عن حقبة الرئيس العراقي الراحل صدام حسين.",
        "b": "وقال حسين إن المحادثات ستستمر.",
    }
    ms = _mentions(texts)
    people = {m.canonical or m.text for m in ms if m.type == "PERSON"}
    assert {"فؤاد حسين", "صدام حسين"} <= people  # two people share the surname
    assert surname_mentions(texts, ms) == []


def test_entity_ids_and_latin_names():
    ents = resolve_entities(_mentions({"a": "وصل وفد من روسيا إلى بيونغ يانغ، ثم عاد إلى موسكو."}))
    assert [e.id for e in ents] == [f"e{i}" for i in range(1, len(ents) + 1)]
    assert _entity_of(ents, "بيونغ يانغ").latin == "Pyongyang"
    assert _entity_of(ents, "روسيا").latin == "Russia"


def test_entity_ids_by_span_across_articles_and_an_older_saved_state():
    """A mention's entity is found by its article and span (the resolver keeps runs of indices per
    article, not a table of every span), also when an article's mentions come in two calls, and
    from a state saved by a version that kept every span."""
    import pickle

    from khabar.model import Mention
    from khabar.resolve.entities import EntityResolver

    def m(art, start, text, typ="GPE"):
        return Mention(start, start + len(text), text, typ, article=art)

    r = EntityResolver()
    r.add([m("a", 0, "موسكو"), m("a", 10, "بيونغ يانغ")])
    r.add([m("b", 5, "بيونج يانج"), m("b", 30, "موسكو")])
    r.add([m("a", 50, "طوكيو")])  # article a again, after b
    ids = {(x.article, x.start): r.entity_id(x) for x in
           [m("a", 0, "موسكو"), m("a", 10, "بيونغ يانغ"), m("b", 5, "بيونج يانج"), m("b", 30, "موسكو"),
            m("a", 50, "طوكيو")]}
    assert ids[("a", 0)] == ids[("b", 30)] and ids[("a", 10)] == ids[("b", 5)]
    assert ids[("a", 50)] not in (ids[("a", 0)], ids[("a", 10)]) and ids[("a", 50)] is not None
    assert r.entity_id(m("a", 99, "لندن")) is None
    # older states: every mention kept as an object (a list), with runs or, older still, by_span
    state = r.__getstate__()
    kept = r.mentions
    for name in ("_str", "_sid", "_type", "_text", "_canon", "_latin", "_start", "_end"):
        del state[name]
    state.update(mentions=kept, parent=list(r.parent))
    with_runs = dict(state)
    del state["runs"]
    state["by_span"] = {(x.article, x.start, x.end): i for i, x in enumerate(kept)}
    for st in (with_runs, state):
        old = EntityResolver.__new__(EntityResolver)
        old.__setstate__(dict(st))
        assert old.entity_id(m("a", 0, "موسكو")) == ids[("a", 0)]
        assert old.entity_id(m("b", 30, "موسكو")) == ids[("b", 30)]
        assert old.mentions == kept and old.entities() == r.entities()
        old.add([m("c", 0, "بيونج يونج")])  # and it goes on learning
        assert old.entity_id(m("c", 0, "بيونج يونج")) == ids[("a", 10)]
    assert pickle.loads(pickle.dumps(r)).entity_id(m("b", 5, "بيونج يانج")) == ids[("b", 5)]


def test_a_surname_index_learns_incrementally_and_loads_an_older_state():
    """One owner: the surname alone is a mention (with a clitic too); a second person with the same
    last name makes it ambiguous, so it is no longer guessed. An index saved before it kept its set
    of single-owner names gets it back when loaded."""
    import pickle

    from khabar.resolve.entities import SurnameIndex

    first = {"a": "قال وزير الداخلية التركي سليمان صويلو إن الشرطة أوقفت 48 شخصا."}
    later = "وأكد صويلو أن التحقيقات مستمرة، ونقلت الصحيفة عن لصويلو قوله إن الحدود آمنة."
    idx = SurnameIndex()
    idx.learn(_mentions(first))
    assert [m.text for m in idx.scan("b", later, [])] == ["صويلو", "صويلو"]
    old = pickle.loads(pickle.dumps(idx))
    del old.__dict__["single"]
    old.__setstate__(dict(old.__dict__))
    assert [m.text for m in old.scan("b", later, [])] == ["صويلو", "صويلو"]
    idx.learn(_mentions({"c": "وصل رجل الأعمال أحمد صويلو إلى المدينة."}))
    assert idx.scan("b", later, []) == []
