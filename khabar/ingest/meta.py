"""Article metadata from a cleaned page: title, publication date, author, outlet, wire credits, language.

Everything is read from what the page states — header lines, bylines, datelines, credit lines,
HTML meta — with container hints (feed, corpus row, HTTP) as fallbacks. Nothing is guessed from
the story's content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlparse

from ..text.normalize import arabic_ratio, digits_to_ascii, key
from .clean import normalize_line, vocab

_WORD = re.compile(r"[^\W\d_]+", re.U)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_SENT_END = re.compile(r"[.!?؟…]$")

# Labels that may surround a date on a date line.
_DATE_LABELS = {
    key(w)
    for w in (
        "نشر", "نشرت", "نشر في", "في", "بتاريخ", "تاريخ", "النشر", "آخر", "اخر", "تحديث", "التحديث", "محدث", "ص", "م",
        "صباحا", "مساء", "مساءً", "بتوقيت", "مكة", "المكرمة", "غرينتش", "القدس", "بيروت", "القاهرة", "الرياض", "أبوظبي",
        "GMT", "UTC", "published", "updated", "on", "at", "am", "pm", "last", "posted", "date", "الموافق", "هـ", "ه", "م.",
    )
}
_UPDATED = {key(w) for w in ("آخر تحديث", "اخر تحديث", "تحديث", "التحديث", "updated", "محدث")}

_BYLINE = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|كتبته|الكاتب|الكاتبة|إعداد|اعداد|تحرير|بواسطة|مراسل|مراسلة|تقرير|By|by|BY|Par|par|"
    r"Written by|Auteur)\s*[:：\-–—]?\s*(?P<name>[^\n:]{2,60})$"
)
_SOURCE_LINE = re.compile(r"^(?:المصدر|مصدر الخبر|المصادر|Source|Sources|Source de l'article)\s*[:：\-–—]\s*(?P<name>.{2,80})$", re.I)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|Copyright|حقوق (?:النشر|الطبع)(?: محفوظة)?(?: لـ?|ل)?)\s*(?:©)?\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?)?\s*(?P<name>[^.|©]{2,60})",
    re.I,
)
_PAREN = re.compile(r"\(([^()]{1,80})\)")
_CONTRIB = re.compile(
    r"(?:ساهم|ساهمت|شارك|شاركت|أسهم|أسهمت)\s.*?(?:في إعداد|في كتابة|في تغطية)|contributed to this report", re.I
)
_ITEM_SPLIT = re.compile(r"\s*[،,;؛/]\s*|\s+[-–—]\s+|\s+و(?=\S)")
_ORG_WORDS = {
    key(w)
    for w in (
        "نيوز", "news", "وكالة", "صحيفة", "جريدة", "قناة", "موقع", "شبكة", "مجلة", "إذاعة", "راديو", "تلفزيون", "بوابة", "منصة",
        "الآن", "اليوم", "الجديد", "times", "post", "press", "agency", "tv", "online", "radio", "daily", "herald", "journal",
        "media", "network", "channel", "magazine", "gazette", "tribune", "observer", "weekly", "newspaper", "net", "com",
        "انفو", "ميديا", "بريس", "تايمز", "برس", "أونلاين", "اونلاين", "الإخبارية", "الاخبارية", "الإخباري", "الاخباري", "للأنباء", "الأنباء",
    )
}


_AGENCY_WORDS = {"وكاله", "agence", "agency"}


def _credit_words(text: str) -> list[str]:
    """Words of a credit for matching agency names: keys, punctuation out, the word "agency" out."""
    words = re.findall(r"\w+", key(text))
    return [w for w in words if w not in _AGENCY_WORDS] or words


@dataclass
class Wire:
    code: str
    name: str
    aliases: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def wires() -> list[Wire]:
    out = []
    for line in resources.files("khabar.data").joinpath("wires.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, aliases = line.split("\t")
        forms = {tuple(_credit_words(a)) for a in aliases.split("|")}
        forms.discard(())
        out.append(Wire(code, name, tuple(sorted(forms, key=len, reverse=True))))
    return out


def wire_in(text: str, whole: bool = False) -> list[str]:
    """Wire agencies named in a credit fragment (``whole``: the fragment must be just the name)."""
    words = _credit_words(text)
    found: list[str] = []
    for w in wires():
        for alias in w.aliases:
            if not alias:
                continue
            n = len(alias)
            hit = words == list(alias) if whole else any(
                tuple(words[i : i + n]) == alias for i in range(len(words) - n + 1)
            )
            if hit:
                found.append(w.code)
                break
    return found


@lru_cache(maxsize=1)
def _months() -> tuple[dict[str, int], dict[str, int]]:
    import json

    data = json.loads(resources.files("khabar.data").joinpath("months.json").read_text("utf-8"))
    months = {key(name): int(n) for n, names in data["gregorian"].items() for name in names}
    days = {key(name): int(n) for n, names in data["weekdays"].items() for name in names}
    return months, days


def parse_date(s: str) -> tuple[str, str] | None:
    """A standalone date (page header, HTML meta, feed, corpus field) as (ISO value, precision)."""
    try:
        from ..extract.times import parse_date as full_parse
    except ImportError:  # pragma: no cover - the times layer is optional for the spine
        full_parse = None
    if full_parse is not None:
        try:
            return full_parse(s)
        except Exception:  # noqa: BLE001 - a date we cannot read is no date
            return None
    return _simple_parse_date(s)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")


def _simple_parse_date(s: str) -> tuple[str, str] | None:
    s = digits_to_ascii(s)
    m = _ISO.search(s)
    if m:
        y, mo, d = map(int, m.groups())
        return (f"{y:04d}-{mo:02d}-{d:02d}", "day") if 1 <= mo <= 12 and 1 <= d <= 31 else None
    m = _NUMERIC.search(s)
    if m:
        d, mo, y = map(int, m.groups())
        if mo > 12 >= d:
            d, mo = mo, d
        return (f"{y:04d}-{mo:02d}-{d:02d}", "day") if 1 <= mo <= 12 and 1 <= d <= 31 else None
    months, _ = _months()
    words = key(s.replace("/", " / ")).replace(",", " ").split()
    for i, w in enumerate(words):
        mo = months.get(w) or (months.get(f"{w} {words[i + 1]}") if i + 1 < len(words) else None)
        if not mo:
            continue
        year = next((int(x) for x in words[i + 1 : i + 6] if x.isdigit() and len(x) == 4), None)
        day = int(words[i - 1]) if i and words[i - 1].isdigit() and int(words[i - 1]) <= 31 else None
        if day is None and i + 1 < len(words) and words[i + 1].isdigit() and int(words[i + 1]) <= 31:
            day = int(words[i + 1])
        if year:
            return (f"{year:04d}-{mo:02d}-{day:02d}", "day") if day else (f"{year:04d}-{mo:02d}", "month")
    return None


def date_line(line: str) -> tuple[str, bool] | None:
    """If ``line`` is a date line (a date with only labels, a weekday or a time around it), its
    ISO date and whether it is an "updated" stamp."""
    words = key(line).replace(",", " ").split()
    if not words or len(words) > 12:
        return None
    parsed = parse_date(line)
    if not parsed or parsed[1] == "year":
        return None
    months, days = _months()
    rest = _TIME.sub(" ", digits_to_ascii(key(line)))
    for name in sorted(list(months) + list(days), key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", rest)
    leftovers = [w for w in _WORD.findall(rest) if w not in _DATE_LABELS]
    if leftovers:
        return None
    updated = any(u in key(line) for u in _UPDATED)
    return parsed[0], updated


def _looks_like_outlet(name: str) -> bool:
    words = key(name).split()
    if not words:
        return False
    if any(w in _ORG_WORDS for w in words) or "." in name:
        return True
    # Outlet names are often "ال" + adjective/noun ("العربية الآن", "الشرق الأوسط"); personal names
    # rarely start with the article.
    return words[0].startswith("ال") and len(words[0]) > 3


def _name_like(line: str) -> bool:
    """A bare line that reads as a personal name (a byline without a label)."""
    if _SENT_END.search(line) or re.search(r"[\d،,:;؛()\"«»“”]", line):
        return False
    words = line.split()
    if not 2 <= len(words) <= 4 or arabic_ratio(line) < 0.9:
        return False
    v = vocab()
    keys = [key(w) for w in words]
    if keys[0].startswith("ال") or any(k in v.function_words or k in v.sections or k in v.weak for k in keys):
        return False
    return all(len(k) >= 2 for k in keys) and not any(k in _ORG_WORDS for k in keys)


@dataclass
class Metadata:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    outlet: str | None = None
    wire: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    language: str | None = None
    updated: str | None = None


def _body_start(lines: list[str]) -> int:
    """Index of the first body paragraph (a long sentence-like line); the header is before it."""
    for i, line in enumerate(lines):
        if len(line.split()) >= 15:
            return i
    return min(len(lines), 6)


def extract_metadata(lines: list[str], headings: set[int] | None = None, removed: list[str] | None = None) -> Metadata:
    """Read what the page states about itself from its cleaned lines (and the chrome the cleaner
    removed, which may hold a copyright line naming the outlet)."""
    md = Metadata()
    headings = headings or set()
    body = _body_start(lines)
    head = range(0, min(len(lines), max(body, 1) + 1))
    tail_from = max(body + 1, len(lines) - 6)

    # Dates: the first date line in the header, else in the tail; "updated" stamps are second best.
    for i in list(head) + list(range(tail_from, len(lines))):
        dl = date_line(lines[i])
        if dl is None:
            continue
        if dl[1]:
            md.updated = md.updated or dl[0]
        elif md.published is None:
            md.published = dl[0]
    md.published = md.published or md.updated

    # Title: the first header line that reads as a headline.
    for i in head:
        line = lines[i]
        if date_line(line) or _TIME.fullmatch(digits_to_ascii(line).split(" ")[0] or "") and len(line.split()) <= 3:
            continue
        if _BYLINE.match(line) or len(line.split()) < 3:
            continue
        md.title = line.lstrip("-•* ").strip()
        break
    if md.title is None and lines:
        md.title = lines[0][:200]

    wires_found: list[str] = []
    for i, line in enumerate(lines):
        in_head = i < body + 1
        in_tail = i >= tail_from
        m = _BYLINE.match(line)
        if m and (in_head or in_tail):
            name = m.group("name").strip(" .،,")
            w = wire_in(name, whole=True)
            if w:
                wires_found += w
            elif _looks_like_outlet(name):
                md.outlet = md.outlet or name
            else:
                md.author = md.author or name
            continue
        m = _SOURCE_LINE.match(line)
        if m:
            items = [x for x in _ITEM_SPLIT.split(m.group("name").strip(" .")) if x]
            for item in items:
                w = wire_in(item, whole=True) or wire_in(item)
                if w:
                    wires_found += w
                elif md.outlet is None:
                    md.outlet = item
            continue
        m = _COPYRIGHT.match(line)
        if m and in_tail:
            name = re.split(r"\s*[.|]\s*|\s+جميع\s|\s+All\s", m.group("name").strip())[0].strip(" .،,-")
            if name and not wire_in(name, whole=True):
                md.outlet = md.outlet or name
            continue
        if _CONTRIB.search(line):
            wires_found += wire_in(line)
            names = re.findall(r"[،,]\s*([^،,]{3,40}?)\s*[،,]\s*(?:في إعداد|في كتابة|في تغطية|contributed)", line)
            md.contributors += [n.strip() for n in names if not wire_in(n)]
            continue
        # Parenthetical credits: "(AP) —" datelines, "(رويترز)", a closing "(فرانس برس، العربي الجديد)".
        for pm in _PAREN.finditer(line):
            items = [x for x in _ITEM_SPLIT.split(pm.group(1).strip()) if x]
            if not items or len(items) > 4:
                continue
            codes = [wire_in(x, whole=True) for x in items]
            if not any(codes):
                continue
            for c in codes:
                wires_found += c
            whole_line = pm.start() == 0 and pm.end() >= len(line.rstrip(" .")) - 1
            if whole_line and in_tail:
                rest = [x for x, c in zip(items, codes) if not c]
                if rest and md.outlet is None:
                    md.outlet = rest[-1]
        # A closing line that is just agency names ("رويترز", "وكالات").
        if in_tail and len(line.split()) <= 4:
            w = wire_in(line.strip(" ().-—"), whole=True)
            wires_found += w

    # A bare name line under the headline is a byline.
    if md.author is None:
        for i in head:
            line = lines[i]
            if line == md.title or date_line(line):
                continue
            if _name_like(line):
                md.author = line
                break

    if md.outlet is None:
        for line in removed or []:
            m = _COPYRIGHT.match(line)
            if m:
                name = re.split(r"\s*[.|]\s*|\s+جميع\s|\s+All\s", m.group("name").strip())[0].strip(" .،,-")
                if name and not wire_in(name, whole=True) and len(name.split()) <= 5:
                    md.outlet = name
                    break

    md.wire = list(dict.fromkeys(wires_found))
    md.contributors = list(dict.fromkeys(md.contributors))
    return md


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid, offline)."""
    sample = text[:3000].strip()
    if not sample:
        return None
    import py3langid

    lang, _ = py3langid.classify(sample)
    return lang


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def normalize_outlet(name: str | None) -> str | None:
    if not name:
        return None
    name = normalize_line(name).strip(" .،,:-—–|")
    return name or None
