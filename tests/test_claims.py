"""Claims across outlets: corroboration, and each kind of conflict and agreement."""

from __future__ import annotations

from khabar.compare.claims import ClaimBuilder, ClaimEvent, claims_json


def ev(i, article, group, *, type="TRANSFER", actor="e1", recipient="e2", obj="soldier", quantity=None, date=None,
       from_text=True, modality="asserted", published="2024-11-01", place=None):
    return ClaimEvent(
        id=f"v{i}", type=type, article=article, start=0, end=10, actor=actor, recipient=recipient, place=place,
        object_key=obj, object=obj, quantity=quantity, date=date, date_from_text=from_text and date is not None,
        modality=modality, published=published, group=group, outlet=article.upper(),
    )


def q(value=None, lo=None, hi=None, qualifier="exact", unit="soldier"):
    if qualifier == "exact":
        lo = hi = value
    return {"value": value, "min": lo, "max": hi, "qualifier": qualifier, "unit": unit, "text": str(value)}


def build(events):
    b = ClaimBuilder()
    b.add(events)
    b.finish()
    return b


def test_independent_outlets_corroborate_and_copies_do_not():
    b = build([ev(1, "a", "g1"), ev(2, "b", "g2"), ev(3, "c", "g3", actor="e5")])
    claims = {tuple(c.articles): c for c in b.claims}
    assert claims[("a", "b")].independent_sources == 2
    assert claims[("a", "b")].status == "corroborated"
    assert claims[("c",)].status == "single_source"
    # two articles carrying one wire text are one source
    b = build([ev(1, "a", "g1"), ev(2, "b", "g1")])
    assert b.claims[0].independent_sources == 1
    assert b.claims[0].status == "single_source"


def test_same_visit_with_different_years_is_a_date_conflict_with_both_evidence_spans():
    b = build([
        ev(1, "a", "g1", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2024-06-19"),
        ev(2, "b", "g2", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2024-06"),
        ev(3, "c", "g3", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2023-06"),
    ])
    assert len(b.claims) == 1
    c = b.claims[0]
    assert c.status == "conflicting"
    (k,) = c.conflicts
    assert k["kind"] == "date"
    values = {v["value"]: v["articles"] for v in k["values"]}
    assert values == {"2024-06-19": ["a", "b"], "2023-06": ["c"]}
    assert {e["article"] for v in k["values"] for e in v["evidence"]} == {"a", "b", "c"}


def test_visits_years_apart_in_other_months_are_different_events():
    b = build([
        ev(1, "a", "g1", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2000-07"),
        ev(2, "b", "g2", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2024-06"),
    ])
    assert len(b.claims) == 2
    assert all(c.status == "single_source" for c in b.claims)


def test_hedged_and_ranged_quantities_agree():
    for a, b_ in [
        (q(None, 10000, 12000, "range"), q(11000)),  # "10-12 thousand" and 11,000
        (q(10000, 10000, None, "more_than"), q(12000)),  # "more than 10,000" and 12,000
        (q(12000, None, 12000, "up_to"), q(9000)),  # "up to 12,000" and 9,000
        (q(5000, None, None, "about"), q(5200)),  # "about 5,000" and 5,200
    ]:
        b = build([ev(1, "a", "g1", quantity=a), ev(2, "b", "g2", quantity=b_)])
        (c,) = b.claims
        assert c.conflicts == [], (a, b_)
        assert c.status == "corroborated"
    b = build([ev(1, "a", "g1", quantity=q(10000, 10000, None, "more_than")), ev(2, "b", "g2", quantity=q(8000))])
    assert [k["kind"] for k in b.claims[0].conflicts] == ["quantity"]


def test_different_tolls_the_same_day_conflict_and_a_later_higher_toll_is_an_update():
    same_day = build([
        ev(1, "a", "g1", type="ATTACK", obj="dead", quantity=q(13, unit="dead"), published="2024-03-02"),
        ev(2, "b", "g2", type="ATTACK", obj="dead", quantity=q(15, unit="dead"), published="2024-03-02"),
    ])
    (k,) = same_day.claims[0].conflicts
    assert (k["kind"], k["resolution"]) == ("quantity", "conflict")
    later = build([
        ev(1, "a", "g1", type="ATTACK", obj="dead", quantity=q(13, unit="dead"), published="2024-03-02"),
        ev(2, "b", "g2", type="ATTACK", obj="dead", quantity=q(15, unit="dead"), published="2024-03-04"),
    ])
    (k,) = later.claims[0].conflicts
    assert (k["kind"], k["resolution"]) == ("quantity", "update")


def test_asserted_and_denied_is_a_fact_conflict():
    b = build([ev(1, "a", "g1"), ev(2, "b", "g2", modality="denied")])
    (c,) = b.claims
    assert [k["kind"] for k in c.conflicts] == ["fact"]
    assert c.independent_sources == 1  # the denial does not corroborate


def test_page_dated_after_an_event_it_calls_upcoming_is_stale():
    b = build([
        ev(1, "a", "g1", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2024-06-19",
           published="2024-06-20"),
        ev(2, "old", "g2", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date=None,
           modality="planned", published="2024-11-22"),
    ])
    stale = b.stale_articles()
    assert list(stale) == ["old"]
    assert "2024-11-22" in stale["old"][0] and "2024-06-19" in stale["old"][0]


def test_claims_json_shapes_and_timeline():
    b = build([
        ev(1, "a", "g1", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2024-06-19"),
        ev(2, "c", "g3", type="VISIT", actor="e7", recipient=None, place="e3", obj=None, date="2023-06"),
    ])
    claims, conflicts, timeline = claims_json(b, {"e7": "بوتين", "e3": "كوريا الشمالية"})
    assert claims[0]["events"] == ["v1", "v2"] and claims[0]["status"] == "conflicting"
    assert "بوتين" in claims[0]["summary"]
    assert conflicts[0]["about"] == claims[0]["summary"]
    assert [t["date"] for t in timeline] == ["2023-06", "2024-06-19"]


def test_two_outlets_give_different_tolls_for_one_place_on_one_day():
    def toll(i, article, group, value, day="2023-02-07", place="e9"):
        e = ev(i, article, group, type="OTHER", actor=None, recipient=None, obj="dead", place=place,
               quantity=q(value, unit="dead"), date=day)
        e.subtype = "casualties"
        return e

    b = build([toll(1, "a", "g1", 1444), toll(2, "b", "g2", 1622), toll(3, "c", "g3", 3400, day="2023-02-10")])
    by_date = {c.date: c for c in b.claims}
    assert set(by_date) == {"2023-02-07", "2023-02-10"}
    (k,) = by_date["2023-02-07"].conflicts
    assert k["kind"] == "quantity" and {v["value"] for v in k["values"]} == {"1444", "1622"}
    assert by_date["2023-02-10"].status == "single_source"
