"""A branch condition said in words, for trainers: `attitude == "refuses"` -> 客户拒绝还款时 /
"when the customer refuses to pay".

The condition is parsed with Jinja's own expression parser and said from its AST
(comparisons, and/or/not, `in`, tests such as `is defined`), with the words for common
variables and values taken from vocabulary.yaml. Nothing is evaluated.
"""
from __future__ import annotations

import functools
from importlib import resources
from typing import Iterable

import yaml
from jinja2 import Environment, TemplateSyntaxError, nodes

from .template import _dotted

_ENV = Environment()
_NUMBER_OPS = {
    "gt": ("超过", "is more than"), "gteq": ("不少于", "is at least"),
    "lt": ("少于", "is less than"), "lteq": ("不超过", "is at most"),
}
_TESTS = {  # test name -> (zh, en) said of the variable; {name} is the variable's words
    "defined": ("已提供{name}", "{name} is given"),
    "undefined": ("没有提供{name}", "{name} is not given"),
    "none": ("{name}为空", "{name} is empty"),
    "true": ("{name}成立", "{name} is true"),
    "false": ("{name}不成立", "{name} is false"),
    "number": ("{name}是数字", "{name} is a number"),
    "string": ("{name}是文字", "{name} is text"),
}


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    text = resources.files("scriptcheck").joinpath("vocabulary.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _entry(table: str, name: str) -> dict | None:
    """A vocabulary entry for a dotted name, or for its last part."""
    words = vocabulary().get(table) or {}
    return words.get(name) or words.get(name.rsplit(".", 1)[-1])


def _name(node: nodes.Node, lang: str) -> str:
    """What to call a variable: the vocabulary's words, else its own name in plain words."""
    dotted = _dotted(node)
    if dotted is None:
        return _literal(node, lang)
    entry = _entry("names", dotted)
    if entry:
        return entry[lang]
    plain = dotted.replace(".", " ").replace("_", " ")
    return f"“{plain}”" if lang == "zh" else plain


def _literal(node: nodes.Node, lang: str) -> str:
    if isinstance(node, nodes.Const):
        if isinstance(node.value, str):
            return f"“{node.value}”" if lang == "zh" else f'"{node.value}"'
        return str(node.value)
    if isinstance(node, (nodes.List, nodes.Tuple)):
        joiner = "或" if lang == "zh" else " or "
        return joiner.join(_literal(item, lang) for item in node.items)
    dotted = _dotted(node)
    if dotted:
        return _name(node, lang)
    if isinstance(node, nodes.Filter):
        return _name(node.node, lang) if node.node is not None else node.name
    return type(node).__name__.lower()


def _value_clause(var: nodes.Node, value: nodes.Node, lang: str) -> str | None:
    """The vocabulary's clause for `var == value`, if it has one."""
    dotted = _dotted(var)
    if dotted is None or not isinstance(value, nodes.Const):
        return None
    words = vocabulary().get("values") or {}
    table = words.get(dotted) or words.get(dotted.rsplit(".", 1)[-1]) or {}
    entry = table.get(str(value.value))
    return entry[lang] if entry else None


def _unit(var: nodes.Node, lang: str) -> str:
    dotted = _dotted(var)
    entry = _entry("names", dotted) if dotted else None
    unit = (entry or {}).get("unit", {}).get(lang, "")
    return unit if lang == "zh" else (f" {unit}" if unit else "")


def _equals(var: nodes.Node, value: nodes.Node, lang: str, negate: bool) -> str:
    clause = _value_clause(var, value, lang)
    if clause:
        return (f"并非{clause}" if lang == "zh" else f"not ({clause})") if negate else clause
    said = _literal(value, lang) + (_unit(var, lang) if isinstance(value, nodes.Const)
                                         and isinstance(value.value, (int, float)) else "")
    if lang == "zh":
        return f"{_name(var, lang)}{'不是' if negate else '是'}{said}"
    return f"{_name(var, lang)} is {'not ' if negate else ''}{said}"


def _member(var: nodes.Node, values: nodes.Node, lang: str, negate: bool) -> str:
    if isinstance(values, (nodes.List, nodes.Tuple)) and values.items:
        clauses = [_value_clause(var, item, lang) for item in values.items]
        if all(clauses) and not negate:
            return ("或" if lang == "zh" else " or ").join(clauses)
    if lang == "zh":
        return f"{_name(var, lang)}{'不是' if negate else '是'}{_literal(values, lang)}"
    return f"{_name(var, lang)} is {'not ' if negate else ''}{_literal(values, lang)}"


def _compare(node: nodes.Compare, lang: str) -> str:
    parts, left = [], node.expr
    for op in node.ops:
        right = op.expr
        if op.op in ("eq", "ne"):
            parts.append(_equals(left, right, lang, op.op == "ne"))
        elif op.op in ("in", "notin"):
            parts.append(_member(left, right, lang, op.op == "notin"))
        elif op.op in _NUMBER_OPS:
            zh, en = _NUMBER_OPS[op.op]
            said = _literal(right, lang) + _unit(left, lang)
            parts.append(f"{_name(left, lang)}{zh}{said}" if lang == "zh"
                         else f"{_name(left, lang)} {en} {said}")
        else:
            parts.append(f"{_name(left, lang)} {op.op} {_literal(right, lang)}")
        left = right
    return ("，且" if lang == "zh" else " and ").join(parts)


def _flag(node: nodes.Node, lang: str, negate: bool) -> str:
    dotted = _dotted(node)
    entry = _entry("flags", dotted) if dotted else None
    if entry:
        if negate:
            return entry.get(f"not_{lang}") or (f"并非{entry[lang]}" if lang == "zh"
                                                else f"not ({entry[lang]})")
        return entry[lang]
    name = _name(node, lang)
    if lang == "zh":
        return f"{name}{'不成立' if negate else '成立'}"
    return f"{name} is {'not ' if negate else ''}set" if dotted else \
        f"{'not ' if negate else ''}{name}"


def _test(node: nodes.Test, lang: str, negate: bool) -> str:
    if node.name == "defined" and negate:
        node = nodes.Test(node.node, "undefined", [], [], None, None)
        negate = False
    name = _name(node.node, lang)
    zh, en = _TESTS.get(node.name, ("{name}满足“" + node.name + "”",
                                    "{name} is " + node.name))
    said = (zh if lang == "zh" else en).format(name=name)
    if negate:
        said = f"并非{said}" if lang == "zh" else f"not ({said})"
    return said


def clause(node: nodes.Node, lang: str, negate: bool = False) -> str:
    """The condition said as a clause (without 时 / when)."""
    if isinstance(node, nodes.Not):
        return clause(node.node, lang, not negate)
    if isinstance(node, (nodes.And, nodes.Or)):
        is_and = isinstance(node, nodes.And) != negate  # De Morgan under a negation
        joiner = ("，且" if is_and else "，或") if lang == "zh" else (" and " if is_and else " or ")
        return joiner.join([clause(node.left, lang, negate), clause(node.right, lang, negate)])
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and negate:
        op = node.ops[0]
        flipped = {"eq": "ne", "ne": "eq", "in": "notin", "notin": "in",
                   "gt": "lteq", "lteq": "gt", "lt": "gteq", "gteq": "lt"}[op.op]
        return _compare(nodes.Compare(node.expr, [nodes.Operand(flipped, op.expr)]), lang)
    if isinstance(node, nodes.Compare):
        said = _compare(node, lang)
        return (f"并非{said}" if lang == "zh" else f"not ({said})") if negate else said
    if isinstance(node, nodes.Test):
        return _test(node, lang, negate)
    return _flag(node, lang, negate)


def _conjuncts(node: nodes.Node) -> list[nodes.Node]:
    if isinstance(node, nodes.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def parse(condition: str) -> nodes.Node | None:
    try:
        template = _ENV.parse("{% if " + condition + " %}{% endif %}")
    except TemplateSyntaxError:
        return None
    return template.body[0].test if template.body else None


def _said(node: nodes.Node, lang: str) -> str:
    """One branch condition as a phrase; a conjunction of negations is the `else` case."""
    parts = _conjuncts(node)
    if len(parts) >= 2 and all(isinstance(p, nodes.Not) for p in parts):
        said = [clause(p.node, lang) for p in parts]
        if lang == "zh":
            return f"除{'、'.join(said)}以外的其他情况"
        if len(said) == 2:
            return f"when neither {said[0]} nor {said[1]}"
        return "when none of these holds: " + "; ".join(said)
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op == "ne":
        node = nodes.Not(nodes.Compare(node.expr, [nodes.Operand("eq", node.ops[0].expr)]))
    inner = node.node if isinstance(node, nodes.Not) else None
    if lang == "zh" and isinstance(inner, nodes.Compare) and len(inner.ops) == 1 \
            and inner.ops[0].op == "eq" and _value_clause(inner.expr, inner.ops[0].expr, lang):
        return f"除{clause(inner, lang)}以外的其他情况"
    if lang == "en" and inner is not None and not isinstance(inner, nodes.Test) and not (
            isinstance(inner, nodes.Compare) and inner.ops[0].op in _NUMBER_OPS):
        return f"unless {clause(inner, lang)}"
    said = clause(node, lang)
    return f"{said}时" if lang == "zh" else f"when {said}"


def in_words(condition: str, lang: str) -> str:
    """A condition as a trainer would say it: 客户拒绝还款时 / "when the customer refuses to pay".

    The `else` of an `if/elif` chain (`not (a) and not (b)`) is said as the other case:
    除客户拒绝还款、客户回避以外的其他情况 / "when neither ... nor ...".
    """
    lang = "zh" if lang == "zh" else "en"
    node = parse(condition)
    return condition if node is None else _said(node, lang)


def _path(node: nodes.Node, lang: str) -> str:
    """Conditions joined by `and` (a path through several branches): each said in turn, a
    run of negations (an `else`) said together."""
    said, negations = [], []
    for part in _conjuncts(node):
        if isinstance(part, nodes.Not):
            negations.append(part)
            continue
        if negations:
            said.append(_said(_join(negations), lang))
            negations = []
        said.append(_said(part, lang))
    if negations:
        said.append(_said(_join(negations), lang))
    return _together(said, lang)


def _join(parts: list[nodes.Node]) -> nodes.Node:
    node = parts[0]
    for part in parts[1:]:
        node = nodes.And(node, part)
    return node


def _disjuncts(node: nodes.Node) -> list[nodes.Node]:
    if isinstance(node, nodes.Or):
        return _disjuncts(node.left) + _disjuncts(node.right)
    return [node]


def _together(said: list[str], lang: str) -> str:
    """Several phrases as one: 客户回避推脱、不能开通自动还款时 / "when A and B, unless C"."""
    if lang == "zh":
        bare = [p[:-1] if p.endswith("时") else p for p in said]
        return "，".join(bare) + ("时" if said[-1].endswith("时") else "")
    out = said[0]
    for phrase in said[1:]:
        out += f" and {phrase[5:]}" if phrase.startswith("when ") else f", {phrase}"
    return out


def path_in_words(conditions: Iterable[str], lang: str) -> str:
    """The conditions of the branches a variant takes, in order, in words."""
    lang = "zh" if lang == "zh" else "en"
    said = [in_words(c, lang) for c in conditions if c]
    if not said:
        return "所有情况" if lang == "zh" else "always"
    return _together(said, lang)


def variant_in_words(variant: str | None, lang: str) -> str | None:
    """A finding's `variant` (branch conditions joined by `and`, paths by `or`, as in the JSON
    report) in words."""
    if not variant:
        return None
    lang = "zh" if lang == "zh" else "en"
    node = parse(variant)
    if node is None:
        return variant
    return ("；或" if lang == "zh" else "; or ").join(_path(alt, lang)
                                                    for alt in _disjuncts(node))
