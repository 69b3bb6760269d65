"""Metadata read from what pages state: title, date, author, outlet, wire credits, language."""

import pytest

from khabar.ingest.article import build_article
from khabar.ingest.clean import clean_text
from khabar.ingest.dates import date_line
from khabar.ingest.meta import extract_metadata, wire_in
from khabar.model import RawDocument


def _md(page: str):
    r = clean_text(page)
    return extract_metadata(r.lines, r.headings, r.removed)


def _article(fixtures, name, fmt="text"):
    content = (fixtures / "pages" / name).read_text(encoding="utf-8")
    return build_article(RawDocument(id=name, source=name, content=content, format=fmt))


def test_pasted_page_metadata(fixtures):
    a = _article(fixtures, "derna_pasted.txt")
    assert a.title == "ارتفاع حصيلة ضحايا فيضانات درنة وسط صعوبات في انتشال الجثث"
    assert a.published == "2023-09-13"
    assert a.author == "سلمى الورفلي"  # a bare name line under the headline
    assert a.outlet == "وكالة الساحل للأنباء"  # "المصدر: …"
    assert a.wire == []
    assert a.language == "ar"
    assert a.warnings == []


def test_by_outlet_eastern_digits_levantine_month_and_wire_dateline(fixtures):
    a = _article(fixtures, "derna_wire.txt")
    assert a.published == "2023-09-14"  # "١٤ أيلول ٢٠٢٣"
    assert a.outlet == "الضفة نيوز"  # "By <outlet>" and the closing "(agency, outlet)" line
    assert a.author is None
    assert a.wire == ["Reuters"]


def test_markdown_byline_label_and_copyright_outlet(fixtures):
    a = _article(fixtures, "derna_markdown.md", "markdown")
    assert a.author == "كريم بن عاشور"
    assert a.published == "2023-09-18"
    assert a.outlet == "منصة أثر"


@pytest.mark.parametrize(
    "line,expected",
    [
        ("الجمعة، 22 نوفمبر 2024", "2024-11-22"),
        ("نشر في: 9 فبراير 2023", "2023-02-09"),
        ("07/02/2023 - 10:45", "2023-02-07"),
        ("٨ شباط ٢٠٢٣", "2023-02-08"),
        ("Tuesday 7 February 2023 08:30 GMT", "2023-02-07"),
        ("12 جانفي 2024", "2024-01-12"),
    ],
)
def test_date_lines(line, expected):
    got = date_line(line)
    assert got is not None and got[0] == expected


def test_sentences_with_dates_are_not_date_lines():
    assert date_line("وقع الزلزال في 6 فبراير 2023 وأودى بحياة الآلاف") is None
    assert date_line("رحلة طويلة") is None


def test_updated_stamp_is_second_to_published():
    md = _md(
        "عنوان الخبر عن الفيضانات\nآخر تحديث: 15 سبتمبر 2023\nنشر في: 12 سبتمبر 2023\n"
        "قالت السلطات إن فرق الإغاثة تواصل عملها في المناطق المتضررة من الفيضانات منذ عدة أيام دون توقف."
    )
    assert md.published == "2023-09-12"
    assert md.updated == "2023-09-15"


@pytest.mark.parametrize(
    "closing,wires,outlet",
    [
        ("(أ ف ب، رويترز)", ["AFP", "Reuters"], None),
        ("(الأناضول)", ["Anadolu"], None),
        ("(د ب أ، صحيفة المساء)", ["dpa"], "صحيفة المساء"),
        ("وكالات", ["agencies"], None),
        ("المصدر: رويترز", ["Reuters"], None),
    ],
)
def test_closing_credit_lines(closing, wires, outlet):
    page = (
        "اجتماع طارئ لوزراء الخارجية العرب\n"
        "عقد وزراء الخارجية العرب اجتماعا طارئا في القاهرة لبحث تداعيات الأزمة، وأكدوا في بيانهم الختامي "
        "ضرورة وقف التصعيد وحماية المدنيين.\n"
        f"{closing}\n"
    )
    md = _md(page)
    assert md.wire == wires
    assert md.outlet == outlet


