"""Issue 8, "encodings": every encoding and line ending a bank's scripts come in gives the
same lines and columns, and --fix / --diff keep the file exactly as it was saved."""
from __future__ import annotations

import codecs
import json
import os

import pytest

from conftest import RULE_ARGS, ZH_FRONT, run_cli
from scriptcheck import encoding, fixes
from scriptcheck.model import Finding, SourceFile

TEXT = ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n明天我们就上门。\n"
NI = ZH_FRONT + "您好，信用卡中心。\n你明天来一趟。\n请你尽快还款。\n"   # two 你 -> 您 fixes


def positions(stdout: str) -> list[tuple]:
    return sorted((f["rule"], f["line"], f["column"], f["end_column"], f["excerpt"])
                  for f in json.loads(stdout)["findings"])


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def cr(text: str) -> str:
    return text.replace("\n", "\r")


def mixed(text: str) -> str:
    lines = text.split("\n")
    ends = ["\r\n", "\n", "\r"]
    return "".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


SAVED = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16 LE with BOM": lambda t: t.encode("utf-16"),               # BOM + native order
    "utf-16 BE with BOM": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "CRLF": lambda t: crlf(t).encode("utf-8"),
    "CR only": lambda t: cr(t).encode("utf-8"),
    "mixed endings": lambda t: mixed(t).encode("utf-8"),
    "GBK with CRLF": lambda t: crlf(t).encode("gbk"),
    "GB18030": lambda t: t.encode("gb18030"),
}


@pytest.mark.parametrize("saved", sorted(SAVED))
def test_lines_and_columns_are_the_same_however_the_file_is_saved(tree, saved):
    tree({"a.j2": SAVED[saved](TEXT)})
    code, out, _ = run_cli("check", "a.j2", "--format", "json", *RULE_ARGS)
    assert code == 1
    found = [p for p in positions(out) if p[0] != "encoding-guess"]
    assert found == [("T-ZH-HOME", 8, 6, 8, "上门")]


def test_a_guessed_encoding_is_reported_and_a_declared_one_is_not(tree):
    tree({"a.j2": TEXT.encode("gbk")})
    code, out, _ = run_cli("check", "a.j2", "--format", "json", *RULE_ARGS)
    (guess,) = [f for f in json.loads(out)["findings"] if f["rule"] == "encoding-guess"]
    assert (code, guess["severity"], guess["line"]) == (1, "info", 1)
    assert "gb18030" in guess["message"]
    assert guess["message"].startswith("文件不是 UTF-8 编码")        # the script's language
    code, out, _ = run_cli("check", "a.j2", "--encoding", "gbk", "--format", "json", *RULE_ARGS)
    assert positions(out) == [("T-ZH-HOME", 8, 6, 8, "上门")]
    tree({"scriptcheck.toml": "encoding = 'gb18030'\n"})
    code, out, _ = run_cli("check", "a.j2", "--format", "json", *RULE_ARGS)
    assert positions(out) == [("T-ZH-HOME", 8, 6, 8, "上门")]


def test_unknown_encoding_name_is_a_usage_error(tree):
    tree({"a.j2": TEXT})
    code, _, err = run_cli("check", "a.j2", "--encoding", "nope", *RULE_ARGS)
    assert code == 2 and "--encoding 'nope' is not a text encoding" in err
    tree({"scriptcheck.toml": "\nencoding = 'klingon'\n"})
    code, _, err = run_cli("check", "a.j2", *RULE_ARGS)
    assert code == 2 and "scriptcheck.toml:2: encoding 'klingon' is not a text encoding" in err


