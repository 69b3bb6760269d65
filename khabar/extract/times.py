"""Time expressions: find them in Arabic news text and resolve them to ISO values.

``find_times(text, ref)`` scans the text's tokens once (``khabar.text.tokenize``), trying a small
set of hand-written patterns only at tokens that can start a time expression (a digit, a month
or weekday name, a relative word such as ``أمس`` / ``الماضي``'s head nouns, a cue such as ``عام``).
Everything it returns has ``text[start:end] == t.text`` and a value of its precision
(``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), or ``None`` when it depends on a reference date that is
missing or too coarse. ``parse_date(s)`` parses a standalone date string (page header, meta tag,
feed field, corpus column); it uses the same scanner and falls back to ``dateparser`` only for
short strings the scanner cannot read.

Conventions (see docs/times.md for the full list):

* Values are Gregorian ISO strings; Hijri sources are converted (``calendar="hijri"``).
* Precision is what the text states: a month stays a month, ``مطلع يوليو`` is the month.
* Relative expressions (anything needing the article's date) have ``relative=True``.
* A weekday (``يوم الجمعة``) is the most recent such day on or before the reference date;
  ``الجمعة الماضي`` is strictly before it, ``الجمعة المقبل`` strictly after.
* A month or day+month without a year takes the reference year, unless that lands more than
  about two months after the reference date, then the previous year. With ``الماضي`` it is the
  most recent one strictly before the reference, with ``المقبل`` the first one after it.
* Weeks (``الأسبوع الماضي``) are ISO weeks (Monday to Sunday), returned as a day span:
  ``value`` = Monday, ``end_value`` = Sunday, precision ``day``.
* Decades have precision ``decade`` and value the decade's first year (``1990``); centuries
  precision ``century`` and value the first year of the hundred (the 20th century is ``1900``).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..model import TimeExpr, Token
from ..text import digits_to_ascii, key, tokenize

__all__ = ["find_times", "parse_date"]

_DATA = Path(__file__).resolve().parent.parent / "data"

# --------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------


def _phrase(s: str) -> tuple[str, ...]:
    """Token keys of a lexicon phrase, split exactly as running text is split."""
    return tuple(t.key for t in tokenize(s))


def _keys(*words: str) -> frozenset[str]:
    return frozenset(key(w) for w in words)


class _Lex:
    """Multi-token phrases looked up by their first token's key (longest phrase first)."""

    def __init__(self) -> None:
        self.first: dict[str, list[tuple[tuple[str, ...], object]]] = {}

    def add(self, phrase: str | tuple[str, ...], value: object) -> None:
        toks = phrase if isinstance(phrase, tuple) else _phrase(phrase)
        if not toks:
            return
        lst = self.first.setdefault(toks[0], [])
        if all(t != toks for t, _ in lst):
            lst.append((toks, value))
            lst.sort(key=lambda tv: -len(tv[0]))


def _load_months() -> dict:
    with open(_DATA / "months.json", encoding="utf-8") as f:
        return json.load(f)


_MONTHS = _load_months()
_LATIN = re.compile(r"^[a-zà-ɏ]+$")

GREG = _Lex()  # value: (month, is_latin)
for _num, _names in _MONTHS["gregorian"].items():
    for _nm in _names:
        _p = _phrase(_nm)
        GREG.add(_p, (int(_num), bool(_LATIN.match(_p[0]))))

HIJRI = _Lex()  # value: month
for _num, _names in _MONTHS["hijri"].items():
    for _nm in _names:
        HIJRI.add(_nm, int(_num))

WEEKDAY: dict[str, tuple[int, bool]] = {}  # key -> (weekday Monday=0, usable bare)
for _num, _names in _MONTHS["weekdays"].items():
    for _nm in _names:
        _k = key(_nm)
        # Bare use only for the definite Arabic forms (الجمعة); أحد / اثنين are also numbers.
        WEEKDAY[_k] = (int(_num), _k.startswith("ال"))
_LATIN_WEEKDAY = {k for k in WEEKDAY if _LATIN.match(k)}

