"""Template analysis: every branch, include, macro and block is seen, at its exact position."""
from __future__ import annotations

from conftest import EN_FRONT, ZH_FRONT, at, check

from scriptcheck import variants
from scriptcheck.model import Choice, Seq, Text
from scriptcheck.template import Loader, analyze


def test_violation_in_else_branch(tree):
    tree({"s.j2": ZH_FRONT + "{% if ok %}\n您好。\n{% else %}\n明天我们就上门。\n{% endif %}\n"})
    findings, _ = check(["s.j2"])
    assert at(findings, "T-ZH-HOME") == [("s.j2", 10, 6)]
    (f,) = [f for f in findings if f["rule"] == "T-ZH-HOME"]
    assert f["variant"] == "not (ok)"
    assert f["end_column"] == 8 and f["excerpt"] == "上门"


def test_violation_in_elif_branch(tree):
    tree({"s.j2": ZH_FRONT + "{% if a %}您好。{% elif days > 30 %}我们会上门拜访。{% endif %}\n"})
    findings, _ = check(["s.j2"])
    assert at(findings, "T-ZH-HOME") == [("s.j2", 7, 37)]
    assert [f["variant"] for f in findings if f["rule"] == "T-ZH-HOME"] == ["days > 30"]


def test_violation_in_included_partial_points_into_the_partial(tree):
    tree({"s.j2": ZH_FRONT + "您好。\n{% include 'partials/warn.j2' %}\n",
          "partials/warn.j2": "请注意。\n明天我们就上门。\n"})
    findings, report = check(["."])
    assert at(findings, "T-ZH-HOME") == [("partials/warn.j2", 2, 6)]
    # the partial is not a script of its own
    assert [f["path"] for f in report["files"]] == ["s.j2"]


def test_violation_in_macro_called_from_script(tree):
    tree({"s.j2": ZH_FRONT + "{% import 'm.j2' as m %}\n{{ m.warn(customer) }}\n",
          "m.j2": "{% macro warn(c) -%}\n{{ c.name }}，明天我们就上门。\n{%- endmacro %}\n"
                  "{% macro unused() %}我们会上门。{% endmacro %}\n"})
    findings, _ = check(["s.j2"])
    # only the macro that is called is said; its text is found at the macro's line
    assert at(findings, "T-ZH-HOME") == [("m.j2", 2, 19)]


def test_violation_in_child_block_under_extends(tree):
    tree({"base.j2": "开场。\n{% block body %}默认内容。{% endblock %}\n结束。\n",
          "child.j2": ZH_FRONT + "{% extends 'base.j2' %}\n{% block body %}\n"
                                 "您好，明天我们就上门。\n{% endblock %}\n"})
    findings, report = check(["child.j2"])
    assert at(findings, "T-ZH-HOME") == [("child.j2", 9, 9)]


def test_super_in_child_block_includes_parent_text(tree):
    tree({"base.j2": "{% block body %}我们会上门。{% endblock %}\n",
          "child.j2": ZH_FRONT + "{% extends 'base.j2' %}{% block body %}{{ super() }}您好。"
                                 "{% endblock %}\n"})
    findings, _ = check(["child.j2"])
    assert at(findings, "T-ZH-HOME") == [("base.j2", 1, 20)]


def test_text_in_jinja_comment_is_not_reported(tree):
    tree({"s.j2": ZH_FRONT + "{# 培训提示：严禁说“明天我们就上门”。 #}\n您好。\n"})
    findings, _ = check(["s.j2"])
    assert at(findings, "T-ZH-HOME") == []


def test_slot_values_are_never_reported(tree):
    # the sample value for `threat` cannot be blamed on the script
    tree({"s.j2": ZH_FRONT + "您好，{{ note }}。\n"})
    findings, _ = check(["s.j2"], context={"note": "明天我们就上门"})
    assert at(findings, "T-ZH-HOME") == []


