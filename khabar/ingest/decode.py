"""Bytes to text: encoding detection for messy news sources, Arabic first.

The order of attempts (first success wins):

1. empty / binary checks (magic numbers such as PNG, PDF, ZIP);
2. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
3. UTF-16 without a BOM, recognised by its byte pattern (every other byte ``0x00`` for Latin
   text, ``0x06`` for Arabic text);
4. NUL bytes or many control bytes from here on mean binary content;
5. strict UTF-8;
6. a declared charset (HTTP header, ``<meta charset>``, XML declaration) when it decodes cleanly;
7. Arabic single-byte text (Windows-1256 or ISO-8859-6), recognised by how Arabic the result reads;
8. charset-normalizer for everything else, accepted only if the result looks like text.

Anything else raises :class:`DecodeError` with a human reason: the caller never gets a garbage string.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

__all__ = ["DecodeError", "decode_bytes", "detect_stream_encoding", "is_binary_head", "normalize_newlines"]

EMPTY = "empty file"
BINARY = "binary file (not text)"
UNDECODABLE = "cannot decode: not UTF-8/UTF-16/Windows-1256/ISO-8859-6 text"


class DecodeError(ValueError):
    """Raised when bytes cannot be turned into trustworthy text; ``reason`` is human readable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Magic numbers of common binary formats that can end up in a news folder or behind a URL.
_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"\x1f\x8b",  # gzip
    b"\xfd7zXZ\x00",  # xz
    b"BZh91AY&SY",  # bzip2 (block size 9, the common case)
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2 (old .doc/.xls)
    b"\x7fELF",
    b"OggS",
    b"ID3\x02",  # MP3 (ID3v2.2-2.4 tag)
    b"ID3\x03",
    b"ID3\x04",
    b"\x00\x00\x01\x00",  # ICO
    b"wOFF",
    b"wOF2",
    b"\x00asm",
)

# (bom, python codec, reported name); UTF-32 LE must be tested before UTF-16 LE (same prefix).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

# Names reported for the codecs we commonly meet (WHATWG-style labels).
_NICE_NAMES = {
    "cp1256": "windows-1256",
    "iso8859-6": "iso-8859-6",
    "iso8859_6": "iso-8859-6",
    "cp1252": "windows-1252",
    "cp1251": "windows-1251",
    "latin-1": "iso-8859-1",
    "iso8859-1": "iso-8859-1",
    "utf-8": "utf-8",
    "ascii": "ascii",
}

# Latin single-byte labels that Arabic pages often declare by mistake (the server default).
_LATIN_DECLARED = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15", "iso8859-9", "cp1250"}

_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20)) | {0x7F}
_ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")
_MIXED = re.compile(
    r"[\u0621-\u063F\u0641-\u064A][A-Za-z\u00c0-\u00ff]|[A-Za-z\u00c0-\u00ff][\u0621-\u063F\u0641-\u064A]"
)
_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029|\x85")


def normalize_newlines(text: str) -> str:
    """Turn CRLF, CR and Unicode line/paragraph separators into ``\\n``."""
    return _NEWLINES.sub("\n", text)


