"""What a run is asked to do (`Options`) and the metadata each script is checked under.

Kept apart from the engine so that a run answered by the cache, which needs the options and
each script's metadata for its cache keys but checks nothing, imports no NLP or rule code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import TYPE_CHECKING

from .frontmatter import default_jurisdiction
from .model import Text, leaves

if TYPE_CHECKING:
    from .packs import Rule
    from .template import Script

META_DEFAULTS = {"audience": "debtor", "channel": "call", "first_contact": False,
                 "time_barred": False}


@dataclass
class Options:
    max_variants: int = 64
    context: dict | None = None            # values for slots (--context)
    models: dict[str, str] = field(default_factory=dict)   # language -> trained pipeline
    select: list[str] = field(default_factory=list)        # rule ids or categories to keep
    ignore: list[str] = field(default_factory=list)        # rule ids or categories to drop
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> severity override
    defaults: list[tuple[str, dict]] = field(default_factory=list)  # (path glob, meta)


def effective_meta(script: "Script", options: Options) -> dict:
    """Front matter over configured defaults over built-in defaults; locale detected if absent."""
    meta = dict(META_DEFAULTS)
    for pattern, values in options.defaults:
        if fnmatch(script.source.path, pattern):
            meta.update(values)
    meta.update(script.meta.values)
    if not meta.get("locale"):
        from .frontmatter import detect_language

        said = "".join(n.text for n in leaves(script.tree) if isinstance(n, Text)) \
            or script.source.text  # a broken file has no tree
        meta["locale"] = "zh-CN" if detect_language(said) == "zh" else "en-US"
    if not meta.get("jurisdiction"):
        meta["jurisdiction"] = default_jurisdiction(meta["locale"])
    return meta


def selected(rule: "Rule", options: Options) -> bool:
    """Whether `--select` and `--ignore` (by rule id, category or pack) keep a rule."""
    keys = {rule.id, rule.category, rule.pack.name}
    if options.select and not keys & set(options.select):
        return False
    return not keys & set(options.ignore)
