"""The source layer: from file paths, folders and URLs to decoded :class:`RawDocument` objects.

:func:`iter_documents` is the one entry point. It is lazy (a corpus is read row by row, never held
in memory) and never raises for bad input: every unreadable file, URL, corpus row or feed item
becomes a :class:`SourceError` and the rest is processed.

What a spec can be:

* a file: single articles (``.txt .text .md .markdown .html .htm .xhtml``), feeds
  (``.rss .atom .xml``), corpora (``.jsonl .ndjson .json .csv .tsv``), corpora compressed with
  gzip/xz/bzip2 (``.jsonl.xz``, ``.csv.gz`` ...), web crawls (``.warc``, ``.warc.gz``: the HTML
  pages, see :mod:`khabar.ingest.warc`); unknown extensions are sniffed;
* a folder, read recursively in sorted order, skipping hidden entries and ``__pycache__``;
* an ``http(s)`` URL (see :mod:`khabar.ingest.fetch` for the safety rules).
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import hashlib
import io
import itertools
import json
import lzma
import os
import re
import stat
import sys
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any, cast

import feedparser

from khabar import __version__
from khabar.ingest.decode import (
    DecodeError,
    codec_label,
    decode_bytes,
    detect_stream_encoding,
    is_binary_head,
)
from khabar.ingest.fetch import (
    Fetcher,
    FetchError,
    format_from_content_type,
    html_declared_charset,
)
from khabar.model import Notice, RawDocument, SourceError

__all__ = ["IngestOptions", "iter_documents", "count_documents", "CANONICAL_FIELDS"]


@dataclass
class IngestOptions:
    """How sources are read. ``fields`` maps canonical corpus fields to a file's column names."""

    allow_private: bool = False  # allow URLs resolving to private/loopback/link-local addresses
    offline: bool = False  # never touch the network: URLs become SourceError, feed items use their content
    timeout: float = 15.0  # seconds, per HTTP request (connect/read/write/pool)
    max_bytes: int = 10_000_000  # size cap for one HTTP response body and for one single-article file
    max_redirects: int = 5
    fields: dict[str, str] = field(default_factory=dict)  # {"text": "content", "published": "pub_date"}
    user_agent: str = f"khabar/{__version__} (+news analysis)"
    progress: ReadProgress | None = None  # counts the bytes of local files read (progress bars)


class ReadProgress:
    """How far the reading of local input files has got, in bytes of the files as stored
    (compressed bytes for a compressed corpus): ``done`` of ``total``. The CLI sets ``total`` from
    the files' sizes and shows a progress bar with an ETA on it when the number of documents is
    not known in advance (a corpus, a crawl). ``fraction`` never exceeds 1 (a file read twice, a
    sniffed head, counts twice).

    Reading runs ahead of the analysis (buffers, chunks in flight), so :func:`iter_documents` also
    records ``done`` as each document is handed out (``marks``); whoever follows the results, in
    input order, takes one mark per result (``position``) to know how far the *analysis* has got."""

    def __init__(self, total: int = 0) -> None:
        self.total = total
        self.done = 0
        self.marks: deque[int] = deque()

    def position(self) -> int:
        """The bytes read when the next result's document was handed out (one mark used)."""
        return self.marks.popleft() if self.marks else self.done

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.done / self.total) if self.total > 0 else None


def local_bytes(specs: Iterable[str | os.PathLike[str]] | str) -> int | None:
    """The total size of the files ``specs`` name (folders walked), or None when one is a URL."""
    if isinstance(specs, (str, os.PathLike)):
        specs = [specs]
    total = 0
    for spec in specs:
        spec = os.fspath(spec)
        if _URL_RE.match(spec.strip()):
            return None
        if os.path.isdir(spec):
            for root, dirs, files in os.walk(spec):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
                for name in files:
                    if not name.startswith("."):
                        try:
                            total += os.stat(os.path.join(root, name)).st_size
                        except OSError:
                            pass
        else:
            try:
                total += os.stat(spec).st_size
            except OSError:
                pass
    return total


def _decompressed(compression: str, raw: IO[bytes]) -> IO[bytes]:
    """The decompressing reader over ``raw``; closing it closes ``raw`` too (the compression
    modules leave a file object they were given open)."""
    try:
        f = _COMPRESSORS[compression][1](raw)
    except BaseException:
        raw.close()
        raise
    close = f.close

    def close_both() -> None:
        try:
            close()
        finally:
            raw.close()

    f.close = close_both  # type: ignore[method-assign]
    return f


class _Counted(io.FileIO):
    """A file opened for reading that adds the bytes read to a :class:`ReadProgress`."""

    def __init__(self, path: str, progress: ReadProgress) -> None:
        super().__init__(path, "rb")
        self._progress = progress

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self._progress.done += len(data or b"")
        return data

    def readall(self) -> bytes:
        data = super().readall()
        self._progress.done += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        n = super().readinto(buffer)
        self._progress.done += n or 0
        return n


