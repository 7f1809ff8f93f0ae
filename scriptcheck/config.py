"""Configuration in the repository: `scriptcheck.toml`, `.scriptcheck.toml`, or the
`[tool.scriptcheck]` table of `pyproject.toml`, the nearest one above the current folder.
Command-line options win over the file."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

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
    jobs: int | None = None            # worker processes (default: the CPU count)


_KEYS = {"rules": list, "fail-on": str, "max-variants": int, "template-paths": list,
         "exclude": list, "partials": list, "select": list, "ignore": list, "severity": dict,
         "models": dict, "defaults": list, "context": str, "trim-blocks": bool,
         "lstrip-blocks": bool, "cache-dir": str, "baseline": str, "jobs": int}


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
    try:
        return "scriptcheck" in tomllib.loads(path.read_text("utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


def load(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read configuration: {exc}") from None
    table = data.get("tool", {}).get("scriptcheck", {}) if path.name == "pyproject.toml" else data
    config = Config(path=str(path))
    base = path.parent
    for key, value in table.items():
        if key not in _KEYS:
            raise ConfigError(f"{path}:1: unknown setting '{key}' "
                              f"(known: {', '.join(sorted(_KEYS))})")
        if not isinstance(value, _KEYS[key]):
            raise ConfigError(f"{path}:1: setting '{key}' must be a {_KEYS[key].__name__}")
        attr = key.replace("-", "_")
        if key == "defaults":
            value = [(d.get("paths", "*"), {k: v for k, v in d.items() if k != "paths"})
                     for d in value]
        if key in ("template-paths",):
            value = [os.path.relpath(base / v) if not os.path.isabs(v) else v for v in value]
        if key == "jobs" and value < 1:
            raise ConfigError(f"{path}:1: jobs must be 1 or more")
        if key == "fail-on" and value not in ("error", "warning", "info"):
            raise ConfigError(f"{path}:1: fail-on must be error, warning or info")
        setattr(config, attr, value)
    return config
