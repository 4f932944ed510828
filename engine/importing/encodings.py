"""Which encoding a text export was written in, decided on the evidence of the whole file.

A byte-order mark settles it; so does UTF-16's pattern of NUL bytes, and text that decodes as
UTF-8 (other encodings almost never form valid UTF-8 sequences). Otherwise every candidate that
decodes the evidence — lines with non-ASCII bytes from the head and from spaced samples of the
rest of the file — is scored by how implausible its text is: mojibake patterns such as a symbol
glued to letters (`£ódŸ` for Łódź), a capital inside a lowercase word, a lone CJK character
between Latin letters (`M黮ler` for Müller). The least implausible wins; charset-normalizer's
ranking breaks ties, then the order of `CANDIDATES`. When another candidate reads the text
differently yet as plausibly, the table carries a note so the choice is never silent.
"""
from __future__ import annotations

import codecs
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from engine.i18n import t
from engine.importing.notes import Note

# The 8-bit and East Asian encodings Excel and CRMs write, most common first (the tie-break).
CANDIDATES = ("cp1252", "gb18030", "cp1250", "big5", "cp932")
LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE",
          "utf-16-be": "UTF-16 BE", "cp1252": "Windows-1252 (Western European)",
          "cp1250": "Windows-1250 (Central European)", "gb18030": "GB18030 / GBK (Simplified Chinese)",
          "big5": "Big5 (Traditional Chinese)", "cp932": "Shift-JIS (Japanese)"}
CHOICES = tuple(LABELS)  # what a user may choose instead of the detected encoding
_SAMPLES = 8  # spaced samples of the rest of a file, besides its head
_SAMPLE = 1 << 16
_EVIDENCE = 1 << 18  # enough lines with non-ASCII bytes to decide


@dataclass(frozen=True)
class Detection:
    encoding: str | None  # None: binary, or no candidate reads it
    alternatives: tuple[str, ...] = ()  # other candidates that decode the evidence, best first
    doubt: str = ""  # a sentence when an alternative reads it differently but as plausibly


def label(encoding: str, lang: str = "en") -> str:
    """The encoding as people name it ('Windows-1252 (Western European)'), in `lang`."""
    if lang != "en" and encoding in LABELS:
        return t("import.encoding_label." + encoding.replace("-", "_"), lang)
    return LABELS.get(encoding, encoding)


def label_note(encoding: str) -> Note | str:
    """The encoding's label as a Note, said in the reader's language where it has words."""
    return Note("import.encoding_label." + encoding.replace("-", "_")) if encoding in LABELS else encoding


def normalise_name(name: str) -> str:
    """A user's encoding name as Python's codec name ('windows-1252' → 'cp1252'); ValueError if unknown."""
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        raise ValueError(name) from None
    return {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "windows-1252": "cp1252", "windows-1250": "cp1250",
            "shift_jis": "cp932", "cp950": "big5", "gbk": "gb18030", "gb2312": "gb18030"}.get(codec, codec)