# Ordinal day words (الأول … الحادي والثلاثين), also used for centuries.
_UNITS_ORD = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_ONES_ORD = ["الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
ORDINAL = _Lex()  # value: n
for _i, _w in enumerate(_UNITS_ORD, 1):
    ORDINAL.add(_w, _i)
ORDINAL.add("الأولى", 1)
ORDINAL.add("العاشر", 10)
for _i, _w in enumerate(_ONES_ORD, 1):
    ORDINAL.add(f"{_w} عشر", 10 + _i)
    ORDINAL.add(f"{_w} عشرة", 10 + _i)
for _tens, _tw in ((20, "العشرين"), (30, "الثلاثين")):
    ORDINAL.add(_tw, _tens)
    for _i, _w in enumerate(_ONES_ORD, 1):
        for _conj in (f"{_w} و{_tw}", f"{_w} و {_tw}"):
            ORDINAL.add(_conj, _tens + _i)
    ORDINAL.add(f"الواحد و{_tw}", _tens + 1)
    ORDINAL.add(f"الواحد و {_tw}", _tens + 1)

# Decade words: التسعينيات / التسعينات / تسعينيات … (value: the tens digit).
DECADE: dict[str, int] = {}
for _stem, _d in (("عشرين", 2), ("ثلاثين", 3), ("أربعين", 4), ("خمسين", 5), ("ستين", 6),
                  ("سبعين", 7), ("ثمانين", 8), ("تسعين", 9)):
    for _suf in ("يات", "ات"):
        for _art in ("", "ال"):
            DECADE[key(_art + _stem + _suf)] = _d

PAST = _keys("الماضي", "الماضية", "المنصرم", "المنصرمة", "الفائت", "الفائتة", "المنقضي", "المنقضية",
             "الماضيين", "الماضيان", "المنصرمين")
NEXT = _keys("المقبل", "المقبلة", "القادم", "القادمة", "المقبلين", "المقبلان", "القادمين")
CURRENT = _keys("الجاري", "الجارية", "الحالي", "الحالية")
SAME = _keys("نفسه", "نفسها", "ذاته", "ذاتها")
THIS = _keys("هذا", "هذه")

# Words heading a part of a period: مطلع يوليو, أواخر 2023, نهاية العام (kept in the span).
PERIOD_MOD = _keys("مطلع", "مطالع", "أوائل", "بداية", "بدايات", "منتصف", "أواسط", "أواخر", "نهاية",
                   "نهايات", "ختام", "أول", "آخر", "غضون")
# Prepositions after which a bare month name is read as a month (في مايو, منذ آب, حتى نيسان).
MONTH_CONTEXT = _keys("في", "منذ", "خلال", "حتى", "بحلول", "حلول", "قبل", "بعد", "شهر", "شهري", "إلى",
                      "الى", "مطلع", "منتصف", "أواخر", "أوائل", "أواسط", "بداية", "نهاية", "ختام", "بين",
                      "طيلة", "طوال", "لغاية", "أثناء", "إبان", "ابتداء", "اعتبارا")
MONTH_WORD = _keys("شهر")

YEAR_CUE = _keys("عام", "العام", "سنة", "السنة", "عامي", "سنتي", "العامين", "العامان", "السنتين",
                 "السنتان")
# After these a bare 4-digit number is a year unless a counted noun follows it.
YEAR_WEAK = _keys("في", "منذ", "حتى", "خلال", "بحلول", "حلول", "قبل", "بعد", "مطلع", "منتصف", "نهاية",
                  "بداية", "أواخر", "أوائل", "أواسط", "ختام", "طوال", "طيلة", "لغاية", "إبان", "أثناء")
# … and after these even then: nobody writes منذ 2000 جندي.
YEAR_WEAK_STRONG = _keys("منذ", "بحلول", "حلول", "مطلع", "منتصف", "نهاية", "بداية", "أواخر", "أوائل",
                         "أواسط", "ختام", "إبان", "لغاية")
# Words that may follow a year (في 2022 حين …) without making it a count.
YEAR_FOLLOW = _keys("و", "ثم", "حين", "حيث", "عندما", "بعد", "قبل", "حتى", "وحتى", "إلى", "الى", "مع",
                    "لكن", "ولكن", "إذ", "اذ", "وقد", "قد", "كما", "وهو", "وهي", "في", "على", "عقب",
                    "بينما", "أي", "اي", "تقريبا", "أيضا", "ايضا", "فقط", "وما", "وفي", "ضد", "عن")
ERA_GREG = _keys("م", "ميلادي", "ميلادية", "للميلاد", "الميلادي", "الميلادية")
ERA_HIJRI = _keys("ه", "هـ", "هجري", "هجرية", "الهجري", "الهجرية", "للهجرة", "هجرية")
QUANTITY_NEXT = _keys("ألف", "آلاف", "مليون", "ملايين", "مليار", "مليارات", "%", "بالمئة", "بالمائة",
                      "دولار", "يورو")
# Nouns counted in news copy: a 4-digit number before one of them is a quantity, not a year.
_COUNTED = ("شخص", "أشخاص", "جندي", "جنود", "قتيل", "قتلى", "جريح", "جرحى", "مصاب", "مصابين", "مدني",
            "مدنيين", "مقاتل", "مقاتلين", "عسكري", "عسكريين", "طفل", "أطفال", "امرأة", "نساء", "لاجئ",
            "لاجئين", "نازح", "نازحين", "مهاجر", "مهاجرين", "معتقل", "معتقلين", "أسير", "أسرى", "عنصر",
            "عناصر", "موظف", "موظفين", "عامل", "عمال", "طالب", "طلاب", "مريض", "مرضى", "حالة", "حالات",
            "عائلة", "عائلات", "أسرة", "أسر", "منزل", "منازل", "مبنى", "مبان", "وحدة", "وحدات", "صاروخ",
            "صواريخ", "قذيفة", "قذائف", "طائرة", "طائرات", "مسيرة", "مسيرات", "دبابة", "دبابات", "سيارة",
            "سيارات", "شاحنة", "شاحنات", "حاوية", "حاويات", "سفينة", "سفن", "طن", "أطنان", "برميل",
            "براميل", "كيلومتر", "كيلومترا", "كلم", "كم", "متر", "مترا", "ميل", "هكتار", "دولار", "دولارا",
            "يورو", "جنيه", "جنيها", "دينار", "دينارا", "درهم", "درهما", "ريال", "ريالا", "ليرة", "روبل",
            "صوت", "أصوات", "مقعد", "مقاعد", "نسخة", "نسخ", "قطعة", "رأس", "جرعة", "جرعات", "وظيفة",
            "وظائف", "مشروع", "مشاريع", "موقع", "مواقع", "هدف", "أهداف", "غارة", "غارات", "هجوم", "هجمات",
            "مرة", "مرات", "نقطة", "نقاط", "سرير", "أسرة", "منشأة", "منشآت", "قرية", "قرى", "مدرسة",
            "مدارس", "ساعة", "ساعات", "دقيقة", "يوم", "يوما", "أيام", "أسبوع", "شهر", "شهرا", "أشهر",
            "عام", "عاما", "أعوام", "سنة", "سنوات", "ميغاواط", "كيلوغرام", "كغ", "لتر", "لترا")
COUNTED = frozenset(key(w) for w in _COUNTED) | frozenset(  # with the accusative alif: جنديا
    key(w) + "ا" for w in _COUNTED if not w.endswith(("ة", "ى", "ا")))
# Events named with their year: حرب 1967, انتخابات 2024, موازنة 2025 (the number is a year).
EVENT_YEAR = _keys("حرب", "انتخابات", "ثورة", "نكبة", "نكسة", "أحداث", "هجمات", "انتفاضة", "زلزال",
                   "دستور", "اتفاق", "اتفاقية", "معاهدة", "قمة", "مونديال", "أولمبياد", "موازنة", "ميزانية",
                   "موسم", "احتجاجات", "مظاهرات", "بطولة", "كأس", "تعداد", "إحصاء", "رؤية", "استفتاء",
                   "أزمة", "انقلاب", "مؤتمر", "دورة", "إعلان", "مجزرة", "فيضانات", "انتخابات")
# Dates used as names (ثورة 25 يناير, حركة 14 آذار): without a year they are not resolved.
NAMED_DATE = _keys("ثورة", "حركة", "تيار", "قوى", "انتفاضة", "تحالف", "مجزرة")
HABIT_AFTER = [_phrase(p) for p in ("من كل عام", "من كل سنة", "من كل شهر", "من كل أسبوع", "كل عام",
                                       "كل سنة", "من كل")]
REFNUM_PREV = _keys("رقم", "القرار", "قرار", "المرسوم", "مرسوم", "القانون", "قانون", "العدد",
                    "الرقم", "بالرقم", "برقم", "الملف", "القضية", "ملف", "قضية", "الطراز", "طراز")
# Nouns that take العام as an adjective ("general"): الأمين العام الحالي is not "this year".
GENERAL_HEADS = _keys("الأمين", "المدعي", "النائب", "المدير", "المراقب", "المفتش", "المنسق", "القائد",
                      "الرأي", "القطاع", "المال", "الأمن", "النظام", "الصالح", "الإضراب", "العفو",
                      "المؤتمر", "الاتحاد", "الشأن", "الطابع", "المشهد", "الإطار", "الاتجاه", "المزاج",
                      "المجال", "الوضع", "المعدل", "التعليم", "الإنفاق", "الموقف", "الخط", "الانطباع",
                      "المستشار", "المحامي", "المقرر", "المنسق", "الحاكم", "المرشد", "المفوض", "الحق",
                      "الدين", "النقل", "الذوق", "المسار", "الهدف", "الإجماع", "التوجه", "الجو",
                      "القانون", "الشعور", "السياق", "التقدير", "المتوسط", "الناتج", "المؤشر")
# Outlet names ending in اليوم.
TODAY_NAMES = _keys("روسيا", "المصري", "أخبار", "اخبار", "السودان")
HABITUAL = _keys("كل", "أيام", "ايام", "كافة", "جميع")

UNIT_NOUN = {  # العام الماضي, هذا الشهر …
    key("العام"): "year", key("السنة"): "year", key("الشهر"): "month", key("الأسبوع"): "week",
    key("العقد"): "decade", key("القرن"): "century",
}

# Relative days (span text starts at the first word).
RELDAY = _Lex()  # value: day offset
for _w, _o in (("اليوم", 0), ("صباح اليوم", 0), ("مساء اليوم", 0), ("ظهر اليوم", 0), ("فجر اليوم", 0),
               ("عصر اليوم", 0), ("ليل اليوم", 0), ("ظهيرة اليوم", 0), ("صبيحة اليوم", 0),
               ("أمس", -1), ("الأمس", -1), ("يوم أمس", -1), ("البارحة", -1), ("ليلة أمس", -1),
               ("ليل أمس", -1), ("مساء أمس", -1), ("صباح أمس", -1), ("فجر أمس", -1), ("ظهر أمس", -1),
               ("عصر أمس", -1), ("ظهيرة أمس", -1), ("صبيحة أمس", -1), ("مساء الأمس", -1),
               ("الليلة الماضية", -1), ("أمس الأول", -2), ("أول أمس", -2), ("أول من أمس", -2),
               ("غدا", 1), ("يوم غد", 1), ("يوم الغد", 1), ("صباح الغد", 1), ("مساء الغد", 1),
               ("صباح غد", 1), ("مساء غد", 1), ("بعد غد", 2)):
    RELDAY.add(_w, _o)
TODAY = key("اليوم")
TODAY_BLOCK_NEXT = _keys("ذاته", "نفسه", "ذات", "نفس", "التالي", "السابق", "الأول", "الثاني", "الثالث",
                         "الأخير", "العالمي", "الوطني", "الدولي", "العربي", "الواحد", "الذي", "التي",
                         "من", "الـ", "ال", "الموعود", "المشهود", "الآخر", "الثامن", "الحاسم")
TODAY_BLOCK_PREV = _keys("ذلك", "نفس", "ذات", "هذا")

# "في وقت سابق من هذا الأسبوع" and friends.
EARLIER = _Lex()
for _w, _v in (("في وقت سابق من", "early"), ("في وقت سابق", "early"), ("في وقت لاحق من", "late"),
               ("في وقت لاحق", "late"), ("في وقت مبكر من", "early")):
    EARLIER.add(_w, _v)

# Vague periods: value None (في الأيام المقبلة, في الأشهر الأخيرة).
VAGUE_UNITS = _keys("الأيام", "الأسابيع", "الأشهر", "الشهور", "الساعات", "السنوات", "الأعوام", "السنين",
                    "العقود", "اليومين", "الأسبوعين", "الشهرين", "العامين", "السنتين", "العقدين")
VAGUE_MODS = _keys("المقبلة", "القادمة", "الماضية", "الأخيرة", "المنصرمة", "الفائتة", "السابقة",
                   "المقبلين", "القادمين", "الماضيين", "الأخيرين", "المنصرمين")

# "قبل ثلاثة أيام", "منذ عامين": unit key -> (unit, implied count or None for a bare plural)
AGO_HEAD = _keys("قبل", "منذ")
AGO_APPROX = [_phrase(p) for p in ("ما يقرب من", "ما يزيد على", "ما يزيد عن", "ما يناهز", "أكثر من",
                                      "أقل من", "نحو", "حوالي", "قرابة", "زهاء", "أزيد من", "حوالى")]
AGO_UNIT: dict[str, tuple[str, int | None]] = {}
for _u, _forms1, _forms2, _formsn in (
    ("day", ("يوم",), ("يومين",), ("أيام", "يوما")),
    ("week", ("أسبوع",), ("أسبوعين",), ("أسابيع", "أسبوعا")),
    ("month", ("شهر",), ("شهرين",), ("أشهر", "شهور", "شهرا")),
    ("year", ("عام", "سنة"), ("عامين", "سنتين"), ("أعوام", "عاما", "سنوات", "سنين", "سنة")),
    ("decade", ("عقد",), ("عقدين",), ("عقود", "عقدا")),
    ("hour", ("ساعة",), ("ساعتين",), ("ساعات", "ساعة")),
    ("hour", ("دقيقة",), ("دقيقتين",), ("دقائق", "دقيقة")),
):
    for _w in _formsn:
        AGO_UNIT[key(_w)] = (_u, None)
    for _w in _forms2:
        AGO_UNIT[key(_w)] = (_u, 2)
    for _w in _forms1:
        AGO_UNIT[key(_w)] = (_u, 1)
NUMBER_WORD = {key(w): n for w, n in (
    ("واحد", 1), ("واحدة", 1), ("اثنين", 2), ("اثنتين", 2), ("ثلاثة", 3), ("ثلاث", 3), ("أربعة", 4),
    ("أربع", 4), ("خمسة", 5), ("خمس", 5), ("ستة", 6), ("ست", 6), ("سبعة", 7), ("سبع", 7), ("ثمانية", 8),
    ("ثماني", 8), ("ثمان", 8), ("تسعة", 9), ("تسع", 9), ("عشرة", 10), ("عشر", 10), ("عشرين", 20),
    ("ثلاثين", 30), ("أربعين", 40), ("خمسين", 50), ("ستين", 60), ("سبعين", 70), ("ثمانين", 80),
    ("تسعين", 90), ("مئة", 100), ("مائة", 100))}

DAYPART = _keys("يوم", "اليوم", "مساء", "صباح", "ليل", "ليلة", "فجر", "ظهر", "عصر", "ظهيرة", "صبيحة",
                "نهار", "منتصف ليل", "ضحى")
RANGE_TO = _keys("إلى", "الى", "حتى", "وحتى", "ولغاية", "لغاية", "-", "–", "—", "و")
DASH = frozenset({"-", "–", "—", "/", "\\"})
DAY_TO = _keys("-", "–", "إلى", "الى", "حتى")
PUNCT_FOLLOW = frozenset(".,;:!?)]}»\"'”’-–—/\n")

_NUM = re.compile(r"^[0-9]+$")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_YMD = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?:t\d.*)?$")
_YSPAN = re.compile(r"^(\d{4})[\-–/](\d{2}|\d{4})$")
_DRANGE = re.compile(r"^(\d{1,2})[\-–](\d{1,2})$")

