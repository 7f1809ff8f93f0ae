"""Configuration in the repository: `scriptcheck.toml`, `.scriptcheck.toml`, or the
`[tool.scriptcheck]` table of `pyproject.toml`, the nearest one above the current folder.
Command-line options win over the file."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import encoding, frontmatter
from .limits import DEPTH_CEILING, Limits

FILES = ("scriptcheck.toml", ".scriptcheck.toml", "pyproject.toml")


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: str | None = None
    rules: list[str] = field(default_factory=list)       # packs (names or paths)
    fail_on: str = "warning"
    max_variants: int = 64
    template_paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    partials: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    defaults: list[tuple[str, dict]] = field(default_factory=list)
    context: str | None = None
    trim_blocks: bool = False
    lstrip_blocks: bool = False
    cache_dir: str | None = None
    baseline: str | None = None
    encoding: str | None = None          # of every template; None: BOM, UTF-8, else detected
    max_depth: int = Limits.max_depth
    max_file_size: int = Limits.max_file_size
    regex_timeout: float = Limits.regex_timeout
    lines: dict[str, int] = field(default_factory=dict)   # setting -> its line in the file

    def where(self, key: str) -> str:
        """`file:line` of a setting, for messages about its value."""
        return f"{self.path}:{self.lines.get(key, 1)}" if self.path else "configuration"
    jobs: int | None = None            # worker processes (default: the CPU count)


_KEYS = {"rules": list, "fail-on": str, "max-variants": int, "template-paths": list,
         "exclude": list, "partials": list, "select": list, "ignore": list, "severity": dict,
         "models": dict, "defaults": list, "context": str, "trim-blocks": bool,
         "lstrip-blocks": bool, "cache-dir": str, "baseline": str, "encoding": str,
         "max-depth": int, "max-file-size": int, "regex-timeout": float, "jobs": int}
_SEVERITIES = ("error", "warning", "info")
_TYPE_NAMES = {list: "list", str: "string", int: "whole number", dict: "table", bool: "true/false",
               float: "number"}
# settings that name files or folders: relative to the configuration file, not the shell
_PATHS = ("context", "cache-dir", "baseline")
_TOML_LINE = re.compile(r"\(at line (\d+)")


def find(start: str = ".") -> Path | None:
    here = Path(start).resolve()
    for folder in [here, *here.parents]:
        for name in FILES:
            candidate = folder / name
            if candidate.is_file():
                if name != "pyproject.toml" or _has_table(candidate):
                    return candidate
    return None


def _has_table(path: Path) -> bool:
    """A pyproject.toml with a [tool.scriptcheck] table, or one too broken to tell but that
    mentions it (loading it then says where it is broken, instead of ignoring it)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        return "scriptcheck" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return re.search(r"^\s*\[+\s*tool\.scriptcheck", text, re.M) is not None


def key_line(text: str, table: tuple[str, ...], key: str) -> int:
    """The line of `key` in `table` of a TOML text (1 when it cannot be found): tomllib
    keeps no positions, and a configuration error must point at its line."""
    current: tuple[str, ...] = ()
    header = sub = 0
    key_re = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if m:
            current = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
            header = n if current == table and not header else header
            sub = n if current == (*table, key) and not sub else sub
        elif current == table and key_re.match(line):
            return n
    return sub or header or 1


