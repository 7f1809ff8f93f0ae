"""The command line and its public contracts: JSON output, exit codes, config, suppressions."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from conftest import EN_FRONT, MINI_PACKS, ZH_FRONT, invoke, report_of

RULES = [a for p in MINI_PACKS for a in ("--rules", p)]
BAD_ZH = ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n明天我们就上门。\n"
GOOD_ZH = ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n"


def test_json_output_follows_the_design_contract(tree):
    tree({"scripts/a.zh.j2": BAD_ZH, "scripts/partials/p.j2": "您好。"})
    code, report = report_of("scripts", *RULES)
    assert code == 1
    assert report["version"] == 1
    assert report["tool"]["name"] == "scriptcheck" and report["tool"]["version"]
    assert {"name": "mini-zh", "version": "1"} in report["packs"]
    assert report["files"] == [{"path": "scripts/a.zh.j2", "variants": 1, "error": None}]
    f, unused = report["findings"]      # the partial no script includes is said, as info
    assert (unused["rule"], unused["path"], unused["severity"]) == \
        ("unused-partial", "scripts/partials/p.j2", "info")
    assert set(f) == {"rule", "category", "severity", "message", "path", "line", "column",
                      "end_line", "end_column", "excerpt", "citations", "suggestion", "variant"}
    assert (f["rule"], f["path"], f["line"], f["column"], f["end_line"], f["end_column"]) == \
        ("T-ZH-HOME", "scripts/a.zh.j2", 8, 6, 8, 8)
    assert f["citations"] == ["《商业银行信用卡业务监督管理办法》 第六十八条"]
    assert f["message"] == "以上门相威胁。"          # the script's language
    assert report["summary"] == {"files": 1, "findings": 2, "error": 1, "warning": 0, "info": 1}


def test_exit_codes_follow_fail_on(tree):
    tree({"a.j2": GOOD_ZH + "你好。\n"})        # a warning only
    assert invoke("check", "a.j2", *RULES)[0] == 1                      # default: warning
    assert invoke("check", "a.j2", "--fail-on", "error", *RULES)[0] == 0
    tree({"b.j2": GOOD_ZH})
    assert invoke("check", "b.j2", *RULES)[0] == 0
    assert invoke("check", "missing.j2", *RULES)[0] == 2
    assert invoke("check", "b.j2", "--format", "nope")[0] == 2


def test_text_output_like_ruff(tree):
    tree({"a.j2": BAD_ZH})
    code, out = invoke("check", "a.j2", *RULES)
    lines = out.splitlines()
    assert lines[0] == "a.j2:8:6: error T-ZH-HOME [threat-home-visit] 以上门相威胁。"
    assert lines[1] == "  | 明天我们就上门。"
    assert lines[2] == "  | " + " " * 10 + "^^^^"         # wide characters: two columns each
    assert "  = instead: 请说明可通过官方渠道协商还款。" in lines
    assert lines[-1].startswith("1 file(s) checked: 1 error(s)")


def test_output_file_is_written_atomically(tree):
    root = tree({"a.j2": BAD_ZH})
    code, out = invoke("check", "a.j2", "--format", "json", "-o", "out/r.json", *RULES) \
        if (root / "out").mkdir() is None else (None, None)
    assert code == 1 and out == ""
    assert json.loads((root / "out" / "r.json").read_text())["summary"]["error"] == 1
    assert [p.name for p in (root / "out").iterdir()] == ["r.json"]   # no temporary left


def test_fix_rewrites_only_safe_substitutions_and_keeps_crlf(tree):
    root = tree({"a.j2": (GOOD_ZH + "你上次答应还款，“你们”不改。\n").replace("\n", "\r\n").encode()})
    code, _ = invoke("check", "a.j2", "--fix", *RULES)
    text = (root / "a.j2").read_bytes().decode()
    assert "您上次答应还款，“你们”不改。\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert invoke("check", "a.j2", *RULES)[0] == 0


def test_files_are_never_written_without_fix(tree):
    root = tree({"a.j2": GOOD_ZH + "你好。\n"})
    before = (root / "a.j2").read_bytes()
    invoke("check", "a.j2", *RULES)
    assert (root / "a.j2").read_bytes() == before


def test_config_in_pyproject(tree):
    tree({"pyproject.toml": "[tool.scriptcheck]\nfail-on = 'error'\nignore = ['T-ZH-HOME']\n"
                            "rules = " + json.dumps(MINI_PACKS) + "\n",
          "a.j2": BAD_ZH + "你好。\n"})
    code, report = report_of("a.j2")
    assert code == 0                                           # only a warning is left
    assert {f["rule"] for f in report["findings"]} == {"T-ZH-NI"}


def test_config_errors_exit_2(tree):
    tree({"scriptcheck.toml": "fail-on = 'sometimes'\n", "a.j2": GOOD_ZH})
    code, out = invoke("check", "a.j2", *RULES)
    assert code == 2 and "scriptcheck.toml" in out
    tree({"scriptcheck.toml": "colour = 'blue'\n"})
    code, out = invoke("check", "a.j2", *RULES)
    assert code == 2 and "unknown setting 'colour'" in out


def test_defaults_by_path_glob(tree):
    tree({"scriptcheck.toml": "[[defaults]]\npaths = 'sms/*'\nchannel = 'sms'\n",
          "sms/a.j2": "{# ---\nlocale: zh-CN\n--- #}\n身份证号{{ customer.id_number }}\n",
          "call/a.j2": "{# ---\nlocale: zh-CN\n--- #}\n身份证号{{ customer.id_number }}\n"})
    _, report = report_of(".", *RULES)
    assert [f["path"] for f in report["findings"] if f["rule"] == "T-ZH-IDVAR"] == ["sms/a.j2"]


def test_suppressions_with_reasons(tree):
    tree({"a.j2": GOOD_ZH + "{# scriptcheck: ignore T-ZH-HOME -- 培训材料中引用的反面例句 #}\n"
                            "明天我们就上门。\n"
                            "明天我们就上门。{# noqa: T-ZH-HOME #}\n"
                            "{# scriptcheck: ignore T-ZH-ARREST -- 没有这个问题 #}\n您好。\n"})
    _, report = report_of("a.j2", *RULES)
    got = sorted((f["rule"], f["line"], f["severity"]) for f in report["findings"])
    assert got == [("suppression-reason", 10, "warning"),        # noqa without a reason
                   ("suppression-unused", 11, "info")]          # suppresses nothing


def test_rules_and_explain(tree):
    code, out = invoke("rules", "--pack", MINI_PACKS[0], "--category", "threat-home-visit")
    assert code == 0 and "T-ZH-HOME" in out and "第六十八条" in out and "T-ZH-NI" not in out
    code, out = invoke("explain", "t-zh-home", "--rules", MINI_PACKS[0])
    assert code == 0
    for part in ("以上门相威胁。", "依据", "第六十八条", "建议说法", "违规示例", "明天我们就上门。"):
        assert part in out
    assert invoke("explain", "NOPE", "--rules", MINI_PACKS[0])[0] == 2


def test_english_script_gets_english_messages(tree):
    tree({"a.j2": EN_FRONT + "This is an attempt to collect a debt. You will be arrested.\n"})
    _, report = report_of("a.j2", *RULES)
    assert [(f["rule"], f["message"], f["line"], f["column"]) for f in report["findings"]] == \
        [("T-EN-ARREST", "Threatens arrest.", 9, 51)]


def test_partials_by_name_and_by_use(tree):
    tree({"s.j2": ZH_FRONT + "{% include 'common.j2' %}\n", "common.j2": "明天上门。",
          "_footer.j2": "上门。", "layouts/base.j2": "上门。"})
    _, report = report_of(".", *RULES)
    assert [f["path"] for f in report["files"]] == ["s.j2"]
    assert [f["path"] for f in report["findings"] if f["rule"] == "T-ZH-HOME"] == ["common.j2"]


def test_locale_is_detected_without_front_matter(tree):
    tree({"a.j2": "您好，明天我们就上门。\n", "b.j2": "You will be arrested.\n"})
    _, report = report_of(".", *RULES)
    assert {(f["path"], f["rule"]) for f in report["findings"]} >= \
        {("a.j2", "T-ZH-HOME"), ("b.j2", "T-EN-ARREST")}
    assert "上门" in [f["excerpt"] for f in report["findings"] if f["path"] == "a.j2"]


def test_context_file_values(tree):
    tree({"ctx.yaml": "customer: {name: 张三}\n",
          "a.j2": GOOD_ZH + "{{ customer.name }}，明天我们就上门。\n"})
    code, report = report_of("a.j2", "--context", "ctx.yaml", *RULES)
    assert [f["excerpt"] for f in report["findings"]] == ["上门"]


def test_cache_skips_unchanged_scripts_without_loading_nlp(tree, monkeypatch):
    root = tree({"a.j2": BAD_ZH, "b.j2": ZH_FRONT + "{% include 'p.j2' %}\n", "p.j2": "上门。\n"})
    first = report_of(".", "--cache-dir", ".cache", *RULES)[1]
    assert first["summary"]["findings"] >= 2 and list((root / ".cache").rglob("*.json"))

    from scriptcheck import nlp

    def no_nlp(*args, **kwargs):
        raise AssertionError("the NLP pipeline was loaded for an unchanged repository")

    with monkeypatch.context() as patch:
        patch.setattr(nlp, "pipeline", no_nlp)
        assert report_of(".", "--cache-dir", ".cache", *RULES)[1] == first
    # a changed partial invalidates the script that uses it (and needs the pipeline again)
    (root / "p.j2").write_text("您好。\n", encoding="utf-8")
    third = report_of(".", "--cache-dir", ".cache", *RULES)[1]
    assert [f["path"] for f in third["findings"] if f["rule"] == "T-ZH-HOME"] == ["a.j2"]
    # without the option nothing is written
    (root / "c").mkdir()
    assert invoke("check", "c", *RULES)[0] == 2      # nothing to check is not a green gate
    assert not (root / "c" / ".cache").exists() and not (root / ".scriptcheck_cache").exists()


def test_machine_formats_sarif_junit_github(tree):
    import xml.etree.ElementTree as ET

    tree({"a.j2": BAD_ZH, "b.j2": GOOD_ZH})
    code, out = invoke("check", ".", "--format", "sarif", *RULES)
    sarif = json.loads(out)
    (run,) = sarif["runs"]
    assert code == 1 and sarif["version"] == "2.1.0"
    (result,) = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (result["ruleId"], result["level"], region["startLine"], region["startColumn"]) == \
        ("T-ZH-HOME", "error", 8, 6)
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]   # every enabled rule
    assert rules[result["ruleIndex"]] == "T-ZH-HOME" and "T-EN-ARREST" in rules

    code, out = invoke("check", ".", "--format", "junit", *RULES)
    suite = ET.fromstring(out.split("?>", 1)[1]).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failing = [c.get("name") for c in suite if c.find("failure") is not None]
    assert failing == ["a.j2"]

    code, out = invoke("check", ".", "--format", "github", *RULES)
    annotation, summary = out.splitlines()
    assert annotation == ("::error file=a.j2,line=8,col=6,endLine=8,endColumn=8,"
                          "title=T-ZH-HOME [threat-home-visit]::以上门相威胁。%0A请说明可通过官方渠道协商还款。")
    assert summary.startswith("scriptcheck: 2 file(s) checked: 1 error(s), 0 warning(s), 0 info (")


def test_baseline_hides_old_findings_and_reports_new_ones(tree):
    root = tree({"a.j2": BAD_ZH})
    code, _ = invoke("check", "a.j2", "--format", "json", "-o", "base.json", *RULES)
    assert code == 1
    code, report = report_of("a.j2", "--baseline", "base.json", *RULES)
    assert code == 0 and report["findings"] == [] and report["summary"]["baseline"] == 1
    # an edit above moves the old finding down a line: still old; a new violation is new
    (root / "a.j2").write_text(BAD_ZH.replace("您好", "\n您好") + "我们会上门拜访。\n",
                               encoding="utf-8")
    code, report = report_of("a.j2", "--baseline", "base.json", *RULES)
    assert code == 1 and [f["line"] for f in report["findings"]] == [10]
    assert invoke("check", "a.j2", "--baseline", "nope.json", *RULES)[0] == 2


def test_a_fully_cached_run_never_imports_spacy(tree):
    import subprocess
    import sys

    tokens = ("name: tok\nlocale: [en]\nrules:\n  - id: TOK-GROW\n    kind: forbid\n"
              "    category: x-rude\n    severity: warning\n    message: Rude.\n    match:\n"
              "      - tokens:\n          - [{LOWER: grow}, {LOWER: up}]\n")
    tree({"a.j2": BAD_ZH, "tok.yaml": tokens,       # a token pattern is validated with spaCy
          "b.j2": "明天我们就上门。\n"})              # no locale: its language is detected
    args = ["check", "a.j2", "b.j2", "--cache-dir", ".cache", *RULES, "--rules", "tok.yaml"]
    heavy = ["scriptcheck.nlp", "scriptcheck.lang", "scriptcheck.engine", "scriptcheck.matchers"]
    probe = ("import sys\nfrom scriptcheck import cli\n"
             f"sys.argv = ['scriptcheck', *{args!r}]\n"
             "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
             f"print('HEAVY', [m for m in {heavy!r} if m in sys.modules])\n"
             "print('SPACY', 'spacy' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}  # this checkout
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert "SPACY True" in first.stdout          # the first run needs the pipelines
    assert "SPACY False" in second.stdout        # the unchanged re-run does not
    assert "HEAVY []" in second.stdout           # ... nor any of the checking code

    def report(out):   # the summary line ends with the time taken and the cache hits
        return re.sub(r" \([0-9.]+ s[^)]*\)\n", "\n", out.split("HEAVY")[0])

    assert report(first.stdout) == report(second.stdout)
    assert "from the cache" not in first.stdout and ", 2 from the cache)" in second.stdout
