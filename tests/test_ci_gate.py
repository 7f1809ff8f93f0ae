"""The CI gate at scale: worker processes, changed-files mode, the content-keyed cache and
its integrity, complete SARIF and JUnit, several outputs in one run, ruff-like options."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import Future
from pathlib import Path

import pytest

from conftest import EN_FRONT, MINI_PACKS, ZH_FRONT, invoke, report_of
from scriptcheck import cache as cache_mod, nlp, packs, parallel, rulesdoc, template
from scriptcheck.progress import Progress

RULES = [a for p in MINI_PACKS for a in ("--rules", p)]
ROOT = Path(__file__).parent.parent
# The OASIS SARIF TC's 2.1.0 schema ($id .../oasis-tcs/sarif-spec/master/Schemata/
# sarif-schema-2.1.0.json, JSON Schema draft-07), as json.schemastore.org publishes it.
SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
ZH_BAD = ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n明天我们就上门。\n"


def many_scripts(count: int) -> dict[str, str]:
    """Chinese and English scripts with branches and shared partials."""
    files = {"partials/_zh.j2": "你上次说过会还款。\n", "partials/_en.j2": "We will call your boss.\n"}
    for i in range(count):
        if i % 2:
            files[f"s{i:03d}.zh.j2"] = (ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n"
                                        "{% include 'partials/_zh.j2' %}\n"
                                        f"{{% if days > {i} %}}明天我们就上门。{{% else %}}"
                                        f"请在{i}日内还款。{{% endif %}}\n")
        else:
            files[f"s{i:03d}.en.j2"] = (EN_FRONT + "{% include 'partials/_en.j2' %}\n"
                                        f"{{% if late %}}You will be arrested {i} times."
                                        "{% endif %}\nThis is a debt collector.\n")
    return files


def no_nlp(*args, **kwargs):
    raise AssertionError("the NLP pipeline was loaded although every script was cached")


# --- --jobs --------------------------------------------------------------------------


def test_jobs_2_prints_exactly_what_jobs_1_prints(tree, monkeypatch):
    tree(many_scripts(2 * parallel.MIN_SHARE + 4))
    used = []
    real = parallel._in_workers
    monkeypatch.setattr(parallel, "_in_workers",
                        lambda *args: used.append(args[3]) or real(*args))
    one = invoke("check", ".", "--format", "json", "--jobs", "1", *RULES)
    two = invoke("check", ".", "--format", "json", "--jobs", "2", *RULES)
    assert used == [2]                                  # two worker processes did the work
    assert one == two and one[0] == 1                   # same exit code, same bytes
    report = json.loads(one[1])
    assert len(report["files"]) == 2 * parallel.MIN_SHARE + 4
    assert {f["rule"] for f in report["findings"]} >= {"T-ZH-HOME", "T-ZH-NI", "T-EN-ARREST",
                                                       "T-EN-EMPLOYER"}
    # the partial's finding is one finding, at the partial, however many scripts reach it
    assert [f["path"] for f in report["findings"] if f["rule"] == "T-ZH-NI"] == \
        [os.path.join("partials", "_zh.j2")]


def suppressed(files: dict[str, str]) -> dict[str, str]:
    """`files` with suppressions: in a partial every script includes, one without a reason
    in a script, and one that covers nothing."""
    files = dict(files)
    files["partials/_en.j2"] = "{# scriptcheck: ignore T-EN-EMPLOYER -- a training example #}\n" \
        + files["partials/_en.j2"]
    files["s000.en.j2"] += "{# scriptcheck: ignore T-EN-ARREST #}\nYou will be arrested.\n"
    files["s001.zh.j2"] += "{# scriptcheck: ignore T-ZH-NI -- nothing here #}\n您好。\n"
    return files


def test_templates_analysed_by_workers_are_checked_as_one_process_checks_them(tree, monkeypatch):
    tree(suppressed(many_scripts(2 * parallel.MIN_SHARE + 4)))
    shares: list[int] = []
    real = parallel._analysed_in_workers
    monkeypatch.setattr(parallel, "_analysed_in_workers",
                        lambda paths, *args: shares.append(len(paths)) or real(paths, *args))
    one = invoke("check", ".", "--format", "json", "--jobs", "1", *RULES)
    assert shares == []
    parsed = parses(monkeypatch)      # in this process: the workers' parses are not seen here
    monkeypatch.setattr(Future, "cancel", lambda self: False)   # it takes no share itself
    two = invoke("check", ".", "--format", "json", "--jobs", "2", *RULES)
    assert shares == [2 * parallel.MIN_SHARE + 4]      # every script analysed by the workers
    assert parsed == []      # what checking reads of a file (text, comments) came with it
    assert one == two
    rules = [f["rule"] for f in json.loads(two[1])["findings"]]
    assert "T-EN-EMPLOYER" not in rules and "T-EN-ARREST" in rules     # the partial's
    assert {"suppression-reason", "suppression-unused"} <= set(rules)   # the scripts' own


def test_workers_analyses_reach_the_cache_and_its_bundle(tree, monkeypatch):
    root = tree(suppressed(many_scripts(2 * parallel.MIN_SHARE + 4)))
    args = ["check", ".", "--format", "json", "--cache-dir", ".cache", *RULES]
    cold = invoke(*args, "--jobs", "2")
    assert len(list((root / ".cache" / "analysis").rglob("*.pickle"))) == \
        2 * parallel.MIN_SHARE + 4
    with monkeypatch.context() as patch:
        patch.setattr(nlp, "pipeline", no_nlp)
        parsed = parses(patch)
        shutil.rmtree(root / ".cache" / "analysis")    # the bundle alone holds them all
        assert invoke(*args, "--jobs", "1") == cold     # (one process: its parses are seen)
        assert parsed == []


def test_a_cached_analysis_knows_the_comments_checking_reads(tree, monkeypatch):
    root = tree({**suppressed(many_scripts(4)),
                 "pack.yaml": Path(MINI_PACKS[1]).read_text(encoding="utf-8")})
    args = ["check", ".", "--format", "json", "--rules", MINI_PACKS[0], "--rules", "pack.yaml"]
    invoke(*args, "--cache-dir", ".cache")
    pack = (root / "pack.yaml").read_text(encoding="utf-8")
    (root / "pack.yaml").write_text(pack.replace("severity: error", "severity: info"),
                                    encoding="utf-8")     # every script is checked again
    parsed = parses(monkeypatch)
    again = invoke(*args, "--cache-dir", ".cache")
    assert parsed == []                                   # ... from the analyses in the cache
    assert again == invoke(*args)                         # as a run without a cache reports


def test_scripts_checked_while_templates_were_analysed_are_cached_too(tree):
    """Scripts whose findings the warm-up found are written to the cache even when no other
    script is left to check."""
    from scriptcheck import runner
    from scriptcheck.engine import Engine
    from scriptcheck.options import Options, effective_meta

    root = tree({"a.j2": ZH_BAD})
    loaded = packs.load_all(MINI_PACKS)
    script = template.analyze("a.j2", template.Loader([str(root)]))
    warmed = parallel.Checked()
    parallel.warm([script], Engine(loaded, Options(), template.Loader([str(root)])), warmed)
    assert warmed.findings["a.j2"]

    def no_engine():
        raise AssertionError("nothing is left to check")

    checked = runner._check([script], no_engine, {"a.j2": script.source}, ".cache", loaded,
                            Options(), warmed=warmed)
    assert checked.findings == warmed.findings
    cache = cache_mod.Cache(".cache", loaded, Options())
    key = cache.key(script, {"a.j2": script.source.text}, effective_meta(script, Options()))
    hit = cache.get(key, cache.files(script))
    assert hit is not None and hit[0] == warmed.findings["a.j2"]


def test_jobs_in_configuration(tree):
    tree({"scriptcheck.toml": "jobs = 0\n", "a.j2": ZH_BAD})
    code, out = invoke("check", "a.j2", *RULES)
    assert code == 2 and "jobs must be 1 or more" in out


def test_few_scripts_are_not_worth_a_worker():
    assert parallel.workers_for(parallel.MIN_SHARE - 1, 8) == 1
    assert parallel.workers_for(10 * parallel.MIN_SHARE, 2) == 2
    assert parallel.workers_for(10 * parallel.MIN_SHARE, 1) == 1


@pytest.mark.parametrize("count, workers", [(1000, 2), (1000, 1), (37, 4), (3, 2), (0, 2)])
def test_shares_shrink_towards_the_end_and_keep_every_item_in_order(count, workers):
    parts = parallel.chunks(list(range(count)), workers)
    assert [i for part in parts for i in part] == list(range(count))
    sizes = [len(part) for part in parts]
    assert sizes == sorted(sizes, reverse=True) and all(sizes)
    assert not sizes or (sizes[0] <= parallel.MAX_CHUNK and sizes[-1] <= parallel.MIN_CHUNK)
    if count >= 1000:   # the last shares are small: no worker is left alone with a big one
        assert sizes[0] == parallel.MAX_CHUNK and max(sizes[-2 * workers:]) <= parallel.MIN_CHUNK


def test_shares_no_worker_has_started_are_analysed_here(tree, monkeypatch):
    """While the workers are busy, this process analyses the shares none has started; the
    report is the one process's report."""
    tree(suppressed(many_scripts(2 * parallel.MIN_SHARE + 40)))
    one = invoke("check", ".", "--format", "json", "--jobs", "1", *RULES)
    monkeypatch.setattr(parallel, "_analyse_part", _slow_share)
    parsed = parses(monkeypatch)
    two = invoke("check", ".", "--format", "json", "--jobs", "2", *RULES)
    assert 0 < len({p for p in parsed if p.endswith(".j2") and "partials" not in p}) < \
        2 * parallel.MIN_SHARE + 40                     # some here, some in the worker
    assert one == two


