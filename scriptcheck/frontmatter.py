"""Script metadata: YAML front matter in the first Jinja comment (`{# --- ... --- #}`)."""
from __future__ import annotations

import re
import functools
from dataclasses import dataclass, field
from typing import Any

KEYS = ("locale", "jurisdiction", "audience", "channel", "collector", "first_contact", "stage",
        "contact_window", "attempts_per_day", "time_barred")
AUDIENCES = ("debtor", "guarantor", "third_party")
CHANNELS = ("call", "voicemail", "sms", "letter", "email", "chat")
COLLECTORS = ("creditor", "agency")

_FENCE = re.compile(r"^\s*---[ \t]*\n?(.*?)\n?[ \t]*---\s*$", re.S)


@dataclass
class Meta:
    values: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # key -> 1-based line in the file
    error: tuple[int, str] | None = None                  # (line, message) when unreadable

    def get(self, key: str, default=None):
        return self.values.get(key, default)


def parse(comment: str, comment_line: int) -> Meta | None:
    """Front matter from the text of a comment that starts on `comment_line`, or None."""
    m = _FENCE.match(comment)
    if not m:
        return None
    body = m.group(1)
    # line of the body's first line within the file
    first = comment_line + comment[: m.start(1)].count("\n")
    import yaml

    try:
        node = yaml.compose(body, Loader=_yaml_loader())
        values = yaml.load(body, Loader=_yaml_loader()) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first + (mark.line if mark else 0)
        return Meta(error=(line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}"))
    if not isinstance(values, dict):
        return Meta(error=(first, "front matter must be a mapping of keys to values"))
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            lines[str(key_node.value)] = first + key_node.start_mark.line
    return Meta(values={str(k): v for k, v in values.items()}, lines=lines)


@functools.cache
def _yaml_loader() -> Any:
    """libyaml's safe loader where PyYAML has it (faster), imported when front matter is first
    read: a run whose scripts come from the cache reads none."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_LOCALE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_WINDOW = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)$")
_CHOICES = {"audience": AUDIENCES, "channel": CHANNELS, "collector": COLLECTORS}


def closest(word: str, options) -> str | None:
    """The option a misspelling most likely meant (`colector` -> `collector`)."""
    import difflib

    found = difflib.get_close_matches(str(word).lower().replace("-", "_"), list(options), n=1,
                                      cutoff=0.6)
    return found[0] if found else None


def _expected(key: str, value) -> str | None:
    """What a valid value of `key` looks like, or None when `value` is valid."""
    if key in _CHOICES:
        return None if value in _CHOICES[key] else " | ".join(_CHOICES[key])
    if key in ("first_contact", "time_barred"):
        return None if isinstance(value, bool) else "true | false"
    if key == "attempts_per_day":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "a whole number (0 or more)"
    if key == "contact_window":
        return None if isinstance(value, str) and _WINDOW.match(value.strip()) else '"HH:MM-HH:MM"'
    if key == "locale":
        return None if isinstance(value, str) and _LOCALE.match(value) else "a locale: zh-CN, en-US, en-GB, ..."
    if key == "jurisdiction":
        return None if isinstance(value, str) and value.strip() else "a jurisdiction: CN, US, UK, ..."
    if key == "stage":
        return None if isinstance(value, (str, int, float)) and not isinstance(value, bool) else "text"
    return None


def check(values: dict) -> list[tuple[str, str, dict]]:
    """Every unknown key and invalid value: (key, message id, message values). A misspelt
    key or value would otherwise switch rules off without a word."""
    found = []
    for key, value in values.items():
        if key not in KEYS:
            found.append((key, "front-matter-key", {"key": key, "close": closest(key, KEYS)}))
            continue
        expected = _expected(key, value)
        if expected is not None:
            found.append((key, "front-matter-value", {
                "key": key, "value": value, "expected": expected,
                "close": closest(value, _CHOICES[key]) if key in _CHOICES and isinstance(value, str) else None}))
    return found


def detect_language(text: str) -> str:
    """`zh` when the text is mostly Han characters, else `en` (a script without a locale;
    here, not with the NLP code: a run answered by the cache asks it too)."""
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if han and han * 3 >= latin else "en"


def language(locale: str | None) -> str | None:
    """`zh-CN` -> `zh`."""
    if not locale:
        return None
    return str(locale).replace("_", "-").split("-")[0].lower()


def default_jurisdiction(locale: str | None) -> str | None:
    loc = str(locale or "").replace("_", "-").lower()
    if loc.startswith("zh"):
        return "CN"
    if loc in ("en-gb", "en-uk"):
        return "UK"
    if loc.startswith("en"):
        return "US"
    return None
