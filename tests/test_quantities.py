"""khabar.extract.quantities: counted amounts with offsets, bounds, units and qualifiers.

The sentences are written for these tests (no outlet's text); each checks one form of the issue spec.
"""

from __future__ import annotations

import pytest

from khabar.extract.quantities import _DUALS, _UNITS, find_quantities
from khabar.text import key

from .conftest import shared_path


def qs(text: str):
    out = find_quantities(text)
    for q in out:
        assert text[q.start:q.end] == q.text, q
    return out


def one(text: str):
    out = qs(text)
    assert len(out) == 1, [(q.text, q.value, q.unit) for q in out]
    return out[0]


def check(q, text=None, value=..., lo=..., hi=..., unit=..., qualifier=None, unit_text=...):
    if text is not None:
        assert q.text == text
    if value is not ...:
        assert q.value == value and type(q.value) is type(value), q
    if lo is not ...:
        assert q.min == lo, q
    if hi is not ...:
        assert q.max == hi, q
    if unit is not ...:
        assert q.unit == unit, q
    if unit_text is not ...:
        assert q.unit_text == unit_text, q
    if qualifier is not None:
        assert q.qualifier == qualifier, q


# --- digits ----------------------------------------------------------------------------------------


def test_digits_with_scale_and_hedge():
    q = one("قال المتحدث إن الجيش نشر أكثر من 10 آلاف جندي على طول الحدود الشرقية.")
    check(q, "أكثر من 10 آلاف جندي", 10000, 10000, None, "soldier", "more_than", "جندي")


def test_thousands_separators_western_and_eastern():
    check(one("وصل إلى المخيم 25,000 لاجئ خلال الشتاء."), "25,000 لاجئ", 25000, 25000, 25000, "refugee")
    check(one("وصل إلى المخيم ٢٥٬٠٠٠ لاجئ خلال الشتاء."), "٢٥٬٠٠٠ لاجئ", 25000, unit="refugee")
    check(one("استقبلت الموانئ 12.000 حاوية الشهر الماضي."), "12.000 حاوية", 12000, unit="container")


def test_decimals_western_and_eastern():
    check(one("بلغ العجز 1.5 مليار دولار في الربع الأول."), "1.5 مليار دولار", 1500000000, unit="dollar")
    check(one("بلغ العجز ١٫٥ مليار دولار في الربع الأول."), "١٫٥ مليار دولار", 1500000000, unit="dollar")
    check(one("نقلت الشاحنة 2.5 طن من الطحين."), "2.5 طن", 2.5, 2.5, 2.5, "ton")
    # 10.000 followed by a scale is a decimal, not ten thousand
    check(one("رصدت الحكومة 2.500 مليون دينار للمشروع."), value=2500000, unit="dinar")


def test_integers_stay_int():
    q = one("أرسلت الوزارة 3.0 مليون جرعة إلى المحافظات.")
    assert q.value == 3000000 and isinstance(q.value, int)


def test_percentages():
    out = qs("ارتفعت البطالة إلى 30% بين الشباب، و٣٠٪ بين النساء، و12 بالمئة في الريف، و7.5 في المائة في المدن.")
    assert [(q.text, q.value, q.unit) for q in out] == [
        ("30%", 30, "percent"),
        ("٣٠٪", 30, "percent"),
        ("12 بالمئة", 12, "percent"),
        ("7.5 في المائة", 7.5, "percent"),
    ]


def test_bare_number_is_a_quantity_without_unit():
    q = one("وأحصت البلدية 340 خلال عملية الإحصاء.")
    check(q, "340", 340, 340, 340, None, "exact", None)


