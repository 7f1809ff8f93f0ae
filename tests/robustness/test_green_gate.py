"""Issue 8, "the gate passes green having checked nothing or less than it should": each
mistake is now an exit code or a finding at its line."""
from __future__ import annotations

import json
import os

import pytest

from conftest import BAD_ZH, EN_FRONT, RULE_ARGS, ZH_FRONT, findings_of, run_cli




def test_folder_without_templates_is_not_a_green_gate(tree):
    tree({"docs/readme.txt": "no templates here\n"})
    code, out, err = run_cli("check", "docs", *RULE_ARGS)
    assert code == 2
    assert "nothing was checked: no templates under docs" in err
    assert "0 file(s) checked: 0 error(s), 0 warning(s), 0 info (" in out   # then the timing


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_symlinked_folder_is_followed_and_a_loop_does_not_hang(tree):
    root = tree({"real/a.j2": BAD_ZH})
    (root / "scripts").mkdir()
    os.symlink(root / "real", root / "scripts" / "linked")
    os.symlink(root / "scripts", root / "scripts" / "loop")      # scripts/loop -> scripts
    code, out, _ = run_cli("check", "scripts", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("scripts/linked/a.j2", 8, "T-ZH-HOME", "error")]


def test_folder_that_cannot_be_listed_is_reported(tree, monkeypatch):
    root = tree({"scripts/a.j2": BAD_ZH, "scripts/locked/b.j2": BAD_ZH})
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = run_cli("check", "scripts", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("scripts/a.j2", 8, "T-ZH-HOME", "error"),
                                ("scripts/locked", 1, "unreadable", "error")]
    (f,) = [f for f in json.loads(out)["findings"] if f["rule"] == "unreadable"]
    assert "Permission denied" in f["message"]
    assert root.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root can list any folder; the monkeypatched test covers it")
def test_folder_without_permissions_is_reported(tree):
    root = tree({"scripts/a.j2": BAD_ZH, "scripts/locked/b.j2": BAD_ZH})
    os.chmod(root / "scripts" / "locked", 0)
    try:
        code, out, _ = run_cli("check", "scripts", "--format", "json", *RULE_ARGS)
    finally:
        os.chmod(root / "scripts" / "locked", 0o755)
    assert code == 1
    assert ("scripts/locked", 1, "unreadable", "error") in findings_of(out)


def test_misspelt_select_and_ignore_are_usage_errors(tree):
    tree({"a.j2": BAD_ZH})
    code, out, err = run_cli("check", "a.j2", "--select", "T-ZH-HOEM", *RULE_ARGS)
    assert code == 2 and out == ""
    assert "--select 'T-ZH-HOEM' is not a rule id, category or pack of the loaded packs " \
           "(did you mean 'T-ZH-HOME'?)" in err
    code, _, err = run_cli("check", "a.j2", "--ignore", "threat-home-vist", *RULE_ARGS)
    assert code == 2 and "(did you mean 'threat-home-visit'?)" in err
    # ids, categories and pack names that exist are accepted
    code, out, _ = run_cli("check", "a.j2", "--select", "threat-home-visit", "--select",
                           "mini-en", "--format", "json", *RULE_ARGS)
    assert code == 1 and findings_of(out) == [("a.j2", 8, "T-ZH-HOME", "error")]


