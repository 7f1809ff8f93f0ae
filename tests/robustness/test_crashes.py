"""Issue 8, "crashes lose the whole report": each input that used to crash now gives an exact
exit code and a finding (or a `file:line` error) and the rest of the run goes on."""
from __future__ import annotations

import json

import pytest

from conftest import BAD_ZH, RULE_ARGS, ZH_FRONT, findings_of, run_cli

FRONT_LINES = len(ZH_FRONT.splitlines())



@pytest.mark.parametrize("depth", [200, 300, 1000])
def test_deeply_nested_ifs_are_a_finding_at_the_line_over_the_limit(tree, depth):
    tree({"deep.j2": ZH_FRONT + "{% if a %}\n" * depth + "上门。\n" + "{% endif %}\n" * depth,
          "b.j2": BAD_ZH})
    code, out, err = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    assert code == 1, err
    # the 101st `if` (default max-depth 100) stands on this line
    assert findings_of(out) == [("b.j2", 8, "T-ZH-HOME", "error"),
                                ("deep.j2", FRONT_LINES + 101, "template-error", "error")]
    (f,) = [f for f in json.loads(out)["findings"] if f["path"] == "deep.j2"]
    assert "max-depth = 100" in f["message"] and f["category"] == "template-error"


def test_deep_brackets_in_an_expression_are_a_finding(tree):
    tree({"p.j2": ZH_FRONT + "您好，信用卡中心。\n{{ " + "(" * 100 + "a" + ")" * 100 + " }}\n"})
    code, out, _ = run_cli("check", "p.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("p.j2", FRONT_LINES + 2, "template-error", "error")]


def test_max_depth_setting_is_used_and_bounded(tree):
    tree({"scriptcheck.toml": "max-depth = 3\n",
          "s.j2": ZH_FRONT + "{% if a %}{% if b %}{% if c %}\n{% if d %}x{% endif %}"
                             "{% endif %}{% endif %}{% endif %}\n"})
    code, out, _ = run_cli("check", "s.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("s.j2", FRONT_LINES + 2, "template-error", "error")]
    tree({"scriptcheck.toml": "\nmax-depth = 500\n"})
    code, _, err = run_cli("check", "s.j2", *RULE_ARGS)
    assert code == 2 and "scriptcheck.toml:2: max-depth must be between 1 and 150" in err


def test_text_over_the_pipeline_limit_is_read_in_sentence_pieces(tree, monkeypatch):
    """spaCy refuses a text over nlp.max_length (E088). Scaled down: a pipeline limit of
    1,000 characters and a script of ~5,000, read in 300-character pieces."""
    from scriptcheck import nlp

    zh = nlp.pipeline("zh")
    monkeypatch.setattr(zh, "max_length", 1000)
    monkeypatch.setattr(nlp, "CHUNK", 300)
    long_text = "您好，我是示例银行信用卡中心的客服。\n" * 260 + "明天我们就上门。\n"
    with pytest.raises(ValueError, match="E088"):
        zh(long_text)                        # what used to happen
    tree({"long.j2": ZH_FRONT + long_text})
    code, out, _ = run_cli("check", "long.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    (f,) = json.loads(out)["findings"]
    assert (f["rule"], f["line"], f["column"], f["excerpt"]) == \
        ("T-ZH-HOME", FRONT_LINES + 261, 6, "上门")


def test_chunks_cut_after_sentence_ends_and_join_to_the_text():
    from scriptcheck import nlp

    text = "第一句。第二句！" * 50 + "x" * 700 + "尾。"
    pieces = nlp.chunks(text, 100)
    assert "".join(pieces) == text
    assert all(len(p) <= 100 for p in pieces)
    assert all(p.endswith(("。", "！")) for p in pieces[:3])     # the sentences
    assert "x" * 100 in pieces      # a run with no sentence end is cut at the size


def test_max_file_size_is_a_finding_not_a_crash(tree):
    tree({"scriptcheck.toml": "max-file-size = 300\n", "big.j2": ZH_FRONT + "您好。" * 60,
          "b.j2": BAD_ZH})
    code, out, _ = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("b.j2", 8, "T-ZH-HOME", "error"),
                                ("big.j2", 1, "template-error", "error")]
    errors = {f["path"]: f["error"] for f in json.loads(out)["files"]}
    assert errors["b.j2"] is None and "over max-file-size" in errors["big.j2"]


@pytest.mark.parametrize("locale", ["xx-YY", "ja-JP", "ko-KR"])
def test_unknown_locale_falls_back_with_findings(tree, locale):
    tree({"s.j2": f"{{# ---\nlocale: {locale}\n--- #}}\nこんにちは。Hello.\n", "b.j2": BAD_ZH})
    code, out, _ = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("b.j2", 8, "T-ZH-HOME", "error"),
                                ("s.j2", 2, "no-pack", "warning"),
                                ("s.j2", 2, "unsupported-language", "warning")]


def test_misspelt_token_pattern_is_a_pack_error_at_its_line(tree):
    root = tree({"s.j2": "Hello.\n", "p.yaml": """\
name: p
locale: [en]
rules:
  - id: P-ONE
    kind: forbid
    category: threat-violence
    severity: error
    message: {en: Threat.}
    match:
      - tokens:
          - [{LOWER: we}, {LOWR: hurt}]
    examples:
      bad: [we hurt]
"""})
    for command in (["check", "s.j2", "--rules"], ["test-rules"]):
        code, out, err = run_cli(*command, root / "p.yaml")
        assert code == 2
        assert f"{root / 'p.yaml'}:11: " in err and "not a valid spaCy token pattern" in err
        assert "LOWR" in err and "Traceback" not in err + out


def test_pack_that_is_not_utf8_is_a_pack_error_at_its_line(tree):
    root = tree({"s.j2": "Hello.\n",
                 "p.yaml": "name: p\nversion: '1'\ndescription: 催收规则\nrules: []\n".encode("gbk")})
    code, _, err = run_cli("check", "s.j2", "--rules", root / "p.yaml")
    assert code == 2 and f"{root / 'p.yaml'}:3: rule pack is not UTF-8" in err


def test_output_into_a_missing_folder_fails_before_analysis_and_before_fix(tree, monkeypatch):
    from scriptcheck import runner

    root = tree({"a.j2": BAD_ZH + "你好。\n"})
    before = (root / "a.j2").read_bytes()

    def never(*args, **kwargs):
        raise AssertionError("analysis ran although the report could not be written")

    monkeypatch.setattr(runner, "run", never)
    code, _, err = run_cli("check", "a.j2", "--fix", "-o", "missing/report.json", *RULE_ARGS)
    assert code == 2 and "missing/report.json: cannot write the report" in err
    assert (root / "a.j2").read_bytes() == before
    assert not (root / "missing").exists()


def test_unknown_severity_override_is_a_config_error_at_its_line(tree):
    tree({"a.j2": BAD_ZH, "scriptcheck.toml": "fail-on = 'error'\n[severity]\nT-ZH-HOME = 'fatal'\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2
    assert "scriptcheck.toml:2: severity of T-ZH-HOME must be error, warning or info" in err
    tree({"scriptcheck.toml": "severity = { T-ZH-HOEM = 'info' }\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2 and "scriptcheck.toml:1: severity: 'T-ZH-HOEM' is not a rule id" in err
    assert "did you mean 'T-ZH-HOME'" in err


def test_model_that_is_not_installed_is_a_config_error(tree):
    tree({"a.j2": BAD_ZH, "scriptcheck.toml": "\n[models]\nzh = 'zh_core_web_not_here'\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2
    assert "scriptcheck.toml:2: models.zh: the spaCy pipeline 'zh_core_web_not_here' is not " \
           "installed" in err


def test_ctrl_c_exits_130_with_a_short_message(tree, monkeypatch):
    from scriptcheck import runner

    tree({"a.j2": BAD_ZH})

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    code, out, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert (code, out, err) == (130, "", "scriptcheck: interrupted\n")


def test_internal_error_exits_3_with_one_line_and_traceback_only_verbose(tree, monkeypatch):
    from scriptcheck import runner

    tree({"a.j2": BAD_ZH})

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "run", crash)
    code, out, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 3 and out == ""
    assert err.splitlines() == ["scriptcheck: internal error: RuntimeError: boom (run with "
                                "--verbose for the traceback)"]
    code, _, err = run_cli("check", "a.j2", "--verbose", *RULE_ARGS)
    assert code == 3 and "Traceback (most recent call last)" in err and "boom" in err


def test_a_crash_in_one_file_is_that_files_finding_and_the_run_goes_on(tree, monkeypatch):
    from scriptcheck import kinds

    tree({"a.j2": BAD_ZH, "b.j2": BAD_ZH})
    real = kinds.run

    def crash_on_a(rule, unit):
        if unit.script.source.path == "a.j2":
            raise ZeroDivisionError("division by zero in a rule")
        return real(rule, unit)

    monkeypatch.setattr(kinds, "run", crash_on_a)
    code, out, err = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    assert code == 3 and "internal error in some files" in err
    assert findings_of(out) == [("a.j2", 1, "internal-error", "error"),
                                ("b.j2", 8, "T-ZH-HOME", "error")]
    (f,) = [f for f in json.loads(out)["findings"] if f["path"] == "a.j2"]
    assert "ZeroDivisionError: division by zero in a rule" in f["message"]
    assert "Traceback" not in err
    code, _, err = run_cli("check", ".", "--verbose", *RULE_ARGS)
    assert code == 3 and "internal error while checking a.j2" in err and "Traceback" in err
    assert 'raise ZeroDivisionError("division by zero in a rule")' in err


def test_a_crash_while_analysing_one_template_is_that_files_finding(tree, monkeypatch):
    from scriptcheck import jinjaparse

    tree({"a.j2": BAD_ZH, "b.j2": BAD_ZH})
    real = jinjaparse._Builder.template

    def crash_on_a(self, parsed, blocks=None):
        if parsed.source.path == "a.j2":
            raise KeyError("surprise")
        return real(self, parsed, blocks)

    monkeypatch.setattr(jinjaparse._Builder, "template", crash_on_a)
    code, out, _ = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    assert code == 3
    assert findings_of(out) == [("a.j2", 1, "internal-error", "error"),
                                ("b.j2", 8, "T-ZH-HOME", "error")]


def test_call_block_of_a_macro_not_in_scope_checks_its_body(tree):
    """Found by the property test: `{% call %}` of a macro the file does not import crashed
    the variant walk; its body is now checked as text."""
    tree({"s.j2": ZH_FRONT + "您好，信用卡中心。\n{% call box() %}明天我们就上门。{% endcall %}\n"})
    code, out, _ = run_cli("check", "s.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("s.j2", FRONT_LINES + 2, "T-ZH-HOME", "error")]


def test_regex_time_limit_is_a_setting_and_stops_only_that_rule(tree):
    root = tree({"p.yaml": """\
name: p
locale: [zh]
jurisdiction: [CN]
rules:
  - id: P-SLOW
    kind: forbid
    category: x-slow
    severity: warning
    message: {zh: 慢。}
    match:
      - regex: ['(a|a)+$']
    examples:
      bad: [aaa]
  - id: P-HOME
    kind: forbid
    category: threat-home-visit
    severity: error
    message: {zh: 上门。}
    match:
      - phrases: [上门]
    examples:
      bad: [上门]
""", "s.j2": ZH_FRONT + "明天我们就上门。\n" + "a" * 40 + "!\n",
         "scriptcheck.toml": "regex-timeout = 0.2\n"})
    code, out, _ = run_cli("check", "s.j2", "--rules", root / "p.yaml", "--format", "json")
    assert code == 1
    assert findings_of(out) == [("s.j2", 1, "regex-timeout", "error"),
                                ("s.j2", FRONT_LINES + 1, "P-HOME", "error")]
    (f,) = [f for f in json.loads(out)["findings"] if f["rule"] == "regex-timeout"]
    assert "P-SLOW" in f["message"] and "0.2s" in f["message"]
    tree({"scriptcheck.toml": "regex-timeout = 0\n"})
    code, _, err = run_cli("check", "s.j2", "--rules", root / "p.yaml")
    assert code == 2 and "scriptcheck.toml:1: regex-timeout must be more than 0" in err


def test_nesting_through_a_chain_of_includes_is_a_finding_not_a_crash(tree):
    """Each file within max-depth, together deeper than Python's stack: a template-error."""
    files = {}
    for i in range(15):
        inner = f"{{% include 'c{i + 1}.j2' %}}" if i < 14 else "上门。"
        files[f"c{i}.j2"] = (ZH_FRONT if i == 0 else "") + "{% if a %}\n" * 90 + inner + \
            "\n" + "{% endif %}\n" * 90
    tree(files)
    code, out, err = run_cli("check", "c0.j2", "--format", "json", *RULE_ARGS)
    assert code == 1, err
    assert findings_of(out) == [("c0.j2", 1, "template-error", "error")]
    assert "max-depth" in json.loads(out)["findings"][0]["message"]
