"""Shared helpers: write templates into a temporary folder and check them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scriptcheck import cli, runner
from scriptcheck.config import Config
from scriptcheck.engine import Options

HERE = Path(__file__).parent
MINI_PACKS = [str(HERE / "fixtures" / "packs" / "mini-zh.yaml"),
              str(HERE / "fixtures" / "packs" / "mini-en.yaml")]
SHARED = HERE.parent.parent / "shared"
CORPUS = SHARED / "corpus"

ZH_FRONT = """{# ---
locale: zh-CN
jurisdiction: CN
audience: debtor
channel: call
--- #}
"""
EN_FRONT = """{# ---
locale: en-US
jurisdiction: US
audience: debtor
channel: call
collector: agency
first_contact: true
--- #}
"""


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """Write files: tree({"a.j2": "..."}) -> the folder."""
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str | bytes]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return tmp_path

    return write


def check(paths, packs=None, **options):
    """Findings of a run, as dicts, with the mini packs unless told otherwise."""
    config = Config()
    config.template_paths = options.pop("template_paths", [])
    result = runner.run([str(p) for p in paths], config, Options(**options),
                        packs or MINI_PACKS)
    return result.report["findings"], result.report


def at(findings, rule):
    """(path, line, column) of every finding of a rule."""
    return sorted((f["path"], f["line"], f["column"]) for f in findings if f["rule"] == rule)


def engine_findings(packs, text: str, lang: str = "zh", **meta) -> list:
    """Findings of loaded packs on one text, run as a whole script with the given metadata."""
    from scriptcheck.engine import Engine
    from scriptcheck.template import Loader, build

    engine = Engine(packs, Options())
    loader = Loader([])
    script = build(loader.load_text(text), loader)
    base = {"locale": "zh-CN" if lang == "zh" else "en-US", "audience": "debtor",
            "channel": "call"}
    unit, _ = engine.prepare(script, {**base, **meta})
    engine.parse([unit])
    return engine.findings(unit)


def invoke(*args):
    result = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def report_of(*args):
    code, out = invoke("check", "--format", "json", *args)
    return code, json.loads(out)


RULE_ARGS = [a for p in MINI_PACKS for a in ("--rules", p)]   # the mini packs, as options
BAD_ZH = ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n明天我们就上门。\n"  # T-ZH-HOME at 8:6


def findings_of(stdout: str) -> list[tuple]:
    """(path, line, rule, severity) of every finding of a JSON report, sorted."""
    return sorted((f["path"], f["line"], f["rule"], f["severity"])
                  for f in json.loads(stdout)["findings"])


def run_cli(*args):
    """(exit code, standard output, standard error) of one command."""
    result = CliRunner().invoke(cli.main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def pytest_terminal_summary(terminalreporter):
    """The corpus figures (precision and recall per category), after every run."""
    import test_corpus  # noqa: PLC0415 - only when the corpus test ran

    if test_corpus.FIGURES:
        terminalreporter.section("corpus: recall and precision per category")
        for line in test_corpus.FIGURES:
            terminalreporter.write_line(line)
