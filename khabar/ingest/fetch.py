"""Safe HTTP fetching for khabar's source layer.

One :class:`Fetcher` (a sync ``httpx`` client) serves a whole run. Every request:

* only follows ``http``/``https`` URLs, and follows redirects by hand (at most ``max_redirects``),
  re-checking each hop;
* refuses hosts that resolve to private, loopback, link-local, reserved, multicast or
  unspecified addresses unless ``allow_private`` (see :func:`check_url_host`);
* has a per-operation timeout and an overall deadline, and streams the body with a size cap;
* treats non-2xx answers as errors.

Problems raise :class:`FetchError` whose ``reason`` is a short human sentence.

Known limit: the address check resolves the host before ``httpx`` connects, which resolves again;
a DNS server answering differently the second time (DNS rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

__all__ = [
    "FetchError",
    "FetchResult",
    "Fetcher",
    "address_category",
    "check_url_host",
    "format_from_content_type",
    "html_declared_charset",
    "resolve_host",
]


class FetchError(Exception):
    """A URL could not be fetched; ``reason`` is human readable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class FetchResult:
    """A successful response: the final URL after redirects, its headers and the (capped) body."""

    url: str
    status: int
    content_type: str  # media type only, lower case ("text/html"), "" if absent
    charset: str | None  # from the Content-Type header
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def address_category(ip: ipaddress.IPv4Address | ipaddress.IPv6Address | str) -> str | None:
    """Why an address must not be fetched by default ("a loopback address", ...) or None if public."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address):
        mapped = addr.ipv4_mapped or addr.sixtofour
        if mapped is not None:
            return address_category(mapped)
    if addr.is_loopback:
        return "a loopback address"
    if addr.is_link_local:
        return "a link-local address"
    if addr.is_multicast:
        return "a multicast address"
    if addr.is_unspecified:
        return "an unspecified address"
    if addr.is_reserved:
        return "a reserved address"
    if addr.is_private:
        return "a private address"
    if not addr.is_global:
        return "a non-public address"
    return None


def resolve_host(host: str, port: int, timeout: float) -> list[str]:
    """All addresses ``host`` resolves to, with a time limit (``getaddrinfo`` has none of its own)."""
    result: list[object] = []

    def run() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            result.append(exc)

    worker = threading.Thread(target=run, name="khabar-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if not result:
        raise FetchError(f"cannot resolve host {host}: timed out after {float(timeout)} s")
    outcome = result[0]
    if isinstance(outcome, BaseException):
        detail = getattr(outcome, "strerror", None) or str(outcome)
        raise FetchError(f"cannot resolve host {host} ({detail})")
    addresses = []
    for _family, _type, _proto, _canon, sockaddr in outcome:  # type: ignore[attr-defined]
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve host {host}")
    return addresses


def check_url_host(url: str, allow_private: bool = False, timeout: float = 15.0) -> list[str]:
    """Check that ``url`` is http(s) and its host resolves only to public addresses.

    Returns the resolved addresses; raises :class:`FetchError` with e.g.
    ``"refused: resolves to a loopback address 127.0.0.1 (use --allow-private)"``.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"invalid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme {parts.scheme or '(none)'!r} (only http and https)")
    host = parts.hostname
    if not host:
        raise FetchError("invalid URL (no host)")
    addresses = resolve_host(host, port or (443 if parts.scheme.lower() == "https" else 80), timeout)
    if not allow_private:
        for address in addresses:
            category = address_category(address)
            if category:
                raise FetchError(f"refused: resolves to {category} {address} (use --allow-private)")
    return addresses


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
_CORPUS_TYPES = (
    "application/json",
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/jsonlines",
)


def format_from_content_type(content_type: str) -> str | None:
    """Map a media type to a khabar kind: ``html``, ``feed``, ``text``, ``markdown``, ``corpus``,
    ``binary`` (images, audio, PDF ...), or None when the body must be sniffed."""
    ct = content_type.lower().strip()
    if ct in _HTML_TYPES:
        return "html"
    if ct in _FEED_TYPES or ct.endswith("+xml") and ("rss" in ct or "atom" in ct or "rdf" in ct):
        return "feed"
    if ct in ("text/plain",):
        return "text"
    if ct in ("text/markdown", "text/x-markdown"):
        return "markdown"
    if ct in _CORPUS_TYPES or ct.endswith("+json"):
        return "corpus"
    if ct in ("text/csv", "text/tab-separated-values"):
        return "csv"
    if (
        ct.split("/")[0] in ("image", "audio", "video", "font")
        or ct
        in (
            "application/pdf",
            "application/zip",
            "application/gzip",
            "application/x-gzip",
            "application/msword",
            "application/vnd.ms-excel",
            "application/x-tar",
        )
        or ct.startswith("application/vnd.openxmlformats")
    ):
        return "binary"
    return None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)["']""", re.IGNORECASE)


def html_declared_charset(head: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first KB (``<meta charset>``,
    ``<meta http-equiv content="...; charset=...">`` or an XML declaration), if any."""
    chunk = head[:4096]
    match = _META_CHARSET.search(chunk) or _XML_ENCODING.search(chunk)
    return match.group(1).decode("ascii", "replace") if match else None


def _parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``("text/html", "windows-1256")`` from a Content-Type header value."""
    if not value:
        return "", None
    media_type = value.split(";", 1)[0].strip().lower()
    msg = Message()
    msg["content-type"] = value
    charset = msg.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    charset = str(charset).strip() if charset else None
    return media_type, charset or None


class Fetcher:
    """Fetch URLs safely; use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 15.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
        user_agent: str = "khabar",
    ) -> None:
        self.allow_private = allow_private
        self.timeout = float(timeout)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(self.timeout),
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
                "Accept-Language": "ar,en;q=0.5",
            },
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def fetch(self, url: str) -> FetchResult:
        """GET ``url`` following at most ``max_redirects`` redirects; raise :class:`FetchError`."""
        current = url
        for _hop in range(self.max_redirects + 1):
            check_url_host(current, self.allow_private, self.timeout)
            try:
                location, result = self._get_once(current)
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {self.timeout} s") from None
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL ({exc})") from None
            except httpx.ConnectError as exc:
                raise FetchError(f"connection failed ({_short(exc)})") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"HTTP error ({_short(exc)})") from None
            except (OSError, ValueError) as exc:  # sockets, TLS, odd URLs or headers
                raise FetchError(f"request failed ({type(exc).__name__}: {_short(exc)})") from None
            if result is not None:
                return result
            current = urljoin(current, location)
        raise FetchError(f"too many redirects (>{self.max_redirects})")

    def _get_once(self, url: str) -> tuple[str, FetchResult | None]:
        """One request: ``(location, None)`` for a redirect, ``("", result)`` for a 2xx answer."""
        deadline = time.monotonic() + max(4 * self.timeout, self.timeout + 5)
        with self._client.stream("GET", url) as response:
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"HTTP {status} redirect without a Location header")
                return location.strip(), None
            if not 200 <= status < 300:
                raise FetchError(f"HTTP {status}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"response larger than {self.max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"response larger than {self.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("overall deadline")
                chunks.append(chunk)
            content_type, charset = _parse_content_type(response.headers.get("content-type"))
            return "", FetchResult(
                url=str(response.url),
                status=status,
                content_type=content_type,
                charset=charset,
                body=b"".join(chunks),
                headers={k.lower(): v for k, v in response.headers.items()},
            )


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
