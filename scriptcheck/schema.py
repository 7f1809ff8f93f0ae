"""The rule pack schema: published as JSON Schema, and checked here with YAML line numbers.

The checker understands the small subset of JSON Schema the schema uses (type, enum,
pattern, properties, required, additionalProperties, items, minItems), so a broken pack is
reported as `file:line: message` naming the field, which jsonschema alone cannot do.
"""
from __future__ import annotations

import re

from .categories import CATEGORIES

LANG_TEXT = {
    "oneOf": [{"type": "string"},
              {"type": "object", "additionalProperties": {"type": "string"},
               "propertyNames": {"pattern": "^[a-z]{2}$"}}],
    "description": "Text per language: {zh: ..., en: ...} (or one string for every language)",
}
STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
PHRASES = {"type": "array", "items": {"type": "string"}, "minItems": 1}

TERM_NAME = r"^[A-Z][A-Z0-9_]+$"
PART = {"oneOf": [
    {"type": "string"},
    {"type": "array", "items": {"type": "string"}, "minItems": 1},
    {"type": "object", "properties": {"any": PHRASES, "optional": {"type": "boolean"}},
     "required": ["any"], "additionalProperties": False},
    {"type": "object", "properties": {"regex": PHRASES, "optional": {"type": "boolean"}},
     "required": ["regex"], "additionalProperties": False},
], "description": "a frame part: a term set, a phrase, a list of them, {any: [...], optional: "
                  "true}, or {regex: [...]} for a pattern (an amount, a time)"}
FRAME = {"oneOf": [
    {"type": "array", "items": PART, "minItems": 1},
    {"type": "object",
     "properties": {"parts": {"type": "array", "items": PART, "minItems": 1},
                    "order": {"enum": ["in-order", "any"]},
                    "scope": {"enum": ["clause", "sentence", "text"]},
                    "within": {"type": "integer"}},
     "required": ["parts"], "additionalProperties": False},
]}
TOKEN_PATTERN = "a spaCy Matcher token pattern"  # checked by building a Matcher