# --- digit x scale ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("تعهد المانحون بتقديم 5 ملايين دولار للمستشفيات.", 5_000_000, "dollar"),
        ("نشرت الوزارة 12 ألف شرطي في العاصمة.", 12_000, "police officer"),
        ("شارك في المسيرة 12 ألفا من الطلاب.", 12_000, "student"),
        ("تضرر 3 آلاف منزل جراء الفيضانات.", 3_000, "home"),
        ("وعدت الحكومة بمليون وحدة سكنية جديدة.", 1_000_000, "housing unit"),
        ("تضم المدينة مليون نسمة.", 1_000_000, "person"),
        ("خصص البنك ألفي منحة دراسية.", 2_000, None),
        ("يسكن الإقليم مليوني شخص.", 2_000_000, "person"),
        ("وصلت إلى الميناء ثلاثة آلاف طن من القمح.", 3_000, "ton"),
        ("تبلغ كلفة الجسر عشرة ملايين يورو.", 10_000_000, "euro"),
        ("يعيش في الوادي نصف مليون مزارع.", 500_000, "farmer"),
        ("نزح مليون ونصف شخص من المنطقة.", 1_500_000, "person"),
        ("بلغت الصادرات 3 ملايين و500 ألف برميل يوميا.", 3_500_000, "barrel"),
    ],
)
def test_digit_and_word_times_scale(text, value, unit):
    q = one(text)
    check(q, value=value, lo=value, hi=value, unit=unit, qualifier="exact")


def test_clitic_on_scale_is_not_in_span():
    q = one("وعدت الحكومة بمليون وحدة سكنية جديدة.")
    assert q.text == "مليون وحدة سكنية"
    assert q.unit_text == "وحدة سكنية"


# --- number words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, value, unit",
    [
        ("أصيبت ست نساء في الحادث.", "ست نساء", 6, "woman"),
        ("اعتقلت الشرطة ستة أشخاص بعد المواجهات.", "ستة أشخاص", 6, "person"),
        ("استغرقت الرحلة خمس ساعات.", "خمس ساعات", 5, "hour"),
        ("احتجزت السلطات خمسة صيادين.", "خمسة صيادين", 5, "fisherman"),
        ("أغلقت عشرة مدارس أبوابها.", "عشرة مدارس", 10, "school"),
        ("دمرت الغارة عشر شاحنات.", "عشر شاحنات", 10, "truck"),
        ("فاز الحزب باثني عشر مقعدا.", "اثني عشر مقعدا", 12, "seat"),
        ("أطلق سراح اثنا عشر صيادا.", "اثنا عشر صيادا", 12, "fisherman"),
        ("سقطت خمسة عشر قذيفة على الحي.", "خمسة عشر قذيفة", 15, "shell"),
        ("صادق البرلمان على إحدى عشرة اتفاقية.", "إحدى عشرة اتفاقية", 11, "agreement"),
        ("قضى عشرون مهاجرا غرقا.", "عشرون مهاجرا", 20, "migrant"),
        ("انتشلت فرق الإنقاذ عشرين جثة.", "عشرين جثة", 20, "body"),
        ("أجلت البحرية خمسة وعشرون بحارا وثلاثين مدنيا.", "خمسة وعشرون", 25, None),
        ("يضم المستشفى مئة سرير.", "مئة سرير", 100, "bed"),
        ("يضم المستشفى مائة سرير.", "مائة سرير", 100, "bed"),
        ("استقبلت المدينة مئتين مريض.", "مئتين مريض", 200, "patient"),
        ("استقبلت المدينة مائتين مريض.", "مائتين مريض", 200, "patient"),
        ("أرسلت الحكومة مئتا طبيب.", "مئتا طبيب", 200, "doctor"),
        ("بنت الشركة ثلاثمائة منزل.", "ثلاثمائة منزل", 300, "home"),
        ("بنت الشركة ثلاث مئة منزل.", "ثلاث مئة منزل", 300, "home"),
        ("اشترى الجيش ألف شاحنة.", "ألف شاحنة", 1000, "truck"),
        ("اشترى الجيش ألفين شاحنة.", "ألفين شاحنة", 2000, "truck"),
        ("وزعت الجمعية ثلاثمائة وخمسة وعشرين سلة غذائية.", "ثلاثمائة وخمسة وعشرين سلة غذائية", 325, "food basket"),
        ("وصل ألف وخمسمائة حاج.", "ألف وخمسمائة حاج", 1500, "pilgrim"),
        ("بيعت مئة وخمسون ألف تذكرة.", "مئة وخمسون ألف", 150_000, None),
    ],
)
def test_number_words(text, span, value, unit):
    out = qs(text)
    assert out, text
    check(out[0], span, value, value, value, unit, "exact")


