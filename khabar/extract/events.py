"""Typed events with their arguments, the source they are attributed to, and their modality.

:func:`find_events` ``(text, mentions, quantities, times, published, outlet) -> list[Event]`` reads
one article sentence by sentence (the ontology is ``docs/events.md``):

1. **Triggers** come from ``khabar/data/event_triggers.tsv`` (inflected forms, clitic-aware; see
   :mod:`khabar.extract.event_lexicon`). A trigger's conditions look at the nouns around it in its
   clause (``need=``, ``cls:``): ``أرسل`` with troops is a DEPLOY and with shells a TRANSFER, ``نشر``
   is an event only with troops, ``أطلق`` is a LAUNCH with a missile and nothing with a campaign.
   Purpose masdars (``لتعزيز``), conditions (``إذا``), wishes and offers (``دعا إلى``، ``مستعدة
   لـ``) do not make events; a masdar needs an argument of its own.
2. **Frames**: reporting verbs (``قال … إن``، ``أعلن``، ``أبلغ … المشرعين أن``، ``كشف``), relays
   (``بحسب``، ``وفقا لـ``، ``نقلا عن``، ``حسبما أفادت``) and participles (``مضيفاً``) give each event
   its source; ``وأضاف``/``وتابع``/``وأوضح المصدر`` carry the last speaker into the next sentence.
   A reporting verb whose content holds no event is itself a STATEMENT; a denial whose content holds
   none is a DENY.
3. **Arguments** by the structure of the clause: the topic before the verb (``روسيا زودت``) or the
   subject after it (VSO), the direct object, and phrases after إلى / لـ / على / مع / من / في / بـ,
   mapped to roles by the trigger's frame (``زوّد X بـY``: X recipient, Y object). Capitals, seats
   of power and national bodies stand for their state (``actor_state``); nationality adjectives
   (``طائرة إماراتية``) name the sender. ``مقابل`` makes the reverse side of an exchange.
4. **Modality** with the annotation guide's precedence denied > planned > estimated > uncertain >
   reported > asserted; **date** from a time expression in the clause, else the article's date
   (a running tally at day precision, other past events at month precision, ``date_source``
   "article"), never for planned, projected, doubtful or denied events.

Everything is a pure function of one article; offsets point into ``text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..model import Attribution, Event, Mention, Quantity, TimeExpr, Token
from ..text import key, sentences, strip_diacritics, tokenize
from .event_lexicon import Hit, Trigger, event_lexicon
from .gazetteer import PLACE_TYPES
from .gazetteer import countries as _countries
from .gazetteer import lexicon as gaz_lexicon

__all__ = ["find_events"]

# -- small word lists (structure words, not domain vocabulary) -----------------------------------

_K = lambda s: frozenset(key(w) for w in s.split())

PREPS = _K("في إلى الى على عن مع من لدى ضد حول نحو عبر بين داخل قرب قرابة تجاه خلال منذ بعد قبل عند لصالح باتجاه فوق تحت "
           "مثل بينها منها")
# prepositions that open a phrase a role can come from (the others are adverbial)
ROLE_PREPS = _K("إلى الى على عن مع من في لدى ضد تجاه لصالح")
SUBORD = _K("حيث إذ عندما حين بعدما قبلما كلما لأن كي لكي ثم")
BLOCK_PUNCT = set("()[]{}«»\"“”—–-:؛;!?؟|/")
COMMA = {",", "،"}
_AGENT_TYPES = ("PERSON", "ORG", "GPE", "ROLE")
_STATE_KINDS = ("country", "territory")
_CURRENCY = {"dollar", "euro", "lira", "riyal", "pound", "dinar", "dirham", "ruble", "rouble", "yen", "yuan",
             "won", "shekel", "franc", "rupee"}
_PERSONNEL_UNITS = {"soldier", "troops", "personnel", "team", "rescuer", "officer", "mercenary", "fighter",
                    "volunteer", "police officer", "general", "unit", "battalion", "brigade"}
_GOODS_UNITS = {"missile", "shell", "bomb", "container", "ton", "tonne", "rocket", "round", "drone", "tank",
                "mobile home", "tent", "shipment", "box", "litre", "barrel", "kilogram", "piece", "launcher",
                "system", "gun", "howitzer", "vehicle"}
_VEHICLE_UNITS = {"aircraft", "truck", "flight", "ship", "plane", "convoy", "helicopter"}
_CASUALTY_UNITS = {"dead", "injured", "person", "body", "victim"}
_DURATION_UNITS = {"day", "month", "year", "week", "hour"}
_TALLY_MODAL_OK = ("asserted", "reported")
_DIGIT = re.compile(r"\d")


def _unit_classes(unit: str | None) -> set[str]:
    if not unit:
        return set()
    out = set()
    if unit in _PERSONNEL_UNITS:
        out.add("personnel")
    if unit in _GOODS_UNITS:
        out.add("goods")
    if unit in _CURRENCY:
        out.add("money")
    if unit in _VEHICLE_UNITS:
        out.add("vehicle")
        if unit in ("aircraft", "plane", "helicopter"):
            out.add("aircraft")
    if unit in ("missile", "rocket", "drone"):
        out.update(("missile", "aircraft") if unit == "drone" else ("missile",))
    if unit in ("dead", "injured"):
        out.add("casualty")
    return out


# -- gazetteer helpers ---------------------------------------------------------------------------




@lru_cache(maxsize=65536)
def _nat(k: str):
    """The nationality entry of a token key (also accusative, dual and sound-plural forms)."""
    nat = gaz_lexicon().nat
    cands = [k]
    if k.endswith("ا"):
        cands.append(k[:-1])
    for suf in ("تان", "تين"):
        if k.endswith(suf):
            cands += [k[:-3], k[:-3] + "ه"]
    for suf in ("ان", "ين", "ون"):
        if k.endswith(suf) and len(k) > 5:
            cands += [k[:-2], k[:-2] + "ه"]
    for c in cands:
        for p in ("", "و", "ف", "ب", "ل", "وال", "بال", "لل"):
            if p and not c.startswith(p):
                continue
            e = nat.get(c[len(p):])
            if e is not None:
                return e
    return None


@lru_cache(maxsize=65536)
def _state_of(canonical: str, mtype: str) -> str | None:
    """The state a mention stands for (its canonical form and type), or None."""
    if not canonical:
        return None
    lex = event_lexicon()
    k = key(canonical)
    seat = lex.seats.get(k) or lex.seats.get(k[2:] if k.startswith("ال") else "ال" + k)
    if seat:
        return seat
    countries = _countries()
    if mtype in ("GPE", "LOC", "FAC"):
        e = gaz_lexicon().lookup(canonical, PLACE_TYPES)
        if e is None or not e.cc:
            return None
        if e.kind in _STATE_KINDS:
            return e.canonical
        if e.kind == "capital":
            return countries.get(e.cc)
        return None
    if mtype == "ORG":
        words = k.split()
        # a national body: وزارة الدفاع الروسية، الجيش الكوري الجنوبي (the adjective at the end)
        for n in (2, 1):
            if len(words) > n:
                e = gaz_lexicon().nat.get(" ".join(words[-n:]))
                if e is not None:
                    return countries.get(e.cc)
        # construct with a country: وزارة دفاع كوريا الجنوبية، جيش روسيا
        for n in (3, 2, 1):
            if len(words) > n:
                g = gaz_lexicon().lookup(" ".join(words[-n:]), ("GPE",))
                if g is not None and g.kind in _STATE_KINDS and words[0] in _GOV_HEADS:
                    return g.canonical
    return None


_GOV_HEADS = _K("وزارة وزاره جيش الجيش حكومة الحكومة رئاسة الرئاسة قوات القوات مجلس وكالة جهاز هيئة سلطات السلطات "
                "خارجية الخارجية دفاع الدفاع داخلية الداخلية مكتب البرلمان برلمان سفارة السفارة بحرية البحرية")


# -- document ------------------------------------------------------------------------------------


@dataclass
class NP:
    """A noun phrase that can fill a role: tokens ``i``..``j`` (exclusive).

    kind: M (an entity mention), N (a nationality adjective), A (an anonymous source: مسؤول، مصدر،
    خبراء), R (reports, media), Q (a quantity: أكثر من 60 دولة), X (a classed noun: فرق، طائرات،
    مساعدات), P (another definite noun phrase: الدفاع المدني، المحافظات)."""

    i: int
    j: int
    kind: str
    prep: str = ""  # governing preposition key ("" for none)
    mention: Mention | None = None
    cc: str = ""
    classes: frozenset[str] = frozenset()
    start: int = 0  # character offsets of the phrase (after any proclitic)
    end: int = 0
    coord: list[NP] = field(default_factory=list)  # coordinated phrases that follow (و …)
    is_coord: bool = False  # this phrase is itself a coordinated member (و …)
    title: Mention | None = None  # the title before a name (الرئيس التركي رجب طيب أردوغان)
    pron: bool = False  # the head carries a pronoun suffix (قواتها، عسكرييها)
    homeland: bool = False  # بلاده / بلادها: "his/her country", resolved to the antecedent's state

    @property
    def agentive(self) -> bool:
        if self.kind == "M":
            return self.mention is not None and self.mention.type in _AGENT_TYPES
        if self.kind in ("N", "A", "R", "P"):
            return True
        if self.kind == "Q":
            return not (self.classes & {"goods", "money", "casualty"})
        return bool(self.classes & {"personnel", "agent"})

    @property
    def last(self) -> int:
        return max([self.j] + [c.j for c in self.coord])

    @property
    def place(self) -> bool:
        return self.kind == "M" and self.mention is not None and self.mention.type in PLACE_TYPES


@dataclass
class Frame:
    """A reporting frame: a speaker and the token span of what is attributed to it."""

    i: int  # the verb (or relay word) token
    j: int
    lo: int  # content span (tokens)
    hi: int
    sources: list[Attribution]
    kind: str  # report | relay | part | part0 | wish | deny | say
    trig: Trigger | None = None
    cand: Cand | None = None
    speaker_np: NP | None = None
    date_tok: int | None = None  # a time expression dating the speech act
    modality: str = "asserted"
    comp: bool = False
    negated: bool = False
    hi0: int = 0  # the content's end before it was cut at the next speech frame
    date_value: str | None = None  # the speech act's date, also for a speech continued (وأضاف)


@dataclass
class Cand:
    """A trigger found in a sentence, before its event is built."""

    hit: Hit
    trig: Trigger
    type: str
    subtype: str | None
    i: int
    j: int
    extra: list[tuple[str, str | None]] = field(default_factory=list)  # second event on one trigger
    subj: NP | None = None
    subj_done: bool = False

    @property
    def cls(self) -> str:
        return self.hit.value.cls

    @property
    def nominal(self) -> bool:
        """A masdar, a participle, or a fixed noun phrase (ترخيصاً عاماً، حق النقض)."""
        return self.hit.value.cls in ("masdar", "participle") or (self.hit.value.cls == "phrase" and
                                                                  self.trig.has("bare"))

    @property
    def verbal(self) -> bool:
        return self.hit.value.cls in ("past", "present", "passive") or (self.hit.value.cls == "phrase" and
                                                                         not self.trig.has("bare"))


class _Doc:
    def __init__(self, text: str, mentions: list[Mention], quantities: list[Quantity], times: list[TimeExpr],
                 published: str | None, tokens: list[Token] | None = None) -> None:
        self.text = text
        self.toks: list[Token] = tokenize(text) if tokens is None else tokens
        self.keys = [t.key for t in self.toks]
        self.pk = [_peel_conj(k) for k in self.keys]  # the keys with a و/ف conjunction peeled
        self.starts = [t.start for t in self.toks]
        self.n = len(self.toks)
        self.lex = event_lexicon()
        self.glex = gaz_lexicon()
        self.published = published
        self.mentions = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
        # mentions starting at each token (outermost first); the widest mention covering each token
        self.ment_at: list[list[tuple[Mention, int]]] = [[] for _ in range(self.n)]
        self.covered: list[Mention | None] = [None] * self.n
        fixed = []
        for m in self.mentions:
            a = self.tok_at(m.start)
            b = self.tok_at(max(m.start, m.end - 1))
            if a is not None and b is not None and m.type == "PERSON" and b > a and \
                    any(h.value.cls in ("past", "present") and not h.prefix for h in self.lex.triggers_at(self.keys, b)):
                m = replace(m, end=self.toks[b - 1].end, text=text[m.start:self.toks[b - 1].end])
                b -= 1
            fixed.append(m)
        self.mentions = fixed
        self.ment_starts = [m.start for m in self.mentions]
        self.mkey = {id(m): key(m.canonical or m.text) for m in self.mentions}
        for m in self.mentions:
            a = self.tok_at(m.start)
            b = self.tok_at(max(m.start, m.end - 1))
            if a is None or b is None:
                continue
            self.ment_at[a].append((m, b + 1))
            for x in range(a, b + 1):
                cur = self.covered[x]
                if cur is None or (cur.end - cur.start) < (m.end - m.start):
                    self.covered[x] = m
        self.qty_at: list[Quantity | None] = [None] * self.n
        self.qty_start: dict[int, tuple[Quantity, int]] = {}
        for q in sorted(quantities, key=lambda q: q.start):
            a, b = self.tok_at(q.start), self.tok_at(max(q.start, q.end - 1))
            if a is None or b is None:
                continue
            self.qty_start.setdefault(a, (q, b + 1))
            for x in range(a, b + 1):
                self.qty_at[x] = q
        self.time_at: list[TimeExpr | None] = [None] * self.n
        for t in sorted(times, key=lambda t: t.start):
            a, b = self.tok_at(t.start), self.tok_at(max(t.start, t.end - 1))
            if a is None or b is None:
                continue
            for x in range(a, b + 1):
                self.time_at[x] = t
        self._nouns: dict[int, list[Hit]] = {}
        self._classes: dict[int, frozenset[str]] = {}
        # the trigger and cue hits at every token, and per token cue category -> its first (longest)
        # hit: the extractor asks for nearly every token's, several times each
        lex, keys = self.lex, self.keys
        self.trig: list[list[Hit]] = lex.triggers_all(keys)
        self.cue_hits: list[list[Hit]] = lex.cues_all(keys)
        self.cmap: list[dict[str, Hit]] = [_cue_map(hits) if hits else _NO_CUES for hits in self.cue_hits]
        # whether each token reads as a verb form of a trigger (past, present, passive); is punctuation
        self.verb: list[bool] = [any(h.value.cls in ("past", "present", "passive") for h in hits) for hits in self.trig]
        self.punct: list[bool] = [_is_punct(t.text) for t in self.toks]

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """Mentions starting in [start, end), in text order."""
        a = bisect.bisect_left(self.ment_starts, start)
        b = bisect.bisect_left(self.ment_starts, end)
        return self.mentions[a:b]

    def tok_at(self, pos: int) -> int | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0 or i >= self.n or pos >= self.toks[i].end:
            return None
        return i

    def nouns(self, i: int) -> list[Hit]:
        h = self._nouns.get(i)
        if h is None:
            h = self._nouns[i] = self.lex.nouns_at(self.keys, i)
        return h

    def classes_at(self, i: int) -> frozenset[str]:
        """Noun classes of token ``i`` (lexicon, WEAPON mentions, quantity units, agents)."""
        c = self._classes.get(i)
        if c is not None:
            return c
        out = {h.value for h in self.nouns(i)}
        m = self.covered[i]
        if m is not None:
            if m.type == "WEAPON":
                out.update(("weapon", "goods"))
                ck = key(m.canonical or m.text)
                if any(w in ck for w in ("صاروخ", "صواريخ", "قمر", "اقمار", "مقذوف")):
                    out.add("missile")
                if any(w in ck for w in ("طائر", "مقاتل", "مسير", "قاذف", "مروحي")):
                    out.update(("aircraft", "vehicle"))
            elif m.type in ("PERSON", "ROLE"):
                out.add("agent")
            elif m.type in ("LOC", "FAC"):
                out.add("site")
            elif m.type == "GPE":
                e = self.glex.lookup(m.canonical or m.text, PLACE_TYPES)
                if e is None or e.kind not in _STATE_KINDS:
                    out.add("site")
        q = self.qty_at[i]
        if q is not None:
            out |= _unit_classes(q.unit)
        c = self._classes[i] = frozenset(out)
        return c

    def cues(self, i: int) -> list[Hit]:
        return self.cue_hits[i]

    def cue(self, i: int, cat: str) -> Hit | None:
        return self.cmap[i].get(cat)

    def is_comp(self, i: int) -> bool:
        return "comp" in self.cmap[i] and self.toks[i].text != ":"

    def is_fn(self, k: str) -> bool:
        return self.glex.is_function(k)


def _cue_map(hits: list[Hit]) -> dict[str, Hit]:
    """Cue category → the first (longest) of ``hits`` of that category."""
    m: dict[str, Hit] = {}
    for h in hits:
        m.setdefault(h.value, h)
    return m


# -- helpers on tokens ---------------------------------------------------------------------------


def _conj_cut(text: str) -> int:
    """Characters of a leading و/ف conjunction (with its diacritics) in ``text``."""
    if len(text) > 2 and text[0] in "وف":
        i = 1
        while i < len(text) and "\u064b" <= text[i] <= "\u065f":
            i += 1
        return i
    return 0


def _prefix_cut(text: str, prefix_key: str) -> int:
    """Characters of ``text`` that spell the proclitic key ``prefix_key`` (diacritics included)."""
    if not prefix_key:
        return 0
    n = 0
    i = 0
    while i < len(text) and n < len(prefix_key):
        if not ("\u064b" <= text[i] <= "\u065f" or text[i] == "\u0640"):
            n += 1
        i += 1
    while i < len(text) and ("\u064b" <= text[i] <= "\u065f" or text[i] == "\u0640"):
        i += 1
    return i


def _prep_of_prefix(pk: str) -> str:
    """The preposition carried by a proclitic key (``ب``، ``ل``، ``لل`` → ل), or ""."""
    pk = pk[1:] if pk[:1] in ("و", "ف") else pk
    if pk.startswith("ل"):
        return "ل"
    if pk.startswith("ب"):
        return "ب"
    if pk.startswith("ك"):
        return "ك"
    return ""


def _peel_conj(k: str) -> str:
    return k[1:] if k[:1] in ("و", "ف") and len(k) > 2 else k


_NO_CUES: dict[str, Hit] = {}


@lru_cache(maxsize=1 << 16)
def _is_punct(text: str) -> bool:
    return not any(ch.isalnum() for ch in text)


@lru_cache(maxsize=1 << 16)
def _homeland_prefix(k: str) -> str | None:
    """The proclitic key before a "his/her country" word (بلاده، وبلادها), or None."""
    for pk in ("", "و", "ف", "ب", "ل", "وب", "ول", "فب"):
        if k.startswith(pk) and k[len(pk):] in _HOMELAND:
            return pk
    return None


@lru_cache(maxsize=1 << 17)
def _nat2(k: str, k2: str):
    """A two-word nationality adjective at a token of key ``k`` followed by one of key ``k2``
    (proclitics peeled from the first word), or None."""
    nat = gaz_lexicon().nat
    for p in ("", "و", "ب", "ل", "وال", "بال"):
        if p and not k.startswith(p):
            continue
        base = k[len(p):]
        if p == "لل" or (p == "" and k.startswith("لل")):
            base = "ال" + k[2:]
        e = nat.get(base + " " + k2)
        if e is not None:
            return e
    return None


_CLASSIFIERS = _K("مدينة مدينه بلدة بلده ولاية ولايه محافظة محافظه منطقة منطقه قرية قريه إقليم اقليم مقاطعة "
                  "مقاطعه العاصمة العاصمه جزيرة جزيره حي")
_HONORIFICS = _K("الشيخ السيد السيدة الدكتور الدكتورة المهندس الأمير الأميرة الجنرال اللواء العميد العقيد الفريق المشير")
_DEF_STOP = _K("المزيد الكثير البعض الجميع الكل الآخر الآخرين الأخرى "
               "الذي التي الذين اللذين اللتين الآن الان اليوم الاول الأول الثاني الثانية الأولى الاولي الماضي "
               "الماضية المقبل المقبلة الحالي الحالية الجاري الجارية السابق السابقة الأخير الأخيرة")
_GENERIC_HEADS = _K("الهيئة الهيئه الوزارة الوزاره المجلس المصدر المسؤول الوكالة الوكاله الحكومة الحكومه "
                    "الرئاسة الرئاسه المنظمة المنظمه الجيش الحركة الحركه المكتب اللجنة اللجنه المفوضية المفوضيه "
                    "الشركة الشركه الصحيفة الصحيفه القناة القناه الاتحاد الحلف الجهاز")
_AFFIL_HEADS = _GENERIC_HEADS | _K("الدفاع الحماية الإدارة إدارة المكتب")


# -- the extractor ---------------------------------------------------------------------------------


class _Extractor:
    def __init__(self, doc: _Doc, outlet_attr: Attribution) -> None:
        self.d = doc
        self.outlet = outlet_attr
        self.events: list[Event] = []
        self.last_frame: Frame | None = None  # for وأضاف in the next sentence
        self.last_frame_sent = -10
        self._last_subject: NP | None = None  # for zero subjects (وتعهد بصرف …)
        # sentences since the last one with a subject whose phrases were never chunked, newest last:
        # (a, b, bounds); the first of them with an agent gives last_subject when it is asked for
        self._subject_from: list[tuple[int, int, set[int]]] = []
        self.sent_no = 0
        self.sources_seen: list[Attribution] = []
        self.a = self.b = 0
        self.bounds: set[int] = set()
        self._nps_of: list[NP] | None = []

    @property
    def nps(self) -> list[NP]:
        """The sentence's noun phrases, chunked when first asked for: about half of the sentences of
        news text have no event trigger and never need them. A pure function of the document, the
        sentence's tokens and its clause boundaries, so chunking later gives the same phrases."""
        if self._nps_of is None:
            self._nps_of = self._nps(self.a, self.b)
        return self._nps_of

    @property
    def last_subject(self) -> NP | None:
        """The subject a zero subject refers to: the first explicit subject of the last sentence that
        had one, or else its first agentive named phrase (see ``sentence``)."""
        while self._subject_from:
            a, b, bounds = self._subject_from.pop()
            found = self._first_agent(self._chunk(a, b, bounds))
            if found is not None:
                self._subject_from.clear()
                self._last_subject = found
        return self._last_subject

    def _is_last_subject(self, np_: NP) -> bool:
        """``np_ is self.last_subject`` without chunking the pending sentences when it cannot be: what
        they would give is a phrase made then, never one that exists now."""
        return np_ is self._last_subject and self.last_subject is np_

    def _chunk(self, a: int, b: int, bounds: set[int]) -> list[NP]:
        """``_nps`` of an earlier sentence (its range and boundaries put back for the call)."""
        saved = self.a, self.b, self.bounds
        self.a, self.b, self.bounds = a, b, bounds
        try:
            return self._nps(a, b)
        finally:
            self.a, self.b, self.bounds = saved

    @staticmethod
    def _first_agent(nps: list[NP]) -> NP | None:
        return next((n for n in nps if n.kind == "M" and not n.prep and n.agentive and n.mention is not None
                     and n.mention.type in ("GPE", "ORG", "PERSON") and
                     (n.mention.type != "GPE" or _state_of(n.mention.canonical or "", "GPE"))), None)

    # ---------------------------------------------------------------------------------------------
    def run(self) -> list[Event]:
        d = self.d
        headings = self._heading_lines()
        for s, e in sentences(d.text):
            a = d.tok_at(s)
            b = d.tok_at(e - 1)
            if a is None or b is None:
                continue
            if any(hs <= s and e <= he for hs, he in headings):
                continue
            self.sent_no += 1
            self.sentence(s, e, a, b + 1)
        return self.events

    def _heading_lines(self) -> list[tuple[int, int]]:
        """Headlines, datelines, bylines, captions, section headings: a line without sentence-final
        punctuation (a headline's ".." does not count) and fewer than 20 words."""
        d = self.d
        out = []
        pos = 0
        for line in d.text.split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            body = line.rstrip()
            if not body.strip():
                continue
            ends = body[-1] in ".!?؟…" and not body.endswith("..") or (
                body[-1] in "\"'”»)" and len(body) > 1 and body[-2] in ".!?؟…")
            if ends:
                continue
            if len(body.split()) < 20:
                out.append((s, e))
        return out

    # ---------------------------------------------------------------------------------------------
    def sentence(self, s: int, e: int, a: int, b: int) -> None:
        d = self.d
        self.a, self.b = a, b
        self.s, self.e = s, e
        self.bounds = self._boundaries(a, b)
        self._nps_of = None
        cands = self._triggers(a, b)
        self.cands = cands
        frames = self._frames(cands)
        self.frames = frames
        events: list[tuple[Cand, Event]] = []
        for c in cands:
            if self._frame_only(c):
                continue
            for typ, sub in [(c.type, c.subtype)] + c.extra:
                ev = self._build(c, typ, sub, frames)
                if ev is not None:
                    events.append((c, ev))
        events = [(c, ev) for c, ev in events if not (getattr(ev, "_args_only_actor", False) and
                                                     any(o.type == ev.type and o.subtype == ev.subtype
                                                         for o in self.events))]
        threats = [(c, ev) for c, ev in events if ev.type == "THREATEN" and c.trig.frame == "target"]
        for tc, tev in threats:
            lo = next((y for y in range(tc.j, min(self.b, tc.j + 8)) if d.keys[y][:1] == "ب" and len(d.keys[y]) > 3
                       and d.trig[y]), None)
            if lo is not None:
                hi = self._clause_end(lo)
                events = [(c, ev) for c, ev in events if ev is tev or not (lo <= c.i < hi)]
        events += self._statements(frames, events)
        events = self._exchange(events)
        frames = frames + self._accusation_frames(events)
        for c, ev in events:
            self._finish(c, ev, frames)
        events.sort(key=lambda ce: (ce[1].trigger_start, ce[1].type))
        events = [(c, ev) for c, ev in events if not self._tally_echo(c, ev, events)]
        kept: list[tuple[Cand, Event]] = []
        for c, ev in events:
            if self._duplicate(c, ev, kept):
                continue
            kept.append((c, ev))
            self.events.append(ev)
        # the subject for a zero subject in the next sentence: the first explicit one here
        found = None
        for c in cands:
            subj = self._explicit_subject(c)
            if subj is not None and subj.kind in ("M", "N", "A", "P"):
                found = subj
                break
        if found is None and self._nps_of is None:
            self._subject_from.append((a, b, self.bounds))  # chunked only if a later sentence asks
        else:
            if found is None:
                found = self._first_agent(self.nps)
            if found is not None:
                self._subject_from.clear()
                self._last_subject = found
        for c, ev in kept:
            f = getattr(ev, "_frame", None)
            if f is not None and f.date_value is None and ev.date_source == "text":
                f.date_value = ev.date  # for the speech continued in the next sentence
        reps = [f for f in frames if f.kind in ("report", "part", "say", "wish", "deny") and f.sources]
        if reps:
            self.last_frame = reps[-1]
            self.last_frame_sent = self.sent_no
        for f in frames:
            self.sources_seen.extend(f.sources)

    def _accusation_frames(self, events: list[tuple[Cand, Event]]) -> list[Frame]:
        """The content of an accusation (اتهم X بإرسال أسلحة) is the accuser's claim: events in it are
        attributed to the accuser (or to "accusations" when none is named), "reported", and their
        actor defaults to the accused."""
        d = self.d
        out = []
        for c, ev in events:
            if ev.type != "ACCUSE":
                continue
            lo = None
            for x in range(c.j, min(self.b, c.j + 10)):
                if x in self.bounds or d.is_comp(x):
                    break
                if d.keys[x][:1] == "ب" and (d.trig[x] or len(d.keys[x]) > 3) and not d.ment_at[x]:
                    lo = x
                    break
            if lo is None:
                continue
            hi = self._clause_end(lo)
            if ev.actor is not None:
                src = [Attribution(text=_clean(ev.actor.canonical if ev.actor.type == "PERSON" and ev.actor.canonical
                                               else ev.actor.text),
                                   mention=ev.actor if ev.actor.source not in ("event",) else None,
                                   kind="named" if ev.actor.source != "event" else "anonymous")]
            else:
                src = [Attribution(text=_clean(d.text[ev.trigger_start:d.toks[min(c.j + 1, self.b) - 1].end])
                                   if c.j < self.b and (_nat(d.keys[c.j]) or re.search("يه$", d.keys[c.j]))
                                   else _clean(ev.trigger), kind="reports")]  # "اتهامات غربية"
            f = Frame(c.i, c.j, lo, hi, src, "accuse", modality="reported")
            out.append(f)
            for c2, ev2 in events:
                t2 = d.tok_at(ev2.trigger_start)
                if ev2 is ev or t2 is None or not (lo <= t2 < hi):
                    continue
                if ev.recipient is not None and (ev2.actor is None or getattr(ev2, "_borrowed", False) or
                                                 (ev.actor is not None and ev2.actor is ev.actor)):
                    ev2.actor, ev2.actor_state = ev.recipient, ev.recipient_state
        return out

    def _frame_only(self, c: Cand) -> bool:
        t = c.trig
        if t.type == "STATEMENT" and c.type == "STATEMENT":
            return True
        if t.has("deny") or (c.type == "DENY" and t.type != "DENY") or t.type == "DENY":
            return True
        return False

    # -- clause structure ---------------------------------------------------------------------------
    def _boundaries(self, a: int, b: int) -> set[int]:
        """Tokens that start a new clause (contrast words, subordinators)."""
        d = self.d
        out: set[int] = set()
        for x in range(a, b):
            h = d.cue(x, "contrast")
            if h is not None or d.pk[x] in SUBORD or d.pk[x] in ("بعد", "قبل", "منذ") and x + 1 < b and d.keys[x + 1] in ("ان", "أن"):
                out.add(x)
        return out

    def _contrast_between(self, x: int, y: int) -> bool:
        lo, hi = (x, y) if x < y else (y, x)
        return any(lo < t <= hi for t in self.bounds)

    def _relative_at(self, x: int) -> bool:
        return self.d.lex.is_cue(self.d.keys[x], "relative")

    # -- noun phrases ---------------------------------------------------------------------------------
    def _nps(self, a: int, b: int) -> list[NP]:
        d = self.d
        out: list[NP] = []
        x = a
        pending = ""
        gap = 0
        while x < b:
            tok = d.toks[x]
            k = d.keys[x]
            kb = d.pk[x]
            if x in self.bounds or (d.trig[x] and not d.ment_at[x]) or d.is_comp(x):
                pending = ""
            if (k in PREPS or kb in PREPS) and not d.ment_at[x] and d.time_at[x] is None and x not in d.qty_start \
                    and x not in self.bounds:
                pending, gap = kb, 0
                x += 1
                continue
            np_ = self._np_at(x, b)
            if np_ is not None and np_.kind in ("X", "P") and _peel_conj(k) in _CLASSIFIERS and x + 1 < b and \
                    d.ment_at[x + 1] and d.ment_at[x + 1][0][0].type in PLACE_TYPES:
                x += 1  # "في مدينة إدلب": the classifier is part of the place
                gap = 0
                continue
            if np_ is not None and np_.kind == "X" and d.verb[x] and not d.ment_at[x]:
                np_ = None  # "أنه قصف": a verb, not the noun قصف
            if np_ is not None and np_.kind == "P" and out and out[-1].j == x and k[:1] != "و" and not pending:
                out[-1].j = np_.j  # a modifier of the phrase before (تركيا المجاورة، الولايات العشر المنكوبة)
                x = np_.j
                continue
            if np_ is not None:
                if not np_.prep:
                    np_.prep = pending
                # a coordinated member shares the preposition of the phrase before it (إلى سوريا وتركيا)
                if out and k[:1] == "و" and out[-1].j == x and not pending:
                    head = out[-1]
                    while head.is_coord:
                        head = next(h for h in reversed(out) if not h.is_coord and h.i < head.i)
                    if np_.kind == head.kind or (np_.kind in ("M", "N") and head.kind in ("M", "N")):
                        np_.prep = head.prep
                        np_.is_coord = True
                        head.coord.append(np_)
                out.append(np_)
                pending, gap = "", 0
                x = np_.j
                continue
            if tok.text in COMMA or d.punct[x]:
                pending = ""
            elif pending:
                gap += 1
                if gap > 2 and kb not in _CLASSIFIERS:
                    pending = ""
            x += 1
        return out

    def _np_at(self, x: int, b: int) -> NP | None:
        d = self.d
        tok = d.toks[x]
        k = d.keys[x]
        if d.time_at[x] is not None:
            return None
        # a quantity (أكثر من 60 دولة، ست طائرات، عشرات العناصر)
        if x in d.qty_start:
            q, end = d.qty_start[x]
            classes = set(_unit_classes(q.unit))
            for y in range(x, end):
                classes |= d.classes_at(y)
                end = max([end] + [h.j for h in d.nouns(y)])
            while end < b and re.search("(يه|يين|يون|يات)$", d.keys[end]) and self._nat_at(end, b)[0] is None and \
                    not d.trig[end] and not d.ment_at[end]:
                end += 1
            return NP(x, end, "Q", classes=frozenset(classes), start=q.start, end=q.end)
        if d.ment_at[x] and not (d.ment_at[x][0][0].type == "PERSON" and d.trig[x]):
            m, end = d.ment_at[x][0]
            if m.type in _AGENT_TYPES or m.type in PLACE_TYPES or m.type == "WEAPON":
                cut_key = key(d.text[tok.start:m.start])
                prep = _prep_of_prefix(cut_key) if cut_key else ""
                np_ = NP(x, end, "M", prep=prep, mention=m, start=m.start, end=m.end,
                         classes=d.classes_at(x))
                if m.type == "ROLE":
                    named = self._name_after(end, b)
                    if named is not None:
                        pm, pend = named
                        np_ = NP(x, pend, "M", prep=prep, mention=pm, start=m.start, end=pm.end,
                                 classes=frozenset({"agent"}), title=m)
                return np_
        pk = _homeland_prefix(k)
        if pk is not None:
            cut = _prefix_cut(tok.text, pk) if pk else 0
            prep = _prep_of_prefix(pk)
            if not pk and x > 0 and not d.punct[x - 1] and not d.is_comp(x - 1) and (
                    d.keys[x - 1] in _CONSTRUCT_HEADS or d.pk[x - 1] in _CONSTRUCT_HEADS or
                    d.classes_at(x - 1) or
                    (d.trig[x - 1] and not d.verb[x - 1])):
                prep = "gen"  # "وقوف بلاده", "قوات بلاده": a genitive, not a subject
            return NP(x, x + 1, "P", prep=prep, start=tok.start + cut, end=tok.end,
                      classes=frozenset({"agent"}), homeland=True)
        nat, y = self._nat_at(x, b)
        if nat is not None and (len(k) > 3):
            pk = _nat_prefix(k, nat) or next((p for p in ("وال", "بال", "لل", "و", "ب", "ل") if k.startswith(p) and
                                              d.glex.nat.get(k[len(p):] + " " + d.keys[x + 1]) is not None
                                              and y == x + 2), "")
            cut = _prefix_cut(tok.text, pk.replace("ال", "") if pk.endswith("ال") else pk)
            return NP(x, y, "N", prep=_prep_of_prefix(pk), cc=nat.cc, start=tok.start + cut, end=d.toks[y - 1].end)
        cm = d.cmap[x]
        h = cm.get("inst_head")
        if h is not None and not d.trig[x]:
            y = self._extend_inst(h.j, b)
            if y > h.j:
                cut = _prefix_cut(tok.text, h.prefix) if h.prefix else 0
                pk = h.prefix
                return NP(x, y, "P", prep=_prep_of_prefix(pk), start=tok.start + cut, end=d.toks[y - 1].end,
                          classes=frozenset({"agent"}))
        h = cm.get("counterpart")
        if h is not None:
            y = h.j
            while y < b and (_nat(d.keys[y]) or d.keys[y].startswith("ال") and not d.is_fn(d.keys[y])) and y - h.j < 3:
                y += 1
            cut = _prefix_cut(tok.text, h.prefix) if h.prefix else 0
            return NP(x, y, "X", prep=_prep_of_prefix(h.prefix), start=tok.start + cut, end=d.toks[y - 1].end,
                      classes=frozenset({"agent", "counterpart"}))
        h = cm.get("collective")
        if h is not None:
            cut = _prefix_cut(tok.text, h.prefix) if h.prefix else 0
            return NP(x, h.j, "P", prep=_prep_of_prefix(h.prefix), start=tok.start + cut, end=d.toks[h.j - 1].end,
                      classes=frozenset({"agent"}))
        h = cm.get("anon_head") or cm.get("reports_head")
        if h is not None:
            y = self._extend_source(h.j, b)
            kind = "A" if h.value == "anon_head" else "R"
            cut = _prefix_cut(tok.text, h.prefix) if h.prefix else 0
            return NP(x, y, kind, start=tok.start + cut, end=d.toks[y - 1].end, classes=d.classes_at(x))
        cs = d.classes_at(x)
        hs = d.nouns(x)
        if hs:
            pk = min((hh.prefix for hh in hs), key=len)
            y = max(hh.j for hh in hs)
            lex_pk = pk.removesuffix("ال")
            cut = _prefix_cut(tok.text, lex_pk) if lex_pk else 0
            pron = any(key_ in d.lex.noun_pron for key_ in (d.keys[x][len(hh.prefix):] for hh in hs))
            y0 = y
            while y < b and y - y0 < 3:
                ky = d.keys[y]
                if not (ky.startswith(("ال", "وال")) and len(ky) > 4) or _nat(ky) or d.ment_at[y] or \
                        d.time_at[y] is not None or d.trig[y] or d.is_fn(ky) or d.qty_at[y] is not None or \
                        _strip_clitics(ky) in _DEF_STOP:
                    break
                if d.nouns(y) and not (d.classes_at(y) & cs):
                    break
                y += 1
            if cs & {"personnel", "agent"} and y < b:
                nat2, ny = self._nat_at(y, b)
                if nat2 is not None:
                    y = ny
            np_ = NP(x, y, "X", prep=_prep_of_prefix(pk), classes=cs, start=tok.start + cut, end=d.toks[y - 1].end,
                     pron=pron)
            if "agent" in cs:
                named = self._name_after(y, b)
                if named is not None:
                    pm, pend = named
                    return NP(x, pend, "M", prep=np_.prep, mention=pm, start=np_.start, end=pm.end,
                              classes=frozenset({"agent"}))
            return np_
        # another definite noun phrase (الدفاع المدني، المحافظات، القوات الجوية)
        kk = _strip_clitics(k)
        if x > self.a and k.startswith("ال") and self._content_word(x - 1):
            return None
        if k.startswith(("ال", "وال", "بال", "لل", "ولل", "فال", "وبال")) and len(kk) > 4 and \
                not (d.is_fn(k) and kk in _DEF_STOP | _NOT_NOUN) \
                and not d.trig[x] and "comp" not in cm and kk not in _DEF_STOP and not d.punct[x]:
            y = x + 1
            while y < b and y - x < 4:
                ky = d.keys[y]
                if d.time_at[y] is not None or d.punct[y] or ky in _DEF_STOP or d.is_fn(ky):
                    break
                if not (ky.startswith("ال") or _nat(ky)) or d.trig[y]:
                    break
                y += 1
            pk = next((p for p in ("وبال", "فبال", "ولل", "وال", "فال", "بال", "لل", "ال") if k.startswith(p)), "")
            lex_pk = pk.removesuffix("ال")
            cut = _prefix_cut(tok.text, lex_pk) if lex_pk else 0
            return NP(x, y, "P", prep=_prep_of_prefix(pk), start=tok.start + cut, end=d.toks[y - 1].end,
                      classes=cs)
        return None

    def _content_word(self, x: int) -> bool:
        """Token ``x`` is a plain content word (a noun an adjective or genitive may follow)."""
        d = self.d
        k = d.keys[x]
        if _peel_conj(k) in _PREP_NOUNS:
            return False
        if d.punct[x] or d.is_fn(k) or _peel_conj(k) in PREPS or d.time_at[x] is not None or d.trig[x] or \
                d.cues(x) or d.ment_at[x] or d.covered[x] is not None or d.qty_at[x] is not None:
            return False
        return bool(re.search("[\u0621-\u064a]", k)) and not k.startswith("ال") and _peel_conj(k)[:1] not in ("ي", "ت") \
            or k.endswith(("ه", "ها", "هم"))

    def _nat_at(self, x: int, b: int):
        """A nationality adjective at token ``x`` (one or two words): (entry, end) or (None, x)."""
        d = self.d
        k = d.keys[x]
        if x + 1 < b:
            e = _nat2(k, d.keys[x + 1])
            if e is not None:
                return e, x + 2
        e = _nat(k)
        return (e, x + 1) if e is not None else (None, x)

    def _name_after(self, y: int, b: int) -> tuple[Mention, int] | None:
        """A person's name right after a title, possibly after its modifiers (السوري، الشيخ) or a
        comma: ``رئيس منظمة الهلال الأحمر العربي السوري خالد حبوباتي``."""
        d = self.d
        start = y
        complement = False
        while y < b and y - start < 8:
            if d.trig[y] and not (d.ment_at[y] and d.ment_at[y][0][0].type == "PERSON" and not d.trig[y]):
                return None
            if d.ment_at[y] and d.ment_at[y][0][0].type == "PERSON":
                return d.ment_at[y][0][0], d.ment_at[y][0][1]
            k = d.keys[y]
            t = d.toks[y].text
            if t in COMMA:
                if y + 1 < b and d.ment_at[y + 1] and d.ment_at[y + 1][0][0].type == "PERSON":
                    return d.ment_at[y + 1][0][0], d.ment_at[y + 1][0][1]
                return None
            if d.punct[y] or d.time_at[y] is not None or d.is_comp(y) or d.verb[y]:
                return None
            if d.ment_at[y]:
                y = max(y + 1, d.ment_at[y][0][1])
                continue
            name = self._name_run(y, b)
            if name is not None and complement and d.keys[y] not in d.glex.given:
                z = name[1]
                if not (z >= b or d.is_comp(z) or d.punct[z] or d.time_at[z] is not None or d.verb[z] or
                        d.lex.is_cue(d.keys[z], "skip") or d.keys[z] in ("في",) or d.cue(z, "contrast")):
                    name = None
            if name is not None:
                return name
            if k.startswith("ال") or k.startswith("لل") or _nat(k) or k in _HONORIFICS or k in ("في", "لدي") \
                    or k.startswith(("ل", "ب")) or (k.startswith("و") and y > start):
                if k in ("في", "لدي") or (k[:1] in ("ل", "ب") and not k.startswith("لل")):
                    complement = True
                y += 1
                continue
            if not d.is_fn(k) and not d.verb[y] and not d.trig[y] and re.search("[\u0621-\u064a]", k):
                complement = True
                y += 1  # a complement's own words (زعيم حزب …، بمركز تحليل الاستراتيجيات …)
                continue
            return None
        return None

    def _single_name_at(self, y: int) -> Mention | None:
        d = self.d
        k = d.keys[y]
        if re.search("(ه|ها|هم|هما)$", k) and k not in d.glex.given:
            return None
        if d.ment_at[y] or d.covered[y] is not None or d.is_fn(k) or d.trig[y] or d.nouns(y) or _nat(k) or \
                k.startswith("ال") or d.cues(y) or d.time_at[y] is not None or \
                not re.fullmatch("[\u0621-\u064a]{3,}", k) or re.search("[\u064b-\u064d]", d.toks[y].text):
            return None
        t = d.toks[y]
        return Mention(start=t.start, end=t.end, text=t.text, type="PERSON", key=k, canonical=_clean(t.text),
                       source="event-name")

    def _single_name(self, y: int, verbal: bool = False) -> Mention | None:
        """A one-word name the tagger missed, as a masdar's genitive before a preposition (زيارة بوتين
        إلى، لقاء شويغو مع): not a known word of any lexicon."""
        d = self.d
        k = d.keys[y]
        if y + 1 >= self.b or d.ment_at[y] or d.covered[y] is not None or d.is_fn(k) or d.trig[y] or d.nouns(y) or \
                _nat(k) or k.startswith("ال") or d.cues(y) or d.time_at[y] is not None or not re.fullmatch(
                    "[\u0621-\u064a]{3,}", k):
            return None
        if re.search("[\u064b-\u064d]", d.toks[y].text) or k.endswith(("يه", "يا")):
            return None
        nk = d.keys[y + 1]
        if not (nk in ("الي", "مع", "في", "ل") or (nk[:1] == "ل" and d.ment_at[y + 1]) or d.toks[y + 1].text in COMMA or
                (verbal and nk[:1] == "ب" and len(nk) > 3 and not d.trig[y + 1]) or
                (verbal and any(n.i == y + 1 and "counterpart" in n.classes for n in self.nps))):
            return None
        t = d.toks[y]
        return Mention(start=t.start, end=t.end, text=t.text, type="PERSON", key=k, canonical=_clean(t.text),
                       source="event-name")

    def _name_run(self, y: int, b: int) -> tuple[Mention, int] | None:
        """A run of name-like words right after a title (``عبد الفتاح السيسي``، ``بسام صباغ``) that the
        tagger missed: not function words, places, classed nouns, verbs, times or nationality
        adjectives. A word with the article only after عبد/أبو/بن or a known given name (a surname:
        خالد الصالح); a run that starts with an unknown word needs two words without the article.
        A mention of our own (source "event-name")."""
        d = self.d
        given = d.glex.given
        k0 = d.keys[y]
        first_given = k0 in given
        link = k0 in _NAME_LINKS
        z = y
        while z < b and z - y < 4:
            k = d.keys[z]
            if d.punct[z] or d.time_at[z] is not None or d.ment_at[z] or d.covered[z] is not None or \
                    d.is_fn(k) or d.trig[z] or d.nouns(z) or _nat(k) or d.lex.is_cue(k, "skip") or \
                    d.cue(z, "comp") or not re.search("[\u0621-\u064a]", k) or len(k) < 2 or \
                    re.search("(ها|هم|هما)$", k):
                break
            if k.startswith("ال"):
                prev_link = z > y and d.keys[z - 1] in _NAME_LINKS
                if not (prev_link or (z == y + 1 and first_given) or (link and z == y + 2)):
                    break
            elif z == y and k[:1] in ("ب", "ل", "ك") and k not in given:
                break
            z += 1
        n = z - y
        if n == 0:
            return None
        has_al = any(d.keys[x].startswith("ال") for x in range(y, z))
        if not (first_given or (link and n >= 2) or (n >= 2 and not has_al)):
            return None
        start, end = d.toks[y].start, d.toks[z - 1].end
        txt = d.text[start:end]
        return Mention(start=start, end=end, text=txt, type="PERSON", key=key(txt), canonical=_clean(txt),
                       source="event-name"), z

    def _extend_inst(self, y: int, b: int) -> int:
        """An institution's name after its head: a mention, definite words and nationality
        adjectives, and في + a place (وكالة الأنباء المركزية في كوريا الشمالية)."""
        d = self.d
        start = y
        while y < b and y - start < 7:
            k = d.keys[y]
            if d.punct[y] or d.time_at[y] is not None or d.is_comp(y) or d.verb[y]:
                break
            if y == start and not k.startswith("ال") and not d.is_fn(k) and not d.trig[y] and not d.nouns(y) and \
                    not d.cues(y) and re.fullmatch("[\u0621-\u064aa-z0-9]{3,}", k):
                y += 1  # the body's own name
                if y < b and d.keys[y][:1] == "ل" and not d.keys[y].startswith("لل") and not d.ment_at[y]:
                    y += 1  # "لمراقبة الإنترنت"
                continue
            if d.ment_at[y] and d.ment_at[y][0][0].type in ("ORG", "GPE", "ROLE", "PERSON"):
                y = d.ment_at[y][0][1]
                continue
            if k == "في" and y + 1 < b and d.ment_at[y + 1] and d.ment_at[y + 1][0][0].type == "GPE" and y > start:
                y = d.ment_at[y + 1][0][1]
                break
            if (k.startswith(("ال", "لل")) and _strip_clitics(k) not in _DEF_STOP and not self._relative_at(y)) or _nat(k):
                y += 1
                continue
            break
        return y

    def _extend_source(self, y: int, b: int) -> int:
        """Extend an anonymous source's head over its affiliation: adjectives, nationality
        adjectives, رفيع المستوى, and في/من/لدى/بـ + a body or place."""
        d = self.d
        stop_keys = _SRC_STOP
        n = 0
        while y < b and n < 8:
            k = d.keys[y]
            t = d.toks[y].text
            if t in COMMA or d.punct[y] or k in stop_keys or d.time_at[y] is not None:
                break
            if d.verb[y] and not _nat(k):
                break
            if k == "من" and y + 1 < b and (d.cue(y + 1, "anon_head") or d.cue(y + 1, "reports_head")):
                y += 2
                n += 2
                continue
            if k in ("في", "من", "لدي", "داخل", "ب"):
                if y + 1 < b and d.ment_at[y + 1] and d.ment_at[y + 1][0][0].type in ("ORG", "GPE", "ROLE"):
                    y = d.ment_at[y + 1][0][1]
                    n += 2
                    continue
                if y + 1 < b and d.keys[y + 1].startswith("ال") and d.keys[y + 1] not in ("العديد",) and \
                        y + 2 < b and (d.ment_at[y + 2] or d.keys[y + 2].startswith("ال")) and k == "في" and \
                        _strip_clitics(d.keys[y + 1]) in _AFFIL_HEADS:
                    y += 2
                    n += 2
                    continue
                break
            if k == "من" and y + 1 < b and (d.cue(y + 1, "anon_head") or d.cue(y + 1, "reports_head")):
                y += 2
                n += 2
                continue
            if k[:1] == "ل" and d.ment_at[y]:
                break  # "لرويترز": the addressee
            if re.search("(ي|يه|يين|يون|يات)$", _peel_conj(k)) and not d.trig[y] and not d.ment_at[y] and \
                    (not d.is_fn(k) or len(_peel_conj(k)) >= 5) and not k.startswith("ال"):
                y += 1  # an adjective: استخباراتية، وغربية، عسكري
                n += 1
                continue
            if d.ment_at[y]:
                y = d.ment_at[y][0][1]
                n += 1
                continue
            if _nat(k) or (k.startswith(("ال", "لل")) and not d.is_fn(k)) or k in _SRC_ADJ:
                y += 1
                n += 1
                continue
            break
        return y

    # -- triggers --------------------------------------------------------------------------------------
    def _triggers(self, a: int, b: int) -> list[Cand]:
        d = self.d
        out: list[Cand] = []
        x = a
        while x < b:
            m = d.covered[x]
            if d.time_at[x] is not None or (m is not None and m.type not in ("WEAPON",) and m.source != "crf"):
                x += 1
                continue
            cand = None
            hits = d.trig[x]
            if x > a and (d.pk[x - 1] in PREPS or d.keys[x - 1] in ("عدم",)) and \
                    any(h.value.cls == "masdar" for h in hits):
                hits = sorted(hits, key=lambda h: (-(h.j - h.i), h.value.cls != "masdar"))
            for h in hits:
                if h.j > b:
                    continue
                c = self._accept(h)
                if c is not None:
                    cand = c
                    break
            if cand is None:
                x += 1
                continue
            out.append(cand)
            x = cand.j
        return self._filter(out)

    def _window_classes(self, i: int, j: int, before: int = 8, after: int = 10,
                        only_after: bool = False) -> list[tuple[float, str]]:
        """(distance, class) of classed nouns around a trigger, within its clause."""
        d = self.d
        out: list[tuple[float, str]] = []
        for x in range(j, min(self.b, j + after)):
            if x in self.bounds or d.is_comp(x) or self._relative_at(x):
                break
            if x > j and d.verb[x] and not d.classes_at(x):
                break
            for c in d.classes_at(x):
                out.append((x - j, c))
        if not only_after:
            for x in range(i - 1, max(self.a, i - before) - 1, -1):
                if x + 1 in self.bounds or d.is_comp(x) or (d.punct[x] and d.toks[x].text not in COMMA):
                    break
                if d.verb[x] and not d.classes_at(x):
                    break
                for c in d.classes_at(x):
                    out.append((i - x + 0.5, c))
        out.sort()
        return out

    def _accept(self, h: Hit) -> Cand | None:
        d = self.d
        form = h.value
        t: Trigger = form.trigger
        i, j = h.i, h.j
        nominal = form.cls in ("masdar", "participle")
        pk = h.prefix
        # ل + masdar is a purpose clause (لتعزيز، لإطلاق): not an event of its own
        if nominal and _prep_of_prefix(pk) == "ل" and not t.has("purpose") and \
                not any(d.pk[x] in _ATTEMPT for x in range(max(self.a, i - 3), i)) and \
                not self._undergone(i):
            return None
        if t.has("present") and form.cls != "present":
            return None
        if t.prep:
            ok = False
            for y in range(j, min(self.b, j + 6)):
                nk = d.keys[y]
                if nk == t.prep or (t.prep in ("ب", "ل") and nk.startswith(t.prep) and len(nk) > 2):
                    ok = True
                    break
                if d.punct[y] or d.is_comp(y):
                    break
            if not ok:
                return None
        typ, sub = t.type, t.subtype
        classes = self._window_classes(i, j, only_after=t.has("needafter"))
        present = {c for _, c in classes}
        if t.need and not (t.need & present):
            return None
        if t.not_:
            for x in range(max(self.a, i - 4), i):
                if d.classes_at(x) & t.not_:
                    return None
        extra: list[tuple[str, str | None]] = []
        if t.cls:
            order = dict(t.cls)
            native = _NATIVE.get(t.type, ())
            for nc in native:
                order.setdefault(nc, t.type + ("/" + t.subtype if t.subtype else ""))
            found = [(dist, c) for dist, c in classes if c in order]
            if found:
                target = order[found[0][1]]
                if target == "DROP":
                    return None
                typ, sub = (target.split("/", 1) + [None])[:2]
                if typ in ("TRANSFER", "DEPLOY") and self._coordinated_kinds(j):
                    if typ == "TRANSFER" and "personnel" in order:
                        extra.append(("DEPLOY", None))
                    elif typ == "DEPLOY" and ("goods" in order or t.type == "TRANSFER"):
                        extra.append(("TRANSFER", None))
            elif t.lemma == "وصل":
                return None
            if "falsity" in order and typ != "DENY" and self._falsity_after(j):
                typ, sub = "DENY", None
        if t.qty and self._near_quantity(i, j) is None:
            return None
        return Cand(h, t, typ, sub, i, j, extra)

    def _falsity_after(self, j: int) -> bool:
        d = self.d
        for x in range(j, min(self.b, j + 18)):
            if x in self.bounds:
                return False
            if "falsity" in d.classes_at(x):
                return True
        return False

    def _coordinated_kinds(self, j: int) -> bool:
        """Goods and personnel coordinated in the same object (… بالمساعدات وفرق إنقاذ)."""
        d = self.d
        seen = set()
        for x in range(j, min(self.b, j + 16)):
            if x in self.bounds or d.is_comp(x) or d.toks[x].text in (".",) or d.pk[x] == "مقابل":
                break
            cs = d.classes_at(x)
            if "personnel" in cs:
                seen.add("p")
            if cs & {"goods", "weapon"}:
                seen.add("g")
        return seen == {"p", "g"}

    def _near_quantity(self, i: int, j: int) -> Quantity | None:
        """A count right around a tally trigger (stops at another verb)."""
        d = self.d
        for x in list(range(j, min(self.b, j + 11))):
            if x in self.bounds or d.is_comp(x) or self._relative_at(x):
                break
            k = d.keys[x]
            if k[:1] == "و" and len(k) > 4 and k[1:2] in ("ت", "ي") and d.qty_at[x] is None and \
                    not d.classes_at(x):
                break  # "… يرتفع وتتزايد احتياجات ملايين": a new verb
            q = d.qty_at[x]
            if q is not None and q.unit not in _DURATION_UNITS and q.unit not in _CURRENCY:
                return q
        for x in range(i - 1, max(self.a, i - 3) - 1, -1):
            q = d.qty_at[x]
            if q is not None and q.unit not in _DURATION_UNITS and q.unit not in _CURRENCY:
                return q
        return None

    def _filter(self, cands: list[Cand]) -> list[Cand]:
        """Drop triggers that repeat or describe another one: a casualty noun whose figure a tally
        verb already reports; "محمّلة بـ" after the vehicle's own verb; the same type twice in a
        clause (ترخيصاً عاماً … يستثني)."""
        d = self.d
        claimed: set[int] = set()
        out: list[Cand] = []
        for c in cands:
            if c.trig.qty and not c.trig.has("casualtynoun"):
                q = self._near_quantity(c.i, c.j)
                if q is not None:
                    claimed.add(id(q))
        for c in cands:
            t = c.trig
            if c.type == "TRANSFER" and any(o.type in ("INTERCEPT", "ATTACK") and 0 < o.i - c.j <= 3 and o.nominal
                                            for o in cands) and any("aircraft" in d.classes_at(x)
                                                                     for x in range(c.j, min(self.b, c.j + 3))):
                continue  # "أرسل مقاتلات لاعتراض …": a scramble, not a transfer
            if t.has("casualtynoun"):
                q = self._near_quantity(c.i, c.j)
                if q is None or id(q) in claimed:
                    continue
                claimed.add(id(q))
            if t.has("describes") and any(o.type == c.type and o.i < c.i and not self._contrast_between(o.i, c.i)
                                          for o in out):
                continue
            if t.has("noneg") and self._negated(c.i):
                continue
            if c.verbal and c.type in ("SANCTION", "AGREE") and not c.hit.prefix and any(
                    o.type == c.type and o.subtype == c.subtype and 0 <= c.i - o.j <= 8 and
                    not self._contrast_between(o.i, c.i) and not any(d.toks[z].text in COMMA for z in range(o.j, c.i))
                    for o in out):
                continue
            if c.nominal and c.type not in ("STATEMENT", "OTHER") and any(
                    o.type == c.type and o.subtype == c.subtype and 0 <= c.i - o.j <= 6 and
                    not self._contrast_between(o.i, c.i) and not any(d.toks[z].text in COMMA for z in range(o.j, c.i))
                    for o in out):
                continue
            out.append(c)
        return out

    # -- subjects ----------------------------------------------------------------------------------------
    def _np_covering(self, x: int) -> NP | None:
        for np_ in self.nps:
            if np_.i <= x < np_.j:
                return np_
        return None

    def _kana_name(self, i: int) -> NP | None:
        """"وكان X قد <verb>": X (a name the tagger missed) is the subject."""
        d = self.d
        if i - 3 >= self.a and d.keys[i - 1] == "قد" and d.pk[i - 3] in ("كان", "كانت"):
            nm = self._single_name_at(i - 2)
            if nm is not None:
                return NP(i - 2, i - 1, "M", mention=nm, start=nm.start, end=nm.end, classes=frozenset({"agent"}))
        return None

    def _left_np(self, i: int) -> NP | None:
        """The topic right before a verb (SVO: روسيا زودت، إن كوريا الشمالية أرسلت): a phrase with no
        preposition, separated from the verb only by skip words, a time expression, قد / كان, or an
        apposition between commas."""
        d = self.d
        x = i - 1
        steps = 0
        crossed = False
        while x >= self.a and steps < 12:
            k = d.keys[x]
            t = d.toks[x].text
            if x + 1 in self.bounds and x + 1 < i:
                return None
            if d.time_at[x] is not None or d.lex.is_cue(k, "skip") or _peel_conj(k) in _COPULAS:
                x -= 1
                steps += 1
                continue
            if d.is_comp(x) or self._relative_at(x):
                return None
            if t in COMMA:
                # an apposition: "X، نائب وزير الخارجية الأمريكي، أثنى" — skip back to the phrase before it;
                # "خمس فرق إنقاذ، بينها فرق روسية وأرمنية، تعمل": skip the examples
                z = x - 1
                while z > self.a and d.toks[z].text not in COMMA and x - z < 10:
                    z -= 1
                if z > self.a and d.toks[z].text in COMMA and d.pk[z + 1] in ("بينها", "منها", "بينهم",
                                                                                                "منهم", "ابرزها"):
                    x = z - 1
                    steps += 1
                    continue
                x -= 1
                steps += 1
                crossed = True
                continue
            if t in ("“", "”", "\"", "«", "»"):
                x -= 1
                continue
            if d.punct[x]:
                return None
            np_ = self._np_covering(x)
            if np_ is not None and crossed and not (np_.kind == "M" and np_.mention is not None and
                                                   np_.mention.type in ("PERSON", "ROLE")):
                return None
            if np_ is not None:
                if np_.is_coord:  # الولايات المتحدة وحلفاؤها
                    head = next((h for h in self.nps if np_ in h.coord), np_)
                    np_ = head
                if np_.prep:
                    return None
                return np_
            if d.lex.is_cue(k, "negation") or (x + 1 < i and d.keys[x + 1] in ("لم", "لن", "لا")):
                if d.lex.is_cue(k, "negation"):
                    x -= 1
                    continue
            if k.startswith(("ال", "وال")) or _nat(k) or (re.search("(ي|يه|يين|يون)$", k) and not d.trig[x] and
                                                          not d.is_fn(k)):
                x -= 1
                steps += 1
                continue
            return None
        return None

    def _right_nps(self, j: int, limit: int = 16) -> list[NP]:
        """NPs after a trigger in its clause (up to a complementiser, a contrast word, a relative
        pronoun or another verb)."""
        d = self.d
        out = []
        for np_ in self.nps:
            if np_.i < j:
                continue
            if np_.i >= j + limit:
                break
            if any(j < t <= np_.i for t in self.bounds):
                break
            if any(d.is_comp(x) or self._relative_at(x) for x in range(j, np_.i)):
                break
            if any(d.verb[x] and not d.classes_at(x) and not d.ment_at[x] for x in range(j + 1, np_.i)):
                break
            if any(self._purpose_at(x) or d.pk[x] == "مقابل" for x in range(j + 1, np_.i + 1)):
                break
            if any(o.i > j - 1 and o.i < np_.i and o.i >= j for o in getattr(self, "cands", ())):
                break
            out.append(np_)
        return out

    def _purpose_at(self, x: int) -> bool:
        """ل + a verbal noun (لدعم، لتعزيز، للسماح): a purpose phrase."""
        d = self.d
        k = d.keys[x]
        if d.cue(x, "purpose") is not None:
            return True
        if not k.startswith("ل") or len(k) < 4 or d.ment_at[x] or d.covered[x] is not None or d.classes_at(x) or \
                _nat(k):
            return False
        return any(h.value.cls == "masdar" for h in d.trig[x]) or k.startswith("لل") is False and not d.is_fn(k) and \
            k[1:2] in ("ت", "ا", "م") and len(k) > 4

    def _explicit_subject(self, c: Cand) -> NP | None:
        """The subject the clause states for a trigger (no antecedent look-up)."""
        if c.subj_done:
            return c.subj
        c.subj_done = True
        d = self.d
        left = self._left_np(c.i) if not c.nominal else None
        if left is None and not c.nominal:
            left = self._kana_name(c.i)
        if left is None and not c.nominal and c.i - 1 > self.a and d.is_comp(c.i - 2):
            nm = self._single_name_at(c.i - 1)
            if nm is not None:
                left = NP(c.i - 1, c.i, "M", mention=nm, start=nm.start, end=nm.end, classes=frozenset({"agent"}))
        subj = None
        if left is not None and left.agentive:
            subj = left
        elif c.nominal:
            right = self._right_nps(c.j, limit=3)
            g = right[0] if right and not right[0].prep and right[0].i <= c.j + 1 else None
            if self._possessed(c):
                pass  # "خلال لقائه غريفيث": the possessor is the subject, the phrase after its object
            elif g is not None and g.agentive and g.kind in ("M", "N", "P"):
                subj = g
            elif c.type in ("VISIT", "MEET") and c.j + 1 < self.b and (g is None or g.i > c.j):
                nm = self._single_name(c.j)
                if nm is not None:
                    subj = NP(c.j, c.j + 1, "M", mention=nm, start=nm.start, end=nm.end, classes=frozenset({"agent"}))
        else:
            right = self._right_nps(c.j)
            plain = [n for n in right if not n.prep]
            plain = [n for n in plain if "counterpart" not in n.classes]
            if plain:
                first = plain[0]
                placelike = first.place or (first.kind in ("X", "P") and first.classes & {"crossing", "building",
                                                                                          "shelter"})
                if c.type == "VISIT" and placelike and not any(n.agentive and not n.place for n in plain[1:]):
                    subj = None  # "حيث يتفقد مدينة غازي عينتاب": the place is the object
                elif (first.agentive or (first.kind in ("X", "Q") and (
                        c.type == "OTHER" or c.trig.lemma in _MOTION | {"ضم", "حمل"} or
                        first.classes & {"vehicle"}))) and not (c.type == "VISIT" and placelike) and \
                        not (c.trig.type in ("TRANSFER", "DEPLOY") and first.kind in ("X", "Q") and
                             first.classes & {"goods", "personnel", "weapon", "money"} and
                             c.type not in ("OTHER",) and c.trig.lemma not in ("وصل", "دخل", "عبر", "هبط", "ضم",
                                                                               "أقلع", "حمل", "عمل", "شارك")):
                    subj = first
                elif c.trig.type in ("TRANSFER", "DEPLOY") and first.kind == "X" and first.agentive and \
                        d.keys[first.i].startswith("ال") and len(plain) > 1 and plain[1].i == first.j and \
                        plain[1].classes & {"goods", "weapon", "personnel", "money"}:
                    subj = first  # "نشرت القوات الأمريكية منظومة دفاع": a definite force before the object
            if subj is None and c.type in ("VISIT", "MEET") and c.j < self.b and \
                    not any(n.i <= c.j < n.j for n in right):
                nm = self._single_name(c.j, verbal=True)  # "التقى شويغو بكيم", "زار لافروف بكين"
                if nm is not None:
                    subj = NP(c.j, c.j + 1, "M", mention=nm, start=nm.start, end=nm.end,
                              classes=frozenset({"agent"}))
            if left is not None and left.kind in ("X", "Q", "P") and left.j >= c.i - 2 and (
                    subj is None or subj.i >= c.j):
                subj = left
        c.subj = subj
        return subj

    def _antecedent(self, c: Cand) -> NP | None:
        """The party a zero or pronoun subject refers to, in order: the subject of the light verb a
        masdar is the object of (ترأس اجتماعاً); for a masdar fronted with خلال/بعد, the subject of the
        main verb after it; in a relative clause, the phrase before the pronoun; after أنها/إنه, the
        nearest named party; the subject of the previous verb or speech act in the sentence; a
        possessor (زياراته); the nearest named party in the sentence outside a prepositional phrase;
        for a verb in the sentence's first clause, the previous sentence's subject."""
        d = self.d
        i = c.i
        kinds = ("M", "N", "I") if c.type in ("TRANSFER", "DEPLOY", "VISIT", "MEET") else ("M", "N", "P", "A", "R")
        g = self._governor(c) if c.nominal else None
        if g is not None:
            left = self._left_np(g)
            if left is not None and left.agentive:
                return left
            for np_ in self.nps:
                if g < np_.i < i and not np_.prep and np_.agentive and np_.kind in ("M", "N", "P", "A"):
                    return np_
        if c.nominal and i > self.a and d.pk[i - 1] in _FRONTED:
            if not any(o.verbal for o in self.cands if o.i < i):
                for o in self.cands:
                    if o.i > i and (o.verbal or o.trig.type == "STATEMENT"):
                        s_ = self._explicit_subject(o)
                        if s_ is not None and s_.agentive:
                            return s_
                        break
        for x in range(max(self.a, i - 2), i):
            if self._relative_at(x):
                best = next((n for n in self.nps if n.j == x and n.agentive), None)
                if best is None:
                    for np_ in self.nps:
                        if np_.j <= x and np_.agentive and np_.kind in ("M", "N", "A", "P", "R") and not np_.prep:
                            best = np_
                if best is not None:
                    return best
        # "أنها نشرت": the pronoun after a complementiser refers to the nearest named party before it
        if i > self.a and d.keys[i - 1] in _COMP_PRON:
            for m in reversed(d.mentions_between(d.toks[self.a].start, d.toks[i - 1].start)):
                if m.end <= d.toks[i - 1].start and m.type in ("GPE", "ORG", "PERSON"):
                    return NP(d.tok_at(m.start), d.tok_at(m.end - 1) + 1, "M", mention=m, start=m.start, end=m.end,
                              classes=frozenset({"agent"} if m.type == "PERSON" else ()))
            for f in reversed([f for f in getattr(self, "frames", ()) if f.i < i]):
                if f.speaker_np is not None and f.speaker_np.agentive and f.speaker_np.kind in ("P", "A"):
                    return f.speaker_np  # "قالت الوزارة إنها أرسلت"
        for o in reversed([o for o in self.cands if o.i < i]):
            if o.verbal or o.trig.type == "STATEMENT":
                s_ = self._explicit_subject(o)
                if s_ is None or not _kind_ok(s_, kinds) or not s_.agentive:
                    continue
                if s_.kind == "M" and s_.mention is not None and s_.mention.type in PLACE_TYPES and \
                        _state_of(s_.mention.canonical or "", s_.mention.type) is None:
                    continue
                return s_
        for f in reversed([f for f in getattr(self, "frames", ()) if f.i < i]):
            if f.speaker_np is not None and _kind_ok(f.speaker_np, kinds):
                return f.speaker_np
        if c.nominal and re.search("(ه|ها|هم|هما)$", d.keys[i]) and not d.keys[i].endswith("يه"):
            for np_ in reversed(self.nps):
                if np_.j > i or np_.kind != "M" or np_.mention is None:
                    continue
                if np_.mention.type in ("PERSON", "ORG") or _state_of(np_.mention.canonical or "", "GPE"):
                    return np_
        if c.type in ("FIGHT", "ATTACK", "INTERCEPT", "LAUNCH"):
            kinds = kinds + ("X",)
        for want in (("M", "N"), kinds):
            best = None
            for np_ in self.nps:
                if np_.j <= i and np_.agentive and np_.kind in want and not np_.prep and not np_.is_coord:
                    if np_.kind == "M" and np_.mention is not None and np_.mention.type in PLACE_TYPES and \
                            _state_of(np_.mention.canonical or "", np_.mention.type) is None:
                        continue
                    best = np_
            if best is not None:
                return best
        if self.last_subject is None or not _kind_ok(self.last_subject, kinds):
            return None
        if any(d.is_comp(x) or self._relative_at(x) for x in range(self.a, i)):
            return None  # "… أن عددهم قد يصل": not the previous sentence's subject
        return self.last_subject

    def _subject(self, c: Cand) -> NP | None:
        s = self._explicit_subject(c)
        if s is not None:
            return s
        return self._antecedent(c)

    # -- back-references and sources ---------------------------------------------------------------
    def _resolve(self, np_: NP) -> NP:
        """A definite common noun standing for a body named before (الهيئة، الوزارة، المصدر): the
        earlier mention or source with the same head noun."""
        if np_.kind not in ("P", "A", "X", "M"):
            return np_
        d = self.d
        if np_.kind == "M" and (np_.mention is None or np_.mention.type != "ROLE" or np_.title is not None):
            return np_
        k = _strip_clitics(d.keys[np_.i])
        if np_.kind == "P" and np_.j - np_.i == 1:
            for m in reversed(d.mentions_between(0, np_.start)):
                if m.type == "PERSON" and len((m.canonical or "").split()) > 1 and d.mkey[id(m)].split()[-1] == k:
                    return NP(np_.i, np_.j, "M", prep=np_.prep, mention=m, start=np_.start, end=np_.end,
                              classes=frozenset({"agent"}))
        if np_.j - np_.i > 1 and np_.kind != "M":
            return np_
        if ("ال" + k) not in _GENERIC_HEADS and k not in _GENERIC_HEADS:
            return np_
        head = k.removeprefix("ال")
        start = np_.start
        for src in reversed(self.sources_seen):
            words = key(src.text).split()
            if words and (words[0] == head or words[0] == "ال" + head):
                if src.mention is not None:
                    m = src.mention
                    return NP(np_.i, np_.j, "M", prep=np_.prep, mention=m, start=np_.start, end=np_.end,
                              classes=frozenset({"agent"}))
                new = NP(np_.i, np_.j, "A", prep=np_.prep, start=np_.start, end=np_.end)
                new.resolved = src  # type: ignore[attr-defined]
                return new
        for m in reversed(d.mentions_between(0, start)):
            words = d.mkey[id(m)].split()
            if m.type in ("ORG", "ROLE") and words and (words[0] == head or words[0] == "ال" + head):
                return NP(np_.i, np_.j, "M", prep=np_.prep, mention=m, start=np_.start, end=np_.end,
                          classes=frozenset({"agent"}))
        return np_

    def _sources(self, np_: NP | None) -> list[Attribution] | None:
        if np_ is None:
            return None
        d = self.d
        if np_.kind in ("P", "R", "X") and d.cue(np_.i, "relay_noun") is not None:
            for n in self.nps:
                if np_.j <= n.i <= np_.j + 1 and n.prep == "ل" and n.agentive:
                    np_ = n
                    break
            else:
                np_ = replace(np_, kind="R")
        if np_.kind in ("X", "P", "Q") and np_.j < self.b and d.pk[np_.j] in ("مثل", "بينها", "منها"):
            named = next((n for n in self.nps if n.i == np_.j + 1 and n.kind == "M"), None)
            if named is not None:
                np_ = named
        out = [self._source(self._resolve(np_))]
        for c in np_.coord:
            out.append(self._source(self._resolve(c)))
        return [s for s in out if s is not None] or None

    def _source(self, np_: NP) -> Attribution | None:
        d = self.d
        res = getattr(np_, "resolved", None)
        if res is not None:
            return res
        if np_.kind == "M" and np_.mention is not None:
            m = np_.mention
            if m.type == "ROLE" and np_.title is None:
                head = _strip_clitics(key(m.text).split()[0]) if m.text else ""
                head = head.removeprefix("ال")
                if d.lex.is_cue(head, "anon_head"):
                    end_tok = d.tok_at(m.end - 1)
                    end = self._extend_source(end_tok + 1, self.b) if end_tok is not None else np_.j
                    txt = d.text[m.start:d.toks[end - 1].end]
                    return Attribution(text=_clean(txt), mention=m, kind="anonymous")
            if m.type == "PERSON":
                name = _clean(m.canonical or m.text)
            else:
                name = _clean(m.text)
                if not key(name).startswith("ال") and key(m.canonical or "").startswith("ال") and \
                        key(m.canonical)[2:] == key(name):
                    name = _clean(m.canonical)
                j = np_.j
                # "وزارة الصحة في دمشق": keep a place qualifier
                if m.type == "ORG" and j + 1 < self.b and d.keys[j] == "في" and d.ment_at[j + 1] and \
                        d.ment_at[j + 1][0][0].type == "GPE":
                    name = _clean(d.text[m.start:d.ment_at[j + 1][0][0].end])
            return Attribution(text=name, mention=m, kind="named")
        if np_.kind == "A":
            return Attribution(text=_clean(d.text[np_.start:np_.end]), kind="anonymous")
        if np_.kind == "R":
            return Attribution(text=_clean(d.text[np_.start:np_.end]), kind="reports")
        if np_.kind == "N":
            return Attribution(text=_clean(d.text[np_.start:np_.end]), mention=self._nat_mention(np_), kind="named")
        if np_.kind in ("X", "Q", "P"):
            txt = _clean(d.text[np_.start:d.toks[np_.j - 1].end])
            return Attribution(text=txt, kind="named" if np_.kind == "P" else "anonymous")
        return None

    def _nat_mention(self, np_: NP) -> Mention:
        state = _countries().get(np_.cc, "")
        txt = self.d.text[np_.start:np_.end]
        return Mention(start=np_.start, end=np_.end, text=txt, type="GPE", key=key(state), canonical=state or None,
                       source="event-nationality")

    # -- frames ----------------------------------------------------------------------------------------
    def _frames(self, cands: list[Cand]) -> list[Frame]:
        d = self.d
        frames: list[Frame] = []
        self.frames = frames  # the frames found so far in this sentence (not the previous one's)
        # 1. reporting verbs and speech acts
        for c in cands:
            t = c.trig
            if not (t.has("report") or t.has("relay") or t.has("say") or t.has("wish") or t.has("deny")
                    or t.has("part0") or c.type == "DENY"):
                continue
            if self._in_relay_phrase(c.i) or self._passive(c) or (c.cls == "participle" and "ال" in c.hit.prefix):
                continue
            if c.i > self.a and (d.toks[c.i - 1].text == "(" or d.keys[c.i - 1] in ("عدم", "دون", "بدون")):
                continue
            participle = self._participle(c)
            kind = ("relay" if t.has("relay") else "wish" if t.has("wish") else
                    "deny" if (t.has("deny") or c.type == "DENY") else "say" if t.has("say") else "report")
            if t.has("part0"):
                kind = "part0"
            elif participle and kind == "report":
                kind = "part"
            sources = None
            carried = None
            if participle:
                sp = self._participle_speaker(c, frames)
            else:
                sp = self._explicit_subject(c)
                if sp is not None and not (sp.agentive or sp.kind in ("A", "R")):
                    sp = None
                if sp is None:
                    carried = self._carried(c) or self._previous_speaker(c)
                    if carried is not None:
                        sources, sp = list(carried.sources), carried.speaker_np
                    else:
                        sp = self._antecedent(c)
            if sp is not None and sp.kind in ("X", "P", "Q") and sp.j < self.b and \
                    d.pk[sp.j] in ("مثل", "بينها", "منها"):
                named = next((n for n in self.nps if n.i == sp.j + 1 and n.kind == "M"), None)
                if named is not None:
                    sp = named
            if sources is None and sp is not None:
                sources = self._sources(sp)
            lo, hi, comp = self._content(c, sp)
            if t.has("needcomp") and not comp:
                continue
            if sp is not None and self._is_last_subject(sp) and not comp and sources and \
                    not self._carried(c) and c.i <= self.a + 1 and not c.hit.prefix:
                continue  # "اكتشف المزيد …": no speaker in the text
            if not sources and kind in ("report", "relay", "part") and not comp:
                continue
            f = Frame(c.i, c.j, lo, hi, sources or [], kind, trig=t, cand=c, speaker_np=sp, comp=comp)
            f.negated = self._negated(c.i)
            f.date_tok = self._frame_time(c.j, lo)
            if f.date_tok is not None:
                f.date_value = d.time_at[f.date_tok].value
            elif carried is not None:
                f.date_value = carried.date_value
            if kind == "relay" or (sources and sources[0].kind == "reports"):
                f.modality = "reported"
            frames.append(f)
        # 2. relay phrases (بحسب X، وفقا لـX، نقلا عن X، حسبما أفادت X)
        frames += self._relays(frames)
        frames.sort(key=lambda f: f.i)
        for f in frames:
            f.hi0 = f.hi
        # a frame's content ends where the next speech frame begins
        for n, f in enumerate(frames):
            if f.kind == "relay" and f.trig is None:
                continue
            for g in frames[n + 1:]:
                if g.kind in ("relay", "part", "part0") or g.i < f.lo:
                    continue
                f.hi = min(f.hi, g.i)
                break
        return frames

    def _participle(self, c: Cand) -> bool:
        """A participle, or a fixed phrase that opens with one (معبراً عن)."""
        if c.cls == "participle":
            return True
        return c.cls == "phrase" and _peel_conj(self.d.keys[c.i])[:1] == "م"

    def _passive(self, c: Cand) -> bool:
        """A verb written with a damma on its first letter (يُعتبر، وُقّعت، أُرسلت): passive, no subject."""
        t = self.d.toks[c.i].text
        t = t[len(c.hit.prefix):] if c.hit.prefix and all(ch in "وفسل" for ch in c.hit.prefix) else t
        if c.cls == "present":
            return len(t) > 1 and t[1] == "\u064f"
        if c.cls in ("past", "passive"):
            return len(t) > 1 and t[1] == "\u064f"
        return False

    def _in_relay_phrase(self, i: int) -> bool:
        """بحسب ما أفاد / وفق ما أعلنت / حسبما أفادت: the verb belongs to the relay."""
        d = self.d
        for x in range(max(self.a, i - 2), i):
            h = d.cue(x, "relay")
            if h is not None and h.j >= i - 1:
                return True
        return False

    def _participle_speaker(self, c: Cand, frames: list[Frame]) -> NP | None:
        """مضيفاً، معرباً، قائلاً: the speaker of the sentence so far (the last frame, else the
        subject of the main verb)."""
        prev = [f for f in frames if f.i < c.i and f.speaker_np is not None]
        if prev:
            return prev[-1].speaker_np
        for o in self.cands:
            if o.i >= c.i:
                break
            if o.verbal:
                s = self._explicit_subject(o)
                if s is not None and s.agentive:
                    return s
        rel = self._relay_speaker_before(c.i)
        if rel is not None:
            return rel
        return self._antecedent(c)

    def _relay_speaker_before(self, i: int) -> NP | None:
        d = self.d
        for x in range(i - 1, self.a - 1, -1):
            h = d.cue(x, "relay")
            if h is not None:
                np_, _ = self._relay_np(h)
                return np_
        return None

    def _relays(self, frames: list[Frame]) -> list[Frame]:
        d = self.d
        out: list[Frame] = []
        x = self.a
        while x < self.b:
            h = d.cue(x, "relay")
            if h is None or h.i != x:
                x += 1
                continue
            np_, own = self._relay_np(h)
            if own or np_ is None:
                # بحسب تعبيرها / بحسب ما أعلن في تغريدة: the clause's own subject or speaker
                prev = [f for f in frames if f.sources and f.i < x]
                if prev and own:
                    x = h.j  # "وأضافت أن …، بحسب تعبيرها": the speaker's own words, already attributed
                    continue
                if prev:
                    srcs = prev[-1].sources
                else:
                    subj = None
                    for c in self.cands:
                        if c.i < x and c.verbal:
                            subj = self._explicit_subject(c)
                            if subj is not None:
                                break
                    if subj is None:
                        subj = self.last_subject if own else None
                    srcs = self._sources(subj) if subj is not None else None
                    if srcs is None:
                        x = h.j
                        continue
                sp = None
            else:
                srcs = self._sources(np_)
                sp = np_
            if not srcs:
                x = h.j
                continue
            lo, hi = self._relay_scope(x)
            end_np = np_.j if np_ is not None else h.j
            out.append(Frame(x, end_np, lo, hi, srcs, "relay", speaker_np=sp, modality="reported"))
            x = max(end_np, x + 1)
        return out

    def _relay_np(self, h: Hit) -> tuple[NP | None, bool]:
        """The source named by a relay phrase, following a chain (X نقلاً عن Y → Y; أرقام جمعها X
        من Y → Y); ``own`` when the phrase names no one (بحسب تعبيرها، بحسب ما أعلن)."""
        d = self.d
        y = h.j
        b = self.b
        while y < b and (d.keys[y] in ("ما", "به", "بها", "لما") or d.cue(y, "relay_verb")):
            hv = d.cue(y, "relay_verb")
            y = hv.j if hv is not None else y + 1
        own = False
        if y < b and d.cue(y, "relay_noun"):
            if d.keys[y] in _OWN_WORDS:
                return None, True
            y = d.cue(y, "relay_noun").j
            while y < b and d.cue(y, "relay_verb"):
                y = d.cue(y, "relay_verb").j
        np_ = None
        for cand in self.nps:
            if y <= cand.i <= y + 2 and cand.kind in ("M", "A", "R", "P", "N", "X"):
                np_ = cand
                break
            if cand.i > y + 2:
                break
        if np_ is None:
            return None, True
        # a chain: "… من Y" / "… عن Y"
        z = np_.j
        while z < min(b, np_.j + 6):
            if d.toks[z].text in COMMA or d.punct[z] and d.toks[z].text not in "«»\"“”":
                break
            if d.keys[z] in ("عن", "من", "نقلا"):
                for cand in self.nps:
                    if z < cand.i <= z + 2 and cand.kind in ("M", "A", "R", "P") and cand.agentive:
                        return cand, False
            z += 1
        for cand in self.nps:
            if np_.j <= cand.i <= np_.j + 2 and cand.prep in ("عن", "من") and cand.agentive and \
                    d.keys[np_.j] in ("عن", "من", "نقلا"):
                return cand, False
        return np_, own

    def _relay_scope(self, x: int) -> tuple[int, int]:
        """A relay that opens its sentence covers the sentence (to a contrast boundary); otherwise the
        clause before it (back to the previous contrast boundary)."""
        d = self.d
        before = [t for t in self.bounds if t <= x]
        lo = max(before) if before else self.a
        opening = all(d.punct[t] or d.pk[t] in PREPS or d.time_at[t] is not None
                      or self._np_covering(t) is not None and self._np_covering(t).prep
                      for t in range(self.a, x))
        if opening:
            after = [t for t in self.bounds if t > x]
            return x, (min(after) if after else self.b)
        return lo, x

    def _content(self, c: Cand, sp: NP | None) -> tuple[int, int, bool]:
        """A frame's content: after its complementiser (إن، أن، بأن، :) to the end of the sentence;
        without one, the object after the verb to the end of its clause."""
        d = self.d
        b = self.b
        start = c.j
        if sp is not None and sp.i >= c.j:
            start = sp.last
        comp = False
        if start < b and d.toks[start].text in COMMA:
            for z in range(start + 1, min(b, start + 16)):
                if d.toks[z].text in COMMA:
                    if z + 1 < b and (d.is_comp(z + 1) or d.keys[z + 1] in ("الي", "عن", "علي", "ب") or
                                      (d.keys[z + 1][:1] == "ب" and d.trig[z + 1])):
                        start = z + 1
                    break
        lo = start
        first = start
        while first < b and (d.toks[first].text in COMMA or d.time_at[first] is not None):
            first += 1
        paren = False
        for x in range(start, min(b, start + 16)):
            tx = d.toks[x].text
            if tx == "(":
                paren = True
            if paren:
                paren = tx != ")"
                continue
            if tx in ("“", "\"", "«") and x > first:
                continue
            if d.is_comp(x) and x > self.a and d.pk[x - 1] in ("منذ", "بعد", "قبل"):
                continue
            if d.is_comp(x) or tx in ("“", "\"", "«", ":") or d.keys[x] in ("بان", "بانه", "بانها"):
                lo = x + 1 if (d.is_comp(x) or tx == ":") else x
                comp = True
                break
            if (x >= start and d.trig[x] and not d.ment_at[x]) or x - start > 9:
                break
        hi = b
        if not comp:
            for t in sorted(self.bounds):
                if t > lo:
                    hi = t
                    break
        elif lo < b and d.toks[lo].text in ("“", "\"", "«"):
            close = {"“": "”", "«": "»"}.get(d.toks[lo].text, "\"")
            for x in range(lo + 1, b):
                if d.toks[x].text == close or (close == "\"" and d.toks[x].text in ("”", "\"")):
                    if x + 1 >= b or d.toks[x + 1].text in COMMA or d.toks[x + 1].text in (".", "،"):
                        hi = x + 1
                    break
        # a result clause "، لتصل الحصيلة …" is the narrator's
        for x in range(lo, hi):
            if d.toks[x].text in COMMA and x + 1 < hi:
                k = d.keys[x + 1]
                if k[:1] == "ل" and any(h.value.cls == "present" and "ل" in h.prefix for h in d.trig[x + 1]):
                    hi = x
                    break
        if c.trig.has("wish"):
            for x in range(lo, hi):
                if d.toks[x].text in COMMA:
                    hi = x
                    break
        return lo, hi, comp

    def _frame_time(self, j: int, lo: int) -> int | None:
        for x in range(j, max(j, lo)):
            if self.d.time_at[x] is not None:
                return x
        return None

    def _carried(self, c: Cand) -> Frame | None:
        """وأضاف / وتابع / وأوضح المصدر at the start of a sentence: the previous sentence's speaker."""
        d = self.d
        if self.last_frame is None or self.sent_no - self.last_frame_sent > 1:
            return None
        if c.i > self.a + 1:
            return None
        if not d.lex.is_cue(d.keys[c.i], "cont") and not d.lex.is_cue(d.pk[c.i], "cont"):
            return None
        return self.last_frame

    def _possessed(self, c: Cand) -> bool:
        """A masdar with a possessive pronoun (زيارته، لقائه، اجتماعها)."""
        d = self.d
        if c.j != c.i + 1:
            return False
        k = d.keys[c.i][len(c.hit.prefix):]
        for p in ("هما", "هم", "ها", "ه"):
            if not k.endswith(p) or len(k) - len(p) < 3:
                continue
            stem = k[:-len(p)]
            for cand in (stem, stem[:-1] if stem.endswith(("ي", "و")) else "", stem[:-1] + "ه" if stem.endswith("ت")
                         else ""):
                if cand and any(h.value.trigger is c.trig and h.j == 1 for h in d.lex.triggers_at([cand], 0)):
                    return True
        return False

    def _previous_speaker(self, c: Cand) -> Frame | None:
        """"وحول رؤيته …، أوضح أن": a speech verb with no subject of its own, before any other verb
        or named party of its sentence, goes on with the previous sentence's speaker."""
        d = self.d
        if self.last_frame is None or self.sent_no - self.last_frame_sent > 1 or c.trig.type != "STATEMENT":
            return None
        if any(o.i < c.i and o.verbal for o in self.cands):
            return None
        if any(n.j <= c.i and n.kind == "M" and n.agentive and not n.prep for n in self.nps):
            return None
        if not any(d.toks[x].text in COMMA for x in range(self.a, c.i)) and c.i > self.a + 1:
            return None  # only after a fronted phrase ("وحول …، أوضح")
        return self.last_frame

    def _negated(self, i: int) -> bool:
        d = self.d
        x = i - 1
        while x >= self.a and d.keys[x] in ("قد", "بعد", "يكن", "تكن"):
            x -= 1
        return x >= self.a and d.lex.is_cue(d.keys[x], "negation")

    # -- building an event ---------------------------------------------------------------------------
    def _build(self, c: Cand, typ: str, sub: str | None, frames: list[Frame]) -> Event | None:
        d = self.d
        t = c.trig
        i, j = c.i, c.j
        if self._suppressed(c, frames):
            return None
        tok = d.toks[i]
        cut = _prefix_cut(tok.text, c.hit.prefix[:1]) if c.hit.prefix[:1] in ("و", "ف") else 0
        tstart = tok.start + cut
        tend = d.toks[j - 1].end
        ev = Event(type=typ, start=self.s, end=self.e, text=d.text[self.s:self.e], trigger=d.text[tstart:tend],
                   trigger_start=tstart, trigger_end=tend, subtype=sub if typ in ("OTHER", "SANCTION") else None)
        if typ == "OTHER" and ev.subtype is None:
            ev.subtype = t.subtype
        roles = self._roles(c, typ, ev.subtype)
        if roles is None:
            return None
        actor, recipient, obj, place = roles
        if actor is not None:
            ev.actor, ev.actor_state = self._mention_of(actor)
        if recipient is not None:
            ev.recipient, ev.recipient_state = self._mention_of(recipient)
        ev._borrowed = getattr(self, "_borrowed", False)  # type: ignore[attr-defined]
        ev.object = obj
        ev.place = place
        ev.quantity = self._quantity(c, typ, ev.subtype)
        if t.qty and ev.quantity is None:
            return None
        # a masdar needs an argument of its own; otherwise it only refers back (خلال زيارته)
        if c.nominal and not t.has("bare") and not t.has("casualtynoun") and not self._inchoative(i):
            genitive = actor is not None and actor.i >= j and (actor.i <= j + 1 or (
                typ in ("ACCUSE", "THREATEN", "STATEMENT") and actor.i <= j + 4))
            if "ال" in c.hit.prefix:
                obj = None if not genitive else obj  # a definite masdar's object alone makes no new event
            if i > self.a and d.pk[i - 1] in _TEMPORAL and not genitive and self._time_near(j) is None:
                return None
            obj_after = obj is not None and (typ in ("TRANSFER", "DEPLOY", "SANCTION", "LAUNCH", "INTERCEPT") or (
                typ == "OTHER" and sub in ("relief", "access", "legal", "appeal", "rescue"))) and \
                "ال" not in c.hit.prefix and t.lemma not in _MOTION
            has_arg = genitive or ev.place is not None or ev.quantity is not None or \
                self._time_near(j) is not None or recipient is not None or obj_after
            if not has_arg:
                return None
            ev._args_only_actor = genitive and not (ev.place or ev.quantity or recipient or obj_after or  # type: ignore[attr-defined]
                                                   self._time_near(j))
        ev._cand = c  # type: ignore[attr-defined]
        return ev

    def _governor(self, c: Cand) -> int | None:
        """The light or planning verb a masdar is the object of (ترأس اجتماعاً، وجّه بإرسال، أصدرت …
        ترخيصاً): its token, looking back over its subject and adverbs."""
        d = self.d
        for x in range(c.i - 1, max(self.a, c.i - 12) - 1, -1):
            if x in self.bounds or d.is_comp(x) or (d.toks[x].text in COMMA and not d.time_at[x - 1 if x else 0]):
                if d.toks[x].text in COMMA and x + 1 < c.i and d.time_at[x + 1] is not None:
                    continue
                if d.toks[x].text in COMMA and x - 1 >= self.a and d.time_at[x - 1] is not None:
                    continue
                return None
            h = d.cue(x, "light") or d.cue(x, "planned")
            if h is not None and h.i == x:
                return x
            if self._np_covering(x) is None and d.time_at[x] is None and not d.lex.is_cue(d.keys[x], "skip") and \
                    d.toks[x].text not in COMMA and not d.keys[x].startswith(("ال", "لل")):
                return None
        return None

    def _masdar_complement(self, c: Cand) -> bool:
        """A masdar governed by the verb before it (أعلنت الوكالة تقديم …، وجّه بإرسال …، تعهد بصرف …):
        the verb's subject is the masdar's actor."""
        d = self.d
        i = c.i
        if self._governor(c) is not None:
            return True
        prev = [o for o in self.cands if o.j <= i and o is not c]
        if not prev:
            return False
        o = prev[-1]
        if not (o.verbal or o.trig.type == "STATEMENT") or self._contrast_between(o.i, i):
            return False
        for x in range(o.j, i):
            if d.time_at[x] is not None or d.toks[x].text in COMMA or d.lex.is_cue(d.keys[x], "skip") or \
                    d.keys[x] in ("عن", "علي") or self._np_covering(x) is not None or \
                    d.keys[x].startswith(("ال", "لل")) or d.ment_at[x] or d.covered[x] is not None:
                continue
            return False
        return True

    def _undergone(self, i: int) -> int | None:
        """The verb of undergoing (تعرضت) a ل-masdar follows, over its subject: its token."""
        d = self.d
        for x in range(i - 1, max(self.a, i - 6) - 1, -1):
            if d.cue(x, "undergo") is not None:
                return x
            if d.punct[x] or d.is_comp(x) or x in self.bounds:
                return None
        return None

    def _inchoative(self, i: int) -> bool:
        """بدأ / شرع / باشر + masdar: the masdar is the verb's event (بدأ بعضهم المشاركة في القتال)."""
        d = self.d
        return any(d.pk[x] in _INCHOATIVE for x in range(max(self.a, i - 4), i))

    def _suppressed(self, c: Cand, frames: list[Frame]) -> bool:
        """Triggers that do not make events: inside a wish or an offer, after a condition, right after
        a word of purpose, ability, readiness or continuation, background relative clauses, and the
        content of an agreement (وافق على فتح المعبرين)."""
        d = self.d
        i = c.i
        for f in frames:
            if f.kind == "wish" and f.i < i < f.hi:
                return True
        lo = self.a
        for x in range(i - 1, self.a - 1, -1):
            if x in self.bounds:
                lo = x
                break
        for x in range(lo, i):
            h = d.cue(x, "conditional")
            if h is not None and h.i == x and h.j <= i and not (x > self.a and d.keys[x - 1] == "ما"):
                return True
        for x in range(max(self.a, i - 3), i):
            h = d.cue(x, "unreal")
            if h is not None and h.j <= i:
                return True
        if i - 2 > self.a and d.keys[i - 1] == "قد" and d.keys[i - 2] in _COPULAS and self._content_word(i - 3) and \
                not c.nominal:
            return True
        rel = i > self.a and (self._relative_at(i - 1) or (
            i - 1 > self.a and self._relative_at(i - 2) and d.lex.is_cue(d.keys[i - 1], "skip")))
        if rel and ((c.type == "OTHER" and c.subtype == "disaster") or c.nominal):
            return True
        if c.nominal and not c.trig.has("bare") and not c.trig.has("casualtynoun") and i > self.a and \
                not c.hit.prefix and self._content_word(i - 1) and not d.trig[i - 1] and \
                not d.cues(i - 1) and not self._inchoative(i):
            return True
        if c.nominal and i > self.a and re.search("[\u064b]", d.toks[i].text) and d.keys[i - 1].startswith("ال") and \
                not d.trig[i - 1] and d.time_at[i - 1] is None and not d.cues(i - 1):
            return True
        if i > self.a and d.keys[i - 1] == "علي":
            for o in self.cands:
                if o.type == "AGREE" and o.i < i and not self._contrast_between(o.i, i) and i - o.j <= 8:
                    return True
        return False

    def _roles(self, c: Cand, typ: str, sub: str | None):
        """(actor NP, recipient NP, object text, place Mention) for a trigger."""
        d = self.d
        t = c.trig
        i, j = c.i, c.j
        frame = t.frame
        right = self._right_nps(j)
        plain = [n for n in right if not n.prep]
        pps = [n for n in right if n.prep]
        subj = self._explicit_subject(c)
        actor = recipient = None
        obj = None
        place = None

        def first_pp(preps, agentive=None, kinds=None):
            for n in pps:
                if n.prep in preps:
                    if agentive is not None and n.agentive != agentive:
                        continue
                    if kinds is not None and n.kind not in kinds:
                        continue
                    return n
            return None

        rest = [n for n in plain if n is not subj and (subj is None or n.i > subj.i or subj.i < i)]
        dobj = rest[0] if rest else None
        zero = subj is None
        if frame == "host":
            actor, recipient = dobj, (subj if subj is not None else self._antecedent(c))
            if actor is None or not actor.agentive:
                return None
        elif frame == "receive":
            recipient = subj if subj is not None else self._antecedent(c)
            actor = first_pp(("من",), kinds=("M", "N", "P"))
        elif frame == "supply":
            if c.nominal and subj is not None and dobj is None:
                recipient, actor = subj, self._antecedent(c)
            else:
                actor, recipient = subj, dobj
            bpp = first_pp(("ب",))
            if bpp is not None:
                obj = self._object_text(bpp.i, bpp.start)
        elif frame == "give":
            actor = subj
            if dobj is not None and dobj.kind in ("M", "N") and dobj.agentive and not dobj.place or (
                    dobj is not None and dobj.kind == "M" and dobj.mention is not None and
                    _state_of(dobj.mention.canonical or "", dobj.mention.type)):
                recipient = dobj
        elif frame in ("target", "meet"):
            actor = subj
            if dobj is not None and dobj.agentive and (dobj.kind in ("M", "N", "A") or "agent" in dobj.classes):
                recipient = dobj
            else:
                recipient = first_pp(("ب", "مع", "ل", "الي", "علي"), agentive=True, kinds=("M", "N", "P", "X"))
            if frame == "target":
                bpp = first_pp(("ب",))
                if bpp is not None and bpp is not recipient:
                    obj = self._clause_text(bpp.i, bpp.start)
                else:
                    y0 = subj.last if subj is not None and subj.i >= j else j
                    for y in range(y0, min(self.b, y0 + 8)):
                        if d.keys[y][:1] == "ب" and (not d.ment_at[y] or d.trig[y]) and len(d.keys[y]) > 3 and \
                                not d.is_comp(y) and \
                                not d.keys[y].startswith("بين"):
                            obj = self._clause_text(y, d.toks[y].start + _prefix_cut(d.toks[y].text, "ب"))
                            break
        else:
            actor = subj
        und = self._undergone(i) if c.nominal else None
        if und is not None:
            # "تعرضت مدينة خاركيف لقصف روسي": the subject of تعرض is the target; a nationality
            # adjective on the masdar names the attacker
            tgt = next((n for n in self.nps if und < n.i < i and not n.prep), None)
            nat = next((n for n in right if n.kind == "N" and n.i <= j + 1), None)
            return nat, tgt, None, (tgt.mention if tgt is not None and tgt.place else None)
        passive = i > self.a and d.pk[i - 1] in _PASSIVE_AUX
        if self._passive(c) and not c.nominal:
            zero = False  # "وُقعت اتفاقية": the agent is not named
        if passive and c.nominal:
            # "تم اتهام كوريا الشمالية بـ…": the genitive is the patient; the agent is not named
            if frame in ("target", "supply") or typ in ("ACCUSE", "THREATEN", "SANCTION"):
                recipient, actor = subj, None
            else:
                actor = None
            subj = None
            zero = False
        if zero and c.cls == "participle" and typ in ("TRANSFER", "AGREE", "DEPLOY"):
            zero = False  # "حاوية مرسلة من …"، "الاتفاقية الموقعة": a passive participle has no subject
            actor = None
        definite_masdar = c.nominal and "ال" in c.hit.prefix and not c.hit.prefix.startswith(("لل", "ولل"))
        self._borrowed = False
        purpose = c.nominal and _prep_of_prefix(c.hit.prefix) == "ل"
        borrow = not c.nominal or purpose or self._inchoative(i) or self._masdar_complement(c) or t.has("bare") or \
            bool(re.search("(ه|ها|هم|هما)$", d.keys[i]))
        if zero and not c.nominal and self._unparsed_subject(i):
            zero = False  # "أن جارتها الشمالية أرسلت": a subject is there, though not one we can name
        if zero and frame not in ("host", "receive", "supply") and not (typ == "OTHER" and sub in _NO_ACTOR) and \
                not (c.nominal and typ in ("ACCUSE", "SANCTION") and not purpose and self._governor(c) is None) and \
                not (t.has("bare") and typ == "THREATEN") and \
                (not definite_masdar or self._inchoative(i)) and borrow:
            actor = self._antecedent(c)
            self._borrowed = actor is not None
        elif frame == "supply" and c.nominal and actor is not None and subj is not None and recipient is subj:
            self._borrowed = True
        # nominal triggers: من-phrase and nationality adjectives name the actor (انتقادات من المعارضة، اتهامات غربية)
        if c.nominal and typ in ("ACCUSE", "THREATEN", "STATEMENT", "SANCTION") and (actor is None or actor.i < i):
            nat = next((n for n in right if n.kind == "N" and n.i <= j + 2), None)
            frm = first_pp(("من",), agentive=True)
            if nat is not None or frm is not None:
                actor = nat or frm
            to = first_pp(("ل",), agentive=True, kinds=("M", "N", "P"))
            if to is not None:
                recipient = to
        if typ == "THREATEN" and t.has("bare"):
            # "اعتبار القوات الكورية الشمالية أهدافاً مشروعة": the threatened party comes before
            left = self._left_np(i)
            if left is None:
                for n in self.nps:
                    if n.j <= i and i - n.j <= 2:
                        left = n
            recipient = left if left is not None and left.agentive else None
            actor = None
        if typ == "INTERCEPT":
            side = self._nat_on_goods(i, j)
            if t.lemma in _VIOLATION:
                actor = side or (actor if actor is not None and actor.kind in ("M", "N") else None)
            else:
                if side is not None:
                    recipient = side
        if typ == "AGREE":
            obj = self._agree_object(c, right)
        if typ in ("TRANSFER", "DEPLOY"):
            actor, recipient, obj, place = self._transfer_roles(c, typ, actor, recipient, obj, right, pps, subj)
        if typ in ("VISIT", "MEET") and recipient is None:
            recipient = next((n for n in right if "counterpart" in n.classes), None)
        if typ == "VISIT":
            cands_place = [n for n in plain if n is not subj and n.place][:1] + ([dobj] if dobj is not None else []) + \
                [n for n in right if n.prep in ("الي", "في", "ل")] + ([subj] if subj is not None and subj.place and
                                                                    actor is not subj else [])
            for n in cands_place:
                if n is not None and n.place:
                    place = n.mention
                    break
            if actor is not None and actor.place and place is None:
                place = actor.mention
                actor = self._antecedent(c)
            if frame != "host" and dobj is not None and dobj.kind == "M" and dobj.mention is not None and \
                    dobj.mention.type in ("PERSON", "ROLE") and recipient is None:
                recipient = dobj
        if typ in ("FIGHT", "ATTACK") and recipient is None:
            recipient = first_pp(("مع", "ضد", "علي"), agentive=True)
        if typ == "ATTACK" and place is None and dobj is not None and dobj.place:
            place = dobj.mention
        if typ == "MEET" and recipient is not None and actor is not None and recipient is actor:
            recipient = None
        if typ == "SANCTION" and recipient is None and sub != "veto":
            for n in right:
                if (n.prep in (("علي", "ضد", "عن") if sub == "lift" else ("علي", "ضد")) and (
                        (n.kind == "M" and n.mention is not None and
                                                   n.mention.type in ("GPE", "ORG", "PERSON")) or
                                                  n.kind in ("N", "A") or (n.kind in ("P", "X") and n.agentive))) or \
                        (n.prep == "في" and n.kind == "M" and n.mention is not None and n.mention.type == "GPE"):
                    recipient = n
                    break
        # place: في / بـ / إلى + a place in the clause, or a fronted "وفي هاتاي، …"
        if place is None:
            for n in right:
                if n.prep in ("في", "ب", "الي") and n.place and n is not recipient:
                    place = n.mention
                    break
        if place is None:
            lo = max([t for t in self.bounds if t <= i] + [self.a])
            for n in self.nps:
                if lo <= n.i <= lo + 2 and n.j <= i and n.prep == "في" and n.place and not n.is_coord and \
                        n.j < self.b and d.toks[n.j].text in COMMA:
                    place = n.mention
        if obj is None:
            obj = self._other_object(c, typ, sub, right, subj, dobj)
        # places and objects are not actors; casualty and damage figures have none
        if actor is not None and actor.kind == "M" and actor.mention is not None and actor.mention.type in ("LOC", "FAC"):
            actor = None
        if actor is not None and actor.kind in ("X", "Q") and actor.pron and typ not in ("TRANSFER", "DEPLOY"):
            actor = self._antecedent(c) or actor
        if actor is not None and actor.kind in ("X", "Q") and not (actor.classes & {"agent", "personnel"}):
            actor = None
        if typ == "OTHER" and sub in _NO_ACTOR:
            actor = recipient = None
        if actor is not None and recipient is actor:
            recipient = None
        return actor, recipient, obj, place

    def _transfer_roles(self, c: Cand, typ: str, actor, recipient, obj, right, pps, subj):
        d = self.d
        i, j = c.i, c.j
        place = None
        want = "personnel" if typ == "DEPLOY" else "goods"
        obj_np = None
        sending = c.trig.lemma not in _MOTION | {"عمل", "شارك", "حمل", "ضم"}
        order = ([subj] if subj is not None and typ == "DEPLOY" and not sending else []) + \
            [n for n in right if subj is None or n.i != subj.i or not sending or subj.i < j] + \
            ([subj] if subj is not None and (typ != "DEPLOY" or sending) else [])
        if typ == "DEPLOY" and sending and subj is not None and subj.i >= j and \
                not any(want in n.classes for n in right if n.i != subj.i):
            # "نشرت القوات الأمريكية منظومة دفاع جوي": a weapon system deployed by the force
            obj_np = next((n for n in right if n.i != subj.i and "weapon" in n.classes and not n.prep), None)
        for n in order if obj_np is None else []:
            if want in n.classes or (typ == "TRANSFER" and n.classes & {"goods", "weapon", "money"}):
                obj_np = n
                break
        if obj_np is None:
            left = self._left_np(i)
            if left is not None and want in left.classes:
                obj_np = left
        if obj is None and obj_np is not None and not (typ == "TRANSFER" and obj_np.classes <= {"money"}):
            if obj_np.kind == "Q":
                q = d.qty_at[obj_np.i]
                # "أكثر من 13000 حاوية من المدفعية …": the goods after the count
                z = obj_np.j
                if z < self.b and d.keys[z] == "من" and z + 1 < self.b and d.classes_at(z + 1) & {"goods", "weapon",
                                                                                                  "personnel"}:
                    obj = self._object_text(z + 1, d.toks[z + 1].start)
                elif q is not None and q.unit_text:
                    noun = next((z for z in range(obj_np.i, obj_np.j) if d.classes_at(z) & {want, "goods", "weapon",
                                                                                         "personnel"} and
                                 not d.keys[z][:1].isdigit() and d.nouns(z)), obj_np.j - 1)
                    obj = self._object_text(noun, d.toks[noun].start + _prefix_cut(
                        d.toks[noun].text, "و" if d.keys[noun][:1] == "و" else ""))
                else:
                    obj = self._object_text(obj_np.i, obj_np.start)
            else:
                obj = self._object_text(obj_np.i, obj_np.start)
        # the sender of an own-pronoun unit (عسكرييها، قواتها): the owner, not the unit; a unit that
        # sends others (الجيش ينشر قوات) is the sender
        if actor is not None and actor.kind in ("X", "Q") and (actor.pron or "personnel" in actor.classes):
            if actor.pron:
                actor = self._antecedent(c)
            elif not (sending and obj_np is not None and obj_np is not actor):
                actor = None
        # "تابعة لـX" names the sender
        tab = self._tabi(i, j)
        if tab is not None and (actor is None or actor.kind in ("X", "Q")):
            actor = tab
        # the receiving side: إلى/لـ + a state, a body or a person; a city, airport or area is a place
        if recipient is None:
            for n in pps:
                if n.prep not in ("الي", "ل", "لصالح") or n is tab:
                    continue
                if n.kind == "M" and n.mention is not None:
                    kind = None
                    if n.mention.type == "GPE":
                        e = gaz_lexicon().lookup(n.mention.canonical or n.mention.text, PLACE_TYPES)
                        kind = e.kind if e else None
                    site = n.i > self.a and "crossing" in d.classes_at(n.i - 1)
                    if (n.mention.type in ("ORG", "PERSON") or kind in _STATE_KINDS or kind == "capital") and not site:
                        recipient = n
                    elif n.mention.type in PLACE_TYPES:
                        place = place or n.mention
                    break
                if n.kind in ("A", "P", "N") or (n.kind == "X" and n.prep == "ل" and "agent" not in n.classes):
                    recipient = n
                    break
        if recipient is None:
            for x in range(j, min(self.b, j + 14)):
                if x in self.bounds:
                    break
                if d.cue(x, "purpose") or d.pk[x] == "لصالح":
                    for n in self.nps:
                        if x < n.i <= x + 1 and n.kind in ("M", "N") and n.mention is not None and \
                                n.mention.type in ("GPE", "ORG") or (n.i == x and n.kind == "M" and n.prep == "ل"):
                            recipient = n
                            break
                        if x < n.i <= x + 8 and n.prep == "في" and n.kind == "M" and n.mention is not None and \
                                _state_of(n.mention.canonical or "", n.mention.type) and typ == "TRANSFER":
                            recipient = n
                            break
                    if recipient is not None:
                        break
        if recipient is None:
            lk = _LIKULL
            for y in range(j, min(self.b, j + 12)):
                if d.keys[y] in lk and y + 1 < self.b:
                    recipient = NP(y, min(self.b, y + 3), "P", start=d.toks[y].start + 1,
                                   end=d.toks[min(self.b, y + 3) - 1].end)
                    break
        if recipient is None and typ == "TRANSFER":
            for n in pps:
                if n.prep == "في" and n.kind == "M" and n.mention is not None and n.mention.type == "GPE":
                    e = gaz_lexicon().lookup(n.mention.canonical or n.mention.text, PLACE_TYPES)
                    if e is not None and e.kind in _STATE_KINDS and c.cls == "masdar":
                        recipient = n
                        break
        # the sender: "من X" after the goods (من الجزائر والعراق، من عدة دول بينها العراق), or a
        # nationality adjective on the goods or vehicle (أول طائرة إماراتية، أربع عراقية، تكنولوجيا روسية)
        if getattr(self, "_borrowed", False):
            nat = self._nat_on_goods(i, j)
            if nat is not None and nat.i >= j:
                actor = nat
                self._borrowed = False
        own_force = actor is not None and actor.kind == "X" and "personnel" in actor.classes and \
            obj_np is not None and obj_np.i != actor.i and \
            (any(_nat(d.keys[x]) is not None for x in range(actor.i + 1, actor.j)) or
             ("military" in actor.classes and d.keys[actor.i].startswith("ال")))  # القوات الأمريكية تنشر …
        if actor is None or (actor.kind in ("X", "Q") and not actor.classes & {"agent"} and not own_force):
            frm = None
            for n in pps:
                if n.prep == "من" and n.kind == "M" and n.mention is not None and n.mention.type in ("GPE", "ORG"):
                    frm = n
                    break
            if frm is None:
                frm = self._among_after_from(j)
            if frm is not None:
                actor = frm
            else:
                nat = self._nat_on_goods(i, j)
                if nat is not None:
                    actor = nat
                elif actor is not None and actor.kind in ("X", "Q"):
                    actor = None
        if typ == "DEPLOY" and place is None:
            for n in pps:
                if n.prep in ("الي", "في") and n.place:
                    place = n.mention
                    break
            if place is None and recipient is not None and recipient.kind == "M" and recipient.place:
                place = recipient.mention
        return actor, recipient, obj, place

    def _among_after_from(self, j: int) -> NP | None:
        """"من عدة دول، بينها العراق والجزائر": the first named state after من … بينها/منها."""
        d = self.d
        for y in range(j, min(self.b, j + 12)):
            if d.keys[y] == "من":
                for z in range(y + 1, min(self.b, y + 6)):
                    if d.keys[z] in ("بينها", "منها", "ابرزها", "بينهم", "منهم"):
                        for n in self.nps:
                            if z < n.i <= z + 2 and n.kind == "M" and n.mention is not None and \
                                    n.mention.type in ("GPE", "ORG"):
                                return n
                return None
        return None

    def _agree_object(self, c: Cand, right: list[NP]) -> str | None:
        """What is agreed: the على-clause (وافق على فتح المعبرين), the agreement named after the verb
        (وقّع اتفاقية …), or the one the verb refers back to (الاتفاق الذي وقعه …، الاتفاقية الموقعة)."""
        d = self.d
        for x in range(c.j, min(self.b, c.j + 8)):
            if x in self.bounds or d.is_comp(x) or d.toks[x].text in COMMA:
                break
            if d.keys[x] == "علي" and x + 1 < self.b:
                return self._clause_text(x + 1, d.toks[x + 1].start)
        for n in right:
            if "agreement" in n.classes:
                return self._object_text(n.i, n.start)
        best_x = None
        for x in range(c.i - 1, max(self.a, c.i - 9) - 1, -1):
            if d.punct[x] or d.verb[x] or (x < c.i - 1 and d.trig[x] and "agreement" not in d.classes_at(x)):
                break
            if "agreement" in d.classes_at(x):
                best_x = x
        for x in ([best_x] if best_x is not None else []):
            if "agreement" in d.classes_at(x):
                hs = d.nouns(x)
                pk = min((h.prefix for h in hs), key=len, default="")
                pk = pk.removesuffix("ال")
                start = d.toks[x].start + _prefix_cut(d.toks[x].text, pk)
                end = c.i
                while end > x + 1 and (self._relative_at(end - 1) or d.punct[end - 1]):
                    end -= 1
                return _clean(d.text[start:d.toks[end - 1].end])
        return None

    def _nat_tokens(self) -> list[NP]:
        """Nationality adjectives, also inside a count phrase (وخمس صينية)."""
        d = self.d
        out = [n for n in self.nps if n.kind == "N"]
        for n in self.nps:
            if n.kind in ("Q", "X"):
                for x in range(n.i, n.j):
                    nat = _nat(d.keys[x])
                    if nat is None and x + 1 < n.j:
                        nat = self._nat_at(x, n.j)[0]
                    if nat is not None and x > n.i:
                        t = d.toks[x]
                        pk = _nat_prefix(d.keys[x], nat)
                        cut = _prefix_cut(t.text, pk.replace("ال", "") if pk.endswith("ال") else pk)
                        out.append(NP(x, x + 1, "N", cc=nat.cc, start=t.start + cut, end=t.end))
        return sorted(out, key=lambda n: n.i)

    def _nat_on_goods(self, i: int, j: int) -> NP | None:
        """A nationality adjective attached to the goods, vehicle or unit (أول طائرة إماراتية، أربع
        عراقية واثنتان جزائريتان، فرق روسية)."""
        d = self.d
        left = self._left_np(i)
        for n in self._nat_tokens():
            if n.prep or self._contrast_between(n.i, i):
                continue
            if left is not None and left.i <= n.i < left.j:
                return n
            if not (j <= n.i < j + 12 or (left is not None and left.j == n.i) or
                    (i - 8 <= n.i < i and left is not None and left.i <= n.i)):
                continue
            if n.i >= j and any(j <= o.i < n.i for o in self.cands):
                continue
            x = n.i - 1
            while x >= self.a and (d.keys[x].startswith("ال") and not d.classes_at(x) or
                                   (x in range(n.i - 3, n.i) and _nat(d.keys[x]))):
                x -= 1
            if x < self.a:
                continue
            cs = d.classes_at(x)
            if cs & {"goods", "vehicle", "personnel", "weapon", "aircraft"} or d.qty_at[x] is not None or \
                    (d.keys[x] in ("اول", "أول") or d.toks[x].text in COMMA):
                return n
            if any(m.i <= n.i < m.j and m.kind in ("X", "Q") for m in self.nps):
                return n  # inside the unit's own phrase
        return None

    def _tabi(self, i: int, j: int) -> NP | None:
        """"تابعة لـX" near the trigger: X is the sender."""
        d = self.d
        for x in range(max(self.a, i - 6), min(self.b, j + 10)):
            if d.pk[x] in _TABI:
                for n in self.nps:
                    if n.i == x + 1 and n.kind in ("M", "P", "X", "N") and n.prep in ("ل", "لل"):
                        return n
        return None

    def _hyphen_join(self, y: int) -> bool:
        d = self.d
        return d.toks[y].text in ("-", "–") and self.a < y < self.b - 1 and \
            d.toks[y - 1].end == d.toks[y].start and d.toks[y].end == d.toks[y + 1].start

    def _object_text(self, i: int, start: int) -> str:
        """The goods or unit phrase from token ``i``: coordinated goods, "من" + goods (شحنات من
        الوقود والأدوية), adjectives; it stops at a preposition, a place or a clause word."""
        d = self.d
        y = i + 1
        n = 0
        while y < self.b and n < 10:
            k = d.keys[y]
            if self._hyphen_join(y):
                y += 2  # "إف-16": one name
                continue
            if d.punct[y] or d.time_at[y] is not None or y in self.bounds or d.is_comp(y) or \
                    self._relative_at(y):
                break
            cs = d.classes_at(y)
            if k in ("من",) or k.startswith("وغير"):
                if k.startswith("وغير"):
                    y += 1
                    n += 1
                    continue
                if y + 1 < self.b and (d.classes_at(y + 1) & {"goods", "weapon", "money", "personnel"}):
                    y += 1
                    n += 1
                    continue
                break
            if k in PREPS or k in ("مقابل",) or _peel_conj(k) in ("مقابل",):
                break
            if d.verb[y] and not cs:
                break
            if d.trig[y] and not cs and not k.startswith("ال"):
                break
            if _peel_conj(k)[:1] in ("ت", "ي") and len(k) >= 4 and not cs and not d.ment_at[y] and not _nat(k) and \
                    not d.covered[y]:
                break  # "حاويات تحتوي على": a verb
            if self._purpose_at(y) or d.cue(y, "purpose"):
                break
            if k[:1] in ("ب", "ل") and not d.covered[y] and not cs and not k.startswith(("بال", "لل")) and len(k) > 3:
                break
            if k[:1] == "ل" and (k.startswith("لل") or d.ment_at[y]) and not (cs & {"goods"}):
                break
            if k[:1] == "و" and not (cs & {"goods", "weapon", "personnel", "money", "vehicle"}) and not _nat(k) and \
                    not (d.covered[y] is not None and d.covered[y].type == "WEAPON"):
                break
            if d.ment_at[y] and d.ment_at[y][0][0].type in ("GPE", "ORG", "PERSON", "ROLE") and \
                    not _nat(k) and not (cs & {"goods"}):
                break
            if _nat(k) and y > i and not (cs & {"goods"}):
                # a nationality adjective ends the goods phrase unless it qualifies it (تكنولوجيا روسية)
                y += 1
                n += 1
                break
            if not (cs or k.startswith(("ال", "وال")) or _nat(k) or d.covered[y] is not None or
                    d.qty_at[y] is not None or re.search("(يه|ي|يا|يين|يون|يات|ه|ات)$", _peel_conj(k)) or
                    re.search("[\u064b-\u064d]", d.toks[y].text)) or d.lex.is_cue(k, "skip") or \
                    (d.is_fn(k) and not k.startswith("ال")):
                break  # "صاروخاً باليستياً سقط": a verb; "الشحنة قد وصلت"
            y += 1
            n += 1
        return _clean(d.text[start:d.toks[y - 1].end])

    def _clause_text(self, i: int, start: int, limit: int = 18) -> str | None:
        d = self.d
        y = i
        while y < self.b and y - i < limit:
            tx = d.toks[y].text
            if tx in COMMA or tx in (".", "؛", ";") or (y in self.bounds and y > i):
                break
            y += 1
        if y == i:
            return None
        return _clean(d.text[start:d.toks[y - 1].end]) or None

    def _other_object(self, c: Cand, typ: str, sub: str | None, right: list[NP], subj: NP | None,
                      dobj: NP | None) -> str | None:
        d = self.d
        j = c.j
        if typ in ("LAUNCH", "INTERCEPT"):
            want = "missile" if typ == "LAUNCH" else "aircraft"
            for n in right:
                if want in n.classes or (typ == "INTERCEPT" and "missile" in n.classes):
                    return self._object_text(n.i, n.start)
            return None
        if typ == "AGREE":
            if j < self.b and d.keys[j] == "علي" and j + 1 < self.b:
                return self._clause_text(j + 1, d.toks[j + 1].start)
            for n in right:
                if "agreement" in n.classes:
                    return self._object_text(n.i, n.start)
            return None
        if typ == "SANCTION":
            if dobj is not None and dobj.kind in ("P", "X"):
                return self._phrase_text(dobj.i, dobj.start, limit=8)
            return None
        if typ in ("FIGHT", "ATTACK"):
            for n in right + ([subj] if subj is not None else []):
                if "weapon" in n.classes or "aircraft" in n.classes:
                    return _clean(d.text[n.start:d.toks[n.j - 1].end])
            return None
        if typ != "OTHER":
            return None
        if sub == "declaration":
            for x in range(c.i, min(self.b, j + 3)):
                for h in d.nouns(x):
                    if h.value == "emergency":
                        pk = h.prefix.removesuffix("ال")
                        s0 = d.toks[h.i].start + _prefix_cut(d.toks[h.i].text, pk)
                        return _clean(d.text[s0:d.toks[h.j - 1].end])
            return _clean(d.text[d.toks[c.i].start:d.toks[j - 1].end])
        if sub == "casualties":
            if c.trig.has("casualtynoun") and c.trig.qty and c.trig.qty[0] == "person":
                return _clean(d.toks[c.i].text)
            return None
        if sub == "affected" and c.trig.has("casualtynoun"):
            return _clean(d.text[d.toks[c.i].start + _prefix_cut(d.toks[c.i].text, c.hit.prefix[:1] if
                                                                c.hit.prefix[:1] in "وف" else ""):d.toks[c.j - 1].end])
        if sub == "disaster":
            for n in right + ([subj] if subj is not None else []):
                if "hazard" in n.classes:
                    return self._object_text(n.i, n.start)
            return None
        cand = None
        if c.verbal and dobj is not None and sub in ("rescue", "relief", "legal", "access", "appeal", "withdrawal"):
            cand = dobj
        if cand is None and subj is not None and subj.kind in ("X", "Q", "P") and sub not in ("legal", "relief"):
            cand = subj
        if cand is None:
            left = self._left_np(c.i)
            if left is not None and left.kind in ("X", "Q", "P"):
                cand = left
        if cand is None:
            if j < self.b and not d.punct[j] and d.keys[j] not in PREPS and d.time_at[j] is None and \
                    not d.ment_at[j]:
                return self._phrase_text(j, d.toks[j].start, limit=4)
            return None
        return self._phrase_text(cand.i, cand.start, limit=5)

    def _phrase_text(self, i: int, start: int, limit: int = 6) -> str:
        """A noun phrase's text from token ``i``: the head and its modifiers (adjectives, construct
        nouns, nationality adjectives), up to ``limit`` words."""
        d = self.d
        y = i + 1
        while y < self.b and y - i < limit:
            k = d.keys[y]
            if d.punct[y] or k in PREPS or d.is_comp(y) or d.time_at[y] is not None or y in self.bounds or \
                    self._relative_at(y):
                break
            if d.verb[y] and not k.startswith("ال"):
                break
            if k[:1] == "و" and not (k.startswith("وال") or _nat(k)) and not d.classes_at(y) and \
                    not d.qty_at[y]:
                break
            if k[:1] in ("ب", "ل") and not k.startswith(("بال", "لل")) and not d.ment_at[y] and len(k) > 3 \
                    and k not in _BILA:
                break
            y += 1
        return _clean(d.text[start:d.toks[y - 1].end])

    def _homeland_state(self, np_: NP) -> str | None:
        """The state "بلاده" (his country) refers to: the nearest agent before it in the sentence, or
        the previous sentence's subject, whose state is known (a state, a capital, a national body, a
        title with a nationality adjective: الرئيس الأوكراني)."""
        befores = [n for n in self.nps if n.j <= np_.i and n.agentive and not n.homeland and n.kind in ("M", "N", "P")]
        if self.last_subject is not None:
            befores.insert(0, self.last_subject)
        for n in reversed(befores):
            if n.kind == "N":
                return _countries().get(n.cc)
            if n.kind != "M" or n.mention is None:
                continue
            m = n.mention
            st = _state_of(m.canonical or m.text, m.type)
            if st:
                return st
            for t in ([n.title] if n.title is not None else []) + ([m] if m.type == "ROLE" else []):
                for w in key(t.text).split():
                    e = _nat(w)
                    if e is not None:
                        return _countries().get(e.cc)
        return None

    def _mention_of(self, np_: NP) -> tuple[Mention | None, str | None]:
        d = self.d
        if np_.homeland:
            st = self._homeland_state(np_)
            txt = d.text[np_.start:np_.end]
            return Mention(start=np_.start, end=np_.end, text=txt, type="GPE", key=key(st or txt),
                           canonical=st, source="event-pronoun"), st
        np_ = self._resolve(np_)
        if np_.kind == "M" and np_.mention is not None:
            m = np_.mention
            return m, _state_of(m.canonical or m.text, m.type)
        res = getattr(np_, "resolved", None)
        if res is not None and res.mention is not None:
            return res.mention, _state_of(res.mention.canonical or res.mention.text, res.mention.type)
        if np_.kind == "N":
            m = self._nat_mention(np_)
            return m, m.canonical
        # a phrase that is not a mention (سكان، متطوعون، وفداً وزارياً لبنانياً): a mention of our own
        end_tok = np_.j
        if np_.kind in ("X", "A", "P", "Q"):
            txt = _clean(d.text[np_.start:d.toks[end_tok - 1].end])
        else:
            txt = _clean(d.text[np_.start:np_.end])
        end = np_.start + len(txt) if d.text[np_.start:np_.start + len(txt)] == txt else d.toks[end_tok - 1].end
        txt = d.text[np_.start:end]
        st = None
        for x in range(np_.i, end_tok):
            n = _nat(d.keys[x])
            if n is not None and x > np_.i:
                st = _countries().get(n.cc)
                break
        if st is not None and not (np_.kind == "P" or "agent" in np_.classes or np_.kind == "X"):
            st = None
        m = Mention(start=np_.start, end=end, text=txt, type="OTHER", key=key(txt), canonical=_clean(txt),
                    source="event")
        return m, st

    def _quantity(self, c: Cand, typ: str, sub: str | None) -> Quantity | None:
        d = self.d
        i, j = c.i, c.j
        t = c.trig
        if typ in ("VISIT", "MEET", "STATEMENT", "DENY", "ACCUSE", "THREATEN"):
            return None
        cands: list[tuple[float, Quantity]] = []
        seen = set()
        for x in list(range(i, min(self.b, j + 12))) + list(range(i - 1, max(self.a, i - 6) - 1, -1)):
            if x >= j and any(j < b_ <= x for b_ in self.bounds):
                continue
            if x < i and any(x < b_ <= i for b_ in self.bounds):
                continue
            q = d.qty_at[x]
            if q is None or id(q) in seen:
                continue
            seen.add(id(q))
            dist = (x - j) if x >= j else (i - x) + 1.5
            cands.append((dist, q))
        if not cands:
            return None
        cands.sort(key=lambda dq: dq[0])

        def pick(units: set[str] | None, allow_none: bool = False):
            for _, q in cands:
                if units is None or q.unit in units or (allow_none and q.unit is None):
                    return q
            return None

        q = None
        if typ == "TRANSFER":
            q = pick({"ton", "tonne"}) or pick(_CURRENCY) or pick(_GOODS_UNITS) or pick(_VEHICLE_UNITS)
        elif typ == "DEPLOY":
            q = pick(_PERSONNEL_UNITS) or pick(None, allow_none=True)
            if q is not None and q.unit not in _PERSONNEL_UNITS and q.unit is not None:
                q = None
        elif typ == "OTHER" and sub == "casualties":
            q = self._near_quantity(i, j)
            if q is not None:
                want = t.qty[0] if t.qty else "dead"
                lemma_k = d.keys[i]
                if any(w in lemma_k for w in ("جرح", "مصاب", "اصاب", "اصيب")):
                    want = "injured"
                elif any(w in lemma_k for w in ("عالق", "محاصر")):
                    want = "person"
                elif any(w in lemma_k for w in ("مقتل", "قتل", "حتف", "مصرع")):
                    want = "dead"
                else:
                    for x in range(max(self.a, i - 3), min(self.b, j + 3)):
                        kx = d.keys[x]
                        if any(w in kx for w in ("جرحي", "مصاب", "اصابات")):
                            want = "injured"
                            break
                if q.unit in (None, "person") and want != q.unit:
                    q = replace(q, unit=want)
                elif q.unit in ("dead", "injured") and want == "person":
                    q = replace(q, unit="person")
        elif typ == "OTHER" and sub == "affected":
            q = pick({"person", "family", "home", "household"}, allow_none=True)
            if q is not None and q.unit is None:
                q = replace(q, unit="person")
        elif typ == "OTHER" and sub == "damage":
            q = pick({"building", "home", "house", "bridge"})
        elif typ == "OTHER" and sub == "disaster":
            q = pick({"degree"})
        elif typ in ("OTHER", "SANCTION", "AGREE"):
            q = pick(_DURATION_UNITS) or (pick(_CURRENCY) if sub == "appeal" else None) or \
                (pick({"family", "center", "person"}, allow_none=True) if sub == "relief" else None)
            if q is not None and q.unit is None and sub == "relief" and q.value is not None:
                q = None
        elif typ in ("LAUNCH", "INTERCEPT"):
            q = pick({"missile", "rocket", "aircraft", "drone", "helicopter", "satellite"})
        elif typ in ("FIGHT", "ATTACK"):
            q = pick({"dead", "injured", "soldier", "troops", "person"})
        return q

    def _time_near(self, j: int) -> TimeExpr | None:
        d = self.d
        for x in range(j, min(self.b, j + 7)):
            if x in self.bounds:
                break
            t = d.time_at[x]
            if t is not None and not (x > self.a and d.pk[x - 1] == "منذ") and \
                    not t.text.startswith("منذ"):
                return t
        return None

    # -- statements from frames -------------------------------------------------------------------
    def _statements(self, frames: list[Frame], events: list[tuple[Cand, Event]]):
        d = self.d
        out = []
        inner = [(d.tok_at(ev.trigger_start), ev) for _, ev in events if ev.type != "STATEMENT"]
        # a claim named by a noun (الاتهامات الأمريكية، التقارير) is what a denial rejects: not an event
        # the denial qualifies
        claims = [(d.tok_at(ev.trigger_start), ev) for c, ev in events if ev.type in ("ACCUSE", "STATEMENT") and
                  c.nominal]
        spoke: set[str] = set()  # speakers (by their text) that already have a speech event here
        for c, ev in events:
            if ev.type in ("ACCUSE", "THREATEN", "DENY") and ev.actor is not None:
                spoke.add(key(ev.actor.canonical or ev.actor.text))
        for f in frames:
            if f.kind in ("relay", "part0") or f.cand is None:
                continue
            if any(g.kind == "wish" and g.i < f.i < g.hi for g in frames):
                continue
            if f.i > self.a and d.pk[f.i - 1] in ("طالما",):
                continue
            c = f.cand
            has = any(ti is not None and f.lo <= ti < f.hi0 and not (f.kind == "deny" and any(e is ev for _, e in claims))
                      for ti, ev in inner)
            if f.kind in ("report", "deny", "part") and has:
                continue
            if f.negated and f.kind in ("report", "part", "say"):
                continue
            sp_id = key(f.sources[0].text) if f.sources else ""
            if (f.kind == "part" or self._participle(c)) and (sp_id in spoke or (
                    f.speaker_np is not None and f.speaker_np.mention is not None and
                    key(f.speaker_np.mention.canonical or f.speaker_np.mention.text) in spoke)):
                continue
            typ = "DENY" if f.kind == "deny" else "STATEMENT"
            if c.type == "DENY" and f.kind == "say":
                typ = "DENY"
            if typ == "DENY" and c.trig.lemma == "وصف" and any(
                    g.kind == "deny" and g.i < f.i and g.cand is not None and g.cand.trig.lemma != "وصف" for g in frames):
                continue  # "نفت … ووصفت الاتهامات بأنها كاذبة": the same denial
            ev = self._speech_event(f, c, typ)
            if ev is not None:
                if typ == "DENY" and ev.recipient is None:
                    claim = next((e for ti, e in claims if ti is not None and f.lo <= ti < f.hi0 and
                                  e.type == "ACCUSE" and e.actor is not None), None)
                    if claim is not None:
                        ev.recipient, ev.recipient_state = claim.actor, claim.actor_state
                out.append((c, ev))
                spoke.add(sp_id)
                if ev.actor is not None:
                    spoke.add(key(ev.actor.canonical or ev.actor.text))
        return out

    def _speech_event(self, f: Frame, c: Cand, typ: str) -> Event | None:
        d = self.d
        tok = d.toks[c.i]
        cut = _prefix_cut(tok.text, c.hit.prefix[:1]) if c.hit.prefix[:1] in ("و", "ف") else 0
        tstart = tok.start + cut
        tend = d.toks[c.j - 1].end
        ev = Event(type=typ, start=self.s, end=self.e, text=d.text[self.s:self.e], trigger=d.text[tstart:tend],
                   trigger_start=tstart, trigger_end=tend)
        sp = f.speaker_np
        if sp is not None:
            ev.actor, ev.actor_state = self._mention_of(sp)
        elif f.sources and f.sources[0].mention is not None:
            ev.actor = f.sources[0].mention
        # the content: after the complementiser, or after عن / إلى / على / بـ for speech acts
        if f.comp:
            lo = f.lo
            start = d.toks[lo].start if lo < self.b else None
        else:
            lo = c.j
            if sp is not None and sp.i >= c.j:
                lo = sp.last
            while lo < self.b and (d.toks[lo].text in COMMA or d.time_at[lo] is not None):
                lo += 1
            if lo < self.b and d.keys[lo] == "في" and lo - 1 >= self.a and d.toks[lo - 1].text in COMMA:
                z = lo
                while z < self.b and d.toks[z].text not in COMMA and z - lo < 6:
                    z += 1
                if z < self.b and d.toks[z].text in COMMA:
                    lo = z + 1
            start = d.toks[lo].start if lo < self.b else None
            if lo < self.b and d.keys[lo] in ("الي", "عن", "علي", "من"):
                lo += 1
                start = d.toks[lo].start if lo < self.b else None
            elif lo < self.b and d.keys[lo][:1] == "ب" and len(d.keys[lo]) > 3:
                start = d.toks[lo].start + _prefix_cut(d.toks[lo].text, "ب")
        ev.object = self._clause_text(lo, start) if start is not None and lo < self.b else None
        if lo < self.b and d.toks[lo].text in ("“", "\"", "«") or (lo - 1 >= self.a and d.toks[lo - 1].text in ("“", "\"", "«")):
            q0 = lo if d.toks[lo].text in ("“", "\"", "«") else lo - 1
            for x in range(q0 + 1, min(self.b, q0 + 40)):
                if d.toks[x].text in ("”", "\"", "»"):
                    ev.object = _clean(d.text[d.toks[q0 + 1].start:d.toks[x - 1].end]) if x > q0 + 1 else ev.object
                    break
            else:
                end = min(self.b, q0 + 26)
                if end > q0 + 1:
                    ev.object = _clean(d.text[d.toks[q0 + 1].start:d.toks[end - 1].end])
        if typ == "DENY" and c.trig.lemma == "وصف":
            z0 = sp.last if sp is not None and sp.i >= c.j else c.j
            while z0 < self.b and (d.lex.is_cue(d.keys[z0], "skip") or d.toks[z0].text in COMMA):
                z0 += 1
            fal = next((x for x in range(z0, min(self.b, z0 + 20)) if "falsity" in d.classes_at(x)), None)
            if fal is not None:
                z1 = fal
                while z1 > z0 and not d.is_comp(z1 - 1):
                    z1 -= 1
                if z1 - 1 > z0:
                    ev.object = _clean(d.text[d.toks[z0].start:d.toks[z1 - 2].end])
        elif typ == "DENY" and f.comp and f.lo - 1 >= self.a and d.keys[f.lo - 1] in ("ان",):
            ev.object = _clean(d.text[d.toks[f.lo - 1].start:d.toks[self._clause_end(f.lo) - 1].end])
        # recipient: the party thanked or addressed
        if c.trig.lemma in ("شكر",):
            for n in self._right_nps(c.j, limit=6):
                if n is not sp and not n.prep and n.agentive:
                    ev.recipient, ev.recipient_state = self._mention_of(n)
                    break
        ev._cand = c  # type: ignore[attr-defined]
        ev._frame = f  # type: ignore[attr-defined]
        return ev

    def _clause_end(self, lo: int) -> int:
        d = self.d
        y = lo
        while y < self.b and y - lo < 22:
            if d.toks[y].text in COMMA or d.toks[y].text in (".",) or (y in self.bounds and y > lo):
                break
            y += 1
        return max(y, lo + 1)

    # -- exchanges -----------------------------------------------------------------------------------
    def _exchange(self, events: list[tuple[Cand, Event]]):
        """X زود Y بـA مقابل B: the B side goes from Y to X — a second TRANSFER, or the DEPLOY /
        TRANSFER that B's own trigger makes, with its parties set."""
        d = self.d
        out = list(events)
        for x in range(self.a, self.b):
            k = d.pk[x]
            if k not in ("مقابل", "بمقابل"):
                continue
            y = x + 1
            if y < self.b and d.keys[y] in ("ذلك", "هذا"):
                continue
            if x > self.a and d.keys[x - 1] == "في" and d.keys[x] == "المقابل":
                continue
            first = None
            for c, ev in events:
                ti = d.tok_at(ev.trigger_start)
                if ev.type in ("TRANSFER", "DEPLOY") and ti is not None and ti < x and \
                        not self._contrast_between(ti, x):
                    first = (c, ev)
            if first is None:
                continue
            c1, e1 = first
            second = None
            for c, ev in events:
                ti = d.tok_at(ev.trigger_start)
                if ev is not e1 and ev.type in ("TRANSFER", "DEPLOY") and ti is not None and x < ti <= x + 3:
                    second = ev
            if second is not None:
                second._pair = e1  # type: ignore[attr-defined]
                if second.quantity is not None and second.quantity.start < d.toks[x].start:
                    second.quantity = None  # the count belongs to the first side
                if e1.recipient is not None:
                    second.actor, second.actor_state = e1.recipient, e1.recipient_state
                if e1.actor is not None:
                    second.recipient, second.recipient_state = e1.actor, e1.actor_state
                continue
            if y >= self.b or not (d.classes_at(y) & {"goods", "weapon", "money"}):
                continue
            tok = d.toks[x]
            cut = _conj_cut(tok.text)
            ev = Event(type="TRANSFER", start=self.s, end=self.e, text=d.text[self.s:self.e], trigger=tok.text[cut:],
                       trigger_start=tok.start + cut, trigger_end=tok.end)
            ev.object = self._object_text(y, d.toks[y].start)
            if y in d.qty_start:
                # "مقابل 500 طن من الوقود": the count and the goods after من
                q, qe = d.qty_start[y]
                ev.quantity = q
                if qe + 1 < self.b and d.keys[qe] == "من" and d.classes_at(qe + 1) & {"goods", "weapon", "money"}:
                    ev.object = self._object_text(qe + 1, d.toks[qe + 1].start)
            ev.actor, ev.actor_state = e1.recipient, e1.recipient_state
            ev.recipient, ev.recipient_state = e1.actor, e1.actor_state
            gen = next((n for n in self.nps if n.i == y + 1 and n.kind in ("M", "N") and not n.prep), None)
            if gen is not None and ev.actor is None:
                ev.actor, ev.actor_state = self._mention_of(gen)
            ev._cand = c1  # type: ignore[attr-defined]
            ev._exchange = True  # type: ignore[attr-defined]
            ev._pair = e1  # type: ignore[attr-defined]
            out.append((c1, ev))
        return out

    # -- attribution, modality, date ---------------------------------------------------------------
    def _finish(self, c: Cand, ev: Event, frames: list[Frame]) -> None:
        d = self.d
        ti = d.tok_at(ev.trigger_start)
        if ti is None:
            ti = c.i
        own = getattr(ev, "_frame", None)
        covering = [f for f in frames if f is not own and f.lo <= ti < f.hi and f.sources and f.kind != "wish" and
                    not (f.kind == "deny" and ev.type in ("ACCUSE", "STATEMENT") and c.nominal)]
        relays = [f for f in covering if f.kind == "relay"]
        speech = [f for f in covering if f.kind != "relay"]
        if ev.type == "THREATEN" and ev.actor is None and speech:
            sp = max(speech, key=lambda f: f.i).speaker_np
            if sp is not None:
                ev.actor, ev.actor_state = self._mention_of(sp)
        modality = "asserted"
        attr: list[Attribution] | None = None
        denies = [f for f in speech if f.kind == "deny"]
        if denies and relays and not any(f.kind == "deny" for f in relays):
            relays = []  # "نفت إيران الاتهامات الغربية بتزويد …": the denial outranks the claim
        if denies:
            speech = [max(denies, key=lambda f: f.i)]
        if relays:
            attr = relays[-1].sources
            modality = "reported"
        elif speech:
            f = max(speech, key=lambda f: f.i)
            attr = f.sources
            modality = f.modality
        elif own is not None and own.sources:
            attr = own.sources
            modality = own.modality
        elif c.trig.has("counter") and c.subj is not None and c.subj.agentive:
            attr = self._sources(c.subj)
        elif ev.type in ("STATEMENT", "ACCUSE", "THREATEN", "DENY") and ev.actor is not None:
            a = ev.actor
            if a.source == "event":
                attr = [Attribution(text=_clean(a.text), kind="anonymous")]
            else:
                attr = [Attribution(text=_clean(a.canonical if a.type == "PERSON" and a.canonical else a.text),
                                    mention=a, kind="named")]
        elif ev.type == "ACCUSE":
            nat_txt = ev.trigger
            if c.j < self.b and _nat(d.keys[c.j]) is None and c.j < self.b and re.search("(يه|يه)$", d.keys[c.j]):
                nat_txt = d.text[ev.trigger_start:d.toks[c.j].end]  # "اتهامات غربية"
            attr = [Attribution(text=_clean(nat_txt), kind="reports")]
            modality = "reported"
        if not attr:
            attr = [self.outlet]
        ev.attributed_to = list(attr)
        if any(a.kind == "reports" for a in ev.attributed_to) and modality == "asserted":
            modality = "reported"
        cues = self._modal_cues(ti, c, frames, ev)
        for m in ("denied", "planned", "estimated", "uncertain"):
            if m in cues:
                modality = m
                break
        pair = getattr(ev, "_pair", None)
        if pair is not None and pair.modality in ("planned", "estimated", "uncertain", "denied") and \
                modality in ("asserted", "reported"):
            modality = pair.modality  # "قد تحصل على أموال مقابل إرسال الجنود": the exchange as a whole
        ev.modality = modality
        if "negated" in cues:
            ev.negated = True
        if ev.type == "DENY":
            ev.modality = "denied"
        self._date(ev, c, ti, frames)

    def _modal_cues(self, ti: int, c: Cand, frames: list[Frame], ev: Event) -> set[str]:
        d = self.d
        out: set[str] = set()
        t = c.trig
        own = getattr(ev, "_frame", None)
        speech = own is not None
        exch = getattr(ev, "_exchange", False)
        form_cls = c.cls if not exch else "phrase"
        prefix = c.hit.prefix if not exch else ""
        if form_cls == "present" and "س" in prefix:
            out.add("planned")
        if t.has("planned") and not exch:
            out.add("planned")
        # negation right before the trigger
        if not exch and self._negated(ti):
            out.add("denied")
            out.add("negated")
        if speech:
            return out  # a speech act's own verb: only its future and its negation
        if c.nominal:
            g = self._governor(c)
            if g is not None and d.cue(g, "planned") is not None:
                out.add("planned")
        for f in frames:
            if f is not own and f.lo <= ti < f.hi and f.cand is not None and d.cue(f.i, "planned") is not None and \
                    ti - f.j <= 8:
                out.add("planned")
        if ti - 1 >= self.a and d.pk[ti - 1] == "قد" and form_cls == "present":
            out.add("estimated" if ev.quantity is not None else "uncertain")
        for f in frames:
            if f.kind == "deny" and f is not own and f.lo <= ti < f.hi and \
                    not (ev.type in ("ACCUSE", "STATEMENT") and c.nominal):
                out.add("denied")
            if f.negated and f.lo <= ti < f.hi and f is not own and f.kind not in ("deny",):
                out.add("uncertain")
        # cues before the trigger in its scope: planned and estimated cues scope to the end of the
        # sentence except across a contrast word; doubt stops at a subordinate clause too
        for x in range(self.a, ti):
            for h in d.cues(x):
                if h.i != x or h.j > ti:
                    continue
                cat = h.value
                if cat not in ("planned", "estimated", "uncertain"):
                    continue
                if any(h.j <= b_ <= ti for b_ in self.bounds if d.cue(b_, "contrast") is not None):
                    continue
                if cat == "uncertain" and any(h.j <= b_ <= ti for b_ in self.bounds):
                    continue
                if cat == "uncertain" and ti - h.j > 12:
                    continue
                out.add(cat)
        if ev.quantity is not None and ev.quantity.qualifier in ("up_to",) and any(
                d.pk[x] == "قد" for x in range(max(self.a, ti - 2), min(self.b, ti + 10))):
            out.add("estimated")
        return out

    def _date(self, ev: Event, c: Cand, ti: int, frames: list[Frame]) -> None:
        d = self.d
        own = getattr(ev, "_frame", None)
        covering = [f for f in frames if f is not own and f.lo <= ti < f.hi and f.kind != "relay"]
        frame_region: set[int] = set()
        for f in covering:
            frame_region.update(range(f.i, f.lo))
        best = None
        bestd = None
        for x in range(self.a, self.b):
            t = d.time_at[x]
            if t is None or t.value is None or (x > self.a and d.time_at[x - 1] is t):
                continue
            if x in frame_region:
                continue
            if self._contrast_between(x, ti) and not self._only_soft_between(x, ti):
                continue
            if self._new_clause_between(x, ti):
                continue
            if own is not None and x >= own.lo and own.comp:
                continue
            if self._in_relative(x) and not self._in_relative(ti):
                continue
            if ((x > self.a and d.pk[x - 1] == "منذ") or key(t.text).startswith("منذ")) and \
                    ev.type not in ("DEPLOY", "TRANSFER"):
                continue
            dist = (x - ti) if x >= ti else (ti - x) + 0.5
            if bestd is None or dist < bestd:
                best, bestd = t, dist
        if best is not None:
            ev.date = best.value
            ev.date_source = "text"
            return
        back = self._backref_date(ti)
        if back is not None:
            ev.date = back  # "خلال اللقاء", "خلال جولته": the meeting or visit dated before
            ev.date_source = "text"
            return
        if own is not None and own.date_value and ev.type in ("STATEMENT", "DENY", "ACCUSE", "THREATEN"):
            ev.date = own.date_value  # "وأضاف": the same speech, dated in the sentence before
            ev.date_source = "text"
            return
        tally = c.trig.has("tally") or (ev.type == "DEPLOY" and c.cls == "present")
        if tally:
            for f in covering:
                if f.date_tok is not None and d.time_at[f.date_tok].value:
                    ev.date = d.time_at[f.date_tok].value
                    ev.date_source = "text"
                    return
        if ev.modality not in _TALLY_MODAL_OK or ev.negated or (c.nominal and not tally) or \
                getattr(ev, "_exchange", False):
            return
        pub = d.published
        if not pub:
            return
        ev.date = pub[:10] if tally else (pub[:7] if len(pub) >= 7 else pub[:4])
        ev.date_source = "article"

    def _backref_date(self, ti: int) -> str | None:
        """خلال / أثناء + a definite or possessed visit or meeting noun (خلال اللقاء، خلال جولته) in the
        event's clause: the date of the last such event found before, when the text dated it."""
        d = self.d
        for x in range(self.a, self.b - 1):
            if d.pk[x] not in ("خلال", "اثناء", "أثناء") or self._new_clause_between(x, ti):
                continue
            for h in d.trig[x + 1]:
                k = d.keys[x + 1]
                if h.value.cls != "masdar" or h.value.trigger.type not in ("MEET", "VISIT"):
                    continue
                if not ("ال" in h.prefix or re.search("(ه|ها|هم|هما)$", k)):
                    continue
                for ev in reversed(self.events):
                    if ev.type == h.value.trigger.type and ev.date_source == "text" and ev.date:
                        return ev.date
                return None
        return None

    def _only_soft_between(self, x: int, y: int) -> bool:
        """Only حيث / إذ / ثم between two tokens: a clause that keeps the time frame."""
        lo, hi = (x, y) if x < y else (y, x)
        return all(_peel_conj(self.d.keys[t]) in _SOFT for t in self.bounds if lo < t <= hi)

    def _new_clause_between(self, x: int, y: int) -> bool:
        """"، وكانت …" / "، وأقر …": a coordinated clause with its own verb lies between."""
        d = self.d
        lo, hi = (x, y) if x < y else (y, x)
        for t in range(lo, hi):
            if d.toks[t].text in COMMA and t + 1 < hi:
                k = d.keys[t + 1]
                if k[:1] == "و" and (_peel_conj(k) in _COPULAS or d.verb[t + 1]):
                    return True
        return False

    def _in_relative(self, x: int) -> bool:
        d = self.d
        for y in range(x - 1, max(self.a, x - 6) - 1, -1):
            if d.toks[y].text in COMMA:
                return False
            if self._relative_at(y):
                return True
        return False

    # -- duplicates ----------------------------------------------------------------------------------
    def _unparsed_subject(self, i: int) -> bool:
        """Content words between a complementiser and the verb at ``i`` that no phrase covers."""
        d = self.d
        x = i - 1
        content = 0
        while x >= self.a and i - x <= 4:
            if d.is_comp(x) or x in self.bounds:
                return content > 0
            k = d.pk[x]
            if d.punct[x] or any(n.i <= x < n.j for n in self.nps):
                return False
            if not (d.is_fn(k) and len(k) <= 4) and k not in ("قد", "لم", "لن", "لا", "ما", "كان", "كانت", "سوف",
                                                              "ايضا", "بالفعل", "مؤخرا"):
                content += 1
            x -= 1
        return False

    def _tally_echo(self, c: Cand, ev: Event, events: list[tuple[Cand, Event]]) -> bool:
        """"يصل عدد الجنود الذين أرسلتهم … إلى 15 ألف": the count verb restates the event of its
        relative clause; the event with the actor is kept."""
        d = self.d
        if c.trig.lemma not in _MOTION or ev.quantity is None or c.j >= self.b or \
                _strip_clitics(d.keys[c.j]) not in ("عدد", "العدد", "اجمالي", "مجموع"):
            return False
        return any(o is not ev and o.type == ev.type and _same_qty(o.quantity, ev.quantity)
                   for _, o in events)

    def _duplicate(self, c: Cand, ev: Event, kept: list[tuple[Cand, Event]]) -> bool:
        """A masdar that only refers back to an event already found (خلال زيارته، موافقة دمشق)
        adds nothing; nor does a masdar of the same type as a verb event in its sentence."""
        for oc, other in kept:
            if other.trigger_start == ev.trigger_start and other.type == ev.type and other.object == ev.object:
                return True
        if c.cls not in ("masdar", "participle") or getattr(ev, "_exchange", False):
            return False
        for oc, other in kept:
            if other.type == ev.type and other.subtype == ev.subtype and oc.verbal and oc is not c and _same_party(
                    other.actor, other.actor_state, ev.actor, ev.actor_state) and \
                    _same_qty(other.quantity, ev.quantity):
                return True
        only_actor = getattr(ev, "_args_only_actor", False)
        d = self.d
        definite = "ال" in c.hit.prefix or d.keys[c.i] in self.d.lex.noun_pron or \
            bool(re.search("(ه|ها|هم|هما)$", d.keys[c.i])) and not d.keys[c.i].endswith(("يه",))
        srcs = {key(a.text) for a in ev.attributed_to}
        for other in self.events:
            if other.type != ev.type or other.subtype != ev.subtype:
                continue
            same_source = bool(srcs & {key(a.text) for a in other.attributed_to})
            if not (definite or only_actor or same_source):
                continue
            if only_actor:
                return True
            if _same_party(other.actor, other.actor_state, ev.actor, ev.actor_state) and \
                    _same_place(other.place, ev.place) and \
                    (ev.date is None or ev.date_source == "article" or ev.date == other.date) and \
                    (ev.quantity is None or _same_qty(other.quantity, ev.quantity)) and \
                    (ev.object is None or ev.object == other.object) and \
                    (ev.recipient is None or _same_party(other.recipient, other.recipient_state, ev.recipient,
                                                         ev.recipient_state)):
                return True
        return False


