"""Bounds on the work one file can cause, each a setting with a default. Going over one is a
finding at the line where it happens, never a crash and never a silent skip."""
from __future__ import annotations

from dataclasses import dataclass

# {% if %} levels Jinja's own parser survives with room to spare (it overflows Python's
# stack past ~240); brackets cost it about four times as much stack as a block
DEPTH_CEILING = 150
BRACKET_WEIGHT = 4
BLOCK_OPENERS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans"}


@dataclass(frozen=True)
class Limits:
    max_depth: int = 100                    # nested {% %} blocks (+4 per open bracket)
    max_file_size: int = 10 * 1024 * 1024   # bytes read from one template
    regex_timeout: float = 1.0              # seconds per sentence for one regular expression


def nesting(tokens: list[tuple[int, str, str]], limit: int) -> tuple[int, int]:
    """The deepest nesting in a file's lexer tokens, and the line where it first goes over
    `limit` (0 when it never does). Blocks count one level, open brackets of an expression
    `BRACKET_WEIGHT` levels."""
    blocks = brackets = deepest = over = 0
    first: str | None = ""   # the first word of the block being read; "" outside blocks
    assigns = False
    for lineno, kind, value in tokens:
        if kind == "block_begin":
            first, assigns = None, False
        elif kind == "name" and first is None:
            first = value
            if value.startswith("end") and value != "end":
                blocks = max(blocks - 1, 0)
        elif kind == "operator":
            if value in "([{":
                brackets += 1
            elif value in ")]}":
                brackets = max(brackets - 1, 0)
            elif value == "=":
                assigns = True
        elif kind == "block_end":
            if first in BLOCK_OPENERS or (first == "set" and not assigns):
                blocks += 1
            first = ""
        depth = blocks + BRACKET_WEIGHT * brackets
        deepest = max(deepest, depth)
        if depth > limit and not over:
            over = lineno
    return deepest, over