def test_dual_nouns():
    out = qs("أسقطت الدفاعات طائرتين وصاروخين، وأغلقت الحدود لمدة يومين.")
    assert [(q.text, q.value, q.unit) for q in out] == [
        ("طائرتين", 2, "aircraft"),
        ("صاروخين", 2, "missile"),
        ("يومين", 2, "day"),
    ]


def test_dual_with_clitic_and_emphatic_two():
    q = one("قصفت المدفعية القرية بقذيفتين اثنتين فقط.")
    check(q, "قذيفتين اثنتين", 2, 2, 2, "shell", "exact", "قذيفتين")


def test_dual_with_post_hedge():
    out = qs("خلف الحريق قتيلين على الأقل وأربعة جرحى.")
    assert [(q.text, q.value, q.min, q.max, q.qualifier) for q in out] == [
        ("قتيلين على الأقل", 2, 2, None, "at_least"),
        ("أربعة جرحى", 4, 4, 4, "exact"),
    ]


def test_definite_dual_is_not_a_count():
    assert qs("تعمقت العلاقات بين البلدين خلال العامين الماضيين.") == []


def test_one_after_noun():
    out = qs("لم تصب سوى دبابة واحدة، واستمر القصف ساعة واحدة.")
    assert [(q.text, q.value, q.unit) for q in out] == [("دبابة واحدة", 1, "tank"), ("ساعة واحدة", 1, "hour")]


def test_one_alone_is_not_a_count():
    assert qs("قال واحد من الشهود إن الانفجار كان قويا.") == []


# --- vague amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, lo, hi, unit, qualifier",
    [
        ("أطلقت الفصائل عشرات الصواريخ على المدينة.", "عشرات الصواريخ", 20, 99, "missile", "dozens"),
        ("نزح مئات السكان عن القرية.", "مئات السكان", 200, 999, "resident", "hundreds"),
        ("تظاهر آلاف المحتجين أمام البرلمان.", "آلاف المحتجين", 2000, 9999, "protester", "thousands"),
        ("اعتقلت السلطات العشرات من المحتجين.", "العشرات من المحتجين", 20, 99, "protester", "dozens"),
        ("فر عشرات الآلاف من المدنيين.", "عشرات الآلاف من المدنيين", 20_000, 99_999, "person", "thousands"),
        ("يعاني مئات الآلاف من الأطفال من سوء التغذية.", "مئات الآلاف من الأطفال", 200_000, 999_999, "child",
         "thousands"),
        ("خسرت الشركة ملايين الدولارات.", "ملايين الدولارات", 2_000_000, 9_999_999, "dollar", "millions"),
        ("تجمع بضعة آلاف من الأنصار.", "بضعة آلاف", 3000, 9999, None, "thousands"),
        ("تأخرت الرحلة بضعة أيام.", "بضعة أيام", 3, 9, "day", "few"),
    ],
)
def test_vague_amounts(text, span, lo, hi, unit, qualifier):
    q = one(text)
    check(q, span, None, lo, hi, unit, qualifier)


def test_definite_vague_takes_no_indefinite_noun():
    q = one("نظم الآلاف مسيرة في وسط العاصمة.")
    check(q, "الآلاف", None, 2000, 9999, None, "thousands")


def test_vague_thousands_with_clitic():
    q = one("دعت الحكومة إلى إغاثة لآلاف العائلات المنكوبة.")
    check(q, "آلاف العائلات", None, 2000, 9999, "family", "thousands")