_NO_ACTOR = ("casualties", "damage", "affected", "disaster")
_NAME_LINKS = _K("عبد أبو بن ابن آل")
_PREP_NOUNS = _K("أعقاب اعقاب ظل إطار اطار سياق ضوء غضون أثناء اثناء إثر اثر عقب مطلع بداية نهاية منتصف أواخر أوائل "
                 "خضم وسط بعيد قبيل")
_MOTION = frozenset({"وصل", "دخل", "هبط", "أقلع", "عبر"})
_NOT_NOUN = _K("الذي التي الذين اللذان اللتان اللواتي اللاتي اللائي الآن اليوم")
_SRC_STOP = _K("إن أن بأن إنه أنه إنها أنها قد لم لن اليوم أمس الذي التي الذين")
_SRC_ADJ = _K("رفيع رفيعة المستوى كبير كبيرة بارز رسمي رسمية مطلع مطلعة غربي غربية عربي عربية أجنبي أجانب "
              "أجنبية محلي محلية العديد عدد إدارة")
_OWN_WORDS = _K("تعبيره تعبيرها قوله قولها")
_LIKULL = _K("لكل")
_HOMELAND = _K("بلاده بلادها بلادهم بلادهما بلاده بلده بلدها بلدهم بلادنا بلدنا")
_CONSTRUCT_HEADS = _K("موقف حكومة رئيس وزير وزارة سفير سفارة شعب أمن سيادة مصالح مصلحة وقوف دعم التزام استعداد "
                      "رغبة حرص جيش قوات أراضي اراضي حدود سياسة موقف علاقات مواطني مواطنو")
