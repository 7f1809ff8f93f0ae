"""Checking many scripts at once: in chunks, in this process or in worker processes that
each build the NLP pipelines once and check a share of the scripts.

Results come back keyed by script path and are merged by the caller in its own order, so
the order in which workers finish never shows in the output: `--jobs 2` prints what
`--jobs 1` prints, byte for byte.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable

from .engine import Engine, Options
from .model import Finding
from .template import Loader, Script, analyze, make_environment

MIN_SHARE = 16    # fewer scripts than this per worker: starting workers costs more than it saves
MAX_CHUNK = 48    # scripts handed over at a time (small enough for an even spread and progress)


@dataclass
class Job:
    """What a worker needs to check scripts exactly as this process would."""

    pack_specs: list[str]
    options: Options
    roots: list[str]
    trim_blocks: bool = False
    lstrip_blocks: bool = False
    packs: list | None = None   # the loaded packs, handed over as they are where workers fork


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


def default_jobs() -> int:
    return os.cpu_count() or 1


def workers_for(count: int, jobs: int) -> int:
    """How many worker processes `count` scripts are worth (1: check in this process)."""
    return max(1, min(jobs, count // MIN_SHARE))


def chunks(items: list, workers: int) -> list[list]:
    size = max(1, min(MAX_CHUNK, -(-len(items) // (workers * 4))))
    return [items[i:i + size] for i in range(0, len(items), size)]


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
    """Findings, variant counts and times of `scripts`, with up to `jobs` worker processes."""
    workers = workers_for(len(scripts), jobs)
    result = Checked()
    if workers > 1:
        try:
            return _in_workers(scripts, job, workers, progress)
        except (BrokenProcessPool, OSError):
            pass  # no worker processes here (or one died): check in this process instead
    for chunk in chunks(scripts, 1):
        result.add(check_chunk(engine, chunk))
        if progress:
            progress(len(chunk))
    return result


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _in_workers(scripts: list[Script], job: Job, workers: int,
                progress: Callable[[int], None] | None) -> Checked:
    context = _context()
    if context.get_start_method() != "fork":
        job = Job(**{**vars(job), "packs": None})   # spawned workers load the packs themselves
    result = Checked()
    paths = [s.source.path for s in scripts]
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                             initargs=(job,)) as pool:
        for part in pool.map(_work, chunks(paths, workers)):
            result.add(part)
            if progress:
                progress(len(part.findings))
    return result


_ENGINE: Engine | None = None   # one per worker process, built by _start


def _start(job: Job) -> None:
    global _ENGINE
    from . import packs

    loaded = job.packs if job.packs is not None else packs.load_all(job.pack_specs)
    loader = Loader(job.roots, make_environment(job.trim_blocks, job.lstrip_blocks))
    _ENGINE = Engine(loaded, job.options, loader)


def _work(paths: list[str]) -> Checked:
    return check_chunk(_ENGINE, [analyze(path, _ENGINE.loader) for path in paths])
