"""The event lexicons, loaded once per process: triggers, noun classes, cue phrases, seats of power.

Data files (``khabar/data/``):

* ``event_triggers.tsv`` — one row per lemma: type, subtype, the lemma's forms by column (past,
  present, passive, masdar, participle, fixed phrases) and flags. The forms are inflected here
  (:func:`inflect`), so a row lists each form once: ``أرسل`` gives ``أرسلت``, ``أرسلوا``,
  ``أرسلها``; ``يرسل`` gives ``ترسل``, ``يرسلون``, ``سيرسل`` (future proclitic read off in matching);
  ``زيارة`` gives ``زيارته``, ``زيارات``.
* ``event_nouns.tsv`` — classes of nouns the trigger conditions look for (personnel, goods, …).
* ``event_cues.tsv`` — relay phrases, complementisers, modality cues, clause words, source heads.
* ``event_seats.tsv`` — seats of power standing for their state (الكرملين → روسيا).

Matching is on normalised token keys (:func:`khabar.text.key`) with proclitics peeled by the form's
class (``و ف`` always; ``س ل`` before a present verb; ``ب ل ك ال لل`` before a noun). Everything is
indexed by the first word's key, so a look-up costs a few dict probes per token.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..text import key, tokenize

DATA = Path(__file__).resolve().parent.parent / "data"

# -- inflection ----------------------------------------------------------------------------------

_PRON = ("", "ه", "ها", "هم", "هما", "كم", "ك", "ني", "نا", "هن")
_NOUN_PRON = ("ها", "هم", "هما", "كم", "نا")  # not bare ه: it would read a feminine ة as "his"
_PAST_SUF = ("", "ت", "تا", "ا", "وا", "تم", "تما")
_PRES_PRE = ("ي", "ت", "ن")
_PRES_SUF = ("", "ون", "ان", "ين", "ن", "وا", "ا")
_PART_SUF = ("", "ه", "ا", "ون", "ين", "ات", "تين", "تان", "يين")

# Proclitics allowed before each form class (on normalised keys).
_CONJ = ("", "و", "ف")
_CUE_PREFIXES = _CONJ + ("ل", "ب", "ول", "وب", "لل", "ال", "وال", "بال")
PREFIXES = {
    "past": _CONJ,
    "passive": _CONJ,
    "present": _CONJ + ("س", "وس", "فس", "ل", "ول", "فل"),
    "masdar": _CONJ + ("ب", "ل", "ك", "ال", "وال", "فال", "بال", "وبال", "فبال", "لل", "ولل", "فلل",
                       "كال", "وب", "ول", "فب", "فل", "وك"),
}
PREFIXES["participle"] = PREFIXES["masdar"]
PREFIXES["phrase"] = tuple(dict.fromkeys(PREFIXES["present"] + PREFIXES["masdar"]))
_ALL_PREFIXES = sorted(set(PREFIXES["phrase"]), key=len, reverse=True)


def _add_pron(stem: str, out: set[str]) -> None:
    for p in _PRON:
        out.add(stem + p)


def inflect(form: str, cls: str) -> set[str]:
    """Normalised keys of the inflected forms of one word of class ``cls``."""
    k = key(form)
    if not k:
        return set()
    out: set[str] = set()
    if cls in ("past", "passive"):
        for s in _PAST_SUF:
            stem = k + s
            if s == "وا":
                out.add(stem)
                for p in _PRON[1:]:
                    out.add(k + "و" + p)
            else:
                _add_pron(stem, out)
        bare = form.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
        if bare.endswith(("ى", "ا")) and len(k) > 2:  # نفى -> نفت، نفوا، نفاه; دعا -> دعت، دعوا
            stem = k[:-1]
            for s in ("ت", "تا", "وا"):
                out.add(stem + s)
            for p in _PRON[1:]:
                out.add(stem + "ا" + p)
            out.add(k + "ا")
    elif cls == "present":
        base = k[1:] if k[:1] in ("ي", "ت") else k
        for pre in _PRES_PRE:
            for s in _PRES_SUF:
                _add_pron(pre + base + s, out)
            if base.endswith("ي"):  # يلتقي -> يلتقون
                out.add(pre + base[:-1] + "ون")
                out.add(pre + base[:-1] + "ين")
    elif cls == "masdar":
        if k.endswith("ه"):  # ة
            stem = k[:-1]
            out.add(k)
            for p in _PRON[1:]:
                out.add(stem + "ت" + p)
            for s in ("ات", "تين", "تان"):
                _add_pron(stem + s, out)
        else:
            out.add(k)
            out.add(k + "ا")
            for p in _PRON[1:]:
                out.add(k + p)
            for s in ("ات", "ين", "ان"):
                _add_pron(k + s, out)
            bare = form.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
            if bare.endswith("ء"):  # لقاء: the hamza's seat before a pronoun (لقائه، لقاؤه)
                for seat in ("ي", "و"):
                    for p in _PRON[1:]:
                        out.add(k + seat + p)
    elif cls == "participle":
        for s in _PART_SUF:
            out.add(k + s)
        if k.endswith("ي"):
            out.add(k[:-1] + "ون")
            out.add(k[:-1] + "ين")
    else:  # phrase word: as written
        out.add(k)
    return out


# -- triggers ------------------------------------------------------------------------------------

_COLUMNS = ("past", "present", "passive", "masdar", "participle", "phrase")


@dataclass(frozen=True)
class Trigger:
    """One row of event_triggers.tsv."""

    type: str
    subtype: str | None
    lemma: str
    need: frozenset[str] = frozenset()
    cls: tuple[tuple[str, str], ...] = ()  # (noun class, "TYPE" or "TYPE/subtype" or "DROP")
    not_: frozenset[str] = frozenset()
    prep: str = ""  # key of a preposition that must follow
    frame: str = ""
    qty: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    row: int = 0

    def has(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(frozen=True)
class Form:
    """A trigger form: the keys of its words after the first, its trigger and its class."""

    rest: tuple[str, ...]
    trigger: Trigger
    cls: str  # past | present | passive | masdar | participle | phrase


def _parse_flags(s: str) -> dict:
    need: set[str] = set()
    cls: list[tuple[str, str]] = []
    not_: set[str] = set()
    prep = frame = ""
    qty: tuple[str, ...] = ()
    flags: set[str] = set()
    for f in (x.strip() for x in s.split(",")):
        if not f:
            continue
        if f.startswith("need="):
            need.update(f[5:].split("+"))
        elif f.startswith("cls:"):
            c, t = f[4:].split("=", 1)
            cls.append((c, t))
        elif f.startswith("not="):
            not_.update(f[4:].split("+"))
        elif f.startswith("prep="):
            prep = key(f[5:])
        elif f.startswith("frame="):
            frame = f[6:]
        elif f.startswith("qty="):
            qty = tuple(f[4:].split("+"))
        else:
            flags.add(f)
    return dict(need=frozenset(need), cls=tuple(cls), not_=frozenset(not_), prep=prep, frame=frame,
                qty=qty, flags=frozenset(flags))


def _rows(name: str):
    with open(DATA / name, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith("#"):
                continue
            yield n, line.split("\t")


# -- phrase index (shared by triggers, noun classes and cues) --------------------------------------


class PhraseIndex:
    """Multiword phrases indexed by the key of their first word."""

    def __init__(self) -> None:
        self.first: dict[str, list[tuple[tuple[str, ...], object]]] = {}

    def add(self, first: str, rest: tuple[str, ...], value: object) -> None:
        lst = self.first.setdefault(first, [])
        lst.append((rest, value))

    def sort(self) -> None:
        for lst in self.first.values():
            lst.sort(key=lambda rv: -len(rv[0]))


@dataclass
class Hit:
    """A lexicon match over tokens ``i``..``j`` (exclusive); ``prefix`` is the peeled proclitic key
    of token ``i``."""

    i: int
    j: int
    value: object
    prefix: str = ""


class EventLexicon:
    def __init__(self) -> None:
        self.triggers: list[Trigger] = []
        self.trig_index = PhraseIndex()
        self.noun_index = PhraseIndex()
        self.cue_index = PhraseIndex()
        self.cue_words: dict[str, set[str]] = {}  # category -> single-word keys
        self.noun_pron: set[str] = set()  # noun keys that carry a pronoun suffix (قواتها، عسكرييها)
        self.seats: dict[str, str] = {}
        self._trig_cands: dict[str, tuple] = {}  # key -> the entries a token of that key can start
        self._noun_cands: dict[str, tuple] = {}
        self._cue_cands: dict[str, tuple] = {}
        self._load_triggers()
        self._load_nouns()
        self._load_cues()
        self._load_seats()

    # -- loading -------------------------------------------------------------------------------

    def _load_triggers(self) -> None:
        for n, row in _rows("event_triggers.tsv"):
            row = (row + [""] * 10)[:10]
            typ, sub, lemma = row[0].strip(), row[1].strip() or None, row[2].strip()
            trig = Trigger(type=typ, subtype=sub, lemma=lemma, row=n, **_parse_flags(row[9]))
            self.triggers.append(trig)
            for col, cell in zip(_COLUMNS, row[3:9]):
                if trig.has("present") and col != "present":
                    continue
                for form in (f.strip() for f in cell.split("|")):
                    if not form:
                        continue
                    words = [t.text for t in tokenize(form)]
                    rest = tuple(key(w) for w in words[1:])
                    for k in inflect(words[0], col):
                        self.trig_index.add(k, rest, Form(rest, trig, col))
        self.trig_index.sort()

    def _load_nouns(self) -> None:
        for _, row in _rows("event_nouns.tsv"):
            cls = row[0].strip()
            for form in (f.strip() for f in row[1].split("|")):
                ks = [t.key for t in tokenize(form)]
                if not ks:
                    continue
                first = ks[0][2:] if ks[0].startswith("ال") and len(ks[0]) > 4 else ks[0]
                firsts = {first, "ال" + first}
                variants: set[str] = set()
                for f0 in firsts:
                    variants.add(f0)
                    if not f0.startswith("ال") and len(f0) >= 3 and not f0.endswith(("ه", "ا", "ى", "ي", "ء", "ين",
                                                                                        "ون", "ات")):
                        variants.add(f0 + "ا")  # indefinite accusative: جنودا، قصفا
                    if len(ks) == 1:  # pronoun suffixes on a one-word noun: قواتها، جنودهم
                        stem = f0[:-1] + "ت" if f0.endswith("ه") else f0
                        for p in _NOUN_PRON + (("ه",) if f0.endswith("ات") else ()):
                            variants.add(stem + p)
                            self.noun_pron.add(stem + p)
                        if f0.endswith(("ين", "ون")):  # عسكرييها
                            for p in _NOUN_PRON:
                                variants.add(f0[:-1] + p)
                                self.noun_pron.add(f0[:-1] + p)
                for v in variants:
                    self.noun_index.add(v, tuple(ks[1:]), cls)
        self.noun_index.sort()

    def _load_cues(self) -> None:
        for _, row in _rows("event_cues.tsv"):
            cat = row[0].strip()
            for form in (f.strip() for f in row[1].split("|")):
                ks = [t.key for t in tokenize(form)]
                if not ks:
                    continue
                self.cue_index.add(ks[0], tuple(ks[1:]), cat)
                if len(ks) == 1:
                    self.cue_words.setdefault(cat, set()).add(ks[0])
        self.cue_index.sort()

    def _load_seats(self) -> None:
        for _, row in _rows("event_seats.tsv"):
            if len(row) >= 2:
                self.seats[key(row[0])] = row[1].strip()

    # -- matching ------------------------------------------------------------------------------

    # Each look-up first finds the entries a token's key can start (a cached list per key: the
    # same words come back in every article), then checks the rest of each phrase against the
    # following tokens.

    def triggers_at(self, keys: list[str], i: int) -> list[Hit]:
        """Trigger forms starting at token ``i`` (every reading, longest first)."""
        k = keys[i]
        cands = self._trig_cands.get(k)
        if cands is None:
            if len(self._trig_cands) >= _CANDS_MAX:
                self._trig_cands.clear()
            cands = self._trig_cands[k] = self._trigger_candidates(k)
        if not cands:
            return []
        out: list[Hit] = []
        for rest, form, p in cands:
            if rest:
                j = i + 1 + len(rest)
                if j > len(keys) or tuple(keys[i + 1:j]) != rest:
                    continue
                out.append(Hit(i, j, form, p))
            else:
                out.append(Hit(i, i + 1, form, p))
        if len(out) > 1:
            out.sort(key=lambda h: (-(h.j - h.i), len(h.prefix), h.value.trigger.row))
        return out

    def _trigger_candidates(self, k: str) -> tuple:
        out = []
        for p in _ALL_PREFIXES:
            if p and (not k.startswith(p) or len(k) - len(p) < 2):
                continue
            base = k[len(p):]
            for rest, form in self.trig_index.first.get(base, ()):
                if p not in PREFIXES[form.cls]:
                    continue
                out.append((rest, form, p))
        return tuple(out)

    def nouns_at(self, keys: list[str], i: int) -> list[Hit]:
        """Noun-class matches starting at token ``i`` (proclitics و ف ب ل ك ال peeled)."""
        k = keys[i]
        cands = self._noun_cands.get(k)
        if cands is None:
            if len(self._noun_cands) >= _CANDS_MAX:
                self._noun_cands.clear()
            cands = self._noun_cands[k] = self._noun_candidates(k)
        if not cands:
            return []
        out: list[Hit] = []
        for rest, cls, p, srest in cands:
            if rest:
                j = i + 1 + len(rest)
                if j <= len(keys) and tuple(_strip_al(x) for x in keys[i + 1:j]) == srest:
                    out.append(Hit(i, j, cls, p))
            else:
                out.append(Hit(i, i + 1, cls, p))
        return out

    def _noun_candidates(self, k: str) -> tuple:
        out = []
        for p in PREFIXES["masdar"]:
            if p and (not k.startswith(p) or len(k) - len(p) < 2):
                continue
            base = k[len(p):]
            for rest, cls in self.noun_index.first.get(base, ()):
                out.append((rest, cls, p, tuple(_strip_al(x) for x in rest)))
        return tuple(out)

    def cues_at(self, keys: list[str], i: int) -> list[Hit]:
        """Cue phrases starting at token ``i`` (و ف peeled), longest first."""
        k = keys[i]
        cands = self._cue_cands.get(k)
        if cands is None:
            if len(self._cue_cands) >= _CANDS_MAX:
                self._cue_cands.clear()
            cands = self._cue_cands[k] = self._cue_candidates(k)
        if not cands:
            return []
        out: list[Hit] = []
        for rest, cat, p in cands:
            if rest and rest[-1] in ("ل", "ب"):
                # "وفقا ل" / "وجه ب": the proclitic is the start of the next token (لهيئة، بإرسال)
                j = i + len(rest)
                if j < len(keys) and tuple(keys[i + 1:j]) == rest[:-1] and keys[j].startswith(rest[-1]) \
                        and len(keys[j]) > 2:
                    out.append(Hit(i, j, cat, p))
                continue
            j = i + 1 + len(rest)
            if j <= len(keys) and tuple(keys[i + 1:j]) == rest:
                out.append(Hit(i, j, cat, p))
        if len(out) > 1:
            out.sort(key=lambda h: -(h.j - h.i))
        return out

    def _cue_candidates(self, k: str) -> tuple:
        out = []
        for p in _CUE_PREFIXES:
            if p and (not k.startswith(p) or len(k) - len(p) < 2):
                continue
            base = k[len(p):]
            for rest, cat in self.cue_index.first.get(base, ()):
                if len(p.lstrip("وف")) and cat not in ("anon_head", "reports_head", "comp", "relay_noun", "inst_head",
                                                        "collective"):
                    continue
                if cat == "comp" and p.lstrip("وف") not in ("", "ب"):
                    continue  # لأن (because) is not a complementiser
                out.append((rest, cat, p))
        return tuple(out)

    def triggers_all(self, keys: list[str]) -> list[list[Hit]]:
        """``triggers_at`` of every token, in one pass (most tokens start no trigger form: their
        empty candidate lists are read here without a call each)."""
        get = self._trig_cands.get
        return [[] if get(k) == () else self.triggers_at(keys, i) for i, k in enumerate(keys)]

    def cues_all(self, keys: list[str]) -> list[list[Hit]]:
        """``cues_at`` of every token, in one pass (as ``triggers_all``)."""
        get = self._cue_cands.get
        return [[] if get(k) == () else self.cues_at(keys, i) for i, k in enumerate(keys)]

    def is_cue(self, k: str, cat: str) -> bool:
        words = self.cue_words.get(cat, ())
        if k in words:
            return True
        return k[:1] in ("و", "ف") and k[1:] in words


_CANDS_MAX = 1 << 17  # cached keys per look-up table (emptied when full)


def _strip_al(k: str) -> str:
    return k[2:] if k.startswith("ال") and len(k) > 4 else k


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def event_lexicon() -> EventLexicon:
    """The process-wide event lexicon (loaded on first use)."""
    with _LOCK:
        return EventLexicon()


__all__ = ["EventLexicon", "Form", "Hit", "Trigger", "event_lexicon", "inflect"]