_TABI = _K("تابعة تابع التابعة التابع")
_BILA = _K("بلا")
_PASSIVE_AUX = _K("تم يتم جرى يجري تمت")
_VIOLATION = frozenset({"دخل", "انتهك", "خرق"})
_SOFT = _K("حيث")
_COMP_PRON = _K("أنها إنها أنه إنه بأنها بأنه أنهم إنهم")
_INCHOATIVE = _K("بدأ بدأت بدأوا بدؤوا يبدأ تبدأ شرع شرعت باشر باشرت")
_ATTEMPT = _K("محاولة محاولات محاولتها محاولته سعي")
_NATIVE = {"TRANSFER": ("goods", "weapon", "money"), "DEPLOY": ("personnel",)}
_COPULAS = _K("كان كانت كانوا بات باتت باتوا أصبح أصبحت أصبحوا ظل ظلت ظلوا يزال تزال زال زالت مازال مازالت لا ما")
_TEMPORAL = _K("قبل بعد عقب إثر اثر منذ حتى أثناء اثناء لدى مع")
_FRONTED = _TEMPORAL | _K("خلال")
_NO_PRON = _K("جيشه")


@lru_cache(maxsize=1 << 16)
def _strip_clitics(k: str) -> str:
    for p in ("وبال", "فبال", "وال", "فال", "بال", "ولل", "لل", "وب", "ول", "و", "ف", "ب", "ل"):
        if k.startswith(p) and len(k) - len(p) >= 3:
            rest = k[len(p):]
            if p.endswith("لل"):
                return "ال" + rest
            return rest
    return k