def test_scale_after_digits_is_not_vague():
    check(one("نشرت الوزارة 10 آلاف شرطي."), value=10000, qualifier="exact")


# --- hedges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, value, lo, hi, qualifier",
    [
        ("قتل نحو 40 شخصا في الزلزال.", "نحو 40 شخصا", 40, None, None, "about"),
        ("قتل حوالي 40 شخصا في الزلزال.", "حوالي 40 شخصا", 40, None, None, "about"),
        ("قتل قرابة 40 شخصا في الزلزال.", "قرابة 40 شخصا", 40, None, None, "about"),
        ("قتل زهاء 40 شخصا في الزلزال.", "زهاء 40 شخصا", 40, None, None, "about"),
        ("قتل ما يقرب من 40 شخصا في الزلزال.", "ما يقرب من 40 شخصا", 40, None, None, "about"),
        ("قتل 40 شخصا تقريبا في الزلزال.", "40 شخصا تقريبا", 40, None, None, "approximately"),
        ("قتل أكثر من 40 شخصا في الزلزال.", "أكثر من 40 شخصا", 40, 40, None, "more_than"),
        ("قتل ما يزيد عن 40 شخصا في الزلزال.", "ما يزيد عن 40 شخصا", 40, 40, None, "more_than"),
        ("قتل ما يزيد على 40 شخصا في الزلزال.", "ما يزيد على 40 شخصا", 40, 40, None, "more_than"),
        ("قتل أزيد من 40 شخصا في الزلزال.", "أزيد من 40 شخصا", 40, 40, None, "more_than"),
        ("يحق التصويت لمن هم فوق 18 عاما.", "فوق 18 عاما", 18, 18, None, "more_than"),
        ("قتل ما لا يقل عن 40 شخصا في الزلزال.", "ما لا يقل عن 40 شخصا", 40, 40, None, "at_least"),
        ("قتل 40 شخصا على الأقل في الزلزال.", "40 شخصا على الأقل", 40, 40, None, "at_least"),
        ("قد يصل عدد الضحايا إلى 40 قتيلا.", "قد يصل عدد الضحايا إلى 40 قتيلا", 40, None, 40, "up_to"),
        ("تتسع القاعة لما يصل إلى 400 شخص.", "ما يصل إلى 400 شخص", 400, None, 400, "up_to"),
        ("تمتد الهدنة حتى 10 أيام.", "حتى 10 أيام", 10, None, 10, "up_to"),
        ("يشمل القرار الأطفال دون 15 عاما.", "دون 15 عاما", 15, None, 15, "less_than"),
        ("تراجعت المبيعات بأقل من 3%.", "أقل من 3%", 3, None, 3, "less_than"),
    ],
)
def test_hedges(text, span, value, lo, hi, qualifier):
    q = one(text)
    check(q, span, value, lo, hi, qualifier=qualifier)


def test_up_to_with_verb_phrase():
    q = one("ويقول المسؤولون إن عدد العائدين قد يصل إلى 8 آلاف شخص بنهاية الشهر.")
    check(q, "قد يصل إلى 8 آلاف شخص", 8000, None, 8000, "person", "up_to")


def test_projected_up_to_keeps_its_bounds():
    q = one("ويتوقع المسؤولون أن عدد العائدين قد يصل إلى 8 آلاف شخص بنهاية الشهر.")
    check(q, value=8000, lo=None, hi=8000, unit="person", qualifier="projected")
    assert q.text.startswith("يتوقع")


def test_cue_without_a_verb_of_reaching_is_not_a_projection():
    q = one("وقدرت الوفورات المتوقعة من تحويل المصانع إلى الطاقة الشمسية بنسبة 20%.")
    check(q, "20%", 20, 20, 20, "percent", "exact")


def test_projected():
    q = one("وتشير الخطة إلى توسيع المخيم، مع توقعات بارتفاع عدد سكانه إلى 60 ألف لاجئ.")
    check(q, value=60000, unit="refugee", qualifier="projected")
    assert q.text.startswith("توقعات") and q.text.endswith("60 ألف لاجئ")
    q = one("ومن المتوقع أن يبلغ الإنتاج 900 ألف برميل يوميا.")
    check(q, value=900000, unit="barrel", qualifier="projected")


