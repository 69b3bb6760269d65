"""WARC crawls (Common Crawl News style): HTML page responses only, streamed, corrupt records skipped."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from khabar.ingest.sources import iter_documents  # noqa: E402
from khabar.ingest.warc import warc_id  # noqa: E402
from khabar.model import RawDocument, SourceError  # noqa: E402
from khabar.pipeline import run  # noqa: E402

BODY = (
    "أعلنت وزارة الصحة السورية يوم الثلاثاء ارتفاع حصيلة ضحايا الزلزال الذي ضرب شمال البلاد إلى "
    "ألف وأربعمئة قتيل، فيما تواصل فرق الإنقاذ البحث عن ناجين تحت الأنقاض في حلب وحماة واللاذقية."
)
SECOND = (
    "وصلت أول قافلة مساعدات أممية إلى شمال غرب سوريا عبر معبر باب الهوى، محملة بالخيام والأغطية "
    "والمواد الطبية، بحسب ما أفاد مسؤول في الأمم المتحدة للصحفيين في جنيف."
)


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


PAGES = {
    "https://news.example/syria/earthquake-toll": _page("ارتفاع حصيلة ضحايا الزلزال في سوريا", [BODY, BODY.replace("الثلاثاء", "الاثنين")]),
    "https://news.example/2023/02/09/convoy": _page("أول قافلة أممية تعبر باب الهوى", [SECOND, SECOND.replace("جنيف", "نيويورك")]),
}


def _response(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK",
              content_type: str = "text/html; charset=utf-8", date: str = "2023-02-10T08:00:00Z"):
    http = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": date})


def write_warc(path: Path, gzip: bool = True) -> Path:
    """Two HTML pages, a request, a metadata record, a JSON response and a 404 page."""
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gzip)
        (first, second) = PAGES
        req = StatusAndHeaders("GET /syria/earthquake-toll HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        w.write_record(w.create_warc_record(first, "request", payload=io.BytesIO(b""), http_headers=req))
        w.write_record(_response(w, first, PAGES[first].encode("utf-8"), date="2023-02-08T06:30:00Z"))
        w.write_record(w.create_warc_record(first, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                                            warc_content_type="application/warc-fields"))
        w.write_record(_response(w, "https://news.example/api/toll.json", b'{"dead": 1400}',
                                 content_type="application/json"))
        w.write_record(_response(w, "https://news.example/missing", _page("غير موجود", ["الصفحة غير موجودة"]).encode(),
                                 status="404 Not Found"))
        w.write_record(_response(w, second, PAGES[second].encode("cp1256").replace(b"utf-8", b"windows-1256"),
                                 content_type="text/html; charset=windows-1256", date="2023-02-10T09:15:00Z"))
    return path


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_html_responses_become_documents(tmp_path, gzip):
    path = write_warc(tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), gzip=gzip)
    items = list(iter_documents([str(path)]))
    assert all(isinstance(i, RawDocument) for i in items), items
    assert [d.url for d in items] == list(PAGES)
    first, second = items
    assert first.id == "w" + hashlib.sha1(first.url.encode()).hexdigest()[:16] == warc_id(first.url)
    assert first.format == "html" and first.published == "2023-02-08T06:30:00Z"
    assert BODY[:40] in first.content
    assert second.published == "2023-02-10T09:15:00Z"
    assert second.encoding == "windows-1256" and SECOND[:40] in second.content


def test_documents_are_read_lazily(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    it = iter_documents([str(path)])
    first = next(it)
    assert isinstance(first, RawDocument) and first.url == next(iter(PAGES))
    it.close()  # stopping early closes the file


def test_crawl_dates_articles_and_urls_survive_the_pipeline(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    result = run([str(path)])
    assert not result.errors
    arts = result.articles
    assert [a.url for a in arts] == list(PAGES)
    # the first page states no date: the crawl's; the second is dated by its URL (the page wins)
    assert [a.published for a in arts] == ["2023-02-08", "2023-02-09"]
    assert arts[0].title == "ارتفاع حصيلة ضحايا الزلزال في سوريا"
    assert "حصيلة ضحايا الزلزال" in arts[0].text


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_a_corrupt_record_is_reported_and_reading_goes_on(tmp_path, gzip):
    good = write_warc(tmp_path / "good", gzip=gzip).read_bytes()
    bad = tmp_path / ("bad.warc.gz" if gzip else "bad.warc")
    # garbage where a record should start, between the first page and the rest of the crawl
    cut = _offset_after_record(good, 2, gzip)
    junk = b"\x1f\x8b\x08\x00garbage, not a gzip member" if gzip else b"WARC/1.0\r\nthis is not a header\r\n\r\n"
    bad.write_bytes(good[:cut] + junk + good[cut:])
    items = list(iter_documents([str(bad)]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if isinstance(i, SourceError)]
    assert [d.url for d in docs] == list(PAGES)
    assert len(errors) == 1 and "corrupt WARC record" in errors[0].reason and errors[0].source == str(bad)


def test_an_empty_or_missing_crawl_is_a_source_error(tmp_path):
    (tmp_path / "empty.warc").write_bytes(b"")
    items = list(iter_documents([str(tmp_path / "empty.warc"), str(tmp_path / "missing.warc.gz")]))
    assert all(isinstance(i, SourceError) for i in items) and len(items) == 2


def _offset_after_record(data: bytes, n: int, gzip: bool) -> int:
    """The offset where record ``n + 1`` (counting from 1) starts."""
    from warcio.archiveiterator import ArchiveIterator

    it = ArchiveIterator(io.BytesIO(data))
    for i, _ in enumerate(it, start=1):
        if i == n:
            it.read_to_end()
            return it.get_record_offset() + it.get_record_length() + (0 if gzip else 4)
    raise AssertionError("too few records")
