"""File kinds, corpora, ids and bad input for khabar.ingest.sources.iter_documents (no network)."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import json
import lzma
import shutil
import types
from pathlib import Path

import pytest

from khabar.ingest.sources import IngestOptions, iter_documents
from khabar.model import RawDocument, SourceError

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
OFFLINE = IngestOptions(offline=True)


def run(*specs: object, **opts: object) -> list[RawDocument | SourceError]:
    options = IngestOptions(offline=True, **opts)  # type: ignore[arg-type]
    return list(iter_documents([str(s) for s in specs], options))


def docs_of(items: list[RawDocument | SourceError]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def errors_of(items: list[RawDocument | SourceError]) -> list[SourceError]:
    return [i for i in items if isinstance(i, SourceError)]


# -- single-article files ------------------------------------------------------------------------


def test_txt() -> None:
    (doc,) = run(FIX / "article_fire.txt")
    assert isinstance(doc, RawDocument)
    assert doc.id == "article_fire" and doc.format == "text" and doc.encoding == "utf-8"
    assert doc.source == str(FIX / "article_fire.txt")
    assert doc.content.startswith("اندلع حريق كبير") and "\n\nوقال مدير المصنع" in doc.content
    assert doc.url is None and doc.notices == []


def test_markdown() -> None:
    (doc,) = run(FIX / "article_losses.md")
    assert doc.format == "markdown" and doc.content.startswith("# خسائر كبيرة")


def test_html_is_kept_raw() -> None:
    (doc,) = run(FIX / "article_witnesses.html")
    assert doc.format == "html"
    assert "<article>" in doc.content and "ألسنة اللهب" in doc.content


def test_truncated_html_is_still_yielded() -> None:
    (doc,) = run(FIX / "truncated.html")
    assert isinstance(doc, RawDocument) and doc.format == "html"
    assert doc.content.rstrip().endswith("خلال")


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    shutil.copy(FIX / "article_witnesses.html", tmp_path / "page")
    shutil.copy(FIX / "feed.rss", tmp_path / "feed.dat")
    shutil.copy(FIX / "corpus.jsonl", tmp_path / "rows.data")
    shutil.copy(FIX / "article_fire.txt", tmp_path / "story")
    items = run(tmp_path / "page", tmp_path / "feed.dat", tmp_path / "rows.data", tmp_path / "story")
    formats = [(Path(d.source.split(":")[0]).name, d.format) for d in docs_of(items)]
    assert formats[0] == ("page", "html")
    assert len([d for d in docs_of(items) if d.id.startswith("f")]) == 2
    assert [d.id for d in docs_of(items) if d.source.split(":")[0].endswith("rows.data")][-1] == "rows-7"
    assert len(docs_of(items)) == 1 + 2 + 4 + 1
    assert formats[-1] == ("story", "text")


def test_single_article_file_larger_than_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("خبر عاجل عن الحريق. " * 200, encoding="utf-8")
    (err,) = run(big, max_bytes=1000)
    assert isinstance(err, SourceError) and err.reason == "file larger than 1000 bytes"
    # corpora are not capped
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "\n".join(json.dumps({"text": "خبر عاجل عن الحريق. " * 50}) for _ in range(5)), encoding="utf-8"
    )
    assert len(docs_of(run(rows, max_bytes=1000))) == 5


def test_compressed_single_article(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress((FIX / "article_fire.txt").read_bytes()))
    (doc,) = run(path)
    assert doc.id == "story" and doc.format == "text" and doc.content.startswith("اندلع حريق")


# -- feeds -----------------------------------------------------------------------------------------


def test_rss_feed_offline_uses_item_content() -> None:
    items = run(FIX / "feed.rss")
    first, second = docs_of(items)
    assert not errors_of(items)
    assert first.source == first.url == "https://example.org/news/fire-contained"
    assert first.id == "f" + hashlib.sha1(b"https://example.org/news/fire-contained").hexdigest()[:16]
    assert first.title == "السيطرة على حريق مصنع النسيج"
    assert first.outlet == "وكالة أنباء الوادي"
    assert first.author == "قسم الأخبار المحلية"
    assert first.published == "Tue, 14 May 2024 06:30:00 +0300"
    assert first.format == "html" and "أربع ساعات من العمل المتواصل" in first.content  # content:encoded wins
    assert [n.code for n in first.notices] == ["feed_content"]
    assert first.notices[0].message == "page not fetched (offline mode); used the feed item's content"
    assert second.format == "text" and second.content.startswith("أعلن محافظ وادي السدر")


def test_atom_feed() -> None:
    items = run(FIX / "feed.atom")
    first, second = docs_of(items)
    assert first.outlet == "نشرة الساحل الإخبارية" and first.author == "ليلى منصور"
    assert first.url == "https://sahel.example.net/a/1" and first.published == "2024-05-15T08:00:00Z"
    assert first.format == "html" and "تعويضات عاجلة" in first.content
    # no http link: source names the feed and the item number
    assert second.source == f"{FIX / 'feed.atom'}#item 2" and second.url is None
    assert second.content.startswith("استأنفت عدة مصانع")


def test_feed_with_a_broken_item(tmp_path: Path) -> None:
    feed = tmp_path / "broken.xml"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>أخبار</title>
<item><title>خبر أول</title><link>https://example.org/1</link>
<description>نص الخبر الأول عن الحريق.</description></item>
<item><title>عنوان بلا نص ولا رابط</title></item>
<item><title>خبر ثالث</title><link>https://example.org/3</link>
<description>نص الخبر الثالث عن التحقيق.</description></item>
</channel></rss>""",
        encoding="utf-8",
    )
    items = run(feed)
    assert [type(i).__name__ for i in items] == ["RawDocument", "SourceError", "RawDocument"]
    err = items[1]
    assert err.source == str(feed) and err.reason.startswith("item 2: no content")


