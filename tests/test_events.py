"""Event extraction (khabar.extract.events): types, arguments, attribution and modality.

The sentences are written for these tests (made-up news sentences in ordinary Arabic news style).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.extract.entities import find_entities
from khabar.extract.event_lexicon import event_lexicon
from khabar.extract.events import find_events, wire_credit
from khabar.extract.quantities import find_quantities
from khabar.extract.times import find_times
from khabar.text import key

PUB = "2024-05-15"
OUTLET = "صحيفة الاختبار"
TYPES = {"VISIT", "MEET", "AGREE", "TRANSFER", "DEPLOY", "FIGHT", "ATTACK", "STATEMENT", "ACCUSE", "THREATEN",
         "DENY", "SANCTION", "LAUNCH", "INTERCEPT", "OTHER"}
MODALITIES = {"asserted", "reported", "estimated", "denied", "planned", "uncertain"}


def events(text: str, published: str | None = PUB, outlet: str | None = OUTLET):
    evs = find_events(text, find_entities(text), find_quantities(text), find_times(text, published), published,
                      outlet)
    for ev in evs:
        _check(text, ev)
    return evs


def _check(text, ev):
    assert ev.type in TYPES
    assert ev.modality in MODALITIES
    assert text[ev.start:ev.end] == ev.text
    assert ev.start <= ev.trigger_start < ev.trigger_end <= ev.end
    assert text[ev.trigger_start:ev.trigger_end] == ev.trigger
    assert ev.attributed_to, "attributed_to is never empty"
    for m in (ev.actor, ev.recipient, ev.place):
        if m is not None:
            assert text[m.start:m.end] == m.text


def one(text: str, typ: str, **kw):
    found = [ev for ev in events(text, **kw) if ev.type == typ]
    assert len(found) == 1, [(e.type, e.trigger) for e in events(text, **kw)]
    return found[0]


def types(text: str, **kw) -> list[str]:
    return [ev.type for ev in events(text, **kw)]


def has(m, *words) -> bool:
    """The mention's text or canonical form contains each word (normalised)."""
    if m is None:
        return False
    s = key(m.text) + " " + key(m.canonical or "")
    return all(key(w) in s for w in words)


def src(ev):
    return [(a.text, a.kind) for a in ev.attributed_to]


# -- the lexicon -------------------------------------------------------------------------------------
def test_trigger_lexicon_is_well_formed():
    lex = event_lexicon()
    assert lex is event_lexicon()  # loaded once
    seen = set()
    for t in lex.triggers:
        assert t.type in TYPES, t
        seen.add(t.type)
    assert seen == TYPES
    data = Path(__file__).resolve().parents[1] / "khabar" / "data" / "event_triggers.tsv"
    for line in data.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert len(line.split("\t")) <= 10, line


# -- types -------------------------------------------------------------------------------------------
def test_visit_with_date_and_place():
    ev = one("زار وزير الخارجية الصيني وانغ يي العاصمة الإيرانية طهران يوم الثلاثاء 14 مايو 2024.", "VISIT")
    assert has(ev.actor, "وانغ يي")
    assert has(ev.place, "طهران")
    assert ev.date == "2024-05-14" and ev.date_source == "text"
    assert ev.modality == "asserted"


def test_meet_with_counterpart_and_weekday():
    ev = one("التقى الرئيس الفرنسي إيمانويل ماكرون المستشار الألماني أولاف شولتس في باريس يوم الاثنين.", "MEET")
    assert has(ev.actor, "ماكرون")
    assert has(ev.recipient, "شولتس")
    assert has(ev.place, "باريس")
    assert ev.date == "2024-05-13"


def test_meet_with_an_unknown_one_word_name():
    ev = one("التقى لافروف نظيره الصيني في بكين.", "MEET")
    assert has(ev.actor, "لافروف")
    assert ev.recipient_state == "الصين"


