"""Benchmark: prints how long scriptcheck takes on the sample repository and on a larger
synthetic one. Figures, not assertions: run it before and after a change.

    python benchmarks/bench.py [--copies 10]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scriptcheck import discover, nlp, packs, runner, selftest  # noqa: E402
from scriptcheck.config import Config  # noqa: E402
from scriptcheck.engine import Options  # noqa: E402
from scriptcheck.template import Loader, analyze  # noqa: E402


def timed(label: str, fn, unit: str = "", count: int | None = None):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    rate = f"  ({count / elapsed:,.1f} {unit}/s)" if count else ""
    print(f"{label:<52}{elapsed:>9.3f} s{rate}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10,
                        help="copies of scripts/ in the synthetic repository")
    args = parser.parse_args()
    scripts = ROOT / "scripts"
    os.chdir(ROOT)
    files = discover.find_files(["scripts"])
    print(f"scriptcheck benchmark: {len(files)} template files in scripts/, "
          f"{os.cpu_count()} cores\n")

    loaded = timed("load and validate the built-in packs", lambda: packs.load_all(
        packs.builtin_names()))
    print(f"{'':<52}{sum(len(p.rules) for p in loaded)} rules")
    timed("build the zh pipeline (blank zh + jieba)", lambda: nlp.parse(["您好。"], "zh"))
    timed("build the en pipeline (blank en + lemmatizer)", lambda: nlp.parse(["Hello."], "en"))

    loader = Loader(["scripts"])
    timed("template analysis only (Jinja lexer + parser)",
          lambda: [analyze(p, loader) for p, _, _ in files], "files", len(files))

    result = timed("check scripts/ (warm pipelines)",
                   lambda: runner.run(["scripts"], Config(), Options()), "scripts",
                   len(files))
    variants = sum(f["variants"] for f in result.report["files"])
    print(f"{'':<52}{len(result.report['files'])} scripts, {variants} variants, "
          f"{len(result.findings)} findings")

    tmp = Path(tempfile.mkdtemp(prefix="scriptcheck-bench-"))
    try:
        for i in range(args.copies):
            shutil.copytree(scripts, tmp / f"copy{i:03d}")
        big = discover.find_files([str(tmp)])
        timed(f"check a synthetic repository ({args.copies} copies of scripts/)",
              lambda: runner.run([str(tmp)], Config(), Options()), "files", len(big))
        cache = str(tmp / ".cache")
        timed("  the same, filling the cache (--cache-dir)",
              lambda: runner.run([str(tmp)], Config(), Options(), cache_dir=cache),
              "files", len(big))
        timed("  the same again, unchanged (all from the cache)",
              lambda: runner.run([str(tmp)], Config(), Options(), cache_dir=cache),
              "files", len(big))
    finally:
        shutil.rmtree(tmp)

    outcomes = timed("test-rules over the built-in packs", lambda: selftest.run(loaded),
                     "examples", sum(len(r.bad) + len(r.good) for p in loaded for r in p.rules))
    print(f"{'':<52}{sum(o.ok for o in outcomes)}/{len(outcomes)} examples pass")


if __name__ == "__main__":
    main()
