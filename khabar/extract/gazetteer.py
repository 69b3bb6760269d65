"""Gazetteers and lexicons: places, organisations, roles, weapons, nationality adjectives.

The data files under ``khabar/data/`` are loaded once per process (:func:`lexicon`) into a trie over
normalised token keys. Matching is longest-first and clitic-aware on the first token: ``لبيونغ يانغ``,
``وموسكو``, ``بالكرملين`` match with the proclitic outside the span (the mention starts after it);
``للأمم المتحدة`` (ل + ال) matches ``الأمم المتحدة`` with the span starting after ``لل``. An article
that is part of the name (``الكرملين``) stays in the span.

Public API:

* :func:`match` ``(text) -> list[Mention]`` — knowledge-only matches (places, named organisations,
  weapons, titles), longest first, non-overlapping. :func:`khabar.extract.entities.find_entities`
  adds the grammar on top (nationality adjectives, role phrases, persons, designations).
* :func:`token_features` ``(tokens) -> list[set[str]]`` — per-token flags for the CRF tagger
  (:func:`token_flags`: the same as tuples, for tokenizer tokens).
* :func:`place_kind` ``(name) -> str | None`` — ``country``/``city``/``capital``/``territory``/
  ``region`` for a GPE, ``loc``/``fac`` for other places, ``None`` if unknown.
* :func:`scan` ``(tokens) -> list[Hit]`` — every lexicon hit at every token (for the grammar).
"""

from __future__ import annotations

import gzip
import itertools
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from collections.abc import Callable, Sequence

from ..model import Mention, Token
from ..text import bases, key, tokenize

DATA = Path(__file__).resolve().parent.parent / "data"

# Types a Hit's entry can have: GPE LOC FAC (places), ORG, ROLE, WEAPON, NAT (nationality
# adjective), DEP (deputy word of a title).
PLACE_TYPES = ("GPE", "LOC", "FAC")
_OPT = re.compile(r"^\((ال|لل)\)(.+)$")
_TANWEEN = re.compile("[\u064b-\u064d]")


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon form: ``keys`` are its token keys; the rest describes what it names."""

    keys: tuple[str, ...]
    type: str
    canonical: str
    english: str = ""
    cc: str = ""
    kind: str = ""
    flags: frozenset[str] = frozenset()
    population: int = 0
    source: str = "lexicon"

    @property
    def definite(self) -> bool:
        return any(k.startswith("ال") for k in self.keys)


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon entry found at tokens ``i`` to ``j`` (exclusive); ``cut`` characters of token
    ``i``'s text (a proclitic such as و ب ل لل) are outside the match."""

    i: int
    j: int
    entry: Entry
    cut: int = 0
    prefix: str = ""


def expand(form: str) -> list[str]:
    """``(ال)صواريخ (ال)باليستية`` -> the four spellings with and without each article."""
    options = []
    for w in form.split():
        m = _OPT.match(w)
        options.append([m.group(1) + m.group(2), m.group(2)] if m else [w])
    return [" ".join(p) for p in itertools.product(*options)]


def tkeys(s: str) -> tuple[str, ...]:
    """Token keys of a surface form."""
    return tuple(t.key for t in tokenize(s))


def _rows(name: str):
    path = DATA / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith("#"):
                continue
            yield line.split("\t")


def _words(name: str) -> set[str]:
    out: set[str] = set()
    for row in _rows(name):
        for w in row[0].split():
            out.add(key(w))
    return out


class _PerKey(dict):
    """``make(key)`` per key, made when first asked for; bounded: emptied when full."""

    def __init__(self, make: Callable[[str], Any], limit: int = 1 << 17) -> None:
        super().__init__()
        self.make = make
        self.limit = limit

    def __missing__(self, k: str) -> Any:
        got = self.make(k)
        if len(self) >= self.limit:
            self.clear()
        self[k] = got
        return got


