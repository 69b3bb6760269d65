"""Entity mentions: lexicons and rules, combined with the statistical tagger when it is available.

:func:`find_entities` ``(text) -> list[Mention]`` finds, in one pass over the tokens:

* places (GPE/LOC/FAC) from the gazetteer, clitic-aware (``لبيونغ يانغ`` -> ``بيونغ يانغ``);
* organisations: names (``مجلس الأمن الدولي``, ``الكرملين``), a generic head with a nationality
  adjective or a country (``وزارة الخارجية الأمريكية``, ``الجيش الروسي``, ``وزارة دفاع كوريا
  الجنوبية``), heads with a proper name (``معهد سيجونج``);
* ROLE phrases covering the whole title: [deputy] title [modifier] [nationality] [complement]
  (``نائب وزير الخارجية الأمريكي``, ``الأمين العام لمجلس الأمن الروسي``, ``المتحدث باسم الكرملين``);
* weapons: classes (``صواريخ باليستية``), named systems (``باتريوت``), designations by pattern
  (``S-400``, ``KN-23``, ``M1991`` near a weapon word, ``إس-400``, ``هواسونغ-18``);
* persons: the name after a title (``الرئيس الروسي فلاديمير بوتين``; ``وزير الدفاع الروسي،
  أندريه بيلوسوف،``), before a title after a comma (``شين وونسيك، مستشار الأمن القومي``), a name
  starting with a common given name (``فلاديمير بوتين``), the CRF tagger's spans where the rules
  found nothing, and a surname alone once the full name is known (``بيلوسوف`` -> ``أندريه
  بيلوسوف``; ``كيم`` -> the nearest ``كيم …`` full name).

Overlap policy: mentions do not overlap, except that a ROLE, ORG or FAC mention keeps the names
nested in it as mentions of their own (``المتحدث باسم الكرملين`` is a ROLE and ``الكرملين`` an ORG;
``وزارة دفاع كوريا الجنوبية`` an ORG and ``كوريا الجنوبية`` a GPE). A nationality adjective is not
a mention (``وزارة الخارجية الأمريكية`` gives only the ORG). Among overlapping candidates the
longest wins; on equal length ROLE > ORG > WEAPON > FAC > place; rule mentions beat CRF spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..model import Mention, Token
from ..text import key, strip_diacritics, tokenize
from ..text.translit import to_latin
from .gazetteer import PLACE_TYPES, Hit, _peel, lexicon, scan

__all__ = ["find_entities"]


def _keys(words: str) -> frozenset[str]:
    return frozenset(key(w) for w in words.split())


# Words after a title that stay in the ROLE span.
MODS = _keys("السابق السابقة الأسبق الحالي الحالية الجديد الجديدة المؤقت المؤقتة بالإنابة الراحل الراحلة المنتخب المنتخبة المخلوع المخلوعة المعزول المعزولة "
             "الأعلى العام العامة الدائم الدائمة الخاص الخاصة الرسمي الرسمية الأول الأولى "
             "العسكري العسكرية السياسي الأمني الاقتصادي الاستراتيجي")
# Particles inside person names.
PARTICLES = _keys("عبد أبو أبي بن ابن بنت آل ولد دي دا فون فان")
# Tokens that follow a proper name inside an organisation's name.
ORG_TAILS = _keys("الإخبارية للأنباء الإعلامية الدولية الدولي للدراسات للأبحاث")
FAC_HEADS = _keys("مطار ميناء قاعدة محطة معبر سجن جسر مفاعل منشأة")
FAC_TAILS = _keys("الدولي الجوية البحرية العسكرية النووية الحربية البحري الجوي")
# Words near a Latin designation that make it a weapon (M1991 after طرازي).
WEAPON_CUES = _keys("طراز طرازي طرازات نوع صاروخ صواريخ منظومة منظومات نظام أنظمة دبابة دبابات "
                    "مقاتلة مقاتلات طائرة طائرات قاذفة قاذفات مدفع مدافع قذيفة قذائف راجمة راجمات "
                    "غواصة غواصات مروحية مروحيات مدرعة مدرعات مسيرة مسيرات سلاح أسلحة بندقية")
# Latin codes that look like designations but are not weapons.
NOT_WEAPON = {"covid-19", "g7", "g20", "g8", "h1n1", "h5n1", "mh17", "mh370", "cop28", "cop29", "cop27",
              "a4", "mp3", "mp4", "u-17", "u-20", "u-23", "f1", "4g", "5g", "b2b"}
_DESIG = re.compile(r"^(?:[A-Z][A-Za-z]{0,7}|\d{1,2}[A-Z]{1,2})-?\d{1,4}[A-Za-z]{0,3}(?:-\d{1,3}[A-Za-z]?)?$")
# Designation prefixes that need no weapon word nearby.
_STRONG = re.compile(r"^(?:KN|Su|SU|MiG|Mig|Tu|TU|BM|Kh|Mi|Ka|AH|UH|MQ|RQ|DF|HQ|Hwasong|Shahed|Fateh|Geran|"
                     r"Iskander|Tochka|ZSU|ZU|S|F|T|B|C|J|K|P|R)-\d")
_NUM = re.compile(r"^\d{1,4}[A-Za-z]?$")
_TANWEEN = re.compile("[\u064b-\u064d]")
# Verbal-noun, verb, elative and plural shapes that are not names (on match keys): إجراء إرسال,
# اجتماع, استعادة استطاعت, تطوير تحقيقات, مساعدة, أقال أفضل, معلومات, باستقالتها.
_NOT_NAME_SHAPE = re.compile(r"^(?:ا..ا.?|ا.ت.ا.[هت]?|است.ا.[هت]?|ت..ي.(?:ات)?|م.ا..ه|ا[^اوي]{3}|.{4,}ات|.{2,}(?:تها|تهم|تهما))$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’.-]*$")
_COMMA = {",", "،"}
_PRIORITY = {"ROLE": 5, "ORG": 4, "WEAPON": 3, "FAC": 2, "GPE": 1, "LOC": 1}


@dataclass
class _Span:
    i: int
    j: int
    cut: int
    type: str
    canonical: str
    english: str = ""
    source: str = "lexicon"
    flags: frozenset[str] = frozenset()
    inner: list["_Span"] = field(default_factory=list)
    person: bool = False  # a title that a person's name may follow or precede
    emit: bool = True  # honorifics trigger names but are not mentions

    @property
    def size(self) -> int:
        return self.j - self.i


def _agree_fem(canonical: str) -> bool:
    first = canonical.split(" ", 1)[0]
    return first.endswith("ة") or first in ("القوات", "قوات", "الاستخبارات", "المخابرات")


class _Doc:
    def __init__(self, text: str, toks: list[Token]) -> None:
        self.text = text
        self.toks = toks
        self.keys = [t.key for t in toks]
        self.n = len(toks)
        self.lex = lexicon()
        self.at: list[list[Hit]] = [[] for _ in toks]
        for h in scan(toks):
            self.at[h.i].append(h)
        self.covered = [False] * self.n

    # -- lexicon look-ups at a token ------------------------------------------------------------

    def hits(self, i: int, types: tuple[str, ...], clitic: bool = True, kinds: tuple[str, ...] | None = None) -> list[Hit]:
        if i >= self.n:
            return []
        return [h for h in self.at[i] if h.entry.type in types and (clitic or not h.prefix)
                and (kinds is None or h.entry.kind in kinds)]

    def longest(self, i: int, types: tuple[str, ...], clitic: bool = True, kinds: tuple[str, ...] | None = None) -> Hit | None:
        hs = self.hits(i, types, clitic, kinds)
        if not hs:
            return None
        return max(hs, key=lambda h: (h.j - h.i, -len(h.prefix), h.entry.population,
                                      h.entry.kind in ("country", "capital")))

    def surface(self, i: int, j: int, cut: int = 0) -> str:
        return strip_diacritics(self.text[self.toks[i].start + cut:self.toks[j - 1].end])

    def hit_surface(self, h: Hit) -> str:
        """The matched words (proclitic dropped, ال restored after لل: للرئيس -> الرئيس)."""
        s = self.surface(h.i, h.j, h.cut)
        return "ال" + s if h.prefix.endswith("لل") else s

    def nat(self, i: int) -> Hit | None:
        return self.longest(i, ("NAT",), clitic=False)

    def skip_mods(self, k: int) -> int:
        while k < self.n and self.keys[k] in MODS:
            k += 1
        return k

    def place(self, i: int, clitic: bool = True, gpe_only: bool = False) -> _Span | None:
        h = self.longest(i, ("GPE",) if gpe_only else PLACE_TYPES, clitic)
        if h is None:
            return None
        e = h.entry
        return _Span(h.i, h.j, h.cut, e.type, e.canonical, e.english, e.source)

    # -- organisations --------------------------------------------------------------------------

    def org(self, i: int, clitic: bool = True) -> _Span | None:
        best: _Span | None = None
        for h in self.hits(i, ("ORG",), clitic):
            e = h.entry
            sp: _Span | None = None
            nat_en = next((f[4:] for f in e.flags if f.startswith("nat:")), "")
            k = h.j
            if e.kind in ("name", "head", "needs"):
                nat = self.nat(k) if (nat_en or e.kind != "name") else None
                if nat is not None:
                    ne = nat.entry
                    adj = self._nat_form(ne.cc, fem=_agree_fem(e.canonical), definite=e.definite)
                    base = e.canonical if e.kind != "name" else self.surface(h.i, h.j, h.cut)
                    sp = _Span(h.i, nat.j, h.cut, "ORG", f"{base} {adj}",
                               f"{nat_en or e.english} ({ne.english})")
                elif e.kind != "name" and not e.definite:
                    # construct: وزارة دفاع كوريا الجنوبية, جيش روسيا
                    g = self.place(k, clitic=False, gpe_only=True)
                    if g is not None:
                        sp = _Span(h.i, g.j, h.cut, "ORG", f"{e.canonical} {g.canonical}",
                                   f"{nat_en or e.english} ({g.english})", inner=[g])
                elif e.kind in ("name", "head") and e.definite:
                    sp = _Span(h.i, h.j, h.cut, "ORG", e.canonical, e.english)
                elif e.kind == "name":
                    sp = _Span(h.i, h.j, h.cut, "ORG", e.canonical, e.english)
            elif e.kind == "named":
                sp = self._named_org(h)
            elif e.kind == "short":
                nat = self.nat(k)
                prev = self.keys[h.i - 1] if h.i > 0 else ""
                if nat is not None and self.keys[nat.i].endswith("يه") and not prev.startswith("ال") \
                        and not h.prefix:
                    full = {"Ministry of Foreign Affairs": "وزارة الخارجية", "Ministry of Defence": "وزارة الدفاع",
                            "Ministry of the Interior": "وزارة الداخلية"}.get(e.english, e.canonical)
                    sp = _Span(h.i, nat.j, h.cut, "ORG", f"{full} {self._nat_form(nat.entry.cc, fem=True)}",
                               f"{e.english} ({nat.entry.english})")
            if sp is not None and (best is None or sp.size > best.size):
                best = sp
        return best

    def _nat_form(self, cc: str, fem: bool, definite: bool = True) -> str:
        """The preferred nationality adjective of ``cc``: masculine or feminine, with or without ال
        (forms are stored as m, ال-m, f, ال-f, …)."""
        forms = self.lex.nat_forms.get(cc, [])
        idx = (2 if fem else 0) + (1 if definite else 0)
        return forms[idx] if len(forms) > idx else (forms[0] if forms else "")

    def _named_org(self, h: Hit) -> _Span | None:
        """A head (معهد, صحيفة, وكالة …) and the proper name after it."""
        e = h.entry
        k = h.j
        if k >= self.n:
            return None
        g = self.place(k, clitic=False)
        if g is not None:  # جامعة القاهرة (the place is part of the name, not a mention of its own)
            return _Span(h.i, g.j, h.cut, "ORG", f"{self.hit_surface(h)} {g.canonical}", f"{e.english} ({g.english})")
        t = self.toks[k]
        # a quoted name: صحيفة "الشرق"
        if t.text in ('"', "«", "“", "'"):
            close = {"«": "»", "“": "”"}.get(t.text, t.text)
            for m in range(k + 1, min(self.n, k + 7)):
                if self.toks[m].text == close:
                    if m > k + 1:
                        name = self.text[self.toks[k + 1].start:self.toks[m - 1].end]
                        return _Span(h.i, m + 1, h.cut, "ORG", f"{self.hit_surface(h)} {strip_diacritics(name)}",
                                     f"{e.english} {to_latin(name)}")
                    break
            return None
        names = []
        m = k
        while m < self.n and len(names) < 3:
            tk = self.toks[m]
            if _LATIN_WORD.match(tk.text) and tk.text[:1].isupper():
                names.append(m)
            elif self._plain_name(m):
                names.append(m)
            else:
                break
            m += 1
        if not names:
            return None
        # A following ال-word that is not a nationality or a known tail means the words were a
        # description (مركز تحليل الاستراتيجيات), not a name.
        if m < self.n and self.keys[m].startswith("ال") and self.nat(m) is None and self.keys[m] not in ORG_TAILS:
            return None
        end = names[-1] + 1
        while end < self.n and self.keys[end] in ORG_TAILS:
            end += 1
        name = self.text[self.toks[k].start:self.toks[end - 1].end]
        latin_name = " ".join(self.toks[x].text if _LATIN_WORD.match(self.toks[x].text) else self._latin_tok(x)
                              for x in range(k, end))
        return _Span(h.i, end, h.cut, "ORG", f"{self.hit_surface(h)} {strip_diacritics(name)}",
                     f"{e.english} {latin_name}")

    # -- roles ----------------------------------------------------------------------------------

    def role(self, i: int) -> _Span | None:
        dep = None
        core = None
        for d in self.hits(i, ("DEP",)):
            c = self.longest(d.j, ("ROLE",), clitic=False)
            if c is not None:
                dep, core = d, c
                break
        if core is None:
            core = self.longest(i, ("ROLE",))
            if core is None:
                return None
        e = core.entry
        flags = e.flags
        start_cut = dep.cut if dep else core.cut
        if "honorific" in flags:
            return _Span(i, core.j, start_cut, "ROLE", e.canonical, e.english, person=True, emit=False,
                         flags=flags)
        k = self.skip_mods(core.j)
        nat = self.nat(k)
        if nat is not None:
            k = self.skip_mods(nat.j)
        comp: _Span | None = None
        prep = ""
        envoy = "envoy" in flags
        if e.keys[-1] == "باسم":
            comp = self.org(k, clitic=False) or self.place(k, clitic=False)
        elif not e.definite and nat is None:
            comp = self.org(k, clitic=False) or self.place(k, clitic=False, gpe_only=True)
            if comp is None:
                return None
        elif k < self.n:
            kk = self.keys[k]
            if kk in ("في", "لدي", "باسم") or (kk in ("الي",) and envoy):
                comp = self.org(k + 1, clitic=False)
                if comp is None and (envoy or kk == "باسم"):
                    comp = self.place(k + 1, clitic=False)
                prep = self.toks[k].text + " " if comp else ""
            else:
                for c in (self.org(k), self.place(k) if envoy else None):
                    if c is not None and self.toks[k].key[:1] in ("ل", "ب") and c.i == k and c.cut:
                        comp = c
                        prep = "ل" if self.toks[k].key.startswith("ل") else "ب"
                        break
        if "comp" in flags and comp is None:
            return None
        if "needs" in flags and nat is None and comp is None:
            return None
        end = comp.j if comp else (nat.j if nat else core.j)
        end = max(end, nat.j if nat else 0, core.j)
        if comp is None:
            end = self.skip_mods(end)
        parts = []
        english = e.english
        if dep:
            parts.append(self.surface(dep.i, dep.j, dep.cut))
            english = f"{dep.entry.english} {english}"
        core_text = self.hit_surface(core) if not dep else self.surface(core.i, core.j)
        canon = e.canonical
        if core_text.startswith("ال") and not canon.startswith("ال"):
            canon = "ال" + canon
        elif not core_text.startswith("ال") and canon.startswith("ال") and not dep:
            canon = canon[2:]
        elif dep and canon.startswith("ال") and not core_text.startswith("ال"):
            canon = canon[2:]
        parts.append(canon)
        if nat is not None:
            parts.append(self._nat_form(nat.entry.cc, fem=False, definite=e.definite))
            english += f" ({nat.entry.english})"
        if comp is not None:
            c = comp.canonical
            if prep == "ل":
                parts.append(("لل" + c[2:]) if c.startswith("ال") else "ل" + c)
            elif prep == "ب":
                parts.append("ب" + c)
            else:
                parts.append(prep + c)
            english += f", {comp.english}" if comp.english else ""
        sp = _Span(i, end, start_cut, "ROLE", " ".join(p.strip() for p in parts if p), english,
                   person="person" in flags, flags=flags)
        if comp is not None:
            sp.inner = [comp]
        return sp

    # -- weapons --------------------------------------------------------------------------------

    def _number_after(self, k: int) -> int:
        """End of a model number at ``k`` (``-18``, `` 136``), or ``k`` if none."""
        if k < self.n and self.toks[k].text in ("-", "–") and k + 1 < self.n and _NUM.match(self.toks[k + 1].text):
            return k + 2
        if k < self.n and _NUM.match(self.toks[k].text) and self.toks[k].start - self.toks[k - 1].end <= 1:
            return k + 1
        return k

    def _cue(self, k: int) -> bool:
        for m in range(max(0, k - 4), min(self.n, k + 3)):
            if m == k:
                continue
            for _, b in _peel(self.keys[m]):
                if b in WEAPON_CUES:
                    return True
            if any(h.entry.type == "WEAPON" and h.entry.kind == "class" for h in self.at[m]):
                return True
        return False

    def model(self, k: int, after_class: bool) -> tuple[int, str, str] | None:
        """A weapon model at ``k``: (end, canonical, english)."""
        if k >= self.n:
            return None
        t = self.toks[k]
        if _DESIG.match(t.text) and t.key not in NOT_WEAPON and any(ch.isdigit() for ch in t.text):
            if after_class or _STRONG.match(t.text) or (
                    re.match(r"^[A-Z]{2,}", t.text) and "-" in t.text) or self._cue(k):
                end = k + 1
                nxt = self.longest(end, ("WEAPON",), clitic=False, kinds=("model", "model?"))
                if nxt is not None and _LATIN_WORD.match(self.toks[end].text):
                    return nxt.j, f"{t.text} {nxt.entry.canonical}", f"{t.text} {nxt.entry.english}"
                return end, t.text, t.text
        for h in sorted(self.hits(k, ("WEAPON",), clitic=not after_class, kinds=("model", "model?", "prefix")),
                        key=lambda h: -(h.j - h.i)):
            e = h.entry
            end = self._number_after(h.j)
            num = self.text[self.toks[h.j].start:self.toks[end - 1].end] if end > h.j else ""
            if e.kind == "prefix":
                if not num:
                    continue
                code = e.english if e.english.endswith("-") else e.english + ""
                return end, f"{e.canonical}-{num.lstrip('-').strip()}", f"{code}{num.lstrip('-').strip()}"
            if e.kind == "model?" and not (after_class or num):
                continue
            if num:
                n = num.lstrip("-–").strip()
                return end, f"{e.canonical}-{n}", f"{e.english}-{n}"
            return h.j, e.canonical, e.english
        return None

    def weapon(self, i: int) -> _Span | None:
        cls = self.longest(i, ("WEAPON",), kinds=("class", "head"))
        if cls is not None:
            m = self.model(cls.j, after_class=True)
            if m is not None:
                return _Span(i, m[0], cls.cut, "WEAPON", m[1], m[2], source="pattern")
            cls = self.longest(i, ("WEAPON",), kinds=("class",))
        if cls is not None:
            e = cls.entry
            return _Span(i, cls.j, cls.cut, "WEAPON", e.canonical, e.english)
        m = self.model(i, after_class=False)
        if m is None:
            return None
        hs = self.hits(i, ("WEAPON",))
        cut = max((h.cut for h in hs), default=0)
        return _Span(i, m[0], cut, "WEAPON", m[1], m[2], source="pattern")

    # -- facilities -----------------------------------------------------------------------------

    def facility(self, i: int) -> _Span | None:
        for p, b in _peel(self.keys[i]):
            if b in FAC_HEADS:
                g = self.place(i + 1, clitic=False)
                if g is None or g.type == "FAC" or self._country(i + 1):
                    return None
                end = g.j
                while end < self.n and self.keys[end] in FAC_TAILS:
                    end += 1
                cut = _cut(self.toks[i].text, p)
                name = strip_diacritics(self.text[self.toks[i].start + cut:self.toks[end - 1].end])
                head_en = {"مطار": "Airport", "ميناء": "Port", "ميناء": "Port", "قاعده": "Base",
                           "محطه": "Station", "معبر": "Crossing", "سجن": "Prison", "جسر": "Bridge",
                           "مفاعل": "Reactor", "منشاه": "Facility"}.get(b, "")
                return _Span(i, end, cut, "FAC", name, f"{g.english} {head_en}".strip(), source="pattern",
                             inner=[g])
        return None

    def _country(self, i: int) -> bool:
        h = self.longest(i, PLACE_TYPES, clitic=False)
        return h is not None and h.entry.kind in ("country", "territory")

    # -- persons --------------------------------------------------------------------------------

    def _latin_tok(self, x: int) -> str:
        t = self.toks[x]
        g = self.lex.given.get(t.key)
        if g and g[0]:
            return g[0]
        return to_latin(t.text)

    def _given(self, x: int, allow_amb: bool = False) -> bool:
        g = self.lex.given.get(self.keys[x])
        return g is not None and (allow_amb or not g[1])

    def _known(self, x: int) -> bool:
        """Token ``x`` starts a lexicon entry (place, organisation, role, weapon, nationality)."""
        return any(h.entry.type != "DEP" and h.entry.kind not in ("model?", "prefix", "named")
                   for h in self.at[x])

    def _plain_name(self, x: int) -> bool:
        """A token that may be part of a proper name: not a function word, not known to a lexicon,
        no tanween, no article, no proclitic in front of a known word."""
        t = self.toks[x]
        k = t.key
        if len(k) < 2 or self.covered[x] or not re.search("[\u0621-\u064a]", k):
            return False
        if _TANWEEN.search(t.text) or k.startswith("ال"):
            return False
        if self.lex.is_function(k) or self._known(x) or k in PARTICLES:
            return False
        if k not in self.lex.given and any(_NOT_NAME_SHAPE.match(b) for p, b in _peel(k) if "ك" not in p):
            return False
        if k[0] == "و" and len(k) > 3 and k[1] not in "وا" and k not in self.lex.given:
            return False  # و + word is "and …" (سامي ونديم); وونسيك, وانغ read و as w
        peeled = _peel(k)
        for p, b in peeled[1:]:
            if "ك" in p:
                continue  # كوانغ is not ك + وانغ
            if b.startswith("ال") or b in self.lex.given or b in self.lex.trie or self.lex.is_function(b):
                return False
        return True

    def _name_tok(self, x: int, prev: list[int]) -> bool:
        t = self.toks[x]
        if self.covered[x]:
            return False
        if _LATIN_WORD.match(t.text):
            return t.text[:1].isupper() and not t.text.isupper() and len(t.text) > 1 and not self._known(x)
        if self._given(x, allow_amb=True) and not self._known(x) and (
                not self.lex.is_function(t.key) or strip_diacritics(t.text) == "علي"):
            return True
        if t.key.startswith("ال") and prev:
            pk = self.keys[prev[-1]]
            # بشار الأسد, عبد الله; not a feminine adjective (قاعدة الملك سلمان الجوية)
            if (pk in PARTICLES or pk in self.lex.given) and not self._known(x) \
                    and not self.lex.is_function(t.key) and not _TANWEEN.search(t.text) \
                    and not t.key.endswith(("يه", "ات")):
                return True
            return False
        return self._plain_name(x)

    def name_after(self, k: int, cap: int = 3) -> list[int]:
        out: list[int] = []
        x = k
        while x < self.n and len(out) < cap + (1 if any(self.keys[y] in PARTICLES for y in out) else 0):
            if self.toks[x].text in ("#", "_") and x + 1 < self.n and self.toks[x + 1].start == self.toks[x].end:
                x += 1  # a hashtag: فلاديمير #بوتين, #دونالد_ترمب
                continue
            if out and self.keys[x] in PARTICLES and x + 1 < self.n and not self.covered[x]:
                out.append(x)
                x += 1
                continue
            if not self._name_tok(x, out):
                break
            out.append(x)
            x += 1
        while out and self.keys[out[-1]] in PARTICLES:
            out.pop()
        return out

    def name_before(self, k: int, cap: int = 3) -> list[int]:
        """Name tokens ending at token ``k`` (inclusive), read backwards."""
        out: list[int] = []
        x = k
        while x >= 0 and len(out) < cap:
            if not self._name_tok(x, []):
                if out and self.keys[x] in PARTICLES:
                    out.insert(0, x)
                    x -= 1
                    continue
                break
            out.insert(0, x)
            if self._given(x, allow_amb=True):
                break
            x -= 1
        while out and self.keys[out[0]] in PARTICLES:
            out.pop(0)
        return out


def _verb_like(doc: _Doc, x: int) -> bool:
    """A one-word "name" that looks like an imperfect verb (يتجه, تعتزم): ي/ت/ن + 3 letters or
    more, not a known given name, not ``تش`` (a foreign ch)."""
    k = doc.keys[x]
    return (len(k) >= 4 and k[0] in "يتن" and not k.startswith("تش") and k not in doc.lex.given)


def _cut(text: str, prefix: str) -> int:
    from .gazetteer import _cut_chars

    return _cut_chars(text, prefix)


def _person(doc: _Doc, idx: list[int], source: str, first_cut: int = 0) -> _Span:
    i, j = idx[0], idx[-1] + 1
    start = doc.toks[i].start + first_cut
    name = " ".join(strip_diacritics(doc.text[start:doc.toks[j - 1].end]).replace("#", " ").replace("_", " ").split())
    latin = " ".join(doc._latin_tok(x) if x != i or not first_cut else to_latin(doc.toks[x].text[first_cut:])
                     for x in range(i, j) if re.search(r"\w", doc.toks[x].text))
    return _Span(i, j, first_cut, "PERSON", name, latin, source=source)


_CRF_OK: bool | None = None


def _crf_ready() -> bool:
    """Whether the CRF tagger can be used: module importable, model present and loadable."""
    global _CRF_OK
    if _CRF_OK is None:
        _CRF_OK = False
        try:
            from . import ner  # type: ignore[attr-defined]

            if hasattr(ner, "crf_mentions"):
                path = getattr(ner, "MODEL_PATH", None)
                if path is None or Path(path).exists():
                    tagger = getattr(ner, "default_tagger", None)
                    if tagger is not None:
                        tagger().tagger  # load the model once, outside any tagging call
                    _CRF_OK = True
        except Exception:  # absent, no model yet, or broken: the rules work alone
            _CRF_OK = False
    return _CRF_OK


_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def _crf_mentions(text: str, tokens: list[Token] | None = None) -> list[Mention]:
    return crf_mentions_many([text], [tokens])[0]


def crf_mentions_many(texts: Sequence[str], tokens: Sequence[list[Token] | None] | None = None) -> list[list[Mention]]:
    """The CRF's mentions in each text, as ``find_entities`` uses them (``crf=``), the texts tagged
    together (:func:`khabar.extract.ner.crf_mentions_many`); none when the tagger is unavailable.
    A failure on the batch falls back on the texts one by one, so a bad text loses only its own."""
    tokens = list(tokens) if tokens is not None else [None] * len(texts)
    if not _crf_ready():
        return [[] for _ in texts]
    from .ner import crf_mentions_many as tag_many  # type: ignore[attr-defined]

    def keep(ms: list[Mention]) -> list[Mention]:
        # the tagger learnt Arabic news text: its spans over Latin-script words (markup, code, English
        # quotes) are guesses, so only spans with Arabic letters are kept
        return [m for m in ms if _ARABIC_LETTER.search(m.text)]

    try:
        return [keep(ms) for ms in tag_many(texts, tokens=tokens)]
    except Exception:
        if len(texts) == 1:
            return [[]]
        return [crf_mentions_many([t], [k])[0] for t, k in zip(texts, tokens, strict=True)]


def find_entities(text: str, crf: bool | list[Mention] = True, nested: bool = True,
                  tokens: list[Token] | None = None) -> list[Mention]:
    """Entity mentions in ``text`` (PERSON ORG GPE LOC FAC WEAPON ROLE), in text order.

    ``crf``: also use :func:`khabar.extract.ner.crf_mentions` where it is importable and has a model;
    or the CRF's mentions of ``text`` already found (:func:`crf_mentions_many`, for a batch).
    ``nested``: keep the names nested in ROLE/ORG/FAC mentions as mentions of their own.
    ``tokens``: ``tokenize(text)`` when the caller has it already (it is not modified).
    """
    toks = tokenize(text) if tokens is None else tokens
    if not toks:
        return []
    doc = _Doc(text, toks)
    n = doc.n
    spans: list[_Span] = []

    # 1. Phrases: roles, organisations, weapons, facilities, places; longest first at each token.
    i = 0
    while i < n:
        if not doc.at[i] and not _DESIG.match(toks[i].text) and not _fac_headed(doc.keys[i]):
            i += 1
            continue
        cands = [c for c in (doc.role(i), doc.org(i), doc.weapon(i), doc.facility(i), doc.place(i)) if c]
        if not cands:
            i += 1
            continue
        best = max(cands, key=lambda c: (c.size, _PRIORITY.get(c.type, 0)))
        spans.append(best)
        for x in range(best.i, best.j):
            doc.covered[x] = True
        i = best.j

    # 2. Persons after and before titles.
    persons: list[_Span] = []
    for sp in list(spans):
        if not sp.person:
            continue
        k = sp.j
        comma = k < n and toks[k].text in _COMMA
        if comma:
            k += 1
        idx = doc.name_after(k)
        if len(idx) == 1 and _verb_like(doc, idx[0]):
            idx = []  # وزير الدفاع الروسي يتجه …
        if idx and comma and not (any(doc._given(x, allow_amb=True) for x in idx)
                                  or idx[-1] + 1 >= n or not toks[idx[-1] + 1].text[:1].isalnum()):
            idx = []  # "TITLE، X Y" is a name only with a given name or a closing comma
        if idx:
            p = _person(doc, idx, "title")
            persons.append(p)
            for x in range(p.i, p.j):
                doc.covered[x] = True
            continue
        if sp.emit and sp.i >= 2 and toks[sp.i - 1].text in _COMMA and not sp.cut:
            idx = doc.name_before(sp.i - 2)
            if idx:
                p = _person(doc, idx, "title")
                persons.append(p)
                for x in range(p.i, p.j):
                    doc.covered[x] = True

    # 3. Names that start with a common given name (فلاديمير بوتين), clitic peeled (وفلاديمير).
    for x in range(n):
        if doc.covered[x]:
            continue
        given = doc.lex.given_start(doc.keys[x])
        if given is None:
            continue
        if doc.lex.is_function(doc.keys[x]) and strip_diacritics(toks[x].text) != "علي":
            continue  # على, أن: function words whose keys are those of names (علي, آن)
        rest = doc.name_after(x + 1, cap=2)
        if rest:
            pers = _person(doc, [x] + rest, "name", first_cut=_cut(toks[x].text, given[0]))
            persons.append(pers)
            for y in range(pers.i, pers.j):
                doc.covered[y] = True

    spans.extend(persons)
    mentions = [_to_mention(doc, sp) for sp in spans if sp.emit]
    if nested:
        for sp in spans:
            if sp.emit:
                for inner in _inner(sp):
                    mentions.append(_to_mention(doc, inner))

    # 4. CRF spans where the rules found nothing.
    if isinstance(crf, list) or crf:
        taken = [(m.start, m.end) for m in mentions]
        for m in (crf if isinstance(crf, list) else _crf_mentions(text, toks)):
            if m.type not in ("PERSON", "ORG", "GPE", "LOC", "FAC") or len(m.text.strip()) < 2:
                continue
            if any(m.start < e and s < m.end for s, e in taken):
                continue
            if key(m.text) and all(doc.lex.is_function(k) for k in key(m.text).split()):
                continue
            canon = strip_diacritics(m.text)
            known = doc.lex.lookup(m.text, PLACE_TYPES + ("ORG",)) if m.type != "PERSON" else None
            mentions.append(Mention(start=m.start, end=m.end, text=m.text, type=m.type,
                                    key=key(known.canonical if known else canon),
                                    canonical=known.canonical if known else canon,
                                    latin=(known.english if known else None) or to_latin(m.text), source="crf"))
            taken.append((m.start, m.end))

    # 5. Surnames alone once the full name is known.
    mentions = _surnames(doc, mentions)
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return mentions


@lru_cache(maxsize=1 << 16)
def _fac_headed(k: str) -> bool:
    """A word key that is a facility's head noun (مطار، ميناء), behind proclitics at most."""
    return any(b in FAC_HEADS for _, b in _peel(k))


