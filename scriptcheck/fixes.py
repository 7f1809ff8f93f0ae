"""`--fix` and `--diff`: the safe substitutions of `prefer` rules, applied to the template
sources and written back exactly as each file was saved (encoding, byte-order mark, line
endings line by line), through a symbolic link to the file it points at.

Planning reads and encodes everything first; nothing is written here. A file whose text
changed since it was checked, or whose fix cannot be encoded, is left alone and said.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass

from . import encoding
from .model import Finding, SourceFile

_NEWLINES = re.compile(r"\r\n|\r")


@dataclass
class FileFix:
    path: str                  # as reported
    target: str                # the file written: a symbolic link's target
    before: str                # normalised text (\n newlines)
    after: str
    data: bytes | None = None  # the bytes to write; None when `problem`
    problem: str | None = None


def edit(text: str, items: list[tuple[int, int, str]]) -> str:
    """`text` with the replacements applied; of overlapping edits, the first is kept."""
    last_start = len(text) + 1
    for start, end, replacement in sorted(set(items), reverse=True):
        if end > last_start:
            continue  # overlaps an edit already made
        text = text[:start] + replacement + text[end:]
        last_start = start
    return text


def plan(findings: list[Finding], sources: dict[str, SourceFile],
         declared: str | None = None) -> list[FileFix]:
    """What --fix would write, file by file (files with nothing to change are left out)."""
    edits: dict[str, list[tuple[int, int, str]]] = {}
    for f in findings:
        if f.fix and f.path in sources:
            edits.setdefault(f.path, []).append(f.fix)
    planned = []
    for path, items in sorted(edits.items()):
        before = sources[path].text
        after = edit(before, items)
        if after == before:
            continue
        fix = FileFix(path, os.path.realpath(path), before, after)
        try:
            with open(fix.target, "rb") as fh:
                original = encoding.decode(fh.read(), declared)
        except (OSError, encoding.EncodingProblem) as exc:
            fix.problem = f"cannot read it again: {exc}"
        else:
            if _NEWLINES.sub("\n", original.text) != before:
                fix.problem = "it changed while it was being checked"
            else:
                try:
                    fix.data = encoding.encode(after, original)
                except UnicodeEncodeError as exc:
                    fix.problem = (f"the fix has {exc.object[exc.start:exc.end]!r}, which "
                                   f"{original.encoding} cannot store")
        planned.append(fix)
    return planned


def diff(fix: FileFix) -> str:
    """A unified diff of one file's fix (git's a/ b/ labels)."""
    lines = difflib.unified_diff(fix.before.splitlines(keepends=True),
                                 fix.after.splitlines(keepends=True),
                                 f"a/{fix.path}", f"b/{fix.path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
