"""Rule pack loading: a broken pack stops with exit 2 and `file:line: message`."""
from __future__ import annotations

import json
import textwrap
import time

import pytest
from conftest import MINI_PACKS, ZH_FRONT, invoke

from scriptcheck import packs

GOOD_RULE = """\
name: p
locale: [zh]
references:
  R1: {title: 《办法》, article: 第一条}
rules:
  - id: P-ONE
    kind: forbid
    category: abusive-insult
    severity: error
    message: {zh: 辱骂}
    citations: [R1]
    match:
      - phrases: [老赖]
    examples:
      bad: [你这个老赖。]
      good: [您好。]
"""


def write_pack(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, line, words", [
    ("    severity: error\n", "    severty: error\n", 9, ["unknown field 'severty'", "severity"]),
    ("    citations: [R1]\n", "    citations: R1\n", 11, ["citations", "expected a list"]),
    ("category: abusive-insult", "category: rudeness", 8, ["unknown category 'rudeness'"]),
    ("    citations: [R1]\n", "    citations: [R9]\n", 11, ["citation 'R9'"]),
    ("      - phrases: [老赖]\n", "      - regex: ['(老赖']\n", 13, ["bad regular expression"]),
    ("    kind: forbid\n", "    kind: forbid\n    replace: [{instead_of: a, use: b}]\n", 8,
     ["'replace' is not used by kind 'forbid'"]),
    ("  - id: P-ONE\n", "  - id: p one\n", 6, ["does not match"]),
])
def test_broken_pack_exits_2_with_file_and_line(tmp_path, old, new, line, words):
    assert old in GOOD_RULE
    path = write_pack(tmp_path, GOOD_RULE.replace(old, new))
    (tmp_path / "s.j2").write_text(ZH_FRONT + "您好。\n", encoding="utf-8")
    code, out = invoke("check", tmp_path / "s.j2", "--rules", path)
    assert code == 2
    assert f"{path}:{line}:" in out, out
    for word in words:
        assert word in out, out


def test_invalid_yaml_and_duplicate_ids(tmp_path):
    path = write_pack(tmp_path, GOOD_RULE + "  - id: P-ONE\n    kind: [\n")
    code, out = invoke("test-rules", path)
    assert code == 2 and f"{path}:" in out and "not valid YAML" in out
    dup = GOOD_RULE + textwrap.indent(GOOD_RULE.split("rules:\n")[1], "")
    path = write_pack(tmp_path, dup, "d.yaml")
    code, out = invoke("test-rules", path)
    assert code == 2 and f"{path}:17:" in out and "P-ONE" in out


def test_rule_ids_unique_across_packs(tmp_path):
    a = write_pack(tmp_path, GOOD_RULE, "a.yaml")
    b = write_pack(tmp_path, GOOD_RULE.replace("name: p", "name: q"), "b.yaml")
    code, out = invoke("rules", "--pack", a, "--pack", b)
    assert code == 2 and "P-ONE" in out and f"{a}:6" in out


@pytest.mark.parametrize("pattern, stops", [
    ("(a+)+$", False),   # the regex engine evaluates this one without backtracking blow-up
    ("(a|a)+$", True),   # this one backtracks without end: the time limit stops it
])
def test_catastrophic_regex_ends_within_its_time_limit(tmp_path, pattern, stops):
    pack = GOOD_RULE.replace("      - phrases: [老赖]\n", f"      - regex: ['{pattern}']\n")
    path = write_pack(tmp_path, pack)
    (tmp_path / "s.j2").write_text(ZH_FRONT + "a" * 40 + "!\n", encoding="utf-8")
    started = time.monotonic()
    code, out = invoke("check", tmp_path / "s.j2", "--rules", path)
    assert time.monotonic() - started < 30    # bounded by the regex time limit, not a hang
    if stops:  # that rule stops on that file with a finding; the run goes on
        assert code == 1 and f"{path}:6" in out and "P-ONE" in out and pattern in out
        assert "took longer than" in out and "error regex-timeout [template-error]" in out
    else:
        assert code == 0


def test_extends_with_overrides(tmp_path):
    base = write_pack(tmp_path, GOOD_RULE, "base.yaml")
    child = write_pack(tmp_path, f"""\
        name: house
        locale: [zh]
        extends:
          - pack: {base}
            overrides: {{P-ONE: {{severity: info}}}}
        rules: []
        """, "house.yaml")
    loaded = packs.load(str(child))
    assert [p.name for p in loaded] == ["house", "p"]
    assert loaded[1].rules[0].severity == "info"
    disabled = write_pack(tmp_path, f"""\
        name: house2
        extends: [{{pack: {base}, overrides: {{P-ONE: {{disabled: true}}}}}}]
        rules: []
        """, "house2.yaml")
    assert packs.load(str(disabled))[1].rules == []