# The first tokens (after peeling clitics) at which any pattern can start.
_TRIGGERS: set[str] = set()
for _lex in (GREG, HIJRI, ORDINAL, RELDAY, EARLIER):
    _TRIGGERS.update(_lex.first)
_TRIGGERS |= set(WEEKDAY) | set(DECADE) | set(UNIT_NOUN) | PERIOD_MOD | YEAR_CUE | AGO_HEAD | THIS
_TRIGGERS |= DAYPART | VAGUE_UNITS | MONTH_WORD | _keys("بين", "من", "منذ", "عقد", "غرة", "ال", "(")
_TRIGGERS = frozenset(_TRIGGERS)

# Clitics peeled off the first word of an expression (و ف ب ل ك and pairs; لل = ل + ال).
_CLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=1 << 16)  # bounded: a worker streams corpora for hours
def _forms(k: str) -> tuple[tuple[int, str], ...]:
    """``(prefix length, base)`` readings of a token key, the unsegmented one first."""
    out = [(0, k)]
    for p in _CLITICS:
        if len(k) > len(p) + 1 and k.startswith(p):
            rest = k[len(p):]
            out.append((len(p), rest))
            if p[-1] == "ل" and rest.startswith("ل") and len(rest) > 2:
                out.append((len(p) - 1, "ال" + rest[1:]))  # للعام: keep the ل in the span
    return tuple(out)


@lru_cache(maxsize=1 << 16)  # bounded: a worker streams corpora for hours
def _is_trigger(k: str) -> bool:
    if not k:
        return False
    if k[0].isdigit():
        return True
    return any(b in _TRIGGERS for _, b in _forms(k))


_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def _raw_skip(raw: str, n: int) -> int:
    """Offset in ``raw`` after its first ``n`` letters (diacritics attached to them included)."""
    if n <= 0:
        return 0
    count = 0
    for idx, ch in enumerate(raw):
        if _MARKS.match(ch):
            continue
        if count == n:
            return idx
        count += 1
    return len(raw) if count == n else 0


# --------------------------------------------------------------------------------------------
# Reference date and calendar helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    y: int
    m: int | None = None
    d: int | None = None

    @property
    def date(self) -> _dt.date | None:
        return _dt.date(self.y, self.m, self.d) if self.m and self.d else None


_REF_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _parse_ref(ref: str | None) -> _Ref | None:
    if not ref:
        return None
    m = _REF_RE.match(digits_to_ascii(str(ref)))
    if not m:
        p = parse_date(str(ref))
        if not p:
            return None
        return _parse_ref(p[0])
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else None
    d = int(m.group(3)) if m.group(3) else None
    if mo is not None and not 1 <= mo <= 12:
        return _Ref(y)
    if d is not None:
        try:
            _dt.date(y, mo, d)  # type: ignore[arg-type]
        except ValueError:
            d = None
    return _Ref(y, mo, d)


def _iso_day(d: _dt.date) -> str:
    return d.isoformat()


def _iso_month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _iso_year(y: int) -> str:
    return f"{y:04d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _valid_day(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _hijri_to_greg(y: int, m: int, d: int) -> _dt.date | None:
    try:
        from hijridate import Hijri

        g = Hijri(y, m, d).to_gregorian()
        return _dt.date(g.year, g.month, g.day)
    except (ValueError, OverflowError):  # out of hijridate's range (1343-1500 AH) or invalid day
        return None


def _hijri_month_len(y: int, m: int) -> int | None:
    try:
        from hijridate import Hijri

        return Hijri(y, m, 1).month_length()
    except (ValueError, OverflowError):
        return None


