"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request,
and the run ends with the summary line in the job's log."""
from __future__ import annotations

from ..model import Finding
from .run import RunInfo
from .text import summary

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: dict, findings: list[Finding], sources: dict,
           run: RunInfo | None = None) -> str:
    lines = []
    for f in findings:
        message = f.message + (f"\n{f.suggestion}" if f.suggestion else "")
        lines.append(f"::{LEVELS[f.severity]} file={_prop(f.path)},line={f.line},col={f.column},"
                     f"endLine={f.end_line},endColumn={f.end_column},"
                     f"title={_prop(f'{f.rule} [{f.category}]')}::{_data(message)}")
    lines.append(f"scriptcheck: {summary(report, run)}")
    return "".join(line + "\n" for line in lines)
