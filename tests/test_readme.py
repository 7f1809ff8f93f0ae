"""The README stays true: its example pack passes its own examples, and `.ci/run` runs
exactly the README's test command."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import invoke

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_example_pack_passes_test_rules(tmp_path):
    block = README.split("A complete example pack:", 1)[1]
    pack = re.search(r"```yaml\n(.*?)```", block, re.S).group(1)
    path = tmp_path / "house-rules.yaml"
    path.write_text(pack, encoding="utf-8")
    code, out = invoke("test-rules", "-v", path)
    assert code == 0, out
    assert out.count("HOUSE-NO-WECHAT-TRANSFER bad") == 4
    assert out.count("HOUSE-NO-WECHAT-TRANSFER good") == 4
    assert "HOUSE-SMS-SIGNATURE bad" in out and "HOUSE-SMS-SIGNATURE good" in out
    assert "CNP-NIMEN-GROUP" not in out        # disabled by the pack's `extends` override


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    test_command = commands[1]
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[0].endswith("scriptcheck check scripts/")


def test_rule_pack_docs_worked_example_passes_test_rules(tmp_path):
    docs = (ROOT / "docs" / "rule-packs.md").read_text(encoding="utf-8")
    block = docs.split("A worked example", 1)[1]
    pack = re.search(r"```yaml\n(.*?)```", block, re.S).group(1)
    path = tmp_path / "worked.yaml"
    path.write_text("name: worked\nlocale: [zh]\n" + pack, encoding="utf-8")
    code, out = invoke("test-rules", "-v", path)
    assert code == 0, out
    assert out.count("HOUSE-ARREST-THREAT bad") == 4 and out.count("HOUSE-ARREST-THREAT good") == 4