def codec_label(name: str) -> str:
    """A stable, human-friendly label for a Python codec name (``cp1256`` -> ``windows-1256``)."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name
    return _NICE_NAMES.get(canonical, canonical)


def _lookup(declared: str | None) -> str | None:
    """The Python codec for a declared charset label, or None if unknown."""
    if not declared:
        return None
    label = declared.strip().strip("\"'").lower()
    if label in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "cp1252"  # as browsers do (WHATWG encoding standard)
    elif label in ("x-user-defined",):
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def is_binary_head(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a file) starts with a known binary magic number."""
    if head.startswith(b"RIFF") and head[8:12] in (b"WAVE", b"AVI ", b"WEBP"):
        return True
    return any(head.startswith(m) for m in _MAGIC)


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    if not sample:
        return 0.0
    return sum(1 for b in sample if b in _CONTROL_BYTES) / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` if the byte pattern says so, else None.

    In UTF-16, Latin text has ``0x00`` and Arabic text ``0x06`` as the high byte of nearly every
    code unit, so one byte position of each pair is dominated by those two values.
    """
    sample = data[:65536]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]

    def share(part: bytes, values: tuple[int, ...]) -> float:
        return sum(1 for b in part if b in values) / max(len(part), 1)

    high = (0x00, 0x06, 0x20, 0xFE, 0xFB)  # ASCII, Arabic, punctuation, presentation forms
    if share(odd, high) >= 0.7 and share(odd, (0x00, 0x06)) >= 0.5 and share(even, (0x00,)) <= 0.05:
        return "utf-16-le"
    if share(even, high) >= 0.7 and share(even, (0x00, 0x06)) >= 0.5 and share(odd, (0x00,)) <= 0.05:
        return "utf-16-be"
    return None


def _finish(text: str, encoding: str) -> tuple[str, str]:
    """Post-process a successful decoding: strip a stray BOM, normalise newlines, reject empties."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = normalize_newlines(text)
    if not text.strip():
        raise DecodeError(EMPTY)
    controls = sum(1 for c in text[:65536] if unicodedata.category(c) == "Cc" and c not in "\t\n\f\v")
    if controls / max(len(text[:65536]), 1) > 0.02:
        raise DecodeError(BINARY)
    return text, encoding


# Natural-log frequencies of Arabic letters and harakat in news prose (computed once from a news
# corpus); a wrong code page maps common letters to rare ones, which lowers the mean.
_ARABIC_LOGFREQ: dict[str, float] = {
    letter: float(value)
    for letter, value in (
        pair.split(":")
        for pair in (
            "ا:-1.91 ل:-2.18 ي:-2.51 م:-2.79 و:-2.92 ن:-2.94 ر:-3.01 ت:-3.05 ب:-3.33 ع:-3.46 د:-3.47 "
            "ة:-3.48 س:-3.64 ف:-3.64 ق:-3.79 أ:-3.85 ه:-3.85 ك:-3.98 ح:-4.05 ج:-4.34 إ:-4.59 ش:-4.67 "
            "ط:-4.73 ص:-4.75 ى:-4.75 خ:-4.82 ض:-4.99 ز:-5.01 ث:-5.19 ذ:-5.2 غ:-5.39 ئ:-5.4 ء:-5.64 "
            "ظ:-6.16 ؤ:-6.87 آ:-6.92 ـ:-7.16 \u064b:-7.19 \u0651:-8.24 \u064f:-8.44 \u064d:-10.79 "
            "\u064e:-10.9 \u0650:-11.15 \u064c:-11.84 \u0652:-12.69"
        ).split()
    )
}


def _arabic_score(text: str) -> float:
    """How plausibly ``text`` is Arabic written correctly (higher is better; 0 means no).

    Arabic prose uses a few letters very often (ا ل ي م و ن) and has the article ``ال`` at the start
    of many words; a wrong Arabic code page turns common letters into rare ones, puts Latin accented
    letters (è, ê, ç ...) inside words or scatters harakat where no letter can carry them.
    """
    words = _ARABIC_WORD.findall(text)
    if len(words) < 2:
        return 0.0
    arabic_letters = sum(len(w) for w in words)
    letters = sum(1 for c in text if c.isalpha() and not c.isascii())  # ASCII reads the same either way
    if arabic_letters < 0.6 * max(letters, 1):
        return 0.0
    if arabic_letters < 0.3 * sum(1 for c in text if c.isalpha()):
        return 0.0  # mostly Latin text whose accented letters became Arabic ones
    tokens = text.split()
    mixed = sum(1 for t in tokens if _MIXED.search(t))  # "ministوre" (not "لـCNN": tatweel joins those)
    if mixed > 0.1 * len(tokens):
        return 0.0
    latin_accented = sum(1 for c in text if "\u00c0" <= c <= "\u00ff" and c.isalpha())
    # harakat directly after a space or another haraka, or a tanween inside a word
    misplaced = len(
        re.findall(r"(?:^|[\s\u064B-\u0652])[\u064B-\u0652]|[\u064B-\u064D][\u0621-\u064A]", text)
    )
    if len(words) < 8 and (latin_accented or misplaced):  # too short to outweigh any oddity
        return 0.0
    chars = [c for w in words for c in w]
    mean_logfreq = sum(_ARABIC_LOGFREQ.get(c, -12.0) for c in chars) / len(chars)
    article = sum(1 for w in words if w.startswith("ال") and len(w) > 2) / len(words)
    if mean_logfreq < -4.6 and article < 0.08:
        return 0.0
    penalty = (latin_accented + misplaced) / len(words) * 20
    return max(0.0, 10 + mean_logfreq + 5 * article - penalty)


def _decode_arabic(data: bytes) -> tuple[str, str] | None:
    """Decode Windows-1256 or ISO-8859-6 Arabic text, choosing the code page that reads as Arabic."""
    best: tuple[float, str, str] | None = None
    for enc in ("cp1256", "iso8859_6"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _arabic_score(text[:100_000])
        if score > 0 and (best is None or score > best[0]):
            best = (score, enc, text)
    if best is None:
        return None
    return best[2], codec_label(best[1])


_SPACED_SCRIPTS = ("LATIN", "ARABIC", "CYRILLIC", "GREEK", "HEBREW", "ARMENIAN", "GEORGIAN")


def looks_like_text(text: str) -> bool:
    """A sanity check for guessed decodings: few symbols/unassigned code points, words separated by
    spaces in scripts that use them, and no words mixing Arabic and Latin letters."""
    sample = text[:20000]
    if not sample.strip():
        return False
    odd = sum(
        1
        for c in sample
        if unicodedata.category(c) in ("So", "Co", "Cn", "Cs", "Cc") and c not in "\t\n\f\v\r"
    )
    if odd / len(sample) > 0.1:
        return False
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return True  # digits and punctuation only: harmless
    spaced = sum(1 for c in letters if unicodedata.name(c, "").split(" ")[0] in _SPACED_SCRIPTS)
    if spaced / len(letters) > 0.5 and len(sample) > 60:
        if sum(1 for c in sample if c.isspace()) / len(sample) < 0.03:
            return False
    words = sample.split()
    mixed = sum(1 for w in words if re.search("[\u0600-\u06ff]", w) and re.search("[A-Za-z\u00c0-\u024f]", w))
    if words and mixed / len(words) > 0.2:
        return False
    return True


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding label)`` or raise :class:`DecodeError`.

    ``declared`` is a charset announced by the container (HTTP ``Content-Type``, HTML ``<meta>``);
    it is trusted only when it decodes cleanly, and a Latin declaration on Arabic bytes loses to
    the Arabic code page. Newlines come out as ``\\n``.
    """
    if not data.strip(b" \t\r\n\f\v\x00"):
        raise DecodeError(EMPTY)
    if is_binary_head(data):
        raise DecodeError(BINARY)

    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return _finish(data[len(bom) :].decode(codec), name)
            except UnicodeDecodeError:
                raise DecodeError(f"cannot decode: invalid {name} text after its byte-order mark") from None

    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _finish(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass

    if b"\x00" in data or _control_share(data) > 0.05:
        raise DecodeError(BINARY)

    try:
        return _finish(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass

    declared_codec = _lookup(declared)
    if declared_codec and declared_codec not in ("utf-8", "utf-16", "utf-32"):
        if declared_codec in _LATIN_DECLARED:
            arabic = _decode_arabic(data)
            if arabic:
                return _finish(*arabic)
        try:
            text = data.decode(declared_codec)
        except UnicodeDecodeError:
            text = None
        if text is not None and looks_like_text(text):
            return _finish(text, codec_label(declared_codec))

    arabic = _decode_arabic(data)
    if arabic:
        return _finish(*arabic)

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError(UNDECODABLE)
    text = str(best)
    if not looks_like_text(text):
        raise DecodeError(UNDECODABLE)
    return _finish(text, codec_label(best.encoding))


def detect_stream_encoding(head: bytes) -> str:
    """The Python codec to read a (possibly huge) stream with, judged from its first bytes.

    Used for corpora that are read incrementally. ``head`` may end in the middle of a character.
    Returns ``utf-8-sig`` / ``utf-16`` / ``utf-32`` when a BOM is present (so the codec strips it),
    else the detected codec. Raises :class:`DecodeError` for empty or binary heads.
    """
    if not head.strip(b" \t\r\n\f\v\x00"):
        raise DecodeError(EMPTY)
    if is_binary_head(head):
        raise DecodeError(BINARY)
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    even_head = head[: len(head) - len(head) % 2]
    utf16 = _utf16_without_bom(even_head)
    if utf16:
        return utf16
    if b"\x00" in head or _control_share(head) > 0.05:
        raise DecodeError(BINARY)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Legacy single-byte encodings: cut at the last newline so no character is split.
    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if cut > 0 else head
    _, label = decode_bytes(sample)
    return codecs.lookup(label).name
