"""The sample repository `scripts/` (the main job): compliant scripts stay clean, and every
training example is flagged as its README announces (table rows: line, category, text)."""
from __future__ import annotations

import os
import re
from pathlib import Path


from scriptcheck import runner
from scriptcheck.categories import CATEGORIES
from scriptcheck.config import Config
from scriptcheck.engine import Options

ROOT = Path(__file__).parent.parent


def run(*paths):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return runner.run(list(paths), Config(), Options()).report
    finally:
        os.chdir(cwd)


def announced() -> list[tuple[str, int | None, set[str]]]:
    """(path, line or None for whole-script, acceptable categories) from scripts/README.md."""
    text = (ROOT / "scripts" / "README.md").read_text(encoding="utf-8")
    rows = []
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        script = "scripts/" + re.match(r"`([^`]+)`", section).group(1)
        for line in section.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3 or cells[0] in ("line", "---"):
                continue
            where, categories = cells[0], cells[1]
            m = re.match(r"`([^`]+)`\s+(\d+)", where)
            path, number = ("scripts/" + m.group(1), int(m.group(2))) if m else \
                (script, None if where == "whole" else int(where))
            for item in categories.split(";"):
                names = {name for name in CATEGORIES if re.search(rf"\b{name}\b", item)}
                rows.append((path, number, names))
    return rows


def test_compliant_scripts_have_no_errors_or_warnings():
    report = run("scripts/cn", "scripts/us")
    counted = [f for f in report["findings"] if f["severity"] in ("error", "warning")]
    assert report["summary"]["files"] >= 12
    assert counted == [], [(f["path"], f["line"], f["rule"], f["excerpt"]) for f in counted]


def test_training_examples_are_flagged_as_announced():
    report = run("scripts")
    rows = announced()
    assert len(rows) >= 30
    counted = [f for f in report["findings"] if f["severity"] in ("error", "warning")]
    missed = [(path, line, sorted(names)) for path, line, names in rows
              if not any(f["path"] == path and f["category"] in names and
                         (line is None or f["line"] == line) for f in counted)]
    assert missed == []


def test_main_job_json_follows_the_contract():
    report = run("scripts")
    assert report["version"] == 1 and report["tool"]["name"] == "scriptcheck"
    assert {p["name"] for p in report["packs"]} == {"cn-collection", "cn-polite", "us-fdcpa",
                                                     "uk-conc", "en-polite", "zh-terms",
                                                     "en-terms"}
    for f in report["findings"]:
        assert (ROOT / f["path"]).is_file()
        assert f["line"] >= 1 and f["column"] >= 1 and f["severity"] in ("error", "warning", "info")
    assert report["summary"]["files"] == len(report["files"])
