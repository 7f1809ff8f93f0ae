"""Template bytes <-> text, the way the file was saved.

A byte-order mark decides first; then the declared encoding (`encoding` setting,
`--encoding`); then UTF-8; and only when the bytes are not UTF-8, a detector's guess
(charset-normalizer), which the run reports. Writing back (`--fix`) uses the same encoding,
the same BOM and the same line endings, line by line, so a fix changes only the words it fixes.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass

# UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"))
# Chinese scripts saved on Windows: tried beside the detector's candidates, because short
# GBK texts are often taken for a Korean code page by statistics alone
CJK_FALLBACK = "gb18030"
_NEWLINE = re.compile(r"\r\n|\r|\n")


class EncodingProblem(Exception):
    """Bytes that cannot be read as text: reported at the line of the first bad byte."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message, self.line = message, line


@dataclass(frozen=True)
class Decoded:
    text: str            # as read: line endings untouched
    encoding: str        # a Python codec name
    bom: bytes = b""
    guessed: bool = False  # detected, neither declared nor UTF-8


def known(name: str) -> bool:
    """Is this the name of a text encoding Python can read?"""
    try:
        return codecs.lookup(name)._is_text_encoding  # type: ignore[attr-defined]
    except LookupError:
        return False


def _bad_line(data: bytes, exc: UnicodeDecodeError) -> int:
    return data[: exc.start].count(b"\n") + 1


def _plausible(text: str) -> float:
    """Share of characters a zh or en call script is made of (a wrong guess reads Hangul,
    box drawing or control characters)."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isascii() or "\u4e00" <= ch <= "\u9fff"
               or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
               or "\u00c0" <= ch <= "\u017f" or ch in "\u2018\u2019\u201c\u201d\u2026\u2014\u00b7")
    return good / len(text)


def _guess(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    candidates: list[tuple[str, str]] = []
    for match in from_bytes(data):
        candidates.append((match.encoding, str(match)))
    try:
        candidates.append((CJK_FALLBACK, data.decode(CJK_FALLBACK)))
    except UnicodeDecodeError:
        pass
    if not candidates:
        return None
    # best plausibility; ties keep the detector's own order
    best = max(enumerate(candidates), key=lambda ic: (_plausible(ic[1][1]), -ic[0]))[1]
    return Decoded(best[1], codecs.lookup(best[0]).name, b"", True)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """The text of a file's bytes, or EncodingProblem."""
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(name), name, bom)
            except UnicodeDecodeError as exc:
                raise EncodingProblem(f"not valid {name} after its byte-order mark",
                                      _bad_line(data, exc)) from None
    if declared:
        try:
            return Decoded(data.decode(declared), codecs.lookup(declared).name)
        except UnicodeDecodeError as exc:
            raise EncodingProblem(f"not valid {declared}: byte {data[exc.start]:#04x} cannot "
                                  f"be read", _bad_line(data, exc)) from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = _bad_line(data, exc)
    guess = _guess(data)
    if guess is None:
        raise EncodingProblem("not UTF-8, and no known encoding reads it", first_bad)
    return guess


def restore_newlines(text: str, raw: str) -> str:
    """`text` (newlines normalised to \\n) with the line endings of `raw`, line by line.
    Lines past the end of `raw` get its most common ending."""
    endings = _NEWLINE.findall(raw)
    common = Counter(endings).most_common(1)[0][0] if endings else "\n"
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        out.append(line + (endings[i] if i < len(endings) else common))
    out.append(lines[-1])
    return "".join(out)


def encode(text: str, original: Decoded) -> bytes:
    """Normalised text back to bytes as the original file was saved (UnicodeEncodeError when
    a character has no place in that encoding)."""
    return original.bom + restore_newlines(text, original.text).encode(original.encoding)