MATCHER = {
    "type": "object",
    "description": "One alternative: exactly one of phrases, frame, near, tokens, exact, regex, slots",
    "properties": {
        "phrases": PHRASES,
        "frame": FRAME,
        "exact": PHRASES,
        "regex": PHRASES,
        "tokens": {"type": "array", "items": {"type": "array", "items": {"type": "object"},
                                              "$comment": TOKEN_PATTERN},
                   "minItems": 1},
        "slots": PHRASES,
        "near": {
            "type": "object",
            "properties": {"a": PHRASES, "b": PHRASES, "within": {"type": "integer"},
                           "ordered": {"type": "boolean"}},
            "required": ["a", "b"],
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
    "minProperties": 1,
    "maxProperties": 1,
}
MATCH = {"type": "array", "items": MATCHER, "minItems": 1}

UNLESS = {
    "type": "object",
    "properties": {
        "negated": {"type": "boolean"},
        "quoted": {"type": "boolean"},
        "question": {"type": "boolean"},
        "preceded_by": PHRASES,
        "followed_by": PHRASES,
        "near": {"type": "object",
                 "properties": {"phrases": PHRASES, "within": {"type": "integer"}},
                 "required": ["phrases"], "additionalProperties": False},
        "in_sentence": PHRASES,
    },
    "additionalProperties": False,
}
UNLESS_FIELD = {"oneOf": [UNLESS, {"type": "array", "minItems": 1,
                                   "items": {"oneOf": [{"type": "string"}, UNLESS]}}],
                "description": "exceptions: a mapping, or a list of named exceptions and mappings"}
APPLIES_IF = {"type": "array", "minItems": 1, "items": {
    "type": "object", "properties": {"says": MATCH, "lacks": MATCH},
    "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
    "description": "each item is one of says: [...] or lacks: [...]"}}

EXAMPLE = {"oneOf": [
    {"type": "string"},
    {"type": "object", "properties": {"text": {"type": "string"}, "meta": {"type": "object"}},
     "required": ["text"], "additionalProperties": False},
]}

WHEN_KEYS = ("locale", "jurisdiction", "audience", "channel", "collector", "first_contact",
             "stage", "time_barred", "contact_window", "attempts_per_day")

KIND_FIELDS = {
    "forbid": {"match", "unless"},
    "prefer": {"replace", "fix", "unless"},
    "require": {"match", "scope", "before"},
    "variables": {"forbid", "require"},
    "metric": {"measure", "max", "match", "unless"},
    "meta": {"key", "within", "max", "min", "forbid", "require"},
}
KIND_REQUIRED = {"forbid": ["match"], "prefer": ["replace"], "require": ["match"],
                 "variables": [], "metric": ["measure", "max"], "meta": ["key"]}
# how sure the reference is of the text it cites (shown to users as a short tag)
REFERENCE_STATUSES = ("text-confirmed", "secondary-source", "press-report", "unconfirmed",
                      "house-rule")
MEASURES = ("sms_segments", "characters", "sentence_length", "exclamations", "matches")

RULE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"},
        "kind": {"enum": list(KIND_FIELDS)},
        "category": {"type": "string",
                     "description": "a DESIGN.md category or x-... for house rules"},
        "severity": {"enum": ["error", "warning", "info"]},
        "message": LANG_TEXT,
        "rationale": {"type": "string"},
        "citations": {"type": "array", "items": {"type": "string"}},
        "suggestion": LANG_TEXT,
        "when": {"type": "object", "propertyNames": {"enum": list(WHEN_KEYS)}},
        "examples": {
            "type": "object",
            "properties": {"bad": {"type": "array", "items": EXAMPLE},
                           "good": {"type": "array", "items": EXAMPLE}},
            "additionalProperties": False,
        },
        # kind-specific fields
        "applies_if": APPLIES_IF,
        "match": MATCH,
        "unless": UNLESS_FIELD,
        "replace": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "properties": {"instead_of": {"type": "string"}, "use": {"type": "string"},
                           "regex": {"type": "string"}},
            "required": ["instead_of", "use"], "additionalProperties": False}},
        "fix": {"type": "boolean"},
        "scope": {"oneOf": [{"enum": ["whole", "opening"]},
                            {"type": "object", "properties": {"sentences": {"type": "integer"}},
                             "required": ["sentences"], "additionalProperties": False}]},
        "before": MATCH,
        "forbid": STRINGS,
        "require": {"oneOf": [{"type": "boolean"}, STRINGS["oneOf"][0], STRINGS["oneOf"][1]]},
        "measure": {"enum": list(MEASURES)},
        "max": {"type": "number"},
        "min": {"type": "number"},
        "key": {"type": "string"},
        "within": {"type": "string", "pattern": r"^\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}$"},
    },
    "required": ["id", "kind", "category", "severity", "message"],
    "additionalProperties": False,
}

PACK = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "scriptcheck rule pack",
    "type": "object",
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "version": {"type": ["string", "number"]},
        "description": {"type": "string"},
        "locale": STRINGS,
        "jurisdiction": STRINGS,
        "extends": {"type": "array", "items": {"oneOf": [
            {"type": "string"},
            {"type": "object",
             "properties": {"pack": {"type": "string"},
                            "overrides": {"type": "object", "additionalProperties": {
                                "type": "object",
                                "properties": {"severity": {"enum": ["error", "warning", "info"]},
                                               "disabled": {"type": "boolean"}},
                                "additionalProperties": False}}},
             "required": ["pack"], "additionalProperties": False}]}},
        "references": {"type": "object", "additionalProperties": {
            "type": "object",
            "properties": {**{k: {"type": ["string", "number"]} for k in
                              ("title", "issuer", "article", "summary", "date", "url", "note")},
                           "status": {"enum": list(REFERENCE_STATUSES)}},
            "required": ["title"], "additionalProperties": False}},
        "terms": {"type": "object", "propertyNames": {"pattern": TERM_NAME},
                  "additionalProperties": {"type": "array", "items": {"type": "string"},
                                           "minItems": 1},
                  "description": "named term sets: NAME: [phrase, OTHER_SET, ...]"},
        "exceptions": {"type": "object", "additionalProperties": UNLESS,
                       "description": "named exceptions a rule's unless can use by name"},
        "rules": {"type": "array", "items": RULE},
    },
    "required": ["name", "rules"],
    "additionalProperties": False,
}

_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
          "object": dict, "array": list}


_LABELS = {"string": "text", "object": "a mapping", "array": "a list", "boolean": "true/false"}


