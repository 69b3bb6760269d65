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
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..model import Entity, Mention
from ..text.normalize import key as norm_key

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


def _latin_for(name: str, mentions: list[Mention]) -> str:
    latins = Counter(m.latin for m in mentions if m.latin)
    if latins:
        return latins.most_common(1)[0][0]
    from ..text.translit import to_latin

    return to_latin(name)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_NAME_TOKEN = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")


def surname_mentions(texts: dict[str, str], mentions: list[Mention]) -> list[Mention]:
    """Mentions of people by surname alone in articles that never give the full name.

    A person's last name (from a full name found anywhere in the corpus, owned by that one person
    only, four letters or more) is a mention wherever it stands alone as a word (with a
    conjunction or preposition clitic at most) outside any other mention.
    """
    from ..text.tokens import bases

    owners: dict[str, set[str]] = defaultdict(set)
    full_of: dict[str, Mention] = {}
    for m in mentions:
        if m.type != "PERSON":
            continue
        full = m.canonical or m.text
        parts = full.split()
        if len(parts) >= 2 and len(norm_key(parts[-1])) >= 4 and not norm_key(parts[-1]).startswith("ال"):
            last = norm_key(parts[-1])
            owners[last].add(norm_key(full))
            full_of.setdefault(last, m)
    surnames = {k: full_of[k] for k, v in owners.items() if len(v) == 1}
    if not surnames:
        return []
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        covered[m.article].append((m.start, m.end))
    out: list[Mention] = []
    for aid, text in texts.items():
        spans = covered.get(aid, [])
        for tm in _NAME_TOKEN.finditer(text):
            for prefix, base in bases(norm_key(tm.group()))[:4]:
                if base in surnames and prefix in ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل"):
                    start, end = tm.start() + len(prefix), tm.end()
                    if any(s <= start < e or s < end <= e for s, e in spans):
                        break
                    src = surnames[base]
                    out.append(Mention(start, end, text[start:end], "PERSON", key=norm_key(src.canonical or src.text),
                                       canonical=src.canonical or src.text, latin=src.latin, source="surname",
                                       article=aid))
                    break
    return out


def resolve_entities(mentions: Iterable[Mention]) -> list[Entity]:
    """Merge mentions into entities (ids ``e1``, ``e2``, … in order of first appearance)."""
    ms = list(mentions)
    uf = _UnionFind(len(ms))
    first: dict[tuple[str, str], int] = {}
    for i, m in enumerate(ms):
        # A mention the extractor resolved (a surname after the full name, a gazetteer place) joins
        # by its canonical name only: a bare "كيم" must not tie two different Kims together.
        names = {m.canonical} if m.canonical else {m.text}
        if m.type == "PERSON" and len((m.canonical or m.text).split()) < 2:
            names = set()  # a lone, unresolved name part is too ambiguous to merge on
        keys = set()
        for name in names:
            keys.add(("key", norm_key(name)))
            sk = skeleton(name)
            if len(sk.replace(" ", "")) >= 3:  # too short a skeleton says nothing
                keys.add(("skel", sk))
        if not keys:
            keys.add(("mention", f"{m.article}:{m.start}"))
        for kind, k in keys:
            slot = (m.type, f"{kind}:{k}")
            if slot in first:
                uf.union(first[slot], i)
            else:
                first[slot] = i
    _join_name_parts(ms, uf)
    groups: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(ms):
        groups[uf.find(i)].append(m)
    entities: list[Entity] = []
    for n, root in enumerate(sorted(groups), start=1):
        group = groups[root]
        canon = Counter(m.canonical for m in group if m.canonical)
        surfaces = Counter(m.text for m in group)
        name = canon.most_common(1)[0][0] if canon else _longest_common(surfaces)
        entities.append(
            Entity(
                id=f"e{n}",
                type=group[0].type,
                name=name,
                latin=_latin_for(name, group),
                aliases=sorted(surfaces, key=lambda s: (-surfaces[s], s)),
                mentions=sorted(group, key=lambda m: (m.article, m.start)),
            )
        )
    return entities


def _join_name_parts(ms: list[Mention], uf: _UnionFind) -> None:
    """A lone name part ("يون", "صويلو") that no extractor resolved joins the one person whose full
    name has that part; when several people share it (two Kims) it stays on its own."""
    owners: dict[str, set[int]] = defaultdict(set)
    for i, m in enumerate(ms):
        if m.type != "PERSON":
            continue
        full = m.canonical or m.text
        parts = norm_key(full).split()
        if len(parts) >= 2:
            for p in parts:
                owners[p].add(uf.find(i))
    for i, m in enumerate(ms):
        resolved = m.canonical and norm_key(m.canonical) != norm_key(m.text)
        if m.type != "PERSON" or resolved or len(m.text.split()) != 1:
            continue
        roots = {uf.find(r) for r in owners.get(norm_key(m.text), ())}
        if len(roots) == 1:
            uf.union(roots.pop(), i)


def _longest_common(surfaces: Counter[str]) -> str:
    """The display name of a group without a lexicon name: its most frequent fullest form."""
    best = max(surfaces, key=lambda s: (len(s.split()) >= 2, surfaces[s], len(s)))
    return best


def entities_json(entities: list[Entity]) -> list[dict]:
    return [
        {
            "id": e.id,
            "type": e.type,
            "name": e.name,
            "latin": e.latin,
            "aliases": e.aliases,
            "mentions": [{"article": m.article, "start": m.start, "end": m.end, "text": m.text} for m in e.mentions],
        }
        for e in entities
    ]
