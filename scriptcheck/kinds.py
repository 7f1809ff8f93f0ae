"""The kinds of rule. Each kind is one function `check(rule, unit) -> findings`, registered
in KINDS; the rules themselves are data in the packs."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from . import lang as languages
from . import matchers, nlp
from .conditions import path_in_words
from .messages import say
from .model import Choice, Finding, Loop, Node, Seq, Slot, Span, Text, finding_at, leaves
from .packs import PackError, Rule
from .template import Script
from .variants import Variant

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass
class Unit:
    """One script, ready for the rules: its metadata, language, variants and their documents."""

    script: Script
    meta: dict
    lang: str
    variants: list[Variant]
    docs: list[Doc] = field(default_factory=list)
    model: str | None = None

    @property
    def source(self):
        return self.script.source


# --- shared helpers ---------------------------------------------------------------------


def citation_text(rule: Rule) -> list[str]:
    """The short form of each citation: title and article (the full one is in `explain`)."""
    from .citations import references

    return [ref.short for ref in references(rule)]


def make(rule: Rule, unit: Unit, span: Span, *, variant: str | None = None,
         detail: str = "", suggestion: str | None = None, fix=None) -> Finding:
    return finding_at(
        span, rule=rule.id, category=rule.category, severity=rule.severity,
        message=rule.text(rule.message, unit.lang).strip() + detail,
        citations=citation_text(rule),
        suggestion=suggestion if suggestion is not None else
        (rule.text(rule.suggestion, unit.lang) or None),
        variant=variant, fix=fix)


def script_start(unit: Unit) -> Span:
    """Where a finding about something missing points: the start of the script."""
    first = unit.source.text.split("\n", 1)[0]
    return Span(unit.source, 0, len(first))


def compiled(rule: Rule, unit: Unit, key: str, build: Callable):
    cache = rule.compiled.setdefault(unit.lang, {})
    if key not in cache:
        cache[key] = build(nlp.pipeline(unit.lang, unit.model))
    return cache[key]


def _sentence_bounds(doc: Doc, tok: int) -> tuple[int, int]:
    start, text = matchers.sentences(doc)[matchers.sentence_of(doc, tok)]
    return start, start + len(text)


def _marked(doc: Doc, hit: matchers.Hit, mark: str) -> bool:
    """Is the hit `negated` or `quoted` where its context is judged (its first words)?"""
    marks = getattr(nlp.table(doc), mark)
    return any(marks[i] for i in hit.starts)


def excluded(rule: Rule, unit: Unit, doc: Doc, hit: matchers.Hit) -> bool:
    """The rule's `unless` exceptions (negation and quotation are on by default)."""
    unless = rule.spec.get("unless") or {}
    if unless.get("negated", True) and (_marked(doc, hit, "negated") or
                                        nlp.negated_after(doc, hit.tok_end)):
        return True
    if unless.get("quoted", True) and _marked(doc, hit, "quoted"):
        return True
    lo, hi = _sentence_bounds(doc, hit.tok)
    if unless.get("question") and matchers.text_of(doc)[lo:hi].rstrip(" \n\"”’」)）]").endswith(("?", "？")):
        return True
    for key in ("preceded_by", "followed_by", "in_sentence"):
        if unless.get(key):
            phrases = compiled(rule, unit, f"unless.{key}",
                               lambda p, k=key: matchers.Phrases(unless[k], unit.lang, p))
            for other in phrases.find(doc):
                if not (lo <= other.start and other.end <= hi):
                    continue
                if key == "in_sentence" or (key == "preceded_by" and other.end <= hit.start) \
                        or (key == "followed_by" and hit.end <= other.start):
                    return True
    for n, near in enumerate(unless.get("near") or []):
        phrases = compiled(rule, unit, f"unless.near.{n}",
                           lambda p, near=near: matchers.Phrases(near["phrases"], unit.lang, p))
        for other in phrases.find(doc):
            if other.gap(hit) <= near["within"] and matchers.sentence_of(doc, other.tok) == \
                    matchers.sentence_of(doc, hit.tok):
                return True
    return False


def locate(variant: Variant, doc: Doc, start: int, end: int):
    """The template source of a range of a document's (normalised) text."""
    return variant.locate(nlp.original(doc, start), nlp.original(doc, end))


def hits(rule: Rule, unit: Unit, key: str = "match") -> Iterator[tuple[Variant, Doc, matchers.Hit]]:
    """Every hit of the rule's matchers in every variant, exceptions removed."""
    found = compiled(rule, unit, key, lambda p: matchers.compile_match(rule.spec[key], unit.lang, p))
    if matchers.unsaid(found, unit.docs):
        return
    for variant, doc in zip(unit.variants, unit.docs):
        for hit in matchers.find_all(found, doc, lambda h, d=doc: not excluded(rule, unit, d, h)):
            yield variant, doc, hit