def _utf16(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the head is UTF-16 without a byte-order mark."""
    if b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    # Mostly CJK text has few NULs: the one decoding with line breaks and no stray controls wins.
    scored = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = head[:len(head) // 2 * 2].decode(encoding)
        except UnicodeDecodeError:
            continue
        breaks = text.count("\n")
        odd_chars = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\r\n\t")
        if breaks and odd_chars <= len(text) // 200:
            scored.append((odd_chars, -breaks, encoding))
    return min(scored)[2] if scored else None


def detect(path: Path, head: bytes) -> Detection:
    """The encoding of the text file at `path` whose first bytes are `head`."""
    return decide(head, lambda: _evidence(path, head))


def decide(head: bytes, evidence_of=None) -> Detection:
    """The encoding of text that starts with `head`; `evidence_of()` gives the lines with non-ASCII
    bytes of the whole file (default: those of the head)."""
    if head.startswith(codecs.BOM_UTF8):
        return Detection("utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Detection("utf-16")
    utf16 = _utf16(head)
    if utf16:
        return Detection(utf16)
    evidence = evidence_of() if evidence_of else _non_ascii_lines(head, whole_end=len(head) < _SAMPLE)
    if not evidence:
        return Detection("utf-8")  # ASCII throughout
    if _mostly_utf8(evidence):
        return Detection("utf-8")  # a stray byte that is not is reported with its row when read
    readings: dict[str, str] = {}
    for encoding in CANDIDATES:
        text = _decoded(evidence, encoding)
        if text is not None and text not in readings.values():  # the same text: the more common name
            readings[encoding] = text
    if not readings:
        return Detection(None)
    coherence = _coherence_by_normalizer(evidence, tuple(readings))
    scores = {e: implausibility(text) for e, text in readings.items()}
    # charset-normalizer drops readings it finds chaotic and measures language coherence; a
    # difference of coherence below 0.02 is noise (it flips between runs of similar text).
    order = sorted(readings, key=lambda e: (scores[e], e not in coherence, -round(coherence.get(e, 0.0), 2),
                                            CANDIDATES.index(e)))
    best = order[0]
    doubt = ""
    rivals = [e for e in order[1:] if scores[e] == scores[best] and e in coherence
              and round(coherence[e], 2) == round(coherence.get(best, 0.0), 2) and readings[e] != readings[best]]
    if rivals:
        example = _first_difference(readings[best], readings[rivals[0]])
        doubt = Note("import.note.encoding_doubt", best=label_note(best), rival=label_note(rivals[0]),
                     example=example)
    return Detection(best, tuple(order[1:]), doubt)


def _evidence(path: Path, head: bytes) -> bytes:
    """Whole lines holding non-ASCII bytes: from the head, then from spaced samples of the file
    (or, when those are all ASCII, from the first non-ASCII stretch found by scanning)."""
    size = os.path.getsize(path)
    pieces = [_non_ascii_lines(head, whole_end=len(head) >= size)]
    if size > len(head):
        with open(path, "rb") as handle:
            step = max((size - len(head)) // _SAMPLES, _SAMPLE)
            for offset in range(len(head), size, step):
                handle.seek(offset)
                pieces.append(_non_ascii_lines(handle.read(_SAMPLE), whole_start=False,
                                               whole_end=offset + _SAMPLE >= size))
            if not any(pieces):
                handle.seek(len(head))
                while chunk := handle.read(1 << 22):
                    if not chunk.isascii():
                        pieces.append(_non_ascii_lines(chunk, whole_start=False, whole_end=False))
                        break
    return b"\n".join(piece for piece in pieces if piece)[:_EVIDENCE]


def _non_ascii_lines(block: bytes, whole_start: bool = True, whole_end: bool = False) -> bytes:
    if block.isascii():
        return b""
    lines = block.split(b"\n")
    if not whole_start:
        lines = lines[1:]
    if not whole_end:
        lines = lines[:-1]  # cut lines may end inside a multi-byte character
    return b"\n".join(line for line in lines if not line.isascii())


def _mostly_utf8(data: bytes) -> bool:
    """True when at least as much of the non-ASCII text forms valid UTF-8 as not (other encodings
    almost never form a valid multi-byte UTF-8 sequence, so even a few is strong evidence)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good > 0 and good >= bad


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _coherence_by_normalizer(data: bytes, encodings: tuple[str, ...]) -> dict[str, float]:
    """The candidates charset-normalizer keeps (not too chaotic), with their language coherence."""
    results = charset_normalizer.from_bytes(data, cp_isolation=list(encodings))
    kept: dict[str, float] = {}
    for match in results:
        if match.encoding:
            kept.setdefault(normalise_name(match.encoding), float(match.coherence))
    return kept


def _is_cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80 and unicodedata.category(ch).startswith("L")


def implausibility(text: str) -> int:
    """How many characters of `text` look like mojibake (see the module docstring)."""
    score = 0
    length = len(text)
    for index, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < length else " "
        category = unicodedata.category(ch)
        if category[0] == "L":
            if _is_cjk(ch):
                if 0xFF61 <= ord(ch) <= 0xFF9F and (before.isascii() and before.isalpha()
                                                     or after.isascii() and after.isalpha()):
                    score += 1  # half-width katakana glued to Latin letters
                elif before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
                    score += 1  # one CJK character inside a Latin word
            elif ch.isupper() and before.isalpha() and before.islower():
                score += 1  # a capital inside a lowercase word
            elif (before.isalpha() and _is_cjk(before)) or (after.isalpha() and _is_cjk(after)):
                score += 1  # accented Latin glued to CJK
        elif category[0] == "C":
            score += 1
        elif category[0] in "SNP" and category != "Nd":
            if before.isalpha() or after.isalpha() or (ord(before) > 127 and not before.isspace()):
                score += 1  # a symbol glued to letters or to other non-ASCII characters
    return score


def _first_difference(first: str, second: str) -> str:
    words_a, words_b = first.split(), second.split()
    for a, b in zip(words_a, words_b):
        if a != b:
            return Note("import.note.either", first=a[:40], second=b[:40])
    return Note("import.note.some_characters")
