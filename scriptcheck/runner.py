"""One `check` run over paths: discover, analyse, tell scripts from partials, run the engine,
and assemble the JSON report of DESIGN.md."""
from __future__ import annotations

import contextlib
import functools
import gc
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from . import __version__, baseline, changed as changed_mod, discover, packcache, packs
from . import parallel, unused
from .analyses import Analyses
from .bundle import Bundle
from .config import Config
from .cache import Cache
from .findings import dedupe, identity
from .options import Options, effective_meta, selected
from .limits import Limits
from .notices import Notice, in_own_language
from .model import Finding
from .template import Loader, Script

if TYPE_CHECKING:
    from .engine import Engine


@dataclass
class Result:
    report: dict
    findings: list[Finding]
    sources: dict = field(default_factory=dict)   # path -> SourceFile, for reporters and --fix
    packs: list = field(default_factory=list)     # the packs loaded (the HTML report explains rules)
    scripts: list = field(default_factory=list)   # the scripts checked (the HTML report says their paths)
    by_script: dict[str, list[Finding]] = field(default_factory=dict)  # reported, per script
    seconds: dict[str, float] = field(default_factory=dict)   # checking time per script
    rules: list = field(default_factory=list)     # every enabled rule of the loaded packs
    cached: int = 0                               # scripts answered by the cache


@contextlib.contextmanager
def _collecting(enabled: bool) -> Iterator[None]:
    """Garbage collection on or off for a block. A run builds many small objects that live to
    its end (packs, script trees, findings) and makes few cycles: collecting while they arrive
    walks the growing heap again and again (most of a cached re-check's time). It is on while
    the NLP pipelines run, which is where garbage is made, but seldom (`parallel.GC_THRESHOLD`):
    at Python's default the matching's hits and tables made it run 1,900 times at 1,000
    scripts, 4 s of a 20 s check, to keep 4 MB less."""
    was, thresholds = gc.isenabled(), gc.get_threshold()
    (gc.enable if enabled else gc.disable)()
    if enabled:
        gc.set_threshold(*parallel.GC_THRESHOLD)
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()
        gc.set_threshold(*thresholds)


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """A run with the collector off (see `_collecting`). At its end what it made is frozen, not
    walked once more when collection resumes (a tenth of a second at 1,000 scripts); the
    next run in the same process unfreezes it, so nothing stays out of reach for long."""
    gc.unfreeze()
    with _collecting(False):
        try:
            yield
        finally:
            gc.freeze()


def default_packs() -> list[str]:
    return packs.builtin_names()


def _check(scripts: list[Script], engine: Callable[[], "Engine"], sources: dict,
           cache_dir: str | None, loaded: list, options: Options, settings: tuple = (), job: parallel.Job | None = None,
           jobs: int = 1, progress=None, config_path: str | None = None,
           bundle: Bundle | None = None, warmed: parallel.Checked | None = None
           ) -> parallel.Checked:
    """Findings, variant counts and times per script, from the cache where nothing changed.
    `engine` makes the engine, called only when some script must be checked. `warmed`: what
    was found already (in the scripts checked while the templates were analysed)."""
    cache = Cache(cache_dir, loaded, options, settings, config_path, bundle) \
        if cache_dir else None
    checked = parallel.Checked()
    keys = {}
    todo = []
    texts = {p: s.text for p, s in sources.items()}
    for script in scripts:
        path = script.source.path
        if cache is not None:
            keys[path] = cache.key(script, texts, effective_meta(script, options))
            hit = cache.get(keys[path], cache.files(script))
            if hit is not None:
                (checked.findings[path], checked.variants[path]), checked.seconds[path] = hit, 0.0
                continue
        todo.append(script)
    checked.hits = len(scripts) - len(todo)
    done = warmed.findings if warmed else {}
    ready = [s.source.path for s in todo if s.source.path in done]
    rest = [s for s in todo if s.source.path not in done]
    if ready:
        checked.add(warmed.only(ready))
    tick = (lambda count: progress(count, len(scripts))) if progress else None
    if tick:
        tick(checked.hits + len(ready))
    if rest:  # only now are the NLP pipelines needed
        with _collecting(True):
            checked.add(parallel.check(rest, engine(), job, jobs, tick))
    if cache is not None:
        for script in todo:
            path = script.source.path
            if not any(f.rule == "internal-error" for f in checked.findings[path]):
                cache.put(keys[path], cache.files(script), checked.findings[path],
                          checked.variants.get(path, 0))   # a crash is never cached
    return checked


def _warm(scripts: list[Script], engine: Callable[[], "Engine"], into: parallel.Checked) -> None:
    with _collecting(True):
        parallel.warm(scripts, engine(), into)