class Lexicon:
    """Every data file, indexed. Build with :func:`lexicon` (cached)."""

    def __init__(self) -> None:
        self.trie: dict = {}
        self.function_words: set[str] = set()
        self.given: dict[str, tuple[str, bool]] = {}  # key -> (latin, ambiguous)
        self.given_multi: dict[tuple[str, ...], str] = {}
        self.nat: dict[str, Entry] = {}
        self.nat_forms: dict[str, list[str]] = {}  # cc -> canonical forms in file order
        self.maxlen = 1
        # what depends on a word's key alone, per key (the same words come back in every article)
        self._word_flags = _PerKey(self._flags)
        self._function = _PerKey(self._is_function)
        self._given_start = _PerKey(self._first_given)
        self._load()

    # -- building ---------------------------------------------------------------------------

    def add(self, surface: str, entry_kw: dict) -> None:
        for form in expand(surface):
            ks = tkeys(form)
            if not ks:
                continue
            e = Entry(keys=ks, **entry_kw)
            node = self.trie
            for k in ks:
                node = node.setdefault(k, {})
            node.setdefault(None, []).append(e)
            self.maxlen = max(self.maxlen, len(ks))

    def _load(self) -> None:
        self.function_words = _words("function_words.txt")
        for row in _rows("given_names.txt"):
            ks = tkeys(row[0])
            latin = row[1] if len(row) > 1 else ""
            amb = len(row) > 2 and row[2].strip() == "amb"
            if len(ks) == 1:
                self.given.setdefault(ks[0], (latin, amb))
            elif ks:
                self.given_multi[ks] = latin

        # Places: the built gazetteer, then the hand-written supplement. A canonical name given in
        # places_extra.tsv wins for every spelling of that place (english name + country code).
        extra = []
        override: dict[tuple[str, str], str] = {}
        for r in _rows("places_extra.tsv"):
            r = r + [""] * (6 - len(r))
            row = [x.strip() for x in r[:6]]
            extra.append(row)
            if row[5]:
                override.setdefault((row[2], row[3]), row[5])
        canon_of: dict[tuple[str, str], str] = {}
        for r in _rows("gazetteer.tsv.gz"):
            if r[0] == "key":
                continue
            _, surface, canonical, typ, english, cc, kind, pop = r[:8]
            canonical = override.get((english, cc), canonical)
            canon_of.setdefault((english, cc), canonical)
            self.add(surface, dict(type=typ, canonical=canonical, english=english, cc=cc, kind=kind,
                                   population=int(pop or 0), source="gazetteer"))
        for surface, typ, english, cc, kind, canonical in extra:
            canonical = override.get((english, cc)) or canon_of.get((english, cc)) or surface
            self.add(surface, dict(type=typ, canonical=canonical, english=english, cc=cc, kind=kind,
                                   source="gazetteer"))

        for r in _rows("nationalities.tsv"):
            form, cc, canonical, english = r[:4]
            e = Entry(keys=tkeys(form), type="NAT", canonical=canonical, english=english, cc=cc,
                      kind="nat")
            self.add(form, dict(type="NAT", canonical=canonical, english=english, cc=cc, kind="nat"))
            self.nat[" ".join(e.keys)] = e
            forms = self.nat_forms.setdefault(cc, [])
            if canonical not in forms:
                forms.append(canonical)

        for r in _rows("orgs.tsv"):
            r = r + [""] * (6 - len(r))
            forms, typ, english, kind, cc, nat_en = (x.strip() for x in r[:6])
            forms_l = [f for f in forms.split("|") if f]
            canonical = expand(forms_l[0])[0]
            flags = frozenset({"nat:" + nat_en} if nat_en else ())
            for f in forms_l:
                self.add(f, dict(type=typ, canonical=canonical, english=english, cc=cc, kind=kind,
                                 flags=flags))
            # Each ministry gives a minister title: وزارة الدفاع -> وزير الدفاع, وزيرة الدفاع.
            if kind == "head" and english.startswith(("Ministry", "Department")):
                role_en = english.replace("Ministry", "Minister").replace("Department of the", "Secretary of the")
                role_en = role_en.replace("Department of", "Secretary of")
                rcanon = "وزير " + canonical.split(" ", 1)[1]
                for f in forms_l:
                    if f.startswith("وزارة "):
                        rest = f.split(" ", 1)[1]
                        for title in ("وزير", "وزيرة"):
                            self.add(title + " " + rest, dict(type="ROLE", canonical=rcanon,
                                                              english=role_en, kind="title",
                                                              flags=frozenset({"person"})))

        for r in _rows("roles.tsv"):
            forms, english, flags = (r + ["", ""])[:3]
            fl = frozenset(x.strip() for x in flags.split(",") if x.strip())
            forms_l = [f for f in forms.split("|") if f]
            canonical = expand(forms_l[0])[0]
            typ = "DEP" if "deputy" in fl else "ROLE"
            for f in forms_l:
                self.add(f, dict(type=typ, canonical=canonical, english=english, kind="title", flags=fl))

        for r in _rows("weapons.tsv"):
            forms, english, kind = (r + ["", ""])[:3]
            forms_l = [f for f in forms.split("|") if f]
            canonical = expand(forms_l[0])[0]
            for f in forms_l:
                self.add(f, dict(type="WEAPON", canonical=canonical, english=english, kind=kind.strip()))

    # -- lookup ---------------------------------------------------------------------------------

    def is_function(self, k: str) -> bool:
        """A function word, behind a proclitic at most (cached per key)."""
        return self._function[k]

    def _is_function(self, k: str) -> bool:
        return k in self.function_words or any(p and b in self.function_words for p, b in _peel(k))

    def given_start(self, k: str) -> tuple[str, str] | None:
        """The first reading ``(proclitics, base)`` of a word key whose base is an unambiguous given
        name and whose proclitics hold no ك (a name can start there: وفلاديمير); cached per key."""
        return self._given_start[k]

    def _first_given(self, k: str) -> tuple[str, str] | None:
        for p, b in _peel(k):
            g = self.given.get(b)
            if g is not None and not g[1] and "ك" not in p:
                return p, b
        return None

    def word_flags(self, k: str) -> tuple[str, ...]:
        """The flags of the CRF's lexicon features that depend on a word's key alone: ``fw`` (a
        function word) and ``given`` / ``given:amb`` (a given name, behind a proclitic at most);
        cached per key."""
        return self._word_flags[k]

    def _flags(self, k: str) -> tuple[str, ...]:
        flags = ["fw"] if self.is_function(k) else []
        for _, b in _peel(k):
            g = self.given.get(b)
            if g is not None:
                flags.append("given" if not g[1] else "given:amb")
                break
        return tuple(flags)

    def lookup(self, name: str, types: Sequence[str] | None = None) -> Entry | None:
        """The entry whose form is exactly ``name`` (proclitics peeled), preferring ``types``."""
        ks = tkeys(name)
        if not ks:
            return None
        for p, b in _first_candidates(self, ks[0]):
            node = self.trie.get(b)
            for k in ks[1:]:
                if node is None:
                    break
                node = node.get(k)
            if node and None in node:
                es = [e for e in node[None] if types is None or e.type in types]
                if es:
                    return _best(es)
        return None