def _closest(word: str, options) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def model_installed(name: str) -> bool:
    """A trained spaCy pipeline: an installed package or a folder (spaCy is not imported)."""
    import importlib.util

    if Path(name).is_dir():
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def load(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        line = m.group(1) if m else len(text.splitlines()) if "end of document" in str(exc) else 1
        raise ConfigError(f"{path}:{line}: not valid TOML: {exc}") from None
    pyproject = path.name == "pyproject.toml"
    table = data.get("tool", {}).get("scriptcheck", {}) if pyproject else data
    where = ("tool", "scriptcheck") if pyproject else ()
    config = Config(path=str(path))
    base = path.parent

    def fail(key: str, message: str) -> None:
        raise ConfigError(f"{path}:{key_line(text, where, key)}: {message}")

    for key, value in table.items():
        config.lines[key] = key_line(text, where, key)
        if key not in _KEYS:
            hint = _closest(key, _KEYS)
            fail(key, f"unknown setting '{key}'" + (f" (did you mean '{hint}'?)" if hint else
                                                    f" (known: {', '.join(sorted(_KEYS))})"))
        wanted = _KEYS[key]
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            fail(key, f"setting '{key}' must be a {_TYPE_NAMES[wanted]}")
        if wanted is list and key != "defaults" and not all(isinstance(v, str) for v in value):
            fail(key, f"setting '{key}' must be a list of strings")
        problem = _value_problem(key, value)
        if problem:
            fail(key, problem)
        attr = key.replace("-", "_")
        if key == "defaults":
            value = [(d.get("paths", "*"), {k: v for k, v in d.items() if k != "paths"})
                     for d in value]
        if key == "template-paths":
            value = [_relative(base, v) for v in value]
        if key == "rules":
            value = [_relative(base, v) if _is_path(v) else v for v in value]
        if key in _PATHS:
            value = _relative(base, value)
        setattr(config, attr, value)
    return config


def _relative(base: Path, value: str) -> str:
    return value if os.path.isabs(value) else os.path.relpath(base / value)


def _is_path(spec: str) -> bool:
    """A pack spec that names a file rather than a pack (`packs/house.yaml`)."""
    return "/" in spec or os.sep in spec or spec.endswith((".yaml", ".yml"))


def _value_problem(key: str, value) -> str | None:
    """What is wrong with a setting's value, or None."""
    if key == "fail-on" and value not in _SEVERITIES:
        return f"fail-on must be error, warning or info, not {value!r}"
    if key == "jobs" and value < 1:
        return f"jobs must be 1 or more, not {value}"
    if key == "max-variants" and value < 1:
        return f"max-variants must be 1 or more, not {value} (0 would check nothing)"
    if key == "max-depth" and not 1 <= value <= DEPTH_CEILING:
        return f"max-depth must be between 1 and {DEPTH_CEILING}, not {value}"
    if key == "regex-timeout" and not 0 < value <= 60:
        return f"regex-timeout must be more than 0 and at most 60 seconds, not {value}"
    if key == "max-file-size" and value < 1:
        return f"max-file-size must be 1 byte or more, not {value}"
    if key == "encoding" and not encoding.known(value):
        return f"encoding {value!r} is not a text encoding Python knows (e.g. utf-8, gbk, gb18030)"
    if key == "severity":
        for rule, level in value.items():
            if level not in _SEVERITIES:
                hint = _closest(str(level), _SEVERITIES)
                return (f"severity of {rule} must be error, warning or info, not {level!r}"
                        + (f" (did you mean '{hint}'?)" if hint else ""))
    if key == "models":
        for lang, model in value.items():
            if not isinstance(model, str):
                return f"models.{lang} must be the name of a spaCy pipeline"
            if not model_installed(model):
                return (f"models.{lang}: the spaCy pipeline '{model}' is not installed "
                        f"(python -m spacy download {model}, or remove it)")
    if key == "defaults":
        for i, item in enumerate(value):
            if not isinstance(item, dict) or not isinstance(item.get("paths", "*"), str):
                return f"defaults[{i}] must be a table with a 'paths' glob and front-matter keys"
            for name, message, values in frontmatter.check(
                    {k: v for k, v in item.items() if k != "paths"}):
                hint = f" (did you mean '{values['close']}'?)" if values.get("close") else ""
                if message == "front-matter-key":
                    return f"defaults[{i}]: unknown front-matter key '{name}'{hint}"
                return (f"defaults[{i}]: {name} = {values['value']!r} is not valid; expected "
                        f"{values['expected']}{hint}")
    return None