def test_duration_after_since_is_not_projected():
    q = one("ومن المقرر أن يلتقي الزعيمان للمرة الأولى منذ 12 عاما.")
    check(q, "12 عاما", 12, 12, 12, "year", "exact")


# --- ranges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span, lo, hi, unit",
    [
        ("تقدر الأجهزة المقاتلين بين 10 و12 ألفا.", "بين 10 و12 ألفا", 10000, 12000, None),
        ("يقدر عدد المقاتلين ما بين 10 و12 ألف مقاتل.", "ما بين 10 و12 ألف مقاتل", 10000, 12000, "soldier"),
        ("تستوعب السفينة من 10 إلى 15 ألف طن.", "من 10 إلى 15 ألف طن", 10000, 15000, "ton"),
        ("أرسلت الدولة 10-12 ألف جندي إلى الحدود.", "10-12 ألف جندي", 10000, 12000, "soldier"),
        ("تتراوح الرسوم بين 5 و7%.", "بين 5 و7%", 5, 7, "percent"),
        ("قتل 3 أو 4 أشخاص في الحادث.", "3 أو 4 أشخاص", 3, 4, "person"),
        ("يستغرق العلاج بين ستة وثمانية أسابيع.", "بين ستة وثمانية أسابيع", 6, 8, "week"),
    ],
)
def test_ranges(text, span, lo, hi, unit):
    q = one(text)
    check(q, span, None, lo, hi, unit, "range")


def test_range_with_the_unit_on_both_figures():
    q = one("حكمت المحكمة بالسجن بين خمس سنوات و12 عاما على المدانين.")
    check(q, "بين خمس سنوات و12 عاما", None, 5, 12, "year", "range")
    q = one("يقدر المحللون هامش الربح من 8% إلى 11% حسب القطاع.")
    check(q, "من 8% إلى 11%", None, 8, 11, "percent", "range")


def test_change_between_percentages_is_two_figures():
    out = qs("ارتفع التضخم من 8% إلى 11% خلال عام.")
    assert [(q.text, q.qualifier) for q in out] == [("8%", "exact"), ("11%", "exact")]


def test_change_from_to_is_two_figures():
    out = qs("ارتفع عدد القتلى من 12 إلى 19 قتيلا.")
    assert [q.value for q in out] == [12, 19]
    assert all(q.unit == "dead" for q in out)


def test_hedged_range_keeps_bounds():
    q = one("تحتاج المدينة نحو 10 إلى 12 ألف خيمة.")
    check(q, value=None, lo=10000, hi=12000, unit="tent", qualifier="about")


# --- elided nouns ----------------------------------------------------------------------------------


def test_elided_noun_inherits_unit():
    out = qs("رصدت الرادارات سبع طائرات حربية أجنبية وأربع فرنسية فوق المياه الإقليمية.")
    assert [(q.text, q.value, q.unit) for q in out] == [("سبع طائرات", 7, "aircraft"), ("أربع فرنسية", 4, "aircraft")]
    assert out[1].unit_text is None


def test_elided_noun_with_two():
    out = qs("اعترضت الدفاعات ثلاث مسيرات إيرانية الصنع واثنتان روسيتان.")
    assert [(q.text, q.value, q.unit) for q in out] == [("ثلاث مسيرات", 3, "drone"), ("اثنتان روسيتان", 2, "drone")]


def test_elided_noun_with_digits():
    out = qs("أغلقت السلطات 14 مدرسة حكومية و6 خاصة.")
    assert [(q.value, q.unit) for q in out] == [(14, "school"), (6, "school")]


def test_other_noun_after_and_is_not_elided():
    out = qs("اشترت البلدية 5 سيارات و3 دراجات للشرطة.")
    assert [(q.value, q.unit) for q in out] == [(5, "car"), (3, None)]


