"""Normalisation keys for matching Arabic (and Latin) text.

A key is for comparing, never for display: offsets always point into the original text.
``key("أَبْلَغَتْ")`` == ``key("ابلغت")``; hamza/alef forms, ى/ي, ة/ه, diacritics, tatweel,
Eastern and Persian digits and Persian letters are folded.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks.
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"

_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})

# Letter folding for match keys (one code point to at most one code point: lengths may change only
# by deletion, which ``key`` does not promise to preserve anyway).
_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ئ": "ي",
    "ؤ": "و", "ۆ": "و", "ۇ": "و",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "ە": "ه",
    "ک": "ك", "ڪ": "ك", "گ": "ك",
    "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف", "ڨ": "ق",
    "ء": "",
}
_FOLD_TABLE = {ord(k): v for k, v in _FOLD.items()}
_FOLD_TABLE.update(_DIGITS)
_FOLD_TABLE[ord(TATWEEL)] = ""
# Arabic punctuation to Latin equivalents.
_FOLD_TABLE.update({ord("،"): ",", ord("؛"): ";", ord("؟"): "?", ord("٪"): "%", ord("٫"): ".", ord("٬"): ","})

ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06d5\u06fa-\u06ff]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
_ARABIC_RUN = re.compile(ARABIC_LETTER.pattern + "+")
_LATIN_RUN = re.compile(LATIN_LETTER.pattern + "+")


def digits_to_ascii(s: str) -> str:
    """Eastern Arabic and Persian digits to ASCII; same length."""
    return s.translate(_DIGITS)


def strip_diacritics(s: str) -> str:
    return DIACRITICS.sub("", s).replace(TATWEEL, "")


def key(s: str) -> str:
    """The match key of a string: folded letters, no diacritics or tatweel, ASCII digits, lower case.

    Presentation forms are decomposed (NFKC) first, so ``ﻻ`` matches ``لا``. Whitespace is collapsed
    to single spaces.
    """
    if not s:
        return ""
    if len(s) <= _CACHE_LEN:
        k = _CACHE.get(s)
        if k is None:
            k = _key(s)
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[s] = k
        return k
    return _key(s)


def _key(s: str) -> str:
    return " ".join(_fold(s).split())


def _fold(s: str) -> str:
    """``key`` without the whitespace collapsed."""
    return DIACRITICS.sub("", unicodedata.normalize("NFKC", s)).translate(_FOLD_TABLE).lower()


def keys_of(words: list[str]) -> list[str]:
    """``key`` of each of ``words`` (words of letters: nothing in them that normalises to
    whitespace), normalised in one pass over them all rather than one call each."""
    return _fold("\n".join(words)).split("\n") if words else []


# Keys of short strings (tokens, names, phrases) are cached: the same words come back in every
# article, and a look-up is several times cheaper than normalising again. Bounded: the cache is
# emptied when full (a news vocabulary's working set fits comfortably).
_CACHE: dict[str, str] = {}
_CACHE_LEN = 48
_CACHE_MAX = 1 << 17


def arabic_ratio(s: str) -> float:
    """Share of letters in ``s`` that are Arabic (0 when it has no letters)."""
    ar = sum(map(len, _ARABIC_RUN.findall(s)))  # (runs: half the time of one match per letter)
    la = sum(map(len, _LATIN_RUN.findall(s)))
    return ar / (ar + la) if ar + la else 0.0
