"""Quantities in Arabic (and Latin) news text: counted amounts with offsets, bounds, unit and qualifier.

``find_quantities(text)`` scans the tokens of ``text`` once, left to right. At each token it tries, in
order: a vague amount (عشرات، مئات الآلاف، بضعة آلاف), a cardinal (digits, number words, digit ×
scale), an indefinite dual noun (طائرتين = 2 aircraft) and "noun + واحد". Around a cardinal it then
looks for a range (بين 10 و12 ألفا، من 10 إلى 15، 10-12), the counted noun (units lexicon
``khabar/data/units.tsv``) or a percent sign/word, a hedge before (أكثر من، نحو، ما لا يقل عن…) or
after (على الأقل، تقريبا), a projection cue (من المتوقع أن يصل إلى…), and an elided noun
(ست طائرات روسية وخمس صينية: the second count inherits "aircraft").

Numbers that are not counts are dropped: years (2024, عام 2000), dates (19 يونيو), clock times
(07:13), model designations (S-400, إف-16, M1991), phone-like digit runs, reference numbers
(القرار 2231، المادة 5) and ordinals (الأول، خامسة are simply not cardinals). See
``docs/quantities.md`` for the value/min/max conventions of each qualifier.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..model import Quantity, Token
from ..text import bases, key, tokenize
from ..text.tokens import tokens_between

__all__ = ["find_quantities"]

_DATA = Path(__file__).resolve().parent.parent / "data"

# ---------------------------------------------------------------------------------------------------
# Units lexicon


class _Unit(NamedTuple):
    words: tuple[str, ...]  # match keys of the form's words
    lemma: str
    category: str
    number: str  # sg | du | pl | var


def _load_units() -> tuple[dict[str, list[_Unit]], dict[str, _Unit], dict[str, _Unit]]:
    by_first: dict[str, list[_Unit]] = {}
    duals: dict[str, _Unit] = {}
    singulars: dict[str, _Unit] = {}
    seen: set[tuple[str, ...]] = set()
    path = _DATA / "units.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            raise ValueError(f"{path}: bad row {line!r}")
        sg, du, pl, var, lemma, cat = cols
        for number, col in (("sg", sg), ("du", du), ("pl", pl), ("var", var)):
            for form in (f.strip() for f in col.split("|")):
                if not form:
                    continue
                words = tuple(key(form).split())
                variants = [words]
                if (number == "sg" and len(words) == 1 and len(words[0]) >= 3
                        and not form.endswith(("ة", "ا", "ى", "ء"))):
                    variants.append((words[0] + "ا",))  # tamyeez accusative: جنديا، عاما، طنا
                for w in variants:
                    if w in seen:
                        continue
                    seen.add(w)
                    u = _Unit(w, lemma, cat, number)
                    if number == "du":
                        if len(w) == 1:
                            duals[w[0]] = u
                        continue  # a dual is a count on its own, never the noun after a number
                    by_first.setdefault(w[0], []).append(u)
                    if number == "sg" and len(w) == 1 and w is words:
                        singulars[w[0]] = u
    for lst in by_first.values():
        lst.sort(key=lambda u: -len(u.words))
    return by_first, duals, singulars


_UNITS, _DUALS, _SINGULARS = _load_units()


def _load_months() -> tuple[frozenset[str], frozenset[str]]:
    data = json.loads((_DATA / "months.json").read_text(encoding="utf-8"))
    months: set[str] = set()
    for cal in ("gregorian", "hijri"):
        for names in data.get(cal, {}).values():
            for name in names:
                k = key(name).split()
                if k:
                    months.add(k[0])
    days: set[str] = set()
    for names in data.get("weekdays", {}).values():
        for name in names:
            k = key(name)
            days.add(k)
            if k.startswith("ال"):
                days.add(k[2:])
    return frozenset(months), frozenset(days)


_MONTHS, _WEEKDAYS = _load_months()

# ---------------------------------------------------------------------------------------------------
# Number words (match keys). kind: u unit 1-9 | u1 واحد | th teen head (أحد/اثنا…, only before عشر)
# | ten عشر/عشرة | tens | h hundreds | s scale (form sg/acc/du/pl) | v vague (عشرات، مئات)
# | few بضع | sev عدة (only before a scale) | frac نصف/ربع (only before a scale)


class _W(NamedTuple):
    kind: str
    value: Decimal
    form: str = ""
    short: bool = False  # a short form (ست، خمس، ألف) that needs a following noun to count when bare


def _build_numwords() -> dict[str, _W]:
    d: dict[str, _W] = {}
    D = Decimal
    units = {
        1: ["واحد", "واحدة"],
        2: ["اثنان", "اثنين", "اثنتان", "اثنتين", "ثنتان", "ثنتين"],
        3: ["ثلاث", "ثلاثة"], 4: ["أربع", "أربعة"], 5: ["خمس", "خمسة"], 6: ["ست", "ستة"],
        7: ["سبع", "سبعة"], 8: ["ثمان", "ثماني", "ثمانية"], 9: ["تسع", "تسعة"],
    }
    for v, forms in units.items():
        for f in forms:
            k = key(f)
            kind = "u1" if v == 1 else "u"
            short = v >= 3 and not k.endswith("ه")
            d[k] = _W(kind, D(v), short=short)
    for f, v in (("أحد", 1), ("إحدى", 1), ("اثنا", 2), ("اثني", 2), ("اثنتا", 2), ("اثنتي", 2)):
        d[key(f)] = _W("th", D(v))
    d[key("عشر")] = _W("ten", D(10), short=True)
    d[key("عشرة")] = _W("ten", D(10))
    tens = {20: "عشر", 30: "ثلاث", 40: "أربع", 50: "خمس", 60: "ست", 70: "سبع", 80: "ثمان", 90: "تسع"}
    for v, stem in tens.items():
        for suf in ("ون", "ين"):
            d[key(stem + suf)] = _W("tens", D(v))
    for f in ("مئة", "مائة", "ماية"):
        d[key(f)] = _W("h", D(100), form="bare")
    for f in ("مئتان", "مئتين", "مئتا", "مئتي", "مائتان", "مائتين", "مائتا", "مائتي"):
        # مئتين/مئتان/مئتا are spelled like ميتين/ميتان/ميتا (dead): they need a following noun when alone
        k = key(f)
        d[k] = _W("h", D(200), short=k.startswith("ميت"))
    for v, stem in ((3, "ثلاث"), (4, "أربع"), (5, "خمس"), (6, "ست"), (7, "سبع"), (8, "ثمان"), (8, "ثماني"), (9, "تسع")):
        for h in ("مئة", "مائة"):
            d[key(stem + h)] = _W("h", D(v * 100))
    scales = {
        1000: (["ألف"], ["ألفا"], ["ألفين", "ألفي"], ["آلاف", "ألوف"]),  # not ألفان: الفان (the van)
        10**6: (["مليون"], ["مليونا"], ["مليونان", "مليونين", "مليوني"], ["ملايين"]),
        10**9: (["مليار", "بليون"], ["مليارا", "بليونا"], ["ملياران", "مليارين", "ملياري"], ["مليارات", "بلايين"]),
        10**12: (["تريليون", "ترليون"], ["تريليونا"], ["تريليونان", "تريليونين"], ["تريليونات"]),
        10**15: (["كوادريليون"], ["كوادريليونا"], [], ["كوادريليونات"]),
    }
    for v, (sg, acc, du, pl) in scales.items():
        for form, names in (("sg", sg), ("acc", acc), ("du", du), ("pl", pl)):
            for f in names:
                d[key(f)] = _W("s", D(v), form=form, short=(f == "ألف"))
    d[key("عشرات")] = _W("v", D(10))
    for f in ("مئات", "مائات"):
        d[key(f)] = _W("v", D(100))
    for f in ("بضع", "بضعة"):
        d[key(f)] = _W("few", D(3))
    d[key("عدة")] = _W("sev", D(3))
    d[key("نصف")] = _W("frac", D("0.5"))
    d[key("ربع")] = _W("frac", D("0.25"))
    # English (Latin text): enough for wire copy quoted in Latin script.
    en_units = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    for i, w in enumerate(en_units, 1):
        d[w] = _W("u1" if i == 1 else "u", D(i), short=True)
    for i, w in enumerate(["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                           "seventeen", "eighteen", "nineteen"], 10):
        d[w] = _W("tens", D(i), short=True)
    for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2):
        d[w] = _W("tens", D(i * 10), short=True)
    d["hundred"] = _W("h", D(100), form="bare", short=True)
    for v, sg, pl in ((1000, "thousand", "thousands"), (10**6, "million", "millions"),
                      (10**9, "billion", "billions"), (10**12, "trillion", "trillions")):
        d[sg] = _W("s", D(v), form="sg", short=True)
        d[pl] = _W("s", D(v), form="pl")
    d["bn"] = _W("s", D(10**9), form="sg", short=True)
    d["dozens"] = _W("v", D(10))
    d["scores"] = _W("v", D(10))
    d["hundreds"] = _W("v", D(100))
    d["half"] = _W("frac", D("0.5"))
    d["several"] = _W("sev", D(3))
    return d


_NUM = _build_numwords()
_EN_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}

# Proclitics a number (or hedge) may carry; never the article: definite cardinals are ordinal-like
# (القرن العشرين، الدول الخمس) and are not reported, except vague plurals (الآلاف، العشرات).
_CLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"})
# On number words ك is left out: كميات is not ك + مئات, كفريق واحد is "as one team".
_NUM_CLITICS = frozenset({"", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل"})
_DEF_CLITICS = frozenset({"ال", "وال", "فال", "بال", "لل", "وبال", "ولل", "فبال", "فلل"})

_FAMILY = {10: "dozens", 100: "hundreds", 1000: "thousands", 10**6: "millions", 10**9: "billions",
           10**12: "trillions"}

# ---------------------------------------------------------------------------------------------------
# Qualifiers


def _phrases(spec: dict[str, list[str]]) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for qual, forms in spec.items():
        for f in forms:
            out[tuple(key(f).split())] = qual
    return out


_PRE = _phrases({
    "about": ["نحو", "حوالي", "حوالى", "قرابة", "زهاء", "ما يقرب من", "يقرب من", "ما يقارب", "يقارب",
              "تقارب", "ما يناهز", "يناهز", "في حدود", "بحدود", "ما يعادل", "ما يقدر ب", "ما يقدر بـ",
              "about", "around", "nearly", "almost", "roughly", "some", "an estimated", "estimated"],
    "approximately": ["تقريبا", "approximately", "approx"],
    "more_than": ["أكثر من", "ما يزيد عن", "ما يزيد على", "يزيد عن", "يزيد على", "تزيد عن", "تزيد على",
                  "أزيد من", "فوق", "ما فوق", "ما يربو على", "ما يربو عن", "يربو على", "ما يفوق", "يفوق",
                  "تفوق", "ما يتجاوز", "يتجاوز", "تتجاوز", "ما يتخطى", "يتخطى",
                  "more than", "over", "above", "in excess of", "upwards of"],
    "at_least": ["ما لا يقل عن", "لا يقل عن", "لا تقل عن", "ما لا يقل على", "على الأقل",
                 "at least", "no fewer than", "no less than"],
    "up_to": ["قد يصل إلى", "قد تصل إلى", "ما يصل إلى", "يصل إلى", "تصل إلى", "قد يصل الى", "حتى",
              "ما لا يزيد عن", "ما لا يزيد على", "لا يزيد عن", "لا يزيد على", "لا تزيد عن", "لا تزيد على",
              "لا يتجاوز", "لا تتجاوز", "ما لا يتجاوز", "بحد أقصى",
              "up to", "as many as", "at most", "no more than"],
    "less_than": ["أقل من", "دون", "ما دون", "ما يقل عن", "يقل عن", "less than", "fewer than", "under",
                  "below"],
})
_PRE_MAX = max(len(k) for k in _PRE)
_POST = _phrases({
    "at_least": ["على الأقل", "فأكثر", "أو أكثر", "وأكثر", "كحد أدنى", "at least", "or more"],
    "approximately": ["تقريبا", "approximately"],
    "up_to": ["على الأكثر", "كحد أقصى", "أو أقل", "at most", "or less", "or fewer"],
    "about": ["or so"],
})
_POST_MAX = max(len(k) for k in _POST)

# Projection cues (a forecast, not a fact): توقع، يتوقع، المتوقع، توقعات…
_PROJ = re.compile(r"^(?:[وف]?(?:ب|ل|لل|ال|بال)?)(?:توقع|يتوقع|تتوقع|نتوقع|متوقع|يتوقعون)|^(?:expected|projected|forecast)")
_PROJ_WINDOW = 7
# Verbs of change: "ارتفع من 10 إلى 15" gives two figures, not a range.
_CHANGE = re.compile(
    r"^(?:[وف]?(?:ب|ل|ال)?)(?:ارتفع|يرتفع|ترتفع|ارتفاع|انخفض|ينخفض|تنخفض|انخفاض|تراجع|يتراجع|زاد|يزيد|تزيد|"
    r"زياد|قفز|يقفز|رفع|يرفع|خفض|يخفض|تخفيض|هبط|يهبط|صعد|تقلص|يتقلص|تضاعف|نما|ينمو|تغير|rose|fell|"
    r"increase|decrease|rise|drop|grew|jump)"
)

# Words before a number that make it a reference, not a count (القرار 2231، المادة 5، الساعة 7).
_DESIGNATORS = frozenset(key(w) for w in (
    "رقم", "الرقم", "رقمه", "رقمها", "القرار", "قرار", "المادة", "مادة", "البند", "بند", "الفقرة", "فقرة",
    "الفصل", "الصفحة", "صفحة", "القرن", "الطريق", "طريق", "الرحلة", "رحلة", "الطابق", "اللواء", "الفرقة",
    "الكتيبة", "الحلقة", "الجزء", "الجولة", "المرحلة", "الدورة", "الموسم", "النسخة", "سورة", "الآية", "آية",
    "المركز", "المرتبة", "الساعة", "ساعة", "تمام", "طراز", "طرازي", "موديل", "نموذج", "الكود", "الرمز",
    "الطراز", "صاروخ", "منظومة", "الشارع", "شارع", "المبنى", "الغرفة", "المربع", "المنطقة", "القطاع",
    "الدائرة", "الإصدار", "إصدار", "الجيل", "البوابة", "الحي", "الكيلو", "كيلو", "الذكرى", "ذكرى",
    "القمة", "المؤتمر", "المواد", "الدقيقة", "الدقائق", "الدقيقتين", "الشوط", "الأسبوع", "الجولة", "الحلقة", "الدوري", "الفيلق", "السرية", "الكأس", "المادتين", "الفقرتين", "البندين",
    "no", "number", "resolution", "article", "page", "chapter", "route", "flight", "room", "version",
))
# After these a number is a year whatever its size (عام 800 هـ); after the weak ones only 1000-2100.
_YEAR_CUES = frozenset(key(w) for w in ("عام", "العام", "سنة", "السنة", "عامي", "سنتي", "year"))
_YEAR_CUES_WEAK = frozenset(key(w) for w in ("سنوات", "أعوام", "in", "since", "منذ", "بحلول", "by"))
_YEAR_SUFFIX = frozenset(key(w) for w in ("هـ", "ه", "م", "ميلادي", "ميلادية", "هجري", "هجرية", "ق.م", "AD", "BC", "CE"))
# Transliterated letter names before a model number (إف 16، سو 35، ميغ 29).
_MODEL_PREFIX = frozenset(key(w) for w in (
    "إف", "اف", "سو", "ميغ", "ميج", "تي", "بي", "إس", "اس", "كي", "جي", "إم", "إتش", "اتش", "يو", "سي", "دي",
    "كيه", "إيه", "ايه", "إم إكس", "في", "آي", "اي",
))
_MODEL_PREFIX_ALONE = _MODEL_PREFIX - {key("في"), key("اي")}  # في is "in"; only after a hyphen
_DASHES = frozenset("-–—")
_PUNCT_BREAK = frozenset(".,;:!?()[]{}\"'«»“”‘’/|…•")
_STOP = frozenset(key(w) for w in (
    "في", "من", "إلى", "الى", "على", "عن", "مع", "أن", "إن", "قد", "لا", "لم", "لن", "ما", "كل", "هذه", "هذا",
    "التي", "الذي", "الذين", "ثم", "أو", "بعد", "قبل", "حتى", "منذ", "خلال", "عند", "لدى", "بين", "هو", "هي",
    "هم", "كان", "كانت", "و", "ف", "أي", "أم", "بل", "لكن", "إذا", "إذ", "حيث", "كما", "غير", "سوى", "عبر",
    "نحو", "حول", "ضد", "دون", "فوق", "تحت", "أمام", "وراء", "بينما", "ذلك", "تلك", "هنا", "هناك", "أيضا",
    "فقط", "يوم", "اليوم", "أمس", "مساء", "صباح", "of", "the", "and", "in", "to", "at", "on",
))
_PREPS = frozenset(key(w) for w in ("في", "من", "إلى", "الى", "على", "عن", "مع", "خلال", "عند", "قرب", "داخل"))
_OTHER_ADJ = frozenset(key(w) for w in (
    "أخرى", "آخر", "آخرين", "آخرون", "أخريات", "أخر", "جديدة", "جديد", "جدد", "إضافية", "إضافي", "إضافيين",
    "other", "others", "more",
))
_NISBA = ("ي", "يه", "يين", "يون", "يان", "يتان", "يتين", "يات")
_PERCENT_WORDS = frozenset({key("بالمئة"), key("بالمائة"), key("بالمية"), "percent", "pct"})
_PERCENT_AFTER_FI = frozenset({key("المئة"), key("المائة"), key("المية")})
_CURRENCY_SIGNS = {"$": "dollar", "€": "euro", "£": "pound"}
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
_GLUED_OK = frozenset({"ب", "ل", "و", "ك", "ف", "ال", "بال", "لل", "وب", "ول", "وال", "فال", "وبال", "ولل"})
_ORDINAL_UNITS = frozenset(key(w) for w in (
    "حادي", "حادية", "ثاني", "ثانية", "ثالث", "ثالثة", "رابع", "رابعة", "خامس", "خامسة", "سادس", "سادسة",
    "سابع", "سابعة", "ثامن", "ثامنة", "تاسع", "تاسعة",
))
_DATE_AFTER = frozenset(key(w) for w in ("منه", "الجاري", "الحالي", "المقبل", "الماضي", "الشهر"))
_REACH = frozenset(key(w) for w in ("يصل", "تصل", "يصلون"))
# Between a projection cue and its figure: a verb of reaching or changing (يصل، يبلغ، يرتفع…) or إلى.
_PROJ_REACH = re.compile(r"^(?:[وف]?(?:ل|ب)?)(?:[يت](?:صل|بلغ|رتفع|تجاوز|زيد|نخفض|تراجع|تراوح|قترب|تخطي|فوق|ضاعف|سجل|قدر)"
                         r"|ارتفاع|زياده|بزياده|الي|reach|rise|exceed|to)$")
_COUNT_WORDS = frozenset(key(w) for w in ("عدد", "أعداد", "حصيلة", "number", "toll"))
_DEMONYM_ENDS = ("يا", "يين", "يون")
_DEMONYM_PL = ("يين", "يون")
_NOT_DEMONYM = frozenset(key(w) for w in (
    "إضافيا", "إضافيين", "رئيسيا", "سنويا", "شهريا", "يوميا", "حاليا", "تقريبا", "إجماليا", "أساسيا", "فعليا",
    "رسميا", "مبدئيا", "نهائيا", "تلقائيا", "جزئيا", "كليا", "دوليا", "محليا", "عالميا", "عسكريا", "فقط",
    "أسبوعيا", "ميدانيا", "حاليين", "سابقين", "إضافيون", "آخرين", "آخرون", "قضايا", "تحديا", "ناديا",
    "محتوى", "وديا", "سياسيا", "رياضيا", "اقتصاديا", "شخصيا", "هدايا", "ضحايا", "زوايا", "خلايا", "بقايا", "مزايا", "وصايا", "سرايا", "شظايا", "نوايا",
    # country names in -يا are not "a Russian" (روسيًا) after a number
    "روسيا", "بريطانيا", "ألمانيا", "تركيا", "إيطاليا", "إسبانيا", "أسبانيا", "سوريا", "ليبيا", "كوريا",
    "نيجيريا", "أستراليا", "استراليا", "إثيوبيا", "كينيا", "ماليزيا", "إندونيسيا", "أندونيسيا", "كولومبيا",
    "بلجيكا", "النمسا", "صربيا", "رومانيا", "كرواتيا", "سلوفينيا", "سلوفاكيا", "ألبانيا", "بوليفيا",
    "تنزانيا", "زامبيا", "غامبيا", "موريتانيا", "أرمينيا", "جورجيا", "كاليفورنيا", "فرجينيا", "آسيا",
    "أفريقيا", "إفريقيا", "أمريكيا", "بلغاريا", "مقدونيا", "كمبوديا", "منغوليا", "ناميبيا", "إريتريا", "الهند",
))
_BETWEEN = frozenset({"بين", "between"})
_FROM = frozenset({"من", "from"})

# Digit tokens (keys: Eastern digits and ٫ ٬ already folded to ASCII . ,)
_RE_INT = re.compile(r"\d+")
_RE_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_RE_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_RE_DEC = re.compile(r"\d+\.\d+")
_RE_DEC_COMMA = re.compile(r"\d+,\d{1,2}")
_RE_RANGE = re.compile(r"(\d+)-(\d+)")
_RE_NUMERIC = re.compile(r"\d[\d.,\-/']*")


@lru_cache(maxsize=1 << 16)
def _bases(k: str) -> tuple[tuple[str, str], ...]:
    return tuple(bases(k))


@lru_cache(maxsize=1 << 16)
def _numword(k: str) -> tuple[str, _W] | None:
    """(proclitics, number word) for a token key, or None."""
    w = _NUM.get(k)
    if w is not None:
        return "", w
    if k and k[0] in "وفبلك":
        for prefix, base in _bases(k)[1:]:
            w = _NUM.get(base)
            if w is not None:
                return prefix, w
    if "-" in k and k.isascii():  # twenty-five
        a, _, b = k.partition("-")
        if a in _NUM and _NUM[a].kind == "tens" and b in _EN_UNITS:
            return "", _W("tens", _NUM[a].value + _EN_UNITS[b], short=True)
    return None


@lru_cache(maxsize=1 << 16)
def _clitic_lookup(k: str, table: str) -> tuple[str, _Unit] | None:
    d = _DUALS if table == "du" else _SINGULARS
    for prefix, base in _bases(k):
        if prefix in _NUM_CLITICS and base in d:
            return prefix, d[base]
    return None


def _digits(s: str) -> tuple[Decimal, Decimal | None] | None:
    """Value of a digit token key; second item is the decimal reading of an ambiguous ``10.000``."""
    if _RE_INT.fullmatch(s):
        return Decimal(s), None
    if _RE_COMMA.fullmatch(s):
        return Decimal(s.replace(",", "")), None
    if _RE_DOT.fullmatch(s):
        if s.count(".") == 1 and "," not in s:
            if s[0] == "0":
                return Decimal(s), None
            return Decimal(s.replace(".", "")), Decimal(s)
        return Decimal(s.replace(".", "").replace(",", ".")), None
    if _RE_DEC.fullmatch(s):
        return Decimal(s), None
    if _RE_DEC_COMMA.fullmatch(s):
        return Decimal(s.replace(",", ".")), None
    return None


def _plain(d: Decimal | None) -> int | float | None:
    if d is None:
        return None
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _bounds(qualifier: str, value: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(min, max) of a point figure under a hedge."""
    if qualifier in ("about", "approximately"):
        return None, None
    if qualifier in ("more_than", "at_least"):
        return value, None
    if qualifier in ("up_to", "less_than"):
        return None, value
    return value, value


