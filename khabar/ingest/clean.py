"""Cleaning: from a decoded page (pasted text, Markdown or HTML) to the article's lines.

Plain text pasted from a web page carries the page's chrome: font-size widgets, "listen to the
summary", search boxes, share/print prompts, comment forms and their notices, captcha notices,
"exit mobile version", bare section labels, captions printed twice, headings glued onto the
previous sentence. ``clean_text`` classifies each line by general features — its length, script,
punctuation, position, and how much of it is link-like or UI vocabulary — and keeps the article:
headline, byline, dateline, date and body. Every dropped line is recorded verbatim in ``removed``.

HTML goes through trafilatura (comments off) and then through the same line cleaner; the page's
visible lines that did not make it into the article are recorded in ``removed``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..text.normalize import arabic_ratio, key

# Invisible characters pasted from pages: zero-width spaces, BOMs, bidi marks and embeddings.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# A Markdown heading marker inside a line ("…المعقدة.### زيارة"): the heading starts a new line.
_GLUED_HEADING = re.compile(r"(?<=[^\s#])[ \t]*(#{2,6}[ \t]+)(?=\S)")
_HEADING = re.compile(r"^#{1,6}\s+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|/|#)[^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__)(.+?)\1")
_RULE = re.compile(r"^\s*([-_*=~•·.]\s*){3,}$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_SENT_PUNCT = re.compile(r"[.!?؟…:»\"”)]$")
_WORD = re.compile(r"[^\W\d_]+", re.U)
_DIGITS = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")


@dataclass
class CleanResult:
    """The kept lines of an article (in order) and every dropped line, verbatim."""

    lines: list[str]
    removed: list[str] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)  # indices into ``lines`` that were headings
    site_names: list[str] = field(default_factory=list)  # site names seen in headers and title lines

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class _Vocab:
    strong: _PhraseIndex
    weak: frozenset[str]
    sections: frozenset[str]
    comment_start: _PhraseIndex
    prefixes: _PhraseIndex
    list_start: _PhraseIndex
    function_words: frozenset[str]


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    data = json.loads(resources.files("khabar.data").joinpath("boilerplate.json").read_text("utf-8"))

    def words(name: str) -> frozenset[str]:
        return frozenset(_fold(key(w)) for w in data[name])

    return _Vocab(
        strong=_PhraseIndex(data["strong"]),
        weak=words("weak"),
        sections=words("sections"),
        comment_start=_PhraseIndex(data["comment_start"]),
        prefixes=_PhraseIndex(data["prefixes"]),
        list_start=_PhraseIndex(data["list_start"]),
        function_words=words("function_words"),
    )


def normalize_line(line: str) -> str:
    """NFC, invisible characters out, every run of spaces to one space, trimmed."""
    line = unicodedata.normalize("NFC", line)
    line = _INVISIBLE.sub("", line)
    return _SPACES.sub(" ", line).strip()


def _fold(w: str) -> str:
    """A UI word's match form: tanween alef and final ه/ة dropped (اترك تعليقاً ~ اترك تعليق)."""
    return w[:-1] if len(w) > 3 and w[-1] in "اه" else w


def _words(line: str) -> list[str]:
    """Match forms of a line's words (letters only)."""
    return [_fold(key(w)) for w in _WORD.findall(line)]


