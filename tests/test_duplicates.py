"""Wire copies and near-duplicates are found, and such articles count as one source."""

from __future__ import annotations

import pytest

from khabar.resolve.duplicates import DuplicateIndex, sketch_paragraphs

WIRE = [
    "قالت الأمم المتحدة اليوم الخميس إن قوافل المساعدات بدأت تصل إلى المدينة المنكوبة، لكن الطرق المدمرة تبطئ عمليات الإغاثة في الأحياء الشرقية.",
    "وأضاف متحدث باسم مكتب تنسيق الشؤون الإنسانية أن نحو ثلاثين ألف شخص نزحوا من منازلهم وأن المياه الملوثة تهدد بتفشي الأمراض بين النازحين.",
    "وكانت العاصفة قد ضربت الساحل الشرقي للبلاد يوم الأحد الماضي قبل أن تنهار السدود فجر الاثنين وتجرف أحياء كاملة نحو البحر.",
    "وأعلنت منظمة الصحة العالمية أنها أرسلت فرقا طبية وأدوية تكفي لعلاج عشرات الآلاف من المرضى خلال الأسابيع المقبلة في المناطق المتضررة.",
]


def _text(paragraphs):
    return "عنوان الخبر\n" + "\n".join(paragraphs)


def test_lightly_edited_copy_is_a_near_duplicate():
    edited = [p.replace("قالت", "ذكرت").replace("وأضاف", "وأوضح") for p in WIRE]
    idx = DuplicateIndex()
    assert idx.add("a", "الأولى", sketch_paragraphs(_text(WIRE))) == []
    pairs = idx.add("b", "الثانية", sketch_paragraphs(_text(edited)))
    assert [(p.a, p.b, p.kind) for p in pairs] == [("a", "b", "near_duplicate")]
    assert pairs[0].similarity > 0.5
    groups = idx.independence_groups()
    assert groups["a"] == groups["b"]


def test_wire_text_inside_own_reporting_is_shared_wire():
    own = [
        "وفي المدينة، روى سكان لموقعنا أنهم أمضوا الليل في العراء بعد أن غمرت المياه الطوابق الأرضية لمنازلهم ولم يصلهم أي مسؤول حتى الصباح.",
        "وقال أحد المتطوعين إن الشباب شكلوا فرقا لتوزيع الخبز والماء على العائلات، مطالبا السلطات بإرسال معدات ثقيلة لفتح الطرق المغلقة.",
        "وتحدثت ممرضة في المستشفى الوحيد العامل عن نقص حاد في أكياس الدم والمضادات الحيوية، مؤكدة أن الطواقم تعمل منذ ثلاثة أيام دون راحة.",
        "وطالبت نقابة الأطباء بفتح ممر جوي مباشر لنقل المصابين بحالات خطيرة إلى مستشفيات العاصمة والدول المجاورة في أسرع وقت ممكن.",
    ]
    idx = DuplicateIndex()
    idx.add("wire", "وكالة", sketch_paragraphs(_text(WIRE)))
    pairs = idx.add("mix", "صحيفة", sketch_paragraphs(_text(own + WIRE[:2])))
    assert [(p.kind) for p in pairs] == ["shared_wire"]
    assert len(pairs[0].shared) == 2


def test_independent_reports_stay_independent():
    other = [
        "أعلن البنك الدولي تخصيص مليار دولار لإعادة إعمار البنية التحتية في المناطق التي ضربتها الفيضانات، على أن تصرف على ثلاث دفعات.",
        "وقال وزير المالية إن الحكومة ستطلب قروضا ميسرة إضافية من صناديق التنمية العربية لتمويل بناء السدود الجديدة وتأهيل الطرق.",
    ]
    idx = DuplicateIndex()
    idx.add("a", "الأولى", sketch_paragraphs(_text(WIRE)))
    assert idx.add("b", "الثانية", sketch_paragraphs(_text(other))) == []
    groups = idx.independence_groups()
    assert groups["a"] != groups["b"]