def _nat_prefix(k: str, nat) -> str:
    for p in ("وال", "بال", "لل", "وب", "ول", "و", "ب", "ل", "ف"):
        if k.startswith(p) and _nat(k[len(p):]) is nat:
            return p
    return ""


def _kind_ok(np_: NP, kinds: tuple[str, ...]) -> bool:
    """Whether a phrase is of one of ``kinds``; "I" stands for an institution (a P phrase headed by
    وزارة، وكالة، هيئة …)."""
    return np_.kind in kinds or ("I" in kinds and np_.kind == "P" and "agent" in np_.classes)


def _same_party(m1: Mention | None, s1: str | None, m2: Mention | None, s2: str | None) -> bool:
    if m2 is None:
        return True
    if m1 is None:
        return False
    k1 = key(m1.canonical or m1.text)
    k2 = key(m2.canonical or m2.text)
    if k1 == k2 or (k1 and k2 and (k1 in k2 or k2 in k1)):
        return True
    return bool(s1 and s2 and s1 == s2)


def _same_qty(a: Quantity | None, b: Quantity | None) -> bool:
    if a is None or b is None:
        return b is None
    return a.value == b.value and a.unit == b.unit


def _same_place(a: Mention | None, b: Mention | None) -> bool:
    if a is None or b is None:
        return True
    return key(a.canonical or a.text) == key(b.canonical or b.text)


