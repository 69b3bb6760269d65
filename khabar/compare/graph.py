"""The actor graph: who supplies, deploys to, meets, signs with whom — from the claims.

Nodes are entities (states stand for their capitals and government bodies); an edge goes from a
claim's actor to its recipient (or the place visited), one edge per (actor, recipient, type), with
the number of claims and of independent sources behind it. Exported as JSON (in the dossier) and
as GraphML (opens in Gephi, yEd, networkx).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from xml.sax.saxutils import escape, quoteattr


def build_graph(claims: list[dict[str, Any]], events: dict[str, dict[str, Any]], entities: dict[str, dict[str, Any]]) -> dict:
    """``claims`` and ``events`` in the dossier's shapes; ``entities`` by id."""
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    degree: dict[str, int] = defaultdict(int)
    for c in claims:
        evs = [events[e] for e in c["events"] if e in events]
        if not evs:
            continue
        e = evs[0]
        src = e.get("actor")
        dst = e.get("recipient") or (e.get("place") if c["type"] in ("VISIT", "DEPLOY", "ATTACK") else None)
        if not src or not dst or src == dst:
            continue
        k = (src, dst, c["type"])
        edge = edges.setdefault(k, {"source": src, "target": dst, "type": c["type"], "claims": [], "sources": 0,
                                    "status": set()})
        edge["claims"].append(c["id"])
        edge["sources"] = max(edge["sources"], c["independent_sources"])
        edge["status"].add(c["status"])
        degree[src] += 1
        degree[dst] += 1
    nodes = []
    for eid in sorted(degree, key=lambda x: (-degree[x], x)):
        ent = entities.get(eid, {})
        nodes.append({"id": eid, "name": ent.get("name", eid), "latin": ent.get("latin", ""),
                      "type": ent.get("type", "OTHER"), "degree": degree[eid]})
    out_edges = []
    for edge in edges.values():
        edge = dict(edge)
        edge["status"] = "conflicting" if "conflicting" in edge["status"] else (
            "corroborated" if "corroborated" in edge["status"] else "single_source")
        edge["weight"] = len(edge["claims"])
        out_edges.append(edge)
    return {"nodes": nodes, "edges": out_edges}


def to_graphml(graph: dict) -> str:
    """GraphML text of a graph from ``build_graph``."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        '  <key id="name" for="node" attr.name="name" attr.type="string"/>',
        '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
        '  <key id="etype" for="node" attr.name="entity_type" attr.type="string"/>',
        '  <key id="type" for="edge" attr.name="type" attr.type="string"/>',
        '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
        '  <key id="sources" for="edge" attr.name="independent_sources" attr.type="int"/>',
        '  <key id="status" for="edge" attr.name="status" attr.type="string"/>',
        '  <key id="claims" for="edge" attr.name="claims" attr.type="string"/>',
        '  <graph id="actors" edgedefault="directed">',
    ]
    for n in graph["nodes"]:
        lines.append(f"    <node id={quoteattr(n['id'])}>")
        lines.append(f"      <data key=\"name\">{escape(n['name'])}</data>")
        lines.append(f"      <data key=\"label\">{escape(n['latin'] or n['name'])}</data>")
        lines.append(f"      <data key=\"etype\">{escape(n['type'])}</data>")
        lines.append("    </node>")
    for i, e in enumerate(graph["edges"]):
        lines.append(f"    <edge id=\"r{i + 1}\" source={quoteattr(e['source'])} target={quoteattr(e['target'])}>")
        lines.append(f"      <data key=\"type\">{escape(e['type'])}</data>")
        lines.append(f"      <data key=\"weight\">{float(e['weight'])}</data>")
        lines.append(f"      <data key=\"sources\">{int(e['sources'])}</data>")
        lines.append(f"      <data key=\"status\">{escape(e['status'])}</data>")
        lines.append(f"      <data key=\"claims\">{escape(' '.join(e['claims']))}</data>")
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"