def test_feed_that_does_not_parse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rss"
    bad.write_text("<rss><channel><title>x</title><item><title>oops</ti", encoding="utf-8")
    notfeed = tmp_path / "plain.xml"
    notfeed.write_text('<?xml version="1.0"?><config><a>1</a></config>', encoding="utf-8")
    items = run(bad, notfeed)
    assert all(isinstance(i, SourceError) for i in items) and len(items) == 2


def test_feed_in_windows_1256_declared(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>وكالة الوادي</title>'
        "<item><title>الحريق</title><link>https://example.org/x</link>"
        "<description>أخمدت فرق الإطفاء الحريق في المصنع بعد ساعات من العمل.</description></item>"
        "</channel></rss>"
    )
    path = tmp_path / "feed.rss"
    path.write_bytes(xml.encode("cp1256"))
    (doc,) = run(path)
    assert doc.outlet == "وكالة الوادي" and doc.content.startswith("أخمدت فرق الإطفاء")


# -- corpora ---------------------------------------------------------------------------------------


def test_jsonl_corpus() -> None:
    items = run(FIX / "corpus.jsonl")
    docs, errs = docs_of(items), errors_of(items)
    assert [d.id for d in docs] == ["WAD-001", "WAD-002", "WAD-003", "corpus-7"]
    first = docs[0]
    assert first.source == f"{FIX / 'corpus.jsonl'}:line 1"
    assert (first.title, first.outlet, first.author, first.published, first.url) == (
        "حريق في مصنع للنسيج",
        "wadi",
        "سامي يوسف",
        "2024-05-14T06:00:00+03:00",
        "https://wadi.example.com/1",
    )
    assert docs[1].format == "html" and docs[1].author is None  # "<p>" text; empty author
    assert docs[2].source.endswith(":line 4")  # line 3 is blank
    assert [str(e) for e in errs] == [
        f"{FIX / 'corpus.jsonl'}: line 5: invalid JSON: Unterminated string starting at (column 52)",
        f"{FIX / 'corpus.jsonl'}: line 6: no text field (looked for text, content, body, article, story)",
    ]


def test_json_array_corpus_and_field_aliases() -> None:
    items = run(FIX / "corpus_array.json")
    a, b = items
    assert (a.id, a.title, a.outlet, a.published, a.url, a.author) == (
        "arr-1",
        "تعويضات للعمال",
        "نشرة الساحل",
        "15/05/2024",
        "https://sahel.example.net/a/1",
        "ليلى منصور",
    )
    assert a.source.endswith("corpus_array.json:item 1") and b.id == "arr-2"


