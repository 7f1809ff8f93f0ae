"""Suppressions written in the template's own Jinja comments, with a reason:

    {# scriptcheck: ignore CN-ARREST-THREAT -- quoting the regulation in a training note #}
    {# scriptcheck: ignore-file CNP-COURTESY-CLOSING -- SMS template, no spoken closing #}

`ignore` covers its own line, or the next line when the comment stands alone on its line.
Rule ids, categories or pack names may be named. A suppression without a reason, and one
in a script that suppresses nothing, are findings themselves (like ruff's RUF100).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .messages import say
from .model import Finding, Span, finding_at
from .template import Loader

_PATTERN = re.compile(
    r"^\s*(?:scriptcheck:\s*(?P<verb>ignore-file|ignore)|noqa:?)\s+(?P<ids>.*?)"
    r"(?:\s+--\s*(?P<reason>.*?))?\s*$", re.S)


@dataclass
class Suppression:
    path: str
    line: int | None          # the line it covers; None: the whole file
    names: set[str]
    reason: str
    comment_line: int
    used: bool = False

    def covers(self, f: Finding) -> bool:
        return f.path == self.path and (self.line is None or f.line == self.line) and \
            bool({f.rule, f.category} & self.names)


def read(path: str, loader: Loader) -> list[Suppression]:
    source = loader.source(path)
    if source is None:
        return []
    found = []
    for line, text in loader.comments(path):
        m = _PATTERN.match(text)
        if not m:
            continue
        names = {n for n in re.split(r"[,\s]+", m.group("ids")) if n}
        whole_line = source.line_text(line).strip()
        alone = whole_line.startswith("{#") and whole_line.endswith("#}")
        target = None if m.group("verb") == "ignore-file" else (line + 1 if alone else line)
        found.append(Suppression(path, target, names, (m.group("reason") or "").strip(), line))
    return found


def apply(findings: list[Finding], unit, loader: Loader) -> list[Finding]:
    """Drop suppressed findings; report suppressions without reasons and unused ones."""
    own = unit.script.source.path
    paths = {f.path for f in findings} | {own}
    rules = [s for p in sorted(paths) for s in read(p, loader)]
    kept = []
    for f in findings:
        covering = [s for s in rules if s.covers(f)]
        for s in covering:
            s.used = True
        if not covering or f.category == "template-error":
            kept.append(f)
    source = unit.script.source
    for s in rules:
        if s.path != own:
            continue
        start = source.line_starts[s.comment_line - 1]
        span = Span(source, start, start + len(source.line_text(s.comment_line)))
        if not s.reason:
            kept.append(finding_at(span, rule="suppression-reason", category="x-suppression",
                                   severity="warning",
                                   message=say("suppression-no-reason", unit.lang)))
        if not s.used:
            kept.append(finding_at(span, rule="suppression-unused", category="x-suppression",
                                   severity="info",
                                   message=say("suppression-unused", unit.lang,
                                               rules=", ".join(sorted(s.names)))))
    return kept
