"""The HTML report: every finding of a run at its exact text span with its message, citation
and rewording; missing elements as banners; branches in words; nothing loaded from outside."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke
from htmlparse import Page
from scriptcheck import runner
from scriptcheck.config import Config
from scriptcheck.engine import Options
from scriptcheck.report import html

ROOT = Path(__file__).parent.parent
FIXTURES = [ROOT / "scripts" / "training" / "zh_m3_call_threats.zh.j2",
            ROOT / "scripts" / "training" / "en_followup_call_abusive.en.j2",
            ROOT / "scripts" / "training" / "zh_contact_disclosure.zh.j2"]


@pytest.fixture(scope="module")
def run():
    options = Options()
    result = runner.run([str(p) for p in FIXTURES], Config(), options)
    return result, Page(html.from_run(result, options))


def span_text(path: str, f) -> str:
    """The source text between a finding's (line, column) and (end_line, end_column)."""
    lines = Path(path).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")

    def offset(line, column):
        return sum(len(x) + 1 for x in lines[:line - 1]) + column - 1
    text = "\n".join(lines)
    return text[offset(f.line, f.column):offset(f.end_line, f.end_column)]


def test_every_finding_is_highlighted_at_its_exact_span(run):
    result, page = run
    assert len(result.findings) >= 20
    in_place = 0
    for n, f in enumerate(result.findings, 1):
        fid = f"f{n}"
        card = page.cards[fid]
        assert card["data-rule"] == f.rule and card["data-severity"] == f.severity
        if f.line == 1 and f.column == 1 and f.end_line == 1 and \
                f.end_column == len(Path(f.path).read_text(encoding="utf-8").split("\n")[0]) + 1:
            assert fid in page.banners and fid not in page.marked, f
            continue
        in_place += 1
        assert page.marked.get(fid) == span_text(f.path, f), f
    assert in_place >= 15


def test_each_card_has_message_citation_and_rewording(run):
    result, page = run
    for n, f in enumerate(result.findings, 1):
        text = page.cards[f"f{n}"]["text"]
        assert f.message in text
        for citation in f.citations:
            assert citation in text
        if f.suggestion:
            assert f.suggestion in text


def test_missing_elements_are_banners_not_highlights_on_the_front_matter(run):
    result, page = run
    missing = [n for n, f in enumerate(result.findings, 1)
               if f.rule == "US-DEBT-COLLECTOR-NOTICE"]
    assert missing, "the fixture lacks its debt-collector notice on one path"
    for n in missing:
        assert f"f{n}" in page.banners and f"f{n}" not in page.marked
    assert not any("{# ---" in text for text in page.marked.values())


def test_branches_are_said_in_words(run):
    result, page = run
    threat = next(n for n, f in enumerate(result.findings, 1) if f.rule == "CN-ARREST-THREAT")
    assert "客户拒绝还款时" in page.cards[f"f{threat}"]["text"]
    document = html.from_run(result, Options())
    assert "除客户拒绝还款、客户回避推脱、客户情绪激动以外的其他情况" in document
    assert "when the number of broken promises to pay is at least 2" in document


def test_no_external_resource(run):
    _, page = run
    assert page.external == []


def test_report_language_follows_the_scripts_and_lang_overrides(run):
    result, _ = run
    zh_only = runner.run([str(FIXTURES[0])], Config(), Options())
    assert '<html lang="zh-CN">' in html.from_run(zh_only, Options())
    assert "话术合规检查报告" in html.from_run(zh_only, Options())
    english = html.from_run(zh_only, Options(), lang="en")
    assert '<html lang="en">' in english and "Call script compliance report" in english


def test_cli_writes_the_html_report(tmp_path):
    out = tmp_path / "report.html"
    code, _ = invoke("check", FIXTURES[0], "--format", "html", "-o", out)
    assert code == 1
    page = Page(out.read_text(encoding="utf-8"))
    assert page.cards and page.marked and page.external == []


def test_render_says_each_path_and_its_text():
    code, out = invoke("render", FIXTURES[0])
    assert code == 0
    heads = [line for line in out.splitlines() if line.startswith("== ")]
    assert len(heads) == 4
    assert heads[0].startswith("== 1/4 客户拒绝还款，")
    assert "公安马上就会把您抓走" in out.split(heads[1])[0]
    assert "{%" not in out and "{{" not in out and "{#" not in out