def _greg_to_hijri(d: _dt.date) -> tuple[int, int, int] | None:
    try:
        from hijridate import Gregorian

        h = Gregorian(d.year, d.month, d.day).to_hijri()
        return h.year, h.month, h.day
    except (ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------------------------
# The scanner
# --------------------------------------------------------------------------------------------


# Words the patterns compare against (folded once).
K_DAY1 = _keys("غرة", "أول")
K_FROM_BETWEEN = _keys("من", "بين")
K_TEEN = _keys("عشر", "عشرة")
K_BOTH_PREV = _keys("كلا", "بين", "هذين", "هذان", "ذينك")
K_BOTH_NEXT = _keys("معا", "منهما", "منهم")
K_SPAN_HEAD = _keys("بين", "من", "منذ")
K_DECADE_WORD = _keys("عقد")
K_THE_DECADE = _keys("العقد")
K_CENTURY = _keys("القرن")
K_ONE = _keys("واحد", "واحدة")
K_EVENT_REL = _keys("من", "على", "عن")
W_AD = key("الميلاد")
W_FIRST = key("أول")
W_CORR = key("الموافق")
W_BETWEEN = key("بين")
W_SUNDAY = key("الأحد")
W_MONDAY = key("الاثنين")
W_FROM = key("من")
W_SINCE = key("منذ")
W_CENTURY = key("القرن")
W_UNTIL = key("حتى")


@dataclass
class _Hit:
    i: int  # first token
    j: int  # token after the last
    value: str | None
    precision: str | None
    relative: bool = False
    end_value: str | None = None
    calendar: str = "gregorian"
    skip: int = 0  # clitic letters of token i left out of the span
    year: int | None = None  # an absolute year this hit states (for "من العام نفسه")
    unit: str | None = None  # p_unit: year | month | week | decade | century
    off: int = 0  # p_unit: offset in units from the reference


_SENT_END = frozenset({".", "!", "?", "\n", "…"})


class _Scan:
    def __init__(self, text: str, ref: _Ref | None, tokens: list[Token] | None = None) -> None:
        self.text = text
        self.ref = ref
        toks: list[Token] = []
        prev_end = 0
        for t in (tokenize(text) if tokens is None else tokens):
            if "\n" in text[prev_end:t.start] and toks:
                toks.append(Token("\n", prev_end, prev_end, "\n"))
            toks.append(t)
            prev_end = t.end
        self.toks = toks
        self.K = [t.key for t in toks]
        self.n = len(toks)
        self.last_year: int | None = None
        self.last_year_end = -1  # token index after the last emitted year (for "2014 و2016")
        self.last_hit_end = -1  # token index after the last emitted expression
        self.sent_year: int | None = None  # year of an absolute month/day date earlier in the sentence

    # ---- token helpers ------------------------------------------------------------------
    def k(self, j: int) -> str:
        return self.K[j] if 0 <= j < self.n else ""

    def num(self, j: int) -> int | None:
        k = self.k(j)
        return int(k) if _NUM.match(k) else None

    def isin(self, j: int, words, clitic: bool = True) -> int | None:
        """Prefix length at which token j reads as one of ``words`` (None when it does not)."""
        k = self.k(j)
        if not k:
            return None
        if k in words:
            return 0
        if clitic:
            for p, b in _forms(k)[1:]:
                if b in words:
                    return p
        return None

    def lex(self, j: int, lex: _Lex, clitic: bool = False) -> tuple[int, object, int] | None:
        """Longest phrase of ``lex`` starting at token j: (end token, value, clitic length)."""
        k = self.k(j)
        if not k:
            return None
        forms = _forms(k) if clitic else ((0, k),)
        for p, b in forms:
            for toks, v in lex.first.get(b, ()):
                if all(self.k(j + t) == toks[t] for t in range(1, len(toks))):
                    return j + len(toks), v, p
        return None

    def prev_base(self, j: int) -> set[str]:
        k = self.k(j - 1)
        return {b for _, b in _forms(k)} if k else set()

    # ---- pieces ---------------------------------------------------------------------------
    def month(self, j: int, clitic: bool = False) -> tuple[int, int, bool, int] | None:
        """A Gregorian month name, with an optional paired name of the same month.

        ``أكتوبر/تشرين الأول``, ``يونيو/ حزيران``, ``يونيو (حزيران)``, ``(حزيران) يونيو``.
        Returns (end, month, is_latin, clitic length).
        """
        if self.k(j) == "(":
            a = self.lex(j + 1, GREG)
            if a and self.k(a[0]) == ")":
                b = self.lex(a[0] + 1, GREG)
                if b and b[1][0] == a[1][0]:
                    return b[0], b[1][0], False, 0
            return None
        a = self.lex(j, GREG, clitic)
        if not a:
            return None
        end, (mon, latin), p = a
        if latin and self.k(end) == "." and self.k(end + 1)[:1].isdigit():
            end += 1  # "Sept. 7"
        nk = self.k(end)
        if nk in DASH:
            b = self.lex(end + 1, GREG)
            if b and b[1][0] == mon:
                end = b[0]
        elif (b := self.lex(end, GREG)) and b[1][0] == mon:  # آب أغسطس
            end = b[0]
        elif nk == "(":
            b = self.lex(end + 1, GREG)
            if b and b[1][0] == mon and self.k(b[0]) == ")":
                end = b[0] + 1
        return end, mon, latin, p

    def day(self, j: int, clitic: bool = False) -> tuple[int, int, int | None, int] | None:
        """A day of month before a month name: ``19``, ``7-9``, ``7 و9``, ``السابع من``, ``الـ7 من``,
        ``غرة``, ``أول``. Returns (end, day, last day of a range or None, clitic length)."""
        k = self.k(j)
        if not k:
            return None
        n = self.num(j)
        if n is not None and len(k) <= 2 and 1 <= n <= 31:
            end, d2 = j + 1, None
            n2 = self.num(end + 1)
            if (self.k(end) == "و" or self.k(end) in DAY_TO) and n2 is not None and n < n2 <= 31:
                d2, end = n2, end + 2
            if self.k(end) == "من":
                end += 1
            return end, n, d2, 0
        m = _DRANGE.match(k)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if 1 <= a < b <= 31:
                return j + 1, a, b, 0
            return None
        if k == "ال" and self.num(j + 1) is not None and 1 <= self.num(j + 1) <= 31 and self.k(j + 2) == "من":
            return j + 3, self.num(j + 1) or 0, None, 0
        o = self.lex(j, ORDINAL, clitic)
        if o and self.k(o[0]) == "من" and isinstance(o[1], int) and o[1] <= 31:
            return o[0] + 1, o[1], None, o[2]
        p = self.isin(j, K_DAY1, clitic)
        if p is not None:
            return j + 1, 1, None, p
        return None

    def year_after(self, j: int) -> tuple[int, tuple | None]:
        """What follows a month: a year, ``من العام الماضي``, ``الماضي`` … -> (end, spec)."""
        jj = j + 1 if self.k(j) == "," else j
        y = self.num(jj)
        if y is not None and len(self.k(jj)) == 4 and 1000 <= y <= 2100:
            end = jj + 1
            if self.k(end) in ERA_HIJRI:
                return j, None  # "رجب 1444 هـ" is not a Gregorian month
            if self._bc(end):
                return j, ("bad",)
            if self.k(end) in ERA_GREG:
                end += 1
            return end, ("abs", y)
        k = self.k(j)
        if k in PAST:
            return j + 1, ("last",)
        if k in NEXT:
            return j + 1, ("next",)
        if k in CURRENT:
            return j + 1, ("rel", 0)
        if k == "من":
            k1, k2 = self.k(j + 1), self.k(j + 2)
            if k1 in YEAR_CUE:
                y = self.num(j + 2)
                if y is not None and len(k2) == 4 and 1000 <= y <= 2100:
                    return j + 3, ("abs", y)
                if k2 in PAST:
                    return j + 3, ("rel", -1)
                if k2 in CURRENT:
                    return j + 3, ("rel", 0)
                if k2 in NEXT:
                    return j + 3, ("rel", 1)
                if k2 in SAME:
                    return j + 3, ("same",)
            if k1 in THIS and k2 in YEAR_CUE:
                return j + 3, ("rel", 0)
        return j, None

    def _bc(self, j: int) -> bool:
        return (self.k(j) == "قبل" and self.k(j + 1) == W_AD) or (
            self.k(j) == "ق" and self.k(j + 1) == "." and self.k(j + 2) == "م")

    # ---- resolution -------------------------------------------------------------------------
    def resolve_md(self, spec: tuple | None, mon: int, day: int | None) -> tuple[int | None, bool]:
        """Year of a month (and day) given the year spec after it. -> (year or None, relative)."""
        if spec and spec[0] == "abs":
            return spec[1], False
        if spec and spec[0] == "same":  # من العام نفسه: the last absolute year stated before it
            return self.last_year, self.last_year is None
        if spec is None and self.sent_year is not None:
            return self.sent_year, False  # في يناير 2011 … حتى أفريل: the year stated in the sentence
        r = self.ref
        if r is None:
            return None, True
        if spec and spec[0] == "rel":
            return r.y + spec[1], True
        if r.m is None:
            return None, True
        rd = r.date
        if spec and spec[0] == "last":
            if day is not None and rd is not None:
                c = _valid_day(r.y, mon, day)
                return (r.y if c is not None and c < rd else r.y - 1), True
            return (r.y if mon < r.m or (day is not None and mon == r.m) else r.y - 1), True
        if spec and spec[0] == "next":
            if day is not None and rd is not None:
                c = _valid_day(r.y, mon, day)
                return (r.y if c is not None and c > rd else r.y + 1), True
            return (r.y if mon > r.m or (day is not None and mon == r.m) else r.y + 1), True
        # No year: the occurrence in the window from ~10 months before to ~2 months after the
        # reference (in mid-year simply the reference year; in December, January is next year's).
        if day is not None and rd is not None:
            for y in (r.y, r.y - 1, r.y + 1):
                c = _valid_day(y, mon, day)
                if c is not None and -303 < (c - rd).days <= 62:
                    return y, True
        ahead = (mon - r.m) % 12
        if ahead == 0:
            return r.y, True
        if ahead <= 2:
            return (r.y if mon > r.m else r.y + 1), True
        return (r.y if mon < r.m else r.y - 1), True

    # ---- patterns ---------------------------------------------------------------------------
    def p_date(self, i: int) -> _Hit | None:
        """[weekday] day month [year] / month day, year / [part-of] [شهر] month [year|الماضي …] /
        (من|بين) month (إلى|و) month [year]."""
        start, skip, c = i, 0, i
        mod = wd = ctx = head = False
        q = self.isin(i, PERIOD_MOD)
        if q is not None and self.k(i)[q:] != W_FIRST:
            mod, ctx, c, skip = True, True, i + 1, q
        else:
            q = self.isin(i, K_FROM_BETWEEN)
            if q is not None:
                head, c, skip = True, i + 1, q
            else:
                w = self.weekday_head(i)
                if w:
                    wd, c, skip = True, w[0], w[2]
                    if self.k(c) == ",":
                        c += 1
                    if self.k(c) == W_CORR:
                        c += 1
        q = self.isin(c, MONTH_WORD, clitic=(c == i))
        if q is not None and self.month(c + 1):  # شهر مايو
            if c == i:
                skip = q
            ctx, c = True, c + 1
        first = c == i
        if not mod:
            d = self.day(c, clitic=first)
            if head and d and d[2] is None:
                d = None  # من 7 مايو: leave من out (the day is found at the next token)
            if d:
                dend, dd, d2, dp = d
                if first:
                    skip = dp
                mj = dend + 1 if self.k(dend) in MONTH_WORD else dend
                m = self.month(mj)
                if m:
                    end, mon, latin, _ = m
                    end, spec = self.year_after(end)
                    if spec and spec[0] == "bad":
                        return None
                    if latin and not (spec and spec[0] == "abs"):
                        return None
                    return self._day_hit(start, end, skip, spec, mon, dd, d2)
        if wd:
            return None
        m = self.month(c, clitic=first)
        if not m:
            return None
        end, mon, latin, mp = m
        if first:
            skip = mp
        if not mod and not head:  # English order: February 7, 2023
            dn = self.num(end)
            if dn is not None and len(self.k(end)) <= 2 and 1 <= dn <= 31:
                e2 = end + 2 if self.k(end + 1) == "," else end + 1
                y = self.num(e2)
                if y is not None and len(self.k(e2)) == 4 and 1000 <= y <= 2100:
                    return self._day_hit(start, e2 + 1, skip, ("abs", y), mon, dn, None)
        end2, spec = self.year_after(end)
        if spec and spec[0] == "bad":
            return None
        if spec is None:
            rng = self._month_range(end, mon)
            if rng:
                mon2, e3, spec3, conn = rng
                absy = bool(spec3 and spec3[0] == "abs")
                if latin and not absy:
                    return None
                if not (head or ctx or absy or (first and mp == 0 and self.prev_base(i) & MONTH_CONTEXT)):
                    return None
                y2, rel = self.resolve_md(spec3, mon2, None)
                if conn == "و" and not (head and self.k(i)[skip:] == W_BETWEEN):
                    # في يناير ومارس 2024: two months; this one borrows the year of the second.
                    if head:
                        start, skip = c, mp if first else 0
                    y1 = None if y2 is None else (y2 if mon <= mon2 else y2 - 1)
                    return _Hit(start, end, None if y1 is None else _iso_month(y1, mon), "month", rel,
                                skip=skip, year=None if rel else y1)
                y1 = None if y2 is None else (y2 if mon <= mon2 else y2 - 1)
                return _Hit(start, e3, None if y1 is None else _iso_month(y1, mon), "month", rel,
                            None if y2 is None else _iso_month(y2, mon2), skip=skip,
                            year=None if rel else y2)
        if head:
            return None  # من مايو alone: من is also "who" (من مارس العنف)
        if spec is None and self._habitual(end2):
            return None  # في أبريل من كل عام
        if latin and not (spec and spec[0] == "abs"):
            return None
        if spec is None and not ctx:
            # A bare month name needs a preposition before it: في مايو, منذ آب (not حرب أكتوبر,
            # not the verb مارس) — or to follow a month just found (في أبريل ومايو).
            ok = mp == 0 and bool(self.prev_base(i) & MONTH_CONTEXT)
            ok = ok or (mp == 1 and self.k(i)[0] == "و" and self.last_hit_end == i)
            if not ok:
                return None
        y, rel = self.resolve_md(spec, mon, None)
        return _Hit(start, end2, None if y is None else _iso_month(y, mon), "month", rel, skip=skip,
                    year=None if rel else y)

    def _month_range(self, end: int, mon: int) -> tuple[int, int, tuple | None, str] | None:
        """After a month: (إلى|حتى|و|-) month [year] -> (month2, end, year spec, connector)."""
        k = self.k(end)
        if k in RANGE_TO:
            m2, conn = self.month(end + 1), k
        else:
            m2, conn = self.month(end, clitic=True), "و"
            if m2 and not (m2[3] == 1 and k[0] == "و"):
                m2 = None
        if not m2 or m2[1] == mon:
            return None
        e3, spec3 = self.year_after(m2[0])
        if spec3 and spec3[0] == "bad":
            return None
        return m2[1], e3, spec3, conn

    def _habitual(self, j: int) -> bool:
        return any(all(self.k(j + t) == ph[t] for t in range(len(ph))) for ph in HABIT_AFTER)

    def _day_hit(self, start, end, skip, spec, mon, dd, d2) -> _Hit | None:
        if spec is None and self._habitual(end):
            return None  # في 25 ديسمبر من كل عام
        if spec is None and self.prev_base(start) & NAMED_DATE:
            return _Hit(start, end, None, "day", True, skip=skip)  # ثورة 25 يناير: a name
        y, rel = self.resolve_md(spec, mon, dd)
        if y is None:
            return _Hit(start, end, None, "day", True, skip=skip)
        a = _valid_day(y, mon, dd)
        if a is None:
            return None
        b = _valid_day(y, mon, d2) if d2 else None
        return _Hit(start, end, _iso_day(a), "day", rel, _iso_day(b) if b else None, skip=skip,
                    year=None if rel else y)

    def weekday_head(self, i: int) -> tuple[int, int, int, bool] | None:
        """[يوم|اليوم|مساء …] weekday -> (end, weekday, clitic length, has day-part word)."""
        p = self.isin(i, DAYPART)
        if p is not None:
            w = WEEKDAY.get(self.k(i + 1))
            if w and self.k(i + 1) not in _LATIN_WEEKDAY:
                return i + 2, w[0], p, True
            return None
        for pl, b in _forms(self.k(i)):
            w = WEEKDAY.get(b)
            if w and (w[1] or b in _LATIN_WEEKDAY):
                return i + 1, w[0], pl, False
        return None

    def p_weekday(self, i: int) -> _Hit | None:
        w = self.weekday_head(i)
        if not w:
            return None
        end, wd, skip, has_part = w
        wk = self.k(end - 1)
        if wk in _LATIN_WEEKDAY:
            return None  # a Latin weekday only as part of a full date
        if not has_part:
            prev = self.prev_base(i)
            if prev & HABITUAL:
                return None
            if wk == W_SUNDAY and self.k(end) in K_TEEN:
                return None  # الأحد عشر = eleven
            if wk == W_MONDAY and (prev & K_BOTH_PREV
                                         or self.k(end) in K_BOTH_NEXT):
                return None
        mode = "onbefore"
        if self.k(end) in PAST:
            mode, end = "before", end + 1
        elif self.k(end) in NEXT:
            mode, end = "after", end + 1
        r = self.ref.date if self.ref else None
        if r is None:
            return _Hit(i, end, None, "day", True, skip=skip)
        back = (r.weekday() - wd) % 7
        if mode == "onbefore":
            d = r - _dt.timedelta(days=back)
        elif mode == "before":
            d = r - _dt.timedelta(days=back or 7)
        else:
            d = r + _dt.timedelta(days=(wd - r.weekday()) % 7 or 7)
        return _Hit(i, end, _iso_day(d), "day", True, skip=skip)

    def p_numeric(self, i: int) -> _Hit | None:
        k = self.k(i)
        if not k or not k[0].isdigit():
            return None
        if self.prev_base(i) & REFNUM_PREV:
            return None
        m = _DMY.match(k)
        if m:
            a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
            d, mo = (a, b) if a > 12 or b <= 12 else (b, a)  # day first unless it cannot be
            dt = _valid_day(y, mo, d) if 1000 <= y <= 2100 else None
            return _Hit(i, i + 1, _iso_day(dt), "day", year=y) if dt else None
        m = _YMD.match(k)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
            dt = _valid_day(y, mo, d) if 1000 <= y <= 2100 else None
            return _Hit(i, i + 1, _iso_day(dt), "day", year=y) if dt else None
        m = _YSPAN.match(k)
        if m:
            y1, s2 = int(m.group(1)), m.group(2)
            if not 1000 <= y1 <= 2100:
                return None
            if len(s2) == 2:
                v = int(s2)
                if "-" in k and 1 <= v <= 12 and self.k(i + 1) not in ERA_GREG:
                    return _Hit(i, i + 1, _iso_month(y1, v), "month", year=y1)  # ISO 2024-09
                y2 = y1 // 100 * 100 + v
            else:
                y2 = int(s2)
            if 0 <= y2 - y1 <= 100:
                return self._span_hit(i, i + 1, y1, y2)
            return None
        if len(k) == 8 and _NUM.match(k):  # glued span as extraction often leaves it: 19501953
            y1, y2 = int(k[:4]), int(k[4:])
            if 1800 <= y1 <= 2100 and 1800 <= y2 <= 2100 and 0 <= y2 - y1 <= 100:
                return self._span_hit(i, i + 1, y1, y2)
        return None

    def _span_hit(self, i: int, j: int, y1: int, y2: int, skip: int = 0) -> _Hit:
        end = j
        if self.k(end) in ERA_GREG:
            end += 1
        return _Hit(i, end, _iso_year(y1), "year", False, _iso_year(y2) if y2 != y1 else None, skip=skip,
                    year=y2)

    def year_atom(self, j: int, clitic: bool) -> tuple[int, int, bool, str, int] | None:
        """[عام|سنة] YYYY [م|هـ] -> (end, year, cued, calendar, clitic length)."""
        cued, p = False, 0
        c = j
        q = self.isin(j, YEAR_CUE, clitic)
        if q is not None:
            cued, c, p = True, j + 1, q
        y = self.num(c)
        kk = self.k(c)
        if y is None or not (3 <= len(kk) <= 4):
            return None
        end = c + 1
        if self.k(end) in ERA_HIJRI:
            if 1 <= y <= 1600:
                return end + 1, y, True, "hijri", p
            return None
        if self._bc(end):
            return None
        era = False
        if self.k(end) in ERA_GREG:
            end, era = end + 1, True
        lo = 1000 if cued else 1900
        if era:
            lo = 100
        if not (len(kk) == 4 or era) or not lo <= y <= 2100:
            return None
        return end, y, cued or era, "gregorian", p

    def p_year(self, i: int) -> _Hit | None:
        """Years and year spans: عام 2000, في 2022, (2019), 2014 - 2016, من 2014 إلى 2016,
        بين عامي 2014 و2016, عامي 2014 و2015 (two years), أواخر 2023, عام 1445 هـ."""
        start, skip, c = i, 0, i
        head = None
        mod = None
        q = self.isin(i, K_SPAN_HEAD)
        if q is not None:
            head, c, skip = self.k(i)[q:], i + 1, q
        else:
            q = self.isin(i, PERIOD_MOD)
            if q is not None and self.k(i)[q:] != W_FIRST:
                mod, c, skip = self.k(i)[q:], i + 1, q
        a = self.year_atom(c, clitic=(c == i))
        if not a:
            return None
        end, y1, cued, cal, ap = a
        if c == i:
            skip = ap
        # the second half of a span
        conn = self.k(end)
        b = None
        if conn in RANGE_TO:
            b = self.year_atom(end + 1, clitic=False)
        elif (self.isin(end, YEAR_CUE) or 0) == 1 and conn[0] == "و":
            conn, b = "و", self.year_atom(end, clitic=True)  # بين عام 2014 وعام 2016
        if b and b[3] == cal and y1 < b[1] <= y1 + 200:
            if conn == "و":
                span = head == W_BETWEEN
            elif conn in DASH:
                span = bool(head or cued or mod or (self.k(c - 1) == "(" and self.k(b[0]) == ")")
                            or self._bare_year_ok(c, end))
            else:  # إلى / حتى / لغاية
                span = head in (W_FROM, W_SINCE) or cued
            if span and not cued and not b[2] and head != W_SINCE and not self._follow_ok(b[0]):
                span = False  # من 1990 إلى 2010 شخصا
            if span:
                if cal == "hijri":
                    return self._hijri_year_hit(start, b[0], y1, b[1], skip)
                return self._span_hit(start, b[0], y1, b[1], skip)
        # a single year
        if head is not None:
            start, skip = c, 0  # في / منذ / من stay out of the span
        if not cued:
            if mod is not None:
                ok = self._bare_year_ok(c, end, prev_weak=True, prev_strong=mod in YEAR_WEAK_STRONG)
            elif head is not None:
                ok = self._bare_year_ok(c, end, prev_weak=head in YEAR_WEAK,
                                        prev_strong=head in YEAR_WEAK_STRONG)
            else:
                ok = self._bare_year_ok(c, end)
            if not ok:
                return None
        if cal == "hijri":
            return self._hijri_year_hit(start, end, y1, y1, skip)
        return _Hit(start, end, _iso_year(y1), "year", False, skip=skip, year=y1)

    def _bare_year_ok(self, c: int, end: int, prev_weak: bool | None = None,
                      prev_strong: bool | None = None) -> bool:
        """Is an uncued 4-digit number at token c a year? (end: token after it)."""
        nk = self.k(end)
        if nk in QUANTITY_NEXT or self._counted(end) or self.prev_base(c) & REFNUM_PREV:
            return False
        if self.k(c - 1) == "(" and nk in (")", "-", "–"):
            return True
        if self.k(c - 1) == "و" and self.last_year_end == c - 1:
            return True  # عامي 2014 و2015
        prev = self.prev_base(c)
        if prev & EVENT_YEAR and self.k(c - 1) not in YEAR_WEAK:
            return self._follow_ok(end)  # حرب 1967
        if prev_weak is None:
            prev_weak = bool(prev & YEAR_WEAK)
            prev_strong = bool(prev & YEAR_WEAK_STRONG)
        if not prev_weak:
            return False
        if prev_strong:
            return True
        if W_UNTIL in prev:  # حتى 2000 جندي: "up to"; a year only before punctuation or a particle
            return self._follow_ok(end, strict=True)
        return self._follow_ok(end)

    def _counted(self, end: int) -> bool:
        return any(b in COUNTED for _, b in _forms(self.k(end)))

    def _follow_ok(self, end: int, strict: bool = False) -> bool:
        """May the token at ``end`` follow a year (not a counted noun: 2000 جندي)?"""
        nk = self.k(end)
        if not nk or nk[0] in PUNCT_FOLLOW or nk in YEAR_FOLLOW or nk == ",":
            return True
        if nk in QUANTITY_NEXT or self._counted(end) or nk[0].isdigit():
            return False
        return not strict or nk.startswith("ال")

    def _hijri_year_hit(self, start: int, end: int, h1: int, h2: int, skip: int) -> _Hit:
        a = _hijri_to_greg(h1, 1, 1)
        ln = _hijri_month_len(h2, 12)
        b = _hijri_to_greg(h2, 12, ln) if ln else None
        if a is None or b is None:
            return _Hit(start, end, None, "year", False, calendar="hijri", skip=skip)
        return _Hit(start, end, _iso_year(a.year), "year", False,
                    _iso_year(b.year) if b.year != a.year else None, calendar="hijri", skip=skip)

    def p_hijri(self, i: int) -> _Hit | None:
        """15 رجب 1444 هـ, 1 رمضان 1445, رمضان 1445 هـ, رمضان 2024, غرة شوال, رمضان الماضي."""
        start, c, skip = i, i, 0
        d = self.day(i, clitic=True)
        dd = None
        if d:
            c, dd, _, skip = d
        if self.k(c) in MONTH_WORD or (c == i and self.isin(c, MONTH_WORD) is not None):
            if c == i:
                skip = self.isin(c, MONTH_WORD) or 0
            c += 1
        h = self.lex(c, HIJRI, clitic=(c == i))
        if not h:
            return None
        end, mon, hp = h
        if c == i:
            skip = hp
        jj = end + 1 if self.k(end) == "," else end
        y = self.num(jj)
        if y is not None and 3 <= len(self.k(jj)) <= 4:
            e = jj + 1
            hmark = self.k(e) in ERA_HIJRI
            if hmark:
                e += 1
            if (1300 if not hmark else 1) <= y <= 1600:
                return self._hijri_hit(start, e, y, mon, dd, skip, rel=False)
            if 1900 <= y <= 2100 and not hmark:  # رمضان 2024: the Ramadan that began in 2024
                if self.k(e) in ERA_GREG:
                    e += 1
                h0 = _greg_to_hijri(_dt.date(y, 1, 1))
                if h0:
                    for hy in (h0[0], h0[0] + 1):
                        g = _hijri_to_greg(hy, mon, 1)
                        if g and g.year == y:
                            return self._hijri_hit(start, e, hy, mon, dd, skip, rel=False)
                return None
            return None
        # no year: only with a day or a ماضي/مقبل modifier (a bare رمضان is a season, صفر a zero)
        k = self.k(end)
        mode = "last" if k in PAST else "next" if k in NEXT else "cur" if k in CURRENT else None
        if mode:
            end += 1
        if mode is None and (dd is None or mon == 2):
            return None
        r = self.ref.date if self.ref else None
        if r is None:
            return _Hit(start, end, None, "day" if dd else "month", True, calendar="hijri", skip=skip)
        rh = _greg_to_hijri(r)
        if rh is None:
            return _Hit(start, end, None, "day" if dd else "month", True, calendar="hijri", skip=skip)
        hy, hm, hd = rh
        if mode == "last":
            hy = hy if ((mon, dd) < (hm, hd) if dd else mon < hm) else hy - 1
        elif mode == "next":
            hy = hy if ((mon, dd) > (hm, hd) if dd else mon > hm) else hy + 1
        elif mode is None:  # a day without a year: this Hijri year unless > ~2 months ahead
            g = _hijri_to_greg(hy, mon, dd or 1)
            if g is None or (g - r).days > 62:
                hy -= 1
        return self._hijri_hit(start, end, hy, mon, dd, skip, rel=True)

    def _hijri_hit(self, start, end, hy, mon, dd, skip, rel) -> _Hit:
        if dd:
            g = _hijri_to_greg(hy, mon, dd)
            return _Hit(start, end, _iso_day(g) if g else None, "day", rel, calendar="hijri", skip=skip,
                        year=g.year if g and not rel else None)
        a = _hijri_to_greg(hy, mon, 1)
        ln = _hijri_month_len(hy, mon)
        b = _hijri_to_greg(hy, mon, ln) if ln else None
        if a is None or b is None:
            return _Hit(start, end, None, "month", rel, calendar="hijri", skip=skip)
        ev = _iso_month(b.year, b.month) if (b.year, b.month) != (a.year, a.month) else None
        return _Hit(start, end, _iso_month(a.year, a.month), "month", rel, ev, calendar="hijri", skip=skip,
                    year=a.year if not rel else None)

    def century_spec(self, j: int) -> tuple[int, tuple] | None:
        """After القرن: ordinal / الـ20 / 20 / الماضي / الحالي -> (end, ("abs", first year) | ("rel", k))."""
        k = self.k(j)
        if k in PAST:
            return j + 1, ("rel", -1)
        if k in CURRENT:
            return j + 1, ("rel", 0)
        if k in NEXT:
            return j + 1, ("rel", 1)
        o = self.lex(j, ORDINAL)
        if o and isinstance(o[1], int) and 1 <= o[1] <= 21:
            if self._bc(o[0]):
                return None
            return o[0], ("abs", (o[1] - 1) * 100)
        jj = j + 1 if k == "ال" else j
        n = self.num(jj)
        if n is not None and 1 <= n <= 21 and len(self.k(jj)) <= 2:
            if self._bc(jj + 1):
                return None
            return jj + 1, ("abs", (n - 1) * 100)
        return None

    def _century_start(self, spec: tuple) -> tuple[int | None, bool]:
        if spec[0] == "abs":
            return spec[1], False
        if not self.ref:
            return None, True
        return self.ref.y // 100 * 100 + 100 * spec[1], True

    def p_decade(self, i: int) -> _Hit | None:
        """التسعينيات, ثمانينيات القرن الماضي, عقد الستينيات, مطلع الألفية…, العقد الأول من القرن…"""
        c, skip = i, 0
        mp = self.isin(i, PERIOD_MOD)
        if mp is not None:
            c, skip = i + 1, mp
        if self.isin(c, K_DECADE_WORD, clitic=(c == i)) is not None and self.k(c + 1) in DECADE:
            if c == i:
                skip = self.isin(c, K_DECADE_WORD) or 0
            c += 1
        dv = None
        for p, b in _forms(self.k(c)) if c == i else ((0, self.k(c)),):
            if b in DECADE:
                dv = DECADE[b]
                if c == i:
                    skip = p
                break
        if dv is not None:
            end = c + 1
            cs: tuple | None = None
            if self.k(end) == "من" and self.k(end + 1) == W_CENTURY:
                s = self.century_spec(end + 2)
                if s:
                    end, cs = s[0], s[1]
            elif self.k(end) == W_CENTURY:
                s = self.century_spec(end + 1)
                if s:
                    end, cs = s[0], s[1]
            if cs is None:
                return _Hit(i, end, _iso_year(1900 + dv * 10), "decade", False, skip=skip)
            base, rel = self._century_start(cs)
            return _Hit(i, end, None if base is None else _iso_year(base + dv * 10), "decade", rel, skip=skip)
        # العقد الأول من القرن الحادي والعشرين
        q = self.isin(c, K_THE_DECADE, clitic=(c == i))
        if q is not None:
            o = self.lex(c + 1, ORDINAL)
            if o and isinstance(o[1], int) and 1 <= o[1] <= 10 and self.k(o[0]) == "من" and \
                    self.k(o[0] + 1) == W_CENTURY:
                s = self.century_spec(o[0] + 2)
                if s:
                    base, rel = self._century_start(s[1])
                    if c == i:
                        skip = q
                    v = None if base is None else _iso_year(base + (o[1] - 1) * 10)
                    return _Hit(i, s[0], v, "decade", rel, skip=skip)
        # القرن العشرين
        q = self.isin(c, K_CENTURY, clitic=(c == i))
        if q is not None:
            s = self.century_spec(c + 1)
            if s:
                if c == i:
                    skip = q
                base, rel = self._century_start(s[1])
                return _Hit(i, s[0], None if base is None else _iso_year(base), "century", rel, skip=skip)
        return None

    def p_unit(self, i: int) -> _Hit | None:
        """هذا العام, العام الماضي, السنة المقبلة, الشهر الجاري, الأسبوع المنصرم, العقد الماضي,
        مطلع العام, نهاية الشهر الماضي, العام قبل الماضي."""
        c, skip, mod = i, 0, False
        q = self.isin(i, PERIOD_MOD)
        if q is not None and self.k(i)[q:] != W_FIRST:
            mod, c, skip = True, i + 1, q
        this = False
        q = self.isin(c, THIS, clitic=(c == i))
        if q is not None:
            if c == i:
                skip = q
            this, c = True, c + 1
        unit = None
        for p, b in _forms(self.k(c)) if c == i else ((0, self.k(c)),):
            if b in UNIT_NOUN:
                unit = UNIT_NOUN[b]
                if c == i:
                    skip = p
                break
        if unit is None:
            return None
        end = c + 1
        nk = self.k(end)
        if this:
            off = 0
        elif nk in PAST:
            off, end = -1, end + 1
        elif nk == "قبل" and self.k(end + 1) in PAST:
            off, end = -2, end + 2
        elif nk in CURRENT:
            off, end = 0, end + 1
        elif nk in NEXT:
            off, end = 1, end + 1
        elif nk == "بعد" and self.k(end + 1) in NEXT:
            off, end = 2, end + 2
        elif mod and unit in ("year", "month", "week"):
            off = 0
        else:
            return None
        if not this and not mod and c == i and skip == 0 and self.prev_base(i) & GENERAL_HEADS:
            return None  # الأمين العام الحالي
        h = self._unit_hit(i, end, skip, unit, off)
        h.unit, h.off = unit, off
        return h

    def _unit_hit(self, i: int, end: int, skip: int, unit: str, off: int, part: str | None = None) -> _Hit:
        r = self.ref
        if unit == "year":
            if r is None:
                return _Hit(i, end, None, "year", True, skip=skip)
            return _Hit(i, end, _iso_year(r.y + off), "year", True, skip=skip)
        if unit == "decade":
            if r is None:
                return _Hit(i, end, None, "decade", True, skip=skip)
            return _Hit(i, end, _iso_year(r.y // 10 * 10 + 10 * off), "decade", True, skip=skip)
        if unit == "century":
            if r is None:
                return _Hit(i, end, None, "century", True, skip=skip)
            return _Hit(i, end, _iso_year(r.y // 100 * 100 + 100 * off), "century", True, skip=skip)
        if unit == "month":
            if r is None or r.m is None:
                return _Hit(i, end, None, "month", True, skip=skip)
            y, m = _add_months(r.y, r.m, off)
            return _Hit(i, end, _iso_month(y, m), "month", True, skip=skip)
        # week: Monday..Sunday as a day span
        rd = r.date if r else None
        if rd is None:
            return _Hit(i, end, None, "day", True, skip=skip)
        mon = rd - _dt.timedelta(days=rd.weekday()) + _dt.timedelta(days=7 * off)
        sun = mon + _dt.timedelta(days=6)
        if part == "early" and off == 0:
            sun = max(mon, rd - _dt.timedelta(days=1))
        elif part == "late" and off == 0:
            mon = min(sun, rd + _dt.timedelta(days=1))
        return _Hit(i, end, _iso_day(mon), "day", True, _iso_day(sun) if sun != mon else None, skip=skip)

    def p_earlier(self, i: int) -> _Hit | None:
        """في وقت سابق من هذا الأسبوع / في وقت لاحق من هذا الشهر / في وقت سابق اليوم."""
        e = self.lex(i, EARLIER, clitic=True)
        if not e:
            return None
        end, part, skip = e
        u = self.p_unit(end)
        if u and u.skip == 0 and u.unit:
            if u.unit == "week":
                return self._unit_hit(i, u.j, skip, "week", u.off, part=str(part))
            u.i, u.skip = i, skip
            return u
        if self.k(end) == TODAY:
            r = self.ref.date if self.ref else None
            return _Hit(i, end + 1, _iso_day(r) if r else None, "day", True, skip=skip)
        return None

    def p_relday(self, i: int) -> _Hit | None:
        e = self.lex(i, RELDAY, clitic=True)
        if not e:
            return None
        end, off, skip = e
        if end == i + 1 and self.k(i)[skip:] == TODAY:  # bare اليوم: not اليوم التالي/العالمي
            nk = self.k(end)
            if nk in TODAY_BLOCK_NEXT or (nk.startswith("ال") and nk not in WEEKDAY) or nk[:1].isdigit():
                return None
            prev = self.prev_base(i)
            if skip == 0 and prev & (TODAY_BLOCK_PREV | TODAY_NAMES):
                return None
        off = int(off)  # type: ignore[arg-type]
        wd = WEEKDAY.get(self.k(end))
        if wd and wd[1]:
            end += 1  # أمس الجمعة, غدا السبت: the named weekday nearest that day
        r = self.ref.date if self.ref else None
        if r is None:
            return _Hit(i, end, None, "day", True, skip=skip)
        d = r + _dt.timedelta(days=off)
        if wd and wd[1]:  # the nearest such weekday (the article date may be a day off)
            delta = (wd[0] - d.weekday()) % 7
            d += _dt.timedelta(days=delta if delta <= 3 else delta - 7)
        return _Hit(i, end, _iso_day(d), "day", True, skip=skip)

    def p_ago(self, i: int) -> _Hit | None:
        """قبل ثلاثة أيام, منذ عامين, قبل نحو شهرين, منذ 24 عاما, قبل أسبوع."""
        hp = self.isin(i, AGO_HEAD)
        if hp is None:
            return None
        j = i + 1
        for ap in AGO_APPROX:
            if all(self.k(j + t) == ap[t] for t in range(len(ap))):
                j += len(ap)
                break
        count = None
        n = self.num(j)
        if n is not None and len(self.k(j)) <= 3:
            count, j = n, j + 1
        elif self.k(j) in NUMBER_WORD:
            count, j = NUMBER_WORD[self.k(j)], j + 1
        u = AGO_UNIT.get(self.k(j))
        if not u:
            return None
        unit, implied = u
        if count is None:
            if implied is None and unit != "hour":
                return None  # قبل أيام, منذ سنوات: no count (قبل ساعات is still today)
            count = implied or 1
        elif implied == 2 and count != 2:
            return None
        end = j + 1
        if self.k(end) in K_ONE and count == 1:
            end += 1
        nk = self.k(end)
        if nk in K_EVENT_REL or nk[:1].isdigit() or self.lex(end, GREG) or self.lex(end, HIJRI) \
                or nk in WEEKDAY:
            return None  # قبل أسبوعين من الانتخابات: relative to an event, not to the article
        r = self.ref
        if unit in ("day", "week", "hour"):
            rd = r.date if r else None
            if rd is None:
                return _Hit(i, end, None, "day", True, skip=hp)
            days = {"day": count, "week": 7 * count, "hour": 0}[unit]
            return _Hit(i, end, _iso_day(rd - _dt.timedelta(days=days)), "day", True, skip=hp)
        if unit == "month":
            if r is None or r.m is None:
                return _Hit(i, end, None, "month", True, skip=hp)
            y, m = _add_months(r.y, r.m, -count)
            return _Hit(i, end, _iso_month(y, m), "month", True, skip=hp)
        years = count * (10 if unit == "decade" else 1)
        if r is None or years > 1000:
            return _Hit(i, end, None, "year", True, skip=hp) if r is None else None
        return _Hit(i, end, _iso_year(r.y - years), "year", True, skip=hp)

    def p_vague(self, i: int) -> _Hit | None:
        p = self.isin(i, VAGUE_UNITS)
        if p is None or self.k(i + 1) not in VAGUE_MODS:
            return None
        return _Hit(i, i + 2, None, None, True, skip=p)

    # ---- driver -----------------------------------------------------------------------------
    PATTERNS = ("p_earlier", "p_date", "p_hijri", "p_numeric", "p_decade", "p_unit", "p_weekday",
                "p_relday", "p_ago", "p_year", "p_vague")

    def best(self, i: int) -> _Hit | None:
        best = None
        for name in self.PATTERNS:
            h = getattr(self, name)(i)
            if h is not None and h.j > i and (best is None or h.j > best.j):
                best = h
        return best

    def run(self) -> list[TimeExpr]:
        out: list[TimeExpr] = []
        i = 0
        K = self.K
        while i < self.n:
            if K[i] in _SENT_END:
                self.sent_year = None
            if not _is_trigger(K[i]):
                i += 1
                continue
            h = self.best(i)
            if h is None:
                i += 1
                continue
            t0 = self.toks[h.i]
            start = t0.start + (_raw_skip(t0.text, h.skip) if h.skip else 0)
            end = self.toks[h.j - 1].end
            while end > start and self.text[end - 1].isspace():
                end -= 1
            out.append(TimeExpr(start=start, end=end, text=self.text[start:end], value=h.value,
                                relative=h.relative, precision=h.precision, end_value=h.end_value,
                                calendar=h.calendar))
            if h.year is not None and not h.relative:
                self.last_year = h.year
                if h.precision in ("day", "month") and h.calendar == "gregorian":
                    self.sent_year = h.year
            if h.precision == "year" and not h.relative:
                self.last_year_end = h.j
            self.last_hit_end = h.j
            i = h.j
        return out


def find_times(text: str, ref: str | None = None, tokens: list[Token] | None = None) -> list[TimeExpr]:
    """Every time expression in text with offsets (``text[start:end] == t.text``), resolved to an
    ISO value of its precision (YYYY, YYYY-MM, YYYY-MM-DD) against ``ref`` (the article's date,
    ISO 'YYYY-MM-DD' or 'YYYY-MM' or 'YYYY' or None). Relative expressions get ``relative=True``
    and value None when ref is None or too coarse to resolve them.

    ``tokens``: ``tokenize(text)`` when the caller has it already (it is not modified)."""
    if not text:
        return []
    return _Scan(text, _parse_ref(ref), tokens).run()


# --------------------------------------------------------------------------------------------
# Standalone date strings
# --------------------------------------------------------------------------------------------

_ISO_FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s_].*)?$", re.IGNORECASE)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?\d{4,6}Z?)?$", re.IGNORECASE)
_EPOCH = re.compile(r"^(\d{9,10}|\d{13})(?:\.\d+)?$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_TIME_ONLY = re.compile(r"^[\s\d:.+\-]*(?:[صم]|am|pm|gmt|utc|z)?\.?\s*$", re.IGNORECASE)
_DMY2 = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})(?:\D.*)?$")
# RFC 2822 (RSS and Atom feeds, e-mail and HTTP headers): "Sun, 15 Jul 2018 21:56:56 +0400"
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
                      r"(?:\s+(?:[+\-]\d{4}|[A-Za-z]{1,5}))?$")


