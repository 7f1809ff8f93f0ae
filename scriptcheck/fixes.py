"""`--fix`: apply the safe substitutions of `prefer` rules to the template sources."""
from __future__ import annotations

from .model import Finding, SourceFile


def apply(findings: list[Finding], sources: dict[str, SourceFile]) -> dict[str, str]:
    """New text per changed file. Overlapping edits keep the first; line endings are kept."""
    edits: dict[str, list[tuple[int, int, str]]] = {}
    for f in findings:
        if f.fix and f.path in sources:
            edits.setdefault(f.path, []).append(f.fix)
    changed = {}
    for path, items in edits.items():
        text = sources[path].text
        last_start = len(text) + 1
        for start, end, replacement in sorted(set(items), reverse=True):
            if end > last_start:
                continue  # overlaps an edit already made
            text = text[:start] + replacement + text[end:]
            last_start = start
        with open(path, encoding="utf-8-sig", newline="") as fh:
            crlf = "\r\n" in fh.read()
        changed[path] = text.replace("\n", "\r\n") if crlf else text
    return changed


def diff(path: str, new_text: str) -> str:
    """What `--fix` would change in a file, as a unified diff (for `--diff`)."""
    import difflib

    with open(path, encoding="utf-8-sig", newline="") as fh:
        old_text = fh.read()
    return "".join(difflib.unified_diff(old_text.splitlines(keepends=True),
                                        new_text.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))


def described(findings: list[Finding], sources: dict[str, SourceFile]) -> list[str]:
    """One line per fix, for `--show-fixes`: where, which rule, the words before and after."""
    out = []
    for f in findings:
        if f.fix and f.path in sources:
            start, end, replacement = f.fix
            out.append(f"{f.path}:{f.line}:{f.column}: {f.rule}: "
                       f"{sources[f.path].text[start:end]!r} -> {replacement!r}")
    return out