_REAL_SHARE = parallel._analyse_part


def _slow_share(paths: list[str]):
    """An analysing worker's share, slowly (a module's function: it is sent to the worker)."""
    import time

    time.sleep(0.3)
    return _REAL_SHARE(paths)


def _unsendable_share(paths: list[str]):
    return lambda: paths        # a worker's answer that cannot be pickled back


def _dying_share(paths: list[str]):
    os._exit(9)                 # a worker killed (out of memory, say)


_REAL_WORK = parallel._work


def _work_then_die(task):
    if task:                    # a worker killed (out of memory, say)
        os._exit(9)
    return _REAL_WORK(task)


def _unsendable_work(task):
    return lambda: task         # findings that cannot be pickled back


@pytest.mark.parametrize("work", [_work_then_die, _unsendable_work])
def test_a_checking_worker_that_fails_loses_nothing(tree, monkeypatch, work):
    tree(many_scripts(2 * parallel.MIN_SHARE + 4))
    one = invoke("check", ".", "--format", "json", "--jobs", "1", *RULES)
    checked_here: list[int] = []
    real = parallel.check_chunk
    monkeypatch.setattr(parallel, "check_chunk", lambda engine, scripts:
                        checked_here.append(len(scripts)) or real(engine, scripts))
    monkeypatch.setattr(parallel, "_work", work)
    assert invoke("check", ".", "--format", "json", "--jobs", "2", *RULES) == one
    assert sum(checked_here) > 2     # more than one script per language: the rest, here