def test_agree_sign_and_ratify():
    ev = one("وقعت تركيا والعراق اتفاقية للتعاون الأمني في بغداد أمس.", "AGREE")
    assert has(ev.actor, "تركيا") and ev.object and "اتفاقية" in ev.object
    assert ev.date == "2024-05-14"
    ev = one("صادق البرلمان الروسي على معاهدة الشراكة الاستراتيجية مع كوريا الشمالية.", "AGREE")
    assert ev.actor_state == "روسيا"
    assert "معاهدة" in ev.object


def test_transfer_supply_frame():
    ev = one("زودت ألمانيا أوكرانيا بدبابات من طراز ليوبارد.", "TRANSFER")
    assert ev.actor_state == "ألمانيا" and ev.recipient_state == "أوكرانيا"
    assert ev.object == "دبابات"
    assert ev.date == "2024-05" and ev.date_source == "article"  # the article's month


def test_transfer_with_quantity_and_recipient_after_ila():
    ev = one("أرسلت روسيا 300 طن من المساعدات إلى سوريا.", "TRANSFER")
    assert ev.actor_state == "روسيا" and ev.recipient_state == "سوريا"
    assert ev.quantity is not None and ev.quantity.value == 300
    assert "المساعدات" in ev.object


def test_deploy_troops_and_publishing_is_not_deploy():
    ev = one("نشرت بريطانيا 500 جندي في إستونيا الشهر الماضي.", "DEPLOY")
    assert has(ev.actor, "بريطانيا")
    assert ev.quantity.value == 500
    assert has(ev.place, "إستونيا")
    assert ev.date == "2024-04"
    assert types("نشرت الصحيفة تقريرا مطولا عن الانتخابات.") == []


def test_deploy_by_a_definite_force():
    ev = one("نشرت القوات الأمريكية منظومة دفاع جوي في المنطقة.", "DEPLOY")
    assert ev.actor_state == "الولايات المتحدة"
    assert ev.object == "منظومة دفاع جوي"


def test_deploy_soldiers_sent_with_an_accusative_plural():
    ev = one("أرسلت كوريا الشمالية جنودا إلى أوكرانيا.", "DEPLOY")
    assert ev.actor_state == "كوريا الشمالية" and ev.recipient_state == "أوكرانيا"


def test_fight():
    ev = one("اشتبكت قوات الجيش السوداني مع قوات الدعم السريع في الخرطوم.", "FIGHT")
    assert has(ev.recipient, "الدعم السريع")
    assert has(ev.place, "الخرطوم")
    ev = one("يشارك جنود كوريون شماليون في القتال إلى جانب القوات الروسية، وفقا لمسؤولين أوكرانيين.", "FIGHT")
    assert ev.modality == "reported"


def test_attack_with_place_and_dawn_date():
    ev = one("قصفت طائرات حربية مواقع في مدينة إدلب فجر الأحد.", "ATTACK")
    assert has(ev.place, "إدلب")
    assert ev.date == "2024-05-12"


def test_statement_accuse_threaten():
    ev = one("قال وزير الخارجية التركي هاكان فيدان إن بلاده ترفض أي تدخل أجنبي.", "STATEMENT")
    assert has(ev.actor, "فيدان")
    assert src(ev) == [("هاكان فيدان", "named")] and ev.attributed_to[0].mention is not None
    ev = one("اتهمت وزارة الخارجية الإيرانية واشنطن بدعم الإرهاب.", "ACCUSE")
    assert ev.actor_state == "إيران" and ev.recipient_state == "الولايات المتحدة"
    assert ev.object == "دعم الإرهاب"
    evs = events("هدد الرئيس الروسي فلاديمير بوتين بالرد على أي هجوم.")
    assert [e.type for e in evs] == ["THREATEN"]
    assert has(evs[0].actor, "بوتين") and evs[0].object == "الرد على أي هجوم"


