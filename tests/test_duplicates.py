"""Wire copies and near-duplicates are found, and such articles count as one source."""

from __future__ import annotations

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
