"""`--select`, `--ignore`, `select`/`ignore`/`severity` in the configuration: every name must
mean something. A misspelt id selects nothing, and a gate that selects nothing passes green."""
from __future__ import annotations

import difflib

from .categories import CATEGORIES


def known_names(packs: list) -> dict[str, str]:
    """Every rule id, category and pack name the loaded packs know -> what it is."""
    names = {c: "category" for c in CATEGORIES}
    for pack in packs:
        names[pack.name] = "pack"
        for rule in pack.rules:
            names.setdefault(rule.category, "category")
            names[rule.id] = "rule"
    return names


def unknown(names: list[str], packs: list, rules_only: bool = False) -> list[str]:
    """A message for each name that is not a rule id, category or pack (only rule ids
    when `rules_only`), with the closest known name."""
    known = known_names(packs)
    if rules_only:
        known = {n: kind for n, kind in known.items() if kind == "rule"}
    found = []
    for name in names:
        if name in known:
            continue
        by_upper = {k.upper(): k for k in known}
        close = difflib.get_close_matches(str(name).upper(), list(by_upper), n=1, cutoff=0.6)
        what = "rule id" if rules_only else "rule id, category or pack"
        found.append(f"'{name}' is not a {what} of the loaded packs"
                     + (f" (did you mean '{by_upper[close[0]]}'?)" if close else ""))
    return found
