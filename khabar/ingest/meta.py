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

from ..text.normalize import arabic_ratio, key
from .clean import normalize_line, vocab

_WORD = re.compile(r"[^\W\d_]+", re.U)
_SENT_END = re.compile(r"[.!?؟…]$")

_BYLINE = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|كتبته|الكاتب|الكاتبة|إعداد|اعداد|تحرير|بواسطة|مراسل|مراسلة|تقرير|By|by|BY|Par|par|"
    r"Written by|Auteur)\s*[:：\-–—]?\s*(?P<name>[^\n:]{2,60})$"
)
_SOURCE_LINE = re.compile(r"^(?:المصدر|مصدر الخبر|المصادر|Source|Sources|Source de l'article)\s*[:：\-–—]\s*(?P<name>.{2,80})$", re.I)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|Copyright|حقوق (?:النشر|الطبع)(?: محفوظة)?(?: لـ?|ل)?)\s*(?:©)?\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?)?\s*(?P<name>[^.|©]{2,60})",
    re.I,
)
_CONTRIB = re.compile(
    r"(?:ساهم|ساهمت|شارك|شاركت|أسهم|أسهمت)\s.*?(?:في إعداد|في كتابة|في تغطية)|contributed to this report", re.I
)
_ORG_WORDS = {
    key(w)
    for w in (
        "نيوز", "news", "وكالة", "صحيفة", "جريدة", "قناة", "موقع", "شبكة", "مجلة", "إذاعة", "راديو", "تلفزيون", "بوابة", "منصة",
        "الآن", "اليوم", "الجديد", "خبر", "الخبر", "أخبار", "الأخبار", "اخبار", "انباء", "الأنباء", "إعلام", "الإعلام", "صدى", "بوابة", "منارة", "times", "post", "press", "agency", "tv", "online", "radio", "daily", "herald", "journal",
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


def _looks_like_outlet(name: str) -> bool:
    words = key(name).split()
    if not words:
        return False
    if any(w in _ORG_WORDS for w in words) or re.search(r"\w\.\w", name):
        return True
    # Outlet names are often "ال" + adjective/noun ("العربية الآن", "الشرق الأوسط"); personal names
    # rarely start with the article.
    return words[0].startswith("ال") and len(words[0]) > 3


def _name_like(line: str) -> bool:
    """A bare line that reads as a personal name (a byline without a label)."""
    if _SENT_END.search(line) or re.search(r"[\d،,:;؛()\"«»“”|]", line):
        return False
    words = line.split()
    if not 2 <= len(words) <= 4 or arabic_ratio(line) < 0.9:
        return False
    v = vocab()
    keys = [key(w) for w in words]
    if keys[0].startswith("ال") or any(k in v.function_words or k in v.sections or k in v.weak for k in keys):
        return False
    return all(len(k) >= 2 for k in keys) and not _looks_like_outlet(line)


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
    """Index of the first body paragraph; the page header (headline, byline, date) is before it."""
    for i, line in enumerate(lines):
        n = len(line.split())
        if (n >= 12 and re.search(r"[.!؟?…:\"»”]$", line)) or n >= 30:
            return i
    return min(len(lines), 6)


_DATELINE = re.compile(
    r"^[^\s(][^()\n]{0,50}?\s*(?:\((?P<a1>[^()]{1,40})\)\s*[-–—:]|[-–—]\s*(?P<a2>[^:：\-–—()]{1,30}?)\s*[:：])"
)
_CREDIT_SPLIT = re.compile(r"\s*[،,;؛/+&|]\s*|\s+[-–—]\s+")
_COPYRIGHT_NOISE = re.compile(
    r"©|\(c\)|copyright|جميع الحقوق محفوظة|كل الحقوق محفوظة|حقوق النشر محفوظة|الحقوق محفوظة|all rights reserved|\b(?:19|20)\d{2}\b|[-–—|.]",
    re.I,
)


class _Credits:
    """Accumulates credits with priorities (lower is stronger) as lines are read."""

    def __init__(self) -> None:
        self.wires: list[str] = []
        self.outlets: list[tuple[int, str]] = []
        self.authors: list[tuple[int, str]] = []
        self.contributors: list[str] = []
        self.dates: list[str] = []

    def outlet(self, rank: int, name: str) -> None:
        name = name.strip(" .،,:-—–()«»\"")
        if name and len(name.split()) <= 6 and not wire_in(name, whole=True):
            self.outlets.append((rank, name))

    def person(self, rank: int, name: str) -> None:
        name = name.strip(" .،,:-—–()")
        if name and len(name.split()) <= 6:
            self.authors.append((rank, name))

    def best(self, items: list[tuple[int, str]]) -> str | None:
        return min(items, key=lambda x: x[0])[1] if items else None


def _read_byline(name: str, cr: _Credits) -> None:
    """A byline's name part, which may also carry a place, a date or an agency: "X - إسطنبول - 12 فبراير"."""
    from .dates import date_line

    parts = [p for p in re.split(r"\s+[-–—|]\s+|\s*[|،]\s*", name) if p.strip()]
    for j, part in enumerate(parts):
        w = wire_in(part, whole=True)
        if w:
            cr.wires += w
            continue
        dl = date_line(part)
        if dl:
            cr.dates.append(dl[0])
            continue
        if j == 0:
            if _looks_like_outlet(part):
                cr.outlet(2, part)
            else:
                cr.person(1, part)


def _read_credit_line(line: str, where: str, cr: _Credits) -> bool:
    """Credits stated by one line; True when the line is a credit line (nothing else to read)."""
    m = _BYLINE.match(line)
    if m and where in ("head", "tail", "removed"):
        _read_byline(m.group("name").strip(" .،,"), cr)
        return True
    m = _SOURCE_LINE.match(line)
    if m:
        for item in _CREDIT_SPLIT.split(m.group("name").strip(" .")):
            if not item:
                continue
            w = wire_in(item, whole=True) or wire_in(item)
            if w:
                cr.wires += w
            else:
                cr.outlet(2, item)
        return True
    if re.search(r"©|copyright|الحقوق محفوظة|all rights reserved", line, re.I) and len(line.split()) <= 12:
        name = " ".join(_COPYRIGHT_NOISE.sub(" ", line).split())
        if name:
            cr.outlet(3, name)
        return True
    if _CONTRIB.search(line):
        cr.wires += wire_in(line)
        names = re.findall(r"[،,]\s*([^،,]{3,40}?)\s*[،,]\s*(?:في إعداد|في كتابة|في تغطية|contributed)", line)
        cr.contributors += [n.strip() for n in names if not wire_in(n)]
        return True
    # A dateline crediting an agency: "أنقرة (رويترز) —", "سيول، كوريا الجنوبية (AP) —", "أنقرة - رويترز:".
    m = _DATELINE.match(line)
    if m:
        agency = m.group("a1") or m.group("a2")
        w = wire_in(agency, whole=True)
        if w:
            cr.wires += w
    # A line that is a credit in parentheses: "(رويترز)", "(فرانس برس، العربي الجديد)".
    stripped = line.strip(" .")
    if stripped.startswith("(") and stripped.endswith(")") and where in ("tail", "removed"):
        items = [x for x in _CREDIT_SPLIT.split(stripped[1:-1]) if x]
        codes = [wire_in(x, whole=True) for x in items]
        if any(codes) and len(items) <= 4:
            for c in codes:
                cr.wires += c
            for x, c in zip(items, codes):
                if not c:
                    cr.outlet(2, x)
            return True
    # A short credit line: "رويترز", "وكالات", "دروب عربية - رويترز", "إدلب - بوابة الشمال".
    if where in ("head", "tail", "removed") and len(line.split()) <= 6 and not _SENT_END.search(line):
        items = [x for x in _CREDIT_SPLIT.split(line.strip(" ()")) if x]
        codes = [wire_in(x, whole=True) for x in items]
        if any(codes):
            for c in codes:
                cr.wires += c
            for x, c in zip(items, codes):
                if not c and _looks_like_outlet(x):
                    cr.outlet(4, x)
            return True
        if len(items) == 2 and where != "removed":
            # "CITY - OUTLET" dateline
            if _looks_like_outlet(items[1]) and not _looks_like_outlet(items[0]):
                cr.outlet(4, items[1])
                return True
    # A closing agency credit at the end of the last paragraph: "… الأسبوع المقبل. (رويترز)".
    if where == "tail":
        m = re.search(r"\(([^()]{1,40})\)\s*\.?$", line)
        if m:
            cr.wires += wire_in(m.group(1), whole=True)
    return False


def extract_metadata(
    lines: list[str],
    headings: set[int] | None = None,
    removed: list[str] | None = None,
    site_names: list[str] | None = None,
) -> Metadata:
    """Read what the page states about itself from its cleaned lines, the chrome the cleaner
    removed (bylines and copyright lines often sit there) and the site names of its header."""
    from .dates import date_line

    md = Metadata()
    removed = removed or []
    body = _body_start(lines)
    head = range(0, min(len(lines), body + 1))
    tail_from = max(body + 1, len(lines) - 4)

    # Dates: the first date line in the header, else in the tail; "updated" stamps are second best.
    for line in [lines[i] for i in head] + lines[tail_from:] + removed[:12]:
        dl = date_line(line)
        if dl is None:
            continue
        if dl[1]:
            md.updated = md.updated or dl[0]
        elif md.published is None:
            md.published = dl[0]

    # Title: the first header line that reads as a headline.
    for i in head:
        line = lines[i]
        if date_line(line) or _BYLINE.match(line) or len(line.split()) < 3:
            continue
        md.title = line.lstrip("-•* ").strip()
        break
    if md.title is None and lines:
        md.title = lines[0][:200]

    cr = _Credits()
    for name in site_names or []:
        cr.outlet(0, name)
    for i, line in enumerate(lines):
        where = "head" if i in head else "tail" if i >= tail_from else "body"
        _read_credit_line(line, where, cr)
    for line in removed:
        _read_credit_line(line, "removed", cr)

    md.published = md.published or (cr.dates[0] if cr.dates else None) or md.updated
    md.outlet = cr.best(cr.outlets)
    md.author = cr.best(cr.authors)
    if md.author is None:
        for i in head:  # a bare name line under the headline is a byline
            line = lines[i]
            if line != md.title and not date_line(line) and _name_like(line):
                md.author = line
                break
    names = {key(n) for _, n in cr.outlets}
    if md.author and (key(md.author) in names or wire_in(md.author, whole=True)):
        md.author = None  # "By <outlet>" is a credit, not a person
    md.wire = list(dict.fromkeys(cr.wires))
    md.contributors = list(dict.fromkeys(cr.contributors))
    return md


# The letters of the Arabic alphabet (hamza to yeh, without tatweel), and the Arabic-script
# characters Arabic does not use: the letters Persian, Urdu, Pashto, Kurdish, Sindhi, Uyghur and
# Jawi add (U+0671-U+06D5 and U+06EE-U+06FF; alef wasla too, which sends Quranic quotations to
# the classifier, no harm), the Arabic Supplement and Extended-A blocks, and presentation forms.
_ARABIC_LETTERS = re.compile("[\u0621-\u063a\u0641-\u064a]+")
_OTHER_ARABIC_SCRIPT = re.compile("[\u0671-\u06d5\u06ee-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LETTERS = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid, offline).

    A text whose sample has 200 letters or more, nine in ten of them letters of the Arabic
    alphabet, and none of the letters the other languages written in Arabic script add (Persian
    گ چ پ ژ ی ک, Urdu ے ہ ں ٹ, Pashto, Kurdish, ...) is Arabic without asking the classifier: a
    tenth of its time, and the classifier's answer on ANT's 31,525 articles but for two it called
    Egyptian and Moroccan Arabic."""
    sample = text[:3000].strip()
    if not sample:
        return None
    if not _OTHER_ARABIC_SCRIPT.search(sample):
        letters = sum(map(len, _LETTERS.findall(sample)))
        if letters >= 200 and sum(map(len, _ARABIC_LETTERS.findall(sample))) >= 0.9 * letters:
            return "ar"
    import py3langid

    lang, _ = py3langid.classify(sample)
    return lang


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def normalize_outlet(name: str | None) -> str | None:
    """An outlet's name without decoration; a feed or site title's section suffix is dropped
    ("الساحل اليوم - سوريا" → "الساحل اليوم", "Example News | World" → "Example News")."""
    if not name:
        return None
    name = normalize_line(name).strip(" .،,:-—–|")
    parts = [p.strip() for p in re.split(r"\s+[-–—|»:]\s+", name) if p.strip()]
    if len(parts) == 2 and len(parts[1].split()) <= 2 and len(parts[0].split()) <= 5:
        name = parts[0]
    return name or None
