"""Benchmark: how far a check is from the NLP floor, at 1,000 and 5,000 scripts.

For each size it generates a repository of Chinese and English scripts with partials (copies
of scripts/, every script made different by a numbered sentence) in a temporary folder, then
measures in the same run:

- floor: the bare `nlp.pipe` of the same variant texts, pipelines already built: the text
  normalised and run through the pipelines the check uses (segmenter, sentencizer, lemmatizer
  and the context marks every rule reads), with the garbage collector set as the check sets
  it; spaCy's components alone are printed beside it;
- cold, --jobs 1: `python -m scriptcheck check` in a new process, no cache;
- cold, all cores: the same with --jobs = the CPU count;
- cached: the re-check of the unchanged repository from a filled --cache-dir;

and prints each with its ratio to the floor, and the CPU time each used (all its processes):
on a machine that other work shares, wall-clock figures move with the load and CPU time
shows what the work itself cost. Each measurement is taken `--repeat` times, the rounds
interleaved (floor, cold, cold, cached; again), and the best of each is printed, as timeit
does: a slower round measures the machine's other work, not this one's. Ratios are the
median over the rounds of each round's check against the floor measured just before it (a
ratio of two bests would pair a lucky floor with an unlucky check); each round's is printed. scriptcheck runs from its compiled bytecode, as an installed package
does (the first run writes it). Figures, not assertions.

    python benchmarks/bench.py [--sizes 1000 5000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scriptcheck import discover, nlp, packs, parallel  # noqa: E402
from scriptcheck.engine import Engine, Options  # noqa: E402
from scriptcheck.template import Loader, analyze  # noqa: E402

SAMPLE = ROOT / "scripts"
# scriptcheck runs as an installed package does, from its compiled bytecode (pip compiles it
# at install): a PYTHONDONTWRITEBYTECODE of this shell would compile its modules again in every
# run (about 0.07 s, a seventh of a cached re-check)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def generate(folder: Path, count: int) -> int:
    """`count` scripts: copies of scripts/ with a numbered sentence in each script."""
    made = copy = 0
    while made < count:
        target = folder / f"copy{copy:04d}"
        shutil.copytree(SAMPLE, target)
        for path, root, _ in discover.find_files([str(target)]):
            if discover.is_partial_by_name(path, root):
                continue
            if made >= count:          # the last copy is only partly needed
                os.remove(path)
                continue
            text = Path(path).read_text(encoding="utf-8")
            extra = f"客户编号是第{made}号。" if ".zh." in path else f"Your reference is {made}."
            Path(path).write_text(text + extra + "\n", encoding="utf-8")
            made += 1
        copy += 1
    return made


def variant_texts(folder: Path) -> tuple[dict[str, list[str]], int]:
    """Every variant text of the scripts, by language, and the number of scripts."""
    engine = Engine(packs.load_all(packs.builtin_names()), Options(), Loader([str(folder)]))
    analysed = [analyze(path, engine.loader) for path, root, _ in
                discover.find_files([str(folder)]) if not discover.is_partial_by_name(path, root)]
    used = {os.path.normpath(p) for script in analysed for p in script.uses}
    texts: dict[str, list[str]] = {}
    scripts = [s for s in analysed if os.path.normpath(s.source.path) not in used]
    for script in scripts:
        unit, _ = engine.prepare(script)
        texts.setdefault(unit.lang, []).extend(v.text for v in unit.variants)
    for lang in texts:
        nlp.parse(["warm up"], lang)
    return texts, len(scripts)


def floor(texts: dict[str, list[str]]) -> tuple[float, float, float]:
    """Wall-clock and CPU seconds of nlp.pipe over the texts (pipelines built before), and
    the wall-clock seconds of spaCy's own components alone."""
    gc.set_threshold(*parallel.GC_THRESHOLD)   # the collector as the check runs it
    start, cpu = time.perf_counter(), time.process_time()
    for lang, batch in texts.items():
        nlp.parse(batch, lang)
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    for lang, batch in texts.items():   # spaCy's own components only: for comparison
        with nlp.pipeline(lang).select_pipes(disable=["scriptcheck_context"]):
            for _ in nlp.pipeline(lang).pipe(batch):
                pass
    bare = time.perf_counter() - start
    return elapsed, used, bare


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(folder: Path, *args: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all processes of the run) of one `scriptcheck check`."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "scriptcheck", "check", str(folder),
                           "--format", "json", "-o", os.devnull, *args],
                          cwd=ROOT, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"scriptcheck failed:\n{done.stderr}")
    return elapsed, _children_cpu() - cpu


def row(label: str, rounds: list[tuple[float, float]], floors: list[tuple[float, float]]) -> None:
    """The best round's wall-clock and CPU seconds, and the median over the rounds of each
    round's ratio to the floor measured just before it: on a machine whose speed moves, a
    ratio of two measurements taken together is steadier than a ratio of two bests."""
    wall, cpu = min(w for w, _ in rounds), min(c for _, c in rounds)
    ratio = statistics.median(w / f for (w, _), (f, _) in zip(rounds, floors))
    cpu_ratio = statistics.median(c / f for (_, c), (_, f) in zip(rounds, floors))
    each = " ".join(f"{w / f:.2f}" for (w, _), (f, _) in zip(rounds, floors))
    print(f"  {label:<34}{wall:>8.2f} s {ratio:>7.2f}x the floor   "
          f"cpu {cpu:>8.2f} s {cpu_ratio:>7.2f}x   (rounds: {each})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of each measurement")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"scriptcheck benchmark: {cores} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    for size in args.sizes:
        tmp = Path(tempfile.mkdtemp(prefix="scriptcheck-bench-"))
        try:
            generate(tmp / "repo", size)
            texts, scripts = variant_texts(tmp / "repo")
            cache = str(tmp / "cache")
            cli(tmp / "repo", "--cache-dir", cache)      # fills the cache
            floors, bares, ones, alls, cached = [], [], [], [], []
            for _ in range(args.repeat):
                wall, cpu, bare = floor(texts)
                floors.append((wall, cpu))
                bares.append(bare)
                ones.append(cli(tmp / "repo", "--jobs", "1"))
                alls.append(cli(tmp / "repo", "--jobs", str(cores)))
                cached.append(cli(tmp / "repo", "--cache-dir", cache))
            base = (min(w for w, _ in floors), min(c for _, c in floors))   # printed
            print(f"{scripts} scripts ({sum(map(len, texts.values()))} variant texts), Chinese "
                  f"and English, with partials; best of {args.repeat} rounds; load average "
                  f"{os.getloadavg()[0]:.1f}")
            print(f"  {'floor: nlp.pipe of the variant texts':<34}{base[0]:>8.2f} s{'':<20}"
                  f"cpu {base[1]:>8.2f} s{'':<10}(slowest {max(w for w, _ in floors):.2f} s)")
            print(f"  {'  (spaCy components alone)':<34}{min(bares):>8.2f} s "
                  f"{min(bares) / base[0]:>7.2f}x the floor: without normalisation and the "
                  f"context marks")
            row("cold, --jobs 1", ones, floors)
            row(f"cold, --jobs {cores} (all cores)", alls, floors)
            row("cached re-check, unchanged", cached, floors)
            print()
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