@pytest.mark.parametrize("share", [_unsendable_share, _dying_share])
def test_a_worker_that_cannot_send_its_share_back_loses_nothing(tree, monkeypatch, share):
    tree(many_scripts(2 * parallel.MIN_SHARE + 4))
    one = invoke("check", ".", "--format", "json", "--jobs", "1", *RULES)
    monkeypatch.setattr(parallel, "_analyse_part", share)
    assert invoke("check", ".", "--format", "json", "--jobs", "2", *RULES) == one


def test_a_broken_pack_stops_a_run_whose_templates_workers_analyse(tree):
    tree({**many_scripts(2 * parallel.MIN_SHARE + 4),
          "bad.yaml": "pack: bad\nversion: 1\nrules:\n  - id: X\n    kind: nonsense\n"})
    code, out = invoke("check", ".", "--jobs", "2", "--rules", "bad.yaml")
    assert code == 2 and re.search(r"bad\.yaml:\d+: ", out)
    code, out = invoke("check", ".", "--jobs", "2", *RULES, "--select", "T-NO-SUCH-RULE")
    assert code == 2 and "T-NO-SUCH-RULE" in out


def test_worker_processes_are_told_the_packs_asked_for(tree, monkeypatch):
    """A spawned worker loads the packs itself: by the names this run was given."""
    tree(many_scripts(2 * parallel.MIN_SHARE + 4))
    jobs: list = []
    real = parallel.check
    monkeypatch.setattr(parallel, "check", lambda scripts, engine, job, *rest:
                        jobs.append(job) or real(scripts, engine, job, *rest))
    invoke("check", ".", "--jobs", "2", *RULES)
    assert [job.pack_specs for job in jobs] == [MINI_PACKS]