def test_count_word_gives_unit_to_range():
    q = one("يقدر عدد المقاتلين بين 10 و12 ألفا.")
    check(q, "بين 10 و12 ألفا", None, 10000, 12000, "soldier", "range", "المقاتلين")


# --- counted noun forms ----------------------------------------------------------------------------


def test_counted_noun_then_adjectives():
    q = one("شارك في المناورة 300 جندي بريطاني وفرنسي.")
    check(q, "300 جندي", 300, unit="soldier", unit_text="جندي")


def test_multiword_units():
    check(one("أطلق المسلحون 4 طائرات بدون طيار باتجاه القاعدة."), "4 طائرات بدون طيار", 4, unit="drone")
    check(one("سجلت المستشفيات 12 حالة وفاة."), "12 حالة وفاة", 12, unit="dead")
    check(one("انتشر في الموقع 60 عامل إنقاذ."), "60 عامل إنقاذ", 60, unit="rescuer")


def test_demonym_counts_people():
    check(one("اعتقلت الشرطة 35 سودانيا على الحدود."), "35 سودانيا", 35, unit="person")


def test_count_word_before_number_names_the_unit():
    q = one("وبلغ عدد الجرحى في المدينة 230 بحسب الوزارة.")
    check(q, "230", 230, unit="injured", unit_text="الجرحى")


def test_currency_sign_and_latin_text():
    out = qs("The fund pledged $5 million and more than 10,000 troops; about 300 people fled.")
    assert [(q.text, q.value, q.unit, q.qualifier) for q in out] == [
        ("$5 million", 5_000_000, "dollar", "exact"),
        ("more than 10,000 troops", 10_000, "troops", "more_than"),
        ("about 300 people", 300, "person", "about"),
    ]


def test_durations_are_kept():
    check(one("يعمل في المصنع منذ 24 عاما."), "24 عاما", 24, unit="year")
    check(one("أمهلت المحكمة الطرفين 48 ساعة."), "48 ساعة", 48, unit="hour")


# --- not quantities --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "افتتح المستشفى عام 2000 بدعم أوروبي.",
        "جرت الانتخابات في 2024 وسط إقبال ضعيف.",
        "وقعت الحادثة في 19 يونيو الماضي.",
        "صدر البيان يوم 13 سبتمبر 2024 في العاصمة.",
        "وتعود الوثيقة إلى 7 من أيار/مايو.",
        "أقلعت الطائرة عند الساعة 07:13 صباحا.",
        "نشر الجيش منظومة S-400 وصواريخ KN-23 وطائرات F-16.",
        "استخدمت القوات صواريخ من طراز M1991 وقاذفات إس-400.",
        "حلقت مقاتلات إف 16 فوق المدينة.",
        "للاستفسار اتصلوا على 0123 456 789.",
        "استند المجلس إلى القرار 2231 والمادة 5 من الميثاق.",
        "تولى الرئيس ولاية رئاسية خامسة في السابع من مايو.",
        "حذرت الوزارة من تدخل أطراف ثالثة للمرة الأولى.",
        "احتفلت المدينة بالذكرى الحادية عشرة لتأسيسها في القرن التاسع عشر.",
        "اندلعت الحرب بين عامي 1950 و1953 وامتدت آثارها.",
        "حدد الاتحاد موعد البطولة من 22 إلى 30 يونيو.",
        "فاز الفريق 3-1 على ضيفه.",
        "تضاعف عدد السكان في 1.1.2020 حسب السجل.",
        "وجد الرجل ميتا في منزله.",
        "لست متأكدا من صحة الرواية.",
        "خمس السكان يعيشون تحت خط الفقر.",
        "اتهمت الكميات الضخمة من السلع المهربة.",
        "قاتل الجيشان خلال الحرب العالمية الثانية.",
        "عاد الوفد عام ألفين وعشرين إلى البلاد.",
        "انتهت المباراة بفوز الضيوف 4 - 1 مساء الأحد.",
        "تجري الانتخابات أيام 14 و15 و16 أكتوبر.",
        "يبدأ المهرجان في 12 الجاري ويستمر أسبوعا.",
        "تأسس المسجد عام 800 هـ في عهد الخلافة.",
        "سجل اللاعب هدفه في الدقيقة 88 من اللقاء.",
        "تبلغ دقة الشاشة 2400 x 1080 بكسل.",
        "ارتفعت الأسهم على نحو غير متوقع أمس.",
    ],
)
def test_not_quantities(text):
    assert qs(text) == [], [(q.text, q.value) for q in qs(text)]