def _best(entries: list[Entry]) -> Entry:
    rank = {"country": 6, "territory": 5, "region": 4, "capital": 3, "city": 2}
    return max(entries, key=lambda e: (rank.get(e.kind, 1), e.population))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The process-wide lexicon (loaded on first use)."""
    with _LOCK:
        return Lexicon()


_LOCK = threading.Lock()


# -- clitics ------------------------------------------------------------------------------------

_PROCLITIC_OK = re.compile("^(?:[وف]?[بلك]?|[وف]?لل)$")


@lru_cache(maxsize=65536)
def _peel(k: str) -> tuple[tuple[str, str], ...]:
    """``bases(k)`` limited to conjunction/preposition proclitics (no bare ال peeling), the
    unsegmented word first. ``لل`` readings are returned with ``ال`` restored on the base."""
    out = []
    for p, b in bases(k):
        if not p:
            out.append((p, b))
        elif p.endswith("لل"):
            out.append((p, "ال" + b))
        elif _PROCLITIC_OK.match(p):
            out.append((p, b))
    return tuple(out)


def _first_candidates(lex: Lexicon, k: str) -> list[tuple[str, str]]:
    return [(p, b) for p, b in _peel(k) if b in lex.trie]


_KEYLEN: dict[str, int] = {}


def _cut_chars(text: str, prefix: str) -> int:
    """Characters of ``text`` that spell the key ``prefix`` (diacritics after it included)."""
    if not prefix:
        return 0
    n = len(prefix)
    i = produced = 0
    while i < len(text) and produced < n:
        c = text[i]
        kl = _KEYLEN.get(c)
        if kl is None:
            kl = _KEYLEN[c] = len(key(c))
        produced += kl
        i += 1
    while i < len(text):  # diacritics or tatweel on the last proclitic letter
        c = text[i]
        kl = _KEYLEN.get(c)
        if kl is None:
            kl = _KEYLEN[c] = len(key(c))
        if kl:
            break
        i += 1
    return i


# -- scanning -----------------------------------------------------------------------------------


def _as_tokens(tokens: Sequence[Token] | Sequence[str]) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for t in tokens:
        if isinstance(t, Token):
            out.append(t)
        else:
            s = str(t)
            out.append(Token(s, pos, pos + len(s), key(s)))
            pos += len(s) + 1
    return out


@lru_cache(maxsize=1 << 16)  # bounded: a worker streams corpora for hours
def _cands(k: str) -> tuple[tuple[str, str], ...]:
    return tuple(_first_candidates(lexicon(), k))


def scan(tokens: Sequence[Token]) -> list[Hit]:
    """Every lexicon hit starting at every token (all lengths, all types)."""
    lex = lexicon()
    trie = lex.trie
    fw = lex.function_words
    given = lex.given
    keys = [t.key for t in tokens]
    n = len(keys)
    hits: list[Hit] = []
    for i in range(n):
        k = keys[i]
        cands = _cands(k)
        if not cands:
            continue
        for prefix, base in cands:
            node = trie[base]
            j = i + 1
            while True:
                es = node.get(None)
                if es:
                    single = j == i + 1
                    for e in es:
                        if single and e.type in PLACE_TYPES:
                            # One-word place names: not a function word, and a peeled proclitic
                            # must leave at least three letters (ب+يان is not a place) and not be ك or ف
                            # (كبيرا is not ك+بيرا, فرانس is not ف+رانس).
                            if k in fw or (prefix and (len(base) < 3 or "ك" in prefix or "ف" in prefix)):
                                continue
                            # An accusative adjective (وفدا روسيًا) is not a place name.
                            if _TANWEEN.search(tokens[i].text):
                                continue
                            # A city named like a person (فلاديمير) is read as the name.
                            if e.kind in ("city", "capital") and base in given and not given[base][1]:
                                continue
                        cut = _cut_chars(tokens[i].text, prefix) if prefix else 0
                        hits.append(Hit(i, j, e, cut, prefix))
                if j >= n:
                    break
                node = node.get(keys[j])
                if node is None:
                    break
                j += 1
    return hits


def _mention(text: str, tokens: Sequence[Token], h: Hit, source: str | None = None) -> Mention:
    start = tokens[h.i].start + h.cut
    end = tokens[h.j - 1].end
    e = h.entry
    return Mention(start=start, end=end, text=text[start:end], type=e.type, key=key(e.canonical),
                   canonical=e.canonical, latin=e.english or None, source=source or e.source)


_MATCH_KINDS = {"country", "territory", "city", "capital", "region", "water", "facility",  # places
                "name", "head",  # organisations
                "class", "model"}  # weapons


def match(text: str) -> list[Mention]:
    """Knowledge-only mentions in ``text``: places, named organisations, weapon classes and named
    systems, and titles that stand alone; longest match first, non-overlapping, in text order."""
    toks = tokenize(text)
    hits = [h for h in scan(toks) if h.entry.kind in _MATCH_KINDS
            or (h.entry.type == "ROLE" and h.entry.definite and not (h.entry.flags & {"comp", "needs", "honorific"}))]
    hits.sort(key=lambda h: (-(h.j - h.i), h.i, h.cut))
    taken = [False] * len(toks)
    out = []
    for h in hits:
        if any(taken[h.i:h.j]):
            continue
        for x in range(h.i, h.j):
            taken[x] = True
        out.append(_mention(text, toks, h))
    out.sort(key=lambda m: m.start)
    return out


def token_flags(tokens: Sequence[Token]) -> list[tuple[str, ...]]:
    """``token_features`` of tokenizer tokens as tuples (each token's flags once, in no particular
    order): what the CRF tagger reads, without a set per token. A token with no lexicon hit gets
    its word flags' cached tuple (shared: not to be changed)."""
    word_flags = lexicon().word_flags
    flags = [word_flags(t.key) for t in tokens]
    more: dict[int, set[str]] = {}
    for h in scan(tokens):
        e = h.entry
        if e.type == "NAT":
            for x in range(h.i, h.j):
                more.setdefault(x, set()).update(("nat", "nat:" + e.cc))
            continue
        pre = "gaz" if e.type in PLACE_TYPES else "lex"
        first = more.setdefault(h.i, set())
        first.add(f"{pre}:B-{e.type}")
        for x in range(h.i + 1, h.j):
            more.setdefault(x, set()).add(f"{pre}:I-{e.type}")
        if e.type in PLACE_TYPES and e.kind:
            first.add("place:" + e.kind)
        if h.prefix:
            first.add("clitic")
    for x, fs in more.items():
        fs.update(flags[x])
        flags[x] = tuple(fs)
    return flags


