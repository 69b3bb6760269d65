"""The web UI and the HTML report in a real browser: headless Chromium driven by Playwright.

``khabar serve`` runs as a subprocess over a temporary store filled by ``khabar ingest`` (the
example corpus) and the API (an article carrying ``<script>`` and ``<img onerror>``, and two
articles dating one visit to different years when the corpus has no conflict of its own). The test
opens the story page, checks the matrix, a conflict and the timeline, clicks a matrix cell and reads
the evidence sentence, follows it to the article, saves screenshots under ``out/screenshots/``, and
checks that the hostile article's markup shows as text and never runs. It uses Debian's
``/usr/bin/chromium`` (never a downloaded browser) and skips when it or Playwright is missing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
SHOTS = ROOT / "out" / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

VISIT = ("زار وزير الخارجية الأردني أيمن الصفدي العاصمة السورية دمشق في يونيو {year}، والتقى الرئيس السوري "
         "بشار الأسد لبحث إيصال المساعدات إلى المناطق المنكوبة بالزلزال.")
CONFLICTING = [
    {"text": VISIT.format(year=2023), "title": "الصفدي في دمشق", "outlet": "صحيفة الأولى", "published": "2024-07-01"},
    {"text": VISIT.format(year=2024), "title": "زيارة الصفدي إلى دمشق", "outlet": "موقع الثانية", "published": "2024-07-02"},
]
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=2">'
HOSTILE = {
    "text": f"خبر تجريبي عن فرق الإنقاذ في حلب.\n{HOSTILE_SCRIPT}\n{HOSTILE_IMG}\n"
            "وقال مسؤول إن فرق الإنقاذ وصلت إلى حلب يوم الأربعاء.",
    "title": "مقال تجريبي <script>window.__pwned=3</script>",
    "outlet": "منفذ تجريبي",
    "published": "2023-02-09",
}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "khabar.present.cli", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


def _post(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read().decode("utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db = str(tmp / "khabar.db")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(_cli("ingest", str(CORPUS), "--offline", "--db", db, "-q"), env=env, capture_output=True, check=False,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    log = open(tmp / "serve.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(_cli("serve", "--db", db, "--port", str(port)), env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                _get(base + "/api/health")
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    log.seek(0)
                    pytest.fail(f"khabar serve did not start:\n{log.read()}")
                time.sleep(0.3)
        try:
            hostile = _post(base + "/api/articles", HOSTILE)
            if _get(base + "/api/conflicts")["total"] == 0:
                for body in CONFLICTING:
                    _post(base + "/api/articles", body)
        except urllib.error.HTTPError as exc:
            time.sleep(1.0)  # the server logs the traceback after answering
            log.seek(0)
            pytest.fail(f"khabar serve answered {exc.code} to {exc.url}; its log:\n{log.read()[-4000:]}")
        yield {"base": base, "hostile": hostile["id"], "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _page(browser, base: str | None = None):
    """A page that records console errors (CSP violations among them) and requests leaving ``base``."""
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="ar")
    page.errors, page.foreign = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def on_request(req) -> None:
        url = req.url
        if not (url.startswith("data:") or (base and url.startswith(base)) or (not base and url.startswith("file:"))):
            page.foreign.append(url)

    page.on("request", on_request)
    return page


def test_story_page_in_chromium(server, browser):
    base = server["base"]
    conflicts = _get(base + "/api/conflicts")["items"]
    assert conflicts, "the store has a conflict (the corpus's own, or the two dated visits)"
    sid = next(k["story"] for k in conflicts if k.get("story"))
    n_claims = _get(f"{base}/api/claims?story={sid}&limit=500")["total"]
    page = _page(browser, base)
    page.goto(f"{base}/stories/{sid}")

    # right to left, Arabic
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # the matrix: a row per claim, cells that reveal their evidence
    matrix = page.locator(f"#matrix-{sid} table.matrix")
    assert matrix.is_visible()
    assert matrix.locator("tbody tr.claim-row").count() == n_claims
    cell = matrix.locator("button.cell.supports").first
    claim = cell.get_attribute("data-claim")
    cell.scroll_into_view_if_needed()
    cell.click()
    panel = matrix.locator("tr.evidence-row .evidence-panel")
    panel.wait_for(state="visible", timeout=5000)
    assert cell.get_attribute("aria-expanded") == "true"
    sentence = panel.locator(".ev-sentence").first
    text = sentence.inner_text().strip()
    assert text
    assert sentence.locator("mark.trig").count() >= 1
    story = _get(f"{base}/api/stories/{sid}")
    claim_events = next(c["events"] for c in story["claims"] if c["id"] == claim)
    sentences = {" ".join(e["text"].split()) for e in story["events"] if e["id"] in claim_events}
    assert " ".join(text.split()) in sentences
    href = panel.locator(".ev-src a").first.get_attribute("href")
    assert href.startswith("/articles/") and "#v" in href

    # a conflict, side by side; the timeline with its disputed dates
    conflict = page.locator(f"#conflicts-{sid} article.conflict").first
    assert conflict.is_visible()
    assert conflict.locator(".side").count() >= 2
    assert conflict.locator("blockquote.evidence").count() >= 2
    timeline = page.locator(f"#timeline-{sid} ol.timeline li")
    assert timeline.count() >= 1
    if any(k["kind"] == "date" and k.get("story") == sid for k in conflicts):
        assert page.locator(f"#timeline-{sid} li.disputed").count() >= 2
    assert page.locator(f"#graph-{sid} svg.graph, #graph-{sid} .empty").count() >= 1

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "story.png"))
    page.screenshot(path=str(SHOTS / "story-full.png"), full_page=True)
    page.locator(f"#matrix-{sid}").screenshot(path=str(SHOTS / "story-matrix.png"))
    page.locator(f"#conflicts-{sid}").screenshot(path=str(SHOTS / "story-conflicts.png"))

    # the evidence link opens the article at the event's sentence, highlighted
    page.goto(base + href)
    event = href.split("#", 1)[1]
    target = page.locator(f".article-text .ev:has(> a.anchor#{event})")
    assert target.count() == 1 and target.is_visible()
    assert " ".join(target.inner_text().split()) in sentences
    page.screenshot(path=str(SHOTS / "article.png"))
    assert not page.errors, page.errors
    assert not page.foreign, page.foreign


def test_hostile_article_does_not_run(server, browser):
    base = server["base"]
    page = _page(browser, base)
    page.goto(f"{base}/articles/{server['hostile']}")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    text = page.locator(".article-text").inner_text()
    assert HOSTILE_SCRIPT in text
    assert HOSTILE_IMG in text
    assert "<script>window.__pwned=3</script>" in page.locator("h1.article-title").inner_text()
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    assert not page.foreign, page.foreign
    page.goto(f"{base}/search?q=" + urllib.request.quote("فرق الإنقاذ"))
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_report_opens_offline(tmp_path, browser):
    out = tmp_path / "report.html"
    done = subprocess.run(_cli("analyze", str(CORPUS), "--offline", "--html", str(out), "-q"), capture_output=True, check=False,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    page = _page(browser)
    page.goto(out.as_uri())
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("section.story").count() >= 1
    cell = page.locator("table.matrix button.cell").first
    cell.scroll_into_view_if_needed()
    cell.click()
    page.locator("tr.evidence-row .ev-sentence").first.wait_for(state="visible", timeout=5000)
    link = page.locator("tr.evidence-row .ev-src a").first.get_attribute("href")
    assert link.startswith("#v")
    assert page.locator(f"a.anchor{link}").count() == 1  # the article with the event is in the file
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report.png"))
    assert not page.errors, page.errors
    assert not page.foreign, page.foreign
