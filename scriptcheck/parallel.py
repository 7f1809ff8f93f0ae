"""Analysing and checking many scripts at once: in chunks, in this process or in worker
processes. Analysing workers parse a share of the templates and send back what they found
while this process builds its NLP pipelines; checking workers are forked once the pipelines
are built and check a share of the scripts.

Results come back keyed by script path and are merged by the caller in its own order, so
the order in which workers finish never shows in the output: `--jobs 2` prints what
`--jobs 1` prints, byte for byte.
"""
from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .model import Finding
from .limits import Limits
from .options import Options, effective_meta
from .template import Loader, Script

if TYPE_CHECKING:  # the engine, the matchers and worker processes are imported when used:
    from .analyses import Analyses
    from .engine import Engine  # a run answered by the cache checks nothing

MIN_SHARE = 16    # fewer scripts than this per worker: starting workers costs more than it saves
MAX_CHUNK = 48    # scripts handed over at a time (small enough for an even spread and progress)
MIN_CHUNK = 4     # ... and at the end of a run
GC_THRESHOLD = (50_000, 20, 100)   # while checking: the collector runs seldom (see runner)


@dataclass
class Job:
    """What a worker needs to check scripts exactly as this process would."""

    pack_specs: list[str]
    options: Options
    roots: list[str]
    trim_blocks: bool = False
    lstrip_blocks: bool = False
    encoding: str | None = None        # the run's encoding and limits (spawned workers)
    limits: Limits | None = None
    regex_timeout: float | None = None


@dataclass
class Checked:
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    variants: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)   # each script's share of its chunk
    hits: int = 0                                             # scripts answered by the cache

    def add(self, other: "Checked") -> None:
        self.findings.update(other.findings)
        self.variants.update(other.variants)
        self.seconds.update(other.seconds)

    def only(self, paths) -> "Checked":
        """What was found in these scripts."""
        return Checked({p: self.findings[p] for p in paths},
                       {p: self.variants[p] for p in paths if p in self.variants},
                       {p: self.seconds[p] for p in paths if p in self.seconds})


def default_jobs() -> int:
    return os.cpu_count() or 1