def test_crlf_file_has_the_same_positions_as_lf(tree):
    text = ZH_FRONT + "{% if a %}\n您好。\n{% else %}\n  明天我们就上门。\n{% endif %}\n"
    tree({"lf.j2": text, "crlf.j2": text.replace("\n", "\r\n").encode("utf-8")})
    findings, _ = check(["lf.j2", "crlf.j2"])
    assert at(findings, "T-ZH-HOME") == [("crlf.j2", 10, 8), ("lf.j2", 10, 8)]


def test_whitespace_control_keeps_columns(tree):
    tree({"s.j2": EN_FRONT + "Hello.\n{%- if a -%}\n   You will be arrested.\n{%- endif %}\n"
                             "This is an attempt to collect a debt.\n"})
    findings, _ = check(["s.j2"])
    assert at(findings, "T-EN-ARREST") == [("s.j2", 11, 16)]


def test_syntax_error_is_a_template_error_at_its_line(tree):
    tree({"bad.j2": ZH_FRONT + "您好。\n{% if a %}\n明天\n", "good.j2": ZH_FRONT + "明天上门。\n"})
    findings, report = check(["."])
    errors = [f for f in findings if f["category"] == "template-error"]
    # Jinja blames the block that is never closed: the `{% if %}` on line 8
    assert [(f["path"], f["line"], f["severity"]) for f in errors] == [("bad.j2", 8, "error")]
    assert "模板" in errors[0]["message"]  # a Chinese script gets a Chinese message
    # the run went on: the other file was checked
    assert at(findings, "T-ZH-HOME") == [("good.j2", 7, 3)]
    assert {f["path"]: f["error"] is not None for f in report["files"]} == \
        {"bad.j2": True, "good.j2": False}


def test_missing_include_and_include_cycle_are_template_errors(tree):
    tree({"a.j2": ZH_FRONT + "您好。\n{% include 'nowhere.j2' %}\n",
          "b.j2": ZH_FRONT + "{% include 'c.j2' %}\n",
          "c.j2": "{% include 'b.j2' %}\n"})
    findings, _ = check(["a.j2", "b.j2"])
    errors = sorted((f["path"], f["line"]) for f in findings if f["rule"] == "template-error")
    assert ("a.j2", 8) in errors
    assert any(path == "c.j2" and line == 1 for path, line in errors)


def test_thirty_independent_ifs_stay_within_the_cap():
    body = "".join(f"{{% if c{i} %}}第{i}句。{{% endif %}}\n" for i in range(30))
    loader = Loader([])
    script = analyze_text(body, loader)
    found, unchecked = variants.build(script.tree, lambda s: "x", cap=64)
    assert len(found) <= 64 and not unchecked
    joined = "\n".join(v.text for v in found)
    assert all(f"第{i}句" in joined for i in range(30))
    # and every choice took both its branches
    assert all(len({v.choices[cid] for v in found}) == 2 for cid in found[0].choices)


def test_cap_leaves_branches_unchecked_and_says_so(tree):
    body = "{% if a %}甲{% elif b %}乙{% elif c %}丙{% else %}丁{% endif %}\n"
    tree({"s.j2": ZH_FRONT + body})
    findings, report = check(["s.j2"], max_variants=2)
    infos = [f for f in findings if f["rule"] == "unchecked-branch"]
    assert len(infos) == 2 and all(f["severity"] == "info" for f in infos)
    assert report["files"][0]["variants"] == 2


def test_nested_branches_are_all_covered():
    text = "{% if a %}{% if b %}一{% else %}二{% endif %}{% else %}{% if c %}三{% endif %}{% endif %}"
    script = analyze_text(text, Loader([]))
    found, unchecked = variants.build(script.tree, lambda s: "x")
    assert not unchecked
    assert {"一", "二", "三"} <= set("".join(v.text for v in found))


def test_if_without_else_nested_in_an_else_is_covered():
    text = ("{% if a %}甲{% elif b %}乙{% else %}丙{% if c %}丁{% endif %}戊{% endif %}")
    script = analyze_text(text, Loader([]))
    found, unchecked = variants.build(script.tree, lambda s: "x")
    assert not unchecked
    assert {"丙丁戊", "丙戊"} <= {v.text for v in found}