def test_same_outlet_is_one_source():
    idx = DuplicateIndex()
    idx.add("a", "صحيفة الساحل", sketch_paragraphs(_text(WIRE[:2])))
    idx.add("b", "صحيفة الساحل", sketch_paragraphs(_text(WIRE[2:])))
    groups = idx.independence_groups()
    assert groups["a"] == groups["b"]


OPINION = [
    "يرى الكاتب أن أزمة المياه في المنطقة لن تحل بالسدود وحدها وأن ترشيد الزراعة هو الطريق الأقصر إلى الأمن المائي.",
    "تراجعت ثقة المستهلكين في الأسواق المحلية بعد موجة الغلاء الأخيرة التي طالت الخبز والوقود والدواء في آن واحد.",
    "يحتاج إصلاح التعليم إلى معلمين يتقاضون أجورا لائقة قبل أن يحتاج إلى مبان جديدة أو مناهج مستوردة من الخارج.",
    "لم تعد الانتخابات البلدية مجرد استحقاق إداري بل صارت مقياسا لمزاج الشارع تجاه الأحزاب التقليدية كلها.",
    "تكشف أرقام السياحة هذا الصيف أن الزوار عادوا إلى المدن الساحلية لكن الفنادق الصغيرة ما زالت تعاني من الديون.",
    "إن الحديث عن الطاقة الشمسية يجب أن يتحول إلى خطط تمويل واضحة للأسر الفقيرة في الأرياف والقرى النائية.",
    "تبدو العلاقة بين النقابات والحكومة متوترة منذ إقرار قانون التقاعد الجديد الذي رفع سن الخروج من العمل.",
    "ما زالت المكتبات العامة في أحياء المدينة القديمة مغلقة منذ سنوات رغم الوعود المتكررة بترميمها وإعادة فتحها.",
]
DISCLAIMER = "** جميع المقالات المنشورة في هذه الصفحة تعبر عن آراء كتابها ولا تعبر بالضرورة عن رأي الصحيفة."


def test_an_outlets_template_paragraph_makes_no_duplicates_and_stays_bounded():
    """One outlet's disclaimer under every opinion piece: after BOILERPLATE_COPIES articles it is
    the outlet's template, so no pair stands on it, later copies are not indexed, and real copies
    (another outlet's wire text; a repost) are still found."""
    from khabar.resolve.duplicates import BOILERPLATE_COPIES

    idx = DuplicateIndex()
    for n, body in enumerate(OPINION):
        idx.add(f"op{n}", "صحيفة الرأي", sketch_paragraphs(_text([body, DISCLAIMER])))
    assert idx.pairs() == []  # the early pairs, made before the template was known, are judged again
    copies = [name for name in idx.indexed() if name.startswith("op")]
    assert len(copies) == len(OPINION) + BOILERPLATE_COPIES  # the bodies and the copies that recognise it
    # a repost of a piece by the same outlet is still a near duplicate, through its body
    pairs = idx.add("repost", "صحيفة الرأي", sketch_paragraphs(_text([OPINION[3], DISCLAIMER])))
    assert [(p.a, p.b, p.kind) for p in pairs] == [("op3", "repost", "near_duplicate")]
    # the template does not join another outlet quoting the same words by chance with every piece
    assert idx.add("other", "موقع آخر", sketch_paragraphs(_text(WIRE[:2]))) == []
    groups = idx.independence_groups()
    assert groups["op0"] == groups["op7"]  # one outlet, one source, as before
    assert groups["other"] != groups["op0"]


def test_a_few_articles_sharing_a_paragraph_are_not_a_template():
    """Below BOILERPLATE_COPIES, a paragraph an outlet repeats is judged as shared text (two
    articles of one wire story reusing its background paragraph)."""
    idx = DuplicateIndex()
    idx.add("a", "وكالة", sketch_paragraphs(_text(WIRE[:3])))
    pairs = idx.add("b", "وكالة", sketch_paragraphs(_text(WIRE[1:3] + [OPINION[0]])))
    assert [(p.a, p.b) for p in pairs] == [("a", "b")] and idx.boiler == set()


