"""The command line: `scriptcheck check`, `rules`, `explain`, `test-rules`, `schema`.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage,
configuration or rule-pack errors (printed as `file:line: message`).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time

import click

from . import __version__, baseline, changed as changed_mod, config as config_mod, fixes, packs
from . import parallel, rulesdoc, runner, schema, selftest
from .engine import Options, failing
from .progress import Progress
from .report import FORMATS
from .report.run import RunInfo

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
    os.makedirs(folder, exist_ok=True)
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
@click.option("--jobs", "-j", type=click.IntRange(1),
              help="Worker processes. [default: the CPU count, or `jobs` in the configuration]")
@click.option("--diff-base", metavar="REF",
              help="Check only the scripts that changed since the git REF, or that include, "
                   "extend or import a template that did.")
@click.option("--changed", "changed_files", is_flag=True,
              help="PATHS are changed files (as pre-commit passes them): check the scripts "
                   "under the current folder that they affect.")
@click.option("--output-format", "outputs", multiple=True, metavar="FMT=FILE",
              help="Also write the report as FMT to FILE (repeatable); the console keeps "
                   "--format.")
@click.option("--statistics", is_flag=True,
              help="Count findings per rule and category instead of listing them.")
@click.option("--quiet", "-q", is_flag=True, help="Findings only: no summary, no progress.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when findings are at or above --fail-on.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print what --fix would change as a diff, and write nothing.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list every fix applied.")
def check(paths, fmt, output, rule_specs, fail_on, max_variants, context_file, template_path,
          select, ignore, config_path, fix, cache_dir, no_cache, baseline_file, jobs, diff_base,
          changed_files, outputs, statistics, quiet, exit_zero, show_diff, show_fixes) -> None:
    """Check call scripts under PATHS (files or folders; default: the current folder)."""
    start = time.perf_counter()
    extra = _outputs(outputs)
    config = _load_config(config_path)
    context = None
    context_file = config.context = context_file or config.context
    if context_file:
        import yaml

        try:
            with open(context_file, encoding="utf-8") as fh:
                context = yaml.safe_load(fh) or {}
        except (OSError, yaml.YAMLError) as exc:
            _fail(f"{context_file}:1: cannot read context: {exc}")
    config.template_paths = [*template_path, *config.template_paths]
    options = Options(max_variants=max_variants or config.max_variants, context=context,
                      models=config.models, select=[*config.select, *select],
                      ignore=[*config.ignore, *ignore], severity=config.severity,
                      defaults=config.defaults)
    changed = _changed(diff_base, paths if changed_files else None)
    if changed_files:
        paths = ()
    for path in paths:
        if not os.path.exists(path):
            _fail(f"{path}: no such file or folder")
    progress = None if quiet else Progress()
    try:
        config.cache_dir = None if no_cache else (cache_dir or config.cache_dir)
        config.baseline = baseline_file or config.baseline
        result = runner.run(list(paths) or ["."], config, options, list(rule_specs) or None,
                            jobs=jobs or config.jobs or parallel.default_jobs(),
                            changed=changed, progress=progress)
    except (packs.PackError, baseline.BaselineError) as exc:
        _fail(str(exc))
    finally:
        if progress:
            progress.close()
    if show_diff:
        sys.exit(EXIT_FINDINGS if _fix(result, True, False) else EXIT_OK)
    if fix:
        _fix(result, False, show_fixes)
    fail_on = fail_on or config.fail_on
    code = EXIT_FINDINGS if failing(result.findings, fail_on) and not exit_zero else EXIT_OK
    run = RunInfo(result.rules, result.by_script, result.seconds, time.perf_counter() - start,
                  result.cached, fail_on, code, statistics=statistics, quiet=quiet,
                  root=(changed_mod.toplevel() or ".") if "sarif" in {fmt, *extra} else ".")
    for name, target in extra.items():
        write_atomic(target, FORMATS[name](result.report, result.findings, result.sources, run))
    rendered = FORMATS[fmt](result.report, result.findings, result.sources, run)
    if output:
        write_atomic(output, rendered)
    else:
        click.echo(rendered, nl=False)
    sys.exit(code)


def _outputs(specs: tuple[str, ...]) -> dict[str, str]:
    """`--output-format FMT=FILE` options -> {FMT: FILE} (checked before any work is done)."""
    found = {}
    for spec in specs:
        name, sep, target = spec.partition("=")
        if not sep or not target or name not in FORMATS:
            _fail(f"--output-format takes FMT=FILE with FMT one of {', '.join(sorted(FORMATS))}"
                  f", not {spec!r}")
        found[name] = target
    return found


def _changed(diff_base: str | None, files: tuple[str, ...] | None) -> list[str] | None:
    """The changed files of changed-files mode, or None when every script is to be checked."""
    if diff_base is None and files is None:
        return None
    found = list(files or ())
    if diff_base is not None:
        try:
            found += changed_mod.since(diff_base)
        except changed_mod.ChangedError as exc:
            _fail(f"--diff-base {diff_base}: {exc}")
    return found


def _fix(result: runner.Result, show_diff: bool, show_fixes: bool) -> bool:
    """Apply (or, with --diff, print) the safe fixes; whether there were any."""
    changes = fixes.apply(result.findings, result.sources)
    for path, text in changes.items():
        if show_diff:
            click.echo(fixes.diff(path, text), nl=False)
        else:
            write_atomic(path, text)
            click.echo(f"fixed {path}", err=True)
    if show_fixes and not show_diff:
        for line in fixes.described(result.findings, result.sources):
            click.echo(f"fixed {line}", err=True)
    return bool(changes)


@main.command()
@click.option("--pack", "pack_specs", multiple=True, help="Only these packs.")
@click.option("--category", multiple=True, help="Only these categories.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the rule reference (docs/rules.md), one section per rule.")
def rules(pack_specs, category, fmt) -> None:
    """List rules: id, severity, category, citation."""
    loaded = _load_packs(list(pack_specs) or runner.default_packs())
    if fmt == "markdown":
        click.echo(rulesdoc.markdown(loaded), nl=False)
        return
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
        for cite in rule.citations:
            ref = pack.references[cite]
            parts = [str(ref.get(k)) for k in ("title", "article", "issuer", "date") if ref.get(k)]
            click.echo(f"  [{cite}] " + ", ".join(parts) + (f"\n      {ref['url']}"
                                                             if ref.get("url") else ""))
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
