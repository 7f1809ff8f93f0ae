"""Text like ruff and flake8: `path:line:col: severity RULE [category] message`, the line
with a caret under the span, and how to say it instead; a one-line summary with timing."""
from __future__ import annotations

import unicodedata
from collections import Counter

from ..conditions import variant_in_words
from ..model import Finding
from .spans import about_whole_script, language
from .run import RunInfo


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _caret(line: str, column: int, end_column: int, end_line_same: bool) -> str:
    before = line[: column - 1]
    span = line[column - 1: end_column - 1] if end_line_same else line[column - 1:]
    return " " * _width(before) + "^" * max(_width(span), 1)


def summary(report: dict, run: RunInfo | None = None) -> str:
    """`21 file(s) checked: 52 error(s), 22 warning(s), 6 info (0.84 s, 19 from the cache)`."""
    s = report["summary"]
    timing = ""
    if run is not None and run.elapsed is not None:
        cached = f", {run.cached} from the cache" if run.cached else ""
        timing = f" ({run.elapsed:.2f} s{cached})"
    return (f"{s['files']} file(s) checked: {s['error']} error(s), {s['warning']} warning(s), "
            f"{s['info']} info{timing}")


def statistics(findings: list[Finding]) -> list[str]:
    """Counts per rule, then per category, most frequent first (like `ruff --statistics`)."""
    rules = Counter((f.rule, f.category, f.severity) for f in findings)
    categories = Counter(f.category for f in findings)
    out = [f"{n:>5}  {rule:<32} {severity:<8} [{category}]"
           for (rule, category, severity), n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))]
    if categories:
        out += ["", "by category:"]
        out += [f"{n:>5}  {category}"
                for category, n in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out


def _finding(f: Finding, sources: dict) -> list[str]:
    out = [f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} [{f.category}] {f.message}"]
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
    return out


def render(report: dict, findings: list[Finding], sources: dict,
           run: RunInfo | None = None) -> str:
    if run is not None and run.statistics:
        out = statistics(findings)
    else:
        out = [line for f in findings for line in _finding(f, sources)]
    if run is None or not run.quiet:
        if out:
            out.append("")
        out.append(summary(report, run))
    return "".join(line + "\n" for line in out)
