"""Encoding detection: khabar.ingest.decode and encoded files read through iter_documents.

The encoded fixtures are written here from Python so their bytes are exactly what each encoding gives.
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from khabar.ingest.decode import DecodeError, decode_bytes, detect_stream_encoding
from khabar.ingest.sources import iter_documents
from khabar.model import RawDocument, SourceError

# Our own prose: a short local news report.
ARABIC = (
    "أعلنت مديرية الدفاع المدني في وادي السدر صباح اليوم أن فرق الإطفاء أخمدت الحريق الذي اندلع في "
    "مصنع النسيج، وأن ثلاثة من العمال نقلوا إلى المستشفى للعلاج من الاختناق.\n"
    "وقال المتحدث باسم المديرية إن التحقيق في أسباب الحادث سيبدأ بعد انتهاء عمليات التبريد، "
    "مؤكدا أن المخازن المجاورة لم تتضرر."
)
SHORT_ARABIC = "قال المحافظ إن اللجنة ستقدم تقريرها خلال أسبوع"


def _random_bytes(seed: int, low: int, n: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(n))


ENCODINGS = [
    # (name, bytes, expected label)
    ("utf-8", ARABIC.encode("utf-8"), "utf-8"),
    ("utf-8 BOM", ARABIC.encode("utf-8-sig"), "utf-8-sig"),
    ("utf-16 LE BOM", codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 BE BOM", codecs.BOM_UTF16_BE + ARABIC.encode("utf-16-be"), "utf-16-be"),
    ("utf-16 LE no BOM", ARABIC.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 BE no BOM", ARABIC.encode("utf-16-be"), "utf-16-be"),
    ("utf-32 BOM", ARABIC.encode("utf-32"), "utf-32-le"),
    ("windows-1256", ARABIC.encode("cp1256"), "windows-1256"),
    ("iso-8859-6", ARABIC.encode("iso8859_6"), "iso-8859-6"),
    ("windows-1256 short", SHORT_ARABIC.encode("cp1256"), "windows-1256"),
    ("iso-8859-6 short", SHORT_ARABIC.encode("iso8859_6"), "iso-8859-6"),
]


@pytest.mark.parametrize("name,data,label", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_decode_arabic_encodings(name: str, data: bytes, label: str) -> None:
    text, encoding = decode_bytes(data)
    expected = SHORT_ARABIC if "short" in name else ARABIC
    assert text == expected
    assert encoding == label


@pytest.mark.parametrize("codec", ["utf-8", "cp1256", "utf-16"])
def test_crlf_and_cr_become_newlines(codec: str) -> None:
    text, _ = decode_bytes("سطر أول عن الحريق\r\nسطر ثان عن الخسائر\rسطر ثالث عن التحقيق\r\n".encode(codec))
    assert text == "سطر أول عن الحريق\nسطر ثان عن الخسائر\nسطر ثالث عن التحقيق\n"


@pytest.mark.parametrize("codec,label", [("cp1256", "windows-1256"), ("iso8859_6", "iso-8859-6")])
def test_short_arabic_without_article(codec: str, label: str) -> None:
    text = "وصل وفد رسمي مساء أمس"
    assert decode_bytes(text.encode(codec)) == (text, label)


def test_wrong_latin_declaration_loses_to_arabic() -> None:
    data = ARABIC.encode("cp1256")
    text, encoding = decode_bytes(data, declared="iso-8859-1")
    assert text == ARABIC and encoding == "windows-1256"


def test_declared_charset_is_used_when_clean() -> None:
    russian = "Министерство сообщило, что пожар на фабрике потушен, пострадавших трое."
    text, encoding = decode_bytes(russian.encode("cp1251"), declared="windows-1251")
    assert text == russian and encoding == "windows-1251"


def test_bogus_declared_charset_is_ignored() -> None:
    text, encoding = decode_bytes(ARABIC.encode("utf-8"), declared="no-such-charset")
    assert text == ARABIC and encoding == "utf-8"


def test_french_windows_1252_is_not_turned_arabic() -> None:
    french = (
        "Le ministère a annoncé que la réunion était reportée à la semaine prochaine, après les élections."
    )
    text, _ = decode_bytes(french.encode("cp1252"))
    assert text == french


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t  \r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_empty(data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert err.value.reason == "empty file"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        b"some text\x00\x00\x01\x02 with NUL bytes in the middle \x00\x03",
        _random_bytes(7, 0, 2000),
        b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f abc" * 20,
    ],
    ids=["png", "pdf", "zip", "jpeg", "gif", "nul", "random", "controls"],
)
def test_binary(data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert err.value.reason == "binary file (not text)"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_undecodable_high_bytes_never_give_garbage(seed: int) -> None:
    data = _random_bytes(seed, 0x80, 600)
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert err.value.reason.startswith("cannot decode")


def test_invalid_utf16_after_bom() -> None:
    with pytest.raises(DecodeError):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41")  # lone surrogate, odd length


def test_detect_stream_encoding() -> None:
    assert detect_stream_encoding(ARABIC.encode("utf-8")[:101]) == "utf-8"  # cut inside a character
    assert detect_stream_encoding(ARABIC.encode("utf-8-sig")) == "utf-8-sig"
    assert detect_stream_encoding(ARABIC.encode("utf-16")) == "utf-16"
    assert detect_stream_encoding(ARABIC.encode("cp1256")) == "cp1256"
    with pytest.raises(DecodeError):
        detect_stream_encoding(b"\x89PNG\r\n\x1a\n\x00\x00")


# -- the same bytes as files ---------------------------------------------------------------------


@pytest.mark.parametrize("name,data,label", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_text_files_in_every_encoding(tmp_path: Path, name: str, data: bytes, label: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    (doc,) = iter_documents([str(path)])
    assert isinstance(doc, RawDocument), doc
    assert doc.content == (SHORT_ARABIC if "short" in name else ARABIC)
    assert doc.encoding == label
    assert doc.format == "text" and doc.id == "report"


def test_html_meta_charset_windows_1256(tmp_path: Path) -> None:
    html = f'<html><head><meta charset="windows-1256"><title>حريق</title></head><body><p>{ARABIC}</p></body>'
    path = tmp_path / "page.html"
    path.write_bytes(html.encode("cp1256"))
    (doc,) = iter_documents([str(path)])
    assert isinstance(doc, RawDocument)
    assert doc.format == "html" and ARABIC in doc.content and doc.encoding == "windows-1256"


@pytest.mark.parametrize(
    "codec,label", [("cp1256", "windows-1256"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")]
)
def test_corpus_in_legacy_and_utf16_encodings(tmp_path: Path, codec: str, label: str) -> None:
    one_line = ARABIC.replace("\n", " ")
    rows = (
        f'{{"id": "r1", "title": "حريق", "text": "{one_line}"}}\n{{"id": "r2", "text": "{SHORT_ARABIC}"}}\n'
    )
    path = tmp_path / "rows.jsonl"
    path.write_bytes(rows.encode(codec))
    docs = list(iter_documents([str(path)]))
    assert [d.id for d in docs] == ["r1", "r2"], docs
    assert docs[0].content == ARABIC.replace("\n", " ") and docs[0].title == "حريق"
    assert docs[1].content == SHORT_ARABIC
    assert docs[0].encoding == label


def test_csv_in_windows_1256(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(f'title,text\nالحريق,"{ARABIC}"\n'.encode("cp1256"))
    (doc,) = iter_documents([str(path)])
    assert isinstance(doc, RawDocument), doc
    assert doc.content == ARABIC and doc.title == "الحريق" and doc.encoding == "windows-1256"


def test_undecodable_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(_random_bytes(5, 0x80, 800))
    (err,) = iter_documents([str(path)])
    assert isinstance(err, SourceError)
    assert err.reason == "cannot decode: not UTF-8/UTF-16/Windows-1256/ISO-8859-6 text"
