"""Progress on long work: bytes of local input read (for corpora, whose size in documents is not
known in advance) and the live progress bar with articles/s and an ETA."""

from __future__ import annotations

import gzip
import io
import json
import lzma

from rich.console import Console

from khabar.ingest.sources import IngestOptions, ReadProgress, iter_documents, local_bytes
from khabar.model import SourceError
from khabar.present import cli

ROWS = [
    {"id": f"n{i}", "title": f"عنوان الخبر رقم {i}",
     "text": f"قالت وزارة الصحة في بيان اليوم إن عدد المصابين في المدينة ارتفع إلى {100 + i} شخص. "
             "وأضافت أن فرق الإسعاف ما زالت تعمل في الأحياء الشرقية."}
    for i in range(40)
]


def _jsonl() -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS).encode("utf-8") + b"\n"


def test_every_byte_of_a_plain_and_compressed_corpus_is_counted(tmp_path):
    plain = tmp_path / "news.jsonl"
    plain.write_bytes(_jsonl())
    gz = tmp_path / "news2.jsonl.gz"
    gz.write_bytes(gzip.compress(_jsonl()))
    xz = tmp_path / "news3.jsonl.xz"
    xz.write_bytes(lzma.compress(_jsonl()))
    for path in (plain, gz, xz):
        prog = ReadProgress(path.stat().st_size)
        seen = []
        for doc in iter_documents([str(path)], IngestOptions(progress=prog)):
            assert not isinstance(doc, SourceError)
            seen.append(doc)
            assert 0 < prog.done <= prog.total  # grows as the file is read
        assert len(seen) == len(ROWS)
        assert prog.done == path.stat().st_size and prog.fraction == 1.0, path.name
    assert local_bytes([str(tmp_path)]) == sum(p.stat().st_size for p in (plain, gz, xz))
    assert local_bytes([str(plain), "https://example.org/a"]) is None


def test_reading_stays_lazy_with_progress(tmp_path):
    """The count follows the consumer: after the first document only the first buffer is read."""
    rows = ROWS * 200  # ~ 1.5 MB
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    prog = ReadProgress(path.stat().st_size)
    it = iter_documents([str(path)], IngestOptions(progress=prog))
    next(it)
    assert 0 < prog.fraction < 0.9
    it.close()


def test_progress_bar_shows_rate_and_eta_on_bytes(monkeypatch):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160)
    monkeypatch.setattr(cli, "err", console)
    read = ReadProgress(1000)
    reporter = cli._Reporter(False, None, read)
    reporter.start()
    try:
        for i in range(5):
            read.done += 100
            reporter(object())  # an analysed article (only counted)
        reporter.progress.refresh()
        text = out.getvalue()
        assert "50%" in text and "5 articles" in text and "articles/s" in text and "ETA" in text
        reporter.finishing()
        reporter.progress.refresh()
        assert "cross-article results" in out.getvalue()
    finally:
        reporter.close()


def test_known_number_of_documents_wins_over_bytes(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=out, force_terminal=True, width=160))
    reporter = cli._Reporter(False, 4, ReadProgress(1000))
    assert reporter.read is None
    reporter.start()
    try:
        reporter(object())
        reporter.progress.refresh()
        assert "1/4" in out.getvalue() and "25%" in out.getvalue()
    finally:
        reporter.close()


def test_each_document_carries_the_position_it_was_read_at(tmp_path):
    """Results come back in input order, one per document: the progress bar follows the analysis,
    not the reader running ahead of it."""
    rows = ROWS * 100
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")))
    prog = ReadProgress(path.stat().st_size)
    docs = list(iter_documents([str(path)], IngestOptions(progress=prog)))
    assert len(prog.marks) == len(docs) == len(rows)
    marks = [prog.position() for _ in docs]
    assert marks == sorted(marks) and marks[-1] == path.stat().st_size
    assert prog.position() == prog.done  # no marks left: the reader's count
