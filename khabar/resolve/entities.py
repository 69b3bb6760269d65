"""Entity resolution: every spelling of one real-world thing becomes one entity.

Mentions come from the per-article extractors with a type, a normalised ``key`` and, when a
lexicon knows the thing, a ``canonical`` name. They are merged when they share

1. gazetteer identity (the same canonical name),
2. the same normalised key, or
3. the same *skeleton* key: the consonant skeleton of the name with the letters that different
   transliteration conventions use for one sound folded together (غ/ج/ك/ق for g, ت/ط, س/ص, د/ض,
   ز/ذ/ظ, ه/ح), long-vowel letters, hamza seats and ع dropped inside words, a final ة/ه dropped — so
   ``بيونغ يانغ`` / ``بيونج يانج`` / ``بيونج يونج`` meet —

and always within one entity type. Distinct things stay apart because the skeleton keeps every
consonant and the word count (``كوريا الشمالية`` ≠ ``كوريا الجنوبية``, two people called كيم with
different given names stay two). A person named only by a surname after a full mention arrives
from the extractor with the full name as ``canonical`` and joins that person.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from ..model import Entity, Mention
from ..text.normalize import key as norm_key
from ..text.normalize import keys_of

# Letters that transliteration conventions use for the same foreign sound.
_SKELETON_FOLD = str.maketrans(
    {
        "غ": "ج", "ك": "ج", "ق": "ج", "گ": "ج",  # g
        "ط": "ت", "ص": "س", "ض": "د", "ظ": "ز", "ذ": "ز", "ث": "س",
        "ح": "ه", "ة": "ه", "ى": "ي",
        "أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ي", "ء": "",
    }
)
_VOWELS = re.compile(r"(?<=.)[اويى]")
_DOUBLE = re.compile(r"(.)\1+")
_ARTICLE = re.compile(r"^(?:ال)(?=..)")


@lru_cache(maxsize=1 << 16)
def skeleton(name: str) -> str:
    """The transliteration-tolerant key of a name (see the module doc)."""
    words = []
    for w in norm_key(name).translate(_SKELETON_FOLD).split():
        w = _ARTICLE.sub("", w)
        w = _VOWELS.sub("", w).replace("ع", "")  # ع is lost in Latin round trips (Marash)
        if len(w) > 2 and w.endswith("ه"):
            w = w[:-1]  # final ة/ه is often written as ا in transliterations (أنطاكية / انطاكيا)
        w = _DOUBLE.sub(r"\1", w)
        if w:
            words.append(w)
    return " ".join(words)


def _merge_keys(m: Mention) -> set[tuple[str, str]]:
    """The keys a mention merges on (always within its type)."""
    # A mention the extractor resolved (a surname after the full name, a gazetteer place) joins by its
    # canonical name only: a bare "كيم" must not tie two different Kims together.
    names = {m.canonical} if m.canonical else {m.text}
    if m.type == "PERSON" and len((m.canonical or m.text).split()) < 2:
        names = set()  # a lone, unresolved name part is too ambiguous to merge on
    keys = set()
    for name in names:
        keys.add(("key", norm_key(name)))
        sk = skeleton(name)
        if len(sk.replace(" ", "")) >= 3:  # too short a skeleton says nothing
            keys.add(("skel", sk))
    return keys


_NAME_TOKEN = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")


class SurnameIndex:
    """People's last names, for mentions by surname alone in articles that never give the full name.

    A person's last name (from a full name found anywhere so far, owned by that one person only,
    four letters or more, not an ال-word) is a mention wherever it stands alone as a word (with a
    conjunction or preposition clitic at most) outside any other mention. Incremental: ``learn``
    full names as articles come, ``scan`` each new article.
    """

    def __init__(self) -> None:
        self.owners: dict[str, set[str]] = defaultdict(set)
        self.source: dict[str, Mention] = {}
        self.single: set[str] = set()  # the last names one person owns

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "single" not in state:  # saved by an older version
            self.single = {k for k, v in self.owners.items() if len(v) == 1}

    def learn(self, mentions: Iterable[Mention]) -> None:
        for m in mentions:
            if m.type != "PERSON":
                continue
            full = m.canonical or m.text
            parts = full.split()
            last = norm_key(parts[-1]) if parts else ""
            if len(parts) >= 2 and len(last) >= 4 and not last.startswith("ال"):
                owners = self.owners[last]
                owners.add(norm_key(full))
                if len(owners) == 1:
                    self.single.add(last)
                else:
                    self.single.discard(last)
                self.source.setdefault(last, m)

    def scan(self, article_id: str, text: str, mentions: list[Mention]) -> list[Mention]:
        single = self.single
        # the words that can be a known surname at all (most articles have none), by their keys, all
        # normalised at once: a surname with at most two proclitic letters
        uniq = list(set(_NAME_TOKEN.findall(text)))
        words = {w for w, f in zip(uniq, keys_of(uniq), strict=True)
                 if f in single or (f[:1] in _CLITIC1 and f[1:] in single) or (f[:2] in _CLITIC2 and f[2:] in single)}
        if not words:
            return []
        spans = [(m.start, m.end) for m in mentions]
        out: list[Mention] = []
        for tm in _NAME_TOKEN.finditer(text):
            if tm.group() not in words:
                continue
            for cut, base in _surname_forms(tm.group()):
                if base not in single:
                    continue
                start, end = tm.start() + cut, tm.end()
                if any(s <= start < e or s < end <= e for s, e in spans):
                    break
                src = self.source[base]
                out.append(Mention(start, end, text[start:end], "PERSON", key=norm_key(src.canonical or src.text),
                                   canonical=src.canonical or src.text, latin=src.latin, source="surname",
                                   article=article_id))
                break
        return out


_CLITIC1 = frozenset(("و", "ف", "ب", "ل"))
_CLITIC2 = frozenset(("وب", "ول", "فب", "فل"))


@lru_cache(maxsize=1 << 16)
def _surname_forms(token: str) -> tuple[tuple[int, str], ...]:
    """(proclitic length, base) readings of a word a surname can hide in, longest base first."""
    from ..text.tokens import bases

    return tuple((len(prefix), base) for prefix, base in bases(norm_key(token))[:4]
                 if prefix == "" or prefix in _CLITIC1 or prefix in _CLITIC2)


def surname_mentions(texts: dict[str, str], mentions: list[Mention]) -> list[Mention]:
    """Batch form of ``SurnameIndex``: every article scanned with every full name known."""
    index = SurnameIndex()
    index.learn(mentions)
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article].append(m)
    out: list[Mention] = []
    for aid, text in texts.items():
        out += index.scan(aid, text, by_article.get(aid, []))
    return out


class Kept(NamedTuple):
    """A mention as the resolver gives it back (``EntityResolver.mention``): its type, surface,
    lexicon name, Latin rendering, article and span."""

    type: str
    text: str
    canonical: str | None
    latin: str | None
    article: str
    start: int
    end: int


class EntityResolver:
    """Incremental entity resolution: add articles' mentions as they come; entity ids are stable
    (when two entities turn out to be one, the older id stays).

    Every mention is kept, as six 32-bit numbers in columns (its type, surface, lexicon name and
    Latin rendering as numbers of strings kept once each, its span) and its parent in the
    union-find: about 28 bytes a mention. What else is kept grows with the spellings and the
    entities, not with the mentions: the strings, the merge keys, and per name part the people
    whose full name has it."""

    def __init__(self) -> None:
        self._str: list[str | None] = [None]  # string number -> string (0 is None)
        self._sid: dict[str, int] = {}
        self._type, self._text, self._canon, self._latin = array("i"), array("i"), array("i"), array("i")
        self._start, self._end = array("i"), array("i")
        self.parent = array("i")
        self.slots: dict[tuple[str, str, str], int] = {}
        self.ids: dict[int, int] = {}  # root mention index -> entity number
        self.next_id = 1
        # name part -> the union-find roots (at the time they were added) of the full names that have it
        self.parts: dict[str, set[int]] = defaultdict(set)
        # lone name parts waiting for a unique owner, by their key (indices in increasing order)
        self.waiting: dict[str, list[int]] = {}
        # where each article's mentions are: runs of indices [a, b) (one run when an article's
        # mentions come together, as the engine adds them); a mention's index is looked up
        # through a span table made for one article at a time (``_spans``), not kept for all
        self.runs: dict[str, list[int]] = {}
        self._spans: tuple[str, dict[tuple[int, int], int]] | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_spans"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        lone = state.pop("lone", None)  # the state of an older version: one list of waiting parts
        by_span = state.pop("by_span", None)  # older versions kept every mention's span
        kept = state.pop("mentions", None)  # older versions kept every mention as an object
        self.__dict__.update(state)
        self.__dict__.setdefault("_spans", None)
        if kept is not None:
            self._str, self._sid = [None], {}
            for name in ("_type", "_text", "_canon", "_latin", "_start", "_end"):
                setattr(self, name, array("i"))
            for m in kept:
                self._keep(m)
            self.parent = array("i", self.parent)
        if lone is not None:
            self.waiting = {}
            for i in lone:
                self.waiting.setdefault(norm_key(self._s(self._text[i])), []).append(i)
        if by_span is not None or "runs" not in state:
            self.runs = {}
            for i, m in enumerate(kept or []):
                self._run(m.article, i)

    @property
    def size(self) -> int:
        """The number of mentions kept."""
        return len(self.parent)

    def _n(self, s: str | None) -> int:
        if s is None:
            return 0
        n = self._sid.get(s)
        if n is None:
            n = self._sid[s] = len(self._str)
            self._str.append(s)
        return n

    def _s(self, n: int) -> str | None:
        return self._str[n]

    def _keep(self, m: Mention | Kept) -> None:
        self._type.append(self._n(m.type))
        self._text.append(self._n(m.text))
        self._canon.append(self._n(m.canonical or None))
        self._latin.append(self._n(m.latin or None))
        self._start.append(m.start)
        self._end.append(m.end)

    def _articles(self) -> list[str | None]:
        """Every mention's article, from the runs (made when needed, not kept)."""
        out: list[str | None] = [None] * self.size
        for art, runs in self.runs.items():
            for a, b in zip(runs[::2], runs[1::2]):
                out[a:b] = [art] * (b - a)
        return out

    def mention(self, i: int, article: str | None) -> Kept:
        """Mention ``i`` as it was added (``article``: its article, from ``_articles``)."""
        s = self._str
        return Kept(s[self._type[i]], s[self._text[i]], s[self._canon[i]], s[self._latin[i]], article,
                    self._start[i], self._end[i])

    @property
    def mentions(self) -> list[Kept]:
        """Every mention, in the order added (made on each call: for tests and tools)."""
        arts = self._articles()
        return [self.mention(i, arts[i]) for i in range(self.size)]

    def _run(self, article: str, i: int) -> None:
        runs = self.runs.get(article)
        if runs is None:
            self.runs[article] = [i, i + 1]
        elif runs[-1] == i:
            runs[-1] = i + 1
        else:
            runs += [i, i + 1]

    def find(self, i: int) -> int:
        p = self.parent
        while p[i] != i:
            p[i] = p[p[i]]
            i = p[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        ids = [x for x in (self.ids.pop(keep, None), self.ids.pop(drop, None)) if x is not None]
        if ids:
            self.ids[keep] = min(ids)

    def add(self, mentions: Iterable[Mention]) -> None:
        lone: list[int] = []  # new lone name parts
        touched: set[str] = set()  # name parts that got new full names
        self._spans = None  # an article's span table may gain mentions
        for m in mentions:
            i = len(self.parent)
            self._keep(m)
            self.parent.append(i)
            self._run(sys.intern(m.article) if m.article else m.article, i)
            keys = _merge_keys(m)
            for kind, k in keys:
                slot = (m.type, kind, k)
                if slot in self.slots:
                    self.union(self.slots[slot], i)
                else:
                    self.slots[slot] = i
            if m.type == "PERSON":
                full = m.canonical or m.text
                parts = norm_key(full).split()
                if len(parts) >= 2:
                    root = self.find(i)  # owners are read as roots: one entry per person, not per mention
                    for part in parts:
                        self.parts[part].add(root)
                    touched.update(parts)
                resolved = m.canonical and norm_key(m.canonical) != norm_key(m.text)
                if not resolved and len(m.text.split()) == 1:
                    lone.append(i)
            if self.find(i) not in self.ids:
                self.ids[self.find(i)] = self.next_id
                self.next_id += 1
        self._join_lone(lone, touched)

    def _join_lone(self, new: list[int], touched: set[str]) -> None:
        """A lone name part ("يون", "صويلو") joins the one person whose full name has that part;
        when several people share it (two Kims) it stays on its own.

        Only the new parts and the waiting ones whose key got a full name are looked at (a part
        waits only while no full name has it), in the order they came — which gives what going
        over every waiting part would."""
        cands = list(new)
        for k in touched:
            cands.extend(self.waiting.pop(k, ()))
        cands.sort()
        for i in cands:
            k = norm_key(self._s(self._text[i]))
            owners = {self.find(r) for r in self.parts.get(k, ())}
            if len(owners) == 1:
                self.union(owners.pop(), i)
            elif not owners:
                self.waiting.setdefault(k, []).append(i)

    def entity_id(self, m: Mention) -> str | None:
        spans = self._spans
        if spans is None or spans[0] != m.article:
            table: dict[tuple[int, int], int] = {}
            runs = self.runs.get(m.article, [])
            starts, ends = self._start, self._end
            for a, b in zip(runs[::2], runs[1::2]):
                for i in range(a, b):
                    table[(starts[i], ends[i])] = i
            spans = self._spans = (m.article, table)
        i = spans[1].get((m.start, m.end))
        return None if i is None else f"e{self.ids[self.find(i)]}"

    def _groups(self) -> Iterator[tuple[int, list[int], list[str | None]]]:
        """Each entity's root and mention indices (in the order added), in entity-number order;
        and every mention's article."""
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(self.size):
            groups[self.find(i)].append(i)
        arts = self._articles()
        for root in sorted(groups, key=self.ids.__getitem__):
            yield root, groups[root], arts

    def _describe(self, group: list[int]) -> tuple[str, str, str, list[str]]:
        """An entity's type, name, Latin name and aliases (its mentions: the indices ``group``)."""
        s = self._str
        latin: str | None
        if len(group) == 1:  # (two thirds of a large corpus's entities: what the counts below give)
            i = group[0]
            surface = s[self._text[i]]
            name = s[self._canon[i]] if self._canon[i] else surface
            latin = s[self._latin[i]] if self._latin[i] else None
            aliases = [surface]
        else:
            canon = Counter(s[self._canon[i]] for i in group if self._canon[i])
            surfaces = Counter(s[self._text[i]] for i in group)
            name = canon.most_common(1)[0][0] if canon else _longest_common(surfaces)
            latins = Counter(s[self._latin[i]] for i in group if self._latin[i])
            latin = latins.most_common(1)[0][0] if latins else None
            aliases = sorted(surfaces, key=lambda x: (-surfaces[x], x))
        if latin is None:
            from ..text.translit import to_latin

            latin = to_latin(name)
        return s[self._type[group[0]]], name, latin, aliases

    def entities(self) -> list[Entity]:
        out = []
        for root, group, arts in self._groups():
            typ, name, latin, aliases = self._describe(group)
            ms = sorted((self.mention(i, arts[i]) for i in group), key=lambda m: (m.article, m.start))
            out.append(Entity(id=f"e{self.ids[root]}", type=typ, name=name, latin=latin, aliases=aliases, mentions=ms))
        return out

    def iter_entities_json(self) -> Iterator[dict]:
        """The entities in the dossier's shape, one at a time, in entity-number order (no mention
        object made for any mention)."""
        s, texts, starts, ends = self._str, self._text, self._start, self._end
        for root, group, arts in self._groups():
            typ, name, latin, aliases = self._describe(group)
            order = sorted(group, key=lambda i: (arts[i], starts[i]))
            yield {
                "id": f"e{self.ids[root]}", "type": typ, "name": name, "latin": latin, "aliases": aliases,
                "mentions": [{"article": arts[i], "start": starts[i], "end": ends[i], "text": s[texts[i]]}
                             for i in order],
            }


def resolve_entities(mentions: Iterable[Mention]) -> list[Entity]:
    """Merge mentions into entities (batch form of ``EntityResolver``)."""
    r = EntityResolver()
    r.add(mentions)
    return r.entities()


def _longest_common(surfaces: Counter[str]) -> str:
    """The display name of a group without a lexicon name: its most frequent fullest form."""
    best = max(surfaces, key=lambda s: (len(s.split()) >= 2, surfaces[s], len(s)))
    return best