# Canonical corpus fields and the column names recognised for each, in order of preference.
CANONICAL_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "text": ("text", "content", "body", "article", "story"),
    "outlet": ("outlet", "source", "src", "site", "publisher", "sitename"),
    "published": ("published", "date", "time", "pubdate", "published_at", "datetime"),
    "url": ("url", "link"),
    "id": ("id", "docno", "doc_id", "guid"),
    "author": ("author", "byline", "writer"),
}

_TEXT_EXT = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_JSON_EXT = {".jsonl", ".ndjson", ".json"}
# extension -> (name, the decompressing reader over a raw binary file object)
_COMPRESSORS: dict[str, tuple[str, Callable[[IO[bytes]], IO[bytes]]]] = {
    ".gz": ("gzip", lambda f: cast(IO[bytes], gzip.open(f, "rb"))),
    ".xz": ("xz", lambda f: cast(IO[bytes], lzma.open(f, "rb"))),
    ".lzma": ("xz", lambda f: cast(IO[bytes], lzma.open(f, "rb"))),
    ".bz2": ("bzip2", lambda f: cast(IO[bytes], bz2.open(f, "rb"))),
}
_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|p|div|br|span|a|article|section|header|footer|h[1-6]|ul|ol|li|table|tr|td"
    r"|img|strong|em|b|i|figure|figcaption|blockquote|iframe|script|style)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_SNIFF_BYTES = 65536
_FEED_WORKERS = 4  # concurrent item-page fetches for one feed
_FEED_WINDOW = 8  # item pages fetched ahead of the consumer
_MAX_JSON_ITEM = 256 * 1024 * 1024  # characters one element of a JSON array may span

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def iter_documents(
    specs: Iterable[str | os.PathLike[str]] | str, opts: IngestOptions | None = None
) -> Iterator[RawDocument | SourceError]:
    """Lazily yield one RawDocument per article, or a SourceError per bad file/URL/row/item (then go on)."""
    if isinstance(specs, (str, os.PathLike)):
        specs = [specs]
    run = _Run(opts or IngestOptions())
    progress = run.opts.progress
    def items() -> Iterator[RawDocument | SourceError]:
        yield from run.check_fields()
        for spec in specs:
            yield from run.spec(os.fspath(spec))

    try:
        if progress is None:
            yield from items()
            return
        for item in items():
            progress.marks.append(progress.done)
            yield item
    finally:
        run.close()


def count_documents(specs: Iterable[str | os.PathLike[str]] | str) -> int | None:
    """How many items :func:`iter_documents` will yield, when that is cheap to know: the specs are
    single-article files (text, Markdown, HTML) and folders of them. None when a spec is a URL, a
    feed, a corpus, a crawl or a file whose kind only its content tells."""
    if isinstance(specs, (str, os.PathLike)):
        specs = [specs]
    n = 0
    for spec in specs:
        spec = os.fspath(spec)
        if _URL_RE.match(spec.strip()):
            return None
        if os.path.isdir(spec):
            paths: list[str] = []
            stack = [spec]
            while stack:
                folder = stack.pop()
                try:
                    with os.scandir(folder) as it:
                        for e in it:
                            if e.name.startswith(".") or e.name == "__pycache__":
                                continue
                            if e.is_dir(follow_symlinks=False):
                                stack.append(e.path)
                            else:
                                paths.append(e.path)
                except OSError:
                    n += 1  # reported as one skipped source
            if not paths:
                n += 1  # "no files in folder"
        else:
            paths = [spec]
        for p in paths:
            inner, _ = _split_compression(os.path.basename(p))
            if not os.path.exists(p):
                n += 1  # one SourceError
                continue
            if _kind_from_name(inner) not in ("text", "markdown", "html"):
                return None
            n += 1
    return n


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _looks_html(text: str) -> bool:
    return _HTML_TAG.search(text) is not None


def _norm_key(name: str) -> str:
    """Column names compare case-insensitively, ignoring ``_``, ``-`` and spaces."""
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def _split_compression(name: str) -> tuple[str, str | None]:
    """``("corpus.jsonl", ".xz")`` for ``corpus.jsonl.xz``; ``(name, None)`` if not compressed."""
    root, ext = os.path.splitext(name)
    if ext.lower() in _COMPRESSORS and root:
        return root, ext.lower()
    return name, None


def _kind_from_name(name: str) -> str | None:
    """File kind from the (decompressed) name: text/markdown/html/feed/json/csv/tsv, or None."""
    ext = os.path.splitext(name)[1].lower()
    if ext in _TEXT_EXT:
        return _TEXT_EXT[ext]
    if ext in _HTML_EXT:
        return "html"
    if ext in _FEED_EXT:
        return "feed"
    if ext in _JSON_EXT:
        return "json"
    if ext == ".csv":
        return "csv"
    if ext == ".tsv":
        return "tsv"
    return None