def test_deny_of_an_event_marks_the_event():
    evs = events("نفى الجيش الإسرائيلي أنه قصف المستشفى.")
    assert [e.type for e in evs] == ["ATTACK"]  # no DENY: the denied content is an event
    assert evs[0].modality == "denied"
    assert src(evs[0]) == [("الجيش الإسرائيلي", "named")]


def test_deny_of_a_claim():
    ev = one("نفت الحكومة السودانية صحة التقارير عن استقالة وزير المالية.", "DENY")
    assert ev.modality == "denied" and ev.actor_state == "السودان"
    assert "استقالة" in ev.object


def test_described_as_absurd_is_a_denial():
    ev = one("وصفت الخارجية الصينية الاتهامات الأمريكية بأنها سخيفة.", "DENY")
    assert ev.actor_state == "الصين" and ev.recipient_state == "الولايات المتحدة"
    evs = events("ونفت موسكو أن تكون قواتها استهدفت مواقع مدنية، ووصفت الاتهامات بأنها كاذبة.")
    assert [e.type for e in evs] == ["ATTACK"] and evs[0].modality == "denied"


def test_sanctions_impose_veto_lift_and_a_call():
    ev = one("فرض الاتحاد الأوروبي عقوبات جديدة على إيران.", "SANCTION")
    assert ev.subtype == "impose" and ev.recipient_state == "إيران"
    ev = one("استخدمت روسيا حق النقض ضد مشروع القرار في مجلس الأمن.", "SANCTION")
    assert ev.subtype == "veto" and ev.actor_state == "روسيا"
    ev = one("رفعت واشنطن العقوبات عن سوريا.", "SANCTION")
    assert ev.subtype == "lift" and ev.recipient_state == "سوريا"
    # a call to lift sanctions is a statement, not a lifting
    assert types("دعا الرئيس الإيراني إلى رفع العقوبات عن بلاده.") == ["STATEMENT"]


def test_launch_reported_and_a_campaign_is_not_a_launch():
    ev = one("أطلقت كوريا الشمالية صاروخا باليستيا باتجاه البحر، بحسب هيئة الأركان المشتركة الكورية الجنوبية.",
             "LAUNCH")
    assert ev.actor_state == "كوريا الشمالية"
    assert ev.modality == "reported"
    assert src(ev) == [("هيئة الأركان المشتركة الكورية الجنوبية", "named")]
    assert types("أطلقت الحكومة حملة لمكافحة الفساد.") == []


def test_intercept_scramble_is_not_a_transfer():
    evs = events("أرسلت تايوان مقاتلات لاعتراض 12 طائرة صينية.")
    assert [e.type for e in evs] == ["INTERCEPT"]
    assert evs[0].actor_state == "تايوان" and evs[0].quantity.value == 12


def test_other_casualties():
    evs = events("قتل 15 شخصا وأصيب 30 آخرون في انفجار بالعاصمة بغداد.")
    cas = [e for e in evs if e.type == "OTHER"]
    assert {e.subtype for e in cas} == {"casualties"}
    assert sorted(e.quantity.value for e in cas) == [15, 30]


# -- attribution -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,source,kind", [
    ("أفاد مسؤول أمريكي رفيع المستوى بأن إيران أرسلت طائرات مسيرة إلى روسيا.", "مسؤول أمريكي رفيع المستوى",
     "anonymous"),
    ("ذكرت وكالة الأنباء الرسمية أن الرئيس التونسي زار مدينة صفاقس.", "وكالة الأنباء الرسمية", "named"),
    ("أعلنت وزارة الدفاع الروسية أن قواتها أسقطت 20 طائرة مسيرة أوكرانية.", "وزارة الدفاع الروسية", "named"),
    ("أكد المتحدث باسم الخارجية الأمريكية أن واشنطن أرسلت مساعدات عسكرية جديدة إلى كييف.",
     "المتحدث باسم الخارجية الأمريكية", "anonymous"),
    ("أوضح الجيش اللبناني أن طائرة إسرائيلية قصفت بلدة في الجنوب.", "الجيش اللبناني", "named"),
    ("أبلغت وكالة الاستخبارات الكورية الجنوبية المشرعين أن كوريا الشمالية أرسلت 10 آلاف جندي إلى روسيا.",
     "وكالة الاستخبارات الكورية الجنوبية", "named"),
    ("كشفت صحيفة نيويورك تايمز أن إيران زودت الحوثيين بصواريخ.", "صحيفة نيويورك تايمز", "named"),
    ("قال مصدر في وزارة النقل السورية إن الطائرة الإيرانية هبطت في مطار دمشق.", "مصدر في وزارة النقل السورية",
     "anonymous"),
    ("يقول مراقبون إن الصين تزود روسيا بمكونات عسكرية.", "مراقبون", "anonymous"),
])
def test_reporting_frames(text, source, kind):
    evs = [e for e in events(text) if e.type != "STATEMENT"]
    assert evs, text
    assert src(evs[0]) == [(source, kind)]
    assert evs[0].modality == "asserted"


