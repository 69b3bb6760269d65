"""The CRF NER tagger: shipped model, mentions with offsets, ANERcorp-format scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from khabar.extract import ner
from khabar.model import Mention


def _find(ms: list[Mention], text: str) -> Mention | None:
    for m in ms:
        if m.text == text:
            return m
    return None


# --- the shipped model --------------------------------------------------------------------------


def test_shipped_files_present_and_small():
    assert ner.MODEL_PATH.exists(), "khabar/data/ner.crfsuite must be shipped"
    assert ner.TRIGGERS_PATH.exists()
    assert ner.MODEL_PATH.stat().st_size < 15_000_000
    assert ner.triggers()[ner.key("الرئيس")] == "PERS_TITLE"
    assert ner.triggers()[ner.key("وزارة")] == "ORG_HEAD"
    assert ner.triggers()[ner.key("نهر")] == "LOC_HEAD"


def test_tag_returns_one_bio_label_per_token():
    toks = "وقال الرئيس الروسي فلاديمير بوتين في موسكو".split()
    tags = ner.CrfTagger().tag(toks)
    assert len(tags) == len(toks)
    assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    assert ner.CrfTagger().tag([]) == []


def test_person_after_title_country_and_organisation():
    text = (
        "وقال الرئيس الأمريكي جو بايدن في مؤتمر صحفي بالبيت الأبيض إن الولايات المتحدة ستواصل دعم أوكرانيا. "
        "وأعلنت منظمة الصحة العالمية أن الوضع في قطاع غزة كارثي."
    )
    ms = ner.crf_mentions(text)
    for m in ms:
        assert text[m.start:m.end] == m.text
        assert m.source == "crf"
        assert m.type in ("PERSON", "GPE", "LOC", "ORG", "OTHER")
    person = _find(ms, "جو بايدن")
    assert person is not None and person.type == "PERSON", ms
    ukraine = _find(ms, "أوكرانيا")
    assert ukraine is not None and ukraine.type in ("GPE", "LOC"), ms
    who = [m for m in ms if m.type == "ORG" and "منظمة الصحة العالمية" in m.text]
    assert who, ms


def test_clitic_is_left_out_of_the_mention():
    text = "واجتمع وزير الخارجية المصري سامح شكري مع نظيره الأردني أيمن الصفدي في القاهرة ولندن."
    ms = ner.crf_mentions(text)
    for m in ms:
        assert text[m.start:m.end] == m.text
    assert _find(ms, "سامح شكري") is not None, ms
    cairo = _find(ms, "القاهرة")
    assert cairo is not None and cairo.type in ("GPE", "LOC"), ms
    london = [m for m in ms if m.text.endswith("لندن")]
    assert london and london[0].text == "لندن", ms  # و peeled: لندن is far more frequent than ولندن


def test_empty_and_non_arabic_text():
    assert ner.crf_mentions("") == []
    assert ner.crf_mentions("   \n ") == []
    for m in ner.crf_mentions("2024 - 10 , 5 % ..."):
        assert m.text


# --- conlleval semantics ------------------------------------------------------------------------


def test_bio_spans_conlleval_edge_cases():
    # I- after O starts an entity; I- of another type starts a new one; B- after B- splits.
    assert ner.bio_spans(["O", "I-PERS", "I-PERS", "O"]) == [(1, 3, "PERS")]
    assert ner.bio_spans(["B-LOC", "I-ORG", "I-ORG"]) == [(0, 1, "LOC"), (1, 3, "ORG")]
    assert ner.bio_spans(["B-PERS", "B-PERS", "I-PERS"]) == [(0, 1, "PERS"), (1, 3, "PERS")]
    assert ner.bio_spans(["I-LOC"]) == [(0, 1, "LOC")]
    assert ner.bio_spans(["B-ORG", "I-ORG"]) == [(0, 2, "ORG")]
    assert ner.bio_spans(["O", "O"]) == []


def _infos(sentences: list[str]) -> list:
    return [ner._Infos([ner._Info(t) for t in s.split()]) for s in sentences]


def test_document_features_come_from_the_labelled_occurrences_in_the_window():
    sents = _infos(["زار الوفد بغداد أمس", "وعاد الوفد من بغداد", "وقال الوفد إن الوضع هادئ"])
    labels = [["O", "O", "B-LOC", "O"], ["O", "O", "O", "O"], ["O"] * 5]
    feats = ner.doc_features(sents, labels)
    # بغداد, unlabelled in the second sentence, is told how the first labelled it, and so is its neighbour
    assert {"dk=LOC", "dm=LOC", "db=LOC"} <= set(feats[1][3])
    assert "+1dm=LOC" in feats[1][2]
    assert feats[0][2][0] == "l0=B-LOC" and "dk=LOC" in feats[0][2]
    # a word never labelled anywhere (الوفد, in every sentence) gets no document features of its own
    for s in range(3):
        assert [f for f in feats[s][1] if f.startswith(("dk=", "dm=", "ds=", "db="))] == []
    assert feats[2] == [[f for f in fs if f.startswith(("l0=", "l-1=", "l+1="))] for fs in feats[2]]
    # outside the window the first sentence says nothing of the second
    near = ner.doc_features(sents, labels, window=0)
    assert not any(f.startswith(("dk=", "dm=", "db=", "+1dm=")) for f in near[1][3] + near[1][2])
    assert ner.doc_features(sents, labels, label_features=False)[2] == [[] for _ in range(5)]


def test_propagation_reaches_a_name_behind_one_or_two_proclitic_letters():
    sents = _infos(["وصل الوزير إلى بغداد", "ثم مر وبغداد هادئة وبالبصرة", "زار البصرة"])
    labels = [["O", "O", "O", "B-LOC"], ["O"] * 5, ["O", "B-LOC"]]
    assert ner.propagate(sents, labels)[1] == ["O", "O", "B-LOC", "O", "B-LOC"]
    assert ner.propagate(sents, labels, window=0)[1] == ["O"] * 5
    # (propagate tests a token's first three readings for a first word: no proclitic is longer)
    assert max(map(len, ner._PROP_CLITICS)) <= 2


def test_score_i_after_o_counts_as_an_entity():
    gold = [["B-PERS", "I-PERS", "O"]]
    pred = [["O", "I-PERS", "O"]]  # a PERS chunk at token 1 only: wrong boundary
    r = ner.score(gold, pred)
    assert r["per_type"]["PERS"]["pred"] == 1
    assert r["per_type"]["PERS"]["tp"] == 0
    r = ner.score([["O", "I-LOC", "I-LOC"]], [["O", "B-LOC", "I-LOC"]])
    assert r["overall"]["f1"] == pytest.approx(100.0)


# --- eval_ner on a tiny ANERcorp-format file ----------------------------------------------------

TINY = """\
قال O
الرئيس O
جورج B-PERS
بوش I-PERS
في O
واشنطن B-LOC
. O
وزار O
وفد O
الأمم B-ORG
المتحدة I-ORG
بغداد B-LOC
. O
وقال O
رئيس O
البنك B-ORG
الدولي I-ORG
روبرت B-PERS
زوليك I-PERS
. O
"""

# What a fake tagger "predicts": 3 sentences, 7 gold entities (PERS 2, LOC 2, ORG 2, plus none MISC).
PRED = [
    ["O", "O", "B-PERS", "I-PERS", "O", "B-LOC", "O"],  # PERS ok, LOC ok
    ["O", "O", "B-ORG", "I-ORG", "B-ORG", "O"],  # ORG ok; بغداد typed ORG (wrong type)
    ["O", "O", "O", "B-ORG", "B-PERS", "I-PERS", "O"],  # ORG partial (الدولي only): miss; PERS ok
]


class FakeTagger:
    def __init__(self, pred):
        self.pred = pred
        self.seen = None

    def tag_document(self, sents):
        self.seen = sents
        return [list(p) for p in self.pred]


def test_eval_ner_exact_scores(tmp_path):
    f = tmp_path / "tiny.txt"
    f.write_text(TINY, encoding="utf-8")
    fake = FakeTagger(PRED)
    r = ner.eval_ner(f, tagger=fake)
    assert [len(s) for s in fake.seen] == [7, 6, 7]  # sentences split after "."
    assert r["sentences"] == 3 and r["tokens"] == 20
    pt = r["per_type"]
    # PERS: 2 gold, 2 found, 2 correct.
    assert (pt["PERS"]["tp"], pt["PERS"]["pred"], pt["PERS"]["gold"]) == (2, 2, 2)
    assert pt["PERS"]["f1"] == pytest.approx(100.0)
    # LOC: 2 gold (واشنطن, بغداد), 1 found, 1 correct: P 100, R 50, F 66.67.
    assert (pt["LOC"]["tp"], pt["LOC"]["pred"], pt["LOC"]["gold"]) == (1, 1, 2)
    assert pt["LOC"]["precision"] == pytest.approx(100.0)
    assert pt["LOC"]["recall"] == pytest.approx(50.0)
    assert pt["LOC"]["f1"] == pytest.approx(200 / 3)
    # ORG: 2 gold (الأمم المتحدة, البنك الدولي), 3 found (الأمم المتحدة, بغداد, الدولي), 1 correct:
    # P 33.33, R 50, F 40.
    assert (pt["ORG"]["tp"], pt["ORG"]["pred"], pt["ORG"]["gold"]) == (1, 3, 2)
    assert pt["ORG"]["precision"] == pytest.approx(100 / 3)
    assert pt["ORG"]["recall"] == pytest.approx(50.0)
    assert pt["ORG"]["f1"] == pytest.approx(40.0)
    # Overall: 6 gold, 6 found, 4 correct: P = R = F = 66.67.
    ov = r["overall"]
    assert (ov["tp"], ov["pred"], ov["gold"]) == (4, 6, 6)
    assert ov["precision"] == pytest.approx(200 / 3)
    assert ov["recall"] == pytest.approx(200 / 3)
    assert ov["f1"] == pytest.approx(200 / 3)
    report = ner.format_report(r)
    assert report.splitlines()[-1] == "overall: precision 66.67 recall 66.67 f1 66.67"


def test_eval_ner_with_shipped_model(tmp_path):
    f = tmp_path / "tiny.txt"
    f.write_text(TINY, encoding="utf-8")
    r = ner.eval_ner(f)
    assert r["tokens"] == 20
    assert r["overall"]["gold"] == 6
    last = ner.format_report(r).splitlines()[-1]
    assert last.startswith("overall: precision ") and " recall " in last and " f1 " in last
    # The obvious ones: جورج بوش after الرئيس, واشنطن after في.
    assert r["per_type"]["PERS"]["tp"] >= 1
    assert r["per_type"]["LOC"]["tp"] >= 1


def test_read_conll_odd_lines(tmp_path):
    f = tmp_path / "odd.txt"
    f.write_text(" O\n. Oالإصابة O\nبغداد B-LOC\n\n. O\n", encoding="utf-8")
    pairs = ner.read_conll(f)
    assert pairs == [("", "O"), (". Oالإصابة", "O"), ("بغداد", "B-LOC"), (".", "O")]
    assert [len(s) for s in ner.split_sentences(pairs)] == [4]


def test_fast_features_tag_exactly_like_the_full_features():
    """Tagging builds features per word type, filtered to the model's attributes; the labels must
    be those of the full feature set (crfsuite ignores unknown attributes)."""
    doc = [
        "قال وزير الخارجية الإيراني عباس عراقجي في طهران إن بلاده ترفض الشروط الأمريكية .".split(),
        "وأضاف عراقجي أن الاتحاد الأوروبي لم يقدم ضمانات كافية خلال محادثات جنيف .".split(),
        "ونقلت وكالة الأنباء الفرنسية عن مصدر في الأمم المتحدة أن المفاوضات ستستأنف في فيينا .".split(),
        "وفي بيروت ، التقى رئيس الحكومة نواف سلام السفيرة الأمريكية ليزا جونسون .".split(),
    ]
    tagger = ner.CrfTagger()
    full = tagger.tag_prepared([ner._Sent(s) for s in doc])
    fast = tagger.tag_document(doc)
    assert fast == full
    assert any(t != "O" for s in fast for t in s)
    # the filtered features are a strict subset of the full ones
    fs = tagger.fast.sentence(doc[0])
    assert all(set(a) <= set(b) for a, b in zip(fs.feats, ner.sent_features(doc[0]), strict=True))
    assert sum(map(len, fs.feats)) < sum(map(len, ner.sent_features(doc[0])))


def test_read_conll_bom_tabs_crlf_trailing_space(tmp_path):
    f = tmp_path / "odd2.txt"
    f.write_bytes("\ufeffقال O\r\nجورج\tB-PERS\r\nبوش I-PERS \r\n . O\n".encode("utf-8"))
    assert ner.read_conll(f) == [("قال", "O"), ("جورج", "B-PERS"), ("بوش", "I-PERS"), (".", "O")]


def test_numpy_decoder_gives_crfsuites_labels_on_the_example_corpus():
    """``tag_document`` sums the model's weights per word type and runs Viterbi in numpy; on every
    article of the example corpus (both passes, no propagation) its labels must be crfsuite's own
    on the full string features."""
    from khabar.ingest.article import build_article
    from khabar.ingest.sources import IngestOptions, iter_documents
    from khabar.model import SourceError
    from khabar.text import tokenize

    tagger = ner.CrfTagger()
    corpus = Path(__file__).resolve().parent.parent / "examples" / "corpus"
    tokens = entities = 0
    for raw in iter_documents([str(corpus)], IngestOptions(offline=True)):
        if isinstance(raw, SourceError):
            continue
        art = build_article(raw)
        if isinstance(art, SourceError):
            continue
        toks = tokenize(art.text)
        doc = [[toks[i].text for i in idx] for idx in ner._chunks(toks, art.text)]
        full = tagger.tag_prepared([ner._Sent(s) for s in doc], prop=False)
        fast = tagger.tag_document(doc, prop=False)
        assert fast == full, art.id
        tokens += sum(map(len, doc))
        entities += sum(t.startswith("B-") for s in fast for t in s)
    assert tokens > 2000 and entities > 50


def test_viterbi_is_the_best_path_and_breaks_ties_like_crfsuite():
    """Batched Viterbi against brute force over every label sequence, sentences of different
    lengths decoded together; on an exact tie the lowest label id wins (crfsuite's strict >)."""
    import itertools

    import numpy as np

    from khabar.extract.crfdecode import viterbi

    rng = np.random.default_rng(7)
    T = rng.normal(size=(3, 3))
    sents = [rng.normal(size=(n, 3)) for n in (4, 1, 0, 3, 5)]
    paths = viterbi(sents, T)
    for E, path in zip(sents, paths, strict=True):
        if not len(E):
            assert len(path) == 0
            continue
        def score(ys):
            return sum(E[t, y] for t, y in enumerate(ys)) + sum(T[a, b] for a, b in zip(ys, ys[1:]))
        best = max(itertools.product(range(3), repeat=len(E)), key=score)
        assert tuple(path) == best
    tie = viterbi([np.zeros((3, 3))], np.zeros((3, 3)))[0]
    assert tie.tolist() == [0, 0, 0]


def test_type_cache_keeps_two_generations(monkeypatch):
    """A word met again after its generation was retired is taken back with its row (the same
    scores), and a sentence tags the same before and after the cache turns over."""
    monkeypatch.setattr(ner, "TYPE_CACHE", 5)
    tagger = ner.CrfTagger()
    fast = tagger.fast
    fast.clear()
    sent = "قال الرئيس الفرنسي إيمانويل ماكرون في باريس إن بلاده ستدعم أوكرانيا".split()
    before = tagger.tag_document([sent])
    _, E1, _ = fast.emissions(sent)
    for w in "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة".split():
        fast.emissions([w])
    assert len(fast.types) <= 5 and len(fast.old) <= 5
    # a sentence with more word types than a generation holds scores as it did
    long = sent + "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة".split()
    assert np.allclose(fast.emissions(long)[1][: len(sent)][:-2], E1[:-2])
    _, E2, _ = fast.emissions(sent)
    assert np.allclose(E1, E2)
    assert tagger.tag_document([sent]) == before
    fast.clear()


def test_a_batch_of_texts_is_tagged_as_each_text_alone():
    """``crf_mentions_many`` tags several texts together (one Viterbi per pass for all of them),
    but each text's document pass and propagation read only its own sentences: the mentions are
    those of each text tagged alone, in the order given; an empty text has none."""
    from khabar.ingest.article import build_article
    from khabar.ingest.sources import IngestOptions, iter_documents
    from khabar.model import SourceError

    corpus = Path(__file__).resolve().parent.parent / "examples" / "corpus"
    texts = []
    for raw in iter_documents([str(corpus)], IngestOptions(offline=True)):
        art = build_article(raw) if not isinstance(raw, SourceError) else raw
        if not isinstance(art, SourceError):
            texts.append(art.text)
    texts = texts[:12]
    texts[3:3] = ["", "  \n "]
    alone = [ner.crf_mentions(t) for t in texts]
    ner.default_tagger().fast.clear()  # the batch meets every word type anew
    together = ner.crf_mentions_many(texts)
    assert [[(m.start, m.end, m.type) for m in ms] for ms in together] == \
        [[(m.start, m.end, m.type) for m in ms] for ms in alone]
    assert together[3] == [] and together[4] == []
    assert sum(map(len, together)) > 50
    # a batch of one and a batch of none
    assert ner.crf_mentions_many(texts[:1])[0] == alone[0]
    assert ner.crf_mentions_many([]) == [] and ner.default_tagger().tag_documents([]) == []
    assert ner.default_tagger().tag_documents([[], [["قال"]]]) == [[], [ner.default_tagger().tag(["قال"])]]


def test_sentence_spans_are_the_same_on_every_call():
    """The tagger and the events both ask for an article's sentences: the second call gets the
    spans kept from the first, as a fresh iterator."""
    from khabar.text import sentences

    text = "قال Dr. Smith إن الوفد وصل.\nوأضاف أن المحادثات تستمر يومين!  ثم غادر"
    spans = list(sentences(text))
    assert [text[s:e] for s, e in spans] == ["قال Dr. Smith إن الوفد وصل.", "وأضاف أن المحادثات تستمر يومين!", "ثم غادر"]
    assert list(sentences(text)) == spans and list(sentences(text[:])) == spans
    assert list(sentences("")) == []
