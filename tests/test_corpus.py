"""The development corpus (../shared/corpus): every expectation met at its line, nothing
counted on clean lines; precision and recall per category are printed after the run."""
from __future__ import annotations

import pytest
import scoring
from conftest import CORPUS


FIGURES: list[str] = []   # printed by conftest's terminal summary

pytestmark = pytest.mark.skipif(
    not (CORPUS / "expected.yaml").is_file(),
    reason=f"the shared corpus is not at {CORPUS} (it lives beside the repository, in shared/)")


@pytest.fixture(scope="module")
def outcome():
    expected = scoring.load(CORPUS)
    assert (CORPUS / expected["template_root"]).is_dir()
    return expected, scoring.run(CORPUS, expected)


def test_corpus_expectations_and_traps(outcome):
    expected, report = outcome
    lines, misses, fps, _, _ = scoring.figures(
        expected, report, title="development corpus (shared/corpus; the packs were written "
                                "and tuned on it: in-sample)")
    FIGURES[:0] = lines
    found = scoring.problems(misses, fps)
    assert not found, "\n".join(found)


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
    _, hits, _, _ = scoring.score(expected, report)
    for file, e, found in hits:
        if "line" not in e or "text" not in e:
            continue
        line = (CORPUS / file).read_text(encoding="utf-8").splitlines()[e["line"] - 1]
        start = line.index(e["text"]) + 1
        assert any(start <= f["column"] <= start + len(e["text"]) or
                   f["column"] <= start <= f["end_column"] for f in found), (file, e, found)