def workers_for(count: int, jobs: int) -> int:
    """How many worker processes `count` scripts are worth (1: check in this process)."""
    return max(1, min(jobs, count // MIN_SHARE))


def chunks(items: list, workers: int) -> list[list]:
    """The items in chunks that shrink towards the end (guided scheduling): large ones while
    there is much to do, small ones last, so that no worker is left alone with a large one
    while the others wait."""
    out, start = [], 0
    while start < len(items):
        left = len(items) - start
        size = max(min(MIN_CHUNK, left), min(MAX_CHUNK, -(-left // (workers * 4))))
        out.append(items[start:start + size])
        start += size
    return out


def check_chunk(engine: Engine, scripts: list[Script]) -> Checked:
    """One engine run over a chunk; its time is shared out by the size of each script's text."""
    start = time.perf_counter()
    findings = engine.check(scripts)
    elapsed = time.perf_counter() - start
    weights = {s.source.path: len(s.source.text) + 1 for s in scripts}
    total = sum(weights.values())
    return Checked(findings, {s.source.path: engine.variant_count.get(s.source.path, 0)
                              for s in scripts},
                   {path: elapsed * w / total for path, w in weights.items()})


def check(scripts: list[Script], engine: Engine, job: Job, jobs: int,
          progress: Callable[[int], None] | None = None) -> Checked:
    """Findings, variant counts and times of `scripts`, with up to `jobs` worker processes.

    This process first checks one script of each language itself (`warm`), then forks the
    workers, which inherit the pipelines and the compiled rules instead of each building
    its own. Should the workers fail (one dies, or cannot send its findings back), what they
    sent stays and the rest is checked here.
    """
    result = Checked()
    workers = workers_for(len(scripts), jobs)
    if workers > 1:
        warm(scripts, engine, result)
        if progress and result.findings:
            progress(len(result.findings))
        scripts = [s for s in scripts if s.source.path not in result.findings]
        try:
            _in_workers(chunks(scripts, workers), engine, job, workers, progress, result)
            return result
        except (_WorkersLost, OSError):
            scripts = [s for s in scripts if s.source.path not in result.findings]
    for chunk in chunks(scripts, 1):
        result.add(check_chunk(engine, chunk))
        if progress:
            progress(len(chunk))
    return result


def warm(scripts: list[Script], engine: Engine, into: Checked) -> None:
    """Check the first script of each language the engine has not checked yet, into `into`:
    this builds that language's pipeline and compiles its rules, once, in this process."""
    from .frontmatter import language

    chosen: dict[str | None, Script] = {}
    for script in scripts:
        lang = language(effective_meta(script, engine.options).get("locale"))
        if lang not in engine.warm:
            chosen.setdefault(lang, script)
    engine.warm.update(chosen)
    if chosen:
        into.add(check_chunk(engine, list(chosen.values())))


def analyse(paths: list[str], analyses: Analyses, jobs: int,
            arrived: Callable[..., object] | None = None) -> list[Script]:
    """The analysed scripts of `paths`, in their order. Those the cache holds are read here;
    the others are analysed in up to `jobs` forked worker processes when there are enough of
    them, else here. `arrived` is called here with each share of scripts as it comes back,
    while the workers go on with the next (the run loads its packs and warms its engine
    meanwhile); this process then has work of its own, so there is one worker fewer."""
    found = {path: analyses.lookup(path) for path in paths}
    missing = [path for path in paths if found[path] is None]
    workers = workers_for(len(missing), jobs)
    if workers > 1 and _context().get_start_method() == "fork":
        try:
            for part, scripts in _analysed_in_workers(missing, analyses,
                                                      workers - 1 if arrived else workers):
                found.update(zip(part, scripts))
                if arrived:
                    arrived(scripts)
        except (_WorkersLost, OSError):
            pass  # no worker processes here (or one died): the rest is analysed here
    return [found[path] or analyses.fresh(path) for path in paths]


class _WorkersLost(Exception):
    """The analysing workers cannot go on; what they sent stays, the rest is done here."""


def _analysed_in_workers(paths: list[str], analyses: Analyses, workers: int):
    """(paths, their scripts) of each share, as forked workers analyse them, in order; while
    this process waits, it analyses the last share no worker has started."""
    global _ANALYSES
    from concurrent.futures import ProcessPoolExecutor

    _ANALYSES = analyses
    # a small first share: this process starts on its own work as soon as it is back
    parts = [paths[:MIN_CHUNK]] + chunks(paths[MIN_CHUNK:], workers)
    pool = ProcessPoolExecutor(workers, mp_context=_context())
    try:
        futures = [pool.submit(_analyse_part, part) for part in parts]
        left = list(range(len(parts)))
        while left:
            first, last = left[0], left[-1]
            if last != first and not futures[first].done() and futures[last].cancel():
                left.pop()   # this process is free and no worker has started the last share
                yield parts[last], [analyses.fresh(path) for path in parts[last]]
                continue
            try:
                scripts, handed = futures[left.pop(0)].result()
            except Exception as exc:   # a worker died, or could not send its share back
                raise _WorkersLost() from exc
            analyses.take(handed)
            yield parts[first], scripts
    finally:   # a run stopped meanwhile (a broken pack) does not wait for the rest
        pool.shutdown(wait=True, cancel_futures=True)
        _ANALYSES = None      # (the workers had it when they forked)


def _analyse_part(paths: list[str]) -> tuple[list[Script], tuple]:
    """In an analysing worker: the scripts, and what the run's process must learn of the
    files read (their text, macros and comments, which checking reads) and of the cache."""
    return [_ANALYSES.fresh(path) for path in paths], _ANALYSES.handover()


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _in_workers(parts: list[list[Script]], engine: Engine, job: Job, workers: int,
                progress: Callable[[int], None] | None, into: Checked) -> None:
    """Each share checked by a worker, its findings added to `into` as they come back."""
    global _ENGINE, _PARTS
    from concurrent.futures import ProcessPoolExecutor

    context = _context()
    if context.get_start_method() == "fork":   # inherited as they are, pipelines and all
        _ENGINE, _PARTS, start, args = engine, parts, None, ()
        tasks: list = list(range(len(parts)))
    else:                                       # a spawned worker loads and analyses anew
        start, args = _start, (job,)
        tasks = [[s.source.path for s in chunk] for chunk in parts]
    with ProcessPoolExecutor(workers, mp_context=context, initializer=start,
                             initargs=args) as pool:
        try:
            for part in pool.map(_work, tasks):
                into.add(part)
                if progress:
                    progress(len(part.findings))
        except Exception as exc:   # a worker died, or could not send its findings back
            raise _WorkersLost() from exc


_ANALYSES: Analyses | None = None        # what an analysing worker analyses with
_ENGINE: Engine | None = None            # the engine a worker process checks with
_PARTS: list[list[Script]] = []          # the chunks, where workers fork


def _start(job: Job) -> None:
    global _ENGINE
    gc.set_threshold(*GC_THRESHOLD)   # a spawned worker does what a forked one inherits
    from . import matchers, packs
    from .engine import Engine

    loaded = packs.load_all(job.pack_specs)
    if job.regex_timeout is not None:
        matchers.REGEX_TIMEOUT = job.regex_timeout
    loader = Loader(job.roots, None, job.encoding, job.limits or Limits(),
                    (job.trim_blocks, job.lstrip_blocks))
    _ENGINE = Engine(loaded, job.options, loader)


def _work(task: int | list[str]) -> Checked:
    """A chunk by its number (forked workers) or by its scripts' paths (spawned ones)."""
    if isinstance(task, int):
        return check_chunk(_ENGINE, _PARTS[task])
    from .jinjaparse import analyze

    return check_chunk(_ENGINE, [analyze(path, _ENGINE.loader) for path in task])