# --- changed-files mode ------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tree):
    root = tree({
        "a.j2": ZH_FRONT + "{% include 'partials/p1.j2' %}\n",
        "b.j2": ZH_FRONT + "{% include 'partials/p2.j2' %}\n",
        "c.j2": ZH_BAD,
        "d.j2": ZH_FRONT + "{% include 'mid.j2' %}\n",       # uses p1 through mid.j2
        "mid.j2": "{% include 'partials/p1.j2' %}\n",
        "partials/p1.j2": "您好。\n",
        "partials/p2.j2": "您好。\n",
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "scripts")
    return root


def checked(*args: str) -> list[str]:
    code, report = report_of(*args, *RULES)
    return sorted(f["path"] for f in report["files"])


def test_diff_base_checks_exactly_the_users_of_a_changed_partial(repo):
    assert checked(".", "--diff-base", "HEAD") == []          # nothing changed, nothing checked
    (repo / "partials" / "p1.j2").write_text("明天我们就上门。\n", encoding="utf-8")
    assert checked(".", "--diff-base", "HEAD") == ["a.j2", "d.j2"]
    code, report = report_of(".", "--diff-base", "HEAD", *RULES)
    assert code == 1 and [f["path"] for f in report["findings"] if f["rule"] == "T-ZH-HOME"] \
        == [os.path.join("partials", "p1.j2")]
    git(repo, "commit", "-qam", "edit p1")                    # committed on the branch: same
    assert checked(".", "--diff-base", "HEAD~1") == ["a.j2", "d.j2"]
    (repo / "e.j2").write_text(ZH_FRONT + "{% include 'partials/p2.j2' %}\n", encoding="utf-8")
    assert checked(".", "--diff-base", "HEAD") == ["e.j2"]    # a new, untracked script


def test_changed_files_from_pre_commit(repo):
    assert checked("--changed") == []                          # no file, no script
    assert checked("--changed", "partials/p2.j2") == ["b.j2"]
    assert checked("--changed", "mid.j2", "c.j2") == ["c.j2", "d.j2"]
    assert checked("--changed", "partials/p1.j2") == ["a.j2", "d.j2"]
    # a changed pack or configuration affects every script
    assert checked("--changed", MINI_PACKS[0]) == ["a.j2", "b.j2", "c.j2", "d.j2"]
    (repo / "scriptcheck.toml").write_text("fail-on = 'error'\n", encoding="utf-8")
    assert checked("--changed", "scriptcheck.toml") == ["a.j2", "b.j2", "c.j2", "d.j2"]
    (repo / "ctx.yaml").write_text("customer: {name: 张三}\n", encoding="utf-8")
    assert checked("--changed", "ctx.yaml", "--context", "ctx.yaml") == ["a.j2", "b.j2", "c.j2",
                                                                         "d.j2"]
    assert checked("--changed", "ctx.yaml") == []


def test_changed_mode_never_loads_nlp_when_nothing_is_affected(repo, monkeypatch):
    monkeypatch.setattr(nlp, "pipeline", no_nlp)
    assert invoke("check", "--changed", "README.txt", *RULES)[0] == 0


def test_diff_base_outside_git_or_with_a_bad_ref_is_a_usage_error(repo, tmp_path_factory):
    code, out = invoke("check", ".", "--diff-base", "no-such-ref", *RULES)
    assert code == 2 and "--diff-base no-such-ref" in out


# --- the cache -----------------------------------------------------------------------------


def test_cache_hits_however_the_paths_are_spelt(tree, monkeypatch):
    root = tree({"scripts/cn/a.j2": ZH_BAD,
                 "scripts/cn/b.j2": ZH_FRONT + "{% include 'partials/p.j2' %}\n",
                 "scripts/partials/p.j2": "明天我们就上门。\n"})
    code, first = report_of("scripts", "--cache-dir", ".cache", *RULES)
    assert code == 1 and len(first["files"]) == 2
    with monkeypatch.context() as patch:
        patch.setattr(nlp, "pipeline", no_nlp)
        for spelling in ("./scripts", str(root / "scripts"), "scripts/"):
            _, again = report_of(spelling, "--cache-dir", ".cache", *RULES)
            prefix = os.path.normpath(spelling)
            assert [f["path"] for f in again["findings"]] == \
                [os.path.join(prefix, p[len("scripts/"):]) for p in
                 (f["path"] for f in first["findings"])]
            assert [(f["rule"], f["line"], f["column"]) for f in again["findings"]] == \
                [(f["rule"], f["line"], f["column"]) for f in first["findings"]]
        _, part = report_of("scripts/cn", "--cache-dir", ".cache", *RULES)
        assert part["findings"] == first["findings"]      # `check scripts/cn` after `scripts`


def entries(root: Path) -> list[Path]:
    return sorted((root / ".cache").rglob("*.json"))


def unbundle(root: Path) -> None:
    """Remove the run's bundle, so the next run reads (and checks) the entry files."""
    for bundle in (root / ".cache" / "runs").glob("*.bundle"):
        bundle.unlink()


@pytest.mark.parametrize("damage", ["garbage", "empty", "emptied", "truncated", "type", "path",
                                    "fields", "key"])
def test_a_damaged_entry_is_a_miss_never_a_crash_or_a_loss(tree, damage):
    root = tree({"a.j2": ZH_BAD})
    _, first = report_of("a.j2", "--cache-dir", ".cache", *RULES)
    (entry,) = entries(root)
    whole = entry.read_text(encoding="utf-8")
    head, body = whole.split("\n", 1)

    def signed(text: str) -> str:     # a well-formed entry whose body is wrong in kind
        return json.dumps({**json.loads(head), "digest": cache_mod._digest(text)}) + "\n" + text

    damaged = {
        "garbage": "\x00not json",
        "empty": "",
        "emptied": head + "\n" + body.replace(body[body.index("["):], "[]}"),
        "truncated": whole[:-20],
        "type": signed(body.replace('"line": 8', '"line": "8"')),
        "path": signed(body.replace('"path": 0', '"path": 7')),
        "fields": signed(body.replace('"excerpt"', '"extra"')),
        "key": head.replace(json.loads(head)["key"], "0" * 64) + "\n" + body,
    }[damage]
    assert damaged != whole
    entry.write_text(damaged, encoding="utf-8")
    unbundle(root)
    code, again = report_of("a.j2", "--cache-dir", ".cache", *RULES)
    assert code == 1 and again == first
    assert entry.read_text(encoding="utf-8") == whole              # rewritten whole


def test_the_key_follows_versions_packs_and_config(tree, monkeypatch):
    from scriptcheck import runner
    from scriptcheck.config import Config
    from scriptcheck.engine import Options

    root = tree({"a.j2": ZH_BAD, "pack.yaml": Path(MINI_PACKS[0]).read_text(encoding="utf-8"),
                 "scriptcheck.toml": "fail-on = 'warning'\n"})
    loaded = packs.load_all([str(root / "pack.yaml")])
    script = template.analyze("a.j2", template.Loader(["."]))
    texts = {"a.j2": script.source.text}

    def key(config_path="scriptcheck.toml"):
        return cache_mod.Cache(".cache", loaded, Options(), (), config_path).key(script, texts)

    base = key()
    assert key() == base
    monkeypatch.setattr(cache_mod, "_version", lambda dist: "9.9" if dist == "spacy" else "1")
    assert key() != base
    monkeypatch.undo()
    (root / "scriptcheck.toml").write_text("fail-on = 'error'\n", encoding="utf-8")
    assert key() != base
    (root / "scriptcheck.toml").write_text("fail-on = 'warning'\n", encoding="utf-8")
    (root / "pack.yaml").write_text((root / "pack.yaml").read_text(encoding="utf-8") + "\n# x\n",
                                    encoding="utf-8")
    assert key() != base
    assert runner.run(["a.j2"], Config(), Options(), [str(root / "pack.yaml")]).findings


def _writer(folder: str, key: str, rounds: int, marker: int) -> None:
    from scriptcheck.model import Finding

    store = cache_mod.Cache.__new__(cache_mod.Cache)
    store.folder = Path(folder)
    finding = Finding("R", "profanity", "error", "m" * 2000, "a.j2", marker, 1, marker, 2)
    for _ in range(rounds):
        store.put(key, ["a.j2"], [finding] * 20, marker)


def test_two_processes_writing_one_entry_leave_a_whole_entry(tmp_path):
    import multiprocessing

    key = "ab" * 32
    workers = [multiprocessing.Process(target=_writer, args=(str(tmp_path), key, 150, n))
               for n in (1, 2)]
    for w in workers:
        w.start()
    store = cache_mod.Cache.__new__(cache_mod.Cache)
    store.folder = tmp_path
    seen = set()
    while any(w.is_alive() for w in workers):
        hit = store.get(key, ["a.j2"])
        if hit is not None:
            findings, variants = hit
            assert len(findings) == 20 and {f.line for f in findings} == {variants}
            seen.add(variants)
    for w in workers:
        w.join()
        assert w.exitcode == 0
    assert store.get(key, ["a.j2"])[1] in (1, 2)
    assert not list(tmp_path.rglob("*.tmp"))          # no temporary file left behind


# --- the cached path: analyses and packs by content -----------------------------------------

MACROS = ("{% macro said() %}明天我们就上门。{% endmacro %}\n"
          "{% macro never() %}你好{% endmacro %}\n")


def repository() -> dict[str, str | bytes]:
    """Scripts, used and unused partials and macros, a file no encoding declares, one that
    cannot be decoded, one that does not parse, one over max-file-size and one that cannot be
    read (a dangling link)."""
    return {"scriptcheck.toml": "max-file-size = 3000\n",
            "scripts/a.j2": ZH_BAD,
            "scripts/b.j2": ZH_FRONT + "{% include 'partials/p.j2' %}\n"
                            "{% from 'macros/m.j2' import said %}{{ said() }}\n你上次说过会还款。\n",
            "scripts/c.en.j2": EN_FRONT + "{% if late %}You will be arrested.{% endif %}\n",
            "scripts/partials/p.j2": "明天我们就上门。\n",
            "scripts/partials/_unused.j2": "你好。\n",
            "scripts/macros/m.j2": MACROS,
            "scripts/gbk.j2": (ZH_FRONT + "您好，我们明天上门。\n").encode("gbk"),
            "scripts/undecodable.j2": b"\xef\xbb\xbf" + "您好".encode() + b"\xff\xfe\n",
            "scripts/broken.j2": ZH_FRONT + "{% if %}\n",
            "scripts/big.j2": ZH_FRONT + "您好。\n" * 800}


def without_time(out: str) -> str:
    """The text summary's time taken and cache hits are the only words that may differ."""
    return re.sub(r" \([0-9.]+ s[^)]*\)\n", "\n", out)


def parses(monkeypatch) -> list[str]:
    """The files lexed and parsed from now on."""
    from scriptcheck import jinjaparse

    seen: list[str] = []
    real = jinjaparse.lex_and_parse
    monkeypatch.setattr(jinjaparse, "lex_and_parse",
                        lambda env, source, *a: seen.append(source.path) or real(env, source, *a))
    return seen


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "html"])
def test_a_cached_run_prints_byte_for_byte_what_a_cold_run_prints(tree, monkeypatch, fmt):
    root = tree(repository())
    os.symlink(root / "scripts" / "nowhere.j2", root / "scripts" / "gone.j2")
    args = ["check", "scripts", "--format", fmt, *RULES]
    cold = invoke(*args)
    assert cold[0] == 1 and "--cache-dir" not in cold[1]
    filled = invoke(*args, "--cache-dir", ".cache")
    with monkeypatch.context() as patch:
        patch.setattr(nlp, "pipeline", no_nlp)
        parsed = parses(patch)
        cached = invoke(*args, "--cache-dir", ".cache")
        unbundle(root)
        unbundled = invoke(*args, "--cache-dir", ".cache")     # the entry files, one by one
        bundled = invoke(*args, "--cache-dir", ".cache")       # the bundle that run wrote
    assert without_time(unbundled[1]) == without_time(bundled[1]) == without_time(cached[1])
    if fmt != "html":   # (the HTML report's spoken paths read the files again, cold or not)
        assert parsed == [os.path.join("scripts", "partials", "_unused.j2")] * 3  # its excerpt
    assert without_time(filled[1]) == without_time(cold[1])
    assert cached[0] == cold[0] and without_time(cached[1]) == without_time(cold[1])
    if fmt == "json":   # the notices about files are all there, from the cache
        found = json.loads(cached[1])["findings"]
        assert {"unused-partial", "unused-macro", "encoding-guess", "template-error",
                "T-ZH-HOME", "T-EN-ARREST"} <= {f["rule"] for f in found}
        assert {f["path"] for f in found if f["rule"] == "template-error"} == {
            os.path.join("scripts", name) for name in
            ("undecodable.j2", "broken.j2", "big.j2", "gone.j2")}
        # a file too large or unreadable is analysed every time: nothing whole to key it by
        assert len(list((root / ".cache" / "analysis").rglob("*.pickle"))) == 6
    if fmt == "text":
        assert ", 8 from the cache)" in cached[1]


