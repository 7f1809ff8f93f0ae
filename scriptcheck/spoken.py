"""What the agent would say on each path through a script: every variant's plain text, with
the branch conditions it takes said in words (for `scriptcheck render`, the HTML report and
the workbench)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .conditions import path_in_words
from .engine import Engine, Options
from .model import Node, Slot
from .template import Script
from .variants import Variant, branches


@dataclass
class Spoken:
    conditions: tuple[str, ...]        # the branch conditions taken, in source order
    words: str                         # the same, in words
    pieces: list[tuple[str, str | None]]   # (text, slot expression or None), blank lines folded

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


def taken(tree: Node, variant: Variant) -> tuple[str, ...]:
    """The conditions of the branches this variant takes (an empty `else` included): a
    variant records only the choices on its own path."""
    return tuple(choice.branches[i].condition for choice, i in branches(tree)
                 if variant.choices.get(id(choice)) == i)


def _pieces(variant: Variant) -> list[tuple[str, str | None]]:
    """The variant's text as pieces, with the blank lines and indentation that tags leave
    folded (in the script's own words only, never in a slot's value)."""
    out: list[tuple[str, str | None]] = []
    line_start = True
    for seg in variant.segments:
        text = variant.text[seg.start:seg.end]
        expr = seg.node.expr if isinstance(seg.node, Slot) else None
        if expr is None:
            text = re.sub(r"[ \t]*\n\s*", "\n", text)
            if line_start:
                text = text.lstrip()
            if not text:
                continue
        out.append((text, expr))
        line_start = text.endswith("\n")
    return out


def spoken(script: Script, options: Options | None = None,
           meta: dict | None = None) -> tuple[str, list[Spoken]]:
    """The script's language and what is said on each of its variants."""
    unit, _ = Engine([], options or Options()).prepare(script, meta)
    return unit.lang, [Spoken(conds := taken(script.tree, v), path_in_words(conds, unit.lang),
                              _pieces(v)) for v in unit.variants]