def test_named_source_links_its_mention():
    ev = one("ذكرت وكالة الاستخبارات الكورية الجنوبية أن كوريا الشمالية أرسلت قذائف إلى روسيا.", "TRANSFER")
    a = ev.attributed_to[0]
    assert a.kind == "named" and a.mention is not None and a.mention.type == "ORG"


@pytest.mark.parametrize("text,source,kind", [
    ("وصل الرئيس الجزائري إلى القاهرة، حسبما أفادت وكالة الأنباء الجزائرية.", "وكالة الأنباء الجزائرية", "named"),
    ("وفقا لوزارة الصحة، قتل 40 شخصا في الغارات.", "وزارة الصحة", "named"),
    ("نقلا عن مصادر عسكرية، نشرت القوات الأمريكية منظومة دفاع جوي في المنطقة.", "مصادر عسكرية", "anonymous"),
    ("أشارت تقارير إلى أن كوريا الشمالية أرسلت قذائف مدفعية إلى روسيا.", "تقارير", "reports"),
    ("ذكرت وسائل إعلام محلية أن الجيش نشر وحدات إضافية على الحدود.", "وسائل إعلام محلية", "reports"),
])
def test_relayed_sources_are_reported(text, source, kind):
    evs = [e for e in events(text) if e.type != "STATEMENT"]
    assert evs, text
    assert src(evs[0]) == [(source, kind)]
    assert evs[0].modality == "reported"


def test_attribution_carried_to_the_next_sentence():
    evs = events("قال قائد الجيش الأوكراني إن روسيا قصفت مدينة خاركيف. "
                 "وأضاف أن القوات الروسية أطلقت 30 صاروخا على المدينة.")
    attack = next(e for e in evs if e.type == "ATTACK")
    launch = next(e for e in evs if e.type == "LAUNCH")
    assert src(attack) == src(launch) == [("قائد الجيش الأوكراني", "named")]
    assert launch.quantity.value == 30 and launch.actor_state == "روسيا"


def test_outlet_default_and_the_outlet():
    ev = one("أرسلت روسيا مساعدات إلى كوبا.", "TRANSFER")
    assert src(ev) == [(OUTLET, "outlet")]
    ev = one("أرسلت روسيا مساعدات إلى كوبا.", "TRANSFER", outlet=None)
    assert src(ev) == [("the outlet", "outlet")]


def test_wire_dateline_credit():
    assert wire_credit("موسكو (رويترز) - أعلنت روسيا أنها أرسلت مساعدات إلى كوبا.") == "رويترز"