def parse_date(s: str) -> tuple[str, str] | None:
    """Parse a standalone date string as found in page headers, HTML meta, feeds and corpus
    fields into ``(iso_value, precision)``; None when it holds no (absolute) date.

    Numeric dates are day-first (Arab/European convention) unless that is impossible
    (``02/13/2023`` is 13 February). ISO timestamps keep their local date (no time-zone shift).
    """
    if s is None:
        return None
    s = str(s).strip()
    if not s:
        return None
    a = digits_to_ascii(s)
    m = _ISO_FULL.match(a)
    if m:
        d = _valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return _iso_day(d), "day"
    m = _ISO_MONTH.match(a)
    if m and 1 <= int(m.group(2)) <= 12:
        return _iso_month(int(m.group(1)), int(m.group(2))), "month"
    m = _ISO_YEAR.match(a)
    if m and 1000 <= int(m.group(1)) <= 2100:
        return m.group(1), "year"
    m = _COMPACT.match(a)
    if m:
        d = _valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d and 1900 <= d.year <= 2100:
            return _iso_day(d), "day"
    m = _EPOCH.match(a)
    if m:
        v = int(m.group(1))
        if len(m.group(1)) == 13:
            v //= 1000
        try:
            d = _dt.datetime.fromtimestamp(v, tz=_dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            d = None
        if d and 1995 <= d.year <= 2100:
            return _iso_day(d), "day"
    m = _MY.match(a)
    if m and 1 <= int(m.group(1)) <= 12:
        return _iso_month(int(m.group(2)), int(m.group(1))), "month"
    if _RFC2822.match(a):
        from email.utils import parsedate_tz

        parts = parsedate_tz(a)  # the date as written, in the zone it names (kept, as for ISO)
        d = _valid_day(parts[0], parts[1], parts[2]) if parts else None
        if d:
            return _iso_day(d), "day"
    if len(s) > 300:
        s = s[:300]
    hits = [t for t in find_times(s) if t.value and not t.relative]
    if hits:
        # a stated Gregorian day first (الموافق 6 أبريل 2024 beats its Hijri twin), then any day
        for t in sorted(hits, key=lambda t: (t.precision != "day", t.calendar != "gregorian")):
            return t.value, t.precision or "year"  # type: ignore[return-value]
    m = _DMY2.match(a)
    if m:
        x, y, yy = int(m.group(1)), int(m.group(2)), int(m.group(3))
        d_, mo = (x, y) if x > 12 or y <= 12 else (y, x)
        d = _valid_day(2000 + yy if yy < 70 else 1900 + yy, mo, d_)
        if d:
            return _iso_day(d), "day"
    if len(s) <= 80 and any(ch.isdigit() for ch in a) and not _TIME_ONLY.match(a):
        return _dateparser(s)
    return None


_PERIOD = {"day": "day", "week": "day", "time": "day", "month": "month", "year": "year"}


@lru_cache(maxsize=4096)
def _dateparser(s: str) -> tuple[str, str] | None:
    """dateparser on a short string the scanner could not read (absolute dates only)."""
    try:
        dd = _ddp().get_date_data(s)
    except Exception:  # noqa: BLE001 - a third-party parser on arbitrary input: any failure is "no date"
        return None
    if not dd or dd.date_obj is None:
        return None
    period = _PERIOD.get(dd.period or "day", "day")
    d = dd.date_obj
    if not 1000 <= d.year <= 2100:
        return None
    if period == "year":
        return _iso_year(d.year), "year"
    if period == "month":
        return _iso_month(d.year, d.month), "month"
    return _iso_day(d.date()), "day"


@lru_cache(maxsize=1)
def _ddp():
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["ar", "en", "fr"],
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["year"],
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