def test_macro_arguments_flow_into_slots(tree):
    tree({"m.j2": "{% macro say(c, kind='call') %}{{ c.surname }}: this {{ kind }}{% endmacro %}",
          "s.j2": "{% import 'm.j2' as m %}{{ m.say(customer, 'letter') }}"})
    script = analyze("s.j2", Loader(["."]))
    slots = [n for n in script.tree.items[0].items] if False else _slots(script.tree)
    assert [(s.variables, s.value) for s in slots] == [(("customer.surname",), None), ((), "letter")]


def analyze_text(text, loader):
    from scriptcheck.template import build

    return build(loader.load_text(text), loader)


def _slots(node):
    from scriptcheck.kinds import slots

    return list(slots(node))


def test_tree_shape_of_if_elif_else():
    script = analyze_text("A{% if x > 1 %}B{% elif y %}C{% endif %}D", Loader([]))
    items = script.tree.items
    assert isinstance(items[0], Text) and isinstance(items[1], Choice)
    assert [b.condition for b in items[1].branches] == ["x > 1", "y", "not (x > 1) and not (y)"]
    assert isinstance(items[1].branches[2].body, Seq) and not items[1].branches[2].body.items


def test_single_file_in_a_subfolder_finds_partials_named_from_the_root(tree):
    tree({"scripts/us/a.j2": EN_FRONT + "{% include 'partials/p.j2' %}\n",
          "scripts/partials/p.j2": "This is an attempt to collect a debt. You will be arrested.\n"})
    findings, _ = check(["scripts/us/a.j2"])
    assert at(findings, "T-EN-ARREST") == [("scripts/partials/p.j2", 1, 51)]
    assert not [f for f in findings if f["category"] == "template-error"]


TEMPLATES = [
    ZH_FRONT + "{% if a %}您好。{% elif days > 30 %}我们会上门。{% else %}再见{% endif %}\n",
    "{%- for x in items -%}\n  {{ x.name | upper }}{# note #}\n{%- endfor %}\n",
    "{% raw %}{{ not a tag }}{% endraw %}\n{% set y = 'a' ~ b %}{{ y }}\n",
    "{% macro m(who='您') %}{{ who }}好{% endmacro %}{{ m() }}\n{% call m() %}x{% endcall %}",
    "  {% if a %}\n    text\n  {% endif %}\n",
    "{% extends 'base.j2' %}{% block body %}{{ super() }}正文{% endblock %}",
]


def test_the_parser_reading_our_lexed_tokens_builds_jinjas_own_tree():
    """The parser reads the tokens our one lexing pass made (not a pass of its own): the tree
    is the one Jinja's own parse gives, with every block option."""
    from jinja2 import Environment

    from scriptcheck import jinjaparse
    from scriptcheck.model import SourceFile

    for trim, lstrip in ((False, False), (True, True)):
        ours = jinjaparse.make_environment(trim, lstrip)
        plain = Environment(trim_blocks=trim, lstrip_blocks=lstrip, keep_trailing_newline=True)
        for text in TEMPLATES:
            parsed = jinjaparse.lex_and_parse(ours, SourceFile("t.j2", text))
            assert parsed.ast == plain.parse(text, filename="t.j2")
            assert ours._tokens is None          # nothing left for the next parse to read


def test_a_syntax_error_is_still_a_template_problem_with_its_line():
    import pytest

    from scriptcheck import jinjaparse
    from scriptcheck.model import SourceFile
    from scriptcheck.template import TemplateProblem

    env = jinjaparse.make_environment()
    for text, line in (("您好\n{% if %}\n", 2), ("a\nb\n{{ x \n", 3), ("{% for %}", 1)):
        with pytest.raises(TemplateProblem) as problem:
            jinjaparse.lex_and_parse(env, SourceFile("t.j2", text))
        assert problem.value.line == line and "syntax" in problem.value.message
    assert jinjaparse.lex_and_parse(env, SourceFile("t.j2", "{{ ok }}")).ast.body