# -- modality ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,typ,modality", [
    ("تشير التقديرات إلى أن كوريا الشمالية أرسلت أكثر من مليون قذيفة إلى روسيا.", "TRANSFER", "estimated"),
    ("قد يصل عدد الجنود الذين أرسلتهم بيونغ يانغ إلى 15 ألف جندي.", "DEPLOY", "estimated"),
    ("من المقرر أن يزور الرئيس الصيني العاصمة الفرنسية باريس الشهر المقبل.", "VISIT", "planned"),
    ("سيزور وزير الخارجية الأمريكي أنتوني بلينكن العاصمة الأردنية عمان الأسبوع المقبل.", "VISIT", "planned"),
    ("من المتوقع أن يلتقي الرئيس المصري نظيره التركي في القاهرة.", "MEET", "planned"),
    ("تعهدت ألمانيا بتقديم مساعدات عسكرية إضافية لأوكرانيا.", "TRANSFER", "planned"),
    ("أعلنت اليابان عزمها نشر قوات في المنطقة.", "DEPLOY", "planned"),
    ("لم يتضح بعد ما إذا كانت إيران قد أرسلت صواريخ إلى روسيا.", "TRANSFER", "uncertain"),
    ("يعتقد محللون أن الصين زودت روسيا بمعدات عسكرية.", "TRANSFER", "uncertain"),
    ("ربما أرسلت كوريا الشمالية جنودا إلى أوكرانيا.", "DEPLOY", "uncertain"),
    ("قد تزود إيران روسيا بصواريخ باليستية.", "TRANSFER", "uncertain"),
    ("لم ترسل ألمانيا صواريخ توروس إلى أوكرانيا.", "TRANSFER", "denied"),
])
def test_modality(text, typ, modality):
    ev = one(text, typ)
    assert ev.modality == modality


def test_estimate_keeps_the_quantity_and_one_event():
    evs = events("قد يصل عدد الجنود الذين أرسلتهم بيونغ يانغ إلى 15 ألف جندي.")
    assert len(evs) == 1
    assert evs[0].quantity.value == 15000 and evs[0].actor_state == "كوريا الشمالية"


def test_negation_and_planned_dates():
    ev = one("قال المتحدث باسم الكرملين إن موسكو لم ترسل قوات إلى بيلاروسيا.", "DEPLOY")
    assert ev.modality == "denied" and ev.negated
    assert ev.date is None  # nothing happened to date
    ev = one("سيزور وزير الخارجية الأمريكي أنتوني بلينكن العاصمة الأردنية عمان الأسبوع المقبل.", "VISIT")
    assert ev.date_source == "text"


def test_planned_outranks_reported():
    ev = one("وذكرت وكالة رويترز أن الرئيس الصيني سيزور موسكو الشهر المقبل.", "VISIT")
    assert ev.modality == "planned"


# -- metonyms ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,typ,actor_state,recipient_state", [
    ("قال الكرملين إن الرئيس يرفض المقترح الأوروبي.", "STATEMENT", "روسيا", None),
    ("قال البيت الأبيض إن واشنطن فرضت عقوبات على شركات صينية.", "SANCTION", "الولايات المتحدة", "الصين"),
    ("اتهمت سيول بيونغ يانغ بإطلاق صاروخ باليستي.", "ACCUSE", "كوريا الجنوبية", "كوريا الشمالية"),
    ("أرسلت أنقرة تعزيزات عسكرية إلى الحدود مع سوريا.", "DEPLOY", "تركيا", None),
    ("أرسلت موسكو مساعدات إنسانية إلى دمشق.", "TRANSFER", "روسيا", "سوريا"),
    ("قالت وزارة الدفاع الروسية إن الوضع على الجبهة مستقر.", "STATEMENT", "روسيا", None),
    ("أعلن البيت الأبيض أن الرئيس سيزور بيونغ يانغ.", "VISIT", None, None),
])
def test_metonyms_stand_for_their_states(text, typ, actor_state, recipient_state):
    evs = [e for e in events(text) if e.type == typ]
    assert evs, [(e.type, e.trigger) for e in events(text)]
    ev = evs[0]
    assert ev.actor_state == actor_state
    assert ev.recipient_state == recipient_state
    if actor_state:
        assert ev.actor is not None and ev.actor.text in text  # the mention itself is kept
    else:  # the seat of power as a source
        assert ev.attributed_to[0].text == "البيت الأبيض" and ev.attributed_to[0].mention is not None