def token_features(tokens: Sequence[Token] | Sequence[str]) -> list[set[str]]:
    """Per-token lexicon flags for the CRF tagger.

    ``gaz:B-GPE``/``gaz:I-GPE`` (places by type), ``lex:B-ORG``/``lex:I-ORG``, ``lex:B-ROLE``,
    ``lex:B-WEAPON`` …, ``nat`` and ``nat:RU`` (nationality adjectives), ``place:country`` (kind),
    ``given`` (a common given name), ``fw`` (function word), ``clitic`` (the match starts after a
    proclitic on this token).
    """
    return [set(fs) for fs in token_flags(_as_tokens(tokens))]


def place_kind(name: str) -> str | None:
    """``country``, ``territory``, ``capital``, ``city`` or ``region`` for a known GPE; ``loc``
    or ``fac`` for another known place; ``None`` when ``name`` is not in the gazetteer."""
    e = lexicon().lookup(name, PLACE_TYPES)
    if e is None:
        return None
    if e.type == "GPE":
        return e.kind or "gpe"
    return e.type.lower()


def place(name: str) -> Entry | None:
    """The gazetteer entry of a place name (proclitics peeled), or ``None``."""
    return lexicon().lookup(name, PLACE_TYPES)


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Country code → the country's canonical Arabic name (the most populous country entry)."""
    lex = lexicon()
    best: dict[str, tuple[int, str]] = {}
    stack = [lex.trie]
    while stack:
        node = stack.pop()
        for k, v in node.items():
            if k is None:
                for e in v:
                    if e.type == "GPE" and e.kind == "country" and e.cc:
                        if e.cc not in best or e.population > best[e.cc][0]:
                            best[e.cc] = (e.population, e.canonical)
            else:
                stack.append(v)
    return {cc: name for cc, (_, name) in best.items()}


def capital_state(name: str) -> str | None:
    """The canonical name of the state whose capital ``name`` is (``موسكو`` → ``روسيا``), else None."""
    e = place(name)
    if e is None or e.kind != "capital" or not e.cc:
        return None
    return countries().get(e.cc)
