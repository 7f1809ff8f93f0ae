"""Per pack: rules, lines, regular expressions (count and characters) and hand-written clause
gaps (`[^，。！？；,;!?]`-style character classes that spell out where a clause ends).

    python benchmarks/pack_stats.py [rules/*.yaml]
"""
from __future__ import annotations

import glob
import re
import sys
from pathlib import Path

import yaml

CLAUSE_GAP = re.compile(r"\[\^[^\]]*[，。！？；,;!?.][^\]]*\]")


def regexes(node) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "regex":
                found += value if isinstance(value, list) else [value]
            else:
                found += regexes(value)
    elif isinstance(node, list):
        for item in node:
            found += regexes(item)
    return found


def stats(path: str) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    rules = data.get("rules") or []
    found = [r for rule in rules for key in ("match", "before", "replace", "unless", "applies_if")
             for r in regexes(rule.get(key))]
    found += regexes(data.get("exceptions"))
    return {"pack": Path(path).stem, "rules": len(rules), "lines": text.count("\n"),
            "terms": len(data.get("terms") or {}),
            "regexes": len(found), "regex_chars": sum(map(len, found)),
            "clause_gaps": sum(len(CLAUSE_GAP.findall(r)) for r in found)}


def main(paths: list[str]) -> None:
    paths = paths or sorted(glob.glob(str(Path(__file__).parent.parent / "rules" / "*.yaml")))
    rows = [stats(p) for p in paths]
    cols = ["pack", "rules", "lines", "terms", "regexes", "regex_chars", "clause_gaps"]
    print("  ".join(f"{c:>13}" for c in cols))
    for row in rows + [{"pack": "ALL", **{c: sum(r[c] for r in rows) for c in cols[1:]}}]:
        print("  ".join(f"{row[c]:>13}" for c in cols))


if __name__ == "__main__":
    main(sys.argv[1:])
