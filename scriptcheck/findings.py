"""Findings as a run's result: when two are the same finding, and when they fail the run.

Apart from the engine, so that reporters and a run answered by the cache need no rule code.
"""
from __future__ import annotations

from .model import SEVERITY_RANK, Finding


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and source span, whatever number of variants reached it."""
    seen: dict[tuple, Finding] = {}
    for f in findings:
        key = identity(f)
        if key not in seen:
            seen[key] = f
    return sorted(seen.values(), key=Finding.sort_key)


def identity(f: Finding) -> tuple:
    """What makes two findings the same finding (one reached through several scripts)."""
    return (f.rule, f.path, f.line, f.column, f.end_line, f.end_column, f.message)


def failing(findings: list[Finding], fail_on: str) -> bool:
    return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in findings)