def test_json_document_with_article_list(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps(
            {"source": "x", "articles": [{"title": "أ", "text": "نص أول"}, {"title": "ب", "text": "نص ثان"}]},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    assert [d.content for d in run(path)] == ["نص أول", "نص ثان"]


def test_truncated_json_array(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"text": "نص كامل"}, {"text": "نص مقطوع', encoding="utf-8")
    items = run(path)
    assert isinstance(items[0], RawDocument) and items[0].content == "نص كامل"
    assert isinstance(items[1], SourceError) and items[1].reason.startswith("item 2: invalid JSON")


def test_csv_corpus() -> None:
    items = run(FIX / "corpus.csv")
    one, two, err = items
    assert (one.id, one.title, one.outlet, one.published, one.url, one.author) == (
        "csv-1",
        "بيان الدفاع المدني",
        "وكالة الوادي",
        "2024-05-14",
        "https://wadi.example.com/c1",
        "قسم الأخبار",
    )
    assert one.source.endswith("corpus.csv:row 1")
    assert two.content == "قدرت الخسائر الأولية بنحو مليوني دينار.\nوقال المحافظ إن التحقيق سيبدأ قريبا."
    assert two.url is None and two.author is None
    assert isinstance(err, SourceError) and err.reason == "row 3: empty text"


def test_tsv_corpus() -> None:
    one, two = run(FIX / "corpus.tsv")
    assert (one.id, one.title, one.outlet, one.published) == (
        "tsv-1",
        "شهود عيان",
        "صحيفة الوادي",
        "2024-05-14",
    )
    assert two.content == "دعت البلدية السكان إلى الابتعاد عن المنطقة الصناعية."


def test_semicolon_csv_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("Title;Body;Date\nعنوان;نص، فيه فاصلة، وأخرى;2024-05-14\n", encoding="utf-8")
    (doc,) = run(path)
    assert doc.title == "عنوان" and doc.content == "نص، فيه فاصلة، وأخرى" and doc.published == "2024-05-14"


@pytest.mark.parametrize(
    "name,compress",
    [
        ("c.jsonl.gz", gzip.compress),
        ("c.jsonl.xz", lzma.compress),
        ("c.ndjson.bz2", bz2.compress),
        ("c.csv.gz", gzip.compress),
    ],
)
def test_compressed_corpora(tmp_path: Path, name: str, compress: types.FunctionType) -> None:
    source = FIX / ("corpus.csv" if ".csv" in name else "corpus.jsonl")
    path = tmp_path / name
    path.write_bytes(compress(source.read_bytes()))
    got, want = docs_of(run(path)), docs_of(run(source))
    assert [(d.content, d.title) for d in got] == [(d.content, d.title) for d in want]
    assert got[0].source == f"{path}:{'row' if '.csv' in name else 'line'} 1"


def test_corrupt_compressed_corpus(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl.gz"
    data = gzip.compress(
        b"".join(
            json.dumps(
                {"id": f"r{i}", "text": f"نص الصف رقم {i} " + hashlib.sha1(str(i).encode()).hexdigest()}
            ).encode()
            + b"\n"
            for i in range(3000)
        )
    )
    path.write_bytes(data[: len(data) // 2])
    items = run(path)
    assert isinstance(items[-1], SourceError) and "gz" in items[-1].reason
    assert docs_of(items)  # rows before the damage are kept


def test_corpus_is_streamed(tmp_path: Path) -> None:
    """Rows come out as they are read: a row appended after the first was yielded still shows up."""
    path = tmp_path / "live.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "نص أول"}) + "\n", encoding="utf-8")
    gen = iter_documents([str(path)], OFFLINE)
    assert next(gen).id == "a"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "b", "text": "نص ثان"}) + "\n")
    assert [d.id for d in gen] == ["b"]


def test_field_overrides(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps(
            {"text": "ملخص قصير", "full_story": "النص الكامل للخبر", "pub_date": "2024-05-14", "date": "x"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    (doc,) = run(path, fields={"text": "FULL_STORY", "published": "pub_date"})
    assert doc.content == "النص الكامل للخبر" and doc.published == "2024-05-14"
    (auto,) = run(path)
    assert auto.content == "ملخص قصير" and auto.published == "x"


def test_field_override_naming_a_missing_column(tmp_path: Path) -> None:
    items = run(FIX / "corpus.jsonl", FIX / "corpus.csv", fields={"text": "nope"})
    assert len(items) == 2 and all(isinstance(i, SourceError) for i in items)
    assert "--field text=nope: no such column" in items[0].reason
    assert items[1].source == str(FIX / "corpus.csv")


def test_unknown_field_override_is_reported() -> None:
    items = run(FIX / "corpus.tsv", fields={"colour": "x"})
    assert isinstance(items[0], SourceError) and items[0].source == "--field"
    assert len(docs_of(items)) == 2


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("title,date\nعنوان,2024\n", encoding="utf-8")
    (err,) = run(path)
    assert isinstance(err, SourceError) and err.reason.startswith("no text column")


# -- folders and ids ---------------------------------------------------------------------------------


def test_folder_recursion_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "__pycache__").mkdir()
    shutil.copy(FIX / "article_fire.txt", tmp_path / "b" / "two.txt")
    shutil.copy(FIX / "article_fire.txt", tmp_path / "a" / "one.txt")
    shutil.copy(FIX / "article_losses.md", tmp_path / "zz.md")
    shutil.copy(FIX / "article_fire.txt", tmp_path / ".hidden.txt")
    shutil.copy(FIX / "article_fire.txt", tmp_path / ".git" / "x.txt")
    (tmp_path / "__pycache__" / "m.txt").write_text("نص", encoding="utf-8")
    items = run(tmp_path)
    assert [d.id for d in items] == ["one", "two", "zz"]
    assert items[0].source == str(tmp_path / "a" / "one.txt")


def test_ids_for_clashing_stems_and_rows(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = tmp_path / "x" / "000_4959d50d6feb9ee2.txt"
    second = tmp_path / "y" / "000_4959d50d6feb9ee2.html"
    first.write_text("نص الخبر الأول", encoding="utf-8")
    second.write_text("<p>نص الخبر الثاني</p>", encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "\n".join(
            json.dumps(r)
            for r in (
                {"id": "000_4959d50d6feb9ee2", "text": "صف أول"},
                {"text": "صف بلا معرف"},
                {"docno": "R7", "text": "صف"},
                {"docno": "R7", "text": "صف مكرر"},
            )
        ),
        encoding="utf-8",
    )
    items = run(first, second, rows)
    sha = hashlib.sha1(str(second).encode()).hexdigest()[:6]
    assert [d.id for d in items] == [
        "000_4959d50d6feb9ee2",
        f"000_4959d50d6feb9ee2-{sha}",
        "000_4959d50d6feb9ee2-2",
        "rows-2",
        "R7",
        "R7-2",
    ]


def test_ids_are_stable_across_runs() -> None:
    once = [d.id for d in docs_of(run(FIX))]
    assert once == [d.id for d in docs_of(run(FIX))] and len(set(once)) == len(once)


# -- bad input ---------------------------------------------------------------------------------------


def test_bad_inputs_become_source_errors_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "capture.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\n"))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    good = tmp_path / "zz_good.txt"
    shutil.copy(FIX / "article_fire.txt", good)
    items = run(tmp_path / "missing.txt", tmp_path)
    reasons = {Path(i.source).name: i.reason for i in errors_of(items)}
    assert reasons == {
        "missing.txt": "no such file or directory",
        "blank.txt": "empty file",
        "capture.warc.gz": "record 1: corrupt WARC record (no WARC-Type)",
        "empty.jsonl": "empty file",
        "empty.txt": "empty file",
        "image.txt": "binary file (not text)",
        "photo.png": "binary file (not text)",
    }
    assert [d.id for d in docs_of(items)] == ["zz_good"]


def test_iter_documents_accepts_a_single_path_and_paths() -> None:
    assert len(list(iter_documents(FIX / "corpus.tsv"))) == 2  # type: ignore[arg-type]
    assert len(list(iter_documents([FIX / "corpus.tsv"]))) == 2  # type: ignore[list-item]


def test_unsupported_url_scheme_and_offline_url() -> None:
    items = run("ftp://example.org/x.txt", "https://example.org/news")
    assert [i.reason for i in items] == [
        "unsupported URL scheme 'ftp' (only http and https)",
        "offline mode: URL not fetched",
    ]


def test_real_corpus_streams() -> None:
    """The shared ANT corpus (.jsonl.xz, upper-case field names) streams row by row."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "ant_multisource.jsonl.xz"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    gen = iter_documents([str(path)], OFFLINE)
    first = [next(gen) for _ in range(3)]
    gen.close()
    for doc in first:
        assert isinstance(doc, RawDocument)
        assert (
            doc.id and doc.url and doc.url.startswith("http") and doc.title and doc.outlet and doc.published
        )
        assert len(doc.content) > 100 and doc.encoding == "utf-8"
    assert first[0].source == f"{path}:line 1"