def test_bytes_that_do_not_fit_the_declared_encoding_are_an_error_at_their_line(tree):
    tree({"a.j2": ("hello\nworld\n" + "您好\n").encode("gbk"), "b.j2": TEXT})
    code, out, _ = run_cli("check", ".", "--encoding", "utf-8", "--format", "json", *RULE_ARGS)
    assert code == 1
    (f,) = [f for f in json.loads(out)["findings"] if f["path"] == "a.j2"]
    assert (f["rule"], f["line"]) == ("template-error", 3)
    assert "not valid utf-8" in f["message"]
    assert [f["rule"] for f in json.loads(out)["findings"] if f["path"] == "b.j2"] == \
        ["T-ZH-HOME"]


def fixed(text: str) -> str:
    return text.replace("你", "您")


@pytest.mark.parametrize("saved", sorted(SAVED))
def test_fix_writes_back_in_the_files_own_encoding_bom_and_line_endings(tree, saved):
    root = tree({"a.j2": SAVED[saved](NI)})
    code, _, err = run_cli("check", "a.j2", "--fix", *RULE_ARGS)
    assert code == 1 and "fixed a.j2" in err
    assert (root / "a.j2").read_bytes() == SAVED[saved](fixed(NI))
    # twice is once
    run_cli("check", "a.j2", "--fix", *RULE_ARGS)
    assert (root / "a.j2").read_bytes() == SAVED[saved](fixed(NI))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_fix_through_a_symlink_writes_its_target_and_keeps_the_link(tree):
    root = tree({"real/a.j2": NI})
    os.symlink(root / "real" / "a.j2", root / "link.j2")
    code, _, _ = run_cli("check", "link.j2", "--fix", *RULE_ARGS)
    assert code == 1
    assert os.path.islink(root / "link.j2")
    assert (root / "real" / "a.j2").read_text(encoding="utf-8") == fixed(NI)
    assert sorted(p.name for p in root.iterdir()) == ["link.j2", "real"]   # no temporary


def test_diff_shows_the_fix_and_writes_nothing(tree):
    root = tree({"a.j2": crlf(NI).encode("gbk")})
    before = (root / "a.j2").read_bytes()
    code, out, err = run_cli("check", "a.j2", "--diff", *RULE_ARGS)
    assert code == 1 and "fixed" not in err
    assert (root / "a.j2").read_bytes() == before
    assert out.splitlines() == ["--- a/a.j2", "+++ b/a.j2", "@@ -5,5 +5,5 @@",
                                " channel: call", " --- #}", " 您好，信用卡中心。",
                                "-你明天来一趟。", "-请你尽快还款。",
                                "+您明天来一趟。", "+请您尽快还款。"]
    code, out2, _ = run_cli("check", "a.j2", "--show-fixes", *RULE_ARGS)
    assert (code, out2) == (1, out)


def test_fix_that_the_encoding_cannot_store_is_not_written(tmp_path):
    path = tmp_path / "a.j2"
    path.write_bytes("abc\n".encode("latin-1"))
    finding = Finding("R", "c", "warning", "m", str(path), 1, 2, 1, 3, fix=(1, 2, "您"))
    (plan,) = fixes.plan([finding], {str(path): SourceFile(str(path), "abc\n")}, "latin-1")
    assert plan.data is None and "iso8859-1 cannot store" in plan.problem


def test_fix_of_a_file_changed_since_it_was_read_is_not_written(tmp_path):
    path = tmp_path / "a.j2"
    path.write_text("xyz\n", encoding="utf-8")
    finding = Finding("R", "c", "warning", "m", str(path), 1, 2, 1, 3, fix=(1, 2, "B"))
    (plan,) = fixes.plan([finding], {str(path): SourceFile(str(path), "abc\n")})
    assert plan.data is None and plan.problem == "it changed while it was being checked"


def test_restore_newlines_keeps_each_lines_ending():
    raw = "a\r\nb\rc\nd"
    assert encoding.restore_newlines("A\nB\nC\nD", raw) == "A\r\nB\rC\nD"
    assert encoding.restore_newlines("A\nB\nC\nD\nE", raw) == "A\r\nB\rC\nD\r\nE"
