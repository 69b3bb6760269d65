"""Exports of a dossier for the tools analysts already use: JSON, CSV tables, GraphML, an HTML report."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

FORMATS = ("json", "csv", "graphml", "html")


def _names(d: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["name"] for e in d.get("entities", [])}


def csv_tables(d: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The dossier as flat tables: events, claims, entities, conflicts (one row per item)."""
    names = _names(d)
    outlets = {a["id"]: a.get("outlet") for a in d.get("articles", [])}
    events = []
    for e in d.get("events", []):
        q = e.get("quantity") or {}
        events.append({
            "id": e["id"], "type": e["type"], "article": e["article"], "outlet": outlets.get(e["article"]),
            "actor": names.get(e.get("actor") or "", ""), "recipient": names.get(e.get("recipient") or "", ""),
            "object": e.get("object") or "", "quantity": q.get("value") if q else "", "unit": q.get("unit") if q else "",
            "qualifier": q.get("qualifier") if q else "", "date": e.get("date") or "",
            "place": names.get(e.get("place") or "", ""),
            "attributed_to": "; ".join(a.get("text") or "" for a in e.get("attributed_to", [])),
            "modality": e.get("modality"), "claim": e.get("claim") or "", "sentence": e.get("text", ""),
            "start": e.get("start"), "end": e.get("end"),
        })
    claims = [{
        "id": c["id"], "type": c.get("type", ""), "summary": c["summary"], "status": c["status"],
        "independent_sources": c["independent_sources"], "articles": " ".join(c["articles"]),
        "outlets": "; ".join(c.get("outlets", [])), "date": c.get("date") or "", "events": " ".join(c["events"]),
    } for c in d.get("claims", [])]
    entities = [{
        "id": e["id"], "type": e["type"], "name": e["name"], "latin": e["latin"], "aliases": "; ".join(e["aliases"]),
        "mentions": len(e["mentions"]),
    } for e in d.get("entities", [])]
    conflicts = []
    for k in d.get("conflicts", []):
        for v in k["values"]:
            conflicts.append({
                "id": k["id"], "kind": k["kind"], "about": k["about"], "resolution": k.get("resolution", ""),
                "value": v["value"], "articles": " ".join(v["articles"]),
                "evidence": " ".join(f"{x['article']}:{x['start']}-{x['end']}" for x in v.get("evidence", [])),
            })
    return {"events": events, "claims": claims, "entities": entities, "conflicts": conflicts}


def _csv_text(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return buf.getvalue()


def write(d: dict[str, Any], fmt: str, out: str | None) -> list[str]:
    """Write the dossier in ``fmt`` to ``out`` (stdout when None; a folder for csv). Returns paths."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "csv":
        tables = csv_tables(d)
        if out is None:
            for name, rows in tables.items():
                sys.stdout.write(f"# {name}\n{_csv_text(rows)}\n")
            return []
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, rows in tables.items():
            p = folder / f"{name}.csv"
            p.write_text("\ufeff" + _csv_text(rows), encoding="utf-8")  # BOM: spreadsheets then read Arabic right
            paths.append(str(p))
        return paths
    if fmt == "json":
        text = json.dumps(d, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "graphml":
        from ..compare.graph import to_graphml

        text = to_graphml(d.get("graph") or {"nodes": [], "edges": []})
    else:
        from .report import render_report

        text = render_report(d)
    if out is None:
        sys.stdout.write(text)
        return []
    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return [str(p)]
