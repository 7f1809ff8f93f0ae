"""The command line: `scriptcheck check`, `rules`, `explain`, `test-rules`, `schema`.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage,
configuration or rule-pack errors (printed as `file:line: message`).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

import click

from . import __version__, baseline, citations, config as config_mod, fixes, packs, runner, schema, selftest
from .engine import Options, failing
from .report import FORMATS, html as html_report

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"scriptcheck: {message}" if ":" not in message.split(" ")[0] else message,
               err=True)
    sys.exit(EXIT_ERROR)


def _load_config(path: str | None) -> config_mod.Config:
    try:
        return config_mod.load(path or config_mod.find())
    except config_mod.ConfigError as exc:
        _fail(str(exc))


def _load_packs(specs: list[str]) -> list[packs.Pack]:
    try:
        return packs.load_all(specs)
    except packs.PackError as exc:
        _fail(str(exc))


def write_atomic(path: str, text: str) -> None:
    """Write a file so that a reader never sees half of it, and a failure loses nothing."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".scriptcheck-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="scriptcheck")
def main() -> None:
    """Compliance linter for debt-collection call scripts (Jinja templates)."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--rules", "rule_specs", multiple=True, metavar="PACK",
              help="A built-in pack name or a YAML path (repeatable). Default: all built-in "
                   "packs, each applied to the scripts of its jurisdiction and language.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
              help="Lowest severity that makes the exit code 1. [default: warning]")
@click.option("--max-variants", type=click.IntRange(1), help="Cap on variants per script.")
@click.option("--context", "context_file", type=click.Path(exists=True, dir_okay=False),
              help="YAML file of values for template variables.")
@click.option("--template-path", multiple=True, type=click.Path(file_okay=False),
              help="Folder that include/extends/import names are relative to (repeatable).")
@click.option("--select", multiple=True, help="Only these rule ids, categories or packs.")
@click.option("--ignore", multiple=True, help="Skip these rule ids, categories or packs.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (default: nearest scriptcheck.toml or pyproject.toml).")
@click.option("--fix", is_flag=True, help="Apply safe substitutions (prefer rules) in place.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Cache findings by content in DIR: unchanged scripts are not re-checked.")
@click.option("--no-cache", is_flag=True, help="Ignore a configured cache-dir.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="A JSON report of an earlier run: its findings are not reported again.")
@click.option("--lang", type=click.Choice(["zh", "en"]),
              help="Language of the HTML report's own words (default: the scripts' language).")
def check(paths, fmt, output, rule_specs, fail_on, max_variants, context_file, template_path,
          select, ignore, config_path, fix, cache_dir, no_cache, baseline_file, lang) -> None:
    """Check call scripts under PATHS (files or folders; default: the current folder)."""
    config = _load_config(config_path)
    context = _read_context(context_file or config.context)
    config.template_paths = [*template_path, *config.template_paths]
    options = Options(max_variants=max_variants or config.max_variants, context=context,
                      models=config.models, select=[*config.select, *select],
                      ignore=[*config.ignore, *ignore], severity=config.severity,
                      defaults=config.defaults)
    for path in paths:
        if not os.path.exists(path):
            _fail(f"{path}: no such file or folder")
    try:
        config.cache_dir = None if no_cache else (cache_dir or config.cache_dir)
        config.baseline = baseline_file or config.baseline
        result = runner.run(list(paths) or ["."], config, options, list(rule_specs) or None)
    except (packs.PackError, baseline.BaselineError) as exc:
        _fail(str(exc))
    if fix:
        for path, text in fixes.apply(result.findings, result.sources).items():
            write_atomic(path, text)
            click.echo(f"fixed {path}", err=True)
    rendered = html_report.from_run(result, options, lang) if fmt == "html" else \
        FORMATS[fmt](result.report, result.findings, result.sources,
                     **({"packs": result.packs} if fmt == "sarif" else {}))
    if output:
        write_atomic(output, rendered)
    else:
        click.echo(rendered, nl=False)
    sys.exit(EXIT_FINDINGS if failing(result.findings, fail_on or config.fail_on) else EXIT_OK)


@main.command()
@click.option("--pack", "pack_specs", multiple=True, help="Only these packs.")
@click.option("--category", multiple=True, help="Only these categories.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules(pack_specs, category, fmt) -> None:
    """List rules: id, severity, category, citation."""
    loaded = _load_packs(list(pack_specs) or runner.default_packs())
    rows = [(r, p) for p in loaded for r in p.rules if not category or r.category in category]
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "pack": p.name, "kind": r.kind,
                                "category": r.category, "severity": r.severity,
                                "citations": [" ".join(str(p.references[c].get(k, ""))
                                                       for k in ("title", "article")).strip()
                                              for c in r.citations]}
                               for r, p in rows], ensure_ascii=False, indent=2))
        return
    for r, p in rows:
        cite = "; ".join(" ".join(str(p.references[c].get(k, "")) for k in ("title", "article"))
                         .strip() for c in r.citations) or "-"
        click.echo(f"{r.id:<32} {r.severity:<8} {r.category:<34} {p.name:<14} {cite}")
    click.echo(f"\n{len(rows)} rule(s) in {len(loaded)} pack(s)")


@main.command()
@click.argument("pack_specs", nargs=-1, metavar="[PACK]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def terms(pack_specs, fmt) -> None:
    """List the term sets (named vocabularies) of the packs, and the rules that use each."""
    loaded = _load_packs(list(pack_specs) or runner.default_packs())
    # the rules that use a set may sit in packs that extend the one listed
    everyone = loaded + [p for p in _load_packs(runner.default_packs())
                         if p.name not in {q.name for q in loaded}]
    rows = []
    for pack in loaded:
        for name in pack.own_terms:
            users = sorted(r.id for p in everyone for r in p.rules
                           if name in r.terms_used and p.terms.get(name) == pack.terms[name])
            rows.append({"pack": pack.name, "name": name, "line": pack.term_lines.get(name, 1),
                         "terms": pack.terms[name], "rules": users})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']}  ({row['pack']}, {len(row['terms'])} term(s); used by "
                   f"{', '.join(row['rules']) or 'no rule'})")
        click.echo("  " + ", ".join(row["terms"]))
    click.echo(f"\n{len(rows)} term set(s) in {len(loaded)} pack(s)")


@main.command()
@click.argument("rule_id")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Language of the explanation.")
@click.option("--rules", "rule_specs", multiple=True, metavar="PACK")
def explain(rule_id, lang, rule_specs) -> None:
    """Explain a rule: what it means, the law, how to say it instead, examples."""
    loaded = _load_packs(list(rule_specs) or runner.default_packs())
    found = [(r, p) for p in loaded for r in p.rules if r.id == rule_id.upper()]
    if not found:
        _fail(f"scriptcheck: no rule {rule_id!r}; `scriptcheck rules` lists them")
    rule, pack = found[0]
    lang = lang or (pack.locale[0] if pack.locale else "en")
    zh = lang == "zh"
    click.echo(f"{rule.id}  ({pack.name} {pack.version}, {rule.kind})")
    click.echo(f"{'类别' if zh else 'Category'}: {rule.category}    "
               f"{'严重程度' if zh else 'Severity'}: {rule.severity}")
    click.echo("")
    click.echo(rule.text(rule.message, lang))
    if rule.rationale:
        click.echo(f"\n{'为什么' if zh else 'Why'}:\n  {rule.rationale}")
    if rule.citations:
        click.echo(f"\n{'依据' if zh else 'Law'}:")
        for ref in citations.references(rule):
            click.echo(f"  [{ref.id}] {citations.full_text(ref, lang)}"
                       + (f"\n      {ref.url}" if ref.url else ""))
    suggestion = rule.text(rule.suggestion, lang)
    if suggestion:
        click.echo(f"\n{'建议说法' if zh else 'Say instead'}:\n  {suggestion}")
    if rule.when:
        click.echo(f"\n{'适用于' if zh else 'Applies when'}: " +
                   ", ".join(f"{k} = {'/'.join(map(str, v))}" for k, v in rule.when.items()))
    for title, examples in ((("违规示例" if zh else "Flagged"), rule.bad),
                            (("合规示例" if zh else "Not flagged"), rule.good)):
        if examples:
            click.echo(f"\n{title}:")
            for ex in examples:
                click.echo(f"  - {ex.text.strip()}")


@main.command("test-rules")
@click.argument("specs", nargs=-1)
@click.option("--verbose", "-v", is_flag=True, help="List every example, passing ones too.")
def test_rules(specs, verbose) -> None:
    """Run every rule's examples: bad ones must fire, good ones must not."""
    loaded = _load_packs(list(specs) or runner.default_packs())
    try:
        outcomes = selftest.run(loaded)
    except packs.PackError as exc:
        _fail(str(exc))
    failed = [o for o in outcomes if not o.ok]
    for o in outcomes:
        if o.ok and not verbose:
            continue
        where = f"{o.rule.pack.path}:{o.example.line}" if o.example else o.rule.location
        mark = "ok  " if o.ok else "FAIL"
        text = f": {o.example.text.strip()[:60]!r}" if o.example else ""
        click.echo(f"{mark} {where}: {o.rule.id} {o.expected}{text}"
                   + (f" -- {o.detail}" if o.detail else ""))
    rules_failed = {o.rule.id for o in failed}
    n_rules = sum(len(p.rules) for p in loaded)
    click.echo(f"{len(loaded)} pack(s), {n_rules} rule(s), {len(outcomes)} example(s): "
               f"{n_rules - len(rules_failed)} rule(s) pass, {len(rules_failed)} fail")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command("schema")
