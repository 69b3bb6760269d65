"""Acceptance on ../shared/seeds (skipped where ../shared is absent): the spine's "what it must show"."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from khabar.ingest.clean import _info, chrome_reason, normalize_line  # noqa: PLC2701 - the classifier under test
from khabar.ingest.sources import IngestOptions
from khabar.compare.engine import publication_order
from khabar.pipeline import dossier, run
from khabar.present.dossier import write_json
from khabar.store import Store

from .conftest import shared_path


@pytest.fixture(scope="module")
def seeds_result():
    result = run([str(shared_path("seeds"))], IngestOptions(offline=True))
    assert not result.errors
    return result


@pytest.fixture(scope="module")
def seeds_dossier(tmp_path_factory, seeds_result):
    d = dossier(seeds_result)  # what `khabar analyze` writes
    out = tmp_path_factory.mktemp("seeds") / "out.json"
    write_json(d, out)
    return d, out


def test_seeds_dossier_validates(seeds_dossier):
    _, out = seeds_dossier
    validator = shared_path("tools", "validate_dossier.py")
    proc = subprocess.run([sys.executable, str(validator), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "khabar.dossier/1"


def test_seeds_ui_and_comment_lines_are_removed_not_kept(seeds_dossier):
    d, _ = seeds_dossier
    for a in d["articles"]:
        raw_lines = [normalize_line(ln) for ln in (shared_path("seeds") / f"{a['id']}.txt").read_text("utf-8").splitlines()]
        kept = a["text"].split("\n")
        for line in kept:
            assert chrome_reason(_info(line), True) is None, (a["id"], line)
        # nothing was lost: every raw line is kept (possibly unglued) or recorded as removed
        joined = "\n".join(kept)
        for line in raw_lines:
            if not line:
                continue
            bare = line.replace("### ", "").replace("###", "")
            assert bare in joined or line in a["removed"] or all(
                part.strip() in joined for part in line.split("###") if part.strip()
            ), (a["id"], line)


def test_seeds_repeated_captions_appear_once(seeds_dossier):
    d, _ = seeds_dossier
    for a in d["articles"]:
        lines = a["text"].split("\n")
        assert len(lines) == len(set(lines)), a["id"]


def test_seeds_titles_are_headlines(seeds_dossier):
    d, _ = seeds_dossier
    for a in d["articles"]:
        assert a["title"] and a["title"] == a["text"].split("\n")[0] or a["title"] in a["text"], a["id"]
        assert len(a["title"].split()) >= 4


def test_seeds_stated_metadata_is_found(seeds_dossier):
    d, _ = seeds_dossier
    by_id = {a["id"]: a for a in d["articles"]}
    # what the pages state: dates on two pages, a byline, three credit lines, two wire credits
    stated = {
        "001_c951edba429ed671": {"published": "2024-11-22", "author": "خاطر عبادة"},
        "002_3ab0a48c1437315e": {"outlet": "وكالة ستيب الاخبارية"},
        "003_39c8f24627961fc0": {"outlet": "العربية الآن", "wire": ["AP"]},
        "004_20450e096a721dfc": {"published": "2024-09-13", "outlet": "العربي الجديد", "wire": ["AFP"]},
    }
    for aid, fields in stated.items():
        for k, v in fields.items():
            assert by_id[aid][k] == v, (aid, k)
    assert all(a["language"] == "ar" for a in d["articles"])


def test_seeds_are_one_story(seeds_dossier):
    # one developing story (Russia–North Korea military cooperation, 2024), though the two dated
    # pages are 70 days apart and three pages are undated
    d, _ = seeds_dossier
    assert len(d["stories"]) == 1, [(s["id"], s["articles"]) for s in d["stories"]]
    assert sorted(d["stories"][0]["articles"]) == sorted(a["id"] for a in d["articles"])
    assert {a["story"] for a in d["articles"]} == {d["stories"][0]["id"]}


ORDERS = {  # the store adds what it is given in the order given (it does not sort by date)
    "newest first": lambda seq: list(reversed(seq)),
    "in file order": lambda seq: sorted(seq, key=lambda a: a.article.id),
    "oldest first": lambda seq: list(seq),
}
KNOWN_LIMIT = pytest.mark.xfail(strict=True, reason=(
    "the first two articles, alone (cosine 0.22), look like two articles of a general stream; what "
    "makes the pile one story (its background, the undated articles) comes after them, and placed "
    "articles are not revisited (docs/stories.md, Known limits)"))


@pytest.mark.parametrize("chunk", [5, 1], ids=["one batch", "one at a time"])
@pytest.mark.parametrize("how", [pytest.param(h, marks=KNOWN_LIMIT) if h == "oldest first" else h
                                 for h in ORDERS])
def test_seeds_are_one_story_whatever_the_order_of_ingestion(seeds_result, tmp_path, how, chunk):
    store = Store(str(tmp_path / "khabar.db"))
    seq = ORDERS[how](publication_order(copy.deepcopy(seeds_result.analyses)))
    for i in range(0, len(seq), chunk):
        assert store.add(seq[i: i + chunk])["added"]
    d = store.dossier()
    assert len(d["articles"]) == 5
    assert len(d["stories"]) == 1, [(s["id"], s["articles"]) for s in d["stories"]]
