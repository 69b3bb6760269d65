"""The line cleaner on pages pasted from the web (fixtures written for these tests)."""

from khabar.ingest.clean import clean_html, clean_text, visible_lines


def _page(fixtures, name):
    return (fixtures / "pages" / name).read_text(encoding="utf-8")


def test_pasted_page_keeps_article_and_drops_chrome(fixtures):
    r = clean_text(_page(fixtures, "derna_pasted.txt"))
    text = r.text
    # headline, date, caption (once), byline and body are kept
    assert r.lines[0] == "ارتفاع حصيلة ضحايا فيضانات درنة وسط صعوبات في انتشال الجثث"
    assert "الأربعاء، 13 سبتمبر 2023" in r.lines
    assert "10:20 م" in r.lines  # a time stamp is part of the dateline, not a widget
    assert "سلمى الورفلي" in r.lines
    assert text.count("سيارات جرفتها السيول في أحد شوارع درنة شرقي ليبيا") == 1
    assert "المصدر: وكالة الساحل للأنباء" in r.lines
    # chrome is gone from the text and recorded verbatim
    for chrome in [
        "أخبار عربية", "A A", "استمع إلى المقال", "شارك", "طباعة", "أضف تعليقك", "الاسم", "البريد الإلكتروني",
        "لن يتم نشر بريدك الإلكتروني. الحقول المطلوبة مشار إليها بـ *",
        "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
        "العودة إلى النسخة الكاملة",
        "اقرأ أيضاً: الأمم المتحدة تطلق نداء عاجلا لإغاثة المتضررين في ليبيا",
    ]:
        assert chrome in r.removed, chrome
        assert chrome not in r.lines, chrome
    # the repeated caption is recorded once as removed
    assert r.removed.count("سيارات جرفتها السيول في أحد شوارع درنة شرقي ليبيا") == 1


def test_glued_heading_is_split_and_marked(fixtures):
    r = clean_text(_page(fixtures, "derna_pasted.txt"))
    i = r.lines.index("سدان منهاران")
    assert i in r.headings
    assert r.lines[i - 1].endswith("تعمل بطاقتها القصوى.")
    assert not any("###" in line for line in r.lines)


def test_markdown_is_stripped_to_text(fixtures):
    r = clean_text(_page(fixtures, "derna_markdown.md"))
    assert r.lines[0].startswith("خبراء: تحذيرات سابقة")
    assert 0 in r.headings
    assert any("خبراء في الهندسة المدنية" in line and "**" not in line for line in r.lines)
    assert any("وفق ما نقلته منصة أثر." in line for line in r.lines)  # link text kept, URL dropped
    assert not any("http" in line for line in r.lines)
    assert "![صورة جوية لوادي درنة](https://img.example/derna.jpg)" in r.removed
    assert "---" in r.removed


def test_long_sentences_with_ui_words_are_kept():
    page = (
        "فرق البحث تواصل عملها\n"
        "قال مسؤول في الدفاع المدني إن فرق البحث والإنقاذ ستواصل عمليات البحث عن ناجين تحت الأنقاض طوال الليل، "
        "وإن المتطوعين مدعوون إلى مشاركة المعلومات مع غرفة العمليات.\n"
        "بحث عن ناجين\n"
    )
    r = clean_text(page)
    assert r.removed == []
    assert len(r.lines) == 3


def test_latin_article_is_not_treated_as_chrome():
    page = (
        "Rescue teams reach the flooded city\n"
        "By Sam Carter\n"
        "Rescue teams reached the city on Tuesday after roads were cleared, officials said, and began searching "
        "collapsed buildings for survivors.\n"
        "Share\nPrint\nLeave a comment\nYour email address will not be published.\n"
    )
    r = clean_text(page)
    assert r.lines == [
        "Rescue teams reach the flooded city",
        "By Sam Carter",
        "Rescue teams reached the city on Tuesday after roads were cleared, officials said, and began searching "
        "collapsed buildings for survivors.",
    ]
    assert "Leave a comment" in r.removed and "Share" in r.removed


def test_whitespace_and_invisible_characters_are_normalised():
    r = clean_text("\ufeffعنوان   الخبر\u200f هنا\r\n\r\nسطر\u00a0ثان  من النص الطويل بما يكفي ليكون فقرة.\t\n")
    assert r.lines == ["عنوان الخبر هنا", "سطر ثان من النص الطويل بما يكفي ليكون فقرة."]


HTML = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>وصول أول قافلة مساعدات | شبكة الواحة</title>
<meta property="og:site_name" content="شبكة الواحة">
<meta property="article:published_time" content="2023-09-15T09:30:00+02:00">
<meta name="author" content="ليلى الشريف"></head>
<body><nav><a href="/">الرئيسية</a> | <a href="/arab">عربي ودولي</a> | <a href="/search">بحث</a></nav>
<article><h1>وصول أول قافلة مساعدات دولية إلى درنة</h1>
<p class="byline">ليلى الشريف</p>
<p>وصلت صباح الجمعة أول قافلة مساعدات دولية إلى مدينة درنة، تحمل مواد طبية وخياما ومياه شرب، بحسب ما أعلنه الهلال الأحمر الليبي.</p>
<figure><img src="c.jpg"><figcaption>شاحنات القافلة على مدخل المدينة</figcaption></figure>
<p>وقال متحدث باسم الهلال الأحمر إن القافلة تضم عشرين شاحنة، وإن قوافل أخرى ستتبعها خلال الأيام المقبلة.</p>
<div class="share">شارك: فيسبوك | تويتر | واتساب</div></article>
<section class="comments"><h3>التعليقات</h3><p>الله يرحم الضحايا ويصبر أهلهم</p></section>
<footer>© 2023 شبكة الواحة. جميع الحقوق محفوظة</footer></body></html>"""


def test_html_article_is_extracted_without_comments_and_chrome_is_recorded():
    r = clean_html(HTML)
    text = r.clean.text
    assert r.title == "وصول أول قافلة مساعدات دولية إلى درنة"
    assert r.clean.lines[0] == r.title
    assert "وصلت صباح الجمعة أول قافلة مساعدات دولية" in text
    assert "الله يرحم الضحايا" not in text  # comments are off
    assert r.sitename == "شبكة الواحة"
    assert r.date == "2023-09-15"
    assert r.author == "ليلى الشريف"
    assert any("الله يرحم الضحايا" in line for line in r.clean.removed)
    assert any("جميع الحقوق محفوظة" in line for line in r.clean.removed)
    assert not r.truncated


def test_truncated_html_still_yields_text():
    cut = HTML[: HTML.index("<div class=\"share\">")]
    r = clean_html(cut)
    assert r.truncated
    assert "وصلت صباح الجمعة أول قافلة مساعدات دولية" in r.clean.text


def test_visible_lines_skip_scripts_and_styles():
    lines = visible_lines("<html><head><style>p{}</style></head><body><p>نص ظاهر</p><script>var x='مخفي'</script></body></html>")
    assert lines == ["نص ظاهر"]
