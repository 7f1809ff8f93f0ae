"""Script tree -> a few plain texts that together say every branch, with a source map.

Every branch of every choice (an empty `else` included: the path that skips the `if`) is
taken by at least one variant. Variants are built greedily, each taking every branch not yet
covered, so thirty independent `if`s need two variants, not 2**30. Where the cap stops the
walk first, the branches left out are returned so the caller can say so.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

from .model import Branch, Choice, Loop, Node, Seq, Slot, Span, Text


@dataclass(eq=False)
class Segment:
    start: int                    # offsets in the variant text
    end: int
    node: Text | Slot
    conditions: tuple[str, ...]   # the branch conditions that lead to this piece


@dataclass(eq=False)
class Variant:
    text: str
    segments: list[Segment]
    choices: dict[int, int] = field(default_factory=dict)  # id(Choice) -> branch taken
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.segments]

    def segments_in(self, start: int, end: int) -> list[Segment]:
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        found = []
        while i < len(self.segments) and self.segments[i].start < max(end, start + 1):
            seg = self.segments[i]
            if seg.end > start:
                found.append(seg)
            i += 1
        return found

    def locate(self, start: int, end: int) -> tuple[Span, Segment] | None:
        """The template source of a range of this text: the script's own words in it, from
        the first to the last character in the same file. None if the range is all slot values."""
        texts = [s for s in self.segments_in(start, end) if isinstance(s.node, Text)]
        if not texts:
            return None
        first = texts[0]
        same = [s for s in texts if s.node.span.source is first.node.span.source]
        last = same[-1]
        src_start = first.node.span.start + max(start - first.start, 0)
        src_end = last.node.span.start + min(end, last.end) - last.start
        return Span(first.node.span.source, src_start, max(src_end, src_start + 1)), first


def branches(tree: Node) -> list[tuple[Choice, int]]:
    """Every branch of every choice in the tree, in source order."""
    found: list[tuple[Choice, int]] = []

    def walk(node: Node) -> None:
        if isinstance(node, Seq):
            for item in node.items:
                walk(item)
        elif isinstance(node, Loop):
            walk(node.body)
        elif isinstance(node, Choice):
            for i, branch in enumerate(node.branches):
                found.append((node, i))
                walk(branch.body)

    walk(tree)
    return found


def _open(node: Node, covered: set[tuple[int, int]]) -> bool:
    """Does this subtree still hold a branch no variant has taken?"""
    if isinstance(node, Seq):
        return any(_open(item, covered) for item in node.items)
    if isinstance(node, Loop):
        return _open(node.body, covered)
    if isinstance(node, Choice):
        return any((id(node), i) not in covered or _open(b.body, covered)
                   for i, b in enumerate(node.branches))
    return False


def _pick(choice: Choice, covered: set[tuple[int, int]], n: int) -> int:
    """A branch not taken yet; else one that leads to such a branch; else round robin."""
    for i in range(len(choice.branches)):
        if (id(choice), i) not in covered:
            return i
    for i, branch in enumerate(choice.branches):
        if _open(branch.body, covered):
            return i
    return n % len(choice.branches)


def _walk(tree: Seq, render: Callable[[Slot], str], covered: set[tuple[int, int]],
          n: int) -> Variant:
    """One variant: at each choice, a branch not taken yet where there is one."""
    taken: dict[int, int] = {}
    parts: list[str] = []
    segments: list[Segment] = []

    def emit(node: Node, conditions: tuple[str, ...]) -> None:
        if isinstance(node, Seq):
            for item in node.items:
                emit(item, conditions)
        elif isinstance(node, Loop):
            emit(node.body, conditions)
        elif isinstance(node, Choice):
            pick = taken[id(node)] = _pick(node, covered, n)
            branch = node.branches[pick]
            emit(branch.body, conditions + (branch.condition,))
        else:
            text = node.text if isinstance(node, Text) else render(node)
            if text:
                start = segments[-1].end if segments else 0
                segments.append(Segment(start, start + len(text), node, conditions))
                parts.append(text)

    emit(tree, ())
    return Variant("".join(parts), segments, taken)


def build(tree: Seq, render: Callable[[Slot], str], cap: int = 64
          ) -> tuple[list[Variant], list[tuple[Choice, Branch]]]:
    """Variants covering every branch (up to `cap`), and the branches left unchecked."""
    everything = branches(tree)
    covered: set[tuple[int, int]] = set()
    variants: list[Variant] = []
    while len(variants) < max(cap, 1):
        variant = _walk(tree, render, covered, len(variants))
        new = set(variant.choices.items()) - covered
        if variants and not new:
            break
        covered |= new
        variants.append(variant)
        if len(covered) == len(everything):
            break
    unchecked = [(choice, choice.branches[i]) for choice, i in everything
                 if (id(choice), i) not in covered]
    return variants, unchecked
