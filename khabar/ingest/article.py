"""From a decoded ``RawDocument`` to a clean, dated, attributed ``Article``."""

from __future__ import annotations

import datetime as dt

from ..text.normalize import key
from ..model import Article, Notice, RawDocument, SourceError
from .clean import clean_html, clean_text, normalize_line
from .dates import parse_date
from .meta import detect_language, extract_metadata, normalize_outlet, outlet_from_url

SHORT_TEXT_WORDS = 40


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    parsed = parse_date(value)
    return parsed[0] if parsed else None


def build_article(raw: RawDocument, today: dt.date | None = None) -> Article | SourceError:
    """Clean ``raw`` and read its metadata; a document with no article text is a ``SourceError``."""
    notices: list[Notice] = list(raw.notices)
    sitename = html_author = html_date = html_title = None
    if raw.format == "html":
        hr = clean_html(raw.content, raw.url)
        cleaned = hr.clean
        sitename, html_author, html_date, html_title = hr.sitename, hr.author, hr.date, hr.title
        if hr.truncated:
            notices.append(Notice("truncated_html", "the HTML page ends before </body>: it may be cut off"))
    else:
        cleaned = clean_text(raw.content)
    if not cleaned.lines:
        return SourceError(raw.source, "no article text left after cleaning")
    if raw.format == "html" and not html_title and raw.title:
        # a feed item's content has no headline of its own: the item's title is the page's headline
        head = normalize_line(raw.title)
        if head and key(cleaned.lines[0]) != key(head):
            cleaned.lines.insert(0, head)
            cleaned.headings = {i + 1 for i in cleaned.headings} | {0}
    md = extract_metadata(cleaned.lines, cleaned.headings, cleaned.removed, cleaned.site_names)
    text = "\n".join(cleaned.lines)

    title = html_title or raw.title or md.title
    published = _iso(html_date) or md.published or _iso(raw.published)
    outlet = normalize_outlet(raw.outlet or sitename or md.outlet) or outlet_from_url(raw.url)
    author = html_author or md.author or raw.author
    if author and outlet and key(author) == key(outlet):
        author = md.author if md.author and key(md.author) != key(outlet) else None
    language = detect_language(text)

    if not published:
        notices.append(Notice("no_date", "no publication date found on the page"))
    else:
        today = today or dt.date.today()
        if published[:10] > (today + dt.timedelta(days=1)).isoformat():
            notices.append(Notice("future_date", f"publication date {published} is in the future"))
    if not title:
        notices.append(Notice("no_title", "no headline found"))
    words = len(text.split())
    if words < SHORT_TEXT_WORDS:
        notices.append(Notice("short_text", f"only {words} words of article text"))
    return Article(
        id=raw.id,
        source=raw.source,
        title=title,
        text=text,
        outlet=outlet,
        author=author,
        published=published,
        wire=md.wire,
        language=language,
        removed=cleaned.removed,
        warnings=notices,
        url=raw.url,
        encoding=raw.encoding,
        contributors=md.contributors,
    )
