"""What a run says about a file besides rule findings: an encoding it had to guess, a
front-matter key it does not know, a limit the file goes over, a partial nobody uses.

A notice is language-neutral data; it becomes a finding in the script's language at the
line it names (with that line as the excerpt).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .messages import has, say
from .model import Finding, SourceFile


@dataclass
class Notice:
    rule: str                  # the finding's rule id (front-matter, encoding-guess, ...)
    severity: str
    key: str                   # message id in messages.py
    path: str
    line: int = 1
    values: dict = field(default_factory=dict)
    category: str = "template-error"


def to_finding(notice: Notice, lang: str, source: SourceFile | None) -> Finding:
    values = dict(notice.values)
    close = values.pop("close", None)
    values["hint"] = say("did-you-mean", lang, close=close) if close else ""
    line = max(notice.line, 1)
    suggestion_key = f"{notice.key}-suggestion"
    f = Finding(rule=notice.rule, category=notice.category, severity=notice.severity,
                message=say(notice.key, lang, **values), path=notice.path, line=line,
                column=1, end_line=line, end_column=1,
                suggestion=say(suggestion_key, lang, **values) if has(suggestion_key) else None)
    if source is not None and line <= len(source.line_starts):
        text = source.line_text(line)
        f.excerpt, f.end_column = text, len(text) + 1   # the text at the span, exactly
    return f


def in_own_language(notice: Notice, source: SourceFile | None) -> Finding:
    """A finding about a file no script's front matter speaks for: in the file's language."""
    from .frontmatter import detect_language

    said = re.sub(r"\{[{%#].*?[}%#]\}", "", source.text, flags=re.S) if source else ""
    return to_finding(notice, detect_language(said), source)


def describe(exc: BaseException) -> str:
    """One line about an exception, for a finding (the traceback goes to --verbose)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def regex_timeout(error, rule_id: str, source: SourceFile, lang: str) -> Finding:
    """A rule stopped on this file by its regular expression's time limit (a PackError)."""
    notice = Notice("regex-timeout", "error", "regex-timeout", source.path, 1,
                    {"rule": rule_id, "detail": error.message, "where": f"{error.path}:{error.line}"})
    return to_finding(notice, lang, source)