def _clean(s: str) -> str:
    s = strip_diacritics(s or "").strip()
    s = s.strip(" ،,.«»\"“”()")
    return " ".join(s.split())


# -- outlet and wire credit ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _wire_names() -> dict[str, str]:
    """Wire aliases (normalised) → the agency's Arabic name (first Arabic alias in wires.tsv)."""
    from .event_lexicon import DATA

    out: dict[str, str] = {}
    with open(DATA / "wires.tsv", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or cols[0] == "agencies":
                continue
            aliases = [a.strip() for a in cols[2].split("|") if a.strip()]
            arabic = next((a for a in aliases if re.search("[\u0600-\u06ff]", a)), cols[1])
            for a in aliases + [cols[0], cols[1]]:
                out[key(a)] = arabic
    return out


_DATELINE = re.compile(r"^[^\n()]{0,40}?\(\s*([^()\n]{2,30}?)\s*\)\s*[—–-]", re.MULTILINE)
_DATELINE2 = re.compile(r"^[^\n:]{2,30}?\s[-–—]\s([^\n:]{2,30}?)\s*:", re.MULTILINE)


def wire_name(alias: str) -> str | None:
    """The Arabic name of a wire agency from any of its aliases (``Reuters`` → ``رويترز``)."""
    return _wire_names().get(key(alias))


def wire_credit(text: str) -> str | None:
    """The agency a wire dateline credits (``أنقرة (رويترز) —`` → ``رويترز``), or None."""
    names = _wire_names()
    for rx in (_DATELINE, _DATELINE2):
        m = rx.search(text[:3000])
        if m:
            k = key(m.group(1))
            if k in names:
                return names[k]
    return None


def _outlet_attribution(text: str, outlet: str | None) -> Attribution:
    wire = wire_credit(text)
    if wire:
        return Attribution(text=wire, kind="outlet")
    return Attribution(text=outlet or "the outlet", kind="outlet")


# -- entry point ------------------------------------------------------------------------------------


def find_events(text: str, mentions: list[Mention], quantities: list[Quantity], times: list[TimeExpr],
                published: str | None, outlet: str | None, tokens: list[Token] | None = None) -> list[Event]:
    """Typed events of one article (see the module docstring), in text order.

    ``text`` is the article's cleaned text; ``mentions``/``quantities``/``times`` its per-article
    extractions (offsets into ``text``); ``published`` its ISO date (or None); ``outlet`` the name
    narration is credited to (a wire dateline in the text overrides it). ``tokens``:
    ``tokenize(text)`` when the caller has it already (it is not modified).
    """
    if not text or not text.strip():
        return []
    doc = _Doc(text, mentions, quantities, times, published, tokens)
    ex = _Extractor(doc, _outlet_attribution(text, outlet))
    events = ex.run()
    for ev in events:
        for attr in ("_cand", "_frame", "_exchange"):
            if hasattr(ev, attr):
                delattr(ev, attr)
    return events