def _conditions(seg) -> str | None:
    return " and ".join(seg.conditions) or None


# --- the tree: what is said on every path -------------------------------------------------


def _said(node: Node, carriers: set[int], every_path: bool = True) -> bool:
    """Is a carrier said on every path through the node (or, with every_path=False, on some)?"""
    if isinstance(node, (Text, Slot)):
        return id(node) in carriers
    if isinstance(node, Seq):
        return any(_said(item, carriers, every_path) for item in node.items)
    if isinstance(node, Choice):
        combine = all if every_path else any
        return combine(_said(b.body, carriers, every_path) for b in node.branches)
    if isinstance(node, Loop):
        return _said(node.body, carriers, every_path)
    return False


def missing_paths(node: Node, carriers: set[int], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The branch conditions of the paths on which no carrier is said ([] if none)."""
    if _said(node, carriers):
        return []
    if isinstance(node, Choice):
        return [p for b in node.branches if not _said(b.body, carriers)
                for p in missing_paths(b.body, carriers, prefix + (b.condition,))]
    if isinstance(node, Seq):
        partial = [item for item in node.items if _said(item, carriers, False)]
        if not partial:
            return [prefix]
        return [p for item in partial for p in missing_paths(item, carriers, prefix)]
    if isinstance(node, Loop) and _said(node.body, carriers, False):
        return missing_paths(node.body, carriers, prefix)
    return [prefix]


def _report_missing(rule: Rule, unit: Unit, paths: list[tuple[str, ...]]) -> list[Finding]:
    if not paths:
        return []
    named = [" and ".join(p) for p in paths if p]
    said = ("；" if unit.lang == "zh" else "; ").join(path_in_words(p, unit.lang)
                                                      for p in paths if p)
    detail = say("missing-where", unit.lang, paths=said) if named else ""
    return [make(rule, unit, script_start(unit), variant=" or ".join(named) or None,
                 detail=detail)]


def slots(node: Node) -> Iterator[Slot]:
    return (leaf for leaf in leaves(node) if isinstance(leaf, Slot))


# --- the kinds ----------------------------------------------------------------------------


def check_forbid(rule: Rule, unit: Unit) -> Iterable[Finding]:
    """One finding per sentence that says the forbidden thing, spanning all it says there."""
    sentences: dict[tuple[int, int], list] = {}
    for variant, doc, hit in hits(rule, unit):
        located = locate(variant, doc, hit.start, hit.end)
        if located:
            key = (id(doc), matchers.sentence_of(doc, hit.tok))
            sentences.setdefault(key, []).append(located)
    for located in sentences.values():
        (first, seg), last = located[0], located[-1][0]
        if last.source is first.source and last.end > first.end:
            first = Span(first.source, first.start, last.end)
        yield make(rule, unit, first, variant=_conditions(seg))


def check_prefer(rule: Rule, unit: Unit) -> Iterable[Finding]:
    for i, entry in enumerate(rule.spec["replace"]):
        def build(pipe, entry=entry):
            if entry.get("regex"):
                return matchers.Regex([entry["regex"]])
            return matchers.Phrases([entry["instead_of"]], unit.lang, pipe)

        finder = compiled(rule, unit, f"replace.{i}", build)
        suggestion = rule.text(rule.suggestion, unit.lang) or \
            say("prefer-suggestion", unit.lang, use=entry["use"])
        for variant, doc in zip(unit.variants, unit.docs):
            for hit in finder.find(doc):
                if excluded(rule, unit, doc, hit):
                    continue
                located = locate(variant, doc, hit.start, hit.end)
                if not located:
                    continue
                span, seg = located
                fix = None
                if rule.spec.get("fix") and span.source.text[span.start:span.end] == \
                        matchers.text_of(doc)[hit.start:hit.end]:
                    fix = (span.start, span.end, entry["use"])
                yield make(rule, unit, span, variant=_conditions(seg),
                           suggestion=suggestion, fix=fix)


def _scope_limit(rule: Rule) -> int | None:
    scope = rule.spec.get("scope", "whole")
    if isinstance(scope, dict):
        return int(scope["sentences"])
    return 5 if scope == "opening" else None


def _carriers(rule: Rule, unit: Unit, key: str, alternatives: list,
              limit: int | None = None) -> tuple[set[int], dict[int, int]]:
    """The tree nodes that say one of the alternatives (not quoted, not negated), and per
    variant the offset where it is first said."""
    carriers: set[int] = set()
    first_seen: dict[int, int] = {}   # variant index -> offset of the first element
    found = compiled(rule, unit, key,
                     lambda p: matchers.compile_match(alternatives, unit.lang, p))
    if matchers.unsaid(found, unit.docs):
        return carriers, first_seen
    for index, (variant, doc) in enumerate(zip(unit.variants, unit.docs)):
        # the customer saying it, or saying it is not so, discloses nothing
        said = matchers.find_all(found, doc, lambda h, d=doc: not (
            _marked(d, h, "quoted") or _marked(d, h, "negated")))
        for hit in said:
            if limit is not None and matchers.sentence_of(doc, hit.tok) >= limit:
                continue
            for seg in variant.segments_in(nlp.original(doc, hit.start),
                                           nlp.original(doc, hit.end)):
                carriers.add(id(seg.node))
            first_seen.setdefault(index, hit.start)
    return carriers, first_seen


def check_require(rule: Rule, unit: Unit) -> Iterable[Finding]:
    carriers, first_seen = _carriers(rule, unit, "match", rule.spec["match"], _scope_limit(rule))
    findings = _report_missing(rule, unit, missing_paths(unit.script.tree, carriers))
    if rule.spec.get("before") and not findings:
        findings += _order(rule, unit, first_seen)
    return findings


def applies_to_text(rule: Rule, unit: Unit) -> bool:
    """A rule's `applies_if`: it applies when the script says one thing (on some path) or
    lacks another (on some path); without `applies_if` it always does."""
    conditions = rule.spec.get("applies_if")
    if not conditions:
        return True
    for i, condition in enumerate(conditions):
        verb, alternatives = next(iter(condition.items()))
        carriers, _ = _carriers(rule, unit, f"applies_if.{i}", alternatives)
        if verb == "says" and carriers:
            return True
        if verb == "lacks" and missing_paths(unit.script.tree, carriers):
            return True
    return False


def _order(rule: Rule, unit: Unit, first_seen: dict[int, int]) -> list[Finding]:
    """The element must come before the first text matching `before`."""
    before = compiled(rule, unit, "before",
                      lambda p: matchers.compile_match(rule.spec["before"], unit.lang, p))
    for index, (variant, doc) in enumerate(zip(unit.variants, unit.docs)):
        early = [h for h in matchers.find_all(before, doc) if not nlp.table(doc).quoted[h.tok]]
        if not early:
            continue
        element = first_seen.get(index)
        if element is None or early[0].start < element:
            located = locate(variant, doc, early[0].start, early[0].end)
            if located:
                span, seg = located
                return [make(rule, unit, span, variant=_conditions(seg),
                             detail=say("missing-order", unit.lang,
                                        before=matchers.text_of(doc)[early[0].start:early[0].end]))]
    return []


def _globs(entry: str) -> list[str]:
    return [g.strip() for g in entry.split("|") if g.strip()]


def check_variables(rule: Rule, unit: Unit) -> Iterable[Finding]:
    forbidden = rule.spec.get("forbid") or []
    forbidden = [forbidden] if isinstance(forbidden, str) else forbidden
    findings = []
    banned = matchers.glob_matcher(tuple(forbidden))
    for slot in slots(unit.script.tree):
        if any(map(banned, slot.variables)):
            findings.append(make(rule, unit, slot.span))
    required = rule.spec.get("require") or []
    for entry in [required] if isinstance(required, str) else required:
        wanted = matchers.glob_matcher(tuple(_globs(entry)))
        carriers = {id(s) for s in slots(unit.script.tree) if any(map(wanted, s.variables))}
        findings += _report_missing(rule, unit, missing_paths(unit.script.tree, carriers))
    return findings


GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")


def sms_segments(text: str) -> int:
    """Segments of an SMS: 160/153 characters in GSM-7, 70/67 in UCS-2 (Chinese)."""
    single, multi = (160, 153) if set(text) <= GSM7 else (70, 67)
    return 1 if len(text) <= single else math.ceil(len(text) / multi)


def _message_text(text: str) -> str:
    return re.sub(r"\s*\n\s*", "\n", text.strip())


def check_metric(rule: Rule, unit: Unit) -> Iterable[Finding]:
    measure, limit = rule.spec["measure"], rule.spec["max"]
    counted: dict[int, list[matchers.Hit]] = {}  # id(doc) -> its hits, for measure: matches
    if measure == "matches":
        for _, doc, hit in hits(rule, unit):
            counted.setdefault(id(doc), []).append(hit)
    for variant, doc in zip(unit.variants, unit.docs):
        found = None
        if measure in ("sms_segments", "characters"):
            text = _message_text(variant.text)
            value = sms_segments(text) if measure == "sms_segments" else len(text)
            if value > limit:
                found = (script_start(unit), None, value)
        elif measure == "sentence_length":
            for sent in doc.sents:
                words = [t for t in sent if not (t.is_punct or t.is_space)]
                value = sum(len(t.text) for t in words) \
                    if languages.get(unit.lang).words_are_characters else len(words)
                located = locate(variant, doc, sent.start_char, sent.end_char)
                if value > limit and located:
                    found = (located[0], located[1], value)
                    break
        elif measure == "exclamations":
            marks = [i for i, ch in enumerate(matchers.text_of(doc)) if ch in "!！"
                     and not nlp.table(doc).quoted[matchers.token_of(doc, i)]]
            if len(marks) > limit:
                located = locate(variant, doc, marks[int(limit)], marks[int(limit)] + 1)
                if located:
                    found = (located[0], located[1], len(marks))
        elif measure == "matches":
            all_hits = counted.get(id(doc), [])
            if len(all_hits) > limit:
                h = all_hits[int(limit)]
                located = locate(variant, doc, h.start, h.end)
                if located:
                    found = (located[0], located[1], len(all_hits))
        if found:
            span, seg, value = found
            yield make(rule, unit, span, variant=_conditions(seg) if seg else None,
                       detail=say("metric-was", unit.lang, value=value, max=limit))
            return  # once per script: the first variant over the limit says it


def _minutes(clock: str) -> int:
    hours, minutes = clock.strip().split(":")
    return int(hours) * 60 + int(minutes)


def window(value: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*[-–~至到]\s*(\d{1,2}:\d{2})\s*", str(value))
    return (_minutes(m.group(1)), _minutes(m.group(2))) if m else None


def meta_span(unit: Unit, key: str) -> Span:
    line = unit.script.meta.lines.get(key)
    if not line:
        return script_start(unit)
    start = unit.source.line_starts[line - 1]
    text = unit.source.line_text(line)
    offset = max(text.find(key), 0)
    return Span(unit.source, start + offset, start + len(text.rstrip()))


def check_meta(rule: Rule, unit: Unit) -> Iterable[Finding]:
    key = rule.spec["key"]
    value = unit.meta.get(key)
    detail = say("value-was", unit.lang, key=key, value=value)
    if value is None:
        if rule.spec.get("require"):
            yield make(rule, unit, script_start(unit))
        return
    bad = False
    if "within" in rule.spec:
        allowed, used = window(rule.spec["within"]), window(value)
        bad = used is None or not (allowed[0] <= used[0] < used[1] <= allowed[1])
    if "max" in rule.spec or "min" in rule.spec:
        try:
            number = float(value)
            bad = bad or number > rule.spec.get("max", math.inf) or \
                number < rule.spec.get("min", -math.inf)
        except (TypeError, ValueError):
            bad = True
    if "forbid" in rule.spec:
        forbidden = rule.spec["forbid"]
        forbidden = [forbidden] if isinstance(forbidden, str) else forbidden
        bad = bad or str(value).lower() in [str(f).lower() for f in forbidden]
    if bad:
        yield make(rule, unit, meta_span(unit, key), detail=detail)


KINDS: dict[str, Callable[[Rule, Unit], Iterable[Finding]]] = {
    "forbid": check_forbid,
    "prefer": check_prefer,
    "require": check_require,
    "variables": check_variables,
    "metric": check_metric,
    "meta": check_meta,
}


def applies(rule: Rule, meta: dict) -> bool:
    """Does the rule's `when` hold for this script's metadata?"""
    for key, wanted in rule.when.items():
        have = meta.get(key)
        if have is None:
            return False
        if key == "locale":
            have_l = str(have).lower()
            if not any(have_l == str(w).lower() or have_l.split("-")[0] == str(w).lower()
                       for w in wanted):
                return False
        elif isinstance(have, bool) or all(isinstance(w, bool) for w in wanted):
            if bool(have) not in [bool(w) for w in wanted]:
                return False
        elif str(have).lower() not in [str(w).lower() for w in wanted]:
            return False
    return True


def run(rule: Rule, unit: Unit) -> list[Finding]:
    try:
        if not applies_to_text(rule, unit):
            return []
        return list(KINDS[rule.kind](rule, unit))
    except matchers.RegexTimeout as exc:  # a pack problem: say which rule, stop the run
        raise PackError(rule.pack.path, rule.line, f"rule {rule.id}: {exc}") from None

