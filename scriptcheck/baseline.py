"""A baseline: the JSON report of an earlier run. Findings already in it are old debt and are
not reported again; new ones are. Findings are matched by rule, path and the offending text
(not by line, so an edit above them does not revive them), as many times as they were there."""
from __future__ import annotations

import json
from collections import Counter

from .model import Finding


class BaselineError(Exception):
    pass


def _key(rule: str, path: str, excerpt: str) -> tuple[str, str, str]:
    return rule, path.replace("\\", "/"), excerpt.strip()


def load(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return Counter(_key(f["rule"], f["path"], f.get("excerpt", ""))
                       for f in data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"{path}:1: not a scriptcheck JSON report: {exc}") from None


def apply(findings: list[Finding], baseline: Counter) -> tuple[list[Finding], int]:
    """The findings that are new, and how many old ones were left out."""
    left = Counter(baseline)
    kept = []
    for f in findings:
        key = _key(f.rule, f.path, f.excerpt)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(f)
    return kept, len(findings) - len(kept)
