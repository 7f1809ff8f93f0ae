"""`scriptcheck test-rules`: every rule proves itself on its own examples, like `semgrep --test`.

Each `bad` example must make its rule fire and each `good` one must not. A rule with no
`bad` example fails too: a rule never shown to fire may be silently broken.
"""
from __future__ import annotations

from dataclasses import dataclass

from .engine import META_DEFAULTS, Engine, Options
from .frontmatter import default_jurisdiction
from .packs import Example, Pack, Rule
from .template import Loader, TemplateProblem, build


@dataclass
class Outcome:
    rule: Rule
    example: Example | None
    expected: str       # "bad" | "good" | "none"
    ok: bool
    detail: str = ""


def example_meta(rule: Rule, example: Example, pack: Pack) -> dict:
    """The pack's language and jurisdiction, the first value of each `when` key, then the
    example's own `meta`."""
    lang = pack.locale[0] if pack.locale else "en"
    jurisdiction = pack.jurisdiction[0] if pack.jurisdiction else None
    locale = {"zh": "zh-CN"}.get(lang, "en-GB" if jurisdiction == "UK" else f"{lang}-US")
    meta = {**META_DEFAULTS, "locale": locale,
            "jurisdiction": jurisdiction or default_jurisdiction(locale)}
    meta.update({key: values[0] for key, values in rule.when.items() if values})
    return meta


def run(packs: list[Pack], options: Options | None = None) -> list[Outcome]:
    engine = Engine(packs, options or Options())
    loader = Loader([])
    cases = []
    outcomes: list[Outcome] = []
    for pack in packs:
        for rule in pack.rules:
            if not rule.bad:
                outcomes.append(Outcome(rule, None, "none", False,
                                        "has no bad example: nothing shows that it can fire"))
            for expected, examples in (("bad", rule.bad), ("good", rule.good)):
                for example in examples:
                    where = f"{pack.path}:{example.line}"
                    try:
                        parsed = loader.load_text(example.text, where)
                    except TemplateProblem as problem:
                        outcomes.append(Outcome(rule, example, expected, False,
                                                f"example is not a valid template: {problem}"))
                        continue
                    script = build(parsed, loader)
                    meta = example_meta(rule, example, pack)
                    meta.update(script.meta.values)
                    meta.update(example.meta)
                    unit, _ = engine.prepare(script, meta)
                    cases.append((rule, example, expected, unit))
    engine.parse([unit for *_, unit in cases])
    for rule, example, expected, unit in cases:
        fired = [f for f in engine.findings(unit, [rule]) if f.rule == rule.id]
        if expected == "bad":
            outcomes.append(Outcome(rule, example, expected, bool(fired),
                                    "" if fired else "bad example did not fire"))
        else:
            detail = f"good example fired at column {fired[0].column}: {fired[0].excerpt!r}" \
                if fired else ""
            outcomes.append(Outcome(rule, example, expected, not fired, detail))
    return outcomes
