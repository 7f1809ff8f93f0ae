"""SARIF 2.1.0, for code-scanning dashboards (GitHub, Azure DevOps, ...)."""
from __future__ import annotations

import json

from ..model import Finding
from .spans import language

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _help(rule, lang: str) -> dict:
    """A rule's help: why, the law with its full reference and status, how to say it instead."""
    from ..citations import full_text, references

    parts = [rule.rationale.strip()] if rule.rationale else []
    parts += [full_text(ref, lang) for ref in references(rule)]
    if rule.text(rule.suggestion, lang):
        parts.append(rule.text(rule.suggestion, lang))
    return {"text": "\n".join(parts)}


def render(report: dict, findings: list[Finding], sources: dict, packs: list | None = None) -> str:
    known = {r.id: r for p in packs or [] for r in p.rules}
    rules: dict[str, dict] = {}
    for f in findings:
        rules.setdefault(f.rule, {
            "id": f.rule,
            "shortDescription": {"text": f.message.split("。")[0].split(". ")[0][:200]},
            "properties": {"category": f.category, "citations": f.citations},
            **({"help": _help(known[f.rule], language(f))} if f.rule in known else {}),
        })
    results = [{
        "ruleId": f.rule,
        "level": LEVELS[f.severity],
        "message": {"text": f.message + (f"\n{f.suggestion}" if f.suggestion else "")},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": f.path.replace("\\", "/")},
            "region": {"startLine": f.line, "startColumn": f.column,
                       "endLine": f.end_line, "endColumn": f.end_column,
                       "snippet": {"text": f.excerpt}},
        }}],
        "properties": {"category": f.category, "variant": f.variant},
    } for f in findings]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "scriptcheck", "version": report["tool"]["version"],
                                "rules": list(rules.values())}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
