"""The web UI: HTML pages over the store, on the API's server (``mount_web(app, store)``).

Pages: ``/`` (stories, newest activity first), ``/stories/{id}`` (summary, claims × sources matrix,
conflicts side by side, timeline, actor graph, entities), ``/articles/{id}`` (the text with its
spans highlighted), ``/search?q=``. Assets are served from the package (``/static/…``); nothing is
loaded from elsewhere, and HTML responses carry a Content-Security-Policy without inline scripts.
The views are the ones the HTML report draws (``khabar.present.report``).
"""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup, escape

from .report import STATIC, Links, article_view, render, story_view

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
PAGE = 25


def mount_web(app: FastAPI, store: Any) -> None:
    """Add the HTML pages and the static assets to ``app``."""
    links = Links("web")
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Frame-Options"] = "DENY"
        return response

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(template, mode="web", links=links, **context), status_code=status)

    def not_found(what: str) -> HTMLResponse:
        return page("error.html", status=404, title="غير موجود", message=what)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(p: int = Query(1, ge=1)) -> HTMLResponse:
        total, items = store.stories(PAGE, (p - 1) * PAGE)
        for s in items:
            s["href"] = links.story(s["id"])
        return page("index.html", stories=items, total=total, page=p, pages=max(1, math.ceil(total / PAGE)),
                    counts=store.counts())

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(story_id: str) -> HTMLResponse:
        d = store.dossier(story_id)
        if not d["stories"]:
            return not_found(f"لا توجد قصة بالمعرّف {story_id}")
        # a claim of this story can hold (conflicting) evidence from articles of another story: the
        # story's dossier leaves those articles out, so fetch them for the evidence spans
        # ... and its claims can hold events of articles of another story: add those events too
        r = store.results()
        wanted = {v for c in d["claims"] if c.get("story") == story_id for v in c.get("events", [])}
        wanted -= {e["id"] for e in d["events"]}
        if wanted:
            d["events"] = d["events"] + [e for e in r["events"] if e["id"] in wanted]
        have = {a["id"] for a in d["articles"]}
        need = {a for k in d["conflicts"] for v in k.get("values") or [] for a in v.get("articles") or []}
        need |= {e["article"] for e in d["events"]}
        for aid in sorted(need - have):
            art = store.article(aid)
            if art is not None:
                art.pop("mentions", None)
                d["articles"].append(art)
                quantities, times = _numbers(store, aid)
                d["quantities"] = d["quantities"] + quantities
                d["times"] = d["times"] + times
        return page("story.html", s=story_view(d, story_id, links))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article(article_id: str) -> HTMLResponse:
        art = store.article(article_id)
        if art is None:
            return not_found(f"لا يوجد مقال بالمعرّف {article_id}")
        r = store.results()
        events = [e for e in r["events"] if e["article"] == article_id]
        entities = []
        for e in r["entities"]:
            ms = [m for m in e["mentions"] if m["article"] == article_id]
            if ms:
                entities.append({**e, "mentions": ms})
        # the store's article lacks the stale-date warnings and the quantities/times: add them here
        warnings = list(art.get("warnings") or [])
        for message in r.get("stale", {}).get(article_id, []):
            warnings.append({"code": "stale_date", "message": message})
        art["warnings"] = warnings
        quantities, times = _numbers(store, article_id)
        claims = {c["id"]: c for c in r["claims"] if article_id in c.get("articles", [])}
        story_title = None
        if art.get("story"):
            story_title = next((s["title"] for s in r["stories"] if s["id"] == art["story"]), None)
        view = article_view(art, events, entities, quantities, times, links, claims)
        return page("article.html", a=view, story_title=story_title)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(q: str = Query("", max_length=500), p: int = Query(1, ge=1)) -> HTMLResponse:
        q = q.strip()
        total, items, entities, n_entities = 0, [], [], 0
        if q:
            total, items = store.search(q, PAGE, (p - 1) * PAGE)
            for it in items:
                it["href"] = links.article(it["id"])
                it["story_href"] = links.story(it["story"]) if it.get("story") else None
                art = store.article(it["id"]) or {}
                # the store's snippet is of the normalised text (folded letters): cut one from the original
                it["snippet_html"] = _snippet(art.get("text") or "", q) or \
                    Markup("… {} …").format(_highlight(it.get("snippet") or "", q))
            n_entities, entities = store.entities(q, 20, 0)
        return page("search.html", q=q, total=total, results=items, page=p, pages=max(1, math.ceil(total / PAGE)),
                    entities=entities, n_entities=n_entities)

    @app.get("/stories", include_in_schema=False)
    def stories_redirect() -> RedirectResponse:
        return RedirectResponse("/", status_code=307)


def _numbers(store: Any, article_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from ..model import to_plain

    try:
        analyses = store.analyses([article_id])
    except Exception:  # noqa: BLE001 - highlighting numbers is a nicety, never a reason to fail the page
        return [], []
    if not analyses:
        return [], []
    a = analyses[0]
    return ([{**to_plain(q), "article": article_id} for q in a.quantities],
            [{**to_plain(x), "article": article_id} for x in a.times])


def _snippet(text: str, q: str, width: int = 240) -> Markup | None:
    """A window of ``text`` around the first match of the query's words (matched as the store
    matches them: on normalised letters), escaped, with the matches marked; None when none match."""
    from ..text.normalize import key

    terms = sorted({w for w in key(q).split() if w}, key=len, reverse=True)
    if not text or not terms:
        return None
    norm: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                norm.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        for c in key(ch):
            norm.append(c)
            where.append(i)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    hits = [(where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer("".join(norm))]
    if not hits:
        return None
    start = max(0, hits[0][0] - width // 3)
    end = min(len(text), start + width)
    while start > 0 and not text[start - 1].isspace() and hits[0][0] - start < width // 2:
        start -= 1
    while end < len(text) and not text[end].isspace() and end - start < width + 30:
        end += 1
    out: list[Markup | str] = [Markup("… ") if start > 0 else ""]
    pos = start
    for a, b in hits:
        if a < pos or b > end:
            continue
        out.append(escape(text[pos:a]))
        out.append(Markup("<mark>{}</mark>").format(text[a:b]))
        pos = b
    out.append(escape(text[pos:end]))
    out.append(Markup(" …") if end < len(text) else "")
    return Markup("").join(out)


def _highlight(snippet: str, q: str) -> Markup:
    """The snippet escaped, with the query's (normalised) words marked."""
    from ..text.normalize import key

    words = sorted({w for w in key(q).split() if w}, key=len, reverse=True)
    if not words:
        return escape(snippet)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out, pos = [], 0
    for m in pattern.finditer(snippet):
        out.append(escape(snippet[pos:m.start()]))
        out.append(Markup("<mark>{}</mark>").format(m.group(0)))
        pos = m.end()
    out.append(escape(snippet[pos:]))
    return Markup("").join(out)
