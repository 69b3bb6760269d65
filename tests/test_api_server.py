"""`khabar serve` on a free local port: post the example corpus through the API, read it back.

Runs against SQLite, and against PostgreSQL when a server is reachable.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .stores import BACKENDS, database

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=BACKENDS)
def server(request, tmp_path):
    with database(request.param, tmp_path) as db:
        port = _free_port()
        env = {**os.environ, "KHABAR_TOKEN": "s3cret"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "khabar.present.cli", "serve", "--db", db, "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail("khabar serve did not start: " + proc.stdout.read().decode(errors="replace"))
        try:
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _post_corpus(base: str) -> dict[str, str]:
    auth = {"Authorization": "Bearer s3cret"}
    ids = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".txt", ".html"):
            raw = path.read_bytes()
            r = httpx.post(f"{base}/api/articles/upload", headers=auth, files={"file": (path.name, raw)}, timeout=60)
            assert r.status_code == 201, r.text
            ids[path.name] = r.json()["id"]
    return ids


def test_post_corpus_and_read_back(server):
    base = server
    auth = {"Authorization": "Bearer s3cret"}
    # writes need the token
    r = httpx.post(f"{base}/api/articles", json={"text": "نص"}, timeout=30)
    assert r.status_code == 401 and "token" in r.json()["detail"]
    ids = _post_corpus(base)
    assert len(ids) == 8
    # the same content again is a 200 with the stored id
    path = CORPUS / "01_sada_almashriq_emergency_toll.txt"
    r = httpx.post(f"{base}/api/articles/upload", headers=auth, files={"file": (path.name, path.read_bytes())}, timeout=60)
    assert r.status_code == 200 and r.json() == {**r.json(), "id": ids[path.name], "duplicate": True}
    # JSON posting of text
    text = (CORPUS / "02_alraseef_syria_toll_bab_alhawa.txt").read_text("utf-8")
    r = httpx.post(f"{base}/api/articles", headers=auth, json={"text": text, "outlet": "الرصيف نيوز"}, timeout=60)
    assert r.status_code == 200  # same text as the upload
    stories = httpx.get(f"{base}/api/stories", timeout=30).json()
    assert stories["total"] >= 1 and stories["items"]
    sid = stories["items"][0]["id"]
    dossier = httpx.get(f"{base}/api/stories/{sid}", timeout=30).json()
    assert dossier["schema"] == "khabar.dossier/1"
    for k in ("articles", "entities", "quantities", "times", "events", "stories", "duplicates", "claims", "conflicts",
              "timeline"):
        assert isinstance(dossier[k], list)
    own = {a["id"] for a in dossier["articles"] if a["story"] == sid}
    assert own and own == set(dossier["stories"][0]["articles"])
    claims = httpx.get(f"{base}/api/claims", params={"story": sid}, timeout=30).json()
    assert claims["total"] == len(dossier["claims"])
    conflicts = httpx.get(f"{base}/api/conflicts", params={"story": sid}, timeout=30).json()
    assert conflicts["total"] == len(dossier["conflicts"])
    art = httpx.get(f"{base}/api/articles/{ids[path.name]}", timeout=30).json()
    assert art["title"] and art["mentions"]
    ents = httpx.get(f"{base}/api/entities", params={"q": "أردوغان"}, timeout=30).json()
    assert ents["total"] >= 1
    found = httpx.get(f"{base}/api/search", params={"q": "باب الهوى"}, timeout=30).json()
    assert found["total"] >= 2
    page = httpx.get(f"{base}/api/stories", params={"limit": 1, "offset": 1}, timeout=30).json()
    assert page["limit"] == 1 and len(page["items"]) <= 1


def test_clear_errors(server):
    base = server
    auth = {"Authorization": "Bearer s3cret"}
    assert httpx.get(f"{base}/api/stories/nope", timeout=30).status_code == 404
    assert httpx.get(f"{base}/api/articles/nope", timeout=30).json()["detail"] == "no article 'nope'"
    r = httpx.post(f"{base}/api/articles", headers=auth, json={"text": "a", "html": "<p>b</p>"}, timeout=30)
    assert r.status_code == 422
    r = httpx.post(f"{base}/api/articles", headers={**auth, "Content-Type": "application/json"},
                   content=b"{" + b" " * 6_000_000 + b"}", timeout=30)
    assert r.status_code == 413
    r = httpx.post(f"{base}/api/articles/upload", headers=auth, files={"file": ("x.png", b"\x89PNG\r\n\x1a\n" + bytes(300))},
                   timeout=30)
    assert r.status_code == 422 and "binary" in r.json()["detail"]
    r = httpx.post(f"{base}/api/articles", headers=auth, json={"url": "http://127.0.0.1:9/x"}, timeout=30)
    assert r.status_code == 422 and "loopback" in r.json()["detail"]
    assert httpx.get(f"{base}/api/search", timeout=30).status_code == 422
    openapi = httpx.get(f"{base}/openapi.json", timeout=30).json()
    assert "/api/stories/{story_id}" in openapi["paths"]
