"""The development corpus (../shared/corpus): every expectation met at its line, nothing
counted on clean lines; precision and recall per category are printed after the run."""
from __future__ import annotations

import os
from collections import defaultdict

import pytest
import yaml
from conftest import CORPUS

from scriptcheck import runner
from scriptcheck.config import Config
from scriptcheck.engine import Options

FIGURES: list[str] = []   # printed by conftest's terminal summary

pytestmark = pytest.mark.skipif(
    not (CORPUS / "expected.yaml").is_file(),
    reason=f"the shared corpus is not at {CORPUS} (it lives beside the repository, in shared/)")


@pytest.fixture(scope="module")
def outcome():
    expected = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
    root = CORPUS / expected["template_root"]
    cwd = os.getcwd()
    os.chdir(CORPUS)    # paths as given, relative: the report's paths are relative to corpus/
    try:
        result = runner.run([expected["template_root"]], Config(), Options())
    finally:
        os.chdir(cwd)
    assert root.is_dir()
    return expected, result.report


def _matches(f, entry_file, e):
    return (f["path"] == entry_file and f["category"] in e["any"]
            and ("line" not in e or f["line"] == e["line"]))


def _score(expected, report):
    counted = [f for f in report["findings"] if f["severity"] in ("error", "warning")]
    misses, false_positives, hits = [], [], []
    for entry in expected["files"]:
        mine = [f for f in counted if f["path"] == entry["file"]]
        for e in entry["expect"]:
            found = [f for f in mine if _matches(f, entry["file"], e)]
            (hits if found else misses).append((entry["file"], e, found))
        for f in mine:
            if not any(_matches(f, entry["file"], e)
                       for e in entry["expect"] + entry.get("allow", [])):
                false_positives.append(f)
    known = {e["file"] for e in expected["files"]}
    false_positives += [f for f in counted if f["path"] not in known]
    return counted, hits, misses, false_positives


def _figures(expected, report):
    counted, hits, misses, fps = _score(expected, report)
    per = defaultdict(lambda: {"tp": 0, "fn": 0, "ok": 0, "fp": 0})
    for _, e, _ in hits:
        per[e["any"][0]]["tp"] += 1
    for _, e, _ in misses:
        per[e["any"][0]]["fn"] += 1
    fp_ids = {id(f) for f in fps}
    for f in counted:
        per[f["category"]]["fp" if id(f) in fp_ids else "ok"] += 1
    lines = [f"{'category':<36}{'recall':>10}{'precision':>11}   expected/found"]
    for cat in sorted(per):
        p = per[cat]
        recall = p["tp"] / (p["tp"] + p["fn"]) if p["tp"] + p["fn"] else None
        precision = p["ok"] / (p["ok"] + p["fp"]) if p["ok"] + p["fp"] else None
        fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
        lines.append(f"{cat:<36}{fmt(recall):>10}{fmt(precision):>11}   "
                     f"{p['tp'] + p['fn']}/{p['ok'] + p['fp']}")
    total_e = len(hits) + len(misses)
    total_f = len(counted)
    lines.append(f"{'ALL':<36}{len(hits) / total_e:>10.2f}"
                 f"{(total_f - len(fps)) / total_f if total_f else 1:>11.2f}   "
                 f"{total_e}/{total_f}")
    return lines, misses, fps


def test_corpus_expectations_and_traps(outcome):
    expected, report = outcome
    lines, misses, fps = _figures(expected, report)
    FIGURES[:] = lines
    problems = [f"MISS {file}:{e.get('line', 'whole')} {e['any']} {e.get('text', '')!r}"
                for file, e, _ in misses]
    problems += [f"FALSE POSITIVE {f['path']}:{f['line']}:{f['column']} {f['rule']} "
                 f"[{f['category']}] {f['excerpt']!r}" for f in fps]
    assert not problems, "\n".join(problems)


def test_corpus_has_no_template_errors(outcome):
    _, report = outcome
    assert [f for f in report["findings"] if f["category"] == "template-error"
            and f["severity"] == "error"] == []
    assert all(f["error"] is None for f in report["files"])


def test_corpus_partials_are_not_checked_as_scripts(outcome):
    expected, report = outcome
    partials = {e["file"] for e in expected["files"] if e["kind"] == "partial"}
    scripts = {e["file"] for e in expected["files"] if e["kind"] == "script"}
    assert {f["path"] for f in report["files"]} == scripts
    assert not partials & {f["path"] for f in report["files"]}


def test_corpus_findings_point_into_the_offending_text(outcome):
    """Where an expectation names its text, a matching finding starts inside it."""
    expected, report = outcome
    _, hits, _, _ = _score(expected, report)
    for file, e, found in hits:
        if "line" not in e or "text" not in e:
            continue
        line = (CORPUS / file).read_text(encoding="utf-8").splitlines()[e["line"] - 1]
        start = line.index(e["text"]) + 1
        assert any(start <= f["column"] <= start + len(e["text"]) or
                   f["column"] <= start <= f["end_column"] for f in found), (file, e, found)