def test_his_country_resolves_to_the_speakers_state():
    ev = one("قال وزير الدفاع الروسي إن بلاده سترسل مساعدات إلى كوبا.", "TRANSFER")
    assert ev.actor_state == "روسيا" and ev.modality == "planned"


# -- exchanges ---------------------------------------------------------------------------------------
def test_exchange_gives_two_transfers_in_opposite_directions():
    evs = events("وتزود إيران روسيا بطائرات مسيرة مقابل شحنات من القمح والأسلحة الخفيفة.")
    tr = [e for e in evs if e.type == "TRANSFER"]
    assert len(tr) == 2
    a, b = tr
    assert (a.actor_state, a.recipient_state) == ("إيران", "روسيا")
    assert (b.actor_state, b.recipient_state) == ("روسيا", "إيران")
    assert a.object == "طائرات مسيرة" and "القمح" in b.object


def test_exchange_troops_for_fuel_keeps_each_quantity():
    evs = events("أرسلت كوريا الشمالية 10 آلاف جندي إلى روسيا مقابل 500 طن من الوقود.")
    dep = one("أرسلت كوريا الشمالية 10 آلاف جندي إلى روسيا مقابل 500 طن من الوقود.", "DEPLOY")
    tr = [e for e in evs if e.type == "TRANSFER"]
    assert dep.quantity.value == 10000
    assert len(tr) == 1 and tr[0].quantity.value == 500
    assert (tr[0].actor_state, tr[0].recipient_state) == ("روسيا", "كوريا الشمالية")


def test_exchange_shares_the_modality_of_its_first_side():
    evs = events("وقال إن كوريا الشمالية قد تحصل على مبالغ مالية مقابل إرسال الجنود.")
    assert {e.modality for e in evs if e.type in ("TRANSFER", "DEPLOY")} == {"uncertain"}


# -- real articles -------------------------------------------------------------------------------------
SEEDS = Path("/work/shared/seeds")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not present")
def test_smoke_on_the_seed_articles():
    from khabar.ingest.sources import IngestOptions
    from khabar.pipeline import run

    res = run([str(SEEDS)], IngestOptions(offline=True))
    assert res.analyses
    n = 0
    for an in res.analyses:
        text = an.article.text
        for ev in an.events:
            _check(text, ev)
            assert ev.article == an.article.id and ev.id.startswith(an.article.id)
            n += 1
    assert n >= 20
    transfers = [ev for an in res.analyses for ev in an.events if ev.type in ("TRANSFER", "DEPLOY")]
    dirs = {(ev.actor_state, ev.recipient_state) for ev in transfers}
    assert ("كوريا الشمالية", "روسيا") in dirs and ("روسيا", "كوريا الشمالية") in dirs


def test_zero_subject_after_a_sentence_without_events(monkeypatch):
    """A sentence with no event trigger is not chunked into phrases unless a later one needs its
    subject: here the next sentence's zero subject (وأكد) is the minister named in it."""
    import khabar.extract.events as ev_mod

    chunked = []
    orig = ev_mod._Extractor._chunk

    def spy(self, a, b, bounds):
        chunked.append((a, b))
        return orig(self, a, b, bounds)

    monkeypatch.setattr(ev_mod._Extractor, "_chunk", spy)
    ev = one("وزير الخارجية التركي هاكان فيدان في موسكو منذ صباح الأربعاء. وأكد أن بلاده تدعم الحل السياسي "
             "للأزمة.", "STATEMENT")
    assert has(ev.actor, "فيدان")
    assert chunked == [(0, 11)]  # the first sentence, chunked when the second asked for its subject
    chunked.clear()
    # a sentence that comes after it with a subject of its own: the first is never chunked
    one("وزير الخارجية التركي هاكان فيدان في موسكو منذ صباح الأربعاء. وقال الرئيس الروسي إن المحادثات "
        "كانت مثمرة.", "STATEMENT")
    assert chunked == []