def _family(v: Decimal) -> str:
    return _FAMILY.get(int(v), "dozens")


# ---------------------------------------------------------------------------------------------------
# Parse records


@dataclass
class _Atom:
    kind: str  # digit | range | u | u1 | th | ten | tens | h | s | v | few | sev | frac
    value: Decimal
    tok: int  # token index of the word
    j: int  # index after the atom (and after a separate و)
    prefix: str = ""
    form: str = ""
    short: bool = False
    alt: Decimal | None = None  # decimal reading of 10.000
    hi: Decimal | None = None  # range end for a 10-12 token


@dataclass
class _Amount:
    i: int  # first token (the number, not a hedge)
    j: int  # token after the amount
    value: Decimal | None
    lo: Decimal | None
    hi: Decimal | None
    raw: Decimal | None = None  # the count before the last scale (10 in 10 آلاف)
    scale: Decimal | None = None
    vague: str | None = None
    prefix: str = ""
    digit: bool = False  # a single digit token, no scale
    words: bool = False  # made of number words
    short: bool = False  # a single short number word (ست، ألف)
    is_range: bool = False


@dataclass
class _UnitHit:
    lemma: str | None
    s: int  # first token of unit text
    e: int  # token after it
    percent: bool = False
    weak: bool = False  # guessed (a demonym): does not make a year-like number a count


