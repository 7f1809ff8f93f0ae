"""Scoring a run against a corpus's `expected.yaml` (shared/corpus/README.md gives the reading),
shared by the corpus tests and usable by hand while working on the packs:

    python tests/scoring.py dev                 # the development corpus
    python tests/scoring.py real --part tune    # the real corpus, the part the packs are tuned on
    python tests/scoring.py real --part tune --lang zh --show

`--part heldout` is for measuring only: never tune a pack on what it shows.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared"
CORPUS = SHARED / "corpus"
REAL = CORPUS / "real"
HELDOUT_LIST = HERE / "fixtures" / "real-heldout.txt"
SPLIT_SALT = 124   # chosen before tuning, for balance of files and expectations per language


def source_of(entry: dict) -> str:
    """The source address that opens an entry's note: items from one source stay together."""
    return entry["note"].split(";")[0].split(" ")[0].strip()


def split(expected: dict) -> set[str]:
    """The held-out files: one source in three, by a hash of its address."""
    return {e["file"] for e in expected["files"]
            if int(hashlib.sha256(f"{SPLIT_SALT}:{source_of(e)}".encode()).hexdigest(), 16) % 3 == 0}


def recorded_heldout() -> set[str]:
    return {line.strip() for line in HELDOUT_LIST.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def load(root: Path) -> dict:
    return yaml.safe_load((root / "expected.yaml").read_text(encoding="utf-8"))


def run(root: Path, expected: dict, packs=None) -> dict:
    """The JSON report of checking the corpus's template root, paths relative to the corpus."""
    from scriptcheck import runner
    from scriptcheck.config import Config
    from scriptcheck.engine import Options

    cwd = os.getcwd()
    os.chdir(root)
    try:
        return runner.run([expected["template_root"]], Config(), Options(), packs).report
    finally:
        os.chdir(cwd)


def _matches(f: dict, entry_file: str, e: dict) -> bool:
    return (f["path"] == entry_file and f["category"] in e["any"]
            and ("line" not in e or f["line"] == e["line"]))


def score(expected: dict, report: dict, files: set[str] | None = None):
    """(counted findings, hits, misses, false positives), over `files` only when given."""
    entries = [e for e in expected["files"] if files is None or e["file"] in files]
    counted = [f for f in report["findings"] if f["severity"] in ("error", "warning")
               and (files is None or f["path"] in files)]
    misses, false_positives, hits = [], [], []
    for entry in entries:
        mine = [f for f in counted if f["path"] == entry["file"]]
        for e in entry["expect"]:
            found = [f for f in mine if _matches(f, entry["file"], e)]
            (hits if found else misses).append((entry["file"], e, found))
        for f in mine:
            if not any(_matches(f, entry["file"], e)
                       for e in entry["expect"] + entry.get("allow", [])):
                false_positives.append(f)
    known = {e["file"] for e in entries}
    false_positives += [f for f in counted if f["path"] not in known]
    return counted, hits, misses, false_positives


def figures(expected: dict, report: dict, files: set[str] | None = None, title: str = ""):
    """Lines of recall and precision per category, the misses and the false positives."""
    counted, hits, misses, fps = score(expected, report, files)
    per = defaultdict(lambda: {"tp": 0, "fn": 0, "ok": 0, "fp": 0})
    for _, e, _ in hits:
        per[e["any"][0]]["tp"] += 1
    for _, e, _ in misses:
        per[e["any"][0]]["fn"] += 1
    fp_ids = {id(f) for f in fps}
    for f in counted:
        per[f["category"]]["fp" if id(f) in fp_ids else "ok"] += 1

    def fmt(x):
        return "-" if x is None else f"{x:.2f}"

    lines = [title] if title else []
    lines.append(f"{'category':<36}{'recall':>10}{'precision':>11}   expected/found")
    for cat in sorted(per):
        p = per[cat]
        recall = p["tp"] / (p["tp"] + p["fn"]) if p["tp"] + p["fn"] else None
        precision = p["ok"] / (p["ok"] + p["fp"]) if p["ok"] + p["fp"] else None
        lines.append(f"{cat:<36}{fmt(recall):>10}{fmt(precision):>11}   "
                     f"{p['tp'] + p['fn']}/{p['ok'] + p['fp']}")
    total_e, total_f = len(hits) + len(misses), len(counted)
    recall = len(hits) / total_e if total_e else 1.0
    precision = (total_f - len(fps)) / total_f if total_f else 1.0
    lines.append(f"{'ALL':<36}{recall:>10.2f}{precision:>11.2f}   {total_e}/{total_f}")
    return lines, misses, fps, recall, precision


def problems(misses, fps) -> list[str]:
    out = [f"MISS {file}:{e.get('line', 'whole')} {e['any']} {e.get('text', '')!r}"
           for file, e, _ in misses]
    out += [f"FALSE POSITIVE {f['path']}:{f['line']}:{f['column']} {f['rule']} "
            f"[{f['category']}] {f['excerpt']!r}" for f in fps]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", choices=["dev", "real"])
    ap.add_argument("--part", choices=["tune", "heldout", "all"], default="tune")
    ap.add_argument("--lang", choices=["zh", "en"])
    ap.add_argument("--show", action="store_true", help="list the misses and false positives")
    args = ap.parse_args(argv)
    root = CORPUS if args.corpus == "dev" else REAL
    expected = load(root)
    files = None
    if args.corpus == "real" and args.part != "all":
        held = recorded_heldout()
        files = {e["file"] for e in expected["files"]
                 if (e["file"] in held) == (args.part == "heldout")}
    if args.lang:
        prefix = f"items/{args.lang}_" if args.corpus == "real" else None
        all_files = {e["file"] for e in expected["files"]}
        chosen = {f for f in all_files
                  if (f.startswith(prefix) if prefix else (".zh." in f) == (args.lang == "zh"))}
        files = chosen if files is None else files & chosen
    report = run(root, expected)
    lines, misses, fps, _, _ = figures(expected, report, files)
    print("\n".join(lines))
    if args.show:
        print("\n".join(problems(misses, fps)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
