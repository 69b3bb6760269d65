"""A readable, news-style Latin transliteration of Arabic names (used when no English name is known).

``to_latin("فلاديمير بوتين")`` -> ``"Fladimir Butin"``; ``to_latin("عبد الله")`` -> ``"Abd Allah"``;
``to_latin("الحديدة")`` -> ``"al-Hdida"``. Long vowels give vowels (ا a, و u, ي i), consonant
clusters get an ``a`` so words stay pronounceable, ``ال`` becomes ``al-``, each word is capitalised.
Diacritics are used when present (fatha a, damma u, kasra i, shadda doubles). Latin text passes
through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

_CONS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "'", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ء": "'", "أ": "'",
    "إ": "'", "ؤ": "'", "ئ": "'", "پ": "p", "چ": "ch", "ژ": "zh", "ڤ": "v", "گ": "g", "ک": "k",
}
_SHORT = {"\u064e": "a", "\u064f": "u", "\u0650": "i"}
_SHADDA = "\u0651"
_SKIP = re.compile("[\u0610-\u061a\u064b-\u064d\u0652-\u065f\u0670\u06d6-\u06ed\u0640]")
_VOWELS = set("aeiou")


def _word(w: str) -> str:
    if not re.search("[\u0600-\u06ff]", w):
        return w
    if _SKIP.sub("", w) in ("الله", "لله"):
        return "Allah"
    art = ""
    bare = _SKIP.sub("", w)
    if bare.startswith("ال") and len(_strip(bare)) > 3:
        art = "al-"
        # skip the letters ا ل (with any marks between)
        i, seen = 0, 0
        while i < len(w) and seen < 2:
            if not _SKIP.match(w[i]) and w[i] not in _SHORT and w[i] != _SHADDA:
                seen += 1
            i += 1
        w = w[i:]
    out: list[str] = []
    chars = list(w)
    n = len(chars)
    i = 0
    while i < n:
        c = chars[i]
        nxt = chars[i + 1] if i + 1 < n else ""
        if c in _SHORT:
            out.append(_SHORT[c])
        elif c == _SHADDA:
            if out and out[-1] not in _VOWELS:
                out.append(out[-1][-1])
        elif _SKIP.match(c):
            pass
        elif c in "اآٱى":
            if c == "آ" and not out:
                out.append("a")
            elif out and out[-1] == "a":
                pass
            else:
                out.append("a")
        elif c in "ةۀ":
            if not out or out[-1] != "a":
                out.append("a")
        elif c == "و":
            # a consonant at the start of a word, after a vowel, or before ا; else the vowel u
            if not out or nxt == "ا" or out[-1][-1] in _VOWELS:
                out.append("w")
            else:
                out.append("u")
        elif c in "يی":
            if not out or nxt in ("ا", "و") or out[-1][-1] in _VOWELS:
                out.append("y")
            else:
                out.append("i")
        elif c == "ع" and not out:
            if nxt in ("ي", "ى"):
                out.append("i")
                i += 1
            elif nxt == "و":
                out.append("u")
                i += 1
            else:
                out.append("a")
                if nxt == "ا":
                    i += 1
        elif c in "أإا" and not out and nxt in ("و", "ي"):
            # initial أو/إي: the long vowel itself (أوكرانيا Ukraniya, إيما Ima, أيمن Ayman)
            if nxt == "و":
                out.append("u")
            elif c == "أ":
                out.append("ay")
            else:
                out.append("i")
            i += 1
        elif c == "ت" and nxt == "ش":
            out.append("ch")
            i += 1
        elif c == "ن" and nxt in ("غ", "ج") and i + 2 >= n:
            out.append("ng")
            i += 1
        elif c in "أإ" and not out:
            # initial hamza seat: its vowel
            out.append("i" if c == "إ" else "a")
        elif c in _CONS:
            out.append(_CONS[c])
        elif c.isalnum():
            out.append(c)
        i += 1
    s = _vocalise(out)
    s = s.replace("'", "") if s.startswith("'") else s
    s = re.sub("'{2,}", "'", s)
    if not s:
        return art.rstrip("-")
    return art + s[0].upper() + s[1:] if not art else art + s[0].upper() + s[1:]


def _strip(s: str) -> str:
    return _SKIP.sub("", s)


def _vocalise(parts: list[str]) -> str:
    """Join letters, inserting ``a`` so that at most two consonants meet, and two only at the start
    of a word when the second is r, l, w or y (``fl``, ``br``, ``kw``): ``mhmd`` -> ``mahmad``."""
    res = ""
    run = 0  # consonants since the last vowel
    for idx, p in enumerate(parts):
        if p[-1] in _VOWELS:
            res += p
            run = 0
            continue
        has_vowel = any(v in res for v in _VOWELS)
        if res:
            if run >= 2 or (not has_vowel and run >= 1 and p[0] not in "rlwy"):
                res += "a"
                run = 0
        res += p
        run += 1
    return res


def to_latin(arabic: str) -> str:
    """Latin rendering of an Arabic name (words capitalised; ``ال`` as ``al-``)."""
    if not arabic:
        return ""
    s = unicodedata.normalize("NFKC", arabic)
    words = re.findall(r"[\u0600-\u06ff]+|[^\s\u0600-\u06ff]+", s)
    out = []
    for w in words:
        if re.match(r"[\u0600-\u06ff]", w):
            t = _word(w)
            if t:
                out.append(t)
        else:
            out.append(w)
    text = " ".join(out)
    text = re.sub(r"\s+([-.,;:)])", r"\1", text)
    return text
