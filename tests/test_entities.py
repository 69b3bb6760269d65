"""find_entities: places, organisations, roles, weapons and persons in sentences written for these
tests, plus a smoke run over the shared seed articles when they are present."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.extract import entities as ent
from khabar.extract.entities import find_entities
from khabar.model import Mention
from khabar.text.translit import to_latin

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def find(text, **kw):
    ms = find_entities(text, crf=False, **kw)
    for m in ms:
        assert text[m.start:m.end] == m.text
    return ms


def got(text, **kw):
    return {(m.text, m.type) for m in find(text, **kw)}


def one(ms, text, typ=None):
    hits = [m for m in ms if m.text == text and (typ is None or m.type == typ)]
    assert hits, (text, [(m.text, m.type) for m in ms])
    return hits[0]


# -- places --------------------------------------------------------------------------------------


def test_countries_multiword_stay_distinct():
    t = "أجرت كوريا الجنوبية مناورات بحرية بعدما أطلقت كوريا الشمالية صاروخا فوق بحر اليابان."
    ms = find(t)
    assert one(ms, "كوريا الجنوبية", "GPE").latin == "South Korea"
    assert one(ms, "كوريا الشمالية", "GPE").latin == "North Korea"
    assert one(ms, "بحر اليابان", "LOC").latin == "Sea of Japan"


def test_cities_with_clitics_and_variants():
    t = "وصل المبعوث لبيونغ يانغ قادما من بكين، ثم عاد إلى بيونج يانج وموسكو."
    ms = find(t)
    a = [m for m in ms if m.latin == "Pyongyang"]
    assert [m.text for m in a] == ["بيونغ يانغ", "بيونج يانج"]
    assert {m.canonical for m in a} == {"بيونغ يانغ"}
    assert len({m.key for m in a}) == 1
    assert one(ms, "موسكو", "GPE").latin == "Moscow"
    assert one(ms, "بكين", "GPE").latin == "Beijing"


def test_regions_and_seas():
    t = "تصاعد التوتر في الشرق الأوسط وشبه الجزيرة الكورية بينما تعبر السفن البحر الأسود قرب شبه جزيرة القرم."
    g = got(t)
    assert {("الشرق الأوسط", "LOC"), ("شبه الجزيرة الكورية", "LOC"), ("البحر الأسود", "LOC"),
            ("شبه جزيرة القرم", "LOC")} <= g


def test_facility_pattern():
    ms = find("هبطت الطائرة في مطار طهران الدولي صباح الأحد.")
    fac = one(ms, "مطار طهران الدولي", "FAC")
    assert fac.latin.startswith("Tehran")
    assert one(ms, "طهران", "GPE")  # nested place kept


# -- organisations ---------------------------------------------------------------------------------


def test_un_security_council_vs_national_security_council():
    t = ("ناقش مجلس الأمن الدولي القرار، وعقد مجلس الأمن التابع للأمم المتحدة جلسة ثانية، "
         "بينما اجتمع مجلس الأمن الروسي في موسكو.")
    ms = find(t)
    un = [m for m in ms if m.type == "ORG" and m.latin == "UN Security Council"]
    assert [m.text for m in un] == ["مجلس الأمن الدولي", "مجلس الأمن التابع للأمم المتحدة"]
    ru = one(ms, "مجلس الأمن الروسي", "ORG")
    assert ru.latin == "Security Council (Russia)"
    assert ru.key != un[0].key


def test_ministries_with_nationality_and_construct():
    t = ("أعلنت وزارة الخارجية الأمريكية فرض عقوبات، وردت وزارة الخارجية الأميركية لاحقا، "
         "فيما قالت وزارة دفاع كوريا الجنوبية إن الجيش الروسي يتقدم.")
    ms = find(t)
    a = one(ms, "وزارة الخارجية الأمريكية", "ORG")
    b = one(ms, "وزارة الخارجية الأميركية", "ORG")
    assert a.canonical == b.canonical == "وزارة الخارجية الأمريكية"
    assert a.latin == "Ministry of Foreign Affairs (United States)"
    c = one(ms, "وزارة دفاع كوريا الجنوبية", "ORG")
    assert c.latin == "Ministry of Defence (South Korea)"
    assert one(ms, "كوريا الجنوبية", "GPE")  # the country inside the construct is kept
    assert one(ms, "الجيش الروسي", "ORG").latin.endswith("(Russia)")
    # a nationality adjective alone is not a mention
    assert not any(m.text in ("الأمريكية", "الروسي") for m in ms)
    assert find(t, nested=False) and not any(m.type == "GPE" and m.text == "كوريا الجنوبية"
                                             for m in find(t, nested=False))


def test_news_agencies_and_institutions():
    t = ("ذكرت وكالة الأنباء المركزية الكورية أن البيت الأبيض والبنتاغون تلقيا رسالة، "
         "بحسب وكالة رويترز وفرانس برس، فيما علق الكرملين.")
    g = got(t)
    assert {("وكالة الأنباء المركزية الكورية", "ORG"), ("البيت الأبيض", "ORG"), ("البنتاغون", "ORG"),
            ("وكالة رويترز", "ORG"), ("فرانس برس", "ORG"), ("الكرملين", "ORG")} <= g


def test_named_institute():
    ms = find("وقال الباحث في معهد هدسون إن العقوبات لن تنجح.")
    assert one(ms, "معهد هدسون", "ORG")


def test_generic_word_is_not_an_org():
    # الجيش alone, and an institution noun followed by a description, are not ORG mentions
    g = got("قال الجيش إن مركز تحليل البيانات يعمل.")
    assert not any(t == "ORG" for _, t in g)


# -- roles ---------------------------------------------------------------------------------------


def test_role_phrases_cover_the_whole_title():
    t = ("التقى وزير الدفاع الروسي بنائب وزير الخارجية الأمريكي، بحضور مستشار الأمن القومي "
         "والأمين العام لمجلس الأمن الروسي والمتحدث باسم الكرملين.")
    ms = find(t)
    r = {m.text for m in ms if m.type == "ROLE"}
    assert {"وزير الدفاع الروسي", "نائب وزير الخارجية الأمريكي", "مستشار الأمن القومي",
            "الأمين العام لمجلس الأمن الروسي", "المتحدث باسم الكرملين"} <= r
    assert one(ms, "وزير الدفاع الروسي").latin == "Minister of Defence (Russia)"
    assert one(ms, "الأمين العام لمجلس الأمن الروسي").canonical == "الأمين العام لمجلس الأمن الروسي"
    # nested organisation kept
    assert one(ms, "مجلس الأمن الروسي", "ORG")
    assert one(ms, "الكرملين", "ORG")


def test_role_with_country_complement_and_official():
    ms = find("صرح مسؤول أمريكي رفيع بأن زعيم كوريا الشمالية وسفير روسيا لدى الأمم المتحدة تبادلا الرسائل.")
    assert one(ms, "مسؤول أمريكي", "ROLE")
    assert one(ms, "زعيم كوريا الشمالية", "ROLE")
    assert one(ms, "سفير روسيا", "ROLE") or one(ms, "سفير روسيا لدى الأمم المتحدة", "ROLE")


def test_bare_head_noun_is_not_a_role():
    # رئيس alone ("head of") needs a complement; المسؤول alone is too vague
    g = got("قال إن رئيس كل لجنة سيقدم تقريرا وإن المسؤول عن الملف غائب.")
    assert not any(t == "ROLE" for _, t in g)


# -- weapons -------------------------------------------------------------------------------------


def test_weapon_classes():
    t = ("زودت موسكو حليفتها بصواريخ دفاع جوي وقذائف مدفعية، فيما استخدمت القوات طائرات مسيرة "
         "ودبابات وأطلقت صواريخ باليستية عابرة للقارات.")
    w = {m.text for m in find(t) if m.type == "WEAPON"}
    assert {"صواريخ دفاع جوي", "قذائف مدفعية", "طائرات مسيرة", "دبابات",
            "صواريخ باليستية عابرة للقارات"} <= w


def test_weapon_designations():
    t = ("نشرت روسيا منظومة S-400 وصواريخ إسكندر، واستخدمت أوكرانيا راجمات HIMARS ومقاتلات F-16، "
         "بينما أطلقت بيونغ يانغ صاروخ هواسونغ-18 وصواريخ KN-23 ومدافع من طراز M1991.")
    ms = find(t)
    w = {m.text for m in ms if m.type == "WEAPON"}
    for x in ("منظومة S-400", "صواريخ إسكندر", "راجمات HIMARS", "مقاتلات F-16", "صاروخ هواسونغ-18",
              "صواريخ KN-23", "M1991"):
        assert x in w, (x, w)
    assert one(ms, "صواريخ إسكندر").canonical == "إسكندر"
    assert one(ms, "صاروخ هواسونغ-18").latin == "Hwasong-18"


def test_arabic_designations_and_ambiguous_model_names():
    ms = find("اشترت أنقرة منظومة إس-400 وطائرات إف 16، وشاهد الجميع العرض، والتقى إسكندر بصديقه.")
    w = {m.text for m in ms if m.type == "WEAPON"}
    assert "منظومة إس-400" in w
    assert "طائرات إف 16" in w
    assert not any("شاهد" in x for x in w)  # "watched"
    assert not any(x == "إسكندر" for x in w)  # a person's name here


def test_non_weapon_codes():
    ms = find("انتشر فيروس COVID-19 قبل قمة G20 وبعدها قمة G7.")
    assert not any(m.type == "WEAPON" for m in ms)


# -- persons -------------------------------------------------------------------------------------


def test_title_then_name():
    t = "قال الرئيس الروسي فلاديمير بوتين إن بلاده مستعدة، وأكد الزعيم الكوري الشمالي كيم جونغ أون دعمه."
    ms = find(t)
    p = one(ms, "فلاديمير بوتين", "PERSON")
    assert p.latin.startswith("Vladimir")
    assert one(ms, "الرئيس الروسي", "ROLE")
    assert one(ms, "كيم جونغ أون", "PERSON")
    assert one(ms, "الزعيم الكوري الشمالي", "ROLE")


def test_name_after_role_and_comma():
    t = "وصل وزير الخارجية الصيني، وانغ يي، إلى العاصمة مساء الخميس."
    ms = find(t)
    assert one(ms, "وزير الخارجية الصيني", "ROLE")
    assert one(ms, "وانغ يي", "PERSON")


def test_spokesman_and_general():
    t = ("وقال المتحدث باسم الخارجية الإيرانية ناصر كنعاني للصحفيين إن الجنرال محمد باقري "
         "سيزور المنطقة.")
    ms = find(t)
    assert one(ms, "ناصر كنعاني", "PERSON")
    assert one(ms, "محمد باقري", "PERSON")


def test_name_before_role():
    t = "وحذر جيك سوليفان، مستشار الأمن القومي الأمريكي، من تصعيد جديد."
    ms = find(t)
    assert one(ms, "جيك سوليفان", "PERSON")
    assert one(ms, "مستشار الأمن القومي الأمريكي", "ROLE")


def test_given_name_triggers_a_person():
    ms = find("وفي وقت لاحق التقى إيمانويل ماكرون بنظيره في باريس.")
    assert one(ms, "إيمانويل ماكرون", "PERSON").latin.startswith("Emmanuel")


def test_name_stops_at_function_words_and_places():
    ms = find("وقال الرئيس الأمريكي جو بايدن خلال زيارته برلين إن التحالف قوي.")
    assert one(ms, "جو بايدن", "PERSON")
    ms = find("زار الرئيس بوتين كوريا الشمالية.")
    assert one(ms, "بوتين", "PERSON")
    assert one(ms, "كوريا الشمالية", "GPE")


def test_surname_after_full_name():
    t = ("أعلن وزير الدفاع الروسي أندريه بيلوسوف زيارة جديدة. وأكد بيلوسوف أن المحادثات مثمرة، "
         "ثم غادر. وقال مسؤولون إن لبيلوسوف خططا أخرى.")
    ms = find(t)
    full = one(ms, "أندريه بيلوسوف", "PERSON")
    alone = [m for m in ms if m.type == "PERSON" and m.text == "بيلوسوف"]
    assert len(alone) == 2  # وأكد بيلوسوف, لبيلوسوف (clitic outside the span)
    assert all(m.canonical == full.canonical and m.key == full.key for m in alone)
    assert all(m.source == "coref" for m in alone)


def test_family_name_first_refers_back():
    t = "قاد الجنرال كيم يونغ بوك الوحدات. ونادرا ما ظهر كيم علنا."
    ms = find(t)
    full = one(ms, "كيم يونغ بوك", "PERSON")
    kim = [m for m in ms if m.text == "كيم"]
    assert kim and kim[0].canonical == full.canonical


def test_function_words_with_name_keys_are_not_persons():
    # على has the key of علي, أن that of آن
    ms = find("حصل على موافقة، وأكد أن تقوم اللجنة بعملها على الفور.")
    assert not any(m.type == "PERSON" for m in ms)


def test_verb_after_title_is_not_a_name():
    ms = find("وزير الدفاع الروسي يتجه إلى بيونغ يانغ")
    assert not any(m.type == "PERSON" for m in ms)


# -- overlap, CRF, API ---------------------------------------------------------------------------


def test_mentions_do_not_overlap_except_nested():
    t = ("قال المتحدث باسم وزارة الدفاع الروسية إيغور كوناشينكوف إن منظومات إس-400 أسقطت "
         "صواريخ أتاكمز فوق منطقة كورسك.")
    ms = find(t)
    top = [m for m in ms if not any(o is not m and o.start <= m.start and m.end <= o.end
                                    and (o.end - o.start) > (m.end - m.start) for o in ms)]
    for a in top:
        for b in top:
            if a is not b:
                assert a.end <= b.start or b.end <= a.start, (a.text, b.text)
    assert one(ms, "المتحدث باسم وزارة الدفاع الروسية", "ROLE")
    assert one(ms, "وزارة الدفاع الروسية", "ORG")
    assert one(ms, "إيغور كوناشينكوف", "PERSON")


def test_crf_spans_fill_gaps(monkeypatch):
    text = "التقى بوتين مع السيد زرادشت كارابيتيان في قرية نائية."
    start = text.index("زرادشت")
    fake = [Mention(start=start, end=start + len("زرادشت كارابيتيان"), text="زرادشت كارابيتيان",
                    type="PERSON", source="crf"),
            Mention(start=0, end=5, text="التقى", type="ORG", source="crf")]
    monkeypatch.setattr(ent, "_crf_mentions", lambda t, tokens=None: fake)
    ms = find_entities(text)
    assert any(m.text == "زرادشت كارابيتيان" and m.type == "PERSON" for m in ms)
    assert all(m.source != "crf" or m.text != "التقى" for m in ms)


def test_crf_overlapping_rule_mention_is_dropped(monkeypatch):
    text = "زار الرئيس الروسي فلاديمير بوتين موسكو."
    s = text.index("بوتين")
    monkeypatch.setattr(ent, "_crf_mentions",
                        lambda t, tokens=None: [Mention(start=s, end=s + len("بوتين موسكو"), text="بوتين موسكو", type="PERSON")])
    ms = find_entities(text)
    assert not any(m.text == "بوتين موسكو" for m in ms)


def test_empty_and_latin_only():
    assert find_entities("") == []
    assert find_entities("   ") == []
    assert isinstance(find_entities("Hello world"), list)


# -- transliteration -----------------------------------------------------------------------------


@pytest.mark.parametrize("arabic,latin", [
    ("بيلوسوف", "Bilusuf"),
    ("الحديدة", "al-Hadida"),
    ("شويغو", "Shuyghu"),
    ("كيم جونغ أون", "Kim Jung Un"),
    ("عبد الله", "Abd Allah"),
    ("سعيد", "Sa'id"),
    ("أوكرانيا", "Ukranya"),
])
def test_to_latin(arabic, latin):
    assert to_latin(arabic) == latin


def test_to_latin_shapes():
    assert to_latin("") == ""
    assert to_latin("S-400") == "S-400"
    out = to_latin("مُحَمَّد خالد")
    assert out.split()[0][0].isupper() and out.isascii()


def test_latin_uses_known_given_names():
    ms = find("وقال الرئيس الفرنسي إيمانويل ماكرون إن أوروبا موحدة.")
    assert one(ms, "إيمانويل ماكرون").latin.startswith("Emmanuel ")


# -- seeds ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")
def test_seed_smoke():
    files = sorted(SEEDS.glob("*.txt"))
    assert files
    types = set()
    for f in files:
        text = f.read_text(encoding="utf-8")
        ms = find_entities(text, crf=False)
        assert ms
        for m in ms:
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start:m.end] == m.text
            assert m.type in {"PERSON", "ORG", "GPE", "LOC", "FAC", "WEAPON", "ROLE"}
            assert m.key and m.canonical
            types.add(m.type)
        print(f.name, len(ms), sorted({(m.type, m.canonical) for m in ms if m.type != "GPE"})[:15])
    assert {"PERSON", "ORG", "GPE", "WEAPON", "ROLE"} <= types


def test_short_ministry_name_needs_context():
    ms = find("قالت الخارجية الروسية إن السياسة الخارجية الروسية لن تتغير.")
    orgs = [m for m in ms if m.type == "ORG"]
    assert [m.text for m in orgs] == ["الخارجية الروسية"]
    assert orgs[0].canonical == "وزارة الخارجية الروسية"