def test_an_edited_partial_pack_or_config_is_seen_by_the_next_cached_run(tree, monkeypatch):
    root = tree({**repository(), "pack.yaml": Path(MINI_PACKS[0]).read_text(encoding="utf-8"),
                 "scripts/t/other.j2": ZH_FRONT + "{% include 'p2.j2' %}\n",
                 "scripts/t/p2.j2": "您好。\n"})
    args = ["scripts", "--cache-dir", ".cache", "--rules", "pack.yaml", "--rules", MINI_PACKS[1]]

    def home_visits() -> list[tuple[str, str]]:
        report = report_of(*args)[1]
        files.append([f["path"] for f in report["files"]])
        return sorted((f["path"], f["severity"]) for f in report["findings"]
                      if f["rule"] == "T-ZH-HOME")

    files: list[list[str]] = []

    first = home_visits()
    assert ("scripts/partials/p.j2", "error") in first
    (root / "scripts/partials/p.j2").write_text("您好。\n", encoding="utf-8")      # a partial
    assert ("scripts/partials/p.j2", "error") not in home_visits()
    pack = (root / "pack.yaml").read_text(encoding="utf-8")
    (root / "pack.yaml").write_text(pack.replace("severity: error", "severity: info", 1),
                                    encoding="utf-8")                               # a pack
    assert {severity for _, severity in home_visits()} == {"info"}
    (root / "scriptcheck.toml").write_text("max-file-size = 3000\nexclude = ['**/a.j2']\n",
                                           encoding="utf-8")                        # the config
    assert "scripts/a.j2" not in {path for path, _ in home_visits()}
    # a template that appears earlier on the search path is what the include now finds
    (root / "scripts/p2.j2").write_text("明天我们就上门。\n", encoding="utf-8")
    assert ("scripts/p2.j2", "info") in home_visits()
    assert "scripts/p2.j2" not in files[-1]       # a partial of other.j2, not a script


