"""khabar's HTTP API (FastAPI) over a store. ``khabar serve`` runs it with the web UI.

Writes (``POST /api/articles``) need ``Authorization: Bearer <token>`` when the server has a token
(``--token`` or ``$KHABAR_TOKEN``). Bodies and uploads are size-limited. Errors are JSON
``{"detail": "..."}`` with a 4xx status that says what was wrong.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from .. import __version__
from ..ingest.decode import DecodeError, decode_bytes
from ..ingest.sources import IngestOptions
from ..model import RawDocument, SourceError
from ..store import Store

MAX_BODY = 5_000_000  # bytes of a JSON body or an upload
PAGE_MAX = 500


class ArticleIn(BaseModel):
    """An article to add: its ``text`` (plain or Markdown), its ``html``, or a ``url`` to fetch."""

    text: str | None = Field(None, description="plain text or Markdown, as pasted from a page")
    html: str | None = Field(None, description="the HTML of the page")
    url: str | None = Field(None, description="an http(s) URL to fetch")
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="publication date (any common form; ISO preferred)")
    source: str | None = Field(None, description="where it came from (a path or URL), for the record")

    @model_validator(mode="after")
    def one_content(self) -> ArticleIn:
        given = [k for k in ("text", "html", "url") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of text, html or url")
        return self


def create_app(store: Store, token: str | None = None, allow_private: bool = False, web: bool = True) -> FastAPI:
    token = token or os.environ.get("KHABAR_TOKEN") or None
    app = FastAPI(
        title="khabar",
        version=__version__,
        description="What the news says, according to whom, how well corroborated, and where sources disagree.",
        docs_url=None,  # the interactive docs load assets from a CDN: the OpenAPI document is at /openapi.json
        redoc_url=None,
    )
    app.state.store = store

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # noqa: ANN001, ANN202
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY + 10_000:
            return JSONResponse({"detail": f"request body larger than {MAX_BODY} bytes"}, status_code=413)
        return await call_next(request)

    def require_token(request: Request) -> None:
        if not token:
            return
        auth = request.headers.get("authorization", "")
        given = auth[7:] if auth.lower().startswith("bearer ") else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "a bearer token is required to add articles", headers={"WWW-Authenticate": "Bearer"})

    def ingest(raw: RawDocument) -> JSONResponse:
        from ..pipeline import process_document

        result = process_document(raw)
        if isinstance(result, SourceError):
            raise HTTPException(422, f"the article could not be read: {result.reason}")
        out = store.add([result])
        if out["added"]:
            aid = out["added"][0]
            art = store.article(aid) or {}
            return JSONResponse({"id": aid, "story": art.get("story"), "duplicate": False}, status_code=201)
        aid = out["duplicates"][0]
        art = store.article(aid) or {}
        return JSONResponse({"id": aid, "story": art.get("story"), "duplicate": True}, status_code=200)

    @app.post("/api/articles", status_code=201, dependencies=[Depends(require_token)],
              summary="Add an article (JSON); 201 with its id, 200 if the same text is already stored")
    def post_article(body: ArticleIn) -> JSONResponse:
        if body.url:
            from ..ingest.sources import iter_documents

            docs = list(iter_documents([body.url], IngestOptions(allow_private=allow_private)))
            raw = next((d for d in docs if isinstance(d, RawDocument)), None)
            if raw is None:
                reason = docs[0].reason if docs else "nothing could be read"
                raise HTTPException(422, f"{body.url}: {reason}")
            if body.source:
                raw.source = body.source
        else:
            content = body.html or body.text or ""
            if len(content.encode("utf-8")) > MAX_BODY:
                raise HTTPException(413, f"article larger than {MAX_BODY} bytes")
            raw = RawDocument(id=_id_for(content), source=body.source or "api", content=content,
                              format="html" if body.html else "text")
        raw.title = body.title or raw.title
        raw.outlet = body.outlet or raw.outlet
        raw.published = body.published or raw.published
        return ingest(raw)

    @app.post("/api/articles/upload", status_code=201, dependencies=[Depends(require_token)],
              summary="Add an article from an uploaded file (text, Markdown or HTML)")
    async def upload_article(file: UploadFile = File(...), title: str | None = Form(None),
                             outlet: str | None = Form(None), published: str | None = Form(None)) -> JSONResponse:
        data = await file.read(MAX_BODY + 1)
        if len(data) > MAX_BODY:
            raise HTTPException(413, f"upload larger than {MAX_BODY} bytes")
        try:
            content, enc = decode_bytes(data)
        except DecodeError as exc:
            raise HTTPException(422, f"{file.filename}: {exc}") from None
        name = file.filename or "upload"
        fmt = "html" if name.lower().endswith((".html", ".htm")) or content.lstrip()[:1] == "<" else "text"
        stem = os.path.splitext(os.path.basename(name))[0] or _id_for(content)
        raw = RawDocument(id=stem, source=name, content=content, format=fmt, encoding=enc,
                          title=title, outlet=outlet, published=published)
        return ingest(raw)

    @app.get("/api/articles/{article_id}", summary="One article with its mentions")
    def get_article(article_id: str) -> dict[str, Any]:
        art = store.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return art

    @app.get("/api/stories", summary="Stories, newest activity first")
    def get_stories(limit: int = Query(50, ge=1, le=PAGE_MAX), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        total, items = store.stories(limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/stories/{story_id}", summary="A story's dossier (the contract's shapes, restricted to the story)")
    def get_story(story_id: str) -> dict[str, Any]:
        d = store.dossier(story_id)
        if not d["stories"]:
            raise HTTPException(404, f"no story {story_id!r}")
        return d

    @app.get("/api/entities", summary="Entities, searched by any spelling")
    def get_entities(q: str | None = None, limit: int = Query(50, ge=1, le=PAGE_MAX),
                     offset: int = Query(0, ge=0)) -> dict[str, Any]:
        total, items = store.entities(q, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/claims", summary="Claims (optionally of one story)")
    def get_claims(story: str | None = None, limit: int = Query(100, ge=1, le=PAGE_MAX),
                   offset: int = Query(0, ge=0)) -> dict[str, Any]:
        total, items = store.claims(story, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/conflicts", summary="Conflicts between sources (optionally of one story)")
    def get_conflicts(story: str | None = None, limit: int = Query(100, ge=1, le=PAGE_MAX),
                      offset: int = Query(0, ge=0)) -> dict[str, Any]:
        total, items = store.conflicts(story, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/search", summary="Full-text search over articles (Arabic-normalised)")
    def get_search(q: str = Query(..., min_length=1, max_length=500), limit: int = Query(20, ge=1, le=PAGE_MAX),
                   offset: int = Query(0, ge=0)) -> dict[str, Any]:
        total, items = store.search(q, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    @app.get("/api/health", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "version": __version__, "counts": store.counts()}

    if web:
        from .web import mount_web

        mount_web(app, store)
    return app


def _id_for(content: str) -> str:
    import hashlib

    return "a" + hashlib.sha1(content.encode("utf-8")).hexdigest()[:16]