@_uncollected()
def run(paths: list[str], config: Config, options: Options,
        pack_specs: list[str] | None = None, cache_dir: str | None = None,
        baseline_file: str | None = None,
        loaded: list | Callable[[], list] | None = None, jobs: int = 1,
        changed: list[str] | None = None, progress=None) -> Result:
    """`loaded`: the packs, or what loads them (called once, when they are first needed:
    while worker processes analyse the templates, when there are some); by default
    `pack_specs`. `changed`: check only the scripts these files affect (changed-files mode).
    `progress`: called with (scripts just done, scripts in the run) as they are done."""
    specs = pack_specs or config.rules or default_packs()
    cache_dir = cache_dir or config.cache_dir
    packs_of_run = functools.cache(loaded if callable(loaded) else
                                   lambda: loaded or packcache.load_all(specs, cache_dir))
    unreadable: list[tuple[str, str]] = []
    files = discover.find_files(paths, config.exclude, unreadable)
    roots = [*config.template_paths]
    for _, root, _ in files:
        if root not in roots:
            roots.append(root)
    loader = Loader(roots, None, config.encoding, Limits(config.max_depth, config.max_file_size),
                    (config.trim_blocks, config.lstrip_blocks))
    # not the roots: the cache is keyed by content, however the paths were spelt
    settings = (config.trim_blocks, config.lstrip_blocks, config.encoding,
                config.max_depth, config.max_file_size, config.regex_timeout)
    # one file for every entry of this run, when it is run again (see bundle.py); runs that
    # differ in what they ask keep apart bundles instead of rewriting one in turn
    asked = (paths, changed is not None, settings, config.path, specs,
             sorted(vars(options).items(), key=lambda kv: kv[0]))
    bundle = Bundle(cache_dir, asked) if cache_dir else None

    @functools.cache
    def engine() -> "Engine":
        """The engine, made only when a script must be checked: a run answered by the cache
        imports no rule or NLP code."""
        from . import matchers
        from .engine import Engine

        matchers.REGEX_TIMEOUT = config.regex_timeout  # read by every regex match of this run
        return Engine(packs_of_run(), options, loader)

    # while workers analyse the templates, this process loads the packs and checks the first
    # script of each language: its pipelines are built and its rules compiled when the
    # checking workers fork
    warmed = parallel.Checked()
    arrived = (lambda some: packs_of_run()) if changed is not None else \
        (lambda some: _warm(some, engine, warmed))
    wanted = [(path, root, explicit) for path, root, explicit in files
              if explicit or not discover.is_partial_by_name(path, root, config.partials)]
    analysed = list(zip(parallel.analyse([path for path, _, _ in wanted],
                                         Analyses(cache_dir, loader, settings, bundle),
                                         jobs, arrived),
                        (root for _, root, _ in wanted), (explicit for _, _, explicit in wanted)))
    used = {os.path.normpath(p) for script, _, _ in analysed for p in script.uses}
    # a file that another checked file includes, extends or imports is checked through it
    scripts = [s for s, _, explicit in analysed
               if explicit or os.path.normpath(s.source.path) not in used]
    all_scripts = scripts
    loaded = packs_of_run()
    if changed is not None:
        scripts = changed_mod.affected(scripts, changed,
                                       [p.path for p in loaded] + [config.path, config.context])
    sources = {s.source.path: s.source for s in scripts}
    sources.update((p, src) for p in used if (src := loader.source(p)) is not None)
    job = parallel.Job(specs, options, roots, config.trim_blocks, config.lstrip_blocks,
                       config.encoding, Limits(config.max_depth, config.max_file_size),
                       config.regex_timeout)
    checked = _check(scripts, engine, sources, cache_dir, loaded, options,
                     settings, job, jobs, progress, config.path, bundle, warmed)
    if bundle is not None:
        bundle.save()
    per_script, variant_counts = checked.findings, checked.variants
    seen = {os.path.normpath(s.source.path) for s in all_scripts} | used
    about_files = unused.notices(files, [s for s, _, _ in analysed], seen, loader,
                                 config.partials)
    about_files += [Notice("unreadable", "error", "unreadable", path, 1, {"detail": reason})
                    for path, reason in unreadable]
    for notice in about_files:
        if notice.path not in sources and (src := loader.source(notice.path)) is not None:
            sources[notice.path] = src
    findings = dedupe([f for s in scripts for f in per_script[s.source.path]] +
                      [in_own_language(n, sources.get(n.path)) for n in about_files])
    known = 0
    baseline_file = baseline_file or config.baseline
    if baseline_file:
        findings, known = baseline.apply(findings, baseline.load(baseline_file))
    report = {
        "version": 1,
        "tool": {"name": "scriptcheck", "version": __version__},
        "packs": [{"name": p.name, "version": p.version} for p in loaded],
        "files": [{"path": s.source.path, "variants": variant_counts.get(s.source.path, 0),
                   "error": next((p.message for p in s.problems), None)} for s in scripts],
        "findings": [f.to_json() for f in findings],
        "summary": {"files": len(scripts), "findings": len(findings),
                    **({"baseline": known} if baseline_file else {}),
                    **{sev: sum(1 for f in findings if f.severity == sev)
                       for sev in ("error", "warning", "info")}},
    }
    kept = {identity(f) for f in findings}
    by_script = {s.source.path: [f for f in per_script[s.source.path] if identity(f) in kept]
                 for s in scripts}
    enabled = [r for p in loaded for r in p.rules if selected(r, options)]
    return Result(report, findings, sources, packs=loaded, scripts=scripts, by_script=by_script,
                  seconds=checked.seconds, rules=enabled, cached=checked.hits)