def json_schema() -> dict:
    """The pack schema as JSON Schema, with the category list filled in."""
    import copy

    schema = copy.deepcopy(PACK)
    schema["properties"]["rules"]["items"]["properties"]["category"] = {
        "anyOf": [{"enum": list(CATEGORIES)}, {"type": "string", "pattern": "^x-[a-z0-9-]+$"}]}
    return schema


def _is(value, type_name: str) -> bool:
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[type_name])


def validate(value, schema: dict, where: str, line: int) -> list[tuple[int, str]]:
    """Problems as (line, message). Containers from `yamlines` know their keys' lines."""
    if "oneOf" in schema:
        attempts = [validate(value, s, where, line) for s in schema["oneOf"]]
        if any(not a for a in attempts):
            return []
        return min(attempts, key=len)
    problems: list[tuple[int, str]] = []
    types = schema.get("type")
    if types:
        names = types if isinstance(types, list) else [types]
        if not any(_is(value, t) for t in names):
            shown = next((label for kind, label in ((bool, "true/false"), (str, "text"),
                          (dict, "a mapping (key: value)"), (list, "a list"), (int, "integer"),
                          (float, "number"), (type(None), "nothing")) if isinstance(value, kind)),
                         type(value).__name__)
            return [(line, f"{where}: expected {' or '.join(_LABELS.get(n, n) for n in names)}, got {shown}")]
    if "enum" in schema and value not in schema["enum"]:
        return [(line, f"{where}: {value!r} is not one of {', '.join(map(str, schema['enum']))}")]
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        return [(line, f"{where}: {value!r} does not match {schema['pattern']}")]
    if isinstance(value, dict):
        key_lines = getattr(value, "key_lines", {})
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        if ("minProperties" in schema and len(value) < schema["minProperties"]) or \
                ("maxProperties" in schema and len(value) > schema["maxProperties"]):
            problems.append((line, f"{where}: {schema.get('description', 'wrong number of keys')}"))
        names = schema.get("propertyNames", {})
        for key, item in value.items():
            key_line = key_lines.get(key, line)
            if "enum" in names and key not in names["enum"]:
                problems.append((key_line, f"{where}: unknown key '{key}' "
                                           f"(expected one of {', '.join(names['enum'])})"))
            elif "pattern" in names and not re.search(names["pattern"], str(key)):
                problems.append((key_line, f"{where}: unknown key '{key}'"))
            elif key in props:
                problems += validate(item, props[key], f"{where}.{key}", key_line)
            elif extra is False:
                hint = _closest(str(key), props)
                problems.append((key_line, f"{where}: unknown field '{key}'"
                                           + (f" (did you mean '{hint}'?)" if hint else "")))
            elif isinstance(extra, dict):
                problems += validate(item, extra, f"{where}.{key}", key_line)
        # after unknown fields: a misspelt field is the cause of the missing one
        for key in schema.get("required", []):
            if key not in value:
                problems.append((line, f"{where}: missing required field '{key}'"))
    if schema.get("$comment") == TOKEN_PATTERN and isinstance(value, list) and not problems \
            and all(isinstance(t, dict) for t in value):
        problems += token_pattern_problems(value, where, line)
    if isinstance(value, list):
        item_lines = getattr(value, "item_lines", [])
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append((line, f"{where}: needs at least {schema['minItems']} item(s)"))
        if "items" in schema:
            for i, item in enumerate(value):
                item_line = item_lines[i] if i < len(item_lines) else line
                problems += validate(item, schema["items"], f"{where}[{i}]", item_line)
    return problems


def token_pattern_problems(pattern: list, where: str, line: int) -> list[tuple[int, str]]:
    """spaCy's own check of a token pattern (a typo would otherwise crash the first run that
    compiles it), on a blank vocabulary: no pipeline is loaded."""
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    try:
        Matcher(Vocab(), validate=True).add("pattern", [[dict(t) for t in pattern]])
    except (MatchPatternError, ValueError, TypeError, KeyError) as exc:
        detail = next((ln.strip("- ").strip() for ln in str(exc).splitlines()
                       if ln.strip().startswith("- [")), str(exc).strip().splitlines()[0])
        detail = detail.replace("[pattern -> ", "[token ")
        return [(line, f"{where}: not a valid spaCy token pattern: {detail}")]
    return []


def _closest(key: str, options) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


KIND_FIELDS_ALL = set().union(*KIND_FIELDS.values())