def _ascii_head(head: bytes) -> bytes:
    """The head with BOMs and NUL bytes removed (so UTF-16/32 markup reads like ASCII), lower-cased."""
    for bom in (
        codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE,
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    ):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    return head.replace(b"\x00", b"").lstrip()[:4096].lower()


def sniff_kind(head: bytes) -> str:
    """Guess a file kind from its first bytes: feed, html, json, binary or text."""
    if is_binary_head(head):
        return "binary"
    low = _ascii_head(head)
    if low.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return "feed"
    if low.startswith(b"<?xml"):
        if re.search(rb"<(?:rss|feed|rdf:rdf)\b", low):
            return "feed"
        if re.search(rb"<(?:!doctype\s+html|html)\b", low):
            return "html"
        return "feed"
    if low.startswith(b"<!doctype html") or re.match(
        rb"<(?:html|head|body|div|p|article|meta|title|!--)\b", low
    ):
        return "html"
    if low.startswith((b"{", b"[")):
        return "json"
    return "text"


def _as_str(value: Any, joiner: str = ", ") -> str | None:
    """A corpus cell as a string (lists joined), or None when absent/empty."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list):
        parts = [p for p in (_as_str(v, joiner) for v in value) if p and p.strip()]
        return joiner.join(parts) if parts else None
    if isinstance(value, dict):
        for key in ("name", "text", "value", "title"):
            if key in value:
                return _as_str(value[key], joiner)
    return None


def _hint(value: Any) -> str | None:
    text = _as_str(value)
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


class _FieldMap:
    """Which column of a corpus holds each canonical field."""

    def __init__(self, columns: Iterable[str], overrides: dict[str, str]) -> None:
        by_norm: dict[str, str] = {}
        by_lower: dict[str, str] = {}
        for col in columns:
            by_norm.setdefault(_norm_key(col), col)
            by_lower.setdefault(str(col).strip().lower(), col)
        self.columns: dict[str, list[str]] = {}
        self.missing: list[str] = []  # "text=content" overrides naming absent columns
        for canon, aliases in CANONICAL_FIELDS.items():
            if canon in overrides:
                wanted = overrides[canon]
                found = by_lower.get(wanted.strip().lower()) or by_norm.get(_norm_key(wanted))
                if found is None:
                    self.missing.append(f"{canon}={wanted}")
                    self.columns[canon] = []
                else:
                    self.columns[canon] = [found]
            else:
                self.columns[canon] = [by_norm[_norm_key(a)] for a in aliases if _norm_key(a) in by_norm]
        self.text_looked_for = [overrides["text"]] if "text" in overrides else list(CANONICAL_FIELDS["text"])

    def get(self, row: dict[str, Any], canon: str) -> Any:
        """The first non-empty value among the columns for ``canon``."""
        for col in self.columns[canon]:
            value = row.get(col)
            if value not in (None, "", []):
                return value
        return None


@dataclass
class _Corpus:
    """Where a corpus came from, for naming its rows."""

    source: str  # the path or URL as given
    stem: str  # for fallback row ids
    encoding: str  # label reported on documents


class _Run:
    """State of one :func:`iter_documents` call: options, ids handed out, the HTTP client."""

    def __init__(self, opts: IngestOptions) -> None:
        self.opts = opts
        self.used_ids: set[str] = set()
        self.stems: set[str] = set()
        self.overrides: dict[str, str] = {}
        self._fetcher: Fetcher | None = None

    # -- plumbing -------------------------------------------------------------------------------

    def open_raw(self, path: str) -> IO[bytes]:
        """A local file for reading, counted in ``opts.progress`` when there is one."""
        if self.opts.progress is not None:
            return cast(IO[bytes], io.BufferedReader(_Counted(path, self.opts.progress), buffer_size=1 << 16))
        return open(path, "rb")

    def opener(self, compression: str | None) -> Callable[[str], IO[bytes]]:
        """Opens a local file, decompressing it when ``compression`` names a compressor."""
        if not compression:
            return self.open_raw
        return lambda path: _decompressed(compression, self.open_raw(path))

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(
                allow_private=self.opts.allow_private,
                timeout=self.opts.timeout,
                max_bytes=self.opts.max_bytes,
                max_redirects=self.opts.max_redirects,
                user_agent=self.opts.user_agent,
            )
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def unique(self, doc_id: str) -> str:
        """Make ``doc_id`` unique within the run by appending ``-2``, ``-3`` ... on a clash."""
        candidate, n = doc_id, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{doc_id}-{n}"
        self.used_ids.add(candidate)
        return candidate

    def check_fields(self) -> Iterator[SourceError]:
        """Validate ``opts.fields`` once; unknown canonical names are reported and ignored."""
        for key, column in (self.opts.fields or {}).items():
            canon = key.strip().lower()
            if canon not in CANONICAL_FIELDS:
                yield SourceError("--field", f"unknown field {key!r} (known: {', '.join(CANONICAL_FIELDS)})")
            elif not str(column).strip():
                yield SourceError("--field", f"empty column name for field {key!r}")
            else:
                self.overrides[canon] = str(column).strip()

    # -- specs ----------------------------------------------------------------------------------

    def spec(self, spec: str) -> Iterator[RawDocument | SourceError]:
        """Everything one command-line spec yields."""
        try:
            if _URL_RE.match(spec.strip()):
                yield from self.url(spec.strip())
            elif os.path.isdir(spec):
                yield from self.folder(spec)
            else:
                yield from self.file(spec)
        except Exception as exc:  # last resort: a bug must not end the run
            yield SourceError(spec, f"unexpected error: {type(exc).__name__}: {exc}")

    def folder(self, root: str) -> Iterator[RawDocument | SourceError]:
        """All non-hidden files under ``root``, recursively, in sorted path order.

        Hidden entries and ``__pycache__`` are skipped; symbolic links to folders are not followed.
        """
        count = 0
        for item in self._walk(root):
            if isinstance(item, SourceError):
                yield item
            else:
                count += 1
                yield from self.file(item)
        if not count:
            yield SourceError(root, "no files in folder")

    def _walk(self, folder: str) -> Iterator[str | SourceError]:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield SourceError(folder, _os_reason(exc))
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                yield from self._walk(path)
            else:
                yield path

    def file(self, path: str) -> Iterator[RawDocument | SourceError]:
        """One file of any supported kind."""
        try:
            st = os.stat(path)
        except OSError as exc:
            yield SourceError(path, _os_reason(exc))
            return
        if not stat.S_ISREG(st.st_mode):
            yield SourceError(path, "not a regular file")
            return
        base = os.path.basename(path)
        inner, compression = _split_compression(base)
        if inner.lower().endswith(".warc") or base.lower().endswith(".warc"):
            # a crawl: one document per HTML page response (gzip, one member per record, is read
            # record by record by warcio itself)
            from .warc import iter_warc

            yield from iter_warc(path, self.unique, self.opts.max_bytes, open_file=self.open_raw)
            return
        opener = self.opener(compression)
        kind = _kind_from_name(inner)
        if kind is None:
            try:
                sniff = _decompressed(compression, open(path, "rb")) if compression else open(path, "rb")
                with sniff as fh:  # (not counted: the file is read again below)
                    head = fh.read(_SNIFF_BYTES)
            except _READ_ERRORS as exc:
                yield SourceError(path, _read_reason(exc, compression))
                return
            if not head.strip(b" \t\r\n\f\v\x00"):
                yield SourceError(path, "empty file")
                return
            kind = sniff_kind(head)
            if kind == "binary":
                yield SourceError(path, "binary file (not text)")
                return
        stem = os.path.splitext(inner)[0] if os.path.splitext(inner)[0] else inner
        if kind in ("json", "csv", "tsv"):
            yield from self.corpus_file(path, opener, kind, stem, compression)
        else:
            yield from self.article_file(path, opener, kind, stem, st.st_size, compression)

    def article_file(
        self,
        path: str,
        opener: Callable[[str], IO[bytes]],
        kind: str,
        stem: str,
        size: int,
        compression: str | None,
    ) -> Iterator[RawDocument | SourceError]:
        """A file holding one article (text/markdown/html) or a feed."""
        cap = self.opts.max_bytes
        if compression is None and size > cap:
            yield SourceError(path, f"file larger than {cap} bytes")
            return
        try:
            with opener(path) as fh:
                data = fh.read(cap + 1)
        except _READ_ERRORS as exc:
            yield SourceError(path, _read_reason(exc, compression))
            return
        if len(data) > cap:
            yield SourceError(path, f"file larger than {cap} bytes")
            return
        if kind == "feed":
            yield from self.feed(data, path)
            return
        declared = html_declared_charset(data) if kind == "html" else None
        try:
            text, encoding = decode_bytes(data, declared)
        except DecodeError as exc:
            yield SourceError(path, exc.reason)
            return
        doc_id = stem if stem not in self.stems else f"{stem}-{_sha1(path)[:6]}"
        self.stems.add(stem)
        yield RawDocument(
            id=self.unique(doc_id),
            source=path,
            content=text,
            format=kind,
            encoding=encoding,
        )

    # -- URLs -------------------------------------------------------------------------------------

    def url(self, url: str) -> Iterator[RawDocument | SourceError]:
        """A web page, feed, text or JSON corpus behind a URL."""
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            yield SourceError(url, f"unsupported URL scheme {scheme!r} (only http and https)")
            return
        if self.opts.offline:
            yield SourceError(url, "offline mode: URL not fetched")
            return
        try:
            res = self.fetcher.fetch(url)
        except FetchError as exc:
            yield SourceError(url, exc.reason)
            return
        kind = format_from_content_type(res.content_type)
        sniffed = sniff_kind(res.body[:_SNIFF_BYTES]) if res.body.strip() else "text"
        if (
            kind is None
            or (kind in ("html", "text") and sniffed == "feed")
            or (kind == "feed" and sniffed == "html")
        ):
            kind = sniffed  # no usable Content-Type, or one the body contradicts
        url_id = "u" + _sha1(url)[:16]
        if kind == "binary":
            yield SourceError(url, f"unsupported content type {res.content_type}")
            return
        if kind == "feed":
            yield from self.feed(res.body, url, declared=res.charset)
            return
        if kind in ("corpus", "json", "csv"):
            corpus_kind = "csv" if kind == "csv" else "json"
            yield from self.corpus_stream(
                url,
                lambda: io.BytesIO(res.body),
                corpus_kind,
                url_id,
                tsv=res.content_type.endswith("tab-separated-values"),
            )
            return
        declared = res.charset or (html_declared_charset(res.body) if kind == "html" else None)
        try:
            text, encoding = decode_bytes(res.body, declared)
        except DecodeError as exc:
            yield SourceError(url, exc.reason)
            return
        yield RawDocument(
            id=self.unique(url_id),
            source=url,
            url=res.url,
            content=text,
            format=kind,
            encoding=encoding,
        )

    # -- feeds ------------------------------------------------------------------------------------

    def feed(
        self, data: bytes, source: str, declared: str | None = None
    ) -> Iterator[RawDocument | SourceError]:
        """Every item of an RSS/Atom/RDF feed; item pages are fetched unless offline."""
        try:
            text, encoding = decode_bytes(data, declared or html_declared_charset(data))
        except DecodeError as exc:
            yield SourceError(source, exc.reason)
            return
        # Hand feedparser UTF-8 with a matching declaration, so it agrees with our decoding.
        text = re.sub(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)[\"'][^\"']*[\"']", r'\1"utf-8"', text, count=1)
        headers = {"content-type": "application/xml; charset=utf-8"}
        if _URL_RE.match(source):
            headers["content-location"] = source  # base for relative item links
        parsed = feedparser.parse(text.encode("utf-8"), response_headers=headers)
        entries = list(parsed.get("entries") or [])
        if not entries:
            if parsed.get("bozo"):
                problem = parsed.get("bozo_exception")
                detail = _short(str(problem) or type(problem).__name__)
                yield SourceError(source, f"not a valid feed ({detail})")
            else:
                yield SourceError(source, "feed has no items")
            return
        outlet = _hint((parsed.get("feed") or {}).get("title"))
        fetch = not self.opts.offline
        fetcher = self.fetcher if fetch else None

        def work(i: int, entry: Any) -> RawDocument | SourceError:
            try:
                return self._feed_item(i, entry, source, outlet, encoding, fetcher)
            except Exception as exc:  # a malformed entry must not stop the feed
                return SourceError(
                    source, f"item {i}: malformed item ({type(exc).__name__}: {_short(str(exc))})"
                )

        if not fetch:
            for i, entry in enumerate(entries, 1):
                yield self._assign_feed_id(work(i, entry), entry, source, i)
            return
        pool = ThreadPoolExecutor(max_workers=_FEED_WORKERS, thread_name_prefix="khabar-feed")
        pending: deque[tuple[int, Any, Future[RawDocument | SourceError]]] = deque()
        try:
            for i, entry in enumerate(entries, 1):
                pending.append((i, entry, pool.submit(work, i, entry)))
                if len(pending) >= _FEED_WINDOW:
                    n, e, fut = pending.popleft()
                    yield self._assign_feed_id(fut.result(), e, source, n)
            while pending:
                n, e, fut = pending.popleft()
                yield self._assign_feed_id(fut.result(), e, source, n)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _assign_feed_id(
        self, item: RawDocument | SourceError, entry: Any, source: str, i: int
    ) -> RawDocument | SourceError:
        """Give a feed item its stable id (in feed order, so ids do not depend on thread timing)."""
        if isinstance(item, RawDocument):
            key = (
                _hint(entry.get("link"))
                or _hint(entry.get("id"))
                or _hint(entry.get("title"))
                or f"{source}#{i}"
            )
            item.id = self.unique("f" + _sha1(key)[:16])
        return item

    def _feed_item(
        self,
        i: int,
        entry: Any,
        source: str,
        outlet: str | None,
        feed_encoding: str,
        fetcher: Fetcher | None,
    ) -> RawDocument | SourceError:
        """One feed entry: its page if fetchable, else its embedded content (with a notice)."""
        raw_link = _hint(entry.get("link"))
        link = raw_link if raw_link and re.match(r"https?://", raw_link, re.IGNORECASE) else None
        hints: dict[str, Any] = dict(
            title=_hint(entry.get("title")),
            outlet=outlet,
            author=_hint(entry.get("author")),
            published=_hint(entry.get("published") or entry.get("updated")),
        )
        item_source = link or f"{source}#item {i}"
        if link is None:
            reason = f"unsupported link {raw_link!r}" if raw_link else "the item has no link"
        elif fetcher is None:
            reason = "offline mode"
        else:
            try:
                res = fetcher.fetch(link)
                kind = format_from_content_type(res.content_type) or sniff_kind(res.body[:_SNIFF_BYTES])
                if kind not in ("html", "text"):
                    raise FetchError(f"not an HTML page ({res.content_type or 'unknown type'})")
                declared = res.charset or (html_declared_charset(res.body) if kind == "html" else None)
                text, encoding = decode_bytes(res.body, declared)
                return RawDocument(
                    id="",
                    source=item_source,
                    url=res.url,
                    content=text,
                    format=kind,
                    encoding=encoding,
                    **hints,
                )
            except FetchError as exc:
                reason = exc.reason
            except DecodeError as exc:
                reason = exc.reason

        content = ""
        for part in entry.get("content") or []:
            value = part.get("value") if hasattr(part, "get") else None
            if value and value.strip():
                content = value
                break
        if not content.strip():
            content = entry.get("summary") or entry.get("description") or ""
        if not content.strip():
            return SourceError(
                source, f"item {i}: no content in the item and its page was not fetched ({reason})"
            )
        return RawDocument(
            id="",
            source=item_source,
            url=link,
            content=content,
            format="html" if _looks_html(content) else "text",
            encoding=feed_encoding,
            notices=[Notice("feed_content", f"page not fetched ({reason}); used the feed item's content")],
            **hints,
        )

    # -- corpora ----------------------------------------------------------------------------------

    def corpus_file(
        self, path: str, opener: Callable[[str], IO[bytes]], kind: str, stem: str, compression: str | None
    ) -> Iterator[RawDocument | SourceError]:
        """A corpus file, streamed; read errors of compressed data end the file with one SourceError."""
        yield from self.corpus_stream(
            path, lambda: opener(path), kind, stem, tsv=kind == "tsv", compression=compression
        )

    def corpus_stream(
        self,
        source: str,
        open_stream: Callable[[], IO[bytes]],
        kind: str,
        stem: str,
        *,
        tsv: bool = False,
        compression: str | None = None,
    ) -> Iterator[RawDocument | SourceError]:
        """Rows of a JSON/JSONL/CSV/TSV corpus as documents (``kind`` is json, csv or tsv)."""
        produced = 0
        try:
            with open_stream() as raw:
                head, pending = _read_head(raw)
                if pending is not None and not head:
                    raise pending
                try:
                    py_encoding = detect_stream_encoding(head)
                except DecodeError as exc:
                    yield SourceError(source, exc.reason)
                    return
                fh = io.BufferedReader(_Prefixed(head, raw, pending), buffer_size=1 << 20)
                corpus = _Corpus(source, stem, codec_label(py_encoding))
                if kind == "json":
                    rows = self._json_rows(fh, py_encoding, head, corpus)
                else:
                    rows = self._csv_rows(fh, py_encoding, corpus, tsv=tsv)
                for item in rows:
                    produced += 1
                    yield item
        except _READ_ERRORS as exc:
            produced += 1
            yield SourceError(source, _read_reason(exc, compression))
        if not produced:
            yield SourceError(source, "no rows")

    def _row_doc(
        self,
        row: Any,
        fmap: _FieldMap,
        corpus: _Corpus,
        label: str,
        number: int,
        replaced: bool = False,
    ) -> RawDocument | SourceError:
        """One corpus row (``label`` is ``line``, ``row`` or ``item``) as a document or an error."""
        where = f"{label} {number}"
        if not isinstance(row, dict):
            return SourceError(corpus.source, f"{where}: not a JSON object")
        text = _as_str(fmap.get(row, "text"), "\n\n")
        if text is None:
            if not fmap.columns["text"]:
                return SourceError(
                    corpus.source, f"{where}: no text field (looked for {', '.join(fmap.text_looked_for)})"
                )
            return SourceError(corpus.source, f"{where}: empty text")
        if not text.strip():
            return SourceError(corpus.source, f"{where}: empty text")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        row_id = _hint(fmap.get(row, "id")) or f"{corpus.stem}-{number}"
        notices = []
        if replaced:
            notices.append(
                Notice("encoding", f"some bytes were not valid {corpus.encoding} and were replaced")
            )
        return RawDocument(
            id=self.unique(row_id),
            source=f"{corpus.source}:{where}",
            content=text,
            format="html" if _looks_html(text) else "text",
            url=_hint(fmap.get(row, "url")),
            title=_hint(fmap.get(row, "title")),
            outlet=_hint(fmap.get(row, "outlet")),
            author=_hint(fmap.get(row, "author")),
            published=_hint(fmap.get(row, "published")),
            encoding=corpus.encoding,
            notices=notices,
        )

    def _json_rows(
        self, fh: IO[bytes], py_encoding: str, head: bytes, corpus: _Corpus
    ) -> Iterator[RawDocument | SourceError]:
        """JSONL (one object per line), a JSON array of objects, or one JSON document holding them."""
        first = _ascii_head(head)[:1]
        state = _FieldState(self.overrides)
        if first == b"[":
            text = io.TextIOWrapper(fh, encoding=py_encoding, errors="replace")
            for n, value in _iter_json_array(text):
                if isinstance(value, _JsonProblem):
                    yield SourceError(corpus.source, f"item {n}: {value.message}")
                    return
                yield from state.row(self, value, corpus, "item", n)
                if state.stop:
                    return
            return
        ascii_compatible = py_encoding.replace("_", "-") not in (
            "utf-16",
            "utf-16-le",
            "utf-16-be",
            "utf-32",
            "utf-32-le",
            "utf-32-be",
        )
        lines: Iterator[tuple[str, bool]]
        if ascii_compatible:
            lines = _decoded_lines(fh, py_encoding)
        else:
            lines = (
                (line, "\ufffd" in line)
                for line in io.TextIOWrapper(fh, encoding=py_encoding, errors="replace")
            )
        lines = iter(lines)
        for n, (line, replaced) in enumerate(lines, 1):
            stripped = line.strip()
            if not stripped:
                continue
            if not state.started and stripped == "{":
                # A pretty-printed JSON document rather than JSON lines: read it whole.
                rest = "".join(itertools.chain([line], (ln for ln, _ in lines)))
                yield from self._json_document(rest, corpus, state)
                return
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError as exc:
                yield SourceError(corpus.source, f"line {n}: invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            yield from state.row(self, value, corpus, "line", n, replaced)
            if state.stop:
                return

    def _json_document(
        self, text: str, corpus: _Corpus, state: _FieldState
    ) -> Iterator[RawDocument | SourceError]:
        """A whole JSON document: one article object, or an object with a list of article objects."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            yield SourceError(
                corpus.source, f"line {exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
            )
            return
        rows: list[Any] = [doc]
        if isinstance(doc, dict):
            for key in (
                "articles",
                "items",
                "documents",
                "docs",
                "data",
                "records",
                "rows",
                "results",
                "entries",
            ):
                value = next((v for k, v in doc.items() if k.lower() == key), None)
                if isinstance(value, list):
                    rows = value
                    break
        for n, row in enumerate(rows, 1):
            yield from state.row(self, row, corpus, "item", n)
            if state.stop:
                return

    def _csv_rows(
        self, fh: IO[bytes], py_encoding: str, corpus: _Corpus, *, tsv: bool
    ) -> Iterator[RawDocument | SourceError]:
        """CSV/TSV rows with a header line; the delimiter is chosen from the header."""
        text = io.TextIOWrapper(fh, encoding=py_encoding, errors="replace", newline="")
        header_line = text.readline()
        if header_line.startswith("\ufeff"):
            header_line = header_line[1:]
        if not header_line.strip():
            yield SourceError(corpus.source, "empty file")
            return
        delimiter = "\t" if tsv else _pick_delimiter(header_line)
        reader = csv.reader(itertools.chain([header_line], text), delimiter=delimiter)
        header = [h.strip() for h in next(reader)]
        fmap = _FieldMap(header, self.overrides)
        if fmap.missing:
            yield SourceError(corpus.source, _missing_reason(fmap.missing, header))
            return
        if not fmap.columns["text"]:
            yield SourceError(
                corpus.source,
                f"no text column (looked for {', '.join(fmap.text_looked_for)}; "
                f"columns: {', '.join(header)})",
            )
            return
        n = 0
        while True:
            n += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield SourceError(corpus.source, f"row {n}: malformed CSV ({exc})")
                continue
            if not any(c.strip() for c in cells):
                continue
            row = {col: cells[i] if i < len(cells) else None for i, col in enumerate(header)}
            replaced = any("\ufffd" in c for c in cells)
            yield self._row_doc(row, fmap, corpus, "row", n, replaced)


