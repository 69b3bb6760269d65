"""Web crawls in WARC files (Common Crawl News style): one document per HTML page.

:func:`iter_warc` streams a ``.warc`` or ``.warc.gz`` file record by record (warcio; a gzipped
crawl is one gzip member per record). Only ``response`` records of HTML pages served with status
200 become documents; requests, metadata, non-HTML responses, redirects and errors are skipped
silently. Each document carries its URL, the crawl date (``WARC-Date``) as its ``published`` hint
(the page's own date, when it states one, wins) and the id ``w`` + the first 16 hex digits of the
SHA-1 of its URL.

A corrupt record (a broken header, a bad gzip member, a record cut short) becomes a
:class:`~khabar.model.SourceError` and reading goes on at the next record that can be found.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..model import RawDocument, SourceError
from .decode import DecodeError, decode_bytes
from .fetch import html_declared_charset

__all__ = ["iter_warc", "warc_id"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.\-]+)", re.IGNORECASE)
_SCAN = 1 << 20


def warc_id(url: str) -> str:
    """A crawled page's document id: ``w`` + 16 hex digits of the SHA-1 of its URL."""
    return "w" + hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def iter_warc(
    path: str,
    unique: Callable[[str], str] = lambda doc_id: doc_id,
    max_bytes: int = 10_000_000,
    open_file: Callable[[str], IO[bytes]] | None = None,
) -> Iterator[RawDocument | SourceError]:
    """The HTML pages of a WARC file as documents, lazily (see the module doc). ``unique`` makes a
    document id unique within a run (the same URL crawled twice)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # pragma: no cover - warcio is a dependency
        yield SourceError(path, "reading WARC files needs warcio (pip install warcio)")
        return
    try:
        fh = open_file(path) if open_file is not None else open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield SourceError(path, exc.strerror or str(exc))
        return
    with fh:
        gz = fh.read(3) == _GZIP_MAGIC
        start, number, found = 0, 0, 0
        while start is not None:
            fh.seek(start)
            records = ArchiveIterator(fh)
            in_record = False
            try:
                for record in records:
                    number += 1
                    found += 1
                    in_record = True
                    item = _document(record, path, number, unique, max_bytes)
                    in_record = False
                    if item is not None:
                        yield item
                start = None  # the end of the file
            except Exception as exc:  # noqa: BLE001 - warcio, zlib and parsing errors: a corrupt record
                if not in_record:
                    number += 1
                yield SourceError(path, f"record {number}: corrupt WARC record ({_reason(exc)})")
                # the bad record starts where the last good one ended: look for the next one after it
                failed_at = max(start, getattr(records, "offset", start) or start)
                start = _next_record(fh, failed_at + 1, gz)
        if not found:
            yield SourceError(path, "no WARC records")


def _document(record: Any, path: str, number: int, unique: Callable[[str], str],
              max_bytes: int) -> RawDocument | SourceError | None:
    """The document of one record, a SourceError, or None for a record that is not an HTML page."""
    if not record.rec_type:
        # no header: where its record ends is unknown too (reading on would swallow the next ones)
        raise _Corrupt("no WARC-Type")
    if record.rec_type != "response":
        return None
    http = record.http_headers
    if http is None or http.get_statuscode() != "200":
        return None
    content_type = http.get_header("Content-Type") or ""
    if content_type.split(";", 1)[0].strip().lower() not in _HTML_TYPES:
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    where = f"record {number}"
    if not url:
        return SourceError(path, f"{where}: response record without a WARC-Target-URI")
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return SourceError(path, f"{where}: page larger than {max_bytes} bytes ({url})")
    m = _CHARSET.search(content_type)
    declared = m.group(1) if m else html_declared_charset(data)
    try:
        text, encoding = decode_bytes(data, declared)
    except DecodeError as exc:
        return SourceError(path, f"{where}: {exc.reason} ({url})")
    return RawDocument(
        id=unique(warc_id(url)),
        source=f"{path}:{where}",
        content=text,
        format="html",
        url=url,
        published=record.rec_headers.get_header("WARC-Date"),
        encoding=encoding,
    )


class _Corrupt(Exception):
    pass


def _next_record(fh: IO[bytes], pos: int, gz: bool) -> int | None:
    """The offset of the first record start at or after ``pos`` (a gzip member, or a ``WARC/1.``
    line), or None at the end of the file."""
    magic = _GZIP_MAGIC if gz else _WARC_MAGIC
    fh.seek(pos)
    carry = b""
    base = pos
    while True:
        block = fh.read(_SCAN)
        if not block:
            return None
        buf = carry + block
        i = 0
        while True:
            i = buf.find(magic, i)
            if i < 0:
                break
            if gz or (i == 0 and base == 0) or (i > 0 and buf[i - 1:i] == b"\n"):
                return base + i
            i += 1
        keep = len(magic) + 1  # with the byte before it, for the line-start check
        carry = buf[-keep:]
        base += len(buf) - len(carry)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, zlib.error):
        text = f"bad compressed data ({text})"
    return text[:200]
