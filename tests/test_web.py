"""The web UI and the HTML report: pages, RTL markup, the claims × sources matrix, escaping, CSP,
and the self-contained report (no external reference, escaped JSON data)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from khabar.ingest.sources import IngestOptions
from khabar.pipeline import run
from khabar.present.api import create_app
from khabar.present.report import Links, Span, render_report, render_spans, sentence_parts, story_view
from khabar.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"

# The same visit dated to two different years by two outlets: a date conflict.
VISIT = ("زار وزير الخارجية الأردني أيمن الصفدي العاصمة السورية دمشق في يونيو {year}، والتقى الرئيس السوري "
         "بشار الأسد لبحث إيصال المساعدات إلى المناطق المنكوبة بالزلزال.")
CONFLICTING = [
    {"text": VISIT.format(year=2023), "title": "الصفدي في دمشق", "outlet": "صحيفة الأولى", "published": "2024-07-01"},
    {"text": VISIT.format(year=2024), "title": "زيارة الصفدي إلى دمشق", "outlet": "موقع الثانية", "published": "2024-07-02"},
]
HOSTILE = {
    "text": "خبر تجريبي عن فرق الإنقاذ في حلب.\n<script>window.__pwned=1</script>\n"
            "<img src=x onerror=\"window.__pwned=2\">\nوقال مسؤول إن فرق الإنقاذ وصلت إلى حلب يوم الأربعاء.",
    "title": "عنوان <script>alert(1)</script>",
    "outlet": "<b>منفذ</b>",
    "published": "2023-02-09",
}
RTL = '<html lang="ar" dir="rtl">'


class _Collector(HTMLParser):
    """Tags with their attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._script = a
            self.scripts.append((a, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            a, text = self.scripts[-1]
            self.scripts[-1] = (a, text + data)


def parse(html: str) -> _Collector:
    p = _Collector()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    db = tmp_path_factory.mktemp("web") / "khabar.db"
    store = Store(str(db))
    result = run([str(CORPUS)], IngestOptions(offline=True))
    assert result.analyses
    store.add(result.analyses)
    client = TestClient(create_app(store))
    ids = {}
    for i, body in enumerate(CONFLICTING):
        r = client.post("/api/articles", json=body)
        assert r.status_code == 201, r.text
        ids[f"visit{i}"] = r.json()["id"]
    r = client.post("/api/articles", json=HOSTILE)
    assert r.status_code == 201, r.text
    ids["hostile"] = r.json()["id"]
    return {"store": store, "client": client, "ids": ids}


def _stories(env) -> list[dict]:
    return env["client"].get("/api/stories", params={"limit": 500}).json()["items"]


# ------------------------------------------------------------------------------------------ pages

def test_every_page_is_rtl_html_with_csp(env):
    client = env["client"]
    urls = ["/", "/search?q=حلب", "/search?q=", "/search?q=Aleppo"]
    urls += [f"/stories/{s['id']}" for s in _stories(env)]
    urls += [f"/articles/{a}" for a in env["store"].article_ids()]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html"), url
        assert RTL in r.text, url
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        # no inline script: every script either loads a same-origin file or is a JSON data block
        for attrs, _ in parse(r.text).scripts:
            assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/json", (url, attrs)


def test_no_external_requests_in_pages(env):
    client = env["client"]
    s = _stories(env)[0]
    for url in ("/", f"/stories/{s['id']}"):
        for tag, attrs in parse(client.get(url).text).tags:
            for name in ("src", "href"):
                value = attrs.get(name)
                if value is not None:
                    assert not re.match(r"^(https?:)?//", value), (url, tag, value)


def test_static_assets_are_served_from_the_package(env):
    client = env["client"]
    css = client.get("/static/khabar.css")
    js = client.get("/static/khabar.js")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(", js.text)
    assert "http://" not in css.text and "https://" not in css.text and "@import" not in css.text


def test_unknown_story_and_article_are_404_pages(env):
    client = env["client"]
    for url in ("/stories/nope", "/articles/nope"):
        r = client.get(url)
        assert r.status_code == 404
        assert RTL in r.text


def test_api_stays_json_without_csp(env):
    r = env["client"].get("/api/stories")
    assert r.headers["content-type"].startswith("application/json")
    assert "content-security-policy" not in r.headers


def test_index_lists_stories_newest_first_with_counts(env):
    html = env["client"].get("/").text
    stories = _stories(env)
    positions = [html.index(f'href="/stories/{s["id"]}"') for s in stories]
    assert positions == sorted(positions)
    assert 'name="q"' in html  # the search box


# ------------------------------------------------------------------------------------------ story page

def _matrix(html: str) -> tuple[int, int]:
    table = html[html.index('<table class="matrix"'):]
    table = table[:table.index("</table>")]
    rows = len(re.findall(r'<tr id="claim-', table))
    cols = len(re.findall(r'<th scope="col" class="col-h"', table))
    guests = len(re.findall(r'<th scope="col" class="col-h guest"', table))  # outlets of other stories
    return rows, cols, guests


def test_matrix_has_a_row_per_claim_and_a_column_per_outlet(env):
    client = env["client"]
    checked = 0
    for s in _stories(env):
        html = client.get(f"/stories/{s['id']}").text
        n_claims = env["store"].claims(s["id"], limit=500)[0]
        d = client.get(f"/api/stories/{s['id']}").json()
        story = d["stories"][0]
        outlets = {a.get("outlet") or "\x00" + a["id"] for a in d["articles"] if a["id"] in story["articles"]}
        if n_claims == 0:
            assert '<table class="matrix"' not in html
            continue
        rows, cols, guests = _matrix(html)
        assert rows == n_claims, s["id"]
        assert cols == len(outlets), s["id"]
        cols += guests
        # every cell is supports, conflicts or silent: rows × columns of them
        table = html[html.index('<table class="matrix"'):html.index("</table>", html.index('<table class="matrix"'))]
        cells = re.findall(r'class="cell (supports|conflicts|silent)', table)
        assert len(cells) == rows * cols
        checked += 1
    assert checked


def test_conflicting_visit_shows_support_and_conflict_side_by_side(env):
    client = env["client"]
    art = client.get(f"/api/articles/{env['ids']['visit0']}").json()
    sid = art["story"]
    conflicts = env["store"].conflicts(sid)[1]
    assert conflicts, "two outlets dating one visit to 2023 and 2024 give a date conflict"
    html = client.get(f"/stories/{sid}").text
    k = next((k for k in conflicts if k["kind"] == "date"), conflicts[0])
    assert f'id="conflict-{k["id"]}"' in html
    section = html[html.index(f'id="conflict-{k["id"]}"'):]
    section = section[:section.index("</article>")]
    assert len(re.findall(r'<div class="side( reference)?">', section)) == 2
    assert "2023" in section and "2024" in section
    assert "يونيو" in section  # the date values in words
    assert '<mark class="val">يونيو 2023</mark>' in section or 'class="val"' in section
    # the claim's row: one outlet supports the claim's date, the other conflicts with it
    row = html[html.index(f'id="claim-{k["claim"]}"'):]
    row = row[:row.index("</tr>")]
    assert "cell supports" in row and "cell conflicts" in row
    # the timeline marks both dates as disputed
    timeline = html[html.index(f'id="timeline-{sid}"'):]
    timeline = timeline[:timeline.index("</section>")]
    assert timeline.count("tl-item disputed") >= 2


def test_story_page_sections_and_evidence_data(env):
    client = env["client"]
    s = max(_stories(env), key=lambda x: x["claims"])
    html = client.get(f"/stories/{s['id']}").text
    for section in ("summary", "matrix", "conflicts", "timeline", "graph", "entities", "articles"):
        assert f'id="{section}-{s["id"]}"' in html
    assert "<svg" in html and 'class="graph"' in html
    assert "<bdi" in html  # Latin names are isolated
    blocks = [text for attrs, text in parse(html).scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["cells"] and data["columns"]
    item = next(it for cells in data["cells"].values() for items in cells.values() for it in items)
    assert item["href"].startswith("/articles/") and "#v" in item["href"]
    assert any(cls == "trig" for _, cls in item["parts"])  # the trigger is marked in the sentence


# ------------------------------------------------------------------------------------------ escaping

def test_hostile_article_is_shown_as_text(env):
    client = env["client"]
    aid = env["ids"]["hostile"]
    html = client.get(f"/articles/{aid}").text
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html and "<img src=\"x\"" not in html
    assert "&lt;script&gt;window.__pwned=" in html
    assert "&lt;img src=x onerror=" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>منفذ</b>" not in html and "&lt;b&gt;منفذ&lt;/b&gt;" in html
    sid = client.get(f"/api/articles/{aid}").json()["story"]
    if sid:
        page = client.get(f"/stories/{sid}").text
        assert "<script>alert(1)" not in page and "<b>منفذ</b>" not in page
    assert "<script>" not in client.get("/search", params={"q": "<script>"}).text.replace(
        '<script src="/static/khabar.js" defer></script>', "")


def test_article_page_highlights_spans(env):
    client = env["client"]
    d = client.get(f"/api/stories/{_stories(env)[0]['id']}").json()
    e = next(e for e in d["events"] if e.get("trigger"))
    html = client.get(f"/articles/{e['article']}").text
    assert f'<a class="anchor" id="{e["id"]}"></a>' in html
    assert 'class="m m-' in html  # entity mentions coloured by type
    assert '<mark class="trig"' in html
    assert "<details class=\"removed\"" in html or not client.get(f"/api/articles/{e['article']}").json()["removed"]


def test_render_spans_nests_and_escapes():
    text = "<a>بشار الأسد زار دمشق"
    layers = [[Span(0, len(text), "span", {"class": "ev"})], [Span(3, 12, "span", {"class": "m"}), Span(8, 20, "span", {"class": "x"})],
              [Span(10, 16, "mark", {"class": "trig"})]]
    out = str(render_spans(text, layers))
    assert out.startswith('<span class="ev">&lt;a&gt;')
    assert out.count("<span") == out.count("</span>") and out.count("<mark") == out.count("</mark>")
    # the overlapping span of a layer is dropped; the crossing trigger is split, not mis-nested
    assert 'class="x"' not in out
    assert sentence_parts("abcdef", [(1, 3, "trig"), (2, 4, "val")]) == [["a", ""], ["bc", "trig"], ["def", ""]]


# ------------------------------------------------------------------------------------------ report

def _check_report(html: str) -> _Collector:
    assert html.startswith("<!doctype html>")
    assert RTL in html
    p = parse(html)
    for tag, attrs in p.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            if value is not None and tag != "object":
                assert value.startswith(("#", "data:")), (tag, name, value)
        assert tag not in ("iframe", "object", "embed", "base"), tag  # a <link> only to data: (checked above)
    assert "@import" not in html and "url(http" not in html
    scripts = p.scripts
    assert any(not a for a, _ in scripts)  # the inlined JavaScript
    for attrs, text in scripts:
        assert "src" not in attrs
        if attrs.get("type") == "application/json":
            assert "<" not in text and ">" not in text  # tojson escapes them
            json.loads(text)
    assert "<style>" in html
    return p


def test_report_of_the_store_is_self_contained_and_escaped(env):
    d = env["store"].dossier()
    html = render_report(d)
    _check_report(html)
    assert "<script>window.__pwned" not in html and "<script>alert(1)" not in html
    assert "&lt;script&gt;window.__pwned" in html
    for s in d["stories"]:
        assert f'id="story-{s["id"]}"' in html
    for a in d["articles"]:
        assert a["id"] in html
    assert html.count('<article class="article"') == len(d["articles"])
    # evidence links point inside the file, at the event anchors of the articles
    data = [json.loads(t) for a, t in parse(html).scripts if a.get("type") == "application/json"]
    hrefs = {it["href"] for block in data for cells in block["cells"].values() for items in cells.values() for it in items}
    assert hrefs and all(h.startswith("#v") for h in hrefs)
    for h in hrefs:
        assert f'id="{h[1:]}"' in html


def test_report_json_data_escapes_markup():
    art = {"id": "x1", "title": "t", "outlet": "o", "published": "2024-01-01", "text": "</script><script>alert(1)</script> زار",
           "removed": ["<nav>chrome</nav>"], "wire": ["AFP"], "story": "s1",
           "warnings": [{"code": "stale_date", "message": "page dated 2024-01-01 calls an event upcoming that <2> sources date"}]}
    ev = {"id": "v1", "type": "VISIT", "article": "x1", "start": 0, "end": len(art["text"]), "text": art["text"],
          "trigger": {"text": "زار", "start": len(art["text"]) - 3, "end": len(art["text"])}, "actor": None, "recipient": None,
          "place": None, "modality": "asserted", "claim": "c1", "date": None}
    d = {"schema": "khabar.dossier/1", "articles": [art], "entities": [], "quantities": [], "times": [], "events": [ev],
         "stories": [{"id": "s1", "title": "<i>s</i>", "articles": ["x1"]}], "duplicates": [],
         "claims": [{"id": "c1", "summary": "<b>c</b>", "type": "VISIT", "events": ["v1"], "articles": ["x1"], "outlets": ["o"],
                     "independent_sources": 1, "status": "single_source", "date": None, "conflicts": [], "story": "s1"}],
         "conflicts": [], "timeline": [], "graph": {"nodes": [], "edges": []}}
    html = render_report(d)
    _check_report(html)
    assert "</script><script>alert(1)" not in html
    assert "\\u003c/script\\u003e" in html  # inside the JSON data block
    assert "<b>c</b>" not in html and "<i>s</i>" not in html
    assert "تاريخ متقادم" in html and "&lt;2&gt; sources" in html  # the stale_date warning, escaped
    assert '<details class="removed">' in html and "&lt;nav&gt;chrome&lt;/nav&gt;" in html
    view = story_view(d, "s1", Links("report", ["x1"]))
    assert [c["state"] for c in view["rows"][0]["cells"]] == ["supports"]


def test_analyze_writes_the_html_report(tmp_path):
    from typer.testing import CliRunner

    from khabar.present.cli import app

    out = tmp_path / "r" / "report.html"
    files = sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")[:3]
    res = CliRunner().invoke(app, ["analyze", *map(str, files), "--offline", "--html", str(out), "-q"])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    _check_report(html)
    assert html.count('<article class="article"') == 3