@pytest.mark.parametrize("damage", ["truncated", "resealed", "planted"])
def test_a_damaged_or_planted_analysis_entry_is_a_miss(tree, monkeypatch, damage):
    import pickle

    from scriptcheck import store

    root = tree({"a.j2": ZH_BAD})
    _, first = report_of("a.j2", "--cache-dir", ".cache", *RULES)
    (entry,) = (root / ".cache" / "analysis").rglob("*.pickle")
    whole = entry.read_bytes()
    key = whole.split(b" ", 1)[0].decode()
    ran: list[str] = []

    class Planted:   # an entry that would run code when unpickled by a trusting reader
        def __reduce__(self):
            return os.system, ("echo planted > planted.txt",)

    entry.write_bytes({"truncated": whole[:-40],
                       "resealed": store.seal(key, ("not", "an", "entry")),
                       "planted": store.seal(key, Planted())}[damage])
    unbundle(root)
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: ran.append("loads"))
    _, again = report_of("a.j2", "--cache-dir", ".cache", *RULES)
    assert again == first and not ran and not (root / "planted.txt").exists()
    assert entry.read_bytes() == whole                     # analysed again and rewritten


@pytest.mark.parametrize("damage", ["garbage", "truncated", "shape", "planted", "entries"])
def test_a_damaged_or_planted_bundle_is_a_shortcut_lost_never_a_wrong_report(tree, monkeypatch,
                                                                            damage):
    from scriptcheck import bundle as bundle_mod, store

    root = tree(repository())
    args = ["scripts", "--cache-dir", ".cache", *RULES]
    first = report_of(*args)
    (path,) = (root / ".cache" / "runs").glob("*.bundle")
    whole = path.read_bytes()
    name = path.stem
    held = bundle_mod._entries(whole, name)
    assert len(held) > 8    # the analysis and findings entries of the run

    class Planted:   # a bundle that would run code when unpickled by a trusting reader
        def __reduce__(self):
            return os.system, ("echo planted > planted.txt",)

    path.write_bytes({
        "garbage": b"\x00not a bundle",
        "truncated": whole[:-100],
        "shape": name.encode() + b"\n" + store.dumps({"entry": "not bytes"}),
        "planted": name.encode() + b"\n" + store.dumps(Planted()),
        "entries": name.encode() + b"\n" + store.dumps({k: v[:-30] for k, v in held.items()}),
    }[damage])
    with monkeypatch.context() as patch:
        if damage != "entries":   # the entry files are read instead: nothing is checked again
            patch.setattr(nlp, "pipeline", no_nlp)
        again = report_of(*args)
    assert again == first and not (root / "planted.txt").exists()
    assert bundle_mod._entries(path.read_bytes(), name) == held      # written whole again