def test_misspelt_select_in_config_is_an_error_at_its_line(tree):
    tree({"a.j2": BAD_ZH, "scriptcheck.toml": "fail-on = 'error'\nselect = ['T-ZH-HOM']\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2
    assert "scriptcheck.toml:2: select: 'T-ZH-HOM' is not a rule id" in err


def test_front_matter_mistakes_are_findings_at_their_lines(tree):
    tree({"s.j2": "{# ---\nlocale: en-US\njurisdiction: US\ncolector: agency\n"
                  "audience: third-party\nchannel: telegram\nfirst_contact: maybe\n--- #}\n"
                  "This is an attempt to collect a debt.\n"})
    code, out, _ = run_cli("check", "s.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    found = {f["line"]: f for f in json.loads(out)["findings"] if f["rule"] == "front-matter"}
    assert sorted(found) == [4, 5, 6, 7]
    assert all(f["severity"] == "error" and f["category"] == "template-error"
               for f in found.values())
    assert "Unknown front-matter key 'colector' (did you mean 'collector'?)" in found[4]["message"]
    assert "(did you mean 'third_party'?)" in found[5]["message"]
    assert "telegram" in found[6]["message"] and "sms" in found[6]["message"]
    assert "maybe" in found[7]["message"] and "true | false" in found[7]["message"]
    assert found[4]["excerpt"] == "colector: agency"


def test_front_matter_mistake_in_a_chinese_script_is_said_in_chinese(tree):
    tree({"s.j2": "{# ---\nlocale: zh-CN\naudiance: debtor\n--- #}\n您好，信用卡中心。\n"})
    code, out, _ = run_cli("check", "s.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    (f,) = [f for f in json.loads(out)["findings"] if f["rule"] == "front-matter"]
    assert f["line"] == 3
    assert f["message"].startswith("元数据中有未知字段“audiance”（是否应为“audience”？）")


def test_locale_no_pack_covers_is_a_finding(tree):
    tree({"s.j2": "{# ---\nlocale: fr-FR\n--- #}\nYou will be arrested.\n",
          "uk.j2": "{# ---\nlocale: en-GB\njurisdiction: UK\n--- #}\nYou will be arrested.\n"})
    code, out, _ = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    assert code == 1
    assert findings_of(out) == [("s.j2", 2, "no-pack", "warning"),
                                ("s.j2", 2, "unsupported-language", "warning"),
                                ("uk.j2", 3, "no-pack", "warning")]


def test_broken_pyproject_is_an_error_at_its_line(tree):
    tree({"a.j2": BAD_ZH, "pyproject.toml": "[project]\nname = 'x'\n\n[tool.scriptcheck]\n"
                                            "fail-on = 'error\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2 and "pyproject.toml:5: not valid TOML" in err


def test_max_variants_zero_in_config_is_an_error_at_its_line(tree):
    tree({"a.j2": BAD_ZH, "scriptcheck.toml": "fail-on = 'error'\n\nmax-variants = 0\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2
    assert "scriptcheck.toml:3: max-variants must be 1 or more, not 0" in err


def test_config_setting_errors_point_at_their_line_with_a_hint(tree):
    tree({"a.j2": BAD_ZH, "pyproject.toml": "[project]\nname = 'x'\n[tool.scriptcheck]\n"
                                            "fail-on = 'error'\nmax-variant = 3\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2
    assert "pyproject.toml:5: unknown setting 'max-variant' (did you mean 'max-variants'?)" in err
    tree({"pyproject.toml": "[tool.scriptcheck]\n\n[[tool.scriptcheck.defaults]]\n"
                            "paths = 'sms/*'\nchanel = 'sms'\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2
    assert "pyproject.toml:3: defaults[0]: unknown front-matter key 'chanel' (did you mean " \
           "'channel'?)" in err


def test_unused_partial_and_uncalled_macro_are_info(tree):
    tree({"s.j2": ZH_FRONT + "您好，信用卡中心。\n{% import 'macros/m.j2' as m %}{{ m.used() }}\n",
          "macros/m.j2": "{% macro used() %}您好。{% endmacro %}\n"
                         "{% macro unused() %}明天上门。{% endmacro %}\n",
          "partials/orphan.j2": "明天上门。\n"})
    code, out, _ = run_cli("check", ".", "--format", "json", "--fail-on", "warning", *RULE_ARGS)
    assert code == 0                            # info does not fail the default gate
    assert findings_of(out) == [("macros/m.j2", 2, "unused-macro", "info"),
                                ("partials/orphan.j2", 1, "unused-partial", "info")]
    messages = {f["rule"]: f["message"] for f in json.loads(out)["findings"]}
    assert messages["unused-macro"] == "宏 unused 从未被调用，它的内容没有被检查。"


def test_english_partial_gets_english_notice(tree):
    tree({"s.j2": EN_FRONT + "This is an attempt to collect a debt.\n",
          "_footer.j2": "You will be arrested.\n"})
    code, out, _ = run_cli("check", ".", "--format", "json", *RULE_ARGS)
    (f,) = json.loads(out)["findings"]
    assert (code, f["rule"], f["path"]) == (0, "unused-partial", "_footer.j2")
    assert f["message"].startswith("No script includes, imports or extends this partial")