def test_agency_names_in_body_are_not_wire_credits():
    # an agency quoted as a source is not a wire credit; a photo agency in a caption is not a wire
    md = _md(
        "تقرير عن المحادثات\n"
        "نقلت وكالة رويترز عن مصادر مطلعة أن المحادثات ستستأنف الأسبوع المقبل في عاصمة محايدة، "
        "بينما قالت وكالة الأناضول إن الوفود لم تصل بعد.\n"
    )
    assert md.wire == []


def test_wire_aliases():
    assert wire_in("أسوشيتد برس") == ["AP"]
    assert wire_in("AP", whole=True) == ["AP"]
    assert wire_in("أ.ف.ب", whole=True) == ["AFP"]
    assert wire_in("وكالة الصحافة الفرنسية", whole=True) == ["AFP"]
    assert wire_in("صحيفة الأهرام", whole=True) == []


def test_contributor_line_credits_wire_and_names_contributor():
    md = _md(
        "زيارة مرتقبة لوزير الخارجية\n"
        "يبدأ وزير الخارجية غدا جولة تشمل ثلاث عواصم لبحث ملفات التعاون الاقتصادي والأمني مع نظرائه في المنطقة.\n"
        "ساهم مراسل وكالة رويترز، جون سميث، في إعداد هذا التقرير.\n"
    )
    assert md.wire == ["Reuters"]
    assert md.contributors == ["جون سميث"]


def test_byline_forms():
    for line, author, outlet in [
        ("بقلم: هدى سليمان", "هدى سليمان", None),
        ("كتب - محمد الأمين", "محمد الأمين", None),
        ("By Sarah Lewis", "Sarah Lewis", None),
        ("By الشرق الجديد", None, "الشرق الجديد"),
        ("By Al Waha News", None, "Al Waha News"),
    ]:
        md = _md(f"عنوان الخبر الرئيسي اليوم\n{line}\nتفاصيل الخبر كاملة في هذه الفقرة الطويلة التي تروي ما جرى خلال الاجتماع الطويل بين الوفدين.")
        assert (md.author, md.outlet) == (author, outlet), line


def test_language_of_latin_article():
    a = build_article(
        RawDocument(
            id="en",
            source="en.txt",
            content="Aid reaches Derna\nAid convoys reached the eastern Libyan city of Derna on Friday, the Red Crescent said, "
            "carrying medicine, tents and drinking water for families who lost their homes in the floods.",
        )
    )
    assert a.language == "en"


def test_language_of_arabic_script_texts_arabic_without_the_classifier_only_when_it_must_be(monkeypatch):
    """Long Arabic text is Arabic without asking the classifier; Persian and Urdu, as long and in the
    same script, are not (their own letters send them to it), nor is a short Arabic line."""
    import py3langid

    from khabar.ingest.meta import detect_language

    arabic = ("قالت وزارة الخارجية في بيان صدر مساء الثلاثاء إن الوفدين اتفقا على استئناف المحادثات "
              "الأسبوع المقبل في العاصمة، وإن اللجان الفنية ستبحث ملفات الحدود والمياه والتجارة. ") * 3
    persian = ("وزیر امور خارجه روز سه‌شنبه گفت که گفتگوها با کشورهای همسایه ادامه پیدا می‌کند و "
               "هیئت‌های دو کشور هفته آینده در پایتخت دیدار خواهند کرد تا درباره مرز و آب گفتگو کنند. ") * 3
    urdu = ("وزیر خارجہ نے منگل کی شام کہا کہ ہمسایہ ملکوں کے ساتھ بات چیت جاری رہے گی اور دونوں "
            "ملکوں کے وفود اگلے ہفتے دارالحکومت میں ملیں گے تاکہ سرحد اور پانی پر بات ہو سکے۔ ") * 3
    asked: list[str] = []
    real = py3langid.classify
    monkeypatch.setattr(py3langid, "classify", lambda t: (asked.append(t), real(t))[1])
    assert detect_language(arabic) == "ar" and not asked
    assert detect_language(persian) == "fa" and len(asked) == 1
    assert detect_language(urdu) == "ur" and len(asked) == 2
    assert detect_language("قال الوزير إن المحادثات ستستأنف") == "ar" and len(asked) == 3


def test_no_date_warning():
    a = build_article(RawDocument(id="x", source="x.txt", content="عنوان بلا تاريخ\n" + "نص الخبر " * 30))
    assert [w.code for w in a.warnings] == ["no_date"]
