"""The JSON document of DESIGN.md (a public contract: keep it stable)."""
from __future__ import annotations

import json

from ..model import Finding


def render(report: dict, findings: list[Finding], sources: dict, run=None) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