def test_unexpected_is_not_a_projection():
    q = one("ارتفعت المخزونات على نحو غير متوقع بمقدار 3 ملايين برميل.")
    check(q, "3 ملايين برميل", 3_000_000, unit="barrel", qualifier="exact")


def test_arabic_comma_as_decimal_separator():
    check(one("انخفضت الحرارة 0،5 درجة خلال الليل."), "0،5 درجة", 0.5, unit="degree")


def test_year_then_amount_is_not_a_range():
    out = qs("يرتفع الدعم في 2026 إلى 4 مليارات دولار.")
    assert [(q.text, q.value) for q in out] == [("4 مليارات دولار", 4_000_000_000)]


def test_year_range_and_count_in_one_sentence():
    out = qs("بين عامي 2019 و2021 غادر البلاد 40 ألف طبيب.")
    assert [(q.text, q.value, q.unit) for q in out] == [("40 ألف طبيب", 40000, "doctor")]


# --- lexicon ---------------------------------------------------------------------------------------


def test_units_lexicon_is_consistent():
    lemmas = {u.lemma for lst in _UNITS.values() for u in lst}
    assert len(lemmas) >= 140
    for must in ("soldier", "troops", "shell", "missile", "container", "aircraft", "drone", "tank", "vehicle",
                 "ship", "person", "dead", "injured", "missing", "refugee", "displaced", "prisoner", "building",
                 "home", "ton", "kilometre", "metre", "dollar", "euro", "pound", "lira", "riyal", "dirham",
                 "dinar", "ruble", "year", "month", "day", "hour", "minute", "team", "rescuer", "country"):
        assert must in lemmas, must
    # the drone forms win over the aircraft head noun
    assert _UNITS[key("طائرات")][0].lemma == "drone" and len(_UNITS[key("طائرات")][0].words) > 1
    # no dual is spelled like a listed plural or singular
    for d in _DUALS:
        assert d not in _UNITS, d


# --- real articles ---------------------------------------------------------------------------------


def test_seed_articles_offsets_are_valid():
    seeds = shared_path("seeds")
    files = sorted(seeds.glob("*.txt"))
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        prev_end = -1
        for q in find_quantities(text):
            assert 0 <= q.start < q.end <= len(text)
            assert text[q.start:q.end] == q.text
            assert q.start >= prev_end, "quantities overlap"
            prev_end = q.end
            assert q.qualifier
            if q.value is not None and q.min is not None:
                assert q.min <= q.value
            if q.value is not None and q.max is not None:
                assert q.value <= q.max
            if q.min is not None and q.max is not None:
                assert q.min <= q.max


def test_breakdown_after_comma_inherits_the_counted_noun():
    text = "وهبطت في المطار خمس طائرات خليجية، ثلاث سعودية واثنتان إماراتيتان، تحمل خياما وأدوية."
    qs = find_quantities(text)
    assert [(q.text, q.value, q.unit) for q in qs] == [
        ("خمس طائرات", 5, "aircraft"),
        ("ثلاث سعودية", 3, "aircraft"),
        ("اثنتان إماراتيتان", 2, "aircraft"),
    ]


def test_a_date_line_year_does_not_count_the_headline_below():
    text = "٨ شباط ٢٠٢٣\nجسر جوي إلى المطارات السورية"
    assert [q.text for q in find_quantities(text)] == []
