"""Script metadata: YAML front matter in the first Jinja comment (`{# --- ... --- #}`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

KEYS = ("locale", "jurisdiction", "audience", "channel", "collector", "first_contact", "stage",
        "contact_window", "attempts_per_day", "time_barred")
AUDIENCES = ("debtor", "guarantor", "third_party")
CHANNELS = ("call", "voicemail", "sms", "letter", "email", "chat")
COLLECTORS = ("creditor", "agency")

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml where PyYAML has it: faster
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
    try:
        node = yaml.compose(body, Loader=_YAML)
        values = yaml.load(body, Loader=_YAML) or {}
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
