"""Issue 8, configuration: paths in a configuration file are relative to that file, and the
package says the Python it needs (tomllib: 3.11)."""
from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from conftest import BAD_ZH, MINI_PACKS, run_cli


def test_config_paths_resolve_against_the_config_file(tree, monkeypatch):
    root = tree({"repo/scripts/a.j2": BAD_ZH + "{{ customer.nickname }}\n",
                 "repo/conf/ctx.yaml": "customer: {nickname: 坐牢}\n",
                 "repo/conf/scriptcheck.toml": "rules = ['packs/mini.yaml']\n"
                                               "context = 'ctx.yaml'\n"
                                               "cache-dir = 'cache'\n"})
    (root / "repo/conf/packs").mkdir()
    shutil.copy(MINI_PACKS[0], root / "repo/conf/packs/mini.yaml")
    monkeypatch.chdir(root / "repo")
    code, out, err = run_cli("check", "scripts", "--config", "conf/scriptcheck.toml",
                             "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert report["packs"] == [{"name": "mini-zh", "version": "1"}]
    assert sorted(f["rule"] for f in report["findings"]) == ["T-ZH-HOME"]
    assert list((root / "repo/conf/cache").rglob("*.json"))      # beside the config
    assert not (root / "repo/cache").exists()


def test_nearest_config_found_from_a_subfolder_keeps_its_paths(tree, monkeypatch):
    root = tree({"scriptcheck.toml": f"rules = [{json.dumps(str(Path('packs/mini.yaml')))}]\n",
                 "scripts/a.j2": BAD_ZH})
    (root / "packs").mkdir()
    shutil.copy(MINI_PACKS[0], root / "packs/mini.yaml")
    monkeypatch.chdir(root / "scripts")
    code, out, err = run_cli("check", "a.j2", "--format", "json")
    assert code == 1, err
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["T-ZH-HOME"]


def test_requires_python_matches_tomllib():
    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    assert any(d.startswith("charset-normalizer") for d in project["dependencies"])
    assert any(d.startswith("hypothesis") for d in project["optional-dependencies"]["test"])
