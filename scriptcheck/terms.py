"""Term sets: named vocabularies that rules refer to by name.

A pack declares `terms: {POLICE: [公安, 警察, ...], AUTHORITY: [POLICE, 法院]}`; any entry of a
phrase list that is an UPPER_CASE name stands for that set, wherever a rule takes phrases
(`phrases`, `near`, `frame` parts, `unless` lists, `applies_if`). Sets come from the pack and
the packs it extends; one added synonym reaches every rule that speaks of the concept.
Names are resolved when the pack is loaded, so an unknown name is a pack error at its line.
"""
from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .packs import Pack

NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")
UNLESS_LISTS = ("preceded_by", "followed_by", "in_sentence")


def _error(path: str, line: int, message: str):
    from .packs import PackError

    return PackError(path, line, message)


def _lines(value: Any, line: int) -> list[int]:
    lines = list(getattr(value, "item_lines", []))
    return lines + [getattr(value, "line", line)] * (len(value) - len(lines))


def _unknown(name: str, known, path: str, line: int, where: str):
    hint = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return _error(path, line, f"{where}: unknown term set '{name}'"
                  + (f" (did you mean '{hint[0]}'?)" if hint else "")
                  + "; write a literal acronym in lower case")


def resolve(layers: list[tuple[dict, str]]) -> dict[str, list[str]]:
    """Every set a pack can use, as plain phrase lists. `layers` are the raw `terms:` of the
    packs it extends, lowest first, then its own, each with its file. A later layer's set
    replaces an earlier one of the same name; naming the set in its own list means the set
    below (`POLICE: [POLICE, 阿sir]` adds to it). Sets are read in the pack's own view: an
    inherited THIRD_PARTY that includes EMPLOYER sees the pack's EMPLOYER."""
    done: dict[tuple[str, int], list[str]] = {}
    busy: list[tuple[str, int]] = []
    known = {name for raw, _ in layers for name in raw}

    def defining(name: str, below: int) -> int | None:
        return next((k for k in range(below - 1, -1, -1) if name in layers[k][0]), None)

    def expand(name: str, below: int, path: str, line: int, where: str) -> list[str]:
        k = defining(name, below)
        if k is None:
            if below < len(layers):
                raise _error(path, line, f"{where}: names itself, but no pack it extends "
                                         f"has a set '{name}'")
            raise _unknown(name, known, path, line, where)
        if (name, k) in done:
            return done[(name, k)]
        raw, raw_path = layers[k]
        lines = getattr(raw, "key_lines", {})
        if (name, k) in busy:
            chain = " -> ".join(n for n, _ in busy[busy.index((name, k)):]) + f" -> {name}"
            raise _error(raw_path, lines.get(name, 1), f"terms.{name}: term sets include "
                                                       f"each other ({chain})")
        busy.append((name, k))
        out: list[str] = []
        for entry, at in zip(raw[name], _lines(raw[name], lines.get(name, 1))):
            entry = str(entry)
            if not NAME.match(entry):
                out.append(entry)
            elif entry == name:
                out += expand(name, k, raw_path, at, f"terms.{name}")
            else:
                out += expand(entry, len(layers), raw_path, at, f"terms.{name}")
        busy.pop()
        done[(name, k)] = list(dict.fromkeys(out))
        return done[(name, k)]

    top = len(layers)
    return {name: expand(name, top, "", 1, f"terms.{name}")
            for name in dict.fromkeys(n for raw, _ in layers for n in raw)}


def phrases(values: Any, terms: dict[str, list[str]], path: str, where: str,
            used: set[str] | None = None) -> list[str]:
    """A phrase list with its set names replaced by their phrases."""
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for entry, at in zip(values, _lines(values, getattr(values, "line", 1))):
        entry = str(entry)
        if NAME.match(entry):
            if entry not in terms:
                raise _unknown(entry, terms, path, at, where)
            out += terms[entry]
            if used is not None:
                used.add(entry)
        else:
            out.append(entry)
    return list(dict.fromkeys(out))


