"""Benchmark: how far a check is from the NLP floor, at 1,000 and 5,000 scripts.

For each size it generates a repository of Chinese and English scripts with partials (copies
of scripts/, every script made different by a numbered sentence) in a temporary folder, then
measures in the same run:

- floor: the bare `nlp.pipe` of the same variant texts, pipelines already built: the text
  normalised and run through the pipelines the check uses (segmenter, sentencizer, lemmatizer
  and the context marks every rule reads); spaCy's components alone are printed beside it;
- cold, --jobs 1: `python -m scriptcheck check` in a new process, no cache;
- cold, all cores: the same with --jobs = the CPU count;
- cached: the re-check of the unchanged repository from a filled --cache-dir;

and prints each with its ratio to the floor, and the CPU time each used (all its processes):
on a machine that other work shares, wall-clock figures move with the load and CPU time
shows what the work itself cost. Figures, not assertions.

    python benchmarks/bench.py [--sizes 1000 5000]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scriptcheck import discover, nlp, packs  # noqa: E402
from scriptcheck.engine import Engine, Options  # noqa: E402
from scriptcheck.template import Loader, analyze  # noqa: E402

SAMPLE = ROOT / "scripts"


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


def floor(folder: Path) -> tuple[float, int, int]:
    """Seconds for nlp.pipe over every variant text of the scripts (pipelines built before),
    the number of texts and the number of scripts."""
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
    return elapsed, used, bare, sum(map(len, texts.values())), len(scripts)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(folder: Path, *args: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all processes of the run) of one `scriptcheck check`."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "scriptcheck", "check", str(folder),
                           "--format", "json", "-o", os.devnull, *args],
                          cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"scriptcheck failed:\n{done.stderr}")
    return elapsed, _children_cpu() - cpu


def row(label: str, measured: tuple[float, float], base: tuple[float, float]) -> None:
    (wall, cpu), (base_wall, base_cpu) = measured, base
    print(f"  {label:<34}{wall:>8.2f} s {wall / base_wall:>7.2f}x the floor   "
          f"cpu {cpu:>8.2f} s {cpu / base_cpu:>7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"scriptcheck benchmark: {cores} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    for size in args.sizes:
        tmp = Path(tempfile.mkdtemp(prefix="scriptcheck-bench-"))
        try:
            generate(tmp / "repo", size)
            base_wall, base_cpu, bare, variants, scripts = floor(tmp / "repo")
            base = (base_wall, base_cpu)
            print(f"{scripts} scripts ({variants} variant texts), Chinese and English, "
                  f"with partials; load average {os.getloadavg()[0]:.1f}")
            print(f"  {'floor: nlp.pipe of the variant texts':<34}{base_wall:>8.2f} s"
                  f"{'':<20}cpu {base_cpu:>8.2f} s")
            print(f"  {'  (spaCy components alone)':<34}{bare:>8.2f} s {bare / base_wall:>7.2f}x"
                  f" the floor: without normalisation and the context marks")
            row("cold, --jobs 1", cli(tmp / "repo", "--jobs", "1"), base)
            row(f"cold, --jobs {cores} (all cores)", cli(tmp / "repo", "--jobs", str(cores)),
                base)
            cache = str(tmp / "cache")
            cli(tmp / "repo", "--cache-dir", cache)
            row("cached re-check, unchanged", cli(tmp / "repo", "--cache-dir", cache), base)
            print()
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
