"""Text output for people: the branch in words, the law in short on one line, no caret under
the front matter for something missing from the whole script; `explain` gives the full
reference with its status."""
from __future__ import annotations

from pathlib import Path

from conftest import MINI_PACKS, ZH_FRONT, invoke

ROOT = Path(__file__).parent.parent

RULES = [a for p in MINI_PACKS for a in ("--rules", p)]
BRANCHY = ZH_FRONT + """{% if attitude == "refuses" %}
您好，我是示例银行信用卡中心的客服。明天我们就上门。
{% else %}
您好，请问是王先生吗？
{% endif %}
"""


def test_branch_in_words_law_in_short_and_no_caret_for_missing(tree):
    tree({"a.zh.j2": BRANCHY})
    code, out = invoke("check", "a.zh.j2", *RULES)
    assert code == 1
    blocks = {b.split(" ")[2]: b for b in ("\n" + out).split("\na.zh.j2:")[1:]}
    home = blocks["T-ZH-HOME"].splitlines()
    assert '  = branch: 客户拒绝还款时 (attitude == "refuses")' in home
    assert "  = law: 《商业银行信用卡业务监督管理办法》 第六十八条" in home
    missing = blocks["T-ZH-IDENTITY"].splitlines()
    assert missing[0].startswith("1:1: error T-ZH-IDENTITY")
    assert not any(line.startswith("  | ") for line in missing)       # no line, no caret
    assert '  = branch: 除客户拒绝还款以外的其他情况 (not (attitude == "refuses"))' in missing


def test_explain_gives_the_full_reference_with_its_status():
    code, out = invoke("explain", "CN-ARREST-THREAT")
    assert code == 0
    law = out.split("依据:")[1].split("\n\n")[0]
    line = next(x for x in law.splitlines() if "[CC-MEASURES-68]" in x)
    assert "第六十八条（对债务人本人及其担保人催收；" in line
    assert line.rstrip().endswith("[据转载文本]（发布日期据第三方数据集，未经官方核实）")
    assert "law-cn.md" not in out and "[WEAK]" not in out
    code, out = invoke("explain", "UK-STATUTE-BARRED-COURT")
    assert "CONC 7.15 (Debts too old to be recovered through the courts" in out
    assert "[unconfirmed]" in out and "[text confirmed]" in out


def test_every_reference_has_a_status_and_a_short_article():
    from scriptcheck import packs
    from scriptcheck.schema import REFERENCE_STATUSES

    for pack in packs.load_all(packs.builtin_names()):
        for ref_id, ref in pack.references.items():
            assert ref.get("status") in REFERENCE_STATUSES, (pack.name, ref_id)
            assert len(str(ref.get("article", ""))) <= 40, (pack.name, ref_id, ref["article"])
            text = " ".join(str(v) for v in ref.values())
            for name in ("law-cn.md", "law-us-uk.md", "DESIGN.md", "[WEAK]", "[V-P]", "[NEWS]"):
                assert name not in text, (pack.name, ref_id, name)


def test_a_wrong_reference_status_is_a_pack_error(tmp_path):
    pack = (MINI_PACKS[0])
    text = open(pack, encoding="utf-8").read().replace(
        '    date: "2011-01-13"', '    date: "2011-01-13"\n    status: rumour', 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    code, out = invoke("test-rules", bad)
    assert code == 2


def test_sarif_help_gives_the_full_reference():
    import json

    code, out = invoke("check", ROOT / "scripts" / "training" / "zh_m3_call_threats.zh.j2", "--format", "sarif")
    assert code == 1
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    help_text = rules["CN-ARREST-THREAT"]["help"]["text"]
    assert "《中华人民共和国刑法》 第一百九十六条（信用卡诈骗罪；" in help_text
    assert "[原文已核实]" in help_text and "如实说明合同后果" in help_text