def test_a_base_is_read_once_and_one_packs_overrides_stay_its_own(tmp_path, monkeypatch):
    base = write_pack(tmp_path, GOOD_RULE, "base.yaml")
    quiet = write_pack(tmp_path, f"""\
        name: quiet
        extends: [{{pack: {base}, overrides: {{P-ONE: {{severity: info}}}}}}]
        rules: []
        """, "quiet.yaml")
    off = write_pack(tmp_path, f"""\
        name: dropped
        extends: [{{pack: {base}, overrides: {{P-ONE: {{disabled: true}}}}}}]
        rules: []
        """, "off.yaml")
    plain = write_pack(tmp_path, f"name: plain\nextends: [{base}]\nrules: []\n", "plain.yaml")
    read = []
    real = packs.read_yaml
    monkeypatch.setattr(packs, "read_yaml", lambda path, *a, **k: read.append(path) or
                        real(path, *a, **k))
    loaded = packs.load_all([str(plain), str(quiet), str(off)])
    assert sorted(read) == sorted(map(str, [base, plain, quiet, off]))    # base.yaml once
    assert [(p.name, [(r.id, r.severity) for r in p.rules]) for p in loaded] == \
        [("plain", []), ("p", [("P-ONE", "error")]), ("quiet", []), ("dropped", [])]
    ((_, changed), (_, gone)) = [packs.load_all([str(q)]) for q in (quiet, off)]
    assert [r.severity for r in changed.rules] == ["info"] and gone.rules == []
    assert all(r.pack is changed for r in changed.rules)


def test_packs_from_entry_points(tmp_path, monkeypatch):
    path = write_pack(tmp_path, GOOD_RULE.replace("name: p", "name: bank-house"), "bank.yaml")

    class EntryPoint:
        name = "bank-house"

        def load(self):
            return lambda: str(path)

    monkeypatch.setattr("importlib.metadata.entry_points",
                        lambda group: [EntryPoint()] if group == "scriptcheck.packs" else [])
    assert packs.locate("bank-house") == str(path)
    assert packs.load("bank-house")[0].name == "bank-house"


def test_schema_command_prints_json_schema():
    code, out = invoke("schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "scriptcheck rule pack"
    rule = schema["properties"]["rules"]["items"]
    assert "threat-violence" in rule["properties"]["category"]["anyOf"][0]["enum"]


def test_schema_accepts_the_built_in_and_fixture_packs():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads(invoke("schema")[1])
    for path in MINI_PACKS + [str(p) for p in packs.builtin_dir().glob("*.yaml")]:
        with open(path, encoding="utf-8") as fh:
            jsonschema.validate(yaml.safe_load(fh), schema)


def test_test_rules_passes_and_fails_naming_rule_and_example(tmp_path):
    code, out = invoke("test-rules", *MINI_PACKS)
    assert code == 0 and "10 rule(s) pass, 0 fail" in out
    broken = write_pack(tmp_path, GOOD_RULE.replace("good: [您好。]", "good: [您好。, 老赖。]"))
    code, out = invoke("test-rules", broken)
    assert code == 1
    assert f"FAIL {broken}:16: P-ONE good: '老赖。'" in out


def test_rule_without_bad_example_fails_test_rules(tmp_path):
    path = write_pack(tmp_path, GOOD_RULE.replace("      bad: [你这个老赖。]\n", ""))
    code, out = invoke("test-rules", path)
    assert code == 1 and "no bad example" in out


def test_every_built_in_pack_passes_its_own_examples():
    code, out = invoke("test-rules")
    assert code == 0, out
    assert out.strip().endswith("0 fail")
    for name in ("cn-collection", "cn-polite", "us-fdcpa", "uk-conc", "en-polite"):
        assert name in packs.builtin_names()


def test_built_in_packs_meet_the_quality_bar():
    """Every rule: a message and suggestion in its language, a rationale, resolvable
    citations, and at least four bad and four good examples."""
    loaded = packs.load_all(packs.builtin_names())
    cn = [r for p in loaded if "zh" in p.locale for r in p.rules]
    en = [r for p in loaded if "en" in p.locale for r in p.rules]
    assert len(cn) >= 40 and len(en) >= 40
    for pack in loaded:
        lang = pack.locale[0]
        for rule in pack.rules:
            assert rule.message.get(lang) and rule.suggestion.get(lang), rule.id
            assert rule.rationale and rule.citations, rule.id
            assert all(c in pack.references for c in rule.citations), rule.id
            assert len(rule.bad) >= 4 and len(rule.good) >= 4, rule.id


def test_test_rules_respects_an_examples_own_meta(tmp_path):
    pack = GOOD_RULE.replace("    citations: [R1]\n", "    citations: [R1]\n    when: {channel: sms}\n") \
        .replace("good: [您好。]", "good: [您好。, {text: 你这个老赖。, meta: {channel: letter}}]")
    code, out = invoke("test-rules", write_pack(tmp_path, pack))
    assert code == 0, out