def schema_cmd() -> None:
    """Print the rule pack JSON Schema (for editor autocompletion)."""
    click.echo(json.dumps(schema.json_schema(), ensure_ascii=False, indent=2))


def _read_context(path: str | None) -> dict | None:
    if not path:
        return None
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
    except (OSError, yaml.YAMLError) as exc:
        _fail(f"{path}:1: cannot read context: {exc}")


@main.command("render")
@click.argument("template", type=click.Path(exists=True, dir_okay=False))
@click.option("--context", "context_file", type=click.Path(exists=True, dir_okay=False),
              help="YAML file of values for template variables (default: sample values).")
@click.option("--template-path", multiple=True, type=click.Path(file_okay=False),
              help="Folder that include/extends/import names are relative to (repeatable).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
def render_cmd(template, context_file, template_path, config_path) -> None:
    """Print what the agent says on each path through TEMPLATE, each path said in words."""
    from .spoken import spoken
    from .template import Loader, analyze, make_environment

    config = _load_config(config_path)
    context = _read_context(context_file or config.context)
    loader = Loader([*template_path, *config.template_paths, os.path.dirname(template) or "."],
                    make_environment(config.trim_blocks, config.lstrip_blocks))
    script = analyze(template, loader)
    for problem in script.problems:
        click.echo(f"{problem.path}:{problem.line}: {problem.message}", err=True)
    options = Options(max_variants=config.max_variants, context=context, defaults=config.defaults)
    lang, variants = spoken(script, options)
    for n, variant in enumerate(variants, 1):
        click.echo(f"== {n}/{len(variants)} {variant.words}")
        click.echo(variant.text.rstrip("\n"))
        click.echo("")
    sys.exit(EXIT_ERROR if script.problems and not script.tree.items else EXIT_OK)


@main.command("serve")
@click.argument("root", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (only this machine by default).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--rules", "rule_specs", multiple=True, metavar="PACK")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the workbench's own words.")
def serve_cmd(root, host, port, rule_specs, lang) -> None:
    """A local web workbench: open or paste a script and see its findings as you type."""
    try:
        from .serve import Workbench, create_app
        import flask  # noqa: F401
    except ImportError:
        _fail("scriptcheck serve needs Flask: pip install 'scriptcheck[web]'")
    config = _load_config(None)
    try:
        bench = Workbench(root, list(rule_specs) or None, lang, config)
    except packs.PackError as exc:
        _fail(str(exc))
    click.echo(f"scriptcheck workbench on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    create_app(bench).run(host=host, port=port, threaded=True)
