"""Text like ruff and flake8: `path:line:col: severity RULE [category] message`, the line
with a caret under the span, and how to say it instead."""
from __future__ import annotations

import unicodedata

from ..conditions import variant_in_words
from ..model import Finding
from .spans import about_whole_script, language


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _caret(line: str, column: int, end_column: int, end_line_same: bool) -> str:
    before = line[: column - 1]
    span = line[column - 1: end_column - 1] if end_line_same else line[column - 1:]
    return " " * _width(before) + "^" * max(_width(span), 1)


def render(report: dict, findings: list[Finding], sources: dict) -> str:
    out = []
    for f in findings:
        head = f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} [{f.category}] {f.message}"
        out.append(head)
        source = sources.get(f.path)
        if source is not None and 0 < f.line <= len(source.line_starts) \
                and not about_whole_script(f, source):
            line = source.line_text(f.line)
            out.append(f"  | {line}")
            out.append(f"  | {_caret(line, f.column, f.end_column, f.end_line == f.line)}")
        if f.variant:
            out.append(f"  = branch: {variant_in_words(f.variant, language(f))} ({f.variant})")
        if f.citations:
            out.append(f"  = law: {'; '.join(dict.fromkeys(f.citations))}")
        if f.suggestion:
            out.append(f"  = instead: {f.suggestion}")
    s = report["summary"]
    if findings:
        out.append("")
    out.append(f"{s['files']} file(s) checked: {s['error']} error(s), {s['warning']} warning(s), "
               f"{s['info']} info")
    return "\n".join(out) + "\n"