class _Scanner:
    def __init__(self, text: str, toks: list[Token]):
        self.text = text
        self.toks = toks
        self.keys = [t.key for t in toks]
        self.n = len(toks)
        self.out: list[Quantity] = []
        self.floor = 0  # tokens before this belong to an emitted quantity
        # the last quantity's (end token, lemma, percent, unit key) for elided nouns
        self.last_unit: tuple[int, str | None, bool, str] | None = None

    # -- small helpers -------------------------------------------------------------------------
    def k(self, i: int) -> str:
        return self.keys[i] if 0 <= i < self.n else ""

    def adjacent(self, a: int, b: int) -> bool:
        return 0 <= a < b < self.n and self.toks[a].end == self.toks[b].start

    def is_ar(self, i: int) -> bool:
        k = self.k(i)
        return bool(k) and "\u0621" <= k[0] <= "\u064a"

    def is_word(self, i: int) -> bool:
        k = self.k(i)
        return bool(k) and k[0].isalpha()

    def is_punct(self, i: int) -> bool:
        k = self.k(i)
        return not k or (len(k) == 1 and not k.isalnum())

    def is_digit_tok(self, i: int) -> bool:
        k = self.k(i)
        return bool(k) and k[0].isdigit()

    def cue(self, i: int, words: frozenset[str] | set[str]) -> str | None:
        """The proclitics with which token ``i`` reads as one of ``words`` (None if it does not)."""
        if i < 0 or i >= self.n:
            return None
        for prefix, base in _bases(self.keys[i]):
            if prefix in _CLITICS and base in words:
                return prefix
        return None

    def strip(self, i: int, prefix: str) -> int:
        """Start offset of token ``i`` after skipping the letters of its (key) ``prefix``."""
        t = self.toks[i]
        if prefix.endswith(("ال", "لل")):
            prefix = prefix[:-2]  # keep the article with its word (العشرات، لآلاف -> آلاف)
        if not prefix:
            return t.start
        need = len(prefix)
        pos = 0
        s = t.text
        while pos < len(s) and need > 0:
            kk = key(s[pos])
            need -= len(kk)
            pos += 1
        while pos < len(s) and not key(s[pos]):  # diacritics/tatweel of the stripped letter
            pos += 1
        return t.start + pos

    def slash_near(self, start: int, end: int) -> bool:
        text = self.text
        a = start - 1
        while a >= 0 and text[a] in _BIDI:
            a -= 1
        b = end
        while b < len(text) and text[b] in _BIDI:
            b += 1
        return (a >= 0 and text[a] == "/") or (b < len(text) and text[b] == "/")

    def adjective_like(self, i: int) -> bool:
        k = self.k(i)
        if not self.is_word(i) or k in _STOP or _numword(k):
            return False
        if k in _OTHER_ADJ:
            return True
        if not self.is_ar(i):
            return False
        base = k.removeprefix("ال")
        return len(base) >= 3 and base.endswith(_NISBA)

    # -- atoms ---------------------------------------------------------------------------------
    def atom(self, i: int, mode: str) -> _Atom | None:
        """One number element at token i. mode: first (proclitics ok) | def (article ok) | plain | conj (و)."""
        if i >= self.n:
            return None
        if mode == "conj" and self.k(i) == "و":  # a separate و token
            i += 1
            mode = "plain"
            if i >= self.n:
                return None
        k = self.keys[i]
        if not k:
            return None
        if k[0].isdigit():
            if mode == "conj" or not _RE_NUMERIC.fullmatch(k):
                return None
            m = _RE_RANGE.fullmatch(k)
            if m:
                lo, hi = Decimal(m.group(1)), Decimal(m.group(2))
                return _Atom("range", lo, i, i + 1, hi=hi)
            parsed = _digits(k)
            if parsed is None:
                return None
            # 0،3 : the Arabic comma typed as a decimal separator, no spaces around it
            if (self.k(i + 1) == "," and self.toks[i + 1].text == "،" and self.adjacent(i, i + 1)
                    and self.adjacent(i + 1, i + 2) and self.k(i + 2).isdigit() and k.isdigit()
                    and self.k(i + 3) not in (",",)):
                return _Atom("digit", Decimal(k + "." + self.k(i + 2)), i, i + 3)
            return _Atom("digit", parsed[0], i, i + 1, alt=parsed[1])
        hit = _numword(k)
        if hit is None:
            if mode == "def" or mode == "first":
                for prefix, base in _bases(k)[1:]:
                    if prefix in _DEF_CLITICS:
                        w = _NUM.get(base)
                        if w is not None and (w.kind == "v" or (w.kind == "s" and w.form == "pl")):
                            return _Atom(w.kind, w.value, i, i + 1, prefix=prefix, form=w.form)
            return None
        prefix, w = hit
        if mode == "conj":
            if prefix != "و":
                return None
        elif mode in ("plain", "def"):
            if prefix:
                return None
        elif prefix not in _NUM_CLITICS:
            return None
        return _Atom(w.kind, w.value, i, i + 1, prefix=prefix, form=w.form, short=w.short)

    # -- cardinals -----------------------------------------------------------------------------
    def small(self, i: int, mode: str) -> tuple[Decimal, int, _Atom] | None:
        """A number below 1000 (or any digit token): (value, next index, first atom)."""
        a = self.atom(i, mode)
        if a is None:
            return None
        if a.kind == "digit":
            return a.value, a.j, a
        if a.kind in ("u", "u1", "th"):
            b = self.atom(a.j, "plain")
            if b is not None and b.kind == "ten":
                return a.value + 10, b.j, a
            if a.kind == "th":
                return None
            if b is not None and b.kind == "h" and b.form == "bare" and a.value >= 3:
                v, j = a.value * 100, b.j
                sub = self.sub100(j)
                if sub:
                    v, j = v + sub[0], sub[1]
                return v, j, a
            c = self.atom(a.j, "conj")
            if c is not None and c.kind == "tens" and c.value >= 20:
                return a.value + c.value, c.j, a
            return a.value, a.j, a
        if a.kind in ("ten", "tens"):
            return a.value, a.j, a
        if a.kind == "h":
            v, j = a.value, a.j
            sub = self.sub100(j)
            if sub:
                v, j = v + sub[0], sub[1]
            return v, j, a
        return None

    def sub100(self, j: int) -> tuple[Decimal, int] | None:
        c = self.atom(j, "conj")
        if c is None:
            return None
        if c.kind in ("u", "u1", "th"):
            b = self.atom(c.j, "plain")
            if b is not None and b.kind == "ten":
                return c.value + 10, b.j
            if c.kind == "th":
                return None
            d = self.atom(c.j, "conj")
            if d is not None and d.kind == "tens" and d.value >= 20:
                return c.value + d.value, d.j
            return c.value, c.j
        if c.kind in ("ten", "tens"):
            return c.value, c.j
        return None

    def group(self, i: int, mode: str) -> tuple[Decimal, int, Decimal | None, Decimal | None, _Atom] | None:
        """small [scale] | scale alone | fraction + scale: (value, next, scale, raw count, first atom)."""
        a = self.atom(i, mode)
        if a is None:
            return None
        if a.kind == "frac":
            s = self.atom(a.j, "plain")
            if s is not None and s.kind == "s" and s.form == "sg":
                return a.value * s.value, s.j, s.value, a.value, a
            return None
        if a.kind == "s":
            if a.form == "sg":
                return a.value, a.j, a.value, Decimal(1), a
            if a.form == "du":
                return a.value * 2, a.j, a.value, Decimal(2), a
            return None
        sm = self.small(i, mode)
        if sm is None:
            return None
        v, j, first = sm
        s = self.atom(j, "plain")
        if s is not None and s.kind == "s" and s.form != "du":
            if first.kind == "digit" and first.alt is not None and j == first.j:
                v = first.alt  # 1.500 مليار is a decimal
            return v * s.value, s.j, s.value, v, first
        return v, j, None, v, first

    def cardinal(self, i: int, mode: str = "first") -> _Amount | None:
        a = self.atom(i, mode)
        if a is None or a.kind in ("v", "few", "sev"):
            return None
        if a.kind == "range":
            am = _Amount(a.tok, a.j, None, a.value, a.hi, raw=a.value, digit=True, is_range=True)
            s = self.atom(a.j, "plain")
            if s is not None and s.kind == "s" and s.form != "du":
                am.lo, am.hi, am.scale, am.j, am.digit = a.value * s.value, a.hi * s.value, s.value, s.j, False
            return am
        g = self.group(i, mode)
        if g is None:
            return None
        total, j, scale, raw, first = g
        n_groups = 1
        last = scale
        while last is not None:
            frac = self.atom(j, "conj")
            if frac is not None and frac.kind == "frac":
                total += frac.value * last
                j = frac.j
                break
            h = self.group(j, "conj")
            if h is None or h[0] >= last or (h[2] is not None and h[2] >= last):
                break
            total += h[0]
            j = h[1]
            last = h[2]
            n_groups += 1
        am = _Amount(first.tok, j, total, total, total, raw=raw if n_groups == 1 else None,
                     scale=scale if n_groups == 1 else None, prefix=first.prefix)
        if first.kind == "digit":
            if j == first.j:
                am.digit = True
        else:
            am.words = True
            am.short = first.short and j == first.j
        return am

    def vague(self, i: int) -> _Amount | None:
        a = self.atom(i, "first")
        if a is None:
            return None
        if a.kind == "v" or (a.kind == "s" and a.form == "pl"):
            b = self.atom(a.j, "def") if a.kind == "v" else None
            if b is not None and b.kind == "s" and b.form == "pl":
                lo, hi, fam, j = 2 * a.value * b.value, 10 * a.value * b.value - 1, _family(b.value), b.j
            else:
                lo, hi, fam, j = 2 * a.value, 10 * a.value - 1, _family(a.value), a.j
            return _Amount(a.tok, j, None, lo, hi, vague=fam, prefix=a.prefix, words=True)
        if a.kind in ("few", "sev"):
            b = self.atom(a.j, "plain")
            if b is not None and (b.kind == "v" or (b.kind == "s" and b.form == "pl")):
                return _Amount(a.tok, b.j, None, 3 * b.value, 10 * b.value - 1, vague=_family(b.value),
                               prefix=a.prefix, words=True)
            if a.kind == "few" and a.prefix in _CLITICS:
                return _Amount(a.tok, a.j, None, Decimal(3), Decimal(9), vague="few", prefix=a.prefix, words=True)
        return None

    # -- units ---------------------------------------------------------------------------------
    def lex(self, j: int, definite: bool, enclitic: bool = False) -> tuple[_Unit, int] | None:
        k = self.k(j)
        if not k:
            return None
        cands: list[str] = [k]
        if definite:
            cands = [k[2:]] if k.startswith("ال") and len(k) > 3 else ([k] if enclitic else [])
        for c in cands:
            for u in _UNITS.get(c, ()):
                if len(u.words) > 1:
                    ok = True
                    for off, w in enumerate(u.words[1:], 1):
                        kk = self.k(j + off)
                        if definite and kk.startswith("ال") and not w.startswith("ال"):
                            kk = kk[2:]
                        if kk != w:
                            ok = False
                            break
                    if not ok:
                        continue
                return u, j + len(u.words)
        if enclitic and self.is_ar(j):
            for suf in ("هما", "هم", "هن", "ها", "كم", "نا", "ه"):
                if k.endswith(suf) and len(k) - len(suf) >= 2:
                    stem = k[: -len(suf)]
                    for st in (stem, stem[:-1] + "ه" if stem.endswith("ت") else ""):
                        for u in _UNITS.get(st, ()):
                            if len(u.words) == 1:
                                return u, j + 1
        return None

    def time_blocked(self, u: _Unit, j: int) -> bool:
        """عام 2023، يوم الجمعة، شهر مايو: the time noun starts a date, it is not the counted noun."""
        if u.category != "time":
            return False
        nk = self.k(j)
        return bool(nk) and (nk[0].isdigit() or nk in _MONTHS or nk in _WEEKDAYS)

    def unit_at(self, j: int, am: _Amount) -> _UnitHit | None:
        k = self.k(j)
        if not k:
            return None
        if k == "%" or k in _PERCENT_WORDS:
            return _UnitHit("percent", j, j + 1, percent=True)
        if k == "في" and self.k(j + 1) in _PERCENT_AFTER_FI:
            return _UnitHit("percent", j, j + 2, percent=True)
        if k == "per" and self.k(j + 1) == "cent":
            return _UnitHit("percent", j, j + 2, percent=True)
        if k in _CURRENCY_SIGNS:
            return _UnitHit(_CURRENCY_SIGNS[k], j, j + 1)
        hit = self.lex(j, definite=False)
        definite_vague = am.vague is not None and am.prefix.endswith(("ال", "لل"))
        if hit is not None and not self.time_blocked(hit[0], hit[1]) and not definite_vague:
            return _UnitHit(hit[0].lemma, j, hit[1])
        if k in ("من", "of") and j + 1 < self.n:
            nj = j + 1
            if k == "of" and self.k(nj) == "the":
                nj += 1
            hit = self.lex(nj, definite=(k == "من"), enclitic=True) if k == "من" else self.lex(nj, definite=False)
            if hit is not None and hit[0].category != "time":
                return _UnitHit(hit[0].lemma, nj, hit[1])
        if am.vague is not None:
            hit = self.lex(j, definite=True)
            if hit is not None:
                return _UnitHit(hit[0].lemma, j, hit[1])
        big = am.scale is not None or (am.value is not None and am.value >= 100)
        if self.demonym(j, definite=am.vague is not None, singular=big):
            return _UnitHit("person", j, j + 1, weak=True)
        if k == "من" and self.demonym(j + 1, definite=True):
            return _UnitHit("person", j + 1, j + 2, weak=True)
        return None

    def demonym(self, j: int, definite: bool, singular: bool = False) -> bool:
        """A nisba noun counted as people: 40 فلسطينيا، 3 أمريكيين، آلاف السوريين."""
        k = self.k(j)
        if not self.is_ar(j) or k in _STOP:
            return False
        if k[0] in "وف":  # والمانيا، والتي: a conjunction, not the first letter of a nisba
            for prefix, base in _bases(k)[1:]:
                if prefix in ("و", "ف") and (base in _STOP or base in _NOT_DEMONYM or base.startswith("ال")):
                    return False
        if k.startswith("ال"):
            if not definite:
                return False
            k = k[2:]
            ends = _DEMONYM_PL
        else:
            ends = _DEMONYM_PL if definite else (_DEMONYM_ENDS + ("ي",) if singular else _DEMONYM_ENDS)
        return len(k) >= 4 and k.endswith(ends) and k not in _NOT_DEMONYM and not _numword(k)

    def count_noun_before(self, s: int) -> _UnitHit | None:
        """بلغ عدد القتلى 50، ارتفع عدد النازحين إلى 100 ألف: the noun after عدد names the unit."""
        lo = max(self.floor, s - 8)
        for i in range(s - 1, lo - 1, -1):
            if self.is_punct(i) or self.is_digit_tok(i):
                return None
            if self.cue(i, _COUNT_WORDS) is not None:
                hit = self.lex(i + 1, definite=True)
                if hit is not None and hit[0].category != "time":
                    return _UnitHit(hit[0].lemma, i + 1, hit[1])
                if self.demonym(i + 1, definite=True):
                    return _UnitHit("person", i + 1, i + 2)
                return None
        return None

    # -- hedges --------------------------------------------------------------------------------
    def pre_hedge(self, s: int) -> tuple[str, int, str] | None:
        """(qualifier, first token, its proclitics) of a hedge ending just before token s."""
        for L in range(min(_PRE_MAX, s - self.floor), 0, -1):
            i0 = s - L
            rest = tuple(self.keys[i0 + 1:s])
            for prefix, base in _bases(self.keys[i0]):
                if prefix not in _CLITICS:
                    continue
                q = _PRE.get((base,) + rest)
                if q is not None:
                    return q, i0, prefix
        # split "up to": قد يصل عدد الضحايا إلى 40
        if self.k(s - 1) in ("الي", "to"):
            for i in range(s - 2, max(self.floor, s - 6) - 1, -1):
                if self.is_punct(i) or self.is_digit_tok(i):
                    break
                prefix = self.cue(i, _REACH)
                if prefix is not None:
                    if i - 1 >= self.floor and self.k(i - 1) in ("قد", "ما"):
                        return "up_to", i - 1, ""
                    return "up_to", i, prefix
        return None

    def post_hedge(self, e: int) -> tuple[str, int] | None:
        j = e
        for _ in range(3):
            for L in range(_POST_MAX, 0, -1):
                q = _POST.get(tuple(self.keys[j:j + L]))
                if q is not None and j + L <= self.n and self.k(j + L) not in ("من", "than", "عن", "علي"):
                    return q, j + L
            if j < self.n and self.adjective_like(j) and not self.k(j).startswith("ال"):
                j += 1
                continue
            break
        return None

    def projected(self, s: int, hedged: bool) -> tuple[int, str] | None:
        """A projection cue shortly before token ``s`` whose figure this is (…توقعات بزيادة العدد إلى)."""
        lo = max(self.floor, s - _PROJ_WINDOW)
        reach = hedged or self.k(s - 1) in ("الي", "to", "ب", "بنحو")
        for i in range(s - 1, lo - 1, -1):
            k = self.keys[i]
            if self.is_punct(i) or k in ("منذ", "since"):
                return None
            if _PROJ.match(k):
                if self.k(i - 1) in ("غير", "un"):
                    return None  # على نحو غير متوقع: "unexpectedly"
                if not reach and s - i > 3 and not any(_PROJ_REACH.match(self.keys[x]) for x in range(i + 1, s)):
                    return None
                for prefix, base in _bases(k):
                    if prefix and prefix in _CLITICS and _PROJ.match(base):
                        return i, prefix
                return i, ""
        return None

    # -- filters -------------------------------------------------------------------------------
    def digit_rejected(self, am: _Amount, unit: _UnitHit | None) -> bool:
        """Digit tokens that are not counts: models, times, phone numbers, references, years, dates."""
        i = am.i
        t = self.toks[i]
        text = self.text
        k = self.keys[i]
        if "/" in k or "'" in k:
            return True
        if self.slash_near(t.start, t.end):
            return True  # 1/1/2018 with direction marks (RLM) between the parts
        if len(k) > 1 and k[0] == "0" and k[1].isdigit():
            return True
        before = text[t.start - 1] if t.start > 0 else ""
        before2 = text[t.start - 2] if t.start > 1 else ""
        after = text[t.end] if t.end < len(text) else ""
        after2 = text[t.end + 1] if t.end + 1 < len(text) else ""
        if before in _DASHES and before2.isalpha():
            return True  # S-400 style with an Arabic name (إس-400)
        if after in _DASHES and after2.isalpha() and not unit:
            return True
        # glued to letters: only a proclitic may be (ب10، وال15); tatweel (بـ10) is no letter
        if before.isalpha() and before != "\u0640" and not (self.adjacent(i - 1, i) and self.k(i - 1) in _GLUED_OK):
            return True
        if after.isalpha() and not (unit is not None and unit.s == am.j):
            return True
        if (before == ":" and before2.isdigit()) or (after == ":" and after2.isdigit()):
            return True  # clock time
        if before == "+" or before == "#":
            return True
        p = i - 1
        if p >= 0 and self.keys[p] == "ال":  # المرتبة الـ 29
            p -= 1
        if p >= self.floor and p >= 0:
            if self.keys[p] in _DESIGNATORS or self.cue(p, _DESIGNATORS) is not None:
                return True
            if self.keys[p] in _MODEL_PREFIX_ALONE and not unit:
                return True
        if am.scale is not None or (unit is not None and not unit.weak):
            return False
        v = am.value if am.value is not None else am.lo
        if am.is_range:
            return False
        # bare digits from here
        if len(k) >= 8 and k.isdigit():
            return True
        if v is not None and v == v.to_integral_value() and "." not in k and "," not in k:
            iv = int(v)
            nk = self.k(am.j)
            strong = self.cue(i - 1, _YEAR_CUES) is not None or nk in _YEAR_SUFFIX
            weak = self.cue(i - 1, _YEAR_CUES_WEAK) is not None or self.k(i - 1) in _MONTHS
            if (strong and 1 <= iv <= 2100) or (weak and 1000 <= iv <= 2100):
                return True
            if 1900 <= iv <= 2100 and len(k) == 4:
                return True
            if 1 <= iv <= 31 and self.is_date_day(am.j):
                return True
            if 1 <= iv <= 31 and self.k(i - 1) in _MONTHS:
                return True
        # phone-like runs and list markers
        if self.is_digit_tok(am.j) or (i > 0 and self.is_digit_tok(i - 1) and i - 1 >= self.floor):
            return True
        if i > 0 and self.k(i - 1) == "(" and self.k(am.j) == ")":
            return True
        line_start = t.start == 0 or text[t.start - 1] == "\n"
        if line_start and self.k(am.j) in (".", ")", "-"):
            return True
        if self.k(am.j) in _DASHES and self.is_word(am.j + 1) and not self.is_digit_tok(am.j + 1):
            return True  # "20 - name": a list marker
        return self.k(i - 1) in ("x", "×") or self.k(am.j) in ("x", "×")  # 2160 x 1080

    def is_date_day(self, j: int) -> bool:
        """What follows a day number ≤ 31 at ``j`` makes it a date: 19 يونيو، 7 من مايو، 25 منه، 23 الجاري،
        and the earlier days of a list (16 و17 و18 مارس)."""
        for _ in range(6):
            nk = self.k(j)
            if nk in _MONTHS or nk in _DATE_AFTER:
                return True
            if (nk in _DASHES or nk == "/" or nk == "من") and (self.k(j + 1) in _MONTHS or self.k(j + 1) in _DATE_AFTER):
                return True
            if nk in ("و", ",", "،") and self.is_digit_tok(j + 1) and len(self.k(j + 1)) <= 2:
                j += 2
                continue
            return False
        return False

    # -- emit ----------------------------------------------------------------------------------
    def emit(self, s_tok: int, s_prefix: str, e_tok: int, value, lo, hi, unit: _UnitHit | None,
             qualifier: str, inherit: str | None = None) -> None:
        start = self.strip(s_tok, s_prefix)
        end = self.toks[e_tok - 1].end
        lemma = unit.lemma if unit else inherit
        unit_text = None
        if unit is not None:
            us = self.toks[unit.s].start
            unit_text = self.text[us:self.toks[unit.e - 1].end]
        self.out.append(Quantity(start=start, end=end, text=self.text[start:end], value=_plain(value),
                                 min=_plain(lo), max=_plain(hi), unit=lemma, unit_text=unit_text,
                                 qualifier=qualifier))
        self.floor = e_tok
        ukey = self.keys[unit.e - 1] if unit else (self.last_unit[3] if inherit and self.last_unit else "")
        self.last_unit = (max(unit.e, e_tok) if unit else e_tok, lemma, bool(unit and unit.percent), ukey)

    def finish(self, am: _Amount, start_tok: int, start_prefix: str) -> int:
        """Attach range, unit, hedges and projection to an amount and emit it; returns next index."""
        unit = self.unit_at(am.j, am)
        # بين 3 سنوات و15 عاما، من 10% إلى 15%: both figures carry the unit
        if unit is not None and not unit.weak and am.vague is None and not am.is_range and am.value is not None:
            got = self.unit_range(am, unit)
            if got is not None:
                am, start_tok, start_prefix, unit = got
        # ranges
        if unit is None and am.vague is None and not am.is_range:
            rng = self.range_from(am)
            if rng is not None:
                if rng == "skip":
                    return self.skip_range(am)
                am, start_tok, start_prefix = rng
                unit = self.unit_at(am.j, am)
        # currency sign or percent before the number ($5, %30)
        if unit is None and start_tok == am.i and am.i - 1 >= self.floor and self.adjacent(am.i - 1, am.i):
            pk = self.k(am.i - 1)
            if pk in _CURRENCY_SIGNS or (pk == "%" and not self.is_digit_tok(am.i - 2)):
                unit = _UnitHit(_CURRENCY_SIGNS.get(pk, "percent"), am.i - 1, am.i, percent=(pk == "%"))
                start_tok, start_prefix = am.i - 1, ""
        if am.digit and self.digit_rejected(am, unit):
            return am.j
        if am.is_range and (am.lo is None or am.hi is None or am.hi <= am.lo):
            return am.j  # 3-1 is a score
        if am.is_range and am.scale is None and unit is None:
            lo, hi = am.lo, am.hi
            if lo == 0 or (1900 <= lo <= 2100 and 1900 <= hi <= 2100):
                return am.j
            if am.digit and self.pre_hedge(am.i) is None:
                return am.j  # a bare 1-3 is a score or a reference as often as a count
        if am.words and am.vague is None and unit is None and not am.is_range and not self.bare_words_ok(am):
            return am.j
        # a year in words after عام (عام ألفين وعشرين)
        if (unit is None and am.words and am.value is not None and 1000 <= am.value <= 2100
                and self.cue(start_tok - 1, _YEAR_CUES) is not None):
            return am.j
        end = max(unit.e, am.j) if unit else am.j
        if unit is None and am.vague is None:
            unit = self.count_noun_before(start_tok)
        qualifier = "exact"
        value, lo, hi = am.value, am.lo, am.hi
        # hedges
        pre = self.pre_hedge(start_tok)
        if pre is not None:
            qualifier, start_tok, start_prefix = pre
        post = self.post_hedge(end)
        if post is not None:
            if pre is None or qualifier in ("about", "approximately"):
                qualifier = post[0]
            end = post[1]
        base_q = qualifier
        proj = self.projected(start_tok, pre is not None)
        if proj is not None:
            qualifier = "projected"
            start_tok, start_prefix = proj
        # bounds
        if am.vague is not None:
            if base_q in ("more_than", "at_least"):
                hi = None
            elif base_q in ("up_to", "less_than"):
                lo = None
            if qualifier == "projected":
                pass
            else:
                qualifier = am.vague
        elif am.is_range:
            value = None
            if qualifier == "exact":
                qualifier = "range"
        else:
            lo, hi = _bounds(base_q, value)
        # elided noun: ست طائرات روسية وخمس صينية
        inherit = None
        if unit is None and am.vague is None and (
            am.prefix == "و" or (self.k(am.i - 1) in ("و", ",", ":") and start_tok == am.i)
        ):
            got = self.elided(am)
            if got is not None:
                inherit, end = got
        if unit is None and inherit is None and am.vague is None and am.prefix and am.prefix not in ("و", "ف") \
                and am.words and am.scale is None and pre is None:
            return am.j  # لست، بخمس with nothing counted: not a number
        self.emit(start_tok, start_prefix, end, value, lo, hi, unit, qualifier, inherit)
        return end

    def bare_words_ok(self, am: _Amount) -> bool:
        nk = self.k(am.j)
        if self.is_ar(am.j) and nk.startswith("ال") and nk not in _STOP:
            return False  # خمس السكان (a fifth), not a count
        if am.short and am.scale is not None:
            return self.pre_hedge(am.i) is not None  # ألف alone is as often the verb ألّف
        if am.short:
            # ست، خمس alone: only before an indefinite word (ثلاث مرات), never before a digit
            if not self.is_word(am.j) or nk in _STOP or _numword(nk) or self.adjective_like(am.j):
                return (am.prefix == "و" or self.k(am.i - 1) in (",", ":")) and self.elided(am) is not None
            return True
        # واحد alone is "one (of)", not a count
        return not (am.value is not None and am.value == 1 and am.j == am.i + 1)

    def elided(self, am: _Amount) -> tuple[str, int] | None:
        if self.last_unit is None:
            return None
        last_end, lemma, percent, ukey = self.last_unit
        if lemma is None or percent:
            return None
        s = am.i if self.k(am.i - 1) not in ("و", ",", ":") else am.i - 1
        gap = s - last_end
        if gap < 0 or gap > 4:
            return None
        for g in range(last_end, s):
            # a breakdown after a comma or colon: خمس طائرات خليجية، ثلاث سعودية واثنتان إماراتيتان
            if (not self.is_word(g) and not (g == s - 1 and self.k(g) in (",", ":"))) or _numword(self.k(g)):
                return None
        j = am.j
        if j >= self.n or self.is_punct(j) or self.k(j) in _PREPS:
            return lemma, j
        if self.adjective_like(j):
            return lemma, j + 1
        # a feminine adjective agreeing with a feminine or inanimate-plural noun: 14 مدرسة … و6 خاصة
        k = self.k(j)
        if (self.is_ar(j) and k.endswith("ه") and not k.startswith("ال") and ukey.endswith(("ه", "ات"))
                and k not in _STOP and not _UNITS.get(k) and not _numword(k)):
            return lemma, j + 1
        return None

    def range_from(self, am: _Amount):
        """A range starting with ``am``: (merged amount, start token, prefix), "skip" (a year range) or None."""
        i = am.i
        j = am.j
        has_prev = i - 1 >= self.floor
        between = self.cue(i - 1, _BETWEEN) if has_prev else None
        from_p = self.cue(i - 1, _FROM) if has_prev else None
        start_tok, start_prefix = i, am.prefix
        b = None
        if between is not None:
            b = self.cardinal(j, "conj")
            if b is None and self.k(j) in ("الي", "and", "to", "-", "–"):
                b = self.cardinal(j + 1, "plain")
            start_tok, start_prefix = i - 1, between
            if start_tok - 1 >= self.floor and self.k(start_tok - 1) == "ما":
                start_tok, start_prefix = start_tok - 1, ""
        elif self.k(j) in _DASHES or self.k(j) in ("الي", "حتي", "to", "او", "or"):
            sep = self.k(j)
            from_ = from_p is not None
            if sep in ("حتي",) and not from_:
                return None
            if from_:
                for q in range(max(self.floor, i - 5), i - 1):
                    if _CHANGE.match(self.keys[q]):
                        return None
            b = self.cardinal(j + 1, "plain")
            if (b is not None and sep in _DASHES and not from_ and am.digit and b.digit and b.value is not None
                    and am.value is not None and b.value <= am.value and self.unit_at(b.j, b) is None):
                return "skip"  # 4 - 1: a score
            if b is not None and from_:
                start_tok, start_prefix = i - 1, from_p
            # without من the second figure must be counted for this to read as a range
            if (b is not None and not from_ and sep in ("الي", "to", "او", "or") and b.scale is None
                    and self.unit_at(b.j, b) is None):
                return None
        if b is None or b.value is None or am.value is None or b.vague is not None:
            return None
        if am.digit and 1900 <= am.value <= 2100 and not (b.digit and 1900 <= b.value <= 2100):
            return None  # في 2019 إلى 12 مليار دولار: a year, then the figure
        lo, hi = am.value, b.value
        if am.scale is None and b.scale is not None and am.value < (b.raw or b.value):
            lo = am.value * b.scale
        if am.digit and b.digit and 1900 <= lo <= 2100 and 1900 <= hi <= 2100:
            return "skip"
        if am.digit and b.digit and hi <= 31 and (self.k(b.j) in _MONTHS or self.k(b.j) in _WEEKDAYS):
            return "skip"  # من 22 إلى 30 يونيو: a span of dates
        if hi <= lo:
            return None
        merged = _Amount(i, b.j, None, lo, hi, scale=b.scale, prefix=am.prefix, words=am.words and b.words,
                         is_range=True)
        return merged, start_tok, start_prefix

    def unit_range(self, am: _Amount, unit: _UnitHit):
        i = am.i
        if i - 1 < self.floor:
            return None
        between = self.cue(i - 1, _BETWEEN)
        from_p = self.cue(i - 1, _FROM)
        j = unit.e
        if between is not None:
            b = self.cardinal(j, "conj")
            start_tok, start_prefix = i - 1, between
            if start_tok - 1 >= self.floor and self.k(start_tok - 1) == "ما":
                start_tok, start_prefix = start_tok - 1, ""
        elif from_p is not None and self.k(j) in ("الي", "حتي", "to"):
            if any(_CHANGE.match(self.keys[q]) for q in range(max(self.floor, i - 5), i - 1)):
                return None
            b = self.cardinal(j + 1, "plain")
            start_tok, start_prefix = i - 1, from_p
        else:
            return None
        if b is None or b.value is None or b.vague is not None or b.value <= am.value:
            return None
        ub = self.unit_at(b.j, b)
        if ub is None or ub.lemma != unit.lemma:
            return None
        merged = _Amount(i, b.j, None, am.value, b.value, prefix=am.prefix, is_range=True)
        return merged, start_tok, start_prefix, ub

    def skip_range(self, am: _Amount) -> int:
        b = self.cardinal(am.j, "conj") or self.cardinal(am.j + 1, "plain")
        return b.j if b is not None else am.j

    # -- duals and "noun + واحد" -----------------------------------------------------------------
    def dual(self, i: int) -> int | None:
        hit = _clitic_lookup(self.keys[i], "du")
        if hit is None:
            return None
        prefix, u = hit
        e = i + 1
        if _NUM.get(self.k(e)) is not None and _NUM[self.k(e)].value == 2 and _NUM[self.k(e)].kind == "u":
            e += 1  # طائرتين اثنتين
        unit = _UnitHit(u.lemma, i, i + 1)
        start_tok, start_prefix, qualifier = i, prefix, "exact"
        pre = self.pre_hedge(i)
        if pre is not None:
            qualifier, start_tok, start_prefix = pre
        post = self.post_hedge(e)
        if post is not None:  # قتيلين على الأقل
            if pre is None or qualifier in ("about", "approximately"):
                qualifier = post[0]
            e = post[1]
        value = Decimal(2)
        lo, hi = _bounds(qualifier, value)
        self.emit(start_tok, start_prefix, e, value, lo, hi, unit, qualifier)
        # unit_text is the noun without its proclitics
        q = self.out[-1]
        us = self.strip(i, prefix)
        q.unit_text = self.text[us:self.toks[i].end]
        return e

    def one_after_noun(self, i: int) -> bool:
        """``i`` is واحد/واحدة: emit "noun (adjective) واحد" as a count of 1."""
        for n_tok in (i - 1, i - 2):
            if n_tok < self.floor:
                return False
            if n_tok == i - 2 and not self.adjective_like(i - 1):
                return False
            hit = _clitic_lookup(self.keys[n_tok], "sg")
            if hit is None:
                continue
            prefix, u = hit
            unit = _UnitHit(u.lemma, n_tok, n_tok + 1)
            one = Decimal(1)
            qualifier, s_tok, s_prefix, lo, hi = "exact", n_tok, prefix, one, one
            self.emit(s_tok, s_prefix, i + 1, one, lo, hi, unit, qualifier)
            q = self.out[-1]
            q.unit_text = self.text[self.strip(n_tok, prefix):self.toks[n_tok].end]
            return True
        return False

    def after_ordinal(self, i: int) -> bool:
        """عشر after an ordinal (الحادي عشر، الخامسة عشرة) is part of the ordinal."""
        k = self.k(i - 1)
        if k.startswith("ال"):
            k = k[2:]
            w = _NUM.get(k)
            if w is not None and w.kind in ("u", "th"):
                return True  # الستة عشر، الثماني عشرة: definite, not a count
        return k in _ORDINAL_UNITS

    # -- main loop -----------------------------------------------------------------------------
    def run(self) -> list[Quantity]:
        keys = self.keys
        i = 0
        n = self.n
        while i < n:
            k = keys[i]
            c = k[:1]
            if not c:
                i += 1
                continue
            if c.isdigit():
                am = self.cardinal(i)
                i = self.finish(am, i, "") if am is not None else i + 1
                continue
            if c in _CURRENCY_SIGNS and self.is_digit_tok(i + 1) and self.adjacent(i, i + 1):
                i += 1
                continue
            if not c.isalpha():
                i += 1
                continue
            w = _numword(k)
            if w is not None or (k[:2] == "ال" or k[1:3] == "ال" or k[:2] == "لل"):
                am = self.vague(i)
                if am is not None:
                    i = self.finish(am, i, am.prefix)
                    continue
                if w is not None:
                    if w[1].kind == "ten" and not w[0] and self.after_ordinal(i):
                        i += 1
                        continue
                    if w[1].kind == "u1" and not w[0] and self.one_after_noun(i):
                        i += 1
                        continue
                    am = self.cardinal(i)
                    if am is not None:
                        i = self.finish(am, i, am.prefix)
                        continue
            if not k.startswith("ال") and _clitic_lookup(k, "du") is not None:
                nxt = self.dual(i)
                if nxt is not None:
                    i = nxt
                    continue
            i += 1
        return self.out


def find_quantities(text: str, tokens: list[Token] | None = None) -> list[Quantity]:
    """Every counted amount in text, with offsets (text[start:end] == q.text), value/min/max, unit
    (English lemma), unit_text, qualifier.

    ``tokens``: ``tokenize(text)`` when the caller has it already (it is not modified)."""
    if not text:
        return []
    if "\n" not in text:
        return _Scanner(text, tokenize(text) if tokens is None else tokens).run()
    # A quantity never crosses a line (a date line's year is not counting the headline below it).
    out: list[Quantity] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            # no token crosses a line: the line's tokens are the text's, shifted
            toks = tokenize(line) if tokens is None else tokens_between(tokens, pos, pos + len(line))
            for q in _Scanner(line, toks).run():
                q.start += pos
                q.end += pos
                out.append(q)
        pos += len(line) + 1
    return out
