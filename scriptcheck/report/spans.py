"""Where a finding stands in its source text, for reporters that show the text itself."""
from __future__ import annotations

from ..model import Finding, SourceFile


def offsets(f: Finding, source: SourceFile) -> tuple[int, int]:
    """Character offsets of a finding's span in its source."""
    def at(line: int, column: int) -> int:
        line = min(max(line, 1), len(source.line_starts))
        return min(source.line_starts[line - 1] + column - 1, len(source.text))
    start = at(f.line, f.column)
    return start, max(at(f.end_line, f.end_column), start)


def about_whole_script(f: Finding, source: SourceFile | None) -> bool:
    """A finding about something missing (a disclosure absent on some path) points at the
    script's whole first line, by contract: it is about the script, not about that line."""
    if source is None or (f.line, f.column, f.end_line) != (1, 1, 1):
        return False
    return f.end_column == len(source.line_text(1)) + 1


def language(f: Finding) -> str:
    """The language a finding speaks (its message is in the script's language)."""
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in f.message) else "en"
