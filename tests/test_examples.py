"""The bundled example corpus (written for khabar) goes through the spine with its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.ingest.sources import IngestOptions
from khabar.pipeline import run

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


@pytest.fixture(scope="module")
def articles():
    result = run([str(CORPUS)], IngestOptions(offline=True))
    assert not result.errors
    return {a.id: a for a in result.articles}


def test_every_form_is_read(articles):
    assert len(articles) == 10  # 6 pasted pages, 2 HTML pages, 2 feed items
    cp1256 = articles["06_shurfat_alkhaleej_saudi_plane_aleppo_cp1256"]
    assert cp1256.encoding == "windows-1256"
    assert "طائرة إغاثة سعودية" in cp1256.text
    feed_items = [a for a in articles.values() if a.id.startswith("f")]
    assert len(feed_items) == 2
    assert all(a.outlet and a.outlet.startswith("الساحل اليوم") for a in feed_items)


def test_every_article_has_title_date_and_outlet(articles):
    for a in articles.values():
        assert a.title and len(a.title.split()) >= 5, a.id
        assert a.published and a.published.startswith("2023-"), a.id
        assert a.outlet, a.id
        assert a.language == "ar", a.id


def test_wire_credits_and_bylines(articles):
    assert articles["03_mizan_reuters_erdogan_kahramanmaras"].wire == ["Reuters"]
    assert articles["07_duroob_reuters_erdogan_visit"].wire == ["Reuters"]
    assert articles["01_sada_almashriq_emergency_toll"].author == "سامر الحلبي"
    assert articles["08_manarat_alanadol_contractor_warrants"].author == "مراد أوزتورك"


def test_chrome_is_removed(articles):
    for a in articles.values():
        for chrome in ("A A", "+ الخط -", "استمع إلى المقال", "Exit mobile version", "اترك رداً", "أضف تعليقك"):
            assert chrome not in a.text.split("\n"), (a.id, chrome)
        assert "reCAPTCHA" not in a.text