def test_packs_come_from_the_cache_until_a_file_changes(tree, monkeypatch):
    from scriptcheck import packcache, schema

    root = tree({"pack.yaml": Path(MINI_PACKS[0]).read_text(encoding="utf-8")})
    specs = [str(root / "pack.yaml")]
    first = packcache.load_all(specs, ".cache")
    monkeypatch.setattr(schema, "validate", lambda *a: pytest.fail("validated again"))
    again = packcache.load_all(specs, ".cache")
    assert [(r.id, r.severity, r.pack.name) for p in again for r in p.rules] == \
        [(r.id, r.severity, r.pack.name) for p in first for r in p.rules]
    assert all(r.pack is p for p in again for r in p.rules)
    monkeypatch.undo()
    (root / "pack.yaml").write_text(
        (root / "pack.yaml").read_text(encoding="utf-8").replace("severity: error",
                                                                 "severity: bogus", 1),
        encoding="utf-8")
    with pytest.raises(packs.PackError, match="severity"):       # a broken pack still stops
        packcache.load_all(specs, ".cache")


# --- SARIF -----------------------------------------------------------------------------------


def sarif_of(*args: str) -> tuple[int, dict]:
    code, out = invoke("check", "--format", "sarif", *args)
    return code, json.loads(out)


def test_sarif_is_valid_and_complete(tree):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    tree({"话术 一.j2": ZH_BAD, "b.j2": ZH_FRONT + "{% include 'oops.j2' %}\n"})
    code, sarif = sarif_of(".", *RULES)
    jsonschema.validate(sarif, schema)
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    enabled = [r.id for p in packs.load_all(MINI_PACKS) for r in p.rules]
    assert [r["id"] for r in rules][:len(enabled)] == enabled     # every enabled rule
    home = rules[enabled.index("T-ZH-HOME")]
    assert home["fullDescription"]["text"].startswith("以上门相威胁。")
    assert "《商业银行信用卡业务监督管理办法》 第六十八条" in home["help"]["markdown"]
    assert "请说明可通过官方渠道协商还款。" in home["help"]["markdown"]
    assert home["helpUri"].endswith("docs/rules.md#t-zh-home")
    assert "threat-home-visit" in home["properties"]["tags"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = by_rule["T-ZH-HOME"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "%E8%AF%9D%E6%9C%AF%20%E4%B8%80.j2", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(os.getcwd()).as_uri() + "/"
    assert "template-error" in by_rule                      # scriptcheck's own rules too
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


def test_sarif_fingerprints_survive_lines_inserted_above(tree):
    root = tree({"a.j2": ZH_BAD + "明天我们就上门。\n"})
    before = sarif_of("a.j2", *RULES)[1]["runs"][0]["results"]
    text = (root / "a.j2").read_text(encoding="utf-8")
    (root / "a.j2").write_text(text.replace("您好，", "\n\n您好，"), encoding="utf-8")
    after = sarif_of("a.j2", *RULES)[1]["runs"][0]["results"]

    def lines(results):
        return [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]

    assert lines(after) == [n + 2 for n in lines(before)] and len(before) == 2
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]
    assert len({r["partialFingerprints"]["scriptcheck/v1"] for r in after}) == 2


def test_rule_docs_have_a_section_for_every_built_in_rule():
    doc = (ROOT / rulesdoc.DOC).read_text(encoding="utf-8")
    headings = {line[4:] for line in doc.splitlines() if line.startswith("### ")}
    missing = [r.id for p in packs.load_all(packs.builtin_names()) for r in p.rules
               if r.id not in headings]
    assert not missing, ("docs/rules.md is out of date: run "
                         "`python -m scriptcheck rules --format markdown > docs/rules.md`")
    assert set(rulesdoc.OWN) <= headings


# --- JUnit -------------------------------------------------------------------------------------


def test_junit_testcases_are_scripts_and_fail_on_is_honoured(tree):
    tree({"a.j2": ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n{% include '_p.j2' %}\n",
          "_p.j2": "明天我们就上门。\n",
          "b.j2": ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n你好。\n"})   # a warning only
    for fail_on, failing in (("warning", ["a.j2", "b.j2"]), ("error", ["a.j2"])):
        code, out = invoke("check", ".", "--format", "junit", "--fail-on", fail_on, *RULES)
        suite = ET.fromstring(out.split("?>", 1)[1]).find("testsuite")
        cases = {c.get("name"): c for c in suite.iter("testcase")}
        assert sorted(cases) == ["a.j2", "b.j2"]                  # the partial is not one
        assert sorted(n for n, c in cases.items() if c.find("failure") is not None) == failing
        assert suite.get("failures") == str(len(failing)) and suite.get("tests") == "2"
        assert "_p.j2:1:6" in cases["a.j2"].find("failure").text   # found through the partial
        assert all(float(c.get("time")) >= 0 for c in cases.values())
        assert float(suite.get("time")) > 0
    assert "T-ZH-NI" in cases["b.j2"].find("system-out").text     # below --fail-on: reported


# --- outputs and ruff-like options ------------------------------------------------------------


def test_several_formats_in_one_run_with_the_summary_on_the_console(tree):
    root = tree({"a.j2": ZH_BAD})
    code, out = invoke("check", "a.j2", "--output-format", "json=out/r.json",
                       "--output-format", "sarif=r.sarif", "--output-format", "junit=r.xml",
                       *RULES)
    assert code == 1
    assert out.splitlines()[-1].startswith("1 file(s) checked: 1 error(s), 0 warning(s), 0 info (")
    assert json.loads((root / "out" / "r.json").read_text(encoding="utf-8"))["summary"]["error"] == 1
    assert json.loads((root / "r.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert (root / "r.xml").read_text(encoding="utf-8").startswith("<?xml")
    code, out = invoke("check", "a.j2", "--output-format", "yaml=r.yaml", *RULES)
    assert code == 2 and "FMT=FILE" in out and not (root / "r.yaml").exists()


def test_statistics_quiet_and_exit_zero(tree):
    tree({"a.j2": ZH_BAD + "明天我们就上门。\n你好。\n"})
    code, out = invoke("check", "a.j2", "--statistics", *RULES)
    lines = out.splitlines()
    assert code == 1
    assert lines[0].split() == ["2", "T-ZH-HOME", "error", "[threat-home-visit]"]
    assert lines[1].split() == ["1", "T-ZH-NI", "warning", "[impolite-address]"]
    assert lines[3:6] == ["by category:", "    2  threat-home-visit", "    1  impolite-address"]
    code, out = invoke("check", "a.j2", "--quiet", *RULES)
    assert code == 1 and "file(s) checked" not in out and out.startswith("a.j2:8:6: error")
    code, out = invoke("check", "a.j2", "--exit-zero", *RULES)
    assert code == 0 and "1 file(s) checked: 2 error(s), 1 warning(s)" in out


def test_diff_previews_fixes_and_writes_nothing(tree):
    crlf = (ZH_FRONT + "您好，我是示例银行信用卡中心的客服。\n你上次答应还款。\n").replace("\n", "\r\n")
    root = tree({"a.j2": crlf.encode("utf-8")})
    before = (root / "a.j2").read_bytes()
    code, out = invoke("check", "a.j2", "--diff", *RULES)
    assert code == 1 and (root / "a.j2").read_bytes() == before
    changed = [line for line in out.splitlines()[2:] if line[:1] in "+-"]
    assert out.startswith("--- a/a.j2\n+++ b/a.j2\n")
    assert changed == ["-你上次答应还款。", "+您上次答应还款。"]
    code, out = invoke("check", "a.j2", "--fix", *RULES)
    assert "fixed a.j2" in out
    assert (root / "a.j2").read_bytes() == before.replace("你".encode(), "您".encode())
    assert invoke("check", "a.j2", "--diff", *RULES) == (0, "")


class FakeTerminal:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_bar_only_in_a_terminal_outside_ci(monkeypatch):
    import scriptcheck.progress as progress_mod

    monkeypatch.setattr(progress_mod, "DELAY", 0)
    monkeypatch.delenv("CI", raising=False)
    shown = FakeTerminal(True)
    bar = Progress(shown)
    bar(5, 10)
    assert "5/10 scripts" in shown.text and "#" * 15 + "." * 15 in shown.text
    bar.close()
    assert shown.text.endswith("\r")
    piped = FakeTerminal(False)
    Progress(piped)(5, 10)
    monkeypatch.setenv("CI", "true")
    in_ci = FakeTerminal(True)
    Progress(in_ci)(5, 10)
    assert piped.text == "" and in_ci.text == ""
