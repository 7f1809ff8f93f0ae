"""The command line: `scriptcheck check`, `rules`, `explain`, `test-rules`, `schema`.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage,
configuration or rule-pack errors (printed as `file:line: message`), and a folder with
nothing to check; 3 an internal error (a one-line message; the traceback with --verbose),
also when the crash was confined to one file and the rest of the report is complete;
130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
import traceback

import click

from . import __version__, baseline, changed as changed_mod, config as config_mod, encoding
from . import packcache, packs, parallel, runner, schema, selection
from .findings import failing
from .options import Options
from .progress import Progress
from .report import FORMATS, renderer
from .report.run import RunInfo
from .template import TEMPLATE_SUFFIXES

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _fail(message: str) -> None:
    click.echo(f"scriptcheck: {message}" if ":" not in message.split(" ")[0] else message,
               err=True)
    sys.exit(EXIT_ERROR)


def _load_config(path: str | None) -> config_mod.Config:
    try:
        return config_mod.load(path or config_mod.find())
    except config_mod.ConfigError as exc:
        _fail(str(exc))


def _load_packs(specs: list[str], cache_dir: str | None = None) -> list[packs.Pack]:
    try:
        return packcache.load_all(specs, cache_dir)
    except packs.PackError as exc:
        _fail(str(exc))


def write_atomic(path: str, text: str | bytes) -> None:
    """Write a file so that a reader never sees half of it, and a failure loses nothing.
    A symbolic link stays a link: its target is written."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".scriptcheck-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class _Group(click.Group):
    """Every command: an unexpected exception is exit 3 with one line (the traceback under
    --verbose), Ctrl-C is exit 130, never exit 1, which means findings."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.ClickException, click.Abort,
                SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("scriptcheck: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if ctx.meta.get("scriptcheck.verbose"):
                click.echo("".join(traceback.format_exception(exc)), err=True, nl=False)
            click.echo(f"scriptcheck: internal error: {type(exc).__name__}: {exc} "
                       f"(run with --verbose for the traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


class _EchoHandler(logging.Handler):
    """Log records on standard error as it is now (click's, so tests capture it too)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _verbose(ctx: click.Context, _param, value: bool) -> bool:
    """Set first (eager), so a crash anywhere later knows whether to show its traceback;
    per-file crashes are logged with theirs."""
    ctx.meta["scriptcheck.verbose"] = value
    logger = logging.getLogger("scriptcheck")
    if not any(isinstance(h, _EchoHandler) for h in logger.handlers):
        handler = _EchoHandler()
        handler.setFormatter(logging.Formatter("scriptcheck: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if value else logging.WARNING)
    return value


def _check_output(output: str | None) -> None:
    """-o into a folder that is missing or not writable: said before any work is done."""
    if not output:
        return
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        _fail(f"{output}: cannot write the report: folder {os.path.dirname(output) or '.'} "
              f"does not exist")
    if not os.access(folder, os.W_OK):
        _fail(f"{output}: cannot write the report: folder is not writable")


def _check_names(config: config_mod.Config, loaded: list, select, ignore) -> None:
    """Every selected, ignored or re-graded name must exist in the loaded packs."""
    for option, names in (("--select", select), ("--ignore", ignore)):
        for message in selection.unknown(list(names), loaded):
            _fail(f"scriptcheck: {option} {message}")
    for key, names, rules_only in (("select", config.select, False),
                                   ("ignore", config.ignore, False),
                                   ("severity", list(config.severity), True)):
        for message in selection.unknown(names, loaded, rules_only):
            _fail(f"{config.where(key)}: {key}: {message}")


def _write_fixes(planned: list) -> None:
    for fix in planned:
        if fix.problem:
            click.echo(f"scriptcheck: {fix.path}: not fixed: {fix.problem}", err=True)
            continue
        try:
            write_atomic(fix.target, fix.data)
        except OSError as exc:
            _fail(f"{fix.path}: cannot write the fix: {exc.strerror or exc}")
        click.echo(f"fixed {fix.path}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--diff", "--show-fixes", "show_diff", is_flag=True,
              help="Print a unified diff of what --fix would change; write nothing.")
@click.option("--encoding", "encoding_name", metavar="NAME",
              help="Encoding of the templates (e.g. gbk). Default: BOM, UTF-8, else detected.")
@click.option("--verbose", "-v", is_flag=True, is_eager=True, expose_value=False,
              callback=_verbose, help="Show tracebacks of internal errors.")
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
def check(paths, fmt, output, rule_specs, fail_on, max_variants, context_file, template_path,
          select, ignore, config_path, fix, cache_dir, no_cache, baseline_file, lang, show_diff,
          encoding_name, jobs, diff_base, changed_files, outputs, statistics, quiet,
          exit_zero) -> None:
    """Check call scripts under PATHS (files or folders; default: the current folder)."""
    start = time.perf_counter()
    extra = _outputs(outputs)
    config = _load_config(config_path)
    if encoding_name and not encoding.known(encoding_name):
        _fail(f"scriptcheck: --encoding {encoding_name!r} is not a text encoding Python knows "
              f"(e.g. utf-8, gbk, gb18030)")
    config.encoding = encoding_name or config.encoding
    _check_output(output)
    config.context = context_file or config.context
    context = _read_context(config.context)
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
    config.cache_dir = None if no_cache else (cache_dir or config.cache_dir)
    specs = list(rule_specs) or config.rules or runner.default_packs()

    def loaded() -> list[packs.Pack]:
        """The packs, loaded when the run first needs them (while templates are analysed)."""
        found = _load_packs(specs, config.cache_dir)
        _check_names(config, found, select, ignore)
        return found

    progress = None if quiet else Progress()
    try:
        config.baseline = baseline_file or config.baseline
        result = runner.run(list(paths) or ["."], config, options, specs, loaded=loaded,
                            jobs=jobs or config.jobs or parallel.default_jobs(),
                            changed=changed, progress=progress)
    except (packs.PackError, baseline.BaselineError) as exc:
        _fail(str(exc))
    finally:
        if progress:
            progress.close()
    fail_on = fail_on or config.fail_on
    code = EXIT_FINDINGS if failing(result.findings, fail_on) and not exit_zero else EXIT_OK
    run = RunInfo(result.rules, result.by_script, result.seconds, time.perf_counter() - start,
                  result.cached, fail_on, code, statistics=statistics, quiet=quiet,
                  root=(changed_mod.toplevel() or ".") if "sarif" in {fmt, *extra} else ".")

    def render(name: str) -> str:
        if name == "html":
            from .report import html as html_report

            return html_report.from_run(result, options, lang)
        return renderer(name)(result.report, result.findings, result.sources, run)

    rendered = render(fmt)
    planned: list = []
    if fix or show_diff:
        from . import fixes

        planned = fixes.plan(result.findings, result.sources, config.encoding)
    # the reports first: if one cannot be written, no template has been touched
    for name, target in extra.items():
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        write_atomic(target, render(name))
    if output:
        write_atomic(output, rendered)
    elif not show_diff:
        click.echo(rendered, nl=False)
    if show_diff:
        click.echo("".join(fixes.diff(f) for f in planned if not f.problem), nl=False)
    elif fix:
        _write_fixes(planned)
    if not result.report["summary"]["files"] and changed is None:
        _fail(f"scriptcheck: nothing was checked: no templates under "
              f"{', '.join(paths) or '.'} (looked for {', '.join(TEMPLATE_SUFFIXES)})")
    if any(f.rule == "internal-error" for f in result.findings):
        click.echo("scriptcheck: internal error in some files (see the internal-error "
                   "findings; --verbose shows tracebacks)", err=True)
        sys.exit(EXIT_INTERNAL)
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


@main.command()
@click.option("--pack", "pack_specs", multiple=True, help="Only these packs.")
@click.option("--category", multiple=True, help="Only these categories.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the rule reference (docs/rules.md), one section per rule.")
def rules(pack_specs, category, fmt) -> None:
    """List rules: id, severity, category, citation."""
    loaded = _load_packs(list(pack_specs) or runner.default_packs())
    if fmt == "markdown":
        from . import rulesdoc

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
@click.argument("pack_specs", nargs=-1, metavar="[PACK]...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def terms(pack_specs, fmt) -> None:
    """List the term sets (named vocabularies) of the packs, and the rules that use each."""
    loaded = _load_packs(list(pack_specs) or runner.default_packs())
    # the rules that use a set may sit in packs that extend the one listed
    names = {q.name for q in loaded}
    everyone = loaded + ([p for p in _load_packs(runner.default_packs()) if p.name not in names]
                         if pack_specs else [])
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
        from . import citations

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
        from . import selftest

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