def _inner(sp: _Span) -> list[_Span]:
    out = []
    for s in sp.inner:
        out.append(s)
        out.extend(_inner(s))
    return out


def _to_mention(doc: _Doc, sp: _Span) -> Mention:
    start = doc.toks[sp.i].start + sp.cut
    end = doc.toks[sp.j - 1].end
    canonical = sp.canonical
    latin = sp.english or to_latin(canonical)
    return Mention(start=start, end=end, text=doc.text[start:end], type=sp.type, key=key(canonical),
                   canonical=canonical, latin=latin, source=sp.source)


def _surnames(doc: _Doc, mentions: list[Mention]) -> list[Mention]:
    """``بيلوسوف`` alone -> PERSON ``أندريه بيلوسوف`` (the nearest full mention, preceding first)."""
    full = [m for m in mentions if m.type == "PERSON" and len(m.canonical.split()) >= 2]
    if not full:
        return mentions
    lex = doc.lex
    by_key: dict[str, list[Mention]] = {}
    for m in full:
        words = key(m.canonical).split()
        if words[0] in _FAMILY_FIRST:
            cand = [words[0]]  # كيم جونغ أون: كيم alone, never أون alone
        else:
            cand = [w for w in (words[-1],) if len(w) >= 4 and w not in lex.given]
        for w in cand:
            if not lex.is_function(w):
                by_key.setdefault(w, []).append(m)
    if not by_key:
        return mentions
    spans = [(m.start, m.end) for m in mentions]
    out = list(mentions)
    # Single-word PERSON mentions take the full name's canonical form.
    for idx, m in enumerate(out):
        if m.type == "PERSON" and len(m.canonical.split()) == 1:
            f = _nearest(by_key.get(key(m.canonical), []), m.start)
            if f is not None:
                out[idx] = Mention(start=m.start, end=m.end, text=m.text, type="PERSON", key=f.key,
                                   canonical=f.canonical, latin=f.latin, source=m.source)
    for t in doc.toks:
        if not any(b in by_key for _, b in _peel(t.key)):
            continue  # (checked first: it is the cheap test, and almost every token fails it)
        if any(s < t.end and t.start < e for s, e in spans):
            continue
        for p, b in _peel(t.key):
            if b in by_key:
                f = _nearest(by_key[b], t.start)
                if f is None:
                    break
                start = t.start + _cut(t.text, p)
                out.append(Mention(start=start, end=t.end, text=doc.text[start:t.end], type="PERSON",
                                   key=f.key, canonical=f.canonical, latin=f.latin, source="coref"))
                break
    return out


# Family name first (Korean, Chinese): كيم alone refers back to كيم جونغ أون.
_FAMILY_FIRST = _keys("كيم لي بارك يون مون هان تشوي تشو شين شي وانغ وانج نو ري")


def _nearest(cands: list[Mention], pos: int) -> Mention | None:
    if not cands:
        return None
    before = [m for m in cands if m.start < pos]
    if before:
        return max(before, key=lambda m: m.start)
    return min(cands, key=lambda m: m.start)
