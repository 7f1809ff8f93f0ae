"""SARIF 2.1.0, for code-scanning dashboards (GitHub, Azure DevOps, ...).

Every enabled rule is in `driver.rules` with its documentation; results point at it with
`ruleIndex`, name their file relative to the repository root (`%SRCROOT%`, percent-encoded)
and carry a `partialFingerprints` entry made from what was said, not where: inserting lines
above a finding does not change it, so dashboards keep tracking the same finding.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

from .. import rulesdoc
from ..model import Finding
from .jsontext import dumps
from .run import RunInfo

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
BASE = "%SRCROOT%"
DOCS_URL = ""   # the published location of docs/, once there is one (e.g. "https://…/")


def _first_sentence(text: str) -> str:
    return text.strip().split("。")[0].split(". ")[0][:200]


def _help_uri(rule_id: str) -> str:
    return f"{DOCS_URL}{rulesdoc.DOC}#{rulesdoc.anchor(rule_id)}"


def descriptor(rule) -> dict:
    text = rule.text(rule.message, rulesdoc.language(rule.pack)).strip()
    markdown = rulesdoc.body(rule)
    return {
        "id": rule.id,
        "shortDescription": {"text": _first_sentence(text)},
        "fullDescription": {"text": text + (f"\n\n{rule.rationale.strip()}"
                                            if rule.rationale else "")},
        "help": {"text": markdown, "markdown": markdown},
        "helpUri": _help_uri(rule.id),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.category, rule.pack.name], "category": rule.category,
                       "pack": rule.pack.name},
    }


def own_descriptor(rule_id: str) -> dict:
    category, severity, text = rulesdoc.OWN.get(rule_id, ("x-scriptcheck", "info", rule_id))
    return {
        "id": rule_id,
        "shortDescription": {"text": _first_sentence(text)},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": rulesdoc.own_body(rule_id)
                 if rule_id in rulesdoc.OWN else text},
        "helpUri": _help_uri(rule_id),
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": [category], "category": category, "pack": "scriptcheck"},
    }


def artifact(path: str, root: str) -> dict:
    """A repository-relative, percent-encoded URI, or an absolute one outside the root."""
    real = os.path.realpath(path)
    rel = os.path.relpath(real, root)
    if rel.startswith(".."):
        return {"uri": Path(real).as_uri()}
    return {"uri": quote(Path(rel).as_posix(), safe="/"), "uriBaseId": BASE}


def fingerprints(findings: list[Finding], root: str) -> list[str]:
    """Rule, file, the offending words and which occurrence of them: never the line."""
    seen: dict[tuple, int] = {}
    out = []
    for f in findings:
        where = os.path.relpath(os.path.realpath(f.path), root)
        key = (f.rule, Path(where).as_posix(), " ".join(f.excerpt.split()))
        seen[key] = seen.get(key, 0) + 1
        out.append(hashlib.sha256("\0".join([*key, str(seen[key])]).encode()).hexdigest())
    return out


def render(report: dict, findings: list[Finding], sources: dict,
           run: RunInfo | None = None) -> str:
    run = run or RunInfo()
    root = os.path.realpath(run.root)
    rules = [descriptor(r) for r in run.rules]
    index = {r["id"]: i for i, r in enumerate(rules)}
    for f in findings:
        if f.rule not in index:
            index[f.rule] = len(rules)
            rules.append(own_descriptor(f.rule))
    results = [{
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS[f.severity],
        "message": {"text": f.message + (f"\n{f.suggestion}" if f.suggestion else "")},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact(f.path, root),
            "region": {"startLine": f.line, "startColumn": f.column,
                       "endLine": f.end_line, "endColumn": f.end_column,
                       "snippet": {"text": f.excerpt}},
        }}],
        "partialFingerprints": {"scriptcheck/v1": fingerprint},
        "properties": {"category": f.category, "variant": f.variant, "citations": f.citations},
    } for f, fingerprint in zip(findings, fingerprints(findings, root))]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "scriptcheck", "version": report["tool"]["version"],
                                "rules": rules}},
            "originalUriBaseIds": {BASE: {"uri": Path(root).as_uri() + "/"}},
            "invocations": [{"executionSuccessful": run.exit_code in (0, 1),
                             "exitCode": run.exit_code}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return dumps(sarif, ensure_ascii=False, indent=2) + "\n"
