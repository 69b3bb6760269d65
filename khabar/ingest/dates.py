"""Date lines of pages: a date with only labels, a weekday or a time of day around it.

Used by the cleaner (a date line is never chrome) and by the metadata reader (the page's date).
The parsing itself is the times layer's ``parse_date`` when present.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ..text.normalize import digits_to_ascii, key

_WORD = re.compile(r"[^\W\d_]+", re.U)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")

# Labels that may surround a date on a date line.
_DATE_LABELS = {
    key(w)
    for w in (
        "نشر", "نشرت", "نشر في", "في", "بتاريخ", "تاريخ", "النشر", "آخر", "اخر", "تحديث", "التحديث", "محدث", "ص", "م",
        "صباحا", "مساء", "مساءً", "صباحاً", "بتوقيت", "مكة", "المكرمة", "غرينتش", "القدس", "بيروت", "القاهرة", "الرياض", "أبوظبي",
        "GMT", "UTC", "published", "updated", "on", "at", "am", "pm", "last", "posted", "date", "الموافق", "هـ", "ه", "م.",
    )
}
_UPDATED = {key(w) for w in ("آخر تحديث", "اخر تحديث", "تحديث", "التحديث", "updated", "محدث")}


@lru_cache(maxsize=1)
def _months() -> tuple[dict[str, int], frozenset[str]]:
    """Gregorian month names → number, and every word that may name a month or weekday."""
    import json

    data = json.loads(resources.files("khabar.data").joinpath("months.json").read_text("utf-8"))
    months = {key(name): int(n) for n, names in data["gregorian"].items() for name in names}
    words: set[str] = set()
    for section in ("gregorian", "hijri", "weekdays"):
        for names in data.get(section, {}).values():
            for name in names:
                words.update(_WORD.findall(key(name)))
    return months, frozenset(words)


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


_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")


def date_line(line: str) -> tuple[str, bool] | None:
    """If ``line`` is a date line (a date with only labels, a weekday or a time around it), its
    ISO date and whether it is an "updated" stamp."""
    if len(line) > 90 or not _DIGIT.search(line):
        return None
    k = key(line)
    _, date_words = _months()
    leftovers = [w for w in _WORD.findall(k) if w not in _DATE_LABELS and w not in date_words]
    if leftovers:
        return None
    parsed = parse_date(line)
    if not parsed or parsed[1] == "year":
        return None
    return parsed[0], any(u in k for u in _UPDATED)
