"""One `check` run over paths: discover, analyse, tell scripts from partials, run the engine,
and assemble the JSON report of DESIGN.md."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import __version__, discover, packs
from .config import Config
from .engine import Engine, Options
from .model import Finding
from .template import Loader, Script, analyze, make_environment


@dataclass
class Result:
    report: dict
    findings: list[Finding]
    sources: dict = field(default_factory=dict)   # path -> SourceFile, for reporters and --fix


def default_packs() -> list[str]:
    return packs.builtin_names()


def run(paths: list[str], config: Config, options: Options,
        pack_specs: list[str] | None = None) -> Result:
    loaded = packs.load_all(pack_specs or config.rules or default_packs())
    files = discover.find_files(paths, config.exclude)
    roots = [*config.template_paths]
    for _, root, _ in files:
        if root not in roots:
            roots.append(root)
    loader = Loader(roots, make_environment(config.trim_blocks, config.lstrip_blocks))
    analysed: list[tuple[Script, str, bool]] = []
    for path, root, explicit in files:
        if explicit or not discover.is_partial_by_name(path, root, config.partials):
            analysed.append((analyze(path, loader), root, explicit))
    used = {os.path.normpath(p) for script, _, _ in analysed for p in script.uses}
    # a file that another checked file includes, extends or imports is checked through it
    scripts = [s for s, _, explicit in analysed
               if explicit or os.path.normpath(s.source.path) not in used]
    engine = Engine(loaded, options, loader)
    findings = engine.check(scripts)
    variant_counts = {s.source.path: 0 for s in scripts}
    sources = {s.source.path: s.source for s in scripts}
    for path in used:
        try:
            sources[path] = loader.load(path).source
        except Exception:  # noqa: BLE001 - an unreadable partial is already a finding
            pass
    for script in scripts:
        variant_counts[script.source.path] = engine.variant_count.get(script.source.path, 0)
    report = {
        "version": 1,
        "tool": {"name": "scriptcheck", "version": __version__},
        "packs": [{"name": p.name, "version": p.version} for p in loaded],
        "files": [{"path": s.source.path, "variants": variant_counts[s.source.path],
                   "error": next((p.message for p in s.problems), None)} for s in scripts],
        "findings": [f.to_json() for f in findings],
        "summary": {"files": len(scripts), "findings": len(findings),
                    **{sev: sum(1 for f in findings if f.severity == sev)
                       for sev in ("error", "warning", "info")}},
    }
    return Result(report, findings, sources)
