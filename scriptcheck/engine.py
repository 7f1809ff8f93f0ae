"""The run: scripts -> units (metadata, language, variants) -> one nlp.pipe per language ->
rules -> findings, de-duplicated across variants and filtered by suppressions."""
from __future__ import annotations

import logging

from . import coverage, kinds, nlp, notices, samples, suppress, variants
from .findings import dedupe, failing, identity
from .frontmatter import language
from .kinds import Unit
from .messages import say
from .model import Finding, Slot, finding_at
from .options import META_DEFAULTS, Options, effective_meta, selected
from .packs import Pack, PackError, Rule
from .template import Loader, Script, TemplateProblem

log = logging.getLogger("scriptcheck")
# moved to light modules (a cached run imports no engine); importable from here as before
__all__ = ["Engine", "META_DEFAULTS", "Options", "dedupe", "effective_meta", "failing",
           "identity", "problem_finding", "crash_finding"]


def problem_finding(problem: TemplateProblem, lang: str, sources: dict) -> Finding:
    values = problem.values if problem.values is not None else \
        {"detail": problem.message.rstrip(". ")}
    rule = "internal-error" if problem.key == "internal-error" else "template-error"
    notice = notices.Notice(rule, "error", problem.key, problem.path, problem.line, values)
    return notices.to_finding(notice, lang, sources.get(problem.path))


def crash_finding(script: Script, exc: BaseException, lang: str = "en") -> Finding:
    """A crash while checking one script: a finding for that file; the run goes on."""
    log.debug("internal error while checking %s", script.source.path, exc_info=exc)
    problem = TemplateProblem(f"internal error: {exc!r}", script.source.path, 1, "internal-error",
                              {"detail": notices.describe(exc)})
    return problem_finding(problem, lang, {script.source.path: script.source})


class Engine:
    def __init__(self, packs: list[Pack], options: Options | None = None,
                 loader: Loader | None = None):
        self.packs = packs
        self.options = options or Options()
        self.loader = loader or Loader([])
        self.variant_count: dict[str, int] = {}
        self.warm: set[str | None] = set()   # languages checked once (`parallel.warm`)

    def rules_for(self, meta: dict) -> list[Rule]:
        lang = language(meta.get("locale"))
        chosen = []
        for pack in self.packs:
            if not pack.applies_to(lang, meta.get("jurisdiction")):
                continue
            for rule in pack.rules:
                if self._selected(rule) and kinds.applies(rule, meta):
                    chosen.append(rule)
        return chosen

    def _selected(self, rule: Rule) -> bool:
        return selected(rule, self.options)

    def prepare(self, script: Script, meta: dict | None = None) -> tuple[Unit, list[Finding]]:
        """Metadata, language and variants of a script; findings about the template itself."""
        meta = meta if meta is not None else effective_meta(script, self.options)
        lang = language(meta.get("locale")) or "en"
        context = self.options.context

        def render(slot: Slot) -> str:
            return slot.value if slot.value is not None else \
                samples.sample(slot.variables, lang, context)

        found, unchecked = variants.build(script.tree, render, self.options.max_variants)
        unit = Unit(script, meta, lang, found, model=self.options.models.get(lang))
        self.variant_count[script.source.path] = len(found)
        sources = self._sources(script)
        notes = [problem_finding(p, lang, sources) for p in script.problems]
        notes += [notices.to_finding(n, lang, sources.get(n.path))
                  for n in [*script.notices, *coverage.notices(script, meta, self.packs)]]
        for choice, branch in unchecked:
            notes.append(finding_at(
                choice.span, rule="unchecked-branch", category="template-error", severity="info",
                message=say("unchecked-branch", lang, condition=branch.condition,
                            line=branch.line, cap=self.options.max_variants)))
        return unit, notes

    def _sources(self, script: Script) -> dict:
        paths = {script.source.path, *script.uses, *(p.path for p in script.problems)}
        return {path: source for path in paths
                if (source := self.loader.source(path)) is not None}

    def parse(self, units: list[Unit]) -> None:
        """All variants of all units through one nlp.pipe per language."""
        by_lang: dict[tuple[str, str | None], list[Unit]] = {}
        for unit in units:
            by_lang.setdefault((unit.lang, unit.model), []).append(unit)
        for (lang, model), group in by_lang.items():
            texts = [v.text for u in group for v in u.variants]
            docs = iter(nlp.parse(texts, lang, model))
            for unit in group:
                unit.docs = [next(docs) for _ in unit.variants]
                for variant, doc in zip(unit.variants, unit.docs):
                    doc.user_data["slots"] = [(nlp.normalised(doc, s.start),
                                               nlp.normalised(doc, s.end), s.node.variables)
                                              for s in variant.segments
                                              if isinstance(s.node, Slot)]

    def findings(self, unit: Unit, rules: list[Rule] | None = None) -> list[Finding]:
        rules = self.rules_for(unit.meta) if rules is None else \
            [r for r in rules if kinds.applies(r, unit.meta)]
        out: list[Finding] = []
        for rule in rules:
            try:
                found = kinds.run(rule, unit)
            except PackError as exc:  # a regular expression over its time limit: that rule
                found = [notices.regex_timeout(exc, rule.id, unit.script.source, unit.lang)]
            for f in found:
                if rule.id in self.options.severity:
                    f.severity = self.options.severity[rule.id]
                out.append(f)
        return out

    def check(self, scripts: list[Script]) -> dict[str, list[Finding]]:
        """Findings per script path (a partial's findings under each script that uses it)."""
        results: dict[str, list[Finding]] = {}
        prepared = []
        for script in scripts:
            try:
                prepared.append(self.prepare(script))
            except Exception as exc:  # noqa: BLE001 - one file's crash is that file's finding
                results[script.source.path] = [crash_finding(script, exc)]
        try:
            self.parse([u for u, _ in prepared])
        except Exception:  # noqa: BLE001 - find the units that break the batch
            kept = []
            for item in prepared:
                try:
                    self.parse([item[0]])
                    kept.append(item)
                except Exception as exc:  # noqa: BLE001
                    script = item[0].script
                    results[script.source.path] = [crash_finding(script, exc, item[0].lang)]
            prepared = kept
        for unit, notes in prepared:
            try:
                broken = unit.script.problems and not unit.script.tree.items
                found = notes if broken else notes + self.findings(unit)
                results[unit.script.source.path] = dedupe(suppress.apply(found, unit,
                                                                         self.loader))
            except Exception as exc:  # noqa: BLE001
                results[unit.script.source.path] = notes + [crash_finding(unit.script, exc,
                                                                          unit.lang)]
        return results
