"""The data that flows between stages: sources, spans, the script tree and findings."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Union

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(eq=False)
class SourceFile:
    """A template's text with newlines normalised to \\n, as Jinja's lexer sees it.

    Columns are counted in characters of that text, so a CRLF file reports the same
    line and column as its LF twin.
    """

    path: str  # as shown to the user (relative when the input was relative)
    text: str
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_starts:
            self.line_starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]


@dataclass(frozen=True, eq=False)
class Span:
    source: SourceFile
    start: int
    end: int

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.position(self.start)[0]


# --- the script tree -------------------------------------------------------------


@dataclass(eq=False)
class Text:
    text: str
    span: Span


@dataclass(eq=False)
class Slot:
    """A `{{ expression }}`: its value is unknown at analysis time."""

    expr: str
    variables: tuple[str, ...]
    span: Span
    value: str | None = None  # a literal the template itself passes (a macro argument)


@dataclass(eq=False)
class Seq:
    items: list["Node"] = field(default_factory=list)


@dataclass(eq=False)
class Branch:
    condition: str  # the Jinja condition that leads into this branch, as written
    body: Seq
    line: int


@dataclass(eq=False)
class Choice:
    branches: list[Branch]
    span: Span


@dataclass(eq=False)
class Loop:
    """A `for` body: checked once, and it may run zero times."""

    body: Seq
    label: str


Node = Union[Text, Slot, Seq, Choice, Loop]


def leaves(node: Node):
    """Every Text and Slot of a tree, in source order, through every branch."""
    if isinstance(node, (Text, Slot)):
        yield node
    elif isinstance(node, Seq):
        for item in node.items:
            yield from leaves(item)
    elif isinstance(node, Choice):
        for branch in node.branches:
            yield from leaves(branch.body)
    elif isinstance(node, Loop):
        yield from leaves(node.body)


# --- findings --------------------------------------------------------------------


@dataclass
class Finding:
    rule: str
    category: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    excerpt: str = ""
    citations: list[str] = field(default_factory=list)
    suggestion: str | None = None
    variant: str | None = None
    fix: tuple[int, int, str] | None = None  # (start, end, replacement) offsets in the source

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule)

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "excerpt": self.excerpt,
            "citations": list(self.citations),
            "suggestion": self.suggestion,
            "variant": self.variant,
        }


def finding_at(span: Span, end: int | None = None, **fields) -> Finding:
    """A finding located at a source span (end defaults to the span's end)."""
    source = span.source
    line, column = source.position(span.start)
    stop = span.end if end is None else end
    end_line, end_column = source.position(max(stop, span.start))
    excerpt = source.text[span.start:stop].split("\n")[0]
    return Finding(path=source.path, line=line, column=column, end_line=end_line,
                   end_column=end_column, excerpt=excerpt, **fields)
