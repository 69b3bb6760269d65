"""The JSON dossier (``khabar.dossier/1``): the contract in docs/dossier.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..model import Article, ArticleAnalysis, to_plain

SCHEMA = "khabar.dossier/1"
TOP_LEVEL = ("articles", "entities", "quantities", "times", "events", "stories", "duplicates", "claims", "conflicts", "timeline")


def article_json(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "url": a.url,
        "title": a.title,
        "outlet": a.outlet,
        "author": a.author,
        "published": a.published,
        "wire": list(a.wire),
        "language": a.language,
        "text": a.text,
        "removed": list(a.removed),
        "warnings": [{"code": w.code, "message": w.message} for w in a.warnings],
        "contributors": list(a.contributors),
        "encoding": a.encoding,
        "words": a.words,
    }


def _with_article(items: list[Any], article_id: str) -> list[dict[str, Any]]:
    out = []
    for item in items:
        d = to_plain(item)
        d["article"] = article_id
        out.append(d)
    return out


def build_dossier(analyses: list[ArticleAnalysis], **cross: list[dict[str, Any]]) -> dict[str, Any]:
    """The dossier for ``analyses``; ``cross`` holds the cross-article arrays (entities, stories, …)."""
    d: dict[str, Any] = {"schema": SCHEMA}
    d["articles"] = [article_json(x.article) for x in analyses]
    d["entities"] = cross.get("entities", [])
    d["quantities"] = [q for x in analyses for q in _with_article(x.quantities, x.article.id)]
    d["times"] = [t for x in analyses for t in _with_article(x.times, x.article.id)]
    d["events"] = cross.get("events") or [e for x in analyses for e in x.events]
    for k in ("stories", "duplicates", "claims", "conflicts", "timeline"):
        d[k] = cross.get(k, [])
    return d


def write_json(dossier: dict[str, Any], path: str | Path) -> None:
    """Write the dossier as UTF-8 JSON (``-`` for standard output); parent folders are created."""
    data = json.dumps(dossier, ensure_ascii=False, indent=1)
    if str(path) == "-":
        sys.stdout.write(data + "\n")
        return
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".part")
    tmp.write_text(data + "\n", encoding="utf-8")
    tmp.replace(p)
