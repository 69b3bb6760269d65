"""HTTP sources against a local server started in a thread (no other network)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khabar.ingest.fetch import (
    Fetcher,
    FetchError,
    address_category,
    check_url_host,
    format_from_content_type,
)
from khabar.ingest.sources import IngestOptions, iter_documents
from khabar.model import RawDocument, SourceError

ARTICLE = (
    "<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>حريق المصنع</title></head><body>"
    "<article><h1>حريق المصنع</h1><p>أخمدت فرق الإطفاء الحريق الذي اندلع في مصنع النسيج بعد أربع ساعات.</p>"
    "</article></body></html>"
)
LEGACY = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1256'></head><body>"
    "<p>قال المتحدث باسم الدفاع المدني إن التحقيق في أسباب الحريق سيبدأ بعد انتهاء عمليات التبريد.</p>"
    "</body></html>"
)


def feed_xml(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>وكالة الوادي</title>
<item><title>السيطرة على الحريق</title><link>{base}/article.html</link><dc:creator>مراسلنا</dc:creator>
<pubDate>Tue, 14 May 2024 06:30:00 +0300</pubDate><description>ملخص قصير.</description></item>
<item><title>رابط معطل</title><link>{base}/missing</link>
<description>&lt;p&gt;أعلن المحافظ تشكيل لجنة تحقيق في أسباب الحريق.&lt;/p&gt;</description></item>
<item><title>بلا نص</title><link>{base}/missing</link></item>
</channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    """Routes for the tests; ``/slow`` sleeps longer than the client timeout."""

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path
        if path == "/article.html":
            self.send(200, ARTICLE.encode())
        elif path == "/legacy.html":
            self.send(200, LEGACY.encode("cp1256"), "text/html")
        elif path == "/plain.txt":
            self.send(
                200, "خبر قصير عن الحريق في المصنع.\r\n".encode("cp1256"), "text/plain; charset=windows-1256"
            )
        elif path == "/rows.jsonl":
            self.send(
                200, '{"id": "h1", "text": "نص أول"}\n{"text": "نص ثان"}\n'.encode(), "application/x-ndjson"
            )
        elif path == "/feed.rss":
            self.send(200, feed_xml(base).encode(), "application/rss+xml")
        elif path == "/feed-noctype":
            self.send(200, feed_xml(base).encode(), "application/octet-stream")
        elif path == "/image.png":
            self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        elif path == "/slow":
            time.sleep(2.0)
            try:
                self.send(200, ARTICLE.encode())
            except OSError:
                pass
        elif path == "/loop":
            self.send(302, b"", Location="/loop")
        elif path.startswith("/hop"):
            n = int(path[4:] or 0)
            self.send(302, b"", Location=f"/hop{n + 1}" if n < 2 else "/article.html")
        elif path == "/to-external":
            self.send(302, b"", Location="ftp://example.org/file")
        elif path == "/big":
            self.send(200, b"a" * 5000, "text/plain")
        elif path == "/big-chunked":  # no Content-Length: the cap is enforced while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write("نص طويل ".encode() * 100)
            except OSError:
                pass
            self.close_connection = True
        else:
            self.send(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetch_all(*urls: str, **opts: object) -> list[RawDocument | SourceError]:
    options = IngestOptions(allow_private=True, timeout=0.5, max_bytes=4000, **opts)  # type: ignore[arg-type]
    return list(iter_documents(list(urls), options))


# -- address checks (no server needed) -----------------------------------------------------------


@pytest.mark.parametrize(
    "ip,category",
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("192.168.0.10", "a private address"),
        ("172.16.5.4", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.251", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "a non-public address"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_category(ip: str, category: str | None) -> None:
    assert address_category(ip) == category


def test_check_url_host_refuses_loopback() -> None:
    with pytest.raises(FetchError) as err:
        check_url_host("http://127.0.0.1:9/x")
    assert err.value.reason == "refused: resolves to a loopback address 127.0.0.1 (use --allow-private)"
    with pytest.raises(FetchError) as err:
        check_url_host("http://localhost:9/x")
    assert err.value.reason.startswith("refused: resolves to a loopback address")
    assert check_url_host("http://127.0.0.1:9/x", allow_private=True) == ["127.0.0.1"]
    with pytest.raises(FetchError, match=r"loopback address ::1 \(use --allow-private\)"):
        check_url_host("http://[::1]:9/x")
    with pytest.raises(FetchError, match="link-local address 169.254.169.254"):
        check_url_host("http://169.254.169.254/latest/meta-data/")


def test_unresolvable_host_fails_quickly() -> None:
    start = time.monotonic()
    (err,) = list(iter_documents(["http://no-such-host.invalid/news"], IngestOptions(timeout=2.0)))
    assert isinstance(err, SourceError) and err.reason.startswith("cannot resolve host no-such-host.invalid")
    assert time.monotonic() - start < 3.0


def test_bad_schemes() -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme"):
        check_url_host("file:///etc/passwd")


def test_format_from_content_type() -> None:
    assert format_from_content_type("text/html") == "html"
    assert format_from_content_type("application/xhtml+xml") == "html"
    assert format_from_content_type("application/rss+xml") == "feed"
    assert format_from_content_type("application/atom+xml") == "feed"
    assert format_from_content_type("text/xml") == "feed"
    assert format_from_content_type("text/plain") == "text"
    assert format_from_content_type("application/x-ndjson") == "corpus"
    assert format_from_content_type("application/json") == "corpus"
    assert format_from_content_type("image/png") == "binary"
    assert format_from_content_type("application/octet-stream") is None


# -- against the local server --------------------------------------------------------------------


def test_loopback_url_refused_without_allow_private(server: str) -> None:
    url = f"{server}/article.html"
    (err,) = list(iter_documents([url], IngestOptions(timeout=0.5)))
    assert isinstance(err, SourceError) and err.source == url
    assert err.reason == "refused: resolves to a loopback address 127.0.0.1 (use --allow-private)"
    (doc,) = fetch_all(url)
    assert isinstance(doc, RawDocument)
    assert doc.id == "u" + hashlib.sha1(url.encode()).hexdigest()[:16]
    assert doc.format == "html" and doc.url == url and doc.source == url and doc.encoding == "utf-8"
    assert "أخمدت فرق الإطفاء" in doc.content


def test_charset_from_meta_and_header(server: str) -> None:
    legacy, plain = fetch_all(f"{server}/legacy.html", f"{server}/plain.txt")
    assert legacy.format == "html" and legacy.encoding == "windows-1256"
    assert "قال المتحدث باسم الدفاع المدني" in legacy.content
    assert plain.format == "text" and plain.content == "خبر قصير عن الحريق في المصنع.\n"


def test_timeout(server: str) -> None:
    start = time.monotonic()
    (err,) = fetch_all(f"{server}/slow")
    assert isinstance(err, SourceError) and err.reason == "timed out after 0.5 s"
    assert time.monotonic() - start < 1.8


def test_redirects(server: str) -> None:
    loop, hops, external = fetch_all(f"{server}/loop", f"{server}/hop0", f"{server}/to-external")
    assert isinstance(loop, SourceError) and loop.reason == "too many redirects (>5)"
    assert isinstance(hops, RawDocument) and hops.url == f"{server}/article.html"
    assert hops.id == "u" + hashlib.sha1(f"{server}/hop0".encode()).hexdigest()[:16]
    assert isinstance(external, SourceError) and external.reason.startswith("unsupported URL scheme 'ftp'")
    (short,) = fetch_all(f"{server}/hop0", max_redirects=2)
    assert isinstance(short, SourceError) and short.reason == "too many redirects (>2)"


def test_redirect_to_loopback_is_rechecked(server: str) -> None:
    fetcher = Fetcher(allow_private=False, timeout=0.5)
    try:
        with pytest.raises(FetchError, match="refused"):
            fetcher.fetch(f"{server}/hop0")
    finally:
        fetcher.close()


def test_oversize_404_and_binary(server: str) -> None:
    big, chunked, missing, image = fetch_all(
        f"{server}/big", f"{server}/big-chunked", f"{server}/nothing-here", f"{server}/image.png"
    )
    assert big.reason == "response larger than 4000 bytes"
    assert chunked.reason == "response larger than 4000 bytes"
    assert missing.reason == "HTTP 404"
    assert image.reason == "unsupported content type image/png"


def test_json_lines_over_http(server: str) -> None:
    one, two = fetch_all(f"{server}/rows.jsonl")
    assert one.id == "h1" and one.source == f"{server}/rows.jsonl:line 1"
    assert two.id == "u" + hashlib.sha1(f"{server}/rows.jsonl".encode()).hexdigest()[:16] + "-2"


def test_feed_items_fetched_or_fall_back(server: str) -> None:
    page, fallback, broken = fetch_all(f"{server}/feed.rss")
    # item 1: its page was fetched
    assert isinstance(page, RawDocument) and page.notices == []
    assert page.url == f"{server}/article.html" and page.format == "html" and "<article>" in page.content
    assert page.title == "السيطرة على الحريق" and page.outlet == "وكالة الوادي" and page.author == "مراسلنا"
    assert page.published == "Tue, 14 May 2024 06:30:00 +0300"
    assert page.id == "f" + hashlib.sha1(f"{server}/article.html".encode()).hexdigest()[:16]
    # item 2: the link is a 404, so the item's own content is used
    assert isinstance(fallback, RawDocument) and fallback.format == "html"
    assert "لجنة تحقيق" in fallback.content
    assert [(n.code, n.message) for n in fallback.notices] == [
        ("feed_content", "page not fetched (HTTP 404); used the feed item's content")
    ]
    # item 3: no content and no page
    assert isinstance(broken, SourceError) and broken.source == f"{server}/feed.rss"
    assert broken.reason == "item 3: no content in the item and its page was not fetched (HTTP 404)"


def test_feed_without_feed_content_type_is_sniffed(server: str) -> None:
    items = fetch_all(f"{server}/feed-noctype")
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument", "SourceError"]
    assert items[0].source == f"{server}/article.html"


def test_feed_file_with_refused_item_links_uses_item_content(server: str, tmp_path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(feed_xml(server), encoding="utf-8")
    items = list(iter_documents([str(path)], IngestOptions(timeout=0.5)))  # allow_private is off
    first = items[0]
    assert isinstance(first, RawDocument) and first.content == "ملخص قصير." and first.format == "text"
    assert first.source == first.url == f"{server}/article.html"
    assert first.notices[0].message == (
        "page not fetched (refused: resolves to a loopback address 127.0.0.1 (use --allow-private)); "
        "used the feed item's content"
    )
    assert isinstance(items[2], SourceError) and items[2].source == str(path)


def test_offline_never_fetches(server: str) -> None:
    offline = list(iter_documents([f"{server}/feed.rss"], IngestOptions(offline=True)))
    assert [(i.source, i.reason) for i in offline] == [
        (f"{server}/feed.rss", "offline mode: URL not fetched")
    ]
