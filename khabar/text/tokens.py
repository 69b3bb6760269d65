"""Tokens with offsets, clitic-aware match forms, and sentence spans.

Tokens keep offsets into the original text; their ``key`` is the normalised form. ``bases(key)``
gives the forms a token can take once its proclitics (و ف ب ل ك ال لل) are peeled off, for lexicon
look-ups; nothing here rewrites the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..model import Token
from .normalize import key as norm_key

# A token: a run of Arabic letters (with diacritics/tatweel), or of Latin letters/digits joined by
# internal - . , / (S-400, 10,000, 1.5, KN-23, U.S.), or any other single non-space character.
_AR = "\u0621-\u063a\u0641-\u064a\u0640\u064b-\u065f\u0670\u0671-\u06d3\u06d5-\u06ed\u06fa-\u06ff\ufb50-\ufdff\ufe70-\ufeff"
_WORD = "A-Za-z0-9\u00c0-\u024f\u0660-\u0669\u06f0-\u06f9"
TOKEN_RE = re.compile(
    rf"[{_AR}]+"
    rf"|[{_WORD}]+(?:[-.,/٫٬'’][{_WORD}]+)*"
    r"|\S"
)

CONJ = ("و", "ف")
PREP = ("ب", "ل", "ك")
FUTURE = ("س",)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens with offsets and match keys."""
    cache = _KEYS
    out = []
    append = out.append
    for m in TOKEN_RE.finditer(text):
        g = m.group()
        k = cache.get(g)
        if k is None:
            k = norm_key(g)
            if len(cache) >= _KEYS_MAX:
                cache.clear()
            cache[g] = k
        s, e = m.span()
        append(Token(g, s, e, k))
    return out


# Token text -> key (every article repeats most of its words; normalising is the costly part).
_KEYS: dict[str, str] = {}
_KEYS_MAX = 1 << 18


def tokens_between(tokens: list[Token], start: int, end: int, shift: bool = True) -> list[Token]:
    """The tokens of ``tokenize(text)`` that lie in ``text[start:end]`` (a span no token crosses,
    such as a line): with ``shift``, their offsets are made relative to ``start``, so the result is
    ``tokenize(text[start:end])``."""
    import bisect

    lo = bisect.bisect_left(tokens, start, key=_start)
    hi = bisect.bisect_left(tokens, end, lo, key=_start)
    if not shift:
        return tokens[lo:hi]
    if not start:
        return [t for t in tokens[lo:hi] if t.end <= end]
    return [Token(t.text, t.start - start, t.end - start, t.key) for t in tokens[lo:hi] if t.end <= end]


def _start(t: Token) -> int:
    return t.start


def bases(k: str, min_len: int = 2) -> tuple[tuple[str, str], ...]:
    """Ways to read a normalised word as proclitics + base, longest base first.

    Returns ``(prefix, base)`` pairs, the unsegmented word first: ``والصواريخ`` gives
    ``("", "والصواريخ")``, ``("و", "الصواريخ")``, ``("وال", "صواريخ")``. ``لل`` is read as ل + ال.
    The tuple is cached and shared: callers read it, never change it.
    """
    return _bases(k, min_len)


@lru_cache(maxsize=1 << 16)
def _bases(k: str, min_len: int) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = [("", k)]
    seen = {k}

    def add(prefix: str, base: str) -> None:
        if len(base) >= min_len and base not in seen:
            seen.add(base)
            out.append((prefix, base))

    for c1 in ("",) + CONJ:
        if c1 and not k.startswith(c1):
            continue
        r1 = k[len(c1):]
        if c1:
            add(c1, r1)
        for c2 in ("",) + PREP:
            if c2 and not r1.startswith(c2):
                continue
            r2 = r1[len(c2):]
            if c2:
                add(c1 + c2, r2)
            if c2 == "ل" and r2.startswith("ل"):  # لل = ل + ال
                add(c1 + "لل", r2[1:])
            if r2.startswith("ال"):
                add(c1 + c2 + "ال", r2[2:])
    return tuple(out)


# Sentence ends: . ! ? ؟ … and line breaks; not the Arabic comma, not a decimal point or an
# abbreviation's dot (a dot between letters/digits with no space after it).
_SENT_END = re.compile(r"(?:[.!?؟…]+[\"'”’»)\]]*)(?=\s|$)|\n+")
_ABBREV_BEFORE = re.compile(r"(?:\b[A-Za-z]|\b(?:Mr|Mrs|Dr|St|Jr|Sr|No|vs|etc|Inc|Ltd|Co|Gen|Col|Lt|Sgt|U\.S|U\.N))$")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, trimmed of surrounding whitespace (the spans of
    the latest texts are kept: the CRF tagger and the events read the same article's)."""
    return iter(_sentence_spans(text))


@lru_cache(maxsize=32)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_sentences(text))


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group().startswith("."):
            if _ABBREV_BEFORE.search(text[start:m.start()]):
                continue
        end = m.end() if not m.group().startswith("\n") else m.start()
        yield from _trim(text, start, end)
        start = m.end()
    yield from _trim(text, start, len(text))


def _trim(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        yield (s, e)