def _frame(spec: Any, terms, path, where, used) -> dict:
    raw = {"parts": spec} if isinstance(spec, list) else dict(spec)
    parts = []
    for i, part in enumerate(raw["parts"]):
        if isinstance(part, dict) and "regex" in part:
            parts.append({"regex": list(part["regex"]),
                          "optional": bool(part.get("optional", False))})
        elif isinstance(part, dict):
            parts.append({"any": phrases(part["any"], terms, path, f"{where}.parts[{i}]", used),
                          "optional": bool(part.get("optional", False))})
        else:
            parts.append({"any": phrases(part, terms, path, f"{where}.parts[{i}]", used),
                          "optional": False})
    return {"parts": parts, "order": raw.get("order", "in-order"),
            "scope": raw.get("scope", "clause"), "within": raw.get("within")}


def expand_match(alternatives: list, terms, path: str, where: str, used: set[str]) -> list[dict]:
    out = []
    for i, alt in enumerate(alternatives):
        here = f"{where}[{i}]"
        if "phrases" in alt:
            out.append({"phrases": phrases(alt["phrases"], terms, path, f"{here}.phrases", used)})
        elif "near" in alt:
            near = dict(alt["near"])
            near["a"] = phrases(near["a"], terms, path, f"{here}.near.a", used)
            near["b"] = phrases(near["b"], terms, path, f"{here}.near.b", used)
            out.append({"near": near})
        elif "frame" in alt:
            out.append({"frame": _frame(alt["frame"], terms, path, f"{here}.frame", used)})
        else:
            out.append(alt)
    return out


def expand_unless(raw: Any, terms, path: str, used: set[str] | None = None,
                  named: dict[str, dict] | None = None, where: str = "unless",
                  named_terms: dict[str, list[str]] | None = None) -> dict:
    """One exceptions mapping from a mapping, or from a list of exception names and mappings:
    phrase lists are joined, `near` entries kept side by side, a `false` switch wins."""
    items = raw if isinstance(raw, list) else [raw]
    lines = _lines(items, getattr(raw, "line", 1)) if isinstance(raw, list) else [1]
    merged: dict = {"near": []}
    for item, at in zip(items, lines):
        if isinstance(item, str):
            if named is None or item not in named:
                hint = difflib.get_close_matches(item, list(named or {}), n=1, cutoff=0.6)
                raise _error(path, at, f"{where}: unknown exception '{item}'"
                             + (f" (did you mean '{hint[0]}'?)" if hint else ""))
            if used is not None:
                used.update((named_terms or {}).get(item, ()))
            item = named[item]
            used_here = None
        else:
            used_here = used
        for key, value in item.items():
            if key in UNLESS_LISTS:
                merged.setdefault(key, [])
                merged[key] += phrases(value, terms, path, f"{where}.{key}", used_here)
            elif key == "near":
                nears = value if isinstance(value, list) else [value]
                for near in nears:
                    merged["near"].append({
                        "phrases": phrases(near["phrases"], terms, path, f"{where}.near", used_here),
                        "within": int(near.get("within", 5))})
            elif isinstance(value, bool):
                merged[key] = merged.get(key, True) and value if key in ("negated", "quoted") \
                    else merged.get(key, False) or value
    return merged


def expand_rule(spec: dict, pack: "Pack", rule_id: str) -> tuple[dict, set[str]]:
    """A rule's kind fields with every set name replaced by its phrases, and the names used."""
    used: set[str] = set()
    out = dict(spec)
    path = pack.path
    for key in ("match", "before"):
        if key in out:
            out[key] = expand_match(out[key], pack.terms, path, f"rule {rule_id}: {key}", used)
    if "unless" in out:
        out["unless"] = expand_unless(out["unless"], pack.terms, path, used, pack.exceptions,
                                      f"rule {rule_id}: unless", pack.exception_terms)
    if "applies_if" in out:
        out["applies_if"] = [
            {verb: expand_match(alts, pack.terms, path, f"rule {rule_id}: applies_if.{verb}", used)
             for verb, alts in item.items()} for item in out["applies_if"]]
    return out, used