class _FieldState:
    """Field detection for JSON rows: cached per key set; overrides checked on the first row."""

    def __init__(self, overrides: dict[str, str]) -> None:
        self.overrides = overrides
        self.started = False
        self.stop = False
        self._cache: dict[tuple[str, ...], _FieldMap] = {}

    def row(
        self, run: _Run, value: Any, corpus: _Corpus, label: str, n: int, replaced: bool = False
    ) -> Iterator[RawDocument | SourceError]:
        if not isinstance(value, dict):
            self.started = True
            yield SourceError(corpus.source, f"{label} {n}: not a JSON object")
            return
        keys = tuple(value.keys())
        fmap = self._cache.get(keys)
        if fmap is None:
            fmap = _FieldMap(keys, self.overrides)
            if len(self._cache) < 256:
                self._cache[keys] = fmap
        if not self.started:
            self.started = True
            if fmap.missing:
                self.stop = True
                yield SourceError(corpus.source, _missing_reason(fmap.missing, list(keys)))
                return
        yield run._row_doc(value, fmap, corpus, label, n, replaced)


def _missing_reason(missing: list[str], columns: list[str]) -> str:
    shown = ", ".join(str(c) for c in columns[:30]) + (" ..." if len(columns) > 30 else "")
    return f"--field {', '.join(missing)}: no such column (columns: {shown})"


