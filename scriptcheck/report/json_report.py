"""The JSON document of DESIGN.md (a public contract: keep it stable)."""
from __future__ import annotations

from ..model import Finding
from .jsontext import dumps


def render(report: dict, findings: list[Finding], sources: dict, run=None) -> str:
    return dumps(report, ensure_ascii=False, indent=2) + "\n"