def _corpus():
    """Articles that copy, edit and mix the same paragraphs: many candidates, many pairs."""
    paras = WIRE + OPINION
    out = []
    for n in range(40):
        pick = [paras[(n * 3 + k) % len(paras)] for k in range(3)]
        if n % 4 == 1:
            pick = [p.replace("قال", "ذكر") for p in pick]
        out.append((f"art{n}", f"outlet{n % 6}", sketch_paragraphs(_text(pick))))
    return out


def _pairs(idx):
    return [(p.a, p.b, p.kind, p.similarity, p.shared) for p in idx.pairs()]


def test_keys_merged_into_the_sorted_arrays_find_what_the_waiting_ones_did(monkeypatch):
    """The band keys wait in a dict until there are enough to merge into the sorted arrays; the
    candidates (so the pairs) do not depend on where the keys are."""
    from khabar.resolve.duplicates import _BandIndex

    waiting = DuplicateIndex()
    for a in _corpus():
        waiting.add(*a)
    assert waiting.lsh.keys.size == 0  # (all still waiting: the corpus is small)
    monkeypatch.setattr(_BandIndex, "MERGE", 16)  # a merge every article or two
    merged = DuplicateIndex()
    for a in _corpus():
        merged.add(*a)
    assert merged.lsh.keys.size > 0 and merged.lsh.pending < 16 * 3
    assert _pairs(merged) == _pairs(waiting) and len(_pairs(merged)) > 10


def test_state_round_trip_and_older_states(monkeypatch):
    """A pickled index comes back with its band keys rebuilt; so does a state saved by an older
    version (a dict of sketches by paragraph name, as bytes or as datasketch objects), and the index
    goes on finding copies of the articles in it."""
    import pickle

    import numpy as np
    from datasketch import LeanMinHash, MinHash

    corpus = _corpus()
    idx = DuplicateIndex()
    for a in corpus[:30]:
        idx.add(*a)
    back = pickle.loads(pickle.dumps(idx))
    assert _pairs(back) == _pairs(idx) and back.indexed() == idx.indexed()

    state = idx.__getstate__()
    sketches = {name: bytes(v) for name, v in zip(idx.indexed(), state.pop("values"), strict=True)}
    del state["par_doc"], state["par_index"]
    old_bytes, old_lean = DuplicateIndex.__new__(DuplicateIndex), DuplicateIndex.__new__(DuplicateIndex)
    old_bytes.__setstate__(pickle.loads(pickle.dumps(dict(state, sketches=sketches))))  # (a copy, as loading gives)
    lean = {}
    for name, v in sketches.items():
        mh = MinHash(num_perm=64, seed=1)
        mh.hashvalues = np.frombuffer(v, dtype=np.uint32).astype(np.uint64)
        lean[name] = LeanMinHash(mh)
    old_lean.__setstate__(pickle.loads(pickle.dumps(dict(state, sketches=lean))))
    for other in (old_bytes, old_lean):
        assert _pairs(other) == _pairs(idx) and other.indexed() == idx.indexed()
    for a in corpus[30:]:
        found = [[(p.a, p.b) for p in x.add(*a)] for x in (idx, back, old_bytes, old_lean)]
        assert found[1] == found[0] and found[2] == found[0] and found[3] == found[0]
    assert _pairs(back) == _pairs(idx) and len(_pairs(idx)) > 10


def test_fingerprint_keys_the_text_once_per_line_with_the_same_results():
    """``fingerprint`` keys each line once for both the paragraph sketches and the text's match
    key (the digest's input): the same as keying the whole text, also where normalising is
    tricky at a line's edge (a combining mark opening a line, presentation forms, a Greek sigma
    ending one, empty and blank lines, carriage returns)."""
    from khabar.model import Article, ArticleAnalysis
    from khabar.pipeline import fingerprint
    from khabar.text import key

    texts = [_text(WIRE), "ﻻ\n\u0651حظ الناس\n\n  \nΣ\nα والسلام\u0653\n\u0653مرحبا\r\nb", "\n".join(WIRE + [""])]
    for text in texts:
        a = ArticleAnalysis(article=Article(id="x", source="x", title=None, text=text))
        fingerprint(a)
        assert a.text_key == key(text)
        assert a.sketches == sketch_paragraphs(text)
    with pytest.raises(ValueError):
        sketch_paragraphs("a\nb", ["a"])