def _pick_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most recognised field names."""
    known = {_norm_key(a) for aliases in CANONICAL_FIELDS.values() for a in aliases}
    best_key: tuple[int, int, int] | None = None
    best = ","
    for order, delim in enumerate((",", "\t", ";", "|")):
        try:
            cols = next(csv.reader([header_line], delimiter=delim))
        except (csv.Error, StopIteration):
            continue
        key = (sum(1 for c in cols if _norm_key(c) in known), len(cols), -order)
        if best_key is None or key > best_key:
            best_key, best = key, delim
    return best


def _decoded_lines(fh: IO[bytes], py_encoding: str) -> Iterator[tuple[str, bool]]:
    """Lines of an ASCII-compatible stream, each decoded on its own (a bad byte spoils one line)."""
    codec = "utf-8" if py_encoding == "utf-8-sig" else py_encoding
    for n, raw in enumerate(fh):
        if n == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode(codec), False
        except UnicodeDecodeError:
            yield raw.decode(codec, errors="replace"), True


@dataclass
class _JsonProblem:
    message: str


def _iter_json_array(text: IO[str], chunk: int = 1 << 20) -> Iterator[tuple[int, Any]]:
    """Stream the elements of a top-level JSON array: ``(index, value)`` pairs, 1-based.

    A syntax error yields ``(index, _JsonProblem)`` and ends the stream (an array cannot be resynced).
    """
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0
    eof = False

    def fill(want: int = chunk) -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        data = text.read(max(want, chunk))
        if not data:
            eof = True
            return False
        if pos > chunk:
            buf, pos = buf[pos:], 0
        buf += data
        return True

    def skip_ws() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not fill():
                return ""

    if skip_ws() != "[":
        yield 1, _JsonProblem("invalid JSON: expected an array")
        return
    pos += 1
    index = 0
    expect_value = True
    while True:
        ch = skip_ws()
        if ch == "":
            yield index + 1, _JsonProblem("invalid JSON: the array is not closed (truncated file?)")
            return
        if ch == "]" and (expect_value is False or index == 0):
            return
        if not expect_value:
            if ch != ",":
                yield index + 1, _JsonProblem(f"invalid JSON: expected ',' or ']' but found {ch!r}")
                return
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
                if end == len(buf) and not eof and isinstance(value, int | float):
                    raise json.JSONDecodeError("number may continue", buf, end)  # read on to be sure
                break
            except json.JSONDecodeError as exc:
                # Either the buffer ends inside this element (read on) or the JSON is broken.
                truncated = exc.pos >= len(buf) - 16 or exc.msg.startswith("Unterminated string")
                if not truncated or len(buf) - pos > _MAX_JSON_ITEM or not fill(len(buf) - pos):
                    yield index + 1, _JsonProblem(f"invalid JSON: {exc.msg}")
                    return
        pos = end
        index += 1
        expect_value = False
        yield index, value


def _read_head(raw: IO[bytes]) -> tuple[bytes, BaseException | None]:
    """Up to ``_SNIFF_BYTES`` first bytes, and the read error met on the way (damaged compressed
    data), which is raised only once the rows before it have been used."""
    parts: list[bytes] = []
    size = 0
    try:
        while size < _SNIFF_BYTES:
            part = raw.read(min(8192, _SNIFF_BYTES - size))
            if not part:
                break
            parts.append(part)
            size += len(part)
    except _READ_ERRORS as exc:
        return b"".join(parts), exc
    return b"".join(parts), None


class _Prefixed(io.RawIOBase):
    """A binary stream that first replays ``head`` and then continues with ``rest``
    (or raises ``error``, met while reading the head)."""

    def __init__(self, head: bytes, rest: IO[bytes], error: BaseException | None = None) -> None:
        super().__init__()
        self._head = head
        self._rest = rest
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if self._error is not None:
            raise self._error
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._rest.close()
        finally:
            super().close()


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return (exc.strerror or str(exc)).lower()


def _read_reason(exc: BaseException, compression: str | None) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, (gzip.BadGzipFile,)) and exc.errno is not None:
        return _os_reason(exc)
    what = f"{compression.lstrip('.')} data" if compression else "data"
    if isinstance(exc, EOFError):
        return f"truncated {what} ({_short(str(exc))})"
    return f"corrupt {what} ({_short(str(exc) or type(exc).__name__)})"


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