class _PhraseIndex:
    """Phrases of folded words, looked up by their first word: one pass over a line's words."""

    def __init__(self, phrases: list[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            words = tuple(_fold(w) for w in _WORD.findall(key(p)))
            if words:
                self.by_first.setdefault(words[0], []).append(words)
        for lst in self.by_first.values():
            lst.sort(key=len, reverse=True)

    def count(self, words: list[str]) -> int:
        """How many distinct phrases occur in ``words``."""
        found = set()
        for i, w in enumerate(words):
            for p in self.by_first.get(w, ()):
                if tuple(words[i : i + len(p)]) == p:
                    found.add(p)
        return len(found)

    def starts(self, words: list[str]) -> bool:
        return bool(words) and any(tuple(words[: len(p)]) == p for p in self.by_first.get(words[0], ()))


@dataclass
class _LineInfo:
    text: str
    words: list[str]
    arabic: float
    n_words: int


def _info(line: str) -> _LineInfo:
    words = _words(line)
    return _LineInfo(line, words, arabic_ratio(line), len(words))


def chrome_reason(info: _LineInfo, doc_arabic: bool) -> str | None:
    """Why a line is page chrome, or None when it looks like article content.

    Features, not a list of pages' strings: shape (symbols only, single letters), UI vocabulary
    (strong phrases anywhere in a short line; weak UI words making up the whole of a short line),
    link-like content (URLs, e-mail addresses), script (a Latin line of UI text in an Arabic page),
    "read also"-style prefixes, and bare section labels.
    """
    v = vocab()
    line, words, n = info.text, info.words, info.n_words
    if _RULE.match(line) or not _WORD.search(line) and not _DIGITS.search(line):
        return "separator or symbols only"
    if n and all(len(w) == 1 for w in words) and n <= 4 and not _DIGITS.search(line):
        return "widget (single letters)"
    stripped = _URL.sub("", _EMAIL.sub("", line))
    if not _WORD.search(stripped) and len(stripped.strip()) < 0.3 * len(line):
        return "link or address"
    content = [w for w in words if w not in v.function_words]
    strong = v.strong.count(words) if n <= 60 else 0
    if strong >= 2 or (strong and n <= 14):
        return "UI text"
    if n <= 30 and v.prefixes.starts(words):
        return "link to another page"
    if content:
        has_digits = bool(_DIGITS.search(line))  # "10:20 م" is a time stamp, not a widget
        covered = sum(1 for w in content if w in v.weak or (len(w) == 1 and not has_digits))
        if n <= 6 and covered == len(content):
            return "UI words"
        if n <= 3 and not _SENT_PUNCT.search(line) and not _DIGITS.search(line):
            if all(w in v.sections or w in v.weak for w in content):
                return "section label"
    if doc_arabic and info.arabic < 0.2 and n and strong:
        return "UI text (Latin)"
    return None


def _is_comment_start(info: _LineInfo) -> bool:
    return info.n_words <= 8 and vocab().comment_start.starts(info.words)


_IMAGE = "image"


def _unglue(raw: str) -> list[tuple[str, bool | str]]:
    """Split a page into lines, unglue headings, strip Markdown; ``(line, was_heading)`` pairs."""
    out: list[tuple[str, bool | str]] = []
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    raw = _GLUED_HEADING.sub(lambda m: "\n" + m.group(1), raw)
    for line in raw.split("\n"):
        if _MD_IMAGE.fullmatch(line.strip()):
            out.append((normalize_line(line), _IMAGE))  # an image on its own line is not text
            continue
        heading = bool(_HEADING.match(line.lstrip()))
        line = _HEADING.sub("", line.lstrip())
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(lambda m: m.group(1), line)
        line = _MD_EMPH.sub(lambda m: m.group(2), line)
        out.append((normalize_line(line), heading))
    return out


_SEP = re.compile(r"\s+[|»›«‹>•·]\s+|\s*\|\s*|\s+[-–—]\s+")
_NAV_SEP = re.compile(r"\s*[|»›‹•·]\s*|\s+>\s+")


def _segments(line: str, pattern: re.Pattern[str]) -> list[str]:
    return [p.strip() for p in pattern.split(line) if p.strip()]


def _all_vocab(text: str) -> bool:
    v = vocab()
    words = [w for w in _words(text) if w not in v.function_words]
    return bool(words) and all(w in v.sections or w in v.weak for w in words)


def navigation_reason(line: str) -> str | None:
    """Menus, breadcrumbs and tickers: short segments between separators (| » › • ·)."""
    segs = _segments(line, _NAV_SEP)
    if len(segs) < 2:
        return None
    if _all_vocab(segs[0]) and len(segs[0].split()) <= 3:
        return "ticker or breadcrumb"
    if not _DIGITS.search(line) and all(len(s.split()) <= 3 for s in segs) and not _SENT_PUNCT.search(line):
        return "navigation"
    return None


def page_title_split(line: str) -> tuple[str, str] | None:
    """A browser title line "HEADLINE | SITE" (or " - SITE"): its headline and site name."""
    segs = _segments(line, _SEP)
    if len(segs) != 2:
        return None
    head, site = segs
    if len(head.split()) >= 5 and 1 <= len(site.split()) <= 4 and not _DIGITS.search(site) and not _SENT_PUNCT.search(site):
        return head, site
    return None


_CREDIT_LABEL = re.compile(r"^(?:المصدر|المصادر|مصدر الخبر|source|sources|بقلم|كتب|by)\s*[:：\-–—]", re.I)


def _is_list_header(info: _LineInfo) -> bool:
    """"Most read", "related articles": a header whose following short lines are links."""
    v = vocab()
    return info.n_words <= 4 and v.list_start.starts(info.words)


def _headline_like(info: _LineInfo) -> bool:
    return 2 <= info.n_words <= 16 and not re.search(r"[.!؟?…]$", info.text)


def clean_text(raw: str) -> CleanResult:
    """Clean a page's text (pasted text, Markdown, or text extracted from HTML)."""
    from .dates import date_line

    pairs = _unglue(raw)
    nonempty = [(line, h) for line, h in pairs if line]
    doc_arabic = arabic_ratio(" ".join(line for line, _ in nonempty)) >= 0.5
    total = len(nonempty)
    kept: list[str] = []
    headings: set[int] = set()
    removed: list[str] = []
    site_names: list[str] = []
    seen: set[str] = set()
    in_tail_chrome = False
    in_link_list = False
    before_chrome: set[int] = set()  # kept lines that a removed chrome line follows
    last_kept_pos = -1
    for pos, (line, heading) in enumerate(nonempty):
        info = _info(line)
        if in_tail_chrome:
            removed.append(line)
            continue
        is_date = date_line(line) is not None
        if in_link_list:
            if _headline_like(info) and not is_date and heading is not True and not _CREDIT_LABEL.match(line):
                removed.append(line)  # an item of a "most read" / "related" list
                continue
            in_link_list = False
        if heading == _IMAGE:
            removed.append(line)
            continue
        reason = None if is_date else chrome_reason(info, doc_arabic) or navigation_reason(line)
        if reason is None and pos >= total * 0.6 and _is_comment_start(info):
            reason = "comment form"
        if reason is not None:
            removed.append(line)
            if kept and last_kept_pos == pos - 1:
                before_chrome.add(len(kept) - 1)
            if reason == "navigation" and not kept:
                site_names += [s for s in _segments(line, _NAV_SEP) if not _all_vocab(s)][:1]
            if _is_comment_start(info) and pos >= total * 0.6:
                in_tail_chrome = True  # a comment form: the rest of the page is its furniture
            elif _is_list_header(info) and any(len(x.split()) >= 12 for x in kept):
                in_link_list = True  # a sidebar list after the body has begun
            continue
        if not kept or len(kept) <= 3:
            split = page_title_split(line)
            if split and not is_date:
                removed.append(line)
                site_names.append(split[1])
                line = split[0]
                info = _info(line)
        k = key(line)
        if k in seen and (info.n_words >= 2 or len(k) >= 8):
            removed.append(line)  # a caption or line printed twice
            continue
        seen.add(k)
        if heading is True:
            headings.add(len(kept))
        kept.append(line)
        last_kept_pos = pos
    _drop_site_header(kept, headings, removed, site_names, before_chrome)
    return CleanResult(kept, removed, headings, site_names)


_SITE_WORDS = re.compile(
    r"نيوز|news|الآن|بوابة|شبكة|موقع|صحيفة|جريدة|قناة|مجلة|منصة|\.com|\.net|online|times|post|press",
    re.I,
)


def _drop_site_header(
    kept: list[str], headings: set[int], removed: list[str], site_names: list[str], before_chrome: set[int]
) -> None:
    """Short lines above the headline that name the site (or sit in its chrome) are its header."""
    from .dates import date_line

    title_at = next(
        (i for i, line in enumerate(kept) if len(line.split()) >= 3 and date_line(line) is None and i not in before_chrome
         and not _SITE_WORDS.search(line)),
        None,
    )
    if not title_at:
        return
    drop = [
        i for i in range(title_at)
        if len(kept[i].split()) <= 4 and date_line(kept[i]) is None and not _DIGITS.search(kept[i])
        and not _SENT_PUNCT.search(kept[i]) and (i in before_chrome or _SITE_WORDS.search(kept[i]))
    ]
    for i in reversed(drop):
        line = kept.pop(i)
        removed.insert(0, line)
        site_names.append(line)
    if drop:
        shifted = set()
        for h in headings:
            shifted.add(h - sum(1 for i in drop if i < h))
        headings.clear()
        headings.update(shifted)


# ---------------------------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "figure", "td", "th", "tr",
    "br", "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dt", "dd", "form",
    "button", "label", "option", "title", "time", "address", "main", "table",
}


def visible_lines(html: str) -> list[str]:
    """The lines a reader would see on the page (block elements become lines)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # noqa: BLE001 - unparsable markup has no visible lines
        return []
    for bad in root.xpath("//script|//style|//noscript|//template|//svg|//head"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el) -> None:  # noqa: ANN001
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return [ln for ln in (normalize_line(x) for x in "".join(parts).split("\n")) if ln]


@dataclass
class HtmlResult:
    clean: CleanResult
    title: str | None
    author: str | None
    date: str | None
    sitename: str | None
    url: str | None
    description: str | None
    truncated: bool


def clean_html(html: str, url: str | None = None) -> HtmlResult:
    """Extract the article from an HTML page with trafilatura (comments off) and clean its lines."""
    import trafilatura

    doc = None
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, with_metadata=True, include_tables=True, favor_recall=True
        )
    except Exception:  # noqa: BLE001 - trafilatura fails on some broken markup: fall back below
        doc = None
    meta = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    body = meta.get("text") or ""
    page = visible_lines(html)
    if not body.strip():
        body = "\n".join(page)  # nothing extracted: keep the visible text and let the cleaner judge
    cleaned = clean_text(body)
    title = normalize_line(meta.get("title") or "") or None
    if title and (not cleaned.lines or key(cleaned.lines[0]) != key(title)):
        cleaned.lines.insert(0, title)  # keep the headline at the top of the text
        cleaned.headings = {i + 1 for i in cleaned.headings} | {0}
    kept = {key(x) for x in cleaned.lines}
    kept_text = key(" ".join(cleaned.lines))
    dropped = [ln for ln in page if key(ln) not in kept and key(ln) not in kept_text]
    removed = list(dict.fromkeys(dropped + cleaned.removed))
    cleaned.removed = removed
    low = html[-2000:].lower()
    full_page = re.search(r"<html|<!doctype|<body", html[:2000], re.I) is not None
    truncated = full_page and "</html>" not in low and "</body>" not in low
    date = meta.get("date")
    if date and meta.get("filedate") and date == meta.get("filedate") and date not in html:
        date = None  # trafilatura's fallback to today's date is not a publication date
    return HtmlResult(
        clean=cleaned,
        title=title,
        author=normalize_line(meta.get("author") or "") or None,
        date=date,
        sitename=normalize_line(meta.get("sitename") or "") or None,
        url=meta.get("url") or url,
        description=meta.get("description"),
        truncated=truncated,
    )
